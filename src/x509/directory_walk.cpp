#include "x509/directory_walk.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace tc::x509 {

namespace {

using FileId = std::pair<uint64_t, uint64_t>;  // device, inode

struct Walker {
  const WalkOptions& options;
  WalkResult result;
  std::set<FileId> seen_files;
  std::set<FileId> seen_directories;
  std::vector<std::pair<FileId, std::string>> descent;  // directories currently open, outermost first

  bool wanted_by_suffix(const std::string& name) const {
    if (options.suffixes.empty()) return true;
    return std::any_of(options.suffixes.begin(), options.suffixes.end(), [&](const std::string& suffix) {
      return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
  }

  void problem(const std::string& path, std::string message) {
    result.problems.push_back({path, std::move(message)});
  }

  void visit(const std::string& path, bool explicitly_named) {
    struct stat link_info {};
    if (lstat(path.c_str(), &link_info) != 0) {
      problem(path, std::strerror(errno));
      return;
    }
    bool is_link = S_ISLNK(link_info.st_mode);
    // Only a link needs the second call (what it points to): one system call
    // per file fewer in a 10,000-file directory.
    struct stat info = link_info;
    if (is_link && stat(path.c_str(), &info) != 0) {
      int error = errno;
      std::string message = std::strerror(error);
      if (is_link && error == ENOENT) message += " (dangling symlink)";
      if (error == ELOOP) message = "symlink loop (" + message + ")";
      problem(path, message);
      return;
    }
    FileId id{static_cast<uint64_t>(info.st_dev), static_cast<uint64_t>(info.st_ino)};
    if (S_ISDIR(info.st_mode)) {
      if (!explicitly_named && !options.recursive) return;
      visit_directory(path, id);
      return;
    }
    if (!S_ISREG(info.st_mode)) {
      problem(path, S_ISFIFO(info.st_mode)   ? "not a regular file (FIFO); skipped"
                    : S_ISSOCK(info.st_mode) ? "not a regular file (socket); skipped"
                                             : "not a regular file (device); skipped");
      return;
    }
    if (!explicitly_named && !wanted_by_suffix(path)) return;
    if (!seen_files.insert(id).second) return;  // same file by another name
    result.files.push_back({path, id.first, id.second, is_link});
  }

  void visit_directory(const std::string& path, FileId id) {
    for (const auto& [open_id, open_path] : descent) {
      if (open_id == id) {
        problem(path, "symlink loop: leads back to " + open_path + "; not followed");
        return;
      }
    }
    if (!seen_directories.insert(id).second) return;  // reached before by another link
    DIR* directory = opendir(path.c_str());
    if (directory == nullptr) {
      problem(path, std::strerror(errno));
      return;
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = readdir(directory)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    closedir(directory);
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      bool a_hash = is_hash_link_name(a), b_hash = is_hash_link_name(b);
      if (a_hash != b_hash) return b_hash;
      return a < b;
    });
    descent.emplace_back(id, path);
    std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
    for (const std::string& name : names) visit(prefix + name, false);
    descent.pop_back();
  }
};

}  // namespace

bool is_hash_link_name(const std::string& name) {
  if (name.size() < 10 || name[8] != '.') return false;
  for (size_t i = 0; i < 8; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  size_t i = 9;
  if (name[i] == 'r') ++i;
  if (i >= name.size()) return false;
  for (; i < name.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

WalkResult walk_paths(const std::vector<std::string>& paths, const WalkOptions& options) {
  Walker walker{options, {}, {}, {}, {}};
  for (const std::string& path : paths) walker.visit(path, true);
  return std::move(walker.result);
}

}  // namespace tc::x509
