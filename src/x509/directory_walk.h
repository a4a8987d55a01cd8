#pragma once
// Expands files and directories into a sorted, deterministic list of regular
// files. Follows symlinks but detects loops (device + inode of every directory
// on the current descent) and never opens FIFOs, sockets or devices.
#include <cstdint>
#include <string>
#include <vector>

namespace tc::x509 {

struct WalkOptions {
  bool recursive = true;
  // Only files whose names end with one of these (e.g. ".pem", ".crt") are
  // taken from directories; explicitly named files are always taken. Empty: all.
  std::vector<std::string> suffixes;
};

struct WalkedFile {
  std::string path;
  uint64_t device = 0;
  uint64_t inode = 0;
  bool via_symlink = false;  // the path itself is a symbolic link
};

struct PathProblem {
  std::string path;
  std::string message;  // e.g. "No such file or directory (dangling symlink)"
};

struct WalkResult {
  std::vector<WalkedFile> files;
  std::vector<PathProblem> problems;
};

// Within a directory, entries are visited in byte order of their names, with
// OpenSSL hash links ("1a2b3c4d.0") after ordinary names so that a file is
// first reached by its descriptive name (/etc/ssl/certs). The same file
// reached twice (hard or symbolic link) is listed once.
WalkResult walk_paths(const std::vector<std::string>& paths, const WalkOptions& options = {});

// True for names OpenSSL's c_rehash creates: 8 hex digits, '.', optional 'r', digits.
bool is_hash_link_name(const std::string& name);

}  // namespace tc::x509
