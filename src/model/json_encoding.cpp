#include "model/json_encoding.h"

namespace tc {

nlohmann::json certificate_to_json(const CertificateFacts& certificate) {
  nlohmann::json san = {{"dns", certificate.san_dns}, {"ip", certificate.san_ip}, {"uri", certificate.san_uri}};
  return {{"source", certificate.source},
          {"subject", certificate.subject},
          {"issuer", certificate.issuer},
          {"common_name", certificate.common_name},
          {"serial", certificate.serial_hex},
          {"sha256", certificate.sha256},
          {"subject_hash", certificate.subject_hash},
          {"issuer_hash", certificate.issuer_hash},
          {"not_before", format_instant(certificate.not_before)},
          {"not_after", format_instant(certificate.not_after)},
          {"eku", certificate.has_eku_extension ? nlohmann::json(certificate.eku) : nlohmann::json(nullptr)},
          {"key_usage", certificate.key_usage},
          {"san", san},
          {"key", {{"type", certificate.key_type}, {"bits", certificate.key_bits}}},
          {"signature_algorithm", certificate.signature_algorithm},
          {"is_ca", certificate.is_ca},
          {"self_signed", certificate.self_signed},
          {"crl_urls", certificate.crl_urls},
          {"ocsp", certificate.has_ocsp}};
}

nlohmann::json finding_to_json(const Finding& finding) {
  return {{"id", finding.id},
          {"severity", to_string(finding.severity)},
          {"title", finding.title},
          {"detail", finding.detail},
          {"remediation", finding.remediation},
          {"subject", finding.subject},
          {"evidence", finding.evidence}};
}

}  // namespace tc
