#include "sources/cert_files.h"

#include <map>
#include <utility>

namespace tc::sources {

namespace {

struct Location {
  size_t file = 0;
  size_t index = 0;
};

// Decides which copy of each certificate stays: the first one found in a file
// holding just that certificate (its descriptive name), else the first one.
std::map<std::string, Location> choose_keepers(const std::vector<x509::LoadedFile>& files) {
  std::map<std::string, Location> keepers;
  for (size_t f = 0; f < files.size(); ++f) {
    for (size_t i = 0; i < files[f].facts.size(); ++i) {
      const std::string& sha256 = files[f].facts[i].sha256;
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
  for (const auto& file : walked.files) set.files.push_back(x509::load_certificate_file(file.path, options));

  std::map<std::string, Location> keepers = choose_keepers(set.files);
  for (size_t f = 0; f < set.files.size(); ++f) {
    x509::LoadedFile& file = set.files[f];
    std::vector<x509::X509Ptr> certs;
    std::vector<CertificateFacts> facts;
    for (size_t i = 0; i < file.certs.size(); ++i) {
      const Location& keeper = keepers[file.facts[i].sha256];
      if (keeper.file == f && keeper.index == i) {
        certs.push_back(std::move(file.certs[i]));
        facts.push_back(std::move(file.facts[i]));
      } else {
        ++file.duplicates_dropped;
      }
    }
    file.certs = std::move(certs);
    file.facts = std::move(facts);
  }
  return set;
}

}  // namespace tc::sources
