#pragma once
// The per-target part of `probe`, shared with `scan`: probe every address of
// a target, complete the evidence (certificates decoded, chain verified at
// --at), judge each endpoint. Gathering and judging only: reporting is the
// caller's.
#include <optional>
#include <string>
#include <vector>

#include "cli/common.h"
#include "model/chain.h"
#include "model/endpoint.h"
#include "rules/probe_rules.h"
#include "sources/endpoint_probe.h"
#include "x509/trust_store.h"

namespace tc::cli {

struct JudgedEndpoint {
  EndpointEvidence evidence;
  EndpointJudgement judgement;
  std::optional<ChainVerdict> chain_verdict;  // of the platform handshake's chain at --at
  // The endpoint answered in TLS terms (a completed handshake, an alert, a
  // client-certificate request). Otherwise `error` says what happened at step 1.
  bool reachable = false;
  std::string error;
};

struct ProbeRun {
  std::vector<JudgedEndpoint> endpoints;  // one per address probed
  std::string error;                      // nothing to probe: the name did not resolve …
};

// Thread-safe for concurrent calls sharing `trust` and `session` (read only).
ProbeRun probe_and_judge(const sources::ProbeRequest& request, const x509::TrustStore& trust, const Session& session);

}  // namespace tc::cli
