#pragma once
// Paths given to `trunkcheck cert` → every file read, its certificates and
// per-path problems. Walks files and directories (x509/directory_walk.h),
// loads each file (x509/certificate_file.h) and drops certificates already
// seen, so /etc/ssl/certs (links, bundle and single files all holding the
// same roots) yields each root once.
#include <cstddef>
#include <string>
#include <vector>

#include "x509/certificate_file.h"
#include "x509/certificate_input.h"
#include "x509/directory_walk.h"

namespace tc::sources {

struct CertFileSet {
  // One entry per file read, in walk order. A certificate repeated across
  // files is kept once (see load_cert_paths) and counted in the other file's
  // duplicates_dropped.
  std::vector<x509::LoadedFile> files;
  std::vector<x509::PathProblem> problems;  // paths that could not be walked

  size_t certificate_count() const;
  // No file yielded a certificate and nothing was readable: exit code 3.
  bool nothing_readable() const;
  // "path: message" lines for every walk problem and file error, in order.
  std::vector<std::string> messages() const;
};

enum class Handles {
  keep,              // every kept certificate's X509 handle stays in files[].certs
  free_after_facts,  // freed once its facts are decoded (files[].certs holds nulls):
                     // for callers that need facts alone, e.g. an inventory
};

// Duplicates (same sha256) keep the copy from a single-certificate file when
// there is one, else the first copy; the order is otherwise the walk order.
CertFileSet load_cert_paths(const std::vector<std::string>& paths, const x509::InputOptions& options = {},
                            Handles handles = Handles::keep);

}  // namespace tc::sources
