#include "sources/cert_files.h"

#include <unordered_map>
#include <utility>

#include "x509/certificate_facts.h"

namespace tc::sources {

namespace {

struct Location {
  size_t file = 0;
  size_t index = 0;
};

// A file's certificates while the set is read: every one parsed, in file
// order, and whether it is (still) the copy that stays.
struct Slots {
  std::vector<x509::X509Ptr> certs;
  std::vector<std::string> sha256;
  std::vector<CertificateFacts> facts;  // decoded for the copies kept
  std::vector<bool> kept;
};

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

CertFileSet load_cert_paths(const std::vector<std::string>& paths, const x509::InputOptions& options,
                            Handles handles) {
  CertFileSet set;
  x509::WalkResult walked = x509::walk_paths(paths);
  set.problems = std::move(walked.problems);
  set.files.reserve(walked.files.size());
  std::vector<Slots> slots(walked.files.size());
  // The copy of each certificate that stays: the first one found in a file
  // holding just that certificate (its descriptive name), else the first one.
  // Decided as the files are read, so each file's certificates are decoded
  // (once per certificate: a bundle such as ca-certificates.crt repeats every
  // root) and, without Handles::keep, freed before the next file is read.
  std::unordered_map<std::string, Location> keepers;
  for (size_t f = 0; f < walked.files.size(); ++f) {
    set.files.push_back(x509::load_certificate_file(walked.files[f].path, options, false));
    x509::LoadedFile& file = set.files.back();
    Slots& mine = slots[f];
    mine.certs = std::move(file.certs);
    mine.sha256 = std::move(file.sha256);
    mine.facts.resize(mine.certs.size());
    mine.kept.assign(mine.certs.size(), false);
    for (size_t i = 0; i < mine.certs.size(); ++i) {
      auto [it, first_copy] = keepers.emplace(mine.sha256[i], Location{f, i});
      if (!first_copy) {
        Slots& theirs = slots[it->second.file];
        bool moves_here = mine.certs.size() == 1 && theirs.certs.size() > 1;
        if (!moves_here) {
          ++file.duplicates_dropped;
          continue;
        }
        theirs.kept[it->second.index] = false;
        theirs.facts[it->second.index] = CertificateFacts{};
        theirs.certs[it->second.index].reset();
        ++set.files[it->second.file].duplicates_dropped;
        it->second = Location{f, i};
      }
      mine.kept[i] = true;
      mine.facts[i] = x509::decode_certificate(mine.certs[i].get(), file.path, mine.sha256[i]);
    }
    if (handles == Handles::free_after_facts) {
      for (auto& cert : mine.certs) cert.reset();
    }
  }
  // Each file keeps the copies that stayed, in file order.
  for (size_t f = 0; f < set.files.size(); ++f) {
    x509::LoadedFile& file = set.files[f];
    Slots& mine = slots[f];
    for (size_t i = 0; i < mine.certs.size(); ++i) {
      if (!mine.kept[i]) continue;
      file.certs.push_back(std::move(mine.certs[i]));
      file.sha256.push_back(std::move(mine.sha256[i]));
      file.facts.push_back(std::move(mine.facts[i]));
    }
  }
  return set;
}

}  // namespace tc::sources
