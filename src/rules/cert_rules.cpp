#include "rules/cert_rules.h"

#include <algorithm>
#include <fmt/format.h>

#include "model/text.h"
#include "rules/catalogue.h"
#include "rules/hostname_match.h"
#include "rules/lifetime.h"

namespace tc {

namespace {

constexpr int kInvalidPurpose = 26;  // X509_V_ERR_INVALID_PURPOSE

nlohmann::json certificate_evidence(const CertificateFacts& certificate) {
  return {{"sha256", certificate.sha256},
          {"subject", certificate.subject},
          {"not_before", format_instant(certificate.not_before)},
          {"not_after", format_instant(certificate.not_after)}};
}

// Public-CA dates that end clientAuth, split into past and future at `at`.
std::string client_auth_end_dates(const Profile& profile, Instant at) {
  std::vector<std::string> past, future;
  for (const auto& event : profile.timeline) {
    bool about_client_auth = event.id.starts_with("ca-") || event.id == "chrome-server-auth-only" ||
                             event.id == "platform-cert-without-client-auth";
    if (!about_client_auth) continue;
    std::string line = format_date(event.date) + " " + event.text;
    (event.date <= at ? past : future).push_back(line);
  }
  std::string text;
  if (!past.empty()) {
    text += "Already in force: ";
    for (size_t i = 0; i < past.size(); ++i) text += (i ? "; " : "") + past[i];
    text += ". ";
  }
  if (!future.empty()) {
    text += "Coming: ";
    for (size_t i = 0; i < future.size(); ++i) text += (i ? "; " : "") + future[i];
    text += ". ";
  }
  return text;
}

void judge_eku(const CertificateFacts& certificate, const RuleContext& context, Findings& out) {
  const Profile& profile = *context.profile;
  std::string label = certificate_label(certificate);
  bool wants_server = context.purpose != Purpose::client;
  bool wants_client = context.purpose != Purpose::server || profile.needs_client_auth_eku;
  bool any = certificate.has_eku("anyExtendedKeyUsage");
  // Built only for a finding: most certificates of an inventory have none here.
  auto evidence = [&] {
    nlohmann::json built = certificate_evidence(certificate);
    built["eku"] = certificate.eku;
    return built;
  };

  if (wants_server && certificate.has_eku_extension && !certificate.has_eku("serverAuth") && !any) {
    std::string detail = "The EKU extension lists " + fmt::format("{}", fmt::join(certificate.eku, ", ")) +
                         " but not serverAuth, so a TLS client that checks the purpose rejects it as a server "
                         "certificate.";
    if (certificate.has_eku("sipDomain")) {
      detail += " It carries sipDomain: SIP-aware validation (RFC 5924) accepts that, generic TLS validation "
                "(OpenSSL, the platform's stack) does not.";
    }
    out.push_back(make_finding("cert-missing-server-auth-eku", label, detail, evidence()));
  }
  if (wants_client && certificate.has_eku_extension && !certificate.has_eku("clientAuth")) {
    std::string detail =
        "The certificate is used for client authentication (purpose " + std::string(to_string(context.purpose)) +
        (profile.needs_client_auth_eku ? ", profile " + profile.name + " needs clientAuth" : "") +
        ") but its EKU lacks clientAuth: a server that verifies client certificates rejects it with alert 43 "
        "unsupported_certificate (X509_V_ERR_INVALID_PURPOSE).";
    out.push_back(make_finding("cert-missing-client-auth-eku", label, detail, evidence()));
  }
  if (certificate.has_eku("clientAuth")) {
    std::string detail = "The EKU includes clientAuth. " + client_auth_end_dates(profile, context.at);
    if (profile.needs_client_auth_eku) {
      detail += "This product needs clientAuth today, so the next renewal from a public CA breaks mutual TLS "
                "unless the CA still offers a combined profile, a private PKI is used, or server and client "
                "certificates are split (seed 004).";
    } else {
      detail += "Nothing may depend on it: " + profile.platform +
                " does not use client certificates, and its own renewed certificates lack clientAuth since the "
                "week of 2026-03-09 (seed 000).";
    }
    out.push_back(make_finding("cert-client-auth-eku", label, detail, evidence()));
  }
  if (certificate.has_eku("sipDomain")) {
    out.push_back(make_finding("cert-eku-sip-domain", label,
                               "The EKU includes id-kp-sipDomain (1.3.6.1.5.5.7.3.20, RFC 5924).", evidence()));
  }
  if (any) {
    out.push_back(make_finding("cert-eku-any", label, "The EKU includes anyExtendedKeyUsage.", evidence()));
  }
}

void judge_key_usage(const CertificateFacts& certificate, const RuleContext& context, Findings& out) {
  if (certificate.key_usage.empty()) return;  // no keyUsage extension: any use allowed
  auto has = [&](const char* name) {
    return std::find(certificate.key_usage.begin(), certificate.key_usage.end(), name) !=
           certificate.key_usage.end();
  };
  bool signs = has("digitalSignature") || has("keyAgreement");
  bool server_ok = signs || has("keyEncipherment");
  bool client_needed = context.purpose != Purpose::server || context.profile->needs_client_auth_eku;
  std::string missing;
  if (client_needed && !signs) missing = "a client certificate needs digitalSignature or keyAgreement";
  if (context.purpose != Purpose::client && !server_ok) {
    missing = "a server certificate needs digitalSignature, keyEncipherment or keyAgreement";
  }
  if (missing.empty()) return;
  nlohmann::json evidence = certificate_evidence(certificate);
  evidence["key_usage"] = certificate.key_usage;
  out.push_back(make_finding("cert-key-usage-unsuitable", certificate_label(certificate),
                             "keyUsage is " + fmt::format("{}", fmt::join(certificate.key_usage, ", ")) + ": " +
                                 missing + ".",
                             evidence));
}

void judge_dates(const CertificateFacts& certificate, CertRole role, const RuleContext& context, Findings& out) {
  std::string label = certificate_label(certificate);
  std::string role_text(to_string(role));
  if (context.at > certificate.not_after) {
    out.push_back(make_finding("cert-expired", label,
                               fmt::format("The {} certificate expired on {} ({} days before {}).", role_text,
                                           format_instant(certificate.not_after),
                                           days_between(certificate.not_after, context.at), format_date(context.at)),
                               certificate_evidence(certificate)));
    return;
  }
  if (context.at < certificate.not_before) {
    out.push_back(make_finding("cert-not-yet-valid", label,
                               fmt::format("The {} certificate becomes valid on {}; at {} peers reject it.",
                                           role_text, format_instant(certificate.not_before),
                                           format_instant(context.at)),
                               certificate_evidence(certificate)));
    return;
  }
  int64_t days_left = days_between(context.at, certificate.not_after);
  if (days_left < context.profile->expiring_soon_days) {
    out.push_back(make_finding("cert-expiring-soon", label,
                               fmt::format("The {} certificate expires on {}: {} days after {} (threshold {} days).",
                                           role_text, format_instant(certificate.not_after), days_left,
                                           format_date(context.at), context.profile->expiring_soon_days),
                               certificate_evidence(certificate)));
  }
}

void judge_lifetime(const CertificateFacts& certificate, const RuleContext& context, Findings& out) {
  auto limit = lifetime_limit_for(*context.profile, certificate.not_before);
  if (!limit) return;
  int64_t days = lifetime_days(certificate);
  if (days <= limit->max_days) return;
  nlohmann::json evidence = certificate_evidence(certificate);
  evidence["lifetime_days"] = days;
  evidence["max_days"] = limit->max_days;
  out.push_back(make_finding(
      "cert-lifetime-exceeds-limit", certificate_label(certificate),
      fmt::format("Issued {} with a lifetime of {} days; certificates issued from {} may live at most {} days "
                  "(CA/B Forum SC-081). This applies to publicly trusted certificates.",
                  format_date(certificate.not_before), days, format_date(limit->in_force_from), limit->max_days),
      evidence));
}

void judge_crypto(const CertificateFacts& certificate, CertRole role, const RuleContext& context, Findings& out) {
  std::string label = certificate_label(certificate);
  const Profile& profile = *context.profile;
  bool rsa_like = certificate.key_type == "RSA" || certificate.key_type == "DSA" || certificate.key_type == "RSA-PSS";
  bool ec = certificate.key_type == "EC";
  if ((rsa_like && certificate.key_bits < profile.min_rsa_bits) || (ec && certificate.key_bits < profile.min_ec_bits)) {
    nlohmann::json evidence = certificate_evidence(certificate);
    evidence["key"] = fmt::format("{} {}", certificate.key_type, certificate.key_bits);
    out.push_back(make_finding("key-weak", label,
                               fmt::format("{} key of {} bits; the minimum is {} bits for RSA and {} for EC.",
                                           certificate.key_type, certificate.key_bits, profile.min_rsa_bits,
                                           profile.min_ec_bits),
                               evidence));
  }
  // A root's self-signature is never checked by peers, so its hash does not matter.
  bool weak_hash = contains_ignoring_case(certificate.signature_algorithm, "sha1") ||
                   contains_ignoring_case(certificate.signature_algorithm, "md5") ||
                   contains_ignoring_case(certificate.signature_algorithm, "md2");
  if (weak_hash && role != CertRole::root) {
    nlohmann::json evidence = certificate_evidence(certificate);
    evidence["signature_algorithm"] = certificate.signature_algorithm;
    out.push_back(make_finding("signature-weak", label,
                               "Signed with " + certificate.signature_algorithm +
                                   "; OpenSSL 3 at its default security level and current SIP stacks reject SHA-1 "
                                   "and MD5 signatures.",
                               evidence));
  }
  if (role != CertRole::root && !certificate.has_crl_distribution_points && !certificate.has_ocsp) {
    out.push_back(make_finding("cert-no-revocation-info", label,
                               "Neither a CRL distribution point nor an OCSP responder is named.",
                               certificate_evidence(certificate)));
  }
}

}  // namespace

CertRole role_of(const CertificateFacts& certificate) {
  if (!certificate.is_ca) return CertRole::leaf;
  return certificate.self_signed ? CertRole::root : CertRole::intermediate;
}

std::string_view to_string(CertRole role) {
  switch (role) {
    case CertRole::intermediate: return "intermediate";
    case CertRole::root: return "root";
    case CertRole::leaf: break;
  }
  return "leaf";
}

std::string certificate_label(const CertificateFacts& certificate) {
  std::string name = certificate.common_name.empty() ? certificate.subject : "CN=" + certificate.common_name;
  if (name.empty()) name = "sha256:" + certificate.sha256.substr(0, 16);
  return certificate.source.empty() ? name : name + " (" + certificate.source + ")";
}

Findings judge_certificate(const CertificateFacts& certificate, CertRole role, const RuleContext& context) {
  Findings out;
  if (role == CertRole::leaf) {
    judge_eku(certificate, context, out);
    judge_key_usage(certificate, context, out);
  }
  judge_dates(certificate, role, context, out);
  if (role == CertRole::leaf) judge_lifetime(certificate, context, out);
  judge_crypto(certificate, role, context, out);
  return out;
}

Findings judge_hostname(const CertificateFacts& leaf, const RuleContext& context) {
  Findings out;
  if (!context.host) return out;
  const std::string& host = *context.host;
  std::string label = certificate_label(leaf);
  nlohmann::json evidence = certificate_evidence(leaf);
  evidence["host"] = host;
  evidence["san_dns"] = leaf.san_dns;
  evidence["san_uri"] = leaf.san_uri;
  evidence["san_ip"] = leaf.san_ip;
  evidence["common_name"] = leaf.common_name;
  HostnameMatch match = match_hostname(leaf, host);
  if (match.host_is_ip) {
    out.push_back(make_finding("hostname-is-ip", label,
                               "The host is the IP address " + host + (match.generic ? " (the certificate lists it as an iPAddress SAN)" : "") +
                                   ". " + context.profile->platform +
                                   " validates by host name; an IP address is not acceptable (seed 003).",
                               evidence));
    return out;
  }
  if (!match.generic && !match.sip) {
    std::string names = fmt::format("{}", fmt::join(leaf.san_dns, ", "));
    if (names.empty()) names = "CN=" + leaf.common_name;
    out.push_back(make_finding("hostname-mismatch", label,
                               "Neither generic TLS matching (RFC 6125) nor SIP matching (RFC 5922) finds " + host +
                                   " in the certificate (names: " + names + ").",
                               evidence));
    return out;
  }
  if (match.generic && !match.sip) {
    if (match.via_wildcard) {
      out.push_back(make_finding("hostname-wildcard", label,
                                 host + " matches only the wildcard " + match.matched_name +
                                     ": generic TLS matching (RFC 6125) passes, SIP matching (RFC 5922 §7.1) fails; "
                                     "devices that follow RFC 5922 reject it.",
                                 evidence));
    } else {
      out.push_back(make_finding("hostname-mismatch", label,
                                 host + " matches by generic TLS rules (" + match.reading_used +
                                     ") but not by SIP rules (RFC 5922): the certificate's sip: URI SANs take "
                                     "precedence and do not name it.",
                                 evidence));
    }
  } else if (!match.generic && match.sip) {
    out.push_back(make_finding("hostname-mismatch", label,
                               host + " matches by SIP rules (" + match.reading_used +
                                   ") but not by generic TLS rules (RFC 6125): stacks without RFC 5922 support, "
                                   "including the platform's, reject it.",
                               evidence));
  }
  return out;
}

Findings judge_chain(const ChainVerdict& verdict, const RuleContext& context, const std::string& subject) {
  Findings out;
  if (!verdict.leaf_found) return out;
  nlohmann::json path = nlohmann::json::array();
  for (const auto& certificate : verdict.path) {
    path.push_back({{"subject", certificate.subject},
                    {"subject_hash", certificate.subject_hash},
                    {"sha256", certificate.sha256}});
  }
  nlohmann::json evidence = {{"path", path}, {"verify_error", verdict.verify_error_text}};
  const std::string& platform = context.profile->platform;
  if (verdict.missing_issuer) {
    std::string stops_at = verdict.path.empty() ? subject : verdict.path.back().subject;
    evidence["missing_issuer"] = *verdict.missing_issuer;
    out.push_back(make_finding("chain-incomplete", subject,
                               "The chain stops at " + stops_at + ": its issuer " + *verdict.missing_issuer +
                                   " was not presented and is not a trust anchor. A peer that does not fetch "
                                   "missing intermediates (" + platform +
                                   " among them) fails the handshake, e.g. 477 on outbound calls (seed 001).",
                               evidence));
  } else if (verdict.ends_in_untrusted_root) {
    const CertificateFacts* root = verdict.path.empty() ? nullptr : &verdict.path.back();
    std::string root_text = root ? root->subject + " (subject hash " + root->subject_hash + ")" : "the root";
    out.push_back(make_finding("chain-untrusted-root", subject,
                               "The chain ends at " + root_text + ", which is not among the roots " + platform +
                                   " trusts (profile " + context.profile->name + ", plus --trust).",
                               evidence));
  } else if (!verdict.trusted_ignoring_time && verdict.verify_error != 0 &&
             !(verdict.verify_error == kInvalidPurpose && verdict.verify_error_depth == 0)) {
    // A leaf with the wrong purpose is already an EKU finding of its own.
    out.push_back(make_finding("chain-verify-failed", subject,
                               fmt::format("OpenSSL reports error {} at depth {}: {}.", verdict.verify_error,
                                           verdict.verify_error_depth, verdict.verify_error_text),
                               evidence));
  }
  if (!verdict.presented_in_order) {
    out.push_back(make_finding("chain-order", subject,
                               "The certificates are not in leaf-to-root order (each followed by its issuer).",
                               evidence));
  }
  if (verdict.root_included && verdict.path.size() > 1) {
    out.push_back(make_finding("chain-root-included", subject, "A self-signed root is part of the presented chain.",
                               evidence));
  }
  return out;
}

Finding revoked_finding(const CertificateFacts& certificate, const std::string& crl_source) {
  nlohmann::json evidence = certificate_evidence(certificate);
  evidence["serial"] = certificate.serial_hex;
  evidence["crl"] = crl_source;
  return make_finding("cert-revoked", certificate_label(certificate),
                      "Serial " + certificate.serial_hex + " is listed in the CRL " + crl_source + ".", evidence);
}

nlohmann::json renewal_forecast(const RuleContext& context) {
  nlohmann::json forecast = nlohmann::json::object();
  auto limit = lifetime_limit_for(*context.profile, context.at);
  if (!limit) return forecast;
  forecast["issued_at"] = format_date(context.at);
  forecast["max_days"] = limit->max_days;
  forecast["expires_by"] = format_date(context.at + Days{limit->max_days});
  if (auto next = next_lifetime_limit(*context.profile, context.at)) {
    forecast["next"] = {{"from", format_date(next->in_force_from)}, {"max_days", next->max_days}};
  }
  return forecast;
}

}  // namespace tc
