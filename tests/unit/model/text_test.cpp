#include <gtest/gtest.h>

#include "model/text.h"

namespace tc {
namespace {

TEST(Text, CaseInsensitiveComparisons) {
  EXPECT_TRUE(equals_ignoring_case("AES256-SHA256", "aes256-sha256"));
  EXPECT_FALSE(equals_ignoring_case("AES256-SHA256", "AES256-SHA"));
  EXPECT_EQ(find_ignoring_case("O=IdenTrust", "entrust"), 4u);
  EXPECT_EQ(find_ignoring_case("O=IdenTrust", "entrust", 5), std::string_view::npos);
  EXPECT_EQ(find_ignoring_case("abc", "x", 9), std::string_view::npos);
  EXPECT_TRUE(contains_ignoring_case("sha1WithRSAEncryption", "SHA1"));
  EXPECT_FALSE(contains_ignoring_case("sha256WithRSAEncryption", "sha1"));
}

TEST(Text, HexIsLowerCaseTwoDigitsAByte) {
  const uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(bytes), "000fa0ff");
  EXPECT_EQ(to_hex({}), "");
}

}  // namespace
}  // namespace tc

namespace tc {
namespace {

TEST(Text, PrintableAsciiKeepsHostNamesAndShowsEveryOtherByte) {
  EXPECT_EQ(printable_ascii("sbc.example.com"), "sbc.example.com");
  EXPECT_EQ(printable_ascii(std::string("a\xff\x00z", 4)), "a\\xff\\x00z");
  EXPECT_EQ(printable_ascii("tab\there\\"), "tab\\x09here\\x5c");
  EXPECT_EQ(printable_ascii("caf\xc3\xa9"), "caf\\xc3\\xa9");
}

}  // namespace
}  // namespace tc
