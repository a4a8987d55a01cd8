// Fuzz target for the certificate loader: any bytes → parse_certificate_input
// (PEM, DER, PKCS#12 with a fixed password) → facts of every certificate.
// The committed corpus in corpus/cert_loader_fuzz/ is replayed by ordinary CI.
// It was made from `tc_make_certs scenario` fixtures: single.pem, leaf.der,
// bundle.pem (leaf, intermediate, root), truncated.pem, junk.bin, a bundle
// with a dummy "PRIVATE KEY" block (no real key), and certificate-only
// PKCS#12 files (`openssl pkcs12 -export -nokeys`) with the password "fuzz"
// and with another one. No corpus file holds key material.
#include <cstddef>
#include <cstdint>
#include <span>

#include "x509/certificate_facts.h"
#include "x509/certificate_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tc::x509::InputOptions options;
  options.password = "fuzz";
  tc::x509::ParsedInput parsed = tc::x509::parse_certificate_input(std::span<const uint8_t>(data, size), options);
  for (const tc::x509::X509Ptr& cert : parsed.certs) {
    tc::CertificateFacts facts = tc::x509::decode_certificate(cert.get(), "fuzz");
    (void)facts;
  }
  return 0;
}
