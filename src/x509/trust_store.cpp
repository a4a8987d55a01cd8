#include "x509/trust_store.h"

#include <openssl/err.h>

#include <cstdlib>
#include <utility>

#include "x509/certificate_facts.h"
#include "x509/certificate_input.h"
#include "x509/certificate_file.h"

namespace tc::x509 {

TrustStore::TrustStore(Keys keys) : keys_(keys), store_(keys == Keys::decoded ? X509_STORE_new() : nullptr) {}

bool TrustStore::add(X509Ptr cert, std::string source, std::string path) {
  if (!cert) return false;
  std::string sha256 = sha256_hex(cert.get());
  if (by_sha256_.count(sha256) != 0) return false;
  Anchor anchor{nullptr, std::move(source), subject_hash_hex(cert.get()), sha256, std::move(path)};
  if (keys_ == Keys::decoded) cert = with_public_key(cert.get());  // verifying needs the key
  if (store_) {
    X509_STORE_add_cert(store_.get(), cert.get());  // takes its own reference
    ERR_clear_error();
  }
  anchor.cert = std::move(cert);
  size_t index = anchors_.size();
  by_hash_.emplace(anchor.subject_hash, index);
  by_sha256_.emplace(std::move(sha256), index);
  anchors_.push_back(std::move(anchor));
  return true;
}

TrustLoadReport TrustStore::add_walked(WalkResult walk, const std::string& source) {
  TrustLoadReport report;
  report.problems = std::move(walk.problems);
  for (const WalkedFile& file : walk.files) {
    ++report.files;
    InputOptions options;
    options.decode_public_keys = keys_ == Keys::decoded;
    LoadedFile loaded = load_certificate_file(file.path, options, false);
    for (const std::string& error : loaded.errors) report.problems.push_back({file.path, error});
    for (X509Ptr& cert : loaded.certs) {
      if (add(std::move(cert), source, file.path)) {
        ++report.added;
      } else {
        ++report.duplicates;
      }
    }
  }
  return report;
}

TrustLoadReport TrustStore::add_paths(const std::vector<std::string>& paths, const std::string& source) {
  WalkOptions options;
  options.suffixes = {".pem", ".crt", ".cer", ".der"};
  WalkResult walk = walk_paths(paths, options);
  return add_walked(std::move(walk), source);
}

namespace {

// Debian's /etc/ssl/certs: one *.pem per root (local additions too), hash
// links to them and the ca-certificates.crt bundle of the same roots. Read
// the *.pem files; only a directory without any (other distributions'
// bundles) is read through its *.crt files. Saves parsing every root twice.
WalkResult walk_system_directory(const std::string& directory) {
  WalkOptions options;
  options.recursive = false;
  options.suffixes = {".pem"};
  WalkResult walk = walk_paths({directory}, options);
  if (walk.files.empty()) {
    options.suffixes = {".crt"};
    walk = walk_paths({directory}, options);
  }
  return walk;
}

}  // namespace

TrustLoadReport TrustStore::add_system(const std::string& directory) {
  return add_walked(walk_system_directory(directory), kSourceSystem);
}

bool system_store_has_certificates(const std::string& directory) {
  for (const WalkedFile& file : walk_system_directory(directory).files) {
    // Loaded as add_system loads it, so the answer is add_system's size() > 0.
    InputOptions keyless;  // whether a certificate parses, not its key
    keyless.decode_public_keys = false;
    if (!load_certificate_file(file.path, keyless, false).certs.empty()) return true;
  }
  return false;
}

std::vector<const Anchor*> TrustStore::find_by_subject_hash(std::string_view hash) const {
  std::vector<const Anchor*> found;
  auto [first, last] = by_hash_.equal_range(hash);
  for (auto it = first; it != last; ++it) found.push_back(&anchors_[it->second]);
  return found;
}

const Anchor* TrustStore::find_equivalent(const X509* cert) const {
  if (cert == nullptr) return nullptr;
  auto exact = by_sha256_.find(sha256_hex(cert));
  if (exact != by_sha256_.end()) return &anchors_[exact->second];
  // Same hash is only a hint (hashes collide): compare subject and key.
  for (const Anchor* anchor : find_by_subject_hash(subject_hash_hex(cert))) {
    if (X509_NAME_cmp(X509_get_subject_name(anchor->cert.get()), X509_get_subject_name(cert)) != 0) continue;
    const EVP_PKEY* mine = X509_get0_pubkey(anchor->cert.get());
    const EVP_PKEY* theirs = X509_get0_pubkey(cert);
    if (mine != nullptr && theirs != nullptr && EVP_PKEY_eq(mine, theirs) == 1) return anchor;
  }
  ERR_clear_error();
  return nullptr;
}

std::string system_certificate_directory() {
  const char* override_dir = std::getenv("SSL_CERT_DIR");
  if (override_dir != nullptr && *override_dir != '\0') return override_dir;
  return "/etc/ssl/certs";
}

}  // namespace tc::x509
