#pragma once
// Builds and verifies a presented certificate chain with OpenSSL's
// X509_verify_cert at an injected moment, and describes the result as a
// tc::ChainVerdict (leaf, path, error, missing issuer, order, anchor).
#include <span>

#include "model/chain.h"
#include "model/instant.h"
#include "x509/handles.h"
#include "x509/trust_store.h"

namespace tc::x509 {

enum class Purpose {
  none,    // no purpose check (inventory)
  server,  // X509_PURPOSE_SSL_SERVER: the peer is a TLS server
  client,  // X509_PURPOSE_SSL_CLIENT: the peer is a TLS client (mutual TLS)
};

struct VerifyOptions {
  Instant at{};                 // the moment to verify at; never the wall clock
  Purpose purpose = Purpose::none;
};

// `presented` in the order given (file order, or wire order). The leaf is the
// certificate that issues none of the others, not necessarily the first.
ChainVerdict verify_chain(std::span<const X509Ptr> presented, const TrustStore& trust, const VerifyOptions& options);

// Index of the leaf in `presented` (see above); nullopt when empty.
std::optional<size_t> find_leaf(std::span<const X509Ptr> presented);

// True when `issuer` issued `subject` by name, key identifiers and key usage
// (X509_check_issued), and it is not the same certificate.
bool issues(const X509* issuer, const X509* subject);

}  // namespace tc::x509
