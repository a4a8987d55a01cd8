#include "sources/endpoint_matcher.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include "model/text.h"

namespace tc::sources {

namespace {

std::optional<std::vector<uint8_t>> parse_ip(const std::string& text) {
  uint8_t buffer[16];
  if (inet_pton(AF_INET, text.c_str(), buffer) == 1) return std::vector<uint8_t>(buffer, buffer + 4);
  if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) return std::vector<uint8_t>(buffer, buffer + 16);
  return std::nullopt;
}

std::optional<uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

// Splits "addr:port" / "[v6]:port" / "addr" into address text and port text.
void split_host_port(std::string_view text, std::string& address, std::string& port) {
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    address = std::string(text.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    if (close != std::string_view::npos && close + 1 < text.size() && text[close + 1] == ':') {
      port = std::string(text.substr(close + 2));
    }
    return;
  }
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find(':') == colon) {  // exactly one colon: IPv4:port
    address = std::string(text.substr(0, colon));
    port = std::string(text.substr(colon + 1));
  } else {
    address = std::string(text);
  }
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // '*' matches any run of characters; case-insensitive.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '*')) {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && same_letter_ignoring_case(pattern[p], text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

std::optional<AddressPattern> parse_address_pattern(std::string_view text, std::string& error) {
  AddressPattern pattern;
  pattern.text = std::string(text);
  std::string_view body = text;
  std::optional<int> prefix;
  if (size_t slash = body.find('/'); slash != std::string_view::npos) {
    int bits = 0;
    auto tail = body.substr(slash + 1);
    auto [end, code] = std::from_chars(tail.data(), tail.data() + tail.size(), bits);
    if (code != std::errc() || end != tail.data() + tail.size()) {
      error = "'" + std::string(text) + "': the prefix length after '/' is not a number";
      return std::nullopt;
    }
    prefix = bits;
    body = body.substr(0, slash);
  }
  std::string address, port;
  split_host_port(body, address, port);
  auto bytes = parse_ip(address);
  if (!bytes) {
    error = "'" + std::string(text) + "' is not an IP address, prefix (a.b.c.d/n) or address:port";
    return std::nullopt;
  }
  pattern.network = *bytes;
  int max_bits = static_cast<int>(bytes->size() * 8);
  pattern.prefix_bits = prefix.value_or(max_bits);
  if (pattern.prefix_bits < 0 || pattern.prefix_bits > max_bits) {
    error = "'" + std::string(text) + "': prefix length must be 0 to " + std::to_string(max_bits);
    return std::nullopt;
  }
  if (!port.empty()) {
    pattern.port = parse_port(port);
    if (!pattern.port) {
      error = "'" + std::string(text) + "': '" + port + "' is not a port number";
      return std::nullopt;
    }
  }
  return pattern;
}

bool matches(const AddressPattern& pattern, std::string_view endpoint) {
  std::string address, port;
  split_host_port(endpoint, address, port);
  auto bytes = parse_ip(address);
  if (!bytes || bytes->size() != pattern.network.size()) return false;
  if (pattern.port && parse_port(port) != pattern.port) return false;
  int bits = pattern.prefix_bits;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if (((*bytes)[i] & mask) != (pattern.network[i] & mask)) return false;
  }
  return true;
}

EndpointMatcher::EndpointMatcher(std::vector<AddressPattern> endpoints, std::vector<AddressPattern> platforms,
                                 std::vector<std::string> platform_host_patterns)
    : endpoints_(std::move(endpoints)),
      platforms_(std::move(platforms)),
      host_patterns_(std::move(platform_host_patterns)) {}

bool EndpointMatcher::is_platform_name(std::string_view name) const {
  return std::any_of(host_patterns_.begin(), host_patterns_.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, name); });
}

Direction EndpointMatcher::direction_of(const Connection& connection) const {
  if (auto decided = direction_by_address(connection)) return *decided;
  const CertificateFacts* leaf = connection.server_chain.empty() ? nullptr : &connection.server_chain.front();
  return names_platform(connection.sni, leaf) ? Direction::inbound : Direction::unknown;
}

std::optional<Direction> EndpointMatcher::direction_by_address(const Connection& connection) const {
  auto any = [](const std::vector<AddressPattern>& patterns, const std::string& endpoint) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const AddressPattern& pattern) { return matches(pattern, endpoint); });
  };
  // Outbound: the platform is the TLS client, the customer endpoint the server.
  if (any(endpoints_, connection.server) || any(platforms_, connection.client)) return Direction::outbound;
  if (any(endpoints_, connection.client) || any(platforms_, connection.server)) return Direction::inbound;
  return std::nullopt;
}

bool EndpointMatcher::names_platform(const std::optional<std::string>& sni, const CertificateFacts* leaf) const {
  // A client that names the platform, or a server that presents a platform
  // certificate, is an inbound call to the platform.
  if (sni && is_platform_name(*sni)) return true;
  if (!leaf) return false;
  return std::any_of(leaf->san_dns.begin(), leaf->san_dns.end(),
                     [&](const std::string& n) { return is_platform_name(n); }) ||
         is_platform_name(leaf->common_name);
}

}  // namespace tc::sources
