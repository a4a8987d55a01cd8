// tc_make_certs: writes certificate fixtures for shell CLI tests and
// benchmarks, from the same factory the unit tests use. Every date is fixed,
// so results are reproducible with a fixed `trunkcheck --at`.
//
//   tc_make_certs scenario DIR          named fixtures + DIR/MANIFEST
//   tc_make_certs bulk DIR N [--junk K] N certificate files (every K-th junk)
//   tc_make_certs peers DIR [--around-now]
//                                       cert + key pairs for live TLS peers
//                                       (Kamailio, openssl s_client, gnutls-cli)
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "support/cert_factory.h"

namespace {

using tc::testing::CertSpec;
using tc::testing::Issued;
using tc::testing::KeyType;
using tc::testing::utc;

constexpr const char* kPkcs12Password = "trunkcheck";
constexpr const char* kHost = "sbc.example.com";

struct Writer {
  std::string dir;
  std::string manifest;
  bool ok = true;

  void file(const std::string& name, const std::string& contents, const std::string& description, unsigned mode = 0644) {
    if (!tc::testing::write_file(dir + "/" + name, contents, mode)) {
      std::fprintf(stderr, "tc_make_certs: cannot write %s/%s\n", dir.c_str(), name.c_str());
      ok = false;
    }
    manifest += name + "\t" + description + "\n";
  }
  void file(const std::string& name, const tc::Bytes& contents, const std::string& description) {
    file(name, std::string(contents.begin(), contents.end()), description);
  }
};

Issued must_issue(const CertSpec& spec, const Issued* issuer) {
  Issued issued = tc::testing::issue(spec, issuer);
  if (!issued) {
    std::fprintf(stderr, "tc_make_certs: cannot issue %s: %s\n", spec.common_name.c_str(), issued.error.c_str());
    std::exit(1);
  }
  return issued;
}

bool make_directory(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) == 0) return true;
  struct stat info {};
  return stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// Leaves valid 2026-01-01 .. 2026-06-30T23:59:59Z unless a fixture says otherwise;
// judge them with --at 2026-03-01.
CertSpec leaf(uint64_t serial, std::vector<std::string> eku = {"serverAuth"}) {
  CertSpec spec = tc::testing::leaf_spec(kHost, utc(2026, 1, 1), utc(2026, 6, 30, 23, 59, 59), std::move(eku));
  spec.serial = serial;
  return spec;
}

