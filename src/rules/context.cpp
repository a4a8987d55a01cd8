#include "rules/context.h"

namespace tc {

std::optional<Purpose> parse_purpose(std::string_view text) {
  if (text == "server") return Purpose::server;
  if (text == "client") return Purpose::client;
  if (text == "both") return Purpose::both;
  return std::nullopt;
}

std::string_view to_string(Purpose purpose) {
  switch (purpose) {
    case Purpose::client: return "client";
    case Purpose::both: return "both";
    case Purpose::server: break;
  }
  return "server";
}

}  // namespace tc
