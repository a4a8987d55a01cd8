#pragma once
// The SSL_CTX with which the listener behaves like the platform as a TLS
// server on inbound calls (DOMAIN.md §2-3, seed 002, seed 003):
//   - TLS 1.2 only (minimum = maximum = 1.2);
//   - only the profile's supported suites;
//   - the client's order decides (no server preference), so the suite
//     negotiated is the one the platform would pick;
//   - no CertificateRequest, unless asked to show what a client would present
//     (then any certificate is accepted, so it is recorded, not judged here);
//   - no session resumption: every connection shows a full handshake.
#include <string>

#include "policy/profile.h"
#include "sources/server_credentials.h"
#include "x509/handles.h"

namespace tc::sources {

// The OpenSSL cipher list for the profile's supported suites, in the
// profile's order ("AES256-SHA:AES256-SHA256:…"); suites OpenSSL cannot name
// are left out.
std::string openssl_cipher_list(const Profile& profile);

// nullptr with `error` when OpenSSL refuses the credentials or the suites.
x509::SslCtxPtr make_platform_server_context(const ServerCredentials& credentials, const Profile& profile,
                                             bool request_client_certificate, std::string& error);

}  // namespace tc::sources
