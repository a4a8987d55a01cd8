#include "x509/certificate_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>

#include "x509/certificate_facts.h"

namespace tc::x509 {

namespace {

// Whole file into `buffer`; an error message on failure, empty on success.
std::string read_file(const std::string& path, std::vector<uint8_t>& buffer, mode_t& mode) {
  // O_NONBLOCK: a FIFO given by name must not hang us.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::strerror(errno);
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    std::string message = std::strerror(errno);
    close(fd);
    return message;
  }
  mode = info.st_mode;
  if (S_ISDIR(info.st_mode)) {
    close(fd);
    return "is a directory";
  }
  if (!S_ISREG(info.st_mode)) {
    close(fd);
    return "not a regular file";
  }
  if (static_cast<uint64_t>(info.st_size) > kMaxCertificateFileBytes) {
    close(fd);
    return "larger than " + std::to_string(kMaxCertificateFileBytes / (1024 * 1024)) + " MiB; not read";
  }
  buffer.resize(static_cast<size_t>(info.st_size));
  size_t filled = 0;
  while (filled < buffer.size()) {
    ssize_t got = read(fd, buffer.data() + filled, buffer.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      std::string message = std::strerror(errno);
      close(fd);
      return message;
    }
    if (got == 0) break;  // file shrank while we read it
    filled += static_cast<size_t>(got);
  }
  buffer.resize(filled);
  close(fd);
  return {};
}

}  // namespace

LoadedFile load_certificate_file(const std::string& path, const InputOptions& options, bool with_facts) {
  LoadedFile out;
  out.path = path;
  std::vector<uint8_t> buffer;
  mode_t mode = 0;
  std::string error = read_file(path, buffer, mode);
  if (!error.empty()) {
    out.errors.push_back(std::move(error));
    return out;
  }
  ParsedInput parsed = parse_certificate_input(buffer, options);
  // The file may have held a private key: wipe our copy before it is freed.
  OPENSSL_cleanse(buffer.data(), buffer.size());
  out.format = parsed.format;
  out.certs = std::move(parsed.certs);
  out.sha256 = std::move(parsed.sha256);
  out.private_keys = parsed.private_keys;
  out.errors = std::move(parsed.errors);
  out.notes = std::move(parsed.notes);
  out.key_file_world_or_group_readable = out.private_keys > 0 && (mode & (S_IRGRP | S_IROTH)) != 0;
  if (with_facts) decode_facts(out);
  return out;
}

void decode_facts(LoadedFile& file) {
  file.facts.clear();
  file.facts.reserve(file.certs.size());
  bool digests = file.sha256.size() == file.certs.size();
  for (size_t i = 0; i < file.certs.size(); ++i) {
    file.facts.push_back(decode_certificate(file.certs[i].get(), file.path, digests ? file.sha256[i] : std::string{}));
  }
}

}  // namespace tc::x509
