#include "policy/profile_loader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "policy/cipher_registry.h"

namespace tc {

namespace {

using nlohmann::json;

// Walks a JSON document with a path for messages; the first error wins.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  void fail(const std::string& path, const std::string& why) {
    if (error_.empty()) error_ = source_ + ": " + path + ": " + why;
  }

  std::string text(const json& object, const char* key, const std::string& path, bool required = true) {
    if (!object.contains(key)) {
      if (required) fail(path + "." + key, "missing");
      return {};
    }
    if (!object[key].is_string()) {
      fail(path + "." + key, "must be a string");
      return {};
    }
    return object[key].get<std::string>();
  }

  bool flag(const json& object, const char* key, const std::string& path, bool fallback) {
    if (!object.contains(key)) return fallback;
    if (!object[key].is_boolean()) {
      fail(path + "." + key, "must be true or false");
      return fallback;
    }
    return object[key].get<bool>();
  }

  int number(const json& object, const char* key, const std::string& path, int fallback, int low, int high) {
    if (!object.contains(key)) return fallback;
    if (!object[key].is_number_integer() || object[key].get<int64_t>() < low || object[key].get<int64_t>() > high) {
      fail(path + "." + key, "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
      return fallback;
    }
    return object[key].get<int>();
  }

  Instant date(const json& object, const char* key, const std::string& path) {
    std::string value = text(object, key, path);
    if (failed()) return {};
    auto parsed = parse_instant(value);
    if (!parsed) fail(path + "." + key, "'" + value + "' is not an ISO 8601 date");
    return parsed.value_or(Instant{});
  }

  std::vector<uint16_t> suites(const json& object, const char* key, const std::string& path) {
    std::vector<uint16_t> out;
    if (!object.contains(key)) return out;
    if (!object[key].is_array()) {
      fail(path + "." + key, "must be a list of cipher suites");
      return out;
    }
    for (size_t i = 0; i < object[key].size(); ++i) {
      const json& item = object[key][i];
      std::string item_path = path + "." + key + "[" + std::to_string(i) + "]";
      if (!item.is_string()) {
        fail(item_path, "must be a suite code such as \"0x003d\" or a suite name");
        continue;
      }
      auto code = parse_suite(item.get<std::string>());
      if (!code) {
        fail(item_path, "unknown cipher suite '" + item.get<std::string>() + "'");
        continue;
      }
      out.push_back(*code);
    }
    return out;
  }

  std::vector<std::string> strings(const json& object, const char* key, const std::string& path) {
    std::vector<std::string> out;
    if (!object.contains(key)) return out;
    if (!object[key].is_array()) {
      fail(path + "." + key, "must be a list of strings");
      return out;
    }
    for (size_t i = 0; i < object[key].size(); ++i) {
      if (!object[key][i].is_string()) {
        fail(path + "." + key + "[" + std::to_string(i) + "]", "must be a string");
        continue;
      }
      out.push_back(object[key][i].get<std::string>());
    }
    return out;
  }

  const json* list(const json& object, const char* key, const std::string& path) {
    if (!object.contains(key)) return nullptr;
    if (!object[key].is_array()) {
      fail(path + "." + key, "must be a list");
      return nullptr;
    }
    return &object[key];
  }

 private:
  std::string source_;
  std::string error_;
};

bool is_hash(const std::string& value) {
  return value.size() == 8 && std::all_of(value.begin(), value.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::vector<TrustedRootRow> read_roots(Reader& reader, const json& document, const char* key) {
  std::vector<TrustedRootRow> rows;
  const json* items = reader.list(document, key, "$");
  if (!items) return rows;
  for (size_t i = 0; i < items->size(); ++i) {
    std::string path = std::string("$.") + key + "[" + std::to_string(i) + "]";
    const json& item = (*items)[i];
    if (!item.is_object()) {
      reader.fail(path, "must be an object");
      break;
    }
    TrustedRootRow row{reader.text(item, "vendor", path), reader.text(item, "common_name", path),
                       reader.text(item, "subject_hash", path)};
    if (!reader.failed() && !is_hash(row.subject_hash)) {
      reader.fail(path + ".subject_hash", "must be 8 lower-case hex digits");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::variant<Profile, ProfileError> parse_profile(std::string_view json_text, std::string_view source_name) {
  json document = json::parse(json_text, nullptr, false);
  std::string source(source_name);
  if (document.is_discarded()) return ProfileError{source + ": not valid JSON"};
  if (!document.is_object()) return ProfileError{source + ": the profile must be a JSON object"};

  Reader reader(source);
  Profile profile;
  profile.source_path = source;
  profile.name = reader.text(document, "name", "$");
  profile.description = reader.text(document, "description", "$", false);
  profile.platform = reader.text(document, "platform", "$", false);
  for (const auto& version_text : reader.strings(document, "tls_versions", "$")) {
    auto version = parse_tls_version(version_text);
    if (!version) {
      reader.fail("$.tls_versions", "unknown version '" + version_text + "' (use \"TLS 1.2\" etc.)");
      continue;
    }
    profile.tls_versions.push_back(*version);
  }
  profile.port = static_cast<uint16_t>(reader.number(document, "port", "$", 5061, 1, 65535));
  profile.platform_requests_client_certificates =
      reader.flag(document, "platform_requests_client_certificates", "$", false);
  profile.platform_client_cert_has_client_auth =
      reader.flag(document, "platform_client_cert_has_client_auth", "$", false);
  profile.needs_client_auth_eku = reader.flag(document, "needs_client_auth_eku", "$", false);
  profile.default_purpose = document.contains("default_purpose") ? reader.text(document, "default_purpose", "$")
                                                                   : "server";
  if (profile.default_purpose != "server" && profile.default_purpose != "client" &&
      profile.default_purpose != "both") {
    reader.fail("$.default_purpose", "must be server, client or both");
  }
  profile.trusted_roots = read_roots(reader, document, "trusted_roots");
  profile.platform_roots = read_roots(reader, document, "platform_roots");
  profile.trust_system_store = reader.flag(document, "trust_system_store", "$", false);
  if (const json* families = reader.list(document, "trusted_vendor_families", "$")) {
    for (size_t i = 0; i < families->size(); ++i) {
      std::string path = "$.trusted_vendor_families[" + std::to_string(i) + "]";
      if (!(*families)[i].is_object()) {
        reader.fail(path, "must be an object");
        break;
      }
      profile.trusted_vendor_families.push_back(
          {reader.text((*families)[i], "vendor", path), reader.strings((*families)[i], "organisation_patterns", path)});
    }
  }
  profile.supported_suites = reader.suites(document, "supported_suites", "$");
  profile.supported_suites_assumed = reader.flag(document, "supported_suites_assumed", "$", false);
  profile.supported_suites_note = reader.text(document, "supported_suites_note", "$", false);
  profile.deprecated_suites = reader.suites(document, "deprecated_suites", "$");
  profile.offer_order = reader.suites(document, "offer_order", "$");
  profile.offer_order_assumed = reader.flag(document, "offer_order_assumed", "$", true);
  profile.offer_order_note = reader.text(document, "offer_order_note", "$", false);
  profile.platform_host_patterns = reader.strings(document, "platform_host_patterns", "$");
  if (const json* events = reader.list(document, "timeline", "$")) {
    for (size_t i = 0; i < events->size(); ++i) {
      std::string path = "$.timeline[" + std::to_string(i) + "]";
      const json& item = (*events)[i];
      if (!item.is_object()) {
        reader.fail(path, "must be an object");
        break;
      }
      TimelineEvent event;
      event.id = reader.text(item, "id", path);
      event.date = reader.date(item, "date", path);
      event.text = reader.text(item, "text", path);
      event.source = reader.text(item, "source", path, false);
      event.roots = reader.strings(item, "roots", path);
      profile.timeline.push_back(std::move(event));
    }
  }
  std::stable_sort(profile.timeline.begin(), profile.timeline.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.date < b.date; });
  if (const json* limits = reader.list(document, "lifetime_limits", "$")) {
    for (size_t i = 0; i < limits->size(); ++i) {
      std::string path = "$.lifetime_limits[" + std::to_string(i) + "]";
      const json& item = (*limits)[i];
      if (!item.is_object()) {
        reader.fail(path, "must be an object");
        break;
      }
      profile.lifetime_limits.push_back(
          {reader.date(item, "issued_from", path), reader.number(item, "max_days", path, 0, 1, 100000)});
    }
    std::sort(profile.lifetime_limits.begin(), profile.lifetime_limits.end(),
              [](const LifetimeLimit& a, const LifetimeLimit& b) { return a.issued_from < b.issued_from; });
  }
  if (document.contains("thresholds")) {
    const json& thresholds = document["thresholds"];
    if (!thresholds.is_object()) {
      reader.fail("$.thresholds", "must be an object");
    } else {
      profile.expiring_soon_days = reader.number(thresholds, "expiring_soon_days", "$.thresholds", 30, 0, 3650);
      profile.min_rsa_bits = reader.number(thresholds, "min_rsa_bits", "$.thresholds", 2048, 512, 16384);
      profile.min_ec_bits = reader.number(thresholds, "min_ec_bits", "$.thresholds", 256, 160, 1024);
    }
  }
  if (reader.failed()) return ProfileError{reader.error()};
  if (profile.tls_versions.empty()) return ProfileError{source + ": $.tls_versions: must name at least one version"};
  return profile;
}

std::string profile_directory() {
  if (const char* override_dir = std::getenv("TRUNKCHECK_PROFILE_DIR"); override_dir && *override_dir) {
    return override_dir;
  }
  return TRUNKCHECK_PROFILE_DIR;
}

std::vector<std::string> shipped_profile_names() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(profile_directory(), error)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::variant<Profile, ProfileError> load_profile(std::string_view name_or_path) {
  std::string path(name_or_path);
  bool is_path = path.find('/') != std::string::npos || path.ends_with(".json");
  if (!is_path) {
    auto names = shipped_profile_names();
    if (std::find(names.begin(), names.end(), path) == names.end()) {
      std::string known;
      for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
      return ProfileError{"unknown profile '" + path + "' (shipped: " + known + "; or give a .json file)"};
    }
    path = profile_directory() + "/" + path + ".json";
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return ProfileError{path + ": cannot read profile"};
  std::ostringstream content;
  content << file.rdbuf();
  return parse_profile(content.str(), path);
}

}  // namespace tc
