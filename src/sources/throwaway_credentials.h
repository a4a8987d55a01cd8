#pragma once
// The throwaway chain of `listen --self-signed`, made by x509's certificate
// forge: a root created for this run (which no client can trust) and a leaf
// for `name` that it signs, both RSA-2048 like the platform's, keys in memory
// only. A client that validates
// must reject it (alert 48); one that completes the handshake does not check.
#include <optional>
#include <string>

#include "model/instant.h"
#include "sources/server_credentials.h"

namespace tc::sources {

// Valid from an hour before `now` for 30 days: clients judge it by their own
// clock, so it must be current (not --at).
std::optional<ServerCredentials> throwaway_credentials(const std::string& name, Instant now, std::string& error);

}  // namespace tc::sources
