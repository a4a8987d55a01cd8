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

// Lower-case hex, two digits a byte (fingerprints, digests).
std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace tc
