#pragma once
// One file on disk → its certificates and what else it holds. Reads the file,
// hands the bytes to parse_certificate_input, decodes facts, and wipes the
// buffer (it may have held a private key) before returning.
#include <cstddef>
#include <string>
#include <vector>

#include "model/certificate.h"
#include "x509/certificate_input.h"
#include "x509/handles.h"

namespace tc::x509 {

struct LoadedFile {
  std::string path;
  InputFormat format = InputFormat::unknown;
  std::vector<X509Ptr> certs;               // in file order
  std::vector<std::string> sha256;          // sha256[i]: sha256_hex of certs[i]
  std::vector<CertificateFacts> facts;      // facts[i] describes certs[i]; source = path (see with_facts)
  size_t private_keys = 0;                  // key blocks/bags seen, never kept
  // A file holding a private key that group or others may read (mode & 044).
  bool key_file_world_or_group_readable = false;
  size_t duplicates_dropped = 0;            // certificates already seen in an earlier file
  std::vector<std::string> errors;          // each names no path; the path is above
  std::vector<std::string> notes;

  bool contains_private_key() const { return private_keys > 0; }
};

// Files larger than this are refused unread (a certificate file is kilobytes;
// a 100 MB "certificate" is a mistake or an attack).
inline constexpr size_t kMaxCertificateFileBytes = 64u * 1024u * 1024u;

// with_facts=false leaves `facts` empty (callers that only need the handles,
// or that drop duplicates first: decoding is most of the cost after parsing).
LoadedFile load_certificate_file(const std::string& path, const InputOptions& options = {}, bool with_facts = true);
// Fills file.facts for every certificate (source = file.path), with the
// fingerprints in file.sha256.
void decode_facts(LoadedFile& file);

}  // namespace tc::x509
