#include "report/json_text.h"

#include <charconv>

namespace tc {

namespace {

// Bytes dump() copies as they are (ensure_ascii off): printable ASCII and DEL,
// except the two it escapes. Anything else (controls, UTF-8 sequences, which
// dump() validates) is left to nlohmann's serializer.
bool copied_verbatim(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

JsonText::JsonText()
    : serializer_(nlohmann::detail::output_adapter<char, std::string>(text_), ' ',
                  nlohmann::json::error_handler_t::replace) {}

void JsonText::string(std::string_view text) {
  if (copied_verbatim(text)) {
    text_.push_back('"');
    text_.append(text);
    text_.push_back('"');
    return;
  }
  serializer_.dump(nlohmann::json(std::string(text)), false, false, 0);
}

void JsonText::key(std::string_view name, bool pretty) {
  string(name);
  raw(pretty ? ": " : ":");
}

void JsonText::integer(int64_t number) {
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, number);
  text_.append(buffer, end);
}

void JsonText::string_array(const std::vector<std::string>& strings) {
  text_.push_back('[');
  for (size_t i = 0; i < strings.size(); ++i) {
    if (i > 0) text_.push_back(',');
    string(strings[i]);
  }
  text_.push_back(']');
}

void JsonText::value(const nlohmann::json& value, int indent_step, unsigned current_indent) {
  if (indent_step < 0) {
    serializer_.dump(value, false, false, 0);
  } else {
    serializer_.dump(value, true, false, static_cast<unsigned>(indent_step), current_indent);
  }
}

}  // namespace tc
