#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "policy/cipher_registry.h"

namespace tc {
namespace {

TEST(CipherRegistry, DeprecatedBYOCSuitesHaveTheirDomainNames) {
  EXPECT_EQ(describe_suite(0x003d), "TLS_RSA_WITH_AES_256_CBC_SHA256 (0x003d)");
  EXPECT_EQ(find_cipher_suite(0xc028)->openssl_name, "ECDHE-RSA-AES256-SHA384");
  EXPECT_EQ(parse_suite("AES256-SHA256"), 0x003d);
  EXPECT_EQ(parse_suite("0xC028"), 0xc028);
  EXPECT_EQ(parse_suite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), 0xc030);
  EXPECT_FALSE(parse_suite("NOT-A-SUITE").has_value());
}

// The registry is written by hand; OpenSSL's own table is the independent check.
TEST(CipherRegistry, AgreesWithOpenSSLOnEveryNameItKnows) {
  SSL_CTX* context = SSL_CTX_new(TLS_method());
  ASSERT_NE(context, nullptr);
  SSL* ssl = SSL_new(context);
  size_t checked = 0;
  for (const auto& suite : all_cipher_suites()) {
    if (suite.openssl_name.empty()) continue;
    unsigned char code[2] = {static_cast<unsigned char>(suite.code >> 8), static_cast<unsigned char>(suite.code)};
    const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl, code);
    if (cipher == nullptr) continue;  // not compiled into this OpenSSL (RC4, DES, CAMELLIA-SHA256 …)
    EXPECT_EQ(SSL_CIPHER_get_name(cipher), suite.openssl_name) << format_suite_code(suite.code);
    EXPECT_EQ(SSL_CIPHER_standard_name(cipher), suite.iana_name) << format_suite_code(suite.code);
    ++checked;
  }
  EXPECT_GT(checked, 40u);
  SSL_free(ssl);
  SSL_CTX_free(context);
}

TEST(CipherRegistry, GreaseAndVersions) {
  EXPECT_TRUE(is_grease(0x0a0a));
  EXPECT_TRUE(is_grease(0xfafa));
  EXPECT_FALSE(is_grease(0x0a1a));
  EXPECT_FALSE(is_grease(0xc02f));
  EXPECT_EQ(format_tls_version(0x0303), "TLS 1.2");
  EXPECT_EQ(parse_tls_version("TLS 1.3"), 0x0304);
}

}  // namespace
}  // namespace tc
