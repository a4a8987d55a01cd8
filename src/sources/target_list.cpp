#include "sources/target_list.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

#include "sources/socket.h"

namespace tc::sources {

namespace {

constexpr size_t kMaxHostBytes = 253;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostBytes) return false;
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
  });
}

// Shortens what a message quotes from the file.
std::string quoted(std::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMax)) + "…'";
}

std::string known_keys() {
  std::string text;
  for (std::string_view key : target_keys()) text += (text.empty() ? "" : ", ") + std::string(key);
  return text + ", port";
}

class Parser {
 public:
  Parser(const TargetListLimits& limits, TargetList& out) : limits_(limits), out_(out) {}

  void problem(size_t line, std::string message) {
    ++out_.problems_total;
    if (out_.problems.size() < limits_.max_problems) out_.problems.push_back({line, std::move(message)});
  }

  // Host and port from "host[:port]", or nullopt with a problem.
  bool set_host(Target& target, std::string_view text) {
    std::string error;
    auto parsed = parse_host_port(text, limits_.default_port, error);
    if (!parsed) {
      problem(target.line, error);
      return false;
    }
    if (!is_ip_literal(parsed->host) && !is_host_name(parsed->host)) {
      problem(target.line, quoted(parsed->host) + ": not a host name or IP address (IPv6 goes in brackets: [2001:db8::1]:5061)");
      return false;
    }
    target.host = parsed->host;
    target.port = parsed->port;
    return true;
  }

