#include "sources/endpoint_probe.h"

#include <algorithm>
#include <future>
#include <thread>

#include "sources/socket.h"
#include "sources/suite_scanner.h"
#include "sources/tls_client_attempt.h"
#include "x509/certificate_forge.h"

namespace tc::sources {

namespace {

constexpr uint16_t kTls12 = 0x0303;

// The throwaway identities of the EKU drill: one CA (never trusted by the
// endpoint) issuing a serverAuth-only and a serverAuth+clientAuth leaf, like
// the platform's certificate before and after the week of 2026-03-09.
struct DrillIdentities {
  ClientCredential server_auth_only;
  ClientCredential both;
};

ClientCredential to_credential(x509::ForgedIdentity identity, std::string label) {
  ClientCredential credential;
  credential.label = std::move(label);
  credential.certificate = std::move(identity.certificate);
  credential.key = std::move(identity.key);
  credential.chain = std::move(identity.chain);
  return credential;
}

// nullopt with `error` set when OpenSSL could not generate them.
std::optional<DrillIdentities> forge_drill_identities(Instant now, std::string& error) {
  const Instant not_before = now - std::chrono::hours(1);
  const Instant not_after = now + Days(7);
  x509::ForgedIdentity ca =
      x509::forge_self_signed_ca("trunkcheck EKU drill CA (throwaway)", x509::KeyKind::ec_p256, not_before, not_after);
  x509::ForgeSpec spec;
  spec.common_name = "trunkcheck-drill.invalid";
  spec.dns_names = {"trunkcheck-drill.invalid"};
  spec.server_auth = true;
  spec.client_auth = false;
  spec.not_before = not_before;
  spec.not_after = not_after;
  x509::ForgedIdentity server_only = ca ? x509::forge_leaf(spec, &ca) : x509::ForgedIdentity{};
  spec.client_auth = true;
  x509::ForgedIdentity both = ca ? x509::forge_leaf(spec, &ca) : x509::ForgedIdentity{};
  if (!ca || !server_only || !both) {
    error = !ca ? ca.error : !server_only ? server_only.error : both.error;
    return std::nullopt;
  }
  DrillIdentities identities;
  identities.server_auth_only =
      to_credential(std::move(server_only), "generated, serverAuth only (like the platform's certificate)");
  identities.both = to_credential(std::move(both), "generated, serverAuth + clientAuth");
  return identities;
}

bool has_client_auth(const X509* certificate) {
  const uint32_t flags = X509_get_extension_flags(const_cast<X509*>(certificate));
  if ((flags & EXFLAG_XKUSAGE) == 0) return true;  // no EKU extension: any purpose
  return (X509_get_extended_key_usage(const_cast<X509*>(certificate)) & XKU_SSL_CLIENT) != 0;
}

std::optional<uint8_t> server_alert(const Connection& connection) {
  for (const auto& alert : connection.alerts) {
    if (alert.from == Side::server && alert.description && alert.level == 2) return alert.description;
  }
  return std::nullopt;
}

void add_connection(EndpointEvidence& endpoint, Connection connection, std::string purpose) {
  connection.direction = Direction::outbound;
  endpoint.connections.push_back(std::move(connection));
  endpoint.connection_purposes.push_back(std::move(purpose));
}

// Steps 1, 2 and 5 on one address.
void platform_handshake(const ProbeRequest& request, const SocketAddress& address, EndpointEvidence& endpoint) {
  TlsClientAttempt attempt;
  attempt.offer = request.profile->offer_order;
  attempt.versions = {kTls12};
  attempt.sni = endpoint.sni;
  attempt.send_options = true;
  attempt.sip_host = endpoint.sni.value_or(address.host_text());
  TlsClientResult result = run_tls_client(address, attempt, deadline_after(request.timeout));
  endpoint.platform_handshake_completed = result.completed;
  endpoint.platform_handshake_error = result.error;
  const Connection& connection = result.connection;
  if (connection.certificate_request) {
    endpoint.client_auth = result.completed ? ClientAuth::optional : ClientAuth::required;
  } else if (result.completed || std::any_of(connection.messages.begin(), connection.messages.end(),
                                             [](const MessageRecord& m) { return m.from == Side::server && m.type == 14; })) {
    // ServerHelloDone without a CertificateRequest before it: none asked.
    endpoint.client_auth = ClientAuth::none;
  }
  if (result.connection.sip) endpoint.sip = result.connection.sip;
  endpoint.platform_connection = endpoint.connections.size();
  add_connection(endpoint, std::move(result.connection), "platform handshake (TLS 1.2, the profile's offer)");
}

// Step 3: one attempt per credential, in parallel.
void eku_drill(const ProbeRequest& request, const SocketAddress& address, EndpointEvidence& endpoint) {
  std::string forge_error;
  auto forged = forge_drill_identities(request.now, forge_error);
  if (!forged) {
    endpoint.notes.push_back("EKU drill skipped: cannot generate its certificates (" + forge_error + ")");
    return;
  }
  DrillIdentities& identities = *forged;
  struct Planned {
    DrillCredential kind;
    const ClientCredential* credential;
  };
  std::vector<Planned> planned{{DrillCredential::generated_server_auth, &identities.server_auth_only},
                               {DrillCredential::generated_both, &identities.both}};
  if (request.user_credential != nullptr) planned.push_back({DrillCredential::provided, request.user_credential});

  std::vector<std::future<TlsClientResult>> running;
  for (const auto& plan : planned) {
    TlsClientAttempt attempt;
    attempt.offer = request.profile->offer_order;
    attempt.versions = {kTls12};
    attempt.sni = endpoint.sni;
    attempt.credential = plan.credential;
    // OPTIONS only where step 1 could not get through (required client auth).
    attempt.send_options = !endpoint.platform_handshake_completed;
    attempt.sip_host = endpoint.sni.value_or(address.host_text());
    // At most --max-connections in flight: beyond it, this attempt runs
    // when the caller collects it (deferred), one after another.
    const bool in_parallel = running.size() < static_cast<size_t>(std::max(request.max_connections, 1));
    running.push_back(std::async(in_parallel ? std::launch::async : std::launch::deferred,
                                 [attempt, address, timeout = request.timeout] {
                                   return run_tls_client(address, attempt, deadline_after(timeout));
                                 }));
  }
  for (size_t i = 0; i < planned.size(); ++i) {
    TlsClientResult result = running[i].get();
    DrillAttempt drill;
    drill.credential = planned[i].kind;
    drill.label = planned[i].credential->label;
    drill.has_client_auth_eku = has_client_auth(planned[i].credential->certificate.get());
    drill.completed = result.completed;
    drill.alert = server_alert(result.connection);
    drill.error = result.error;
    drill.connection = endpoint.connections.size();
    if (!endpoint.sip && result.connection.sip && result.connection.sip->response) endpoint.sip = result.connection.sip;
    endpoint.eku_drill.push_back(drill);
    add_connection(endpoint, std::move(result.connection), "EKU drill: " + drill.label);
  }
}

OfferCheck to_offer_check(const OfferResult& result) {
  OfferCheck check;
  check.tested = result.tested;
  check.offered = result.offered;
  check.connected = result.connected;
  check.suite = result.suite;
  check.failure = result.failure;
  return check;
}

// Step 4.
void scan(const ProbeRequest& request, const SocketAddress& address, EndpointEvidence& endpoint) {
  SuiteScanRequest scan_request;
  scan_request.address = address;
  scan_request.sni = endpoint.sni;
  scan_request.platform_offer = request.profile->offer_order;
  scan_request.deprecated = request.profile->deprecated_suites;
  scan_request.max_connections = request.max_connections;
  scan_request.attempt_timeout = request.timeout;
  SuiteScanResult result = scan_suites(scan_request);
  endpoint.suites_scanned = true;
  endpoint.suites_accepted = result.suites_accepted;
  endpoint.server_preference_tested = result.preference_tested;
  endpoint.server_preference = result.server_preference;
  endpoint.preference_order = result.preference_order;
  for (const auto& version : result.versions) {
    // Silence or a failed connect says nothing about the version: not tested.
    const bool answered = version.tested && version.outcome != HelloOutcome::timeout &&
                          version.outcome != HelloOutcome::connect_failed;
    endpoint.versions.push_back({version.version, answered, version.supported, version.reason});
  }
  endpoint.platform_offer = to_offer_check(result.platform_choice);
  endpoint.without_deprecated = to_offer_check(result.without_deprecated);
  if (!result.complete) endpoint.complete = false;
  for (auto& note : result.notes) endpoint.notes.push_back(std::move(note));
  for (auto& attempt : result.attempts) add_connection(endpoint, std::move(attempt.result.connection), attempt.purpose);
}

EndpointEvidence probe_address(const ProbeRequest& request, const SocketAddress& address) {
  const auto started = SteadyClock::now();
  EndpointEvidence endpoint;
  endpoint.host = request.host;
  endpoint.address = address.host_text();
  endpoint.port = address.port();
  endpoint.host_is_ip = is_ip_literal(request.host);
  endpoint.sni = request.sni ? request.sni : (endpoint.host_is_ip ? std::nullopt : std::optional(request.host));

  platform_handshake(request, address, endpoint);
  const Connection& first = endpoint.connections[endpoint.platform_connection];
  const bool answered = first.is_tls;
  if (!answered) {
    endpoint.complete = false;
    endpoint.notes.push_back("the platform handshake got no TLS answer (" + endpoint.platform_handshake_error +
                             "); the remaining steps were skipped");
  } else {
    if (endpoint.client_auth == ClientAuth::optional || endpoint.client_auth == ClientAuth::required) {
      eku_drill(request, address, endpoint);
    }
    if (request.scan_suites) scan(request, address, endpoint);
  }
  endpoint.elapsed_seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  return endpoint;
}

}  // namespace

ProbeOutcome probe_endpoint(const ProbeRequest& request) {
  ProbeOutcome outcome;
  std::vector<SocketAddress> addresses;
  if (request.address) {
    auto pinned = parse_ip_literal(*request.address, request.port);
    if (!pinned) {
      outcome.error = "--address " + *request.address + ": not an IPv4 or IPv6 address";
      return outcome;
    }
    addresses.push_back(*pinned);
  } else {
    addresses = resolve(request.host, request.port, outcome.error);
    if (addresses.empty()) return outcome;
  }
  for (const auto& address : addresses) outcome.endpoints.push_back(probe_address(request, address));
  return outcome;
}

}  // namespace tc::sources
