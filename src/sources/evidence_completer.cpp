#include "sources/evidence_completer.h"

#include <openssl/evp.h>

#include "model/text.h"
#include "x509/certificate_facts.h"

namespace tc::sources {

std::string md5_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr) != 1) return {};
  return to_hex({digest, length});
}

const EvidenceCompleter::DecodedCertificate* EvidenceCompleter::decode(const Bytes& der) {
  std::string_view view(reinterpret_cast<const char*>(der.data()), der.size());
  if (auto it = certificates_.find(view); it != certificates_.end()) return &it->second;
  std::string key(view);
  x509::X509Ptr cert = x509::parse_certificate_der(der);
  if (!cert) return nullptr;
  CertificateFacts facts = x509::decode_certificate(cert.get(), "");
  auto [it, inserted] = certificates_.emplace(std::move(key), DecodedCertificate{std::move(cert), std::move(facts)});
  return &it->second;
}

const std::string& EvidenceCompleter::name_text(const Bytes& der) {
  std::string_view view(reinterpret_cast<const char*>(der.data()), der.size());
  if (auto it = names_.find(view); it != names_.end()) return it->second;
  if (names_.size() >= kMaxCachedCertificates) names_.clear();
  return names_.emplace(std::string(view), x509::decode_name_der(der)).first->second;
}

const std::string& EvidenceCompleter::fingerprint(const std::string& text) {
  if (auto it = fingerprints_.find(std::string_view(text)); it != fingerprints_.end()) return it->second;
  if (fingerprints_.size() >= kMaxCachedCertificates) fingerprints_.clear();
  return fingerprints_.emplace(text, md5_hex(text)).first->second;
}

std::string frame_source(uint64_t frame) { return "frame " + std::to_string(frame); }

std::vector<const EvidenceCompleter::DecodedCertificate*> EvidenceCompleter::decode_all(
    const std::vector<Bytes>& ders) {
  std::vector<const DecodedCertificate*> decoded;
  for (const auto& der : ders) {
    if (const DecodedCertificate* certificate = decode(der)) decoded.push_back(certificate);
  }
  return decoded;
}

std::vector<CertificateFacts> EvidenceCompleter::facts_of(const std::vector<const DecodedCertificate*>& chain,
                                                          uint64_t frame) {
  std::vector<CertificateFacts> facts;
  facts.reserve(chain.size());
  for (const DecodedCertificate* decoded : chain) {
    facts.push_back(decoded->facts);
    facts.back().source = frame_source(frame);
  }
  return facts;
}

EvidenceCompleter::Completed EvidenceCompleter::complete(Connection& connection, ServerChain server_chain) {
  // Cleared here, not while decoding: the decoded certificates of this
  // connection are used by pointer until it returns.
  if (certificates_.size() >= kMaxCachedCertificates) certificates_.clear();
  if (!connection.ja3_text.empty()) connection.ja3 = fingerprint(connection.ja3_text);
  if (!connection.ja3s_text.empty()) connection.ja3s = fingerprint(connection.ja3s_text);
  for (const auto& name : connection.certificate_request_ca_names_der) {
    connection.certificate_request_ca_names.push_back(name_text(name));
  }
  uint64_t server_frame = 0, client_frame = 0;
  for (const auto& message : connection.messages) {
    if (message.type != 11) continue;  // Certificate
    (message.from == Side::server ? server_frame : client_frame) = message.frame;
  }
  Completed completed;
  completed.server_certificate_frame = server_frame;
  // The server chain as decoded (certificates that do not parse are left out).
  const std::vector<const DecodedCertificate*> presented = decode_all(connection.server_chain_der);
  completed.chain_key.reserve(64 * presented.size());
  for (const DecodedCertificate* decoded : presented) completed.chain_key += decoded->facts.sha256;
  // One lookup for the chain's shared facts and its verdict.
  KnownChain* known = nullptr;
  if (!presented.empty()) {
    auto found = chains_.find(completed.chain_key);
    if (found == chains_.end()) {
      if (chains_.size() >= kMaxCachedVerdicts) chains_.clear();
      std::vector<x509::X509Ptr> handles;
      for (const DecodedCertificate* decoded : presented) handles.push_back(x509::share(decoded->cert.get()));
      found = chains_
                  .emplace(completed.chain_key,
                           KnownChain{x509::verify_chain(handles, trust_, {at_, x509::Purpose::server}), nullptr})
                  .first;
    }
    known = &found->second;
  }
  if (server_chain == ServerChain::copied) {
    connection.server_chain = facts_of(presented, server_frame);
  } else if (known) {
    if (!known->shared_facts) {
      auto facts = std::make_shared<std::vector<CertificateFacts>>();
      for (const DecodedCertificate* decoded : presented) facts->push_back(decoded->facts);
      known->shared_facts = std::move(facts);
    }
    completed.shared_server_chain = known->shared_facts;
  }
  connection.client_chain = facts_of(decode_all(connection.client_chain_der), client_frame);
  connection.server_chain_der.clear();
  connection.server_chain_der.shrink_to_fit();
  connection.client_chain_der.clear();
  connection.client_chain_der.shrink_to_fit();
  connection.certificate_request_ca_names_der.clear();
  if (known) completed.server_chain = &known->verdict;
  return completed;
}

}  // namespace tc::sources
