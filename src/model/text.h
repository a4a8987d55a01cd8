#pragma once
// ASCII case-insensitive text comparisons shared by every layer (cipher
// names, signature algorithms, organisation names, host patterns).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tc {

bool same_letter_ignoring_case(char a, char b);
bool equals_ignoring_case(std::string_view a, std::string_view b);
// Position of `needle` in `haystack` at or after `from`, or npos.
size_t find_ignoring_case(std::string_view haystack, std::string_view needle, size_t from = 0);
bool contains_ignoring_case(std::string_view haystack, std::string_view needle);

// Bytes from the wire that must be ASCII (an SNI host name, RFC 6066 §3),
// kept readable and lossless: printable ASCII as it is, every other byte as
// "\xNN". Reports can then always encode them (JSON needs valid UTF-8).
std::string printable_ascii(std::string_view bytes);

// Lower-case hex, two digits a byte (fingerprints, digests).
std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace tc