int scenario(const std::string& dir) {
  if (!make_directory(dir)) {
    std::fprintf(stderr, "tc_make_certs: cannot create %s\n", dir.c_str());
    return 1;
  }
  Writer out{dir, {}, true};
  out.manifest =
      "# trunkcheck certificate fixtures, made by tests/tools/tc_make_certs (fixed dates).\n"
      "# Judge with: --at 2026-03-01T00:00:00Z --trust root-ca.pem (host " + std::string(kHost) + ").\n"
      "# Leaf files hold the leaf then the intermediate, as a server sends them, unless noted.\n"
      "# name<TAB>what it is\n";

  CertSpec root_spec = tc::testing::root_ca_spec("trunkcheck Test Root CA", utc(2020, 1, 1), utc(2040, 1, 1));
  Issued root = must_issue(root_spec, nullptr);
  CertSpec intermediate_spec = tc::testing::intermediate_ca_spec("trunkcheck Test Issuing CA", utc(2020, 1, 1),
                                                                 utc(2035, 1, 1));
  intermediate_spec.serial = 2;
  Issued intermediate = must_issue(intermediate_spec, &root);
  const X509* ica = intermediate.cert.get();
  auto chain = [&](const Issued& cert) { return tc::testing::to_pem({cert.cert.get(), ica}); };

  out.file("root-ca.pem", tc::testing::to_pem(root.cert.get()), "private root CA (EC P-256, 2020-01-01..2040-01-01); trust anchor for every fixture");
  out.file("intermediate-ca.pem", tc::testing::to_pem(ica), "intermediate CA issued by root-ca.pem (pathlen 0)");

  Issued server_only = must_issue(leaf(1001), &intermediate);
  out.file("leaf-server-only.pem", chain(server_only), "EKU serverAuth only (clientAuth missing): fine as a server, fails purpose sslclient (error 26)");
  Issued both = must_issue(leaf(1002, {"serverAuth", "clientAuth"}), &intermediate);
  out.file("leaf-server-client.pem", chain(both), "EKU serverAuth+clientAuth: valid, complete chain (cert-client-auth-eku)");
  out.file("leaf-server-client.der", tc::testing::to_der(both.cert.get()), "leaf-server-client.pem's leaf alone, DER");
  Issued client_only = must_issue(leaf(1003, {"clientAuth"}), &intermediate);
  out.file("leaf-client-only.pem", chain(client_only), "EKU clientAuth only (serverAuth missing): cert-missing-server-auth-eku");
  CertSpec no_eku_spec = leaf(1004);
  no_eku_spec.eku.reset();
  Issued no_eku = must_issue(no_eku_spec, &intermediate);
  out.file("leaf-no-eku.pem", chain(no_eku), "no EKU extension (any purpose)");
  CertSpec sip_spec = leaf(1005, {"sipDomain"});
  sip_spec.san_uri = {"sip:example.com"};
  Issued sip = must_issue(sip_spec, &intermediate);
  out.file("leaf-sipdomain.pem", chain(sip), "EKU id-kp-sipDomain (1.3.6.1.5.5.7.3.20) only, SAN URI sip:example.com (RFC 5924)");
  CertSpec any_spec = leaf(1006, {"anyExtendedKeyUsage"});
  Issued any = must_issue(any_spec, &intermediate);
  out.file("leaf-any-eku.pem", chain(any), "EKU anyExtendedKeyUsage only");

  CertSpec expired_spec = leaf(1010, {"serverAuth", "clientAuth"});
  expired_spec.not_before = utc(2025, 1, 1);
  expired_spec.not_after = utc(2025, 12, 31, 23, 59, 59);
  out.file("leaf-expired.pem", chain(must_issue(expired_spec, &intermediate)), "expired 2025-12-31T23:59:59Z (cert-expired at 2026-03-01)");
  CertSpec future_spec = leaf(1011);
  future_spec.not_before = utc(2026, 6, 1);
  future_spec.not_after = utc(2026, 11, 30, 23, 59, 59);
  out.file("leaf-not-yet-valid.pem", chain(must_issue(future_spec, &intermediate)), "valid from 2026-06-01 (cert-not-yet-valid at 2026-03-01)");
  CertSpec long_spec = leaf(1012);
  long_spec.not_before = utc(2026, 4, 1);
  long_spec.not_after = utc(2027, 5, 3, 23, 59, 59);  // 398 days exactly
  out.file("leaf-398-days.pem", chain(must_issue(long_spec, &intermediate)), "issued 2026-04-01 with a 398-day lifetime: over SC-081's 200 days (cert-lifetime-exceeds-limit); judge at 2026-04-02");
  CertSpec soon_spec = leaf(1013);
  soon_spec.not_after = utc(2026, 3, 10);
  out.file("leaf-expiring-soon.pem", chain(must_issue(soon_spec, &intermediate)), "expires 2026-03-10, 9 days after 2026-03-01 (cert-expiring-soon)");

  CertSpec wildcard_spec = leaf(1020);
  wildcard_spec.common_name = "*.example.com";
  wildcard_spec.san_dns = {"*.example.com"};
  out.file("leaf-wildcard.pem", chain(must_issue(wildcard_spec, &intermediate)), "SAN *.example.com (hostname-wildcard for sbc.example.com)");
  CertSpec ip_spec = leaf(1021);
  ip_spec.common_name = "192.0.2.10";
  ip_spec.san_dns.clear();
  ip_spec.san_ip = {"192.0.2.10"};
  out.file("leaf-ip-san.pem", chain(must_issue(ip_spec, &intermediate)), "SAN IP 192.0.2.10 only, no dNSName (hostname-is-ip)");
  CertSpec other_host_spec = leaf(1022);
  other_host_spec.common_name = "other.example.net";
  other_host_spec.san_dns = {"other.example.net"};
  out.file("leaf-other-host.pem", chain(must_issue(other_host_spec, &intermediate)), "SAN other.example.net (hostname-mismatch for sbc.example.com)");

  CertSpec weak_key_spec = leaf(1030);
  weak_key_spec.key_type = KeyType::rsa1024;
  out.file("leaf-rsa1024.pem", chain(must_issue(weak_key_spec, &intermediate)), "RSA 1024-bit key (key-weak)");
  CertSpec sha1_spec = leaf(1031);
  sha1_spec.digest = "sha1";
  out.file("leaf-sha1.pem", chain(must_issue(sha1_spec, &intermediate)), "signed ecdsa-with-SHA1 (signature-weak)");
  // MD5 exists only with RSA (there is no ecdsa-with-MD5): a separate RSA issuing CA signs it.
  CertSpec rsa_ica_spec = tc::testing::intermediate_ca_spec("trunkcheck Test RSA Issuing CA", utc(2020, 1, 1),
                                                            utc(2035, 1, 1));
  rsa_ica_spec.key_type = KeyType::rsa2048;
  rsa_ica_spec.serial = 3;
  Issued rsa_ica = must_issue(rsa_ica_spec, &root);
  CertSpec md5_spec = leaf(1032);
  md5_spec.digest = "md5";
  Issued md5 = tc::testing::issue(md5_spec, &rsa_ica);
  if (md5) {
    out.file("leaf-md5.pem", tc::testing::to_pem({md5.cert.get(), rsa_ica.cert.get()}),
             "md5WithRSAEncryption, issued by 'trunkcheck Test RSA Issuing CA' (included) (signature-weak)");
  } else {
    out.manifest += "# leaf-md5.pem not made: OpenSSL refused an MD5 signature (" + md5.error + ")\n";
  }
  CertSpec rsa_spec = leaf(1033);
  rsa_spec.key_type = KeyType::rsa2048;
  out.file("leaf-rsa2048.pem", chain(must_issue(rsa_spec, &intermediate)), "RSA 2048-bit key, serverAuth");
  CertSpec no_revocation_spec = leaf(1034);
  no_revocation_spec.crl_urls.clear();
  no_revocation_spec.ocsp_urls.clear();
  out.file("leaf-no-revocation-info.pem", chain(must_issue(no_revocation_spec, &intermediate)), "no CRL distribution point, no OCSP (cert-no-revocation-info)");

  out.file("leaf-missing-intermediate.pem", tc::testing::to_pem(both.cert.get()), "leaf-server-client's leaf alone: chain-incomplete (missing 'trunkcheck Test Issuing CA')");
  out.file("chain-out-of-order.pem", tc::testing::to_pem({ica, both.cert.get()}), "intermediate then leaf (chain-order)");
  out.file("chain-with-root.pem", tc::testing::to_pem({both.cert.get(), ica, root.cert.get()}), "leaf, intermediate, root (chain-root-included)");

  CertSpec other_root_spec = tc::testing::root_ca_spec("Untrusted Lab Root", utc(2020, 1, 1), utc(2040, 1, 1));
  other_root_spec.key_slot = 5;
  Issued other_root = must_issue(other_root_spec, nullptr);
  CertSpec stray_spec = leaf(1040, {"serverAuth", "clientAuth"});
  stray_spec.key_slot = 6;
  Issued stray = must_issue(stray_spec, &other_root);
  out.file("chain-untrusted-root.pem", tc::testing::to_pem({stray.cert.get(), other_root.cert.get()}), "leaf + its own root 'Untrusted Lab Root', not in any trust (chain-untrusted-root)");
  CertSpec self_spec = leaf(1041, {"serverAuth", "clientAuth"});
  self_spec.key_slot = 7;
  out.file("self-signed.pem", tc::testing::to_pem(must_issue(self_spec, nullptr).cert.get()), "self-signed leaf (chain-untrusted-root)");

  std::optional<tc::Bytes> p12 = tc::testing::to_pkcs12(both, {ica}, kPkcs12Password);
  if (p12) {
    out.file("leaf.p12", *p12, std::string("PKCS#12: leaf-server-client + key + intermediate, password '") + kPkcs12Password + "'");
  }
  out.file("leaf-with-key.pem", tc::testing::to_pem(both.cert.get()) + tc::testing::key_to_pem(both.key.get()),
           "leaf + its PRIVATE KEY, mode 0644 (file-contains-private-key, key-file-exposed; key never printed)", 0644);
  out.file("leaf-with-key-private.pem", tc::testing::to_pem(both.cert.get()) + tc::testing::key_to_pem(both.key.get(), true),
           "leaf + EC PRIVATE KEY, mode 0600 (file-contains-private-key only)", 0600);
  static constexpr char kJunk[] = "\x7f" "ELF not a certificate at all\x01\x02\x03";
  out.file("junk.bin", std::string(kJunk, sizeof kJunk - 1), "binary junk: 'not a certificate: no PEM block, not DER, not PKCS#12'");
  std::string pem = tc::testing::to_pem(both.cert.get());
  out.file("truncated.pem", pem.substr(0, pem.size() / 2), "PEM cut in half: 'truncated PEM: BEGIN CERTIFICATE at line 1 has no END line'");

  Issued revoked = must_issue(leaf(1050, {"serverAuth", "clientAuth"}), &intermediate);
  out.file("leaf-revoked.pem", chain(revoked), "serial 041a revoked 2026-02-01 in intermediate-ca.crl (cert-revoked with --crl)");
  tc::x509::X509CrlPtr crl = tc::testing::make_crl(intermediate, {{1050, utc(2026, 2, 1)}}, utc(2026, 2, 1), utc(2026, 8, 1));
  if (crl) out.file("intermediate-ca.crl", tc::testing::crl_to_pem(crl.get()), "CRL from the intermediate (PEM), revokes serial 1050 (0x41a)");

  out.file("MANIFEST", out.manifest, "this file");
  return out.ok ? 0 : 1;
}

