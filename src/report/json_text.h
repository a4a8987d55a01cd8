#pragma once
// Compact JSON text written straight into a string, byte for byte as
// nlohmann::json::dump() writes it (no indent, UTF-8 kept, control characters
// as \u00XX), for output built per connection where a JSON tree per element
// is the dominant cost. Objects' keys must be written in sorted order, as
// nlohmann's std::map keeps them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tc {

class JsonText {
 public:
  explicit JsonText(std::string& out) : out_(out) {}

  // False when `text` is not valid UTF-8 (dump() would throw): the caller
  // falls back to nlohmann, which reports it the way it always has.
  [[nodiscard]] bool string(std::string_view text);
  void number(uint64_t value);
  void boolean(bool value) { out_ += value ? "true" : "false"; }
  void null() { out_ += "null"; }
  // `"key":` (keys are trunkcheck's own ASCII names).
  void key(std::string_view name) {
    out_ += '"';
    out_ += name;
    out_ += "\":";
  }
  void raw(std::string_view json) { out_ += json; }
  void put(char c) { out_ += c; }
  [[nodiscard]] bool strings(const std::vector<std::string>& texts);  // ["a","b"]

 private:
  std::string& out_;
};

}  // namespace tc
