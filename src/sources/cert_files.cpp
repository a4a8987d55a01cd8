#include "sources/cert_files.h"

#include <map>
#include <utility>

#include "x509/certificate_facts.h"

namespace tc::sources {

namespace {

struct Location {
  size_t file = 0;
  size_t index = 0;
};

// Decides which copy of each certificate stays: the first one found in a file
// holding just that certificate (its descriptive name), else the first one.
std::map<std::string, Location> choose_keepers(const std::vector<x509::LoadedFile>& files,
                                              const std::vector<std::vector<std::string>>& digests) {
  std::map<std::string, Location> keepers;
  for (size_t f = 0; f < files.size(); ++f) {
    for (size_t i = 0; i < digests[f].size(); ++i) {
      const std::string& sha256 = digests[f][i];
      auto [it, inserted] = keepers.emplace(sha256, Location{f, i});
      if (!inserted && files[f].certs.size() == 1 && files[it->second.file].certs.size() > 1) {
        it->second = Location{f, i};
      }
    }
  }
  return keepers;
}

}  // namespace

size_t CertFileSet::certificate_count() const {
  size_t count = 0;
  for (const auto& file : files) count += file.certs.size();
  return count;
}

bool CertFileSet::nothing_readable() const {
  for (const auto& file : files) {
    if (!file.certs.empty() || file.duplicates_dropped > 0 || file.errors.empty()) return false;
  }
  return true;
}

std::vector<std::string> CertFileSet::messages() const {
  std::vector<std::string> out;
  for (const auto& problem : problems) out.push_back(problem.path + ": " + problem.message);
  for (const auto& file : files) {
    for (const auto& error : file.errors) out.push_back(file.path + ": " + error);
  }
  return out;
}

CertFileSet load_cert_paths(const std::vector<std::string>& paths, const x509::InputOptions& options) {
  CertFileSet set;
  x509::WalkResult walked = x509::walk_paths(paths);
  set.problems = std::move(walked.problems);
  set.files.reserve(walked.files.size());
  // Facts are decoded after duplicates are dropped: decoding is costly and a
  // bundle such as ca-certificates.crt repeats every root.
  for (const auto& file : walked.files) set.files.push_back(x509::load_certificate_file(file.path, options, false));
  std::vector<std::vector<std::string>> digests(set.files.size());
  for (size_t f = 0; f < set.files.size(); ++f) digests[f] = std::move(set.files[f].sha256);

  std::map<std::string, Location> keepers = choose_keepers(set.files, digests);
  for (size_t f = 0; f < set.files.size(); ++f) {
    x509::LoadedFile& file = set.files[f];
    std::vector<x509::X509Ptr> certs;
    std::vector<std::string> kept_digests;
    for (size_t i = 0; i < file.certs.size(); ++i) {
      const Location& keeper = keepers[digests[f][i]];
      if (keeper.file == f && keeper.index == i) {
        certs.push_back(std::move(file.certs[i]));
        kept_digests.push_back(std::move(digests[f][i]));
      } else {
        ++file.duplicates_dropped;
      }
    }
    file.certs = std::move(certs);
    file.sha256 = std::move(kept_digests);
    x509::decode_facts(file);
  }
  return set;
}

}  // namespace tc::sources
