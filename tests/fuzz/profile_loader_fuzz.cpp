// Fuzzes the profile loader: any JSON (or not-JSON) text must give a Profile
// or a ProfileError naming the field, never a crash or an exception escaping.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "policy/profile_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = tc::parse_profile(text, "fuzz.json");
  if (auto* error = std::get_if<tc::ProfileError>(&result)) {
    // Every error names its source.
    if (error->message.rfind("fuzz.json", 0) != 0) __builtin_trap();
  }
  return 0;
}
