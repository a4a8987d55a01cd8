#pragma once
// Finds and loads a profile by shipped name or file path, checking every field
// so that a bad profile is a usage error naming the file and the field.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "policy/profile.h"

namespace tc {

struct ProfileError {
  std::string message;  // "<file>: timeline[2].date: not an ISO 8601 date"
};

// NAME looks in the profile directory (TRUNKCHECK_PROFILE_DIR, else the one
// built in); anything containing '/' or ending in .json is a file path.
std::variant<Profile, ProfileError> load_profile(std::string_view name_or_path);
std::variant<Profile, ProfileError> parse_profile(std::string_view json_text, std::string_view source_name);
std::vector<std::string> shipped_profile_names();
std::string profile_directory();

}  // namespace tc
