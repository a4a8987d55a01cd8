#pragma once
// Finishes the evidence the wire layer produced: decodes certificates and
// CA names with OpenSSL, hashes JA3/JA3S, verifies the server chain at the
// session's moment. Caches by certificate and by chain, because a busy SBC's
// capture repeats the same few chains thousands of times.
#include <algorithm>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "model/chain.h"
#include "model/connection.h"
#include "x509/chain_builder.h"
#include "x509/handles.h"
#include "x509/trust_store.h"

namespace tc::sources {

class EvidenceCompleter {
 public:
  EvidenceCompleter(const x509::TrustStore& trust, Instant at) : trust_(trust), at_(at) {}

  struct Completed {
    // The verdict on the server chain (cached: valid until the next call), or
    // nullptr when no chain was seen.
    const ChainVerdict* server_chain = nullptr;
    std::string chain_key;  // the chain's sha256s, the key callers cache by
    // With ServerChain::shared: the server chain's facts, one copy shared by
    // every connection that presented it, with `source` empty (null when no
    // chain was seen); the frame of the server's Certificate message.
    std::shared_ptr<const std::vector<CertificateFacts>> shared_server_chain;
    uint64_t server_certificate_frame = 0;
  };
  // Where the server chain's facts go: into connection.server_chain, each
  // with its source ("frame N"), or — for a caller that judges and renders
  // chains once per chain (pcap) — only into Completed, saving a copy of every
  // certificate's facts per connection.
  enum class ServerChain { copied, shared };
  // Fills server_chain (when copied), client_chain, certificate_request_ca_names,
  // ja3, ja3s and drops the raw DER.
  Completed complete(Connection& connection, ServerChain server_chain = ServerChain::copied);

 private:
  struct DecodedCertificate {
    x509::X509Ptr cert;
    CertificateFacts facts;
  };
  const DecodedCertificate* decode(const Bytes& der);
  // RFC 2253 text of a DER Name (CertificateRequest CA names), cached.
  const std::string& name_text(const Bytes& der);
  // JA3/JA3S hash of its text, cached (a capture repeats a few fingerprints).
  const std::string& fingerprint(const std::string& text);
  // The certificates that decode, in the order sent …
  std::vector<const DecodedCertificate*> decode_all(const std::vector<Bytes>& ders);
  // … and their facts as a connection carries them, each naming its message's frame.
  static std::vector<CertificateFacts> facts_of(const std::vector<const DecodedCertificate*>& chain, uint64_t frame);

  const x509::TrustStore& trust_;
  Instant at_;
  // Bounded caches: cleared wholesale when full, which keeps memory flat on
  // captures with endless distinct certificates.
  // Looked up by the DER bytes without copying them (transparent hashing).
  struct BytesHash {
    using is_transparent = void;
    size_t operator()(std::string_view bytes) const { return std::hash<std::string_view>{}(bytes); }
  };
  // A certificate's DER ends in its signature, which differs between any two
  // certificates: hashing the length and the last 32 bytes spreads them as
  // well as hashing the whole kilobyte (equal keys are still compared whole).
  struct CertificateHash {
    using is_transparent = void;
    size_t operator()(std::string_view der) const {
      const size_t tail = std::min<size_t>(der.size(), 32);
      return std::hash<std::string_view>{}(der.substr(der.size() - tail)) ^ (der.size() * 0x9e3779b97f4a7c15ull);
    }
  };
  std::unordered_map<std::string, DecodedCertificate, CertificateHash, std::equal_to<>> certificates_;
  // By chain (its sha256s): the verdict, and the facts shared by every
  // connection that presented it (made on first use with ServerChain::shared).
  struct KnownChain {
    ChainVerdict verdict;
    std::shared_ptr<const std::vector<CertificateFacts>> shared_facts;
  };
  std::unordered_map<std::string, KnownChain> chains_;
  std::unordered_map<std::string, std::string, BytesHash, std::equal_to<>> names_;
  std::unordered_map<std::string, std::string, BytesHash, std::equal_to<>> fingerprints_;
  static constexpr size_t kMaxCachedCertificates = 4096;
  static constexpr size_t kMaxCachedVerdicts = 1024;
};

// How a certificate's facts name the capture frame they came from ("frame 12").
std::string frame_source(uint64_t frame);

// Lower-case hex MD5, as JA3 specifies.
std::string md5_hex(std::string_view text);

}  // namespace tc::sources
