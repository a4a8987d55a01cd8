#include "cli/probe_runner.h"

#include <algorithm>

#include "sources/evidence_completer.h"

namespace tc::cli {

ProbeRun probe_and_judge(const sources::ProbeRequest& request, const x509::TrustStore& trust, const Session& session) {
  ProbeRun run;
  sources::ProbeOutcome outcome = sources::probe_endpoint(request);
  if (outcome.endpoints.empty()) {
    run.error = outcome.error;
    return run;
  }
  // One completer per run: its caches are not shared between threads.
  sources::EvidenceCompleter completer(trust, session.at);
  RuleContext context{session.at, &session.profile, Purpose::server, std::nullopt};
  for (auto& endpoint : outcome.endpoints) {
    JudgedEndpoint judged;
    for (size_t i = 0; i < endpoint.connections.size(); ++i) {
      auto completed = completer.complete(endpoint.connections[i]);
      if (i == endpoint.platform_connection && completed.server_chain) judged.chain_verdict = *completed.server_chain;
    }
    const Connection& platform = endpoint.connections.at(endpoint.platform_connection);
    endpoint.chain = platform.server_chain;
    endpoint.client_ca_names = platform.certificate_request_ca_names;
    const bool server_alert = std::any_of(platform.alerts.begin(), platform.alerts.end(),
                                          [](const AlertRecord& alert) { return alert.from == Side::server; });
    judged.reachable = endpoint.platform_handshake_completed || server_alert || platform.certificate_request;
    if (!judged.reachable) {
      judged.error = endpoint_label(endpoint) + ": step 1 (platform handshake): " +
                     (endpoint.platform_handshake_error.empty() ? "no TLS answer" : endpoint.platform_handshake_error);
    }
    judged.judgement = judge_endpoint(endpoint, judged.chain_verdict ? &*judged.chain_verdict : nullptr, context);
    judged.evidence = std::move(endpoint);
    run.endpoints.push_back(std::move(judged));
  }
  return run;
}

}  // namespace tc::cli