// Varied but deterministic: everything follows from the index.
int bulk(const std::string& dir, long count, long junk_every) {
  if (!make_directory(dir)) {
    std::fprintf(stderr, "tc_make_certs: cannot create %s\n", dir.c_str());
    return 1;
  }
  Issued root = must_issue(tc::testing::root_ca_spec("trunkcheck Bulk Root CA", utc(2020, 1, 1), utc(2040, 1, 1)), nullptr);
  CertSpec ica_spec = tc::testing::intermediate_ca_spec("trunkcheck Bulk Issuing CA", utc(2020, 1, 1), utc(2035, 1, 1));
  ica_spec.serial = 2;
  Issued ica = must_issue(ica_spec, &root);
  if (!tc::testing::write_file(dir + "/root-ca.pem", tc::testing::to_pem(root.cert.get()))) return 1;
  static const std::vector<std::vector<std::string>> kEkus = {
      {"serverAuth"}, {"serverAuth", "clientAuth"}, {"clientAuth"}, {"sipDomain"}, {"anyExtendedKeyUsage"}, {}};
  static const KeyType kKeys[] = {KeyType::ec_p256, KeyType::ec_p256, KeyType::rsa2048, KeyType::ec_p384,
                                  KeyType::ec_p256, KeyType::rsa1024};
  char name[64];
  for (long i = 0; i < count; ++i) {
    std::snprintf(name, sizeof name, "/cert-%06ld.pem", i);
    if (junk_every > 0 && i % junk_every == junk_every - 1) {
      if (!tc::testing::write_file(dir + name, std::string("junk file ") + std::to_string(i) + "\n")) return 1;
      continue;
    }
    std::snprintf(name + 1, sizeof name - 1, "host%06ld.example.com", i);
    CertSpec spec = tc::testing::leaf_spec(name + 1, utc(2025, 1, 1) + tc::Days{i % 500},
                                           utc(2025, 1, 1) + tc::Days{i % 500 + 30 + (i % 7) * 60}, kEkus[i % kEkus.size()]);
    if (i % kEkus.size() == kEkus.size() - 1) spec.eku.reset();  // no EKU extension at all
    spec.serial = static_cast<uint64_t>(10000 + i);
    spec.key_type = kKeys[i % 6];
    spec.key_slot = static_cast<int>(i % 3) + 10;
    if (i % 11 == 0) spec.digest = "sha1";
    if (i % 13 == 0) spec.crl_urls.clear(), spec.ocsp_urls.clear();
    Issued cert = must_issue(spec, &ica);
    // Every fourth file is a chain as a server would send it.
    std::string pem = i % 4 == 0 ? tc::testing::to_pem({cert.cert.get(), ica.cert.get()}) : tc::testing::to_pem(cert.cert.get());
    std::snprintf(name, sizeof name, "/cert-%06ld.pem", i);
    if (!tc::testing::write_file(dir + name, pem)) {
      std::fprintf(stderr, "tc_make_certs: cannot write %s%s\n", dir.c_str(), name);
      return 1;
    }
  }
  return 0;
}

