#pragma once
// An X.509 Name as one line of text: RFC 2253 order and escaping, UTF-8 left
// readable (X509_NAME_print_ex with XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB).
#include <openssl/x509.h>

#include <string>

namespace tc::x509 {

std::string name_to_string(const X509_NAME* name);

}  // namespace tc::x509
