#pragma once
// The set of trust anchors a chain is verified against: the profile's roots,
// --trust files and the system store, each anchor labelled with where it came
// from. Keeps an X509_STORE in step so verification never rebuilds it.
#include <openssl/x509.h>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "x509/directory_walk.h"
#include "x509/handles.h"

namespace tc::x509 {

inline constexpr const char* kSourceProfile = "profile";
inline constexpr const char* kSourceTrustFile = "trust-file";
inline constexpr const char* kSourceSystem = "system";

struct Anchor {
  X509Ptr cert;
  std::string source;        // "profile", "trust-file", "system"
  std::string subject_hash;  // 8 hex digits, as `openssl x509 -subject_hash`
  std::string sha256;
  std::string path;          // file it was loaded from, if any
};

struct TrustLoadReport {
  size_t files = 0;
  size_t added = 0;
  size_t duplicates = 0;
  std::vector<PathProblem> problems;  // unreadable or undecodable files
};

class TrustStore {
 public:
  // Whether anchors read from files carry their public keys. `deferred`
  // parses them without (OpenSSL 3.0's key decoder set-up costs ~150 µs a
  // certificate: most of reading 150 system roots) and keeps no X509_STORE:
  // an index to look roots up in, e.g. the system store when only the
  // profile's roots verify. A store with keys re-parses each anchor it is
  // given without one.
  enum class Keys { decoded, deferred };
  explicit TrustStore(Keys keys = Keys::decoded);
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;
  TrustStore(TrustStore&&) = default;
  TrustStore& operator=(TrustStore&&) = default;

  // Adds an anchor; false when the same certificate (sha256) is already
  // present (the first label is kept).
  bool add(X509Ptr cert, std::string source, std::string path = {});
  // Every certificate in the files/directories given (recursively; from
  // directories only *.pem, *.crt, *.cer and *.der).
  TrustLoadReport add_paths(const std::vector<std::string>& paths, const std::string& source);
  // The system store: every *.pem in `directory`, or every *.crt when there
  // is no *.pem (hash links are skipped; duplicates dropped by sha256).
  TrustLoadReport add_system(const std::string& directory);

  size_t size() const { return anchors_.size(); }
  const std::vector<Anchor>& anchors() const { return anchors_; }
  // Anchors whose subject hashes to `hash` (8 lower-case hex digits). Several
  // roots may share a hash: compare the subject (and key) before trusting it.
  std::vector<const Anchor*> find_by_subject_hash(std::string_view hash) const;
  // The anchor with the same subject and public key as `cert` (a re-issued or
  // cross-signed copy of a root counts as the same anchor), or nullptr.
  const Anchor* find_equivalent(const X509* cert) const;
  // For X509_verify_cert; owned by this object, kept in step with add().
  // Null for a store with Keys::deferred.
  X509_STORE* store() const { return store_.get(); }

 private:
  // Loads every walked file as anchors labelled `source`.
  TrustLoadReport add_walked(WalkResult walk, const std::string& source);
  std::vector<Anchor> anchors_;
  std::multimap<std::string, size_t, std::less<>> by_hash_;
  std::map<std::string, size_t, std::less<>> by_sha256_;
  Keys keys_;
  X509StorePtr store_;
};

// Whether add_system(directory) would add any certificate, found by loading
// files only until the first one holds a certificate.
bool system_store_has_certificates(const std::string& directory);

// The system certificate directory: $SSL_CERT_DIR when set, else /etc/ssl/certs.
// (Reads the environment: call it from the CLI, not from rules.)
std::string system_certificate_directory();

}  // namespace tc::x509
