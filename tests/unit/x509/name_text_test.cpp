// name_to_string prints common names without OpenSSL's BIO printer; every
// name here must read exactly as X509_NAME_print_ex prints it.
#include "x509/name_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "x509/handles.h"

namespace tc::x509 {
namespace {

std::string openssl_text(const X509_NAME* name) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) return {};
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return length > 0 ? std::string(data, static_cast<size_t>(length)) : std::string{};
}

struct Entry {
  const char* field;
  int type;  // MBSTRING_* (checked, converted) or V_ASN1_* (bytes as they are)
  std::string value;
  int set = 0;  // 0: a new RDN; -1: joins the previous one (multi-valued)
};

X509NamePtr make_name(const std::vector<Entry>& entries) {
  X509NamePtr name{X509_NAME_new()};
  for (const auto& entry : entries) {
    EXPECT_EQ(X509_NAME_add_entry_by_txt(name.get(), entry.field, entry.type,
                                         reinterpret_cast<const unsigned char*>(entry.value.data()),
                                         static_cast<int>(entry.value.size()), -1, entry.set),
              1)
        << entry.field << "=" << entry.value;
  }
  return name;
}

void expect_like_openssl(const std::vector<Entry>& entries) {
  X509NamePtr name = make_name(entries);
  EXPECT_EQ(name_to_string(name.get()), openssl_text(name.get()));
}

TEST(NameText, PlainNames) {
  expect_like_openssl({});
  expect_like_openssl({{"CN", MBSTRING_ASC, "sbc.example.com"}});
  expect_like_openssl({{"C", V_ASN1_PRINTABLESTRING, "DE"},
                       {"O", MBSTRING_UTF8, "Example GmbH"},
                       {"OU", V_ASN1_IA5STRING, "Voice"},
                       {"CN", V_ASN1_T61STRING, "sip.example.de"},
                       {"serialNumber", V_ASN1_PRINTABLESTRING, "12345"},
                       {"emailAddress", V_ASN1_IA5STRING, "pki@example.de"}});
}

TEST(NameText, EveryPrintableCharacterAloneFirstMiddleAndLast) {
  for (int c = 0x20; c <= 0x7e; ++c) {
    std::string one(1, static_cast<char>(c));
    for (const std::string& value : {one, one + "ab", "a" + one + "b", "ab" + one, one + one, one + "a" + one}) {
      for (int type : {V_ASN1_PRINTABLESTRING, V_ASN1_UTF8STRING, V_ASN1_IA5STRING, V_ASN1_T61STRING}) {
        expect_like_openssl({{"CN", type, value}, {"O", MBSTRING_UTF8, value}});
      }
    }
  }
  expect_like_openssl({{"CN", V_ASN1_UTF8STRING, ""}});
  expect_like_openssl({{"CN", MBSTRING_ASC, " # leading, trailing "}});
}

TEST(NameText, MultiValuedRdnsAndUnusualShapesLeftToOpenSsl) {
  expect_like_openssl({{"O", MBSTRING_ASC, "Org"}, {"CN", MBSTRING_ASC, "a"}, {"UID", MBSTRING_ASC, "b", -1}});
  expect_like_openssl({{"1.2.3.4.5", MBSTRING_ASC, "unknown attribute"}, {"CN", MBSTRING_ASC, "x"}});
  expect_like_openssl({{"CN", MBSTRING_UTF8, "Zürich \xE6\x9D\xB1\xE4\xBA\xAC"}});
  expect_like_openssl({{"CN", V_ASN1_T61STRING, "Latin-1 \xE9"}});
  // V_ASN1_* types take the bytes as they are: contents no CA should issue.
  expect_like_openssl({{"CN", V_ASN1_PRINTABLESTRING, "control\x01\x7f"}});
  expect_like_openssl({{"CN", V_ASN1_BMPSTRING, std::string("\0A\0B", 4)}});
  expect_like_openssl({{"CN", V_ASN1_UTF8STRING, "invalid \xC3\x28"}});
}

}  // namespace
}  // namespace tc::x509
