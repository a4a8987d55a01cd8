#pragma once
// Each distinct certificate chain's JSON text (append_chain_json), rendered
// once: a capture repeats a few chains thousands of times and a listener
// serves one chain to every client. Bounded: cleared when full, because a
// capture may also hold endless distinct chains.
#include <string>
#include <unordered_map>
#include <vector>

#include "model/certificate.h"
#include "report/json_text.h"

namespace tc {

class ChainJsonCache {
 public:
  // Call once per connection before its lookups: the texts json() returns
  // stay valid until the next call.
  void make_room();
  // "[]" for an empty chain.
  const std::string& json(const std::vector<CertificateFacts>& chain);

 private:
  static constexpr size_t kMaxChains = 1024;
  std::unordered_map<std::string, std::string> by_fingerprints_;  // key: the chain's sha256s
  std::string key_;
  JsonText text_;  // reused for each rendering
};

}  // namespace tc
