#pragma once
// TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2).
#include <cstdint>
#include <string>

namespace tc {

// "unsupported_certificate", or "alert 199" for values outside the registry.
std::string alert_name(uint8_t description);

}  // namespace tc
