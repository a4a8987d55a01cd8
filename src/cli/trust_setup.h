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

enum class TrustUse {
  verify,         // chains are verified: every anchor loaded
  messages_only,  // nothing is verified (an inventory): only the notes and errors
};

// Problems reading --trust files go to document.errors, a missing system
// store to document.notes, whatever the use. With TrustUse::messages_only the
// stores stay empty: the system store is only probed for a certificate (it
// costs 150 full parses and the profile's root resolution otherwise).
TrustSetup build_trust(const Session& session, ReportDocument& document, TrustUse use = TrustUse::verify);

}  // namespace tc::cli
