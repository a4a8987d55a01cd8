#include "sources/listener_tls_context.h"

#include <openssl/err.h>

#include "policy/cipher_registry.h"

namespace tc::sources {

namespace {

std::string openssl_error_text() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "OpenSSL error " + std::to_string(code);
}

// Records what the client presents; the certificate rules judge it later.
int accept_any_client_certificate(int /*preverify_ok*/, X509_STORE_CTX* /*store*/) { return 1; }

}  // namespace

std::string openssl_cipher_list(const Profile& profile) {
  std::string list;
  for (uint16_t code : profile.supported_suites) {
    const CipherSuite* suite = find_cipher_suite(code);
    if (suite == nullptr || suite->openssl_name.empty() || suite->tls13) continue;
    if (!list.empty()) list += ':';
    list += suite->openssl_name;
  }
  return list;
}

x509::SslCtxPtr make_platform_server_context(const ServerCredentials& credentials, const Profile& profile,
                                             bool request_client_certificate, std::string& error) {
  x509::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) {
    error = "cannot create a TLS context: " + openssl_error_text();
    return nullptr;
  }
  // The platform speaks TLS 1.2 only (seed 003); the profile says which.
  uint16_t lowest = 0xffff, highest = 0;
  for (uint16_t version : profile.tls_versions) {
    lowest = std::min(lowest, version);
    highest = std::max(highest, version);
  }
  if (highest == 0) lowest = highest = TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version(ctx.get(), lowest);
  SSL_CTX_set_max_proto_version(ctx.get(), highest);
  std::string ciphers = openssl_cipher_list(profile);
  if (ciphers.empty() || SSL_CTX_set_cipher_list(ctx.get(), ciphers.c_str()) != 1) {
    error = "profile " + profile.name + ": OpenSSL accepts none of its supported suites (" + ciphers + ")";
    ERR_clear_error();
    return nullptr;
  }
  // Deprecated suites use SHA-1/CBC; Debian's default security level would
  // hide some of them, and the point is to accept exactly what the platform does.
  SSL_CTX_set_security_level(ctx.get(), 1);
  // No SSL_OP_CIPHER_SERVER_PREFERENCE: the client's order decides (seed 002).
  SSL_CTX_clear_options(ctx.get(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  // A SIP client that closes TCP without close_notify is normal; without
  // IGNORE_UNEXPECTED_EOF OpenSSL would answer it with a fatal decode_error
  // alert that the transcript would then blame on us.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  // Idle connections give their 16 KB record buffers back (thousands may be open).
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

  if (credentials.chain.empty() || !credentials.key) {
    error = "no server certificate and key";
    return nullptr;
  }
  if (SSL_CTX_use_certificate(ctx.get(), credentials.chain.front().get()) != 1) {
    error = "the server certificate is not usable: " + openssl_error_text();
    return nullptr;
  }
  for (size_t i = 1; i < credentials.chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx.get(), credentials.chain[i].get()) != 1) {
      error = "an intermediate certificate is not usable: " + openssl_error_text();
      return nullptr;
    }
  }
  if (SSL_CTX_use_PrivateKey(ctx.get(), credentials.key.get()) != 1 || SSL_CTX_check_private_key(ctx.get()) != 1) {
    error = "the private key does not match the certificate: " + openssl_error_text();
    return nullptr;
  }
  if (request_client_certificate) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, accept_any_client_certificate);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  return ctx;
}

}  // namespace tc::sources
