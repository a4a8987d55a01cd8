#pragma once
// The outcome of building and verifying a certificate chain at a given moment
// (produced by the x509 layer, judged by rules).
#include <optional>
#include <string>
#include <vector>

#include "model/certificate.h"

namespace tc {

struct ChainVerdict {
  bool leaf_found = false;          // a non-CA certificate (or the only one) to start from
  size_t leaf_index = 0;            // index into the presented list
  bool trusted = false;             // a path to a trust anchor verified at the moment
  bool trusted_ignoring_time = false;  // the same path verifies when dates are not checked
  std::vector<CertificateFacts> path;  // leaf first, as built (may end short of a root)
  int verify_error = 0;             // X509_V_ERR_* of the first failure, 0 when none
  std::string verify_error_text;
  int verify_error_depth = -1;
  // The issuer that could not be found, when the path stops at a certificate
  // that is neither a trust anchor nor self-issued.
  std::optional<std::string> missing_issuer;
  bool ends_in_untrusted_root = false;   // path ends at a self-signed cert not in trust
  bool presented_in_order = true;        // each presented cert is followed by its issuer
  bool root_included = false;            // a self-signed certificate was presented
  std::vector<size_t> unused;            // presented certificates not on the path
  // Where the anchor was found: "profile", "trust-file", "system", or empty.
  std::string anchor_source;
};

}  // namespace tc
