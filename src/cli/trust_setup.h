#pragma once
// Builds the trust anchors a session judges chains against: the profile's
// roots resolved in the system store, plus --trust files.
#include "cli/common.h"
#include "x509/trust_store.h"

namespace tc::cli {

struct TrustSetup {
  x509::TrustStore system;  // Debian's ca-certificates (or $SSL_CERT_DIR)
  x509::TrustStore store;   // what chains are verified against
};

// Problems reading --trust files go to document.errors.
TrustSetup build_trust(const Session& session, ReportDocument& document);

}  // namespace tc::cli
