#include "sources/server_credentials.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tc::sources {

namespace {

// Never prompt on the terminal for a pass phrase (OpenSSL's default would).
int no_pass_phrase(char*, int, int, void*) { return -1; }

x509::BioPtr open_file(const std::string& path, std::string& error) {
  x509::BioPtr bio(BIO_new_file(path.c_str(), "rb"));
  if (!bio) error = path + ": " + std::strerror(errno != 0 ? errno : ENOENT);
  return bio;
}

}  // namespace

std::optional<ServerCredentials> load_server_credentials(const std::string& cert_path, const std::string& key_path,
                                                         std::string& error) {
  ServerCredentials credentials;
  errno = 0;
  x509::BioPtr certs = open_file(cert_path, error);
  if (!certs) return std::nullopt;
  while (X509* cert = PEM_read_bio_X509(certs.get(), nullptr, no_pass_phrase, nullptr)) {
    credentials.chain.emplace_back(cert);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  if (credentials.chain.empty()) {
    error = cert_path + ": no PEM certificate found";
    return std::nullopt;
  }
  errno = 0;
  x509::BioPtr key_file = open_file(key_path, error);
  if (!key_file) return std::nullopt;
  credentials.key.reset(PEM_read_bio_PrivateKey(key_file.get(), nullptr, no_pass_phrase, nullptr));
  ERR_clear_error();
  if (!credentials.key) {
    error = key_path + ": not a PEM private key (encrypted keys are not supported)";
    return std::nullopt;
  }
  if (X509_check_private_key(credentials.chain.front().get(), credentials.key.get()) != 1) {
    ERR_clear_error();
    error = key_path + ": the private key does not match the first certificate of " + cert_path;
    return std::nullopt;
  }
  return credentials;
}

}  // namespace tc::sources
