#pragma once
// Decodes an X.509 certificate into tc::CertificateFacts, the plain-data view
// every rule reads. The only place that turns OpenSSL structures into facts.
#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "model/certificate.h"
#include "model/connection.h"
#include "model/instant.h"
#include "x509/handles.h"
#include "x509/name_text.h"  // name_to_string, shared with the chain builder and the trust store

namespace tc::x509 {

// Fills every field of CertificateFacts; `source` says where it came from.
// `sha256`, when the caller already computed sha256_hex(cert), is used as is.
CertificateFacts decode_certificate(const X509* cert, std::string source, std::string sha256 = {});

// Parses one DER certificate (as sent on the wire). Trailing bytes after the
// certificate make it invalid. Empty handle when the bytes are not a certificate.
X509Ptr parse_certificate_der(std::span<const uint8_t> der);

// d2i_X509 without decoding the public key. OpenSSL 3.0's d2i_X509 turns the
// SubjectPublicKeyInfo into an EVP_PKEY through the provider decoder chain,
// whose set-up costs ~150 µs per certificate (8-10x the rest of the parse);
// this parses the key fields into a library context with no decoders, so the
// certificate carries no EVP_PKEY: X509_get0_pubkey returns null and it cannot
// verify signatures or take part in chain building. decode_certificate gives
// the same facts for it (key type and size come straight from the
// SubjectPublicKeyInfo). Digests and extensions work as usual. Null when the
// bytes are not a certificate; advances *cursor like d2i_X509.
X509* d2i_X509_keyless(const unsigned char** cursor, long length);
// parse_certificate_der + decode_certificate; nullopt when not a certificate.
std::optional<CertificateFacts> decode_certificate_der(const Bytes& der, std::string source);

// A DER-encoded X.509 Name (e.g. a CertificateRequest certificate_authorities
// entry) in RFC 2253 form. Empty string when the bytes are not a Name.
std::string decode_name_der(const Bytes& der);

// Helpers shared with the chain builder and the trust store.
// The subject's most specific (last) CN as UTF-8, or empty.
std::string common_name_of(const X509* cert);
// The same certificate with its public key decoded, for one parsed without it
// (d2i_X509_keyless); `cert` itself when it has one or the key does not decode.
X509Ptr with_public_key(X509* cert);
std::string subject_hash_hex(const X509* cert);     // 8 lower-case hex digits
std::string sha256_hex(const X509* cert);           // 64 lower-case hex digits
// ASN1_TIME (UTCTime or GeneralizedTime) to an Instant; nullopt if malformed.
std::optional<Instant> to_instant(const ASN1_TIME* time);

}  // namespace tc::x509