  bool set_port(Target& target, std::string_view text) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
      problem(target.line, "port " + quoted(text) + ": must be 1-65535");
      return false;
    }
    target.port = static_cast<uint16_t>(port);
    return true;
  }

  // One key=value override; false (with a problem) when the line must be dropped.
  bool set_key(Target& target, std::string_view key_text, std::string_view value) {
    const std::string key = lower(key_text);
    auto duplicate = [&](bool present) {
      if (present) problem(target.line, key + " given twice");
      return present;
    };
    if (value.empty()) {
      problem(target.line, key + "= needs a value");
      return false;
    }
    if (key == "sni") {
      if (duplicate(target.sni.has_value())) return false;
      if (!is_host_name(value)) {
        problem(target.line, "sni=" + quoted(value) + ": not a host name");
        return false;
      }
      target.sni = std::string(value);
    } else if (key == "address") {
      if (duplicate(target.address.has_value())) return false;
      if (!is_ip_literal(value)) {
        problem(target.line, "address=" + quoted(value) + ": not an IPv4 or IPv6 address");
        return false;
      }
      target.address = std::string(value);
    } else if (key == "timeout") {
      if (duplicate(target.timeout_seconds.has_value())) return false;
      double seconds = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || end != value.data() + value.size() || !(seconds >= 0.1 && seconds <= 120)) {
        problem(target.line, "timeout=" + quoted(value) + ": seconds between 0.1 and 120");
        return false;
      }
      target.timeout_seconds = seconds;
    } else if (key == "client-cert") {
      if (duplicate(target.client_cert.has_value())) return false;
      target.client_cert = std::string(value);
    } else if (key == "client-key") {
      if (duplicate(target.client_key.has_value())) return false;
      target.client_key = std::string(value);
    } else if (key == "profile") {
      if (duplicate(target.profile.has_value())) return false;
      target.profile = std::string(value);
    } else if (key == "at") {
      if (duplicate(target.at.has_value())) return false;
      auto instant = parse_instant(value);
      if (!instant) {
        problem(target.line, "at=" + quoted(value) + ": not an ISO 8601 date or date-time");
        return false;
      }
      target.at = *instant;
    } else if (key == "trust") {
      if (duplicate(target.trust.has_value())) return false;
      target.trust = std::string(value);
    } else if (key == "label") {
      if (duplicate(!target.label.empty())) return false;
      target.label = std::string(value);
    } else if (key == "port") {
      return set_port(target, value);
    } else {
      problem(target.line, "unknown key " + quoted(key_text) +
                               " (known: " + known_keys() + ")");
      return false;
    }
    return true;
  }

  void add(Target target) {
    if (target.client_cert.has_value() != target.client_key.has_value()) {
      problem(target.line, "client-cert= and client-key= go together");
      return;
    }
    // The same endpoint judged differently (another profile, moment or trust) is not a duplicate.
    std::string key = target.spec() + "|" + target.sni.value_or("") + "|" + target.address.value_or("") + "|" +
                      target.profile.value_or("") + "|" + (target.at ? format_instant(*target.at) : "") + "|" +
                      target.trust.value_or("");
    auto [it, inserted] = seen_.emplace(std::move(key), target.line);
    if (!inserted) {
      problem(target.line, target.spec() + ": duplicate of line " + std::to_string(it->second) + ", skipped");
      return;
    }
    out_.targets.push_back(std::move(target));
  }

  // host[:port] [label words] [key=value …]
  void plain_line(size_t line, std::string_view text) {
    Target target;
    target.line = line;
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
      if (i >= text.size() || text[i] == '#') break;  // a comment runs to the end of the line
      size_t start = i;
      while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
      words.push_back(text.substr(start, i - start));
    }
    if (words.empty()) return;
    if (!set_host(target, words[0])) return;
    bool in_keys = false;
    std::string label;
    for (size_t w = 1; w < words.size(); ++w) {
      auto equals = words[w].find('=');
      if (equals == std::string_view::npos) {
        if (in_keys) {
          problem(line, quoted(words[w]) + ": the label comes before key=value pairs");
          return;
        }
        if (!label.empty()) label += ' ';
        label += words[w];
        continue;
      }
      in_keys = true;
      if (!set_key(target, words[w].substr(0, equals), words[w].substr(equals + 1))) return;
    }
    if (!label.empty()) {
      if (!target.label.empty()) {
        problem(line, "label given twice");
        return;
      }
      target.label = label;
    }
    add(std::move(target));
  }

  // RFC 4180 fields ("" escapes a quote inside a quoted field).
  std::optional<std::vector<std::string>> csv_fields(size_t line, std::string_view text) {
    std::vector<std::string> fields;
    std::string field;
    size_t i = 0;
    bool quoted_field = false;
    while (true) {
      field.clear();
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
      if (i < text.size() && text[i] == '"') {
        quoted_field = true;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            closed = true;
            ++i;
            break;
          }
          field += text[i++];
        }
        if (!closed) {
          problem(line, "unterminated quoted field");
          return std::nullopt;
        }
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        if (i < text.size() && text[i] != ',') {
          problem(line, "text after a quoted field");
          return std::nullopt;
        }
      } else {
        size_t start = i;
        while (i < text.size() && text[i] != ',') ++i;
        field = std::string(trim(text.substr(start, i - start)));
      }
      fields.push_back(field);
      if (i >= text.size()) break;
      ++i;  // the comma
    }
    (void)quoted_field;
    return fields;
  }

  void csv_line(size_t line, std::string_view text) {
    auto fields = csv_fields(line, text);
    if (!fields) return;
    if (!header_seen_) {
      header_seen_ = true;
      std::string first = lower(trim((*fields)[0]));
      if (first == "host" || first == "target") {
        for (const auto& name : *fields) {
          std::string column = lower(trim(name));
          if (column == "target") column = "host";
          bool known = column == "host" || column == "port" ||
                       std::find(target_keys().begin(), target_keys().end(), column) != target_keys().end();
          if (!known) problem(line, "unknown column " + quoted(name) + " ignored");
          columns_.push_back(known ? column : std::string());
        }
        return;
      }
    }
    Target target;
    target.line = line;
    if (columns_.empty()) {
      // No header: host[:port], label, then key=value cells.
      if (!set_host(target, (*fields)[0])) return;
      for (size_t f = 1; f < fields->size(); ++f) {
        const std::string& cell = (*fields)[f];
        if (cell.empty()) continue;
        auto equals = cell.find('=');
        if (f == 1 && equals == std::string::npos) {
          target.label = cell;
        } else if (equals == std::string::npos) {
          problem(line, "column " + std::to_string(f + 1) + ": expected key=value, got " + quoted(cell));
          return;
        } else if (!set_key(target, std::string_view(cell).substr(0, equals), std::string_view(cell).substr(equals + 1))) {
          return;
        }
      }
      add(std::move(target));
      return;
    }
    if (fields->size() > columns_.size()) {
      problem(line, std::to_string(fields->size()) + " fields, the header names " + std::to_string(columns_.size()));
      return;
    }
    std::optional<std::string> port_text;
    bool has_host = false;
    for (size_t f = 0; f < fields->size(); ++f) {
      const std::string& cell = (*fields)[f];
      const std::string& column = columns_[f];
      if (column.empty() || cell.empty()) continue;
      if (column == "host") {
        if (!set_host(target, cell)) return;
        has_host = true;
      } else if (column == "port") {
        port_text = cell;
      } else if (!set_key(target, column, cell)) {
        return;
      }
    }
    if (!has_host) {
      problem(line, "no host");
      return;
    }
    if (port_text && !set_port(target, *port_text)) return;
    add(std::move(target));
  }

  void line(size_t number, std::string_view text) {
    if (text.size() > limits_.max_line_bytes) {
      problem(number, "line longer than " + std::to_string(limits_.max_line_bytes) + " bytes, skipped");
      return;
    }
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; })) {
      problem(number, "control character in line, skipped");
      return;
    }
    std::string_view content = trim(text);
    if (content.empty() || content.front() == '#') return;
    if (!mode_decided_) {
      mode_decided_ = true;
      out_.csv = content.find(',') != std::string_view::npos;
    }
    if (out_.targets.size() >= limits_.max_targets) {
      out_.truncated = true;
      problem(number, "more than " + std::to_string(limits_.max_targets) + " targets: this line and the rest ignored");
      return;
    }
    if (out_.csv) {
      csv_line(number, content);
    } else {
      plain_line(number, content);
    }
  }

 private:
  const TargetListLimits& limits_;
  TargetList& out_;
  bool mode_decided_ = false;
  bool header_seen_ = false;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, size_t> seen_;
};

}  // namespace

std::string Target::spec() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

const std::vector<std::string_view>& target_keys() {
  static const std::vector<std::string_view> keys = {"label",       "sni",     "address", "timeout", "client-cert",
                                                     "client-key",  "profile", "at",      "trust"};
  return keys;
}

TargetList parse_target_list(std::string_view text, const TargetListLimits& limits) {
  TargetList out;
  Parser parser(limits, out);
  size_t number = 0;
  while (!text.empty() && !out.truncated) {
    ++number;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    parser.line(number, line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace tc::sources
