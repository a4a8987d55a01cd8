#pragma once
// JSON text appended to a string, byte for byte what nlohmann::json::dump()
// writes (UTF-8 kept; bytes that are not UTF-8 become U+FFFD, as with
// error_handler_t::replace), for reports too large to build as a DOM first:
// 10,000 certificate rows and their findings cost more in DOM nodes (and in
// freeing them) than in judging. Values that are already a DOM go through
// nlohmann's own serializer, so their text cannot drift.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tc {

class JsonText {
 public:
  JsonText();
  // The serializer holds a reference to text_: never copied or moved.
  JsonText(const JsonText&) = delete;
  JsonText& operator=(const JsonText&) = delete;

  std::string& text() { return text_; }
  size_t size() const { return text_.size(); }
  void clear() { text_.clear(); }

  void raw(std::string_view text) { text_.append(text); }
  void raw(char c) { text_.push_back(c); }
  // A JSON string, quoted and escaped as dump() escapes it.
  void string(std::string_view text);
  // "key": (pretty) or "key": (compact: no space), escaped like any string.
  void key(std::string_view name, bool pretty);
  void integer(int64_t number);
  void boolean(bool value) { raw(value ? "true" : "false"); }
  void null() { raw("null"); }
  // A compact array of strings: ["a","b"].
  void string_array(const std::vector<std::string>& strings);
  // `spaces` blanks (pretty-printed indentation).
  void indent(unsigned spaces) { text_.append(spaces, ' '); }
  // Any DOM value: compact when indent_step < 0, else pretty-printed as if it
  // started at column current_indent (what dump(indent_step) prints nested).
  void value(const nlohmann::json& value, int indent_step = -1, unsigned current_indent = 0);

 private:
  std::string text_;
  nlohmann::detail::serializer<nlohmann::json> serializer_;
};

}  // namespace tc
