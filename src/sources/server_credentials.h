#pragma once
// The certificate chain and private key the listener serves: read from PEM
// files (--cert, --key) or handed over in memory (the throwaway chain of
// --self-signed). Errors name the file and never quote key material.
#include <optional>
#include <string>
#include <vector>

#include "x509/handles.h"

namespace tc::sources {

struct ServerCredentials {
  std::vector<x509::X509Ptr> chain;  // leaf first, then intermediates as given
  x509::EvpPkeyPtr key;
};

// PEM certificates (leaf first) from `cert_path`, an unencrypted PEM private
// key from `key_path`; checks the key matches the leaf. nullopt with `error`
// ("KEY: not a PEM private key (encrypted keys are not supported)") otherwise.
std::optional<ServerCredentials> load_server_credentials(const std::string& cert_path, const std::string& key_path,
                                                         std::string& error);

}  // namespace tc::sources
