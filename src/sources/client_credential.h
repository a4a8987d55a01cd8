#pragma once
// A certificate, its private key and issuers to present as a TLS client: the
// user's own files (--client-cert/--client-key) or a throwaway identity the
// probe generates for its EKU drill. The key lives in memory only and is
// never printed, logged or written.
#include <optional>
#include <string>
#include <vector>

#include "x509/handles.h"

namespace tc::sources {

struct ClientCredential {
  std::string label;                     // "generated serverAuth-only", "client.pem"
  x509::X509Ptr certificate;
  x509::EvpPkeyPtr key;
  std::vector<x509::X509Ptr> chain;      // issuers sent after the leaf
};

// Loads the first certificate of `cert_path` as the leaf (the rest as its
// chain) and the private key of `key_path` (PEM, unencrypted), and checks that
// they belong together. nullopt with `error` naming the file otherwise; the
// error never quotes key material.
std::optional<ClientCredential> load_client_credential(const std::string& cert_path, const std::string& key_path,
                                                       std::string& error);

}  // namespace tc::sources
