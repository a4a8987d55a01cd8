#include "report/certificate_row_json.h"

#include "model/instant.h"

namespace tc {

void append_certificate_row(JsonText& out, const CertificateFacts& certificate, std::string_view role,
                            const std::vector<std::string>& finding_ids) {
  // Keys sorted, as certificate_to_json's std::map-backed object prints them.
  auto field = [&](std::string_view name, bool first = false) {
    out.raw(first ? '{' : ',');
    out.key(name, false);
  };
  field("common_name", true);
  out.string(certificate.common_name);
  field("crl_urls");
  out.string_array(certificate.crl_urls);
  field("eku");
  if (certificate.has_eku_extension) {
    out.string_array(certificate.eku);
  } else {
    out.null();
  }
  field("findings");
  out.string_array(finding_ids);
  field("is_ca");
  out.boolean(certificate.is_ca);
  field("issuer");
  out.string(certificate.issuer);
  field("issuer_hash");
  out.string(certificate.issuer_hash);
  field("key");
  out.raw('{');
  out.key("bits", false);
  out.integer(certificate.key_bits);
  out.raw(',');
  out.key("type", false);
  out.string(certificate.key_type);
  out.raw('}');
  field("key_usage");
  out.string_array(certificate.key_usage);
  field("not_after");
  out.string(format_instant(certificate.not_after));
  field("not_before");
  out.string(format_instant(certificate.not_before));
  field("ocsp");
  out.boolean(certificate.has_ocsp);
  field("role");
  out.string(role);
  field("san");
  out.raw('{');
  out.key("dns", false);
  out.string_array(certificate.san_dns);
  out.raw(',');
  out.key("ip", false);
  out.string_array(certificate.san_ip);
  out.raw(',');
  out.key("uri", false);
  out.string_array(certificate.san_uri);
  out.raw('}');
  field("self_signed");
  out.boolean(certificate.self_signed);
  field("serial");
  out.string(certificate.serial_hex);
  field("sha256");
  out.string(certificate.sha256);
  field("signature_algorithm");
  out.string(certificate.signature_algorithm);
  field("source");
  out.string(certificate.source);
  field("subject");
  out.string(certificate.subject);
  field("subject_hash");
  out.string(certificate.subject_hash);
  out.raw('}');
}

}  // namespace tc
