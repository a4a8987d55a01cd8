// Conformance with Wireshark's tshark on the Zeek TLS captures: for every TLS
// connection tshark decodes there (expected/NAME.tsv, see its README), the
// same frames carry the same ClientHello / ServerHello / Certificate /
// CertificateRequest / alert facts in our reading.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "wire/capture.h"

namespace tc::wire {
namespace {

namespace fs = std::filesystem;

const fs::path kZeekDir = fs::path(TRUNKCHECK_TESTDATA_DIR) / "zeek-tls";

// Captures where agreement is impossible, with the reason. Keep this short.
const std::map<std::string, std::string> kExcluded = {
    {"irc-starttls.pcap",
     "STARTTLS over IRC: tshark has no IRC STARTTLS hint and decodes nothing; we find the TLS after the "
     "plaintext preamble"},
    {"ssl-v2.pcap",
     "SSLv2: tshark puts SSLv2 message numbers in tls.handshake.type (CLIENT-MASTER-KEY = 2 from the "
     "client); we record CLIENT-HELLO as 1 and SERVER-HELLO as 2 from the server, then stop (SSLv2 is not "
     "decoded further)"},
    {"https-to-http.pcap",
     "a TLS ClientHello sent to an HTTP server on port 80: tshark dissects port 80 as HTTP only; we report "
     "the ClientHello that got no TLS answer"},
    {"ssl-to-http-server.pcap",
     "a TLS ClientHello sent to an HTTP server on port 80: tshark dissects port 80 as HTTP only; we report "
     "the ClientHello that got no TLS answer"},
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

std::string hex4(uint16_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

std::string join_hex(const std::vector<uint16_t>& values) {
  std::string out;
  for (uint16_t value : values) out += (out.empty() ? "" : ";") + hex4(value);
  return out;
}

// One connection's facts in a form both sides can produce, compared as sorted lists.
struct Facts {
  std::vector<std::string> messages;  // "frame 4: client 1"
  std::vector<std::string> alerts;    // "frame 6: server 2/40", "frame 20: client encrypted"
  std::string client_hello;           // "0x0303 versions=… suites=… sni=…"
  std::string server_hello;           // "0x0303 selected=… cipher=…"
  std::vector<std::string> certificates;  // "frame 8: server total=3820 lengths=1449;1280;1082"
};

std::string describe(const Facts& facts) {
  std::ostringstream out;
  for (const auto& m : facts.messages) out << "  msg   " << m << "\n";
  for (const auto& a : facts.alerts) out << "  alert " << a << "\n";
  for (const auto& c : facts.certificates) out << "  certs " << c << "\n";
  out << "  CH    " << facts.client_hello << "\n  SH    " << facts.server_hello << "\n";
  return out.str();
}

bool operator==(const Facts& a, const Facts& b) {
  return a.messages == b.messages && a.alerts == b.alerts && a.client_hello == b.client_hello &&
         a.server_hello == b.server_hello && a.certificates == b.certificates;
}

std::string endpoint(const std::string& v4, const std::string& v6, const std::string& port) {
  return v4.empty() ? "[" + v6 + "]:" + port : v4 + ":" + port;
}

// tshark's rows, grouped by connection (keyed by the sorted endpoint pair).
std::map<std::string, Facts> expected_facts(const fs::path& tsv) {
  std::ifstream in(tsv);
  std::string line;
  std::getline(in, line);  // header
  struct Row {
    std::vector<std::string> f;
    std::string src, dst;
  };
  std::map<std::string, std::vector<Row>> streams;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Row row{split(line, '\t'), {}, {}};
    row.f.resize(17);
    row.src = endpoint(row.f[2], row.f[3], row.f[4]);
    row.dst = endpoint(row.f[5], row.f[6], row.f[7]);
    streams[row.f[1]].push_back(row);
  }
  std::map<std::string, Facts> result;
  for (auto& [stream, rows] : streams) {
    // The client is whoever sent a ClientHello; otherwise the non-443-ish side.
    std::string client = rows.front().src;
    for (const Row& row : rows) {
      const auto types = split(row.f[8], ';');
      if (std::find(types.begin(), types.end(), "1") != types.end()) {
        client = row.src;
        break;
      }
      if (std::find(types.begin(), types.end(), "2") != types.end()) {
        client = row.dst;
        break;
      }
    }
    const std::string server = rows.front().src == client ? rows.front().dst : rows.front().src;
    Facts facts;
    bool first_client_hello = true;
    for (const Row& row : rows) {
      const std::string from = row.src == client ? "client" : "server";
      const auto types = split(row.f[8], ';');
      for (const auto& type : types) {
        if (type == "1" || type == "2" || type == "11" || type == "13") {
          facts.messages.push_back("frame " + row.f[0] + ": " + from + " " + type);
        }
      }
      if (types.size() == 1 && types[0] == "1" && first_client_hello) {
        facts.client_hello = row.f[9] + " versions=" + row.f[10] + " suites=" + row.f[11] + " sni=" + row.f[12];
        first_client_hello = false;
      }
      if (std::find(types.begin(), types.end(), "2") != types.end()) {
        facts.server_hello = row.f[9].substr(0, row.f[9].find(';')) + " selected=" + row.f[10] + " cipher=" + row.f[11];
      }
      if (!row.f[13].empty() && row.f[13] != "0" && row.f[14].empty()) {
        // A declared list length but no certificate: tshark found the message malformed too.
        facts.certificates.push_back("frame " + row.f[0] + ": " + from + " malformed");
      } else if (!row.f[13].empty()) {
        facts.certificates.push_back("frame " + row.f[0] + ": " + from + " total=" + row.f[13] +
                                     " lengths=" + row.f[14]);
      }
      const bool has_alert = row.f[8].empty() || !row.f[15].empty() || !row.f[16].empty();
      if (has_alert) {
        const auto levels = split(row.f[15], ';');
        const auto descriptions = split(row.f[16], ';');
        if (row.f[16].empty()) {
          facts.alerts.push_back("frame " + row.f[0] + ": " + from + " encrypted");
        } else {
          for (size_t i = 0; i < descriptions.size(); ++i) {
            facts.alerts.push_back("frame " + row.f[0] + ": " + from + " " + (i < levels.size() ? levels[i] : "") +
                                   "/" + descriptions[i]);
          }
        }
      }
    }
    std::sort(facts.messages.begin(), facts.messages.end());
    std::sort(facts.alerts.begin(), facts.alerts.end());
    std::sort(facts.certificates.begin(), facts.certificates.end());
    result[std::min(client, server) + " " + std::max(client, server)] = facts;
  }
  return result;
}

Facts our_facts(const Connection& c) {
  Facts facts;
  auto who = [](Side side) { return side == Side::client ? std::string("client") : std::string("server"); };
  std::map<uint64_t, std::vector<const MessageRecord*>> by_frame;
  for (const MessageRecord& m : c.messages) {
    if (!m.encrypted && (m.type == 1 || m.type == 2 || m.type == 11 || m.type == 13)) {
      facts.messages.push_back("frame " + std::to_string(m.frame) + ": " + who(m.from) + " " + std::to_string(m.type));
    }
  }
  // tshark lists encrypted alerts once per frame.
  std::set<std::string> encrypted;
  for (const AlertRecord& a : c.alerts) {
    if (!a.description) {
      encrypted.insert("frame " + std::to_string(a.frame) + ": " + who(a.from) + " encrypted");
    } else {
      facts.alerts.push_back("frame " + std::to_string(a.frame) + ": " + who(a.from) + " " + std::to_string(a.level) +
                             "/" + std::to_string(*a.description));
    }
  }
  facts.alerts.insert(facts.alerts.end(), encrypted.begin(), encrypted.end());
  if (c.client_hello_version) {
    // tshark shows an SSLv2-format hello's CIPHER-SPECS in another field (sslv2.cipherspec),
    // not in tls.handshake.ciphersuite, so the offer is not compared for those.
    const bool sslv2_format =
        std::find(c.anomalies.begin(), c.anomalies.end(), "client: SSLv2-format ClientHello") != c.anomalies.end();
    const bool has_versions =
        std::find(c.client_extensions.begin(), c.client_extensions.end(), 43) != c.client_extensions.end();
    facts.client_hello = hex4(*c.client_hello_version) +
                         " versions=" + (has_versions ? join_hex(c.offered_versions) : "") +
                         " suites=" + (sslv2_format ? "" : join_hex(c.client_offer)) + " sni=" + c.sni.value_or("");
  }
  if (c.server_hello_version) {
    const bool has_versions =
        std::find(c.server_extensions.begin(), c.server_extensions.end(), 43) != c.server_extensions.end();
    facts.server_hello = hex4(*c.server_hello_version) + " selected=" + (has_versions ? hex4(*c.version) : "") +
                         " cipher=" + (c.cipher ? hex4(*c.cipher) : "");
  }
  auto chain_facts = [&](Side side, const std::vector<Bytes>& chain) {
    for (const MessageRecord& m : c.messages) {
      if (m.type != 11 || m.from != side || m.encrypted) continue;
      const std::string malformed = who(side) + ": malformed Certificate at frame " + std::to_string(m.frame);
      if (std::any_of(c.anomalies.begin(), c.anomalies.end(),
                      [&](const std::string& a) { return a.starts_with(malformed); })) {
        facts.certificates.push_back("frame " + std::to_string(m.frame) + ": " + who(side) + " malformed");
        continue;
      }
      size_t total = 0;
      std::string lengths;
      for (const Bytes& cert : chain) {
        total += cert.size() + 3;
        lengths += (lengths.empty() ? "" : ";") + std::to_string(cert.size());
      }
      facts.certificates.push_back("frame " + std::to_string(m.frame) + ": " + who(side) +
                                   " total=" + std::to_string(total) + " lengths=" + lengths);
    }
  };
  chain_facts(Side::server, c.server_chain_der);
  chain_facts(Side::client, c.client_chain_der);
  std::sort(facts.messages.begin(), facts.messages.end());
  std::sort(facts.alerts.begin(), facts.alerts.end());
  std::sort(facts.certificates.begin(), facts.certificates.end());
  return facts;
}

std::vector<std::string> captures() {
  std::vector<std::string> names;
  if (!fs::exists(kZeekDir)) return names;
  for (const auto& entry : fs::directory_iterator(kZeekDir)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".pcap") || name.ends_with(".pcap.gz")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Compares one capture; returns the differences (empty when we agree).
std::string compare_capture(const std::string& name) {
  std::string base = name.substr(0, name.find(".pcap"));
  const auto expected = expected_facts(kZeekDir / "expected" / (base + ".tsv"));
  CaptureOptions options;
  options.detect_any_port = true;
  CaptureStats stats;
  std::vector<CaptureDiagnostic> diagnostics;
  std::map<std::string, Facts> ours;
  const bool ok = read_capture((kZeekDir / name).string(), options,
                               [&](Connection&& c) {
                                 ours[std::min(c.client, c.server) + " " + std::max(c.client, c.server)] =
                                     our_facts(c);
                               },
                               stats, diagnostics);
  std::ostringstream out;
  if (!ok) out << "read_capture failed: " << (diagnostics.empty() ? "" : diagnostics.back().message) << "\n";
  for (const auto& [key, facts] : expected) {
    auto found = ours.find(key);
    if (found == ours.end()) {
      out << "connection " << key << " decoded by tshark is missing\n" << describe(facts);
    } else if (!(found->second == facts)) {
      out << "connection " << key << " differs\n tshark:\n" << describe(facts) << " ours:\n" << describe(found->second);
    }
  }
  for (const auto& [key, facts] : ours) {
    // tshark lists no row for a TLS connection without hellos, certificates or alerts
    // (e.g. one the capture caught mid-stream carrying application data only).
    const bool rows_expected = !facts.messages.empty() || !facts.alerts.empty();
    if (!expected.count(key) && rows_expected) out << "connection " << key << " not decoded by tshark\n" << describe(facts);
  }
  return out.str();
}

class TsharkConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(TsharkConformance, AgreesWithTshark) {
  const std::string name = GetParam();
  const std::string differences = compare_capture(name);
  auto excluded = kExcluded.find(name);
  if (excluded != kExcluded.end()) {
    // Still read (must not crash); the difference is documented.
    EXPECT_FALSE(differences.empty()) << name << " now agrees with tshark: remove it from kExcluded";
    GTEST_SKIP() << excluded->second;
  }
  EXPECT_EQ(differences, "") << name;
}

INSTANTIATE_TEST_SUITE_P(ZeekTls, TsharkConformance, ::testing::ValuesIn(captures()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(TsharkConformanceSetup, TestdataIsPresent) {
  EXPECT_GE(captures().size(), 60u) << "expected the Zeek captures under " << kZeekDir;
}

}  // namespace
}  // namespace tc::wire
