#pragma once
// Rules over one TLS connection's evidence, whoever observed it (capture,
// probe, listener): client authentication, suites, versions, alerts, and the
// certificate rules on the chain the server sent.
#include <optional>

#include "model/chain.h"
#include "model/connection.h"
#include "model/finding.h"
#include "rules/context.h"

namespace tc {

// "10.0.0.1:40000 → 10.0.0.2:5061 (frame 12)": how findings name a connection.
std::string connection_label(const Connection& connection);
// {client, server, direction, first_frame}: how findings' evidence names a connection.
nlohmann::json connection_evidence(const Connection& connection);

// The suite the platform picks as TLS server: the first of the client's offer
// that the profile supports (seed 002), or nullopt when none is.
std::optional<uint16_t> platform_choice(const std::vector<uint16_t>& client_offer, const Profile& profile);

// `server_chain` is the verdict on connection.server_chain (nullptr when no
// chain was seen). context.host, when set, overrides the SNI for name checks.
Findings judge_connection(const Connection& connection, const ChainVerdict* server_chain,
                          const RuleContext& context);

// The two halves of judge_connection, for callers that cache the chain half
// (it depends only on the chain, the name checked and the context):
// client authentication, suites, versions and alerts …
Findings judge_handshake(const Connection& connection, const RuleContext& context);
// … and the certificate rules on the server's chain, checked against `name`
// (context.host or the SNI). Findings carry no connection evidence.
Findings judge_server_chain(const std::vector<CertificateFacts>& chain, const std::optional<std::string>& name,
                            const ChainVerdict* verdict, const RuleContext& context);

}  // namespace tc
