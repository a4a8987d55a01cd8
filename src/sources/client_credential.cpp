#include "sources/client_credential.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <optional>

#include "x509/certificate_file.h"

namespace tc::sources {

namespace {

// A key file is read with a password callback that refuses: an encrypted key
// fails with a clear message instead of prompting on the terminal.
int refuse_password(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return -1; }

}  // namespace

std::optional<ClientCredential> load_client_credential(const std::string& cert_path, const std::string& key_path,
                                                       std::string& error) {
  x509::LoadedFile file = x509::load_certificate_file(cert_path, {}, false);
  if (file.certs.empty()) {
    error = cert_path + ": no certificate" + (file.errors.empty() ? std::string() : " (" + file.errors.front() + ")");
    return std::nullopt;
  }
  ClientCredential credential;
  credential.label = cert_path;
  credential.certificate = std::move(file.certs.front());
  for (size_t i = 1; i < file.certs.size(); ++i) credential.chain.push_back(std::move(file.certs[i]));

  x509::BioPtr bio(BIO_new_file(key_path.c_str(), "r"));
  if (!bio) {
    error = key_path + ": cannot open the key file";
    return std::nullopt;
  }
  credential.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, &refuse_password, nullptr));
  ERR_clear_error();
  if (!credential.key) {
    error = key_path + ": no unencrypted PEM private key (encrypted keys are not supported)";
    return std::nullopt;
  }
  if (X509_check_private_key(credential.certificate.get(), credential.key.get()) != 1) {
    ERR_clear_error();
    error = key_path + ": the private key does not belong to the certificate in " + cert_path;
    return std::nullopt;
  }
  return credential;
}

}  // namespace tc::sources
