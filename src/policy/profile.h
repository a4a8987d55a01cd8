#pragma once
// A profile: what a platform expects of a SIP-TLS trunk, as data. Loaded from
// JSON (profiles/*.json); rules read it and never hard-code the platform.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/instant.h"

namespace tc {

// One row of a platform's published list of trusted roots.
struct TrustedRootRow {
  std::string vendor;
  std::string common_name;
  std::string subject_hash;  // OpenSSL X509_subject_name_hash, 8 hex digits
};

// A vendor family of roots: the published table is truncated, so the rest is
// matched by organisation names and reported as a family match, not a row.
struct VendorFamily {
  std::string vendor;
  std::vector<std::string> organisation_patterns;  // case-insensitive, matched at a word start in the subject
};

struct TimelineEvent {
  std::string id;      // stable key the rules refer to, e.g. "platform-cert-without-client-auth"
  Instant date{};
  std::string text;    // what happens on that date
  std::string source;  // where the fact comes from (seed, DOMAIN.md section)
  // Roots (OpenSSL subject hashes) the event takes browser-program trust from,
  // e.g. Chrome's removal of roots with 2006-2007 keys (DOMAIN.md §1).
  std::vector<std::string> roots;
};

// Maximum certificate lifetime by issue date (CA/B Forum SC-081).
struct LifetimeLimit {
  Instant issued_from{};
  int max_days = 0;
};

struct Profile {
  std::string name;
  std::string description;
  std::string platform;                       // "Genesys Cloud BYOC Cloud"
  std::string source_path;                    // file it was loaded from
  std::vector<uint16_t> tls_versions;         // the versions the platform speaks
  uint16_t port = 5061;
  bool platform_requests_client_certificates = false;  // inbound: does the platform ask us?
  bool platform_client_cert_has_client_auth = false;   // outbound: what it presents when asked
  bool needs_client_auth_eku = false;          // certificates serve both roles (mTLS products)
  std::string default_purpose = "server";      // server|client|both for `cert`
  std::vector<TrustedRootRow> trusted_roots;   // roots the platform trusts (published rows)
  std::vector<VendorFamily> trusted_vendor_families;
  bool trust_system_store = false;             // generic profiles: trust Debian's store
  std::vector<TrustedRootRow> platform_roots;  // roots the platform's own certificates chain to
  std::vector<uint16_t> supported_suites;      // what the platform accepts as server
  std::vector<uint16_t> deprecated_suites;
  std::vector<uint16_t> offer_order;           // what the platform offers as client, in order
  bool offer_order_assumed = true;             // DOMAIN.md §3: only "deprecated last" is known
  std::string offer_order_note;
  bool supported_suites_assumed = false;
  std::string supported_suites_note;
  std::vector<std::string> platform_host_patterns;  // e.g. "*.byoc.mypurecloud.com"
  std::vector<TimelineEvent> timeline;
  std::vector<LifetimeLimit> lifetime_limits;  // sorted by issued_from
  int expiring_soon_days = 30;
  int min_rsa_bits = 2048;
  int min_ec_bits = 256;

  const TimelineEvent* event(std::string_view id) const;
  bool is_deprecated(uint16_t suite) const;
  bool is_supported(uint16_t suite) const;
};

}  // namespace tc
