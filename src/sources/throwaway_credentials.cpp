#include "sources/throwaway_credentials.h"

#include "x509/certificate_forge.h"

namespace tc::sources {

std::optional<ServerCredentials> throwaway_credentials(const std::string& name, Instant now, std::string& error) {
  using namespace std::chrono_literals;
  const Instant not_before = now - 1h;
  const Instant not_after = now + std::chrono::days(30);
  // RSA: every suite the platform accepts authenticates the server with RSA.
  x509::ForgedIdentity root = x509::forge_self_signed_ca("trunkcheck throwaway root (untrusted by design)",
                                                         x509::KeyKind::rsa2048, not_before, not_after);
  if (!root) {
    error = "root: " + root.error;
    return std::nullopt;
  }
  // The platform's leaves carry serverAuth only since 2026-03 (seed 000).
  x509::ForgeSpec spec;
  spec.common_name = name;
  spec.dns_names = {name};
  spec.server_auth = true;
  spec.client_auth = false;
  spec.key = x509::KeyKind::rsa2048;
  spec.not_before = not_before;
  spec.not_after = not_after;
  x509::ForgedIdentity leaf = x509::forge_leaf(spec, &root);
  if (!leaf) {
    error = "leaf for '" + name + "': " + leaf.error;
    return std::nullopt;
  }
  ServerCredentials credentials;
  credentials.chain.push_back(std::move(leaf.certificate));
  for (auto& issuer : leaf.chain) credentials.chain.push_back(std::move(issuer));
  credentials.key = std::move(leaf.key);
  return credentials;
}

}  // namespace tc::sources
