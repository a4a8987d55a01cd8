#include "model/connection.h"

namespace tc {

std::string_view to_string(Side side) { return side == Side::client ? "client" : "server"; }

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::inbound: return "inbound";
    case Direction::outbound: return "outbound";
    case Direction::unknown: break;
  }
  return "unknown";
}

}  // namespace tc
