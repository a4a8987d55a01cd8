#include "rules/catalogue.h"

#include <array>
#include <cstdio>
#include <cstdlib>

namespace tc {

namespace {

using S = Severity;

constexpr std::array kCatalogue = std::to_array<CatalogueEntry>({
    // Extended key usage
    {"cert-client-auth-eku", S::medium, "Certificate carries the clientAuth EKU, which public CAs are removing",
     "Make sure nothing depends on clientAuth in this certificate: its next renewal from a public CA will not have "
     "it. Disable mutual TLS on the SBC, or move client authentication to a private PKI or a separate client "
     "certificate."},
    {"cert-missing-client-auth-eku", S::high, "Certificate lacks the clientAuth EKU the product needs for mutual TLS",
     "Use a certificate with serverAuth and clientAuth from a CA that still issues both (an alternative root or a "
     "private PKI), split server and client certificates, or upgrade to a release that can ignore the EKU "
     "(seed 004)."},
    {"cert-missing-server-auth-eku", S::high, "Certificate lacks the serverAuth EKU",
     "Request a certificate whose EKU includes serverAuth (id-kp-serverAuth); TLS servers and most SIP stacks "
     "reject a server certificate without it."},
    {"cert-eku-sip-domain", S::info, "Certificate carries the SIP domain EKU (id-kp-sipDomain)",
     "No change needed; note that only SIP-aware validation (RFC 5924) accepts sipDomain in place of serverAuth."},
    {"cert-eku-any", S::info, "Certificate carries anyExtendedKeyUsage",
     "No change needed for servers; OpenSSL does not accept anyExtendedKeyUsage alone for client authentication."},
    {"cert-key-usage-unsuitable", S::high, "Key usage does not allow a TLS handshake signature",
     "Reissue the certificate with keyUsage digitalSignature (and keyEncipherment for RSA key exchange)."},
    // Dates
    {"cert-expired", S::critical, "Certificate has expired",
     "Renew the certificate and install it with its full intermediate chain."},
    {"cert-not-yet-valid", S::high, "Certificate is not valid yet",
     "Check the SBC clock and the certificate's notBefore; install the certificate only once it is valid."},
    {"cert-expiring-soon", S::medium, "Certificate expires soon",
     "Renew now; remember that renewed public certificates live shorter (SC-081) and lack clientAuth."},
    {"cert-lifetime-exceeds-limit", S::medium, "Certificate lifetime exceeds the CA/B Forum limit for its issue date",
     "Publicly trusted CAs may not issue this lifetime (SC-081); expect clients to reject it and plan renewals at "
     "the shorter interval."},
    // Chain
    {"chain-incomplete", S::high, "Chain is incomplete: an intermediate certificate is missing",
     "Install every intermediate certificate with the leaf so the endpoint sends the full chain (on most SBCs: add "
     "the intermediates to the TLS profile / context; Oracle/Acme wants them in the uploaded PEM) (seed 001)."},
    {"chain-untrusted-root", S::high, "Chain ends at a root the platform does not trust",
     "Use a certificate from one of the public CAs the platform trusts (see `trunkcheck roots`)."},
    {"chain-verify-failed", S::high, "Chain does not verify",
     "Fix the chain so it verifies against a trusted root; the detail names OpenSSL's reason."},
    {"chain-order", S::low, "Chain is sent out of order",
     "Order the chain leaf first, each certificate followed by its issuer; some TLS stacks reject other orders."},
    {"chain-root-distrusted", S::high, "The chain's root loses browser-program trust on a scheduled date",
     "Move to a certificate that chains to a root outside the removal (ask the CA for its current chain) before "
     "the date; the platform's published root list decides what it accepts, other peers follow the browser programs."},
    {"chain-root-included", S::info, "Chain includes the root certificate",
     "Optional: leave the root out of the chain the endpoint sends; peers use their own copy."},
    // Names
    {"hostname-mismatch", S::high, "Certificate does not carry the host name",
     "Reissue the certificate with the trunk's host name as a SAN dNSName (and CN), exactly as configured in the "
     "trunk's SIP servers/proxies."},
    {"hostname-is-ip", S::high, "The peer is addressed by IP address: subject name validation fails",
     "Address the endpoint by its DNS host name (the one in its certificate); an IP address is not acceptable for "
     "subject name validation (seed 003)."},
    {"hostname-wildcard", S::medium, "Host name matches only through a wildcard",
     "Prefer a certificate that names the host exactly: RFC 5922 forbids wildcard matching for SIP and some SIP "
     "devices reject wildcards (seed 003)."},
    // Crypto and revocation
    {"key-weak", S::high, "Public key is too small", "Reissue with RSA 2048 bits or more, or EC P-256 or stronger."},
    {"signature-weak", S::high, "Certificate is signed with a weak hash (SHA-1 or MD5)",
     "Reissue the certificate with a SHA-256 (or stronger) signature."},
    {"cert-no-revocation-info", S::low, "Certificate names no CRL or OCSP location",
     "Publicly issued certificates carry a CRL distribution point or OCSP URL; peers that check revocation (the "
     "platform does, seed 003) may fail without one."},
    {"cert-revoked", S::critical, "Certificate is revoked", "Replace the certificate at once and find out why it was revoked."},
    // Connections (captures, probes, listeners)
    {"mtls-requested", S::high, "The server requested a client certificate (CertificateRequest)",
     "On the customer endpoint, turn off client-certificate requests for the platform's trunk: AudioCodes "
     "'TLS Mutual Authentication', Oracle/Acme tls-profile mutual-authenticate, Ribbon authClient, Kamailio "
     "verify_certificate/require_certificate, FreeSWITCH tls-verify-policy, Cisco CUBE tls-profile (DOMAIN.md §7). "
     "The platform's certificate is not a valid client credential (seed 000)."},
    {"client-cert-rejected-eku", S::critical, "Client certificate rejected for its purpose (alert 43): it lacks clientAuth",
     "The endpoint checks the client certificate's EKU. Stop requesting client certificates for this trunk (seed "
     "000); if mutual TLS is truly needed, use a client certificate with clientAuth from a private PKI."},
    {"client-cert-depends-on-eku", S::high, "A client certificate with clientAuth was accepted: this works only until it is renewed",
     "Public CAs stop issuing clientAuth (see the timeline); remove the dependency on client certificates before the "
     "presented certificate is renewed without it."},
    {"mtls-required", S::critical, "The server requires a client certificate and aborted without one",
     "Disable required mutual TLS on the endpoint for this trunk: the platform does not support mutual TLS (seed 003)."},
    {"cipher-deprecated-negotiated", S::medium, "A deprecated cipher suite was negotiated",
     "Remove TLS_RSA_WITH_AES_256_CBC_SHA256 (0x003d) and TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 (0xc028) from the "
     "endpoint's TLS profile and make sure it supports an ECDHE-RSA AES-GCM suite (0xc02f or 0xc030) (seed 002)."},
    {"cipher-deprecated-offered-first", S::medium, "The client ranks a deprecated suite above every other suite the platform supports",
     "Reorder or trim the endpoint's cipher list so an AES-GCM suite (0xc030, 0xc02f, 0x009d, 0x009c) comes before "
     "0x003d and 0xc028, or remove those two (seed 002)."},
    {"tls-version-unsupported", S::high, "TLS version outside what the platform supports",
     "Enable TLS 1.2 on the endpoint's SIP TLS profile; the platform speaks TLS 1.2 only (seed 003)."},
    // Probe (the platform calling the endpoint) and listener (the endpoint calling the platform)
    {"client-eku-enforcement-likely", S::high, "The endpoint appears to reject client certificates that lack clientAuth",
     "A generated serverAuth-only certificate got alert 43 where the same certificate with clientAuth did not: the "
     "endpoint checks the client EKU, so the platform's certificate (no clientAuth since the week of 2026-03-09) "
     "fails there. Stop requesting client certificates for this trunk (seed 000)."},
    {"client-cert-not-verified", S::low, "The endpoint requests a client certificate but accepts an untrusted one",
     "The request adds no security (seed 000): turn off client-certificate requests for the platform's trunk."},
    {"cipher-only-deprecated", S::high, "The endpoint accepts only deprecated suites from the platform's offer",
     "Enable an ECDHE-RSA AES-GCM suite (0xc02f or 0xc030) on the endpoint's TLS profile: once the platform removes "
     "0x003d and 0xc028, no suite is left and the handshake fails (seed 002)."},
    {"tls-versions-extra", S::info, "The endpoint accepts TLS versions the platform does not use",
     "No change needed for the platform (TLS 1.2 only, seed 003); disable TLS 1.0 and 1.1 where other peers allow it."},
    {"sip-options-failed", S::medium, "No SIP answer to OPTIONS over the completed TLS connection",
     "Check that the endpoint accepts SIP over TLS on this port from the platform's addresses (ACL, SIP interface, "
     "transport); the platform's OPTIONS pings mark a trunk down when they go unanswered."},
    {"sni-missing", S::low, "The client sent no server name (SNI)",
     "Configure the SBC to send the platform's host name in the TLS handshake; the platform validates by host name "
     "(seed 003) and a server with several certificates picks one by SNI."},
    {"client-skips-verification", S::high, "The client completed the handshake with a certificate it cannot have trusted",
     "Enable certificate validation on the SBC's TLS profile and trust the platform's root CA, not its leaf "
     "(seed 001); without it, any party that answers on the address can impersonate the platform."},
    {"sip-uri-transport-not-tls", S::medium, "The SIP request does not ask for TLS transport in its URI",
     "Add transport=tls to the SIP URIs (Request-URI and Contact) the endpoint sends for this trunk (seed 003, "
     "DOMAIN.md §6); otherwise replies and in-dialog requests may fall back to UDP or TCP."},
    {"sip-request-to-ip", S::medium, "The SIP Request-URI addresses an IP address, not a host name",
     "Send requests to the trunk's host name (the SIP Servers or Proxies value): subject name validation fails when "
     "calls are sent to an IP address (seed 003)."},
    {"handshake-alert", S::high, "The handshake ended with a fatal alert",
     "Read which side sent the alert and why (the detail names it); compare with the certificate and cipher "
     "findings of the same connection."},
    // Files
    {"file-contains-private-key", S::info, "File contains a private key (not printed)",
     "Keep private keys in separate files readable only by the service that needs them."},
    {"key-file-exposed", S::medium, "Private key file is readable by group or others",
     "chmod 600 the file (or 640 with a dedicated group) so only the SIP service can read the key."},
});

}  // namespace

std::span<const CatalogueEntry> finding_catalogue() { return kCatalogue; }

const CatalogueEntry* find_catalogue_entry(std::string_view id) {
  for (const auto& entry : kCatalogue) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

namespace {

const CatalogueEntry& catalogue_entry_or_abort(std::string_view id) {
  const CatalogueEntry* entry = find_catalogue_entry(id);
  if (!entry) {
    std::fprintf(stderr, "internal error: finding id '%.*s' is not in the catalogue\n", static_cast<int>(id.size()),
                 id.data());
    std::abort();
  }
  return *entry;
}

}  // namespace

Finding make_brief_finding(std::string_view id) {
  const CatalogueEntry& entry = catalogue_entry_or_abort(id);
  Finding finding;
  finding.id = std::string(entry.id);
  finding.severity = entry.severity;
  return finding;
}

Finding make_finding(std::string_view id, std::string subject, std::string detail, nlohmann::json evidence) {
  const CatalogueEntry* entry = &catalogue_entry_or_abort(id);
  Finding finding;
  finding.id = std::string(entry->id);
  finding.severity = entry->severity;
  finding.title = std::string(entry->title);
  finding.remediation = std::string(entry->remediation);
  finding.subject = std::move(subject);
  finding.detail = std::move(detail);
  finding.evidence = std::move(evidence);
  return finding;
}

}  // namespace tc