// Certificates and keys for live peers (tests/peers/lib.sh): Kamailio as the
// TLS server, openssl s_client / gnutls-cli as the client. Those read the wall
// clock, so the validity must cover the day the tests run:
//  - default: fixed 2026-01-01 .. 2027-01-31T23:59:59Z (396 days, inside
//    SC-081's 398 for that issue date), judged with --at 2026-03-01;
//  - --around-now: from yesterday 00:00 UTC for 41 days (under every SC-081
//    limit, more than the 30 expiring-soon days), judged at today's date.
// DIR/AT holds the --at value to judge them with.
int peers(const std::string& dir, bool around_now) {
  if (!make_directory(dir)) {
    std::fprintf(stderr, "tc_make_certs: cannot create %s\n", dir.c_str());
    return 1;
  }
  tc::Instant not_before = utc(2026, 1, 1);
  tc::Instant not_after = utc(2027, 1, 31, 23, 59, 59);
  tc::Instant judge_at = utc(2026, 3, 1);
  if (around_now) {
    auto today = std::chrono::floor<tc::Days>(std::chrono::system_clock::now());
    judge_at = tc::Instant{today};
    not_before = judge_at - tc::Days{1};
    not_after = not_before + tc::Days{41} - std::chrono::seconds{1};
  }
  Writer out{dir, {}, true};
  out.manifest = "# trunkcheck live-peer fixtures, made by tests/tools/tc_make_certs peers.\n"
                 "# Leaves valid " + tc::format_instant(not_before) + " .. " + tc::format_instant(not_after) +
                 "; judge with --at " + tc::format_date(judge_at) + " --trust root-ca.pem.\n"
                 "# Chain files hold the leaf then the intermediate unless noted; *-key.pem are PKCS#8 keys (0600).\n"
                 "# name<TAB>what it is\n";
  Issued root = must_issue(tc::testing::root_ca_spec("trunkcheck Peer Test Root CA", utc(2020, 1, 1), utc(2040, 1, 1)),
                           nullptr);
  CertSpec ica_spec = tc::testing::intermediate_ca_spec("trunkcheck Peer Test Issuing CA", utc(2020, 1, 1),
                                                        utc(2035, 1, 1));
  ica_spec.serial = 2;
  Issued ica = must_issue(ica_spec, &root);
  out.file("root-ca.pem", tc::testing::to_pem(root.cert.get()), "private root CA: the CA list of every peer and --trust");
  out.file("intermediate-ca.pem", tc::testing::to_pem(ica.cert.get()), "intermediate CA issued by root-ca.pem");

  auto leaf_for = [&](const std::string& host, uint64_t serial, std::vector<std::string> eku, KeyType type, int slot) {
    CertSpec spec = tc::testing::leaf_spec(host, not_before, not_after, std::move(eku));
    spec.serial = serial;
    spec.key_type = type;
    spec.key_slot = slot;
    return must_issue(spec, &ica);
  };
  auto pair = [&](const std::string& name, const Issued& cert, const std::string& description) {
    out.file(name + ".pem", tc::testing::to_pem({cert.cert.get(), ica.cert.get()}), description + "; leaf + intermediate");
    out.file(name + "-key.pem", tc::testing::key_to_pem(cert.key.get()), "PRIVATE KEY of " + name + ".pem", 0600);
  };
  // RSA, so that TLS_RSA_WITH_AES_256_CBC_SHA256 (0x003d, RSA key exchange) is possible.
  Issued server = leaf_for(kHost, 2001, {"serverAuth"}, KeyType::rsa2048, 20);
  pair("server", server, std::string("RSA 2048, EKU serverAuth, host ") + kHost + ": the endpoint (Kamailio)");
  out.file("server-leaf-only.pem", tc::testing::to_pem(server.cert.get()), "server.pem's leaf alone (chain-incomplete); key server-key.pem");
  const std::string platform = "platform.example.net";
  pair("client-both", leaf_for(platform, 2002, {"serverAuth", "clientAuth"}, KeyType::ec_p256, 21),
       "EC P-256, EKU serverAuth+clientAuth, host " + platform + ": a client certificate that still works");
  pair("client-server-only", leaf_for(platform, 2003, {"serverAuth"}, KeyType::ec_p256, 22),
       "EC P-256, EKU serverAuth only, host " + platform + ": rejected as a client certificate (alert 43)");
  out.file("AT", tc::format_date(judge_at) + "\n", "the --at date to judge these fixtures with");
  out.file("MANIFEST", out.manifest, "this file");
  return out.ok ? 0 : 1;
}

int usage() {
  std::fprintf(stderr,
               "usage: tc_make_certs scenario DIR\n"
               "       tc_make_certs bulk DIR N [--junk K]   (every K-th file junk)\n"
               "       tc_make_certs peers DIR [--around-now]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "scenario") return scenario(args[1]);
  if (args.size() == 2 && args[0] == "peers") return peers(args[1], false);
  if (args.size() == 3 && args[0] == "peers" && args[2] == "--around-now") return peers(args[1], true);
  if ((args.size() == 3 || args.size() == 5) && args[0] == "bulk") {
    char* end = nullptr;
    long count = std::strtol(args[2].c_str(), &end, 10);
    if (*end != '\0' || count < 0) return usage();
    long junk_every = 0;
    if (args.size() == 5) {
      if (args[3] != "--junk") return usage();
      junk_every = std::strtol(args[4].c_str(), &end, 10);
      if (*end != '\0' || junk_every < 0) return usage();
    }
    return bulk(args[1], count, junk_every);
  }
  return usage();
}
