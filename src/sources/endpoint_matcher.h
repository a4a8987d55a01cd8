#pragma once
// Decides a connection's direction from what the user told us: --endpoint
// (the customer side) and --platform (the cloud side), each an address, a
// prefix (CIDR) or address:port; else the profile's platform host patterns
// against the SNI and the server certificate's names.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/connection.h"

namespace tc::sources {

struct AddressPattern {
  std::vector<uint8_t> network;  // 4 or 16 bytes
  int prefix_bits = 0;
  std::optional<uint16_t> port;
  std::string text;
};

// "10.0.0.1", "10.0.0.0/24", "10.0.0.1:5061", "[2001:db8::1]:5061",
// "2001:db8::/32"; nullopt (with `error`) when not one of those.
std::optional<AddressPattern> parse_address_pattern(std::string_view text, std::string& error);

// "10.0.0.1:5061" / "[2001:db8::1]:5061" as the wire layer writes them.
bool matches(const AddressPattern& pattern, std::string_view endpoint);

class EndpointMatcher {
 public:
  EndpointMatcher(std::vector<AddressPattern> endpoints, std::vector<AddressPattern> platforms,
                  std::vector<std::string> platform_host_patterns);
  Direction direction_of(const Connection& connection) const;
  // Its two halves, for callers that cache the second (it depends only on
  // the SNI and the leaf): the direction the addresses decide, if they do …
  std::optional<Direction> direction_by_address(const Connection& connection) const;
  // … and whether the SNI or the server's leaf certificate (null: none) names the platform (inbound).
  bool names_platform(const std::optional<std::string>& sni, const CertificateFacts* leaf) const;

 private:
  bool is_platform_name(std::string_view name) const;
  std::vector<AddressPattern> endpoints_;
  std::vector<AddressPattern> platforms_;
  std::vector<std::string> host_patterns_;
};

}  // namespace tc::sources
