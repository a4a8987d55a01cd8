#include "x509/name_text.h"

#include <openssl/objects.h>

#include <string_view>

#include "x509/handles.h"

namespace tc::x509 {

namespace {

constexpr unsigned long kFlags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;

// What OpenSSL prints, through a memory BIO one character at a time.
std::string print_with_openssl(const X509_NAME* name) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio) return {};
  if (X509_NAME_print_ex(bio.get(), name, 0, kFlags) < 0) return {};
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(length));
}

// String types X509_NAME_print_ex shows one byte per character (UTF8String
// too, under ASN1_STRFLGS_UTF8_CONVERT): for printable ASCII the bytes are
// the characters.
bool byte_per_character(int type) {
  switch (type) {
    case V_ASN1_UTF8STRING:
    case V_ASN1_NUMERICSTRING:
    case V_ASN1_PRINTABLESTRING:
    case V_ASN1_T61STRING:
    case V_ASN1_IA5STRING: return true;
    default: return false;
  }
}

// Appends a value that is printable ASCII with RFC 2253's backslash escapes,
// as OpenSSL's do_esc_char does under ESC_2253 (its charmap): ,+"\<>; always,
// '#' first and ' ' first or last. OpenSSL marks the last character "last"
// instead of "first", so a lone '#' stays bare and a lone ' ' is escaped.
// False (nothing appended) for anything else: the caller asks OpenSSL.
bool append_plain_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    bool last = i + 1 == value.size();
    bool first = i == 0 && !last;
    bool escaped = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' ||
                   (first && (c == '#' || c == ' ')) || (last && c == ' ');
    if (escaped) out.push_back('\\');
    out.push_back(c);
  }
  return true;
}

// The common case (known attribute types, printable ASCII values) without a
// BIO: OpenSSL's printer writes through BIO_write per character, which was a
// tenth of a 10,000-certificate inventory's decode time. False for anything
// else, so OpenSSL stays the authority on every unusual name.
bool print_plain(const X509_NAME* name, std::string& out) {
  const int count = X509_NAME_entry_count(name);
  int previous_set = -1;
  for (int i = count - 1; i >= 0; --i) {  // XN_FLAG_DN_REV
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    const int set = X509_NAME_ENTRY_set(entry);
    if (previous_set != -1) out.push_back(previous_set == set ? '+' : ',');
    previous_set = set;
    const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    const char* short_name = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
    if (short_name == nullptr) return false;  // dotted OID and a DER dump
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(entry);
    if (value == nullptr || !byte_per_character(ASN1_STRING_type(value))) return false;
    out.append(short_name);
    out.push_back('=');
    std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                          static_cast<size_t>(ASN1_STRING_length(value)));
    if (!append_plain_value(out, text)) return false;
  }
  return true;
}

}  // namespace

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  std::string text;
  if (print_plain(name, text)) return text;
  return print_with_openssl(name);
}

}  // namespace tc::x509
