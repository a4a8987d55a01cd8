#pragma once
// Rules over certificates and chains (the `cert` subcommand, and the chains
// seen in captures, probes and listeners). Pure: facts in, findings out.
#include <nlohmann/json.hpp>
#include <string>

#include "model/certificate.h"
#include "model/chain.h"
#include "model/finding.h"
#include "rules/context.h"

namespace tc {

enum class CertRole { leaf, intermediate, root };

// leaf for end-entity certificates, root for self-signed CAs, else intermediate.
CertRole role_of(const CertificateFacts& certificate);
std::string_view to_string(CertRole role);

// "CN=sbc.example.com (certs/sbc.pem)": how findings name a certificate.
std::string certificate_label(const CertificateFacts& certificate);

// EKU, key usage, dates, lifetime, key size, signature and revocation info.
Findings judge_certificate(const CertificateFacts& certificate, CertRole role, const RuleContext& context);
// Host name checks against --host (generic and SIP readings).
Findings judge_hostname(const CertificateFacts& leaf, const RuleContext& context);
// The chain as built and verified at context.at.
Findings judge_chain(const ChainVerdict& verdict, const RuleContext& context, const std::string& subject);
Finding revoked_finding(const CertificateFacts& certificate, const std::string& crl_source);

// The longest lifetime a certificate issued at context.at may have, and the
// next tightening: {"issued_at", "max_days", "expires_by", "next": {...}}.
nlohmann::json renewal_forecast(const RuleContext& context);

}  // namespace tc
