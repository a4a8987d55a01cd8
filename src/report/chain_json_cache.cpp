#include "report/chain_json_cache.h"

#include "report/connection_json.h"

namespace tc {

void ChainJsonCache::make_room() {
  if (by_fingerprints_.size() >= kMaxChains) by_fingerprints_.clear();
}

const std::string& ChainJsonCache::json(const std::vector<CertificateFacts>& chain) {
  static const std::string kEmpty = "[]";
  if (chain.empty()) return kEmpty;
  key_.clear();  // reused: a lookup allocates nothing
  for (const auto& facts : chain) key_ += facts.sha256;
  auto cached = by_fingerprints_.find(key_);
  if (cached != by_fingerprints_.end()) return cached->second;
  text_.clear();
  append_chain_json(text_, chain);
  return by_fingerprints_.emplace(key_, text_.text()).first->second;
}

}  // namespace tc
