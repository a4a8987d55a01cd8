#include "report/html_report.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "model/instant.h"
#include "policy/cipher_registry.h"
#include "report/ladder_svg.h"
#include "report/markup_escape.h"
#include "report/report_targets.h"

namespace tc {

namespace {

constexpr std::string_view kStyle = R"css(
:root{--critical:#7f0000;--high:#c62828;--medium:#e65100;--low:#b28704;--info:#455a64;--ok:#2e7d32}
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;font-size:14px;color:#1a1a1a;margin:0;background:#f4f5f7}
main{max-width:1000px;margin:0 auto;padding:16px 20px 40px;background:#fff}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;border-bottom:2px solid #dde;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:14px 0 6px}
.meta{color:#555;margin:0 0 10px}
.verdict{padding:10px 14px;border-radius:6px;font-weight:bold;color:#fff;margin:10px 0}
table{border-collapse:collapse;margin:6px 0 12px;width:100%}
th,td{border:1px solid #d5d8de;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:"DejaVu Sans Mono",monospace;font-size:12.5px;word-break:break-all}
table.targets td:nth-child(2) code{word-break:normal;white-space:nowrap}
.sev{display:inline-block;min-width:64px;text-align:center;color:#fff;border-radius:4px;padding:1px 6px;font-size:12px;font-weight:bold;text-transform:uppercase}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}.sev-ok{background:var(--ok)}
tr.row-critical td:first-child{border-left:5px solid var(--critical)}tr.row-high td:first-child{border-left:5px solid var(--high)}
tr.row-medium td:first-child{border-left:5px solid var(--medium)}tr.row-low td:first-child{border-left:5px solid var(--low)}
tr.row-info td:first-child{border-left:5px solid var(--info)}
.finding{border:1px solid #d5d8de;border-left-width:6px;border-radius:4px;padding:6px 12px;margin:10px 0}
.finding.critical{border-left-color:var(--critical)}.finding.high{border-left-color:var(--high)}
.finding.medium{border-left-color:var(--medium)}.finding.low{border-left-color:var(--low)}.finding.info{border-left-color:var(--info)}
.finding p{margin:5px 0}.fix{background:#f1f8e9;padding:5px 8px;border-radius:4px}
.subject{color:#333}
details summary{cursor:pointer;color:#345}
pre{background:#f6f7f9;border:1px solid #e1e4e8;padding:6px 8px;overflow-x:auto;font-size:12px;white-space:pre-wrap;word-break:break-all}
.bad{color:var(--high);font-weight:bold}.warnc{color:var(--medium);font-weight:bold}.good{color:var(--ok);font-weight:bold}
details.endpoint{border:1px solid #d5d8de;border-radius:6px;padding:6px 10px;margin:8px 0}
details.endpoint>summary{font-size:14.5px}
.conn{border:1px solid #d5d8de;border-radius:6px;padding:8px 10px;margin:14px 0}
.ladder-wrap{overflow-x:auto}
svg.ladder{max-width:100%;height:auto;background:#fff;font-family:"DejaVu Sans",Arial,sans-serif}
svg.ladder .lifehead{fill:#eef2f8;stroke:#8793a8}
svg.ladder .role{font-size:14px;font-weight:bold;fill:#1a2740}
svg.ladder .addr{font-size:12.5px;fill:#333;font-family:"DejaVu Sans Mono",monospace}
svg.ladder .lifeline{stroke:#8793a8;stroke-width:2;stroke-dasharray:6 4}
svg.ladder .frame,svg.ladder .framehead{font-size:12px;fill:#555;font-family:"DejaVu Sans Mono",monospace}
svg.ladder .arrow{stroke-width:2}
svg.ladder .arrow.normal{stroke:#1f3b73}svg.ladder .arrow.warn{stroke:#e65100}
svg.ladder .arrow.fail{stroke:#c62828;stroke-width:3}svg.ladder .arrow.muted{stroke:#9aa0a6}
svg.ladder .dashed{stroke-dasharray:5 4}
svg.ladder .head.normal{fill:#1f3b73}svg.ladder .head.warn{fill:#e65100}svg.ladder .head.fail{fill:#c62828}svg.ladder .head.muted{fill:#9aa0a6}
svg.ladder .label{font-size:13.5px;font-weight:bold;fill:#1f3b73}
svg.ladder .label.warn{fill:#e65100}svg.ladder .label.fail{fill:#c62828}svg.ladder .label.muted{fill:#777}
svg.ladder .detail{font-size:12px;fill:#333}
svg.ladder tspan.warn{fill:#e65100;font-weight:bold}svg.ladder tspan.fail{fill:#c62828;font-weight:bold}svg.ladder tspan.muted{fill:#888}
svg.ladder .failbox{fill:#fdecea;stroke:#c62828;stroke-width:1}
footer{color:#777;font-size:12px;margin-top:30px}
)css";

std::string esc(std::string_view text) { return markup_escape(text); }

std::string str(const nlohmann::json& object, const char* key, const std::string& fallback = "") {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A JSON scalar as text (null → "—").
std::string scalar(const nlohmann::json& value) {
  if (value.is_null()) return "—";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string severity_badge(std::string_view severity) {
  return fmt::format("<span class=\"sev sev-{0}\">{0}</span>", esc(severity));
}

std::string suite_html(const std::string& code, const std::set<std::string>& deprecated) {
  auto parsed = parse_suite(code);
  std::string name = parsed ? describe_suite(*parsed) : code;
  if (deprecated.count(code)) return "<span class=\"warnc\">" + esc(name) + " — deprecated</span>";
  return esc(name);
}

std::string suite_codes_html(const nlohmann::json& codes, const std::set<std::string>& deprecated) {
  if (!codes.is_array()) return "—";
  std::string out;
  for (const auto& code : codes) {
    std::string text = scalar(code);
    if (!out.empty()) out += " ";
    out += deprecated.count(text) ? "<span class=\"warnc\">" + esc(text) + "*</span>" : "<code>" + esc(text) + "</code>";
  }
  return out.empty() ? "none" : out;
}

class Html {
 public:
  Html(const ReportDocument& document, const HtmlOptions& options)
      : doc_(document), options_(options), deprecated_(options.deprecated_suites.begin(), options.deprecated_suites.end()) {}

  std::string render() {
    head();
    summary();
    if (doc_.sections.contains("scan")) scan_overview(endpoint_list());  // the targets before the findings
    findings();
    notes();
    if (doc_.sections.contains("endpoints")) {
      endpoints();
    } else if (!doc_.sections.contains("capture")) {
      text_sections();  // commands without structured sections (cert, roots, listen)
    }
    if (doc_.sections.contains("capture")) capture();
    if (!doc_.sections.contains("endpoints")) connections();
    out_ += fmt::format("<footer>Generated by trunkcheck {} — a self-contained report: no script, no external "
                        "resources. Frames are capture frame numbers (pcap) or message sequence numbers (probe, "
                        "listen).</footer>\n</main>\n</body>\n</html>\n",
                        esc(options_.version));
    return std::move(out_);
  }

 private:
  void head() {
    std::string title = "trunkcheck " + doc_.command + " report";
    out_ += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:\">\n";
    out_ += "<title>" + esc(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main>\n";
    out_ += "<h1>" + esc(title) + "</h1>\n";
    out_ += fmt::format("<p class=\"meta\">Judged as of <strong>{}</strong> with profile <strong>{}</strong> — "
                        "trunkcheck {}</p>\n",
                        esc(format_instant(doc_.at)), esc(doc_.profile), esc(options_.version));
    size_t failing = 0;
    std::optional<Severity> worst;
    for (const auto& finding : doc_.findings) {
      if (options_.fail_on && finding.severity >= *options_.fail_on) ++failing;
      if (!worst || finding.severity > *worst) worst = finding.severity;
    }
    std::string verdict;
    std::string colour = "ok";
    if (doc_.findings.empty()) {
      verdict = "No findings.";
    } else if (failing > 0) {
      verdict = fmt::format("{} finding{} at or above --fail-on {} (exit code 1).", failing, failing == 1 ? "" : "s",
                            to_string(*options_.fail_on));
      colour = std::string(to_string(*worst));
    } else {
      verdict = fmt::format("{} finding{}, none at or above --fail-on{}.", doc_.findings.size(),
                            doc_.findings.size() == 1 ? "" : "s",
                            options_.fail_on ? " " + std::string(to_string(*options_.fail_on)) : " (none)");
      colour = std::string(to_string(*worst));
    }
    out_ += fmt::format("<div class=\"verdict sev-{}\" id=\"verdict\">{}</div>\n", colour, esc(verdict));
    const auto list = endpoint_list();
    for (const auto& endpoint : list) {
      if (list.size() > 3) break;  // scan: the overview table says it per target
      std::string sentence = str(endpoint, "outbound_verdict");
      if (!sentence.empty()) {
        out_ += fmt::format("<p><strong>{}</strong>: {}</p>\n", esc(endpoint_target(endpoint)), esc(sentence));
      }
    }
  }

  std::vector<nlohmann::json> endpoint_list() const {
    std::vector<nlohmann::json> out;
    auto it = doc_.sections.find("endpoints");
    if (it == doc_.sections.end() || !it->is_array()) return out;
    for (const auto& item : *it) {
      if (item.contains("endpoint") && item["endpoint"].is_object()) {
        nlohmann::json merged = item["endpoint"];
        for (const char* key : {"label", "error"}) {
          if (item.contains(key)) merged[key] = item[key];
        }
        out.push_back(std::move(merged));
      } else {
        out.push_back(item);
      }
    }
    return out;
  }

  void summary() {
    std::map<Severity, size_t> counts;
    for (const auto& finding : doc_.findings) ++counts[finding.severity];
    out_ += "<h2 id=\"summary\">Summary</h2>\n<table class=\"summary\"><tr>";
    for (Severity severity : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info}) {
      out_ += "<th>" + severity_badge(to_string(severity)) + "</th>";
    }
    out_ += "</tr>\n<tr>";
    for (Severity severity : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info}) {
      out_ += fmt::format("<td class=\"num\">{}</td>", counts[severity]);
    }
    out_ += "</tr></table>\n";
    if (doc_.findings.empty()) return;
    out_ += "<table class=\"findings-index\"><tr><th>severity</th><th>finding</th><th>subject</th><th>title</th>"
            "</tr>\n";
    for (size_t i = 0; i < doc_.findings.size(); ++i) {
      const Finding& finding = doc_.findings[i];
      std::string severity(to_string(finding.severity));
      out_ += fmt::format("<tr class=\"row-{0}\"><td>{1}</td><td><a href=\"#f{2}\"><code>{3}</code></a></td>"
                          "<td>{4}</td><td>{5}</td></tr>\n",
                          severity, severity_badge(severity), i, esc(finding.id), esc(finding.subject),
                          esc(finding.title));
    }
    out_ += "</table>\n";
  }

  void findings() {
    if (doc_.findings.empty()) return;
    out_ += "<h2 id=\"findings\">Findings</h2>\n";
    for (size_t i = 0; i < doc_.findings.size(); ++i) {
      const Finding& finding = doc_.findings[i];
      std::string severity(to_string(finding.severity));
      out_ += fmt::format("<article class=\"finding {0}\" id=\"f{1}\">\n<h3>{2} <code>{3}</code> {4}</h3>\n"
                          "<p class=\"subject\">{5}</p>\n<p>{6}</p>\n",
                          severity, i, severity_badge(severity), esc(finding.id), esc(finding.title),
                          esc(finding.subject), esc(finding.detail));
      if (!finding.remediation.empty()) {
        out_ += "<p class=\"fix\"><strong>Fix:</strong> " + esc(finding.remediation) + "</p>\n";
      }
      if (!finding.evidence.empty()) {
        out_ += "<details><summary>evidence</summary><pre>" + esc(finding.evidence.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) + "</pre></details>\n";
      }
      out_ += "</article>\n";
    }
  }

  void notes() {
    if (doc_.notes.empty() && doc_.errors.empty()) return;
    out_ += "<h2 id=\"notes\">Notes and assumptions</h2>\n<ul>\n";
    for (const auto& note : doc_.notes) out_ += "<li>" + esc(note) + "</li>\n";
    for (const auto& error : doc_.errors) out_ += "<li class=\"bad\">error: " + esc(error) + "</li>\n";
    out_ += "</ul>\n";
  }

  void text_sections() {
    for (const auto& section : doc_.text_sections) {
      out_ += "<h2>" + esc(section.heading) + "</h2>\n<pre>";
      for (const auto& line : section.lines) out_ += esc(line) + "\n";
      out_ += "</pre>\n";
    }
  }

  void capture() {
    const auto& capture = doc_.sections["capture"];
    if (!capture.is_object()) return;
    out_ += "<h2 id=\"capture\">Capture</h2>\n<table>\n";
    std::string files;
    if (capture.contains("files") && capture["files"].is_array()) {
      for (const auto& file : capture["files"]) files += (files.empty() ? "" : ", ") + scalar(file);
    }
    row("files", esc(files.empty() ? str(capture, "interface", "—") : files));
    for (const char* key : {"frames", "bytes", "tls_connections", "other_tcp_connections"}) {
      if (capture.contains(key)) row(key, esc(scalar(capture[key])));
    }
    if (capture.contains("directions") && capture["directions"].is_object()) {
      const auto& d = capture["directions"];
      row("directions", esc(fmt::format("{} inbound, {} outbound, {} unknown", scalar(d.value("inbound", nlohmann::json())),
                                        scalar(d.value("outbound", nlohmann::json())),
                                        scalar(d.value("unknown", nlohmann::json())))));
    }
    if (capture.contains("skipped") && capture["skipped"].is_object()) {
      std::string skipped;
      for (const auto& [key, value] : capture["skipped"].items()) {
        if (value.is_number() && value.get<double>() != 0) skipped += (skipped.empty() ? "" : ", ") + key + " " + scalar(value);
      }
      row("skipped", esc(skipped.empty() ? "nothing" : skipped));
    }
    out_ += "</table>\n";
  }

  void row(std::string_view key, const std::string& value_html) {
    out_ += "<tr><th>" + esc(key) + "</th><td>" + value_html + "</td></tr>\n";
  }

  // scan: the run and one row per target, before the per-target details.
  void scan_overview(const std::vector<nlohmann::json>& list) {
    const auto& scan = doc_.sections["scan"];
    out_ += "<h2 id=\"scan\">Scan</h2>\n<table>\n";
    if (scan.is_object()) {
      for (const char* key : {"targets_file", "targets", "bad_lines", "unreachable", "endpoints_stored", "run", "db",
                              "concurrency", "elapsed_seconds"}) {
        if (scan.contains(key)) row(key, esc(scalar(scan[key])));
      }
    }
    out_ += "</table>\n<table class=\"targets\"><tr><th>target</th><th>address</th><th>client auth</th>"
            "<th>verdict</th><th>findings</th></tr>\n";
    for (size_t e = 0; e < list.size(); ++e) {
      const auto& endpoint = list[e];
      std::string label = str(endpoint, "label");
      std::string error = str(endpoint, "error");
      std::string ids;
      if (endpoint.contains("findings") && endpoint["findings"].is_array()) {
        for (const auto& id : endpoint["findings"]) ids += "<code>" + esc(scalar(id)) + "</code> ";
      }
      std::string client_auth = str(endpoint, "client_auth", "—");
      out_ += fmt::format("<tr><td><a href=\"#endpoint-{}\">{}</a>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td>"
                          "<td>{}</td><td>{}</td></tr>\n",
                          e, esc(endpoint_target(endpoint)), label.empty() ? "" : "<br>" + esc(label),
                          esc(str(endpoint, "address", "—")), client_auth == "none" ? "good" : client_auth == "—" ? "" : "bad",
                          esc(client_auth),
                          error.empty() ? esc(str(endpoint, "outbound_verdict")) : "<span class=\"bad\">" + esc(error) + "</span>",
                          ids.empty() ? "none" : ids);
    }
    out_ += "</table>\n";
  }

  void endpoints() {
    const auto list = endpoint_list();
    const bool scan = doc_.sections.contains("scan");
    if (scan) out_ += "<h2 id=\"targets\">Targets</h2>\n";
    const nlohmann::json connections =
        doc_.sections.contains("connections") ? doc_.sections["connections"] : nlohmann::json::array();
    size_t opened = 0;
    for (size_t e = 0; e < list.size(); ++e) {
      const auto& endpoint = list[e];
      std::string target = endpoint_target(endpoint);
      std::string label = str(endpoint, "label");
      std::string error = str(endpoint, "error");
      std::string sentence = str(endpoint, "outbound_verdict");
      bool has_findings = endpoint.contains("findings") && endpoint["findings"].is_array() && !endpoint["findings"].empty();
      if (scan) {
        // Collapsed per target; the first ten with findings open.
        bool open = has_findings && opened < 10;
        opened += open ? 1 : 0;
        out_ += fmt::format("<details class=\"endpoint\" id=\"endpoint-{}\"{}><summary><strong>{}</strong>{} — {}</summary>\n",
                            e, open ? " open" : "", esc(target), label.empty() ? "" : " (" + esc(label) + ")",
                            esc(error.empty() ? sentence : error));
      } else {
        out_ += fmt::format("<h2 id=\"endpoint-{}\">Endpoint {}{}</h2>\n", e, esc(target),
                            label.empty() ? "" : " — " + esc(label));
      }
      endpoint_details(endpoint, connections, e);
      if (scan) out_ += "</details>\n";
    }
  }

  void endpoint_details(const nlohmann::json& endpoint, const nlohmann::json& connections, size_t e) {
    {
      std::string error = str(endpoint, "error");
      if (!error.empty()) out_ += "<p class=\"bad\">" + esc(error) + "</p>\n";
      std::string sentence = str(endpoint, "outbound_verdict");
      if (!sentence.empty()) out_ += "<p><strong>" + esc(sentence) + "</strong></p>\n";
      if (!endpoint.contains("platform_handshake")) return;
      out_ += "<table>\n";
      row("address", "<code>" + esc(str(endpoint, "address")) + "</code> port " + esc(scalar(endpoint.value("port", nlohmann::json()))));
      row("SNI sent", esc(scalar(endpoint.value("sni", nlohmann::json()))));
      const auto& handshake = endpoint["platform_handshake"];
      bool completed = handshake.value("completed", false);
      row("platform handshake", completed ? "<span class=\"good\">completed</span>"
                                          : "<span class=\"bad\">failed</span> " + esc(str(handshake, "error")));
      std::string client_auth = str(endpoint, "client_auth", "unknown");
      row("client authentication",
          fmt::format("<span class=\"{}\">{}</span>{}", client_auth == "none" ? "good" : "bad", esc(client_auth),
                      client_auth == "none" ? " — no CertificateRequest"
                      : client_auth == "optional"
                          ? " — a certificate is requested, the handshake completes without one"
                      : client_auth == "required" ? " — the handshake fails without a certificate"
                                                  : ""));
      if (endpoint.contains("client_ca_names") && endpoint["client_ca_names"].is_array() &&
          !endpoint["client_ca_names"].empty()) {
        std::string names;
        for (const auto& name : endpoint["client_ca_names"]) names += "<div>" + esc(scalar(name)) + "</div>";
        row("acceptable client CAs", names);
      }
      if (endpoint.contains("suites_accepted")) {
        row("TLS 1.2 suites accepted", suite_codes_html(endpoint["suites_accepted"], deprecated_));
      }
      if (endpoint.contains("server_preference") && !endpoint["server_preference"].is_null()) {
        row("suite order", endpoint["server_preference"].get<bool>() ? "the server's preference decides"
                                                                      : "the client's offer decides");
      }
      for (auto [key, name] : {std::pair{"platform_offer", "the platform's offer gets"},
                               std::pair{"without_deprecated", "without the deprecated suites"}}) {
        if (!endpoint.contains(key) || !endpoint[key].is_object()) continue;
        const auto& offer = endpoint[key];
        std::string cipher = str(offer, "cipher");
        row(name, cipher.empty() ? "<span class=\"bad\">no ServerHello</span> " + esc(str(offer, "failure"))
                                 : suite_html(cipher, deprecated_));
      }
      if (endpoint.contains("versions") && endpoint["versions"].is_object()) {
        std::string versions;
        for (const auto& [version, supported] : endpoint["versions"].items()) {
          versions += fmt::format("{}{}: <span class=\"{}\">{}</span>", versions.empty() ? "" : ", ", esc(version),
                                  supported.is_null() ? "" : supported.get<bool>() ? "good" : "", esc(scalar(supported)));
        }
        row("versions", versions);
      }
      if (endpoint.contains("sip") && endpoint["sip"].is_object()) {
        const auto& sip = endpoint["sip"];
        const nlohmann::json status = sip.value("status", nlohmann::json());
        std::string answer = status.is_null() ? "<span class=\"bad\">no answer</span> " + esc(str(sip, "error"))
                                              : esc(scalar(status) + " " + str(sip, "reason"));
        std::string server = str(sip, "server");
        if (!server.empty()) answer += " — <code>" + esc(server) + "</code>";
        row("SIP OPTIONS", answer);
      }
      out_ += "</table>\n";
      drill_table(endpoint);
      chain_table("Certificate chain the endpoint sent", endpoint.value("chain", nlohmann::json::array()));
      if (endpoint.contains("notes") && endpoint["notes"].is_array() && !endpoint["notes"].empty()) {
        out_ += "<ul>";
        for (const auto& note : endpoint["notes"]) out_ += "<li>" + esc(scalar(note)) + "</li>";
        out_ += "</ul>\n";
      }
      endpoint_ladders(endpoint, connections, e);
    }
  }

  void drill_table(const nlohmann::json& endpoint) {
    if (!endpoint.contains("eku_drill") || !endpoint["eku_drill"].is_array() || endpoint["eku_drill"].empty()) return;
    out_ += "<h3>EKU drill: which client certificates the endpoint accepts</h3>\n<table><tr><th>certificate "
            "presented</th><th>clientAuth EKU</th><th>outcome</th><th>alert</th></tr>\n";
    for (const auto& attempt : endpoint["eku_drill"]) {
      std::string outcome = str(attempt, "outcome");
      std::string alert = attempt.value("alert", nlohmann::json()).is_null()
                              ? esc(str(attempt, "error", "—"))
                              : esc(scalar(attempt["alert"]) + " " + str(attempt, "alert_name"));
      out_ += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>\n",
                          esc(str(attempt, "label")), attempt.value("client_auth_eku", false) ? "yes" : "no",
                          outcome == "accepted" ? "good" : "bad", esc(outcome), alert);
    }
    out_ += "</table>\n";
  }

  void chain_table(const std::string& heading, const nlohmann::json& chain) {
    if (!chain.is_array() || chain.empty()) return;
    out_ += "<h3>" + esc(heading) + "</h3>\n<table><tr><th>#</th><th>subject</th><th>issuer</th><th>not after</th>"
            "<th>EKU</th><th>sha256</th></tr>\n";
    for (size_t i = 0; i < chain.size(); ++i) {
      const auto& certificate = chain[i];
      std::string eku;
      if (certificate.contains("eku") && certificate["eku"].is_array()) {
        for (const auto& value : certificate["eku"]) eku += (eku.empty() ? "" : ", ") + scalar(value);
      } else {
        eku = "(no extension)";
      }
      out_ += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td></tr>\n",
                          i, esc(str(certificate, "subject")), esc(str(certificate, "issuer")),
                          esc(str(certificate, "not_after")), esc(eku), esc(str(certificate, "sha256")));
    }
    out_ += "</table>\n";
  }

  // The platform handshake and the drill connections get ladders; the rest
  // (suite and version scan) one table row each.
  void endpoint_ladders(const nlohmann::json& endpoint, const nlohmann::json& connections, size_t e) {
    if (auto ladders = endpoint.find("ladders"); ladders != endpoint.end() && ladders->is_array()) {
      // scan: only the connections worth a ladder were kept.
      if (!ladders->empty()) out_ += "<h3>Handshakes</h3>\n";
      size_t index = 0;
      for (const auto& connection : *ladders) ladder(connection, fmt::format("e{}l{}", e, index++));
      return;
    }
    std::string address = str(endpoint, "address");
    std::string server = (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
                         scalar(endpoint.value("port", nlohmann::json()));
    std::vector<const nlohmann::json*> mine;
    if (connections.is_array()) {
      for (const auto& connection : connections) {
        if (str(connection, "server") == server) mine.push_back(&connection);
      }
    }
    std::set<size_t> drawn;
    if (endpoint.contains("platform_handshake")) {
      drawn.insert(endpoint["platform_handshake"].value("connection", size_t{0}));
    }
    if (endpoint.contains("eku_drill") && endpoint["eku_drill"].is_array()) {
      for (const auto& attempt : endpoint["eku_drill"]) drawn.insert(attempt.value("connection", size_t{0}));
    }
    out_ += "<h3>Handshakes</h3>\n";
    for (size_t index : drawn) {
      if (index < mine.size()) ladder(*mine[index], fmt::format("e{}c{}", e, index));
    }
    std::string rows;
    for (size_t i = 0; i < mine.size(); ++i) {
      if (drawn.count(i)) continue;
      const auto& connection = *mine[i];
      std::string alerts;
      if (connection.contains("alerts") && connection["alerts"].is_array()) {
        for (const auto& alert : connection["alerts"]) {
          const nlohmann::json description = alert.value("description", nlohmann::json());
          if (!description.is_null()) alerts += (alerts.empty() ? "" : ", ") + scalar(description) + " " + str(alert, "name");
        }
      }
      std::string cipher = str(connection, "cipher");
      rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", i,
                          esc(str(connection, "purpose")), cipher.empty() ? "—" : suite_html(cipher, deprecated_),
                          connection.value("established", false) ? "yes" : "no", esc(alerts.empty() ? "—" : alerts));
    }
    if (!rows.empty()) {
      out_ += "<details><summary>Other connections of the probe (suite and version scan)</summary>\n<table><tr>"
              "<th>#</th><th>purpose</th><th>cipher</th><th>established</th><th>alerts</th></tr>\n" +
              rows + "</table></details>\n";
    }
  }

  void connections() {
    auto it = doc_.sections.find("connections");
    if (it == doc_.sections.end() || !it->is_array()) return;
    out_ += "<h2 id=\"connections\">Connections</h2>\n";
    if (auto ladders = doc_.sections.find("ladders"); ladders != doc_.sections.end() && ladders->is_object()) {
      out_ += fmt::format("<p>{} TLS connections, {} with findings; ladders drawn for {} (at most {}: one per "
                          "server, direction and set of findings, the first seen; similar connections are counted "
                          "under each).</p>\n",
                          esc(scalar(ladders->value("connections", nlohmann::json()))),
                          esc(scalar(ladders->value("with_findings", nlohmann::json()))),
                          esc(scalar(ladders->value("drawn", nlohmann::json()))),
                          esc(scalar(ladders->value("cap", nlohmann::json()))));
      if (ladders->value("not_drawn", uint64_t{0}) > 0) {
        out_ += fmt::format("<p class=\"warnc\">{} connections with findings of other kinds were not drawn (cap "
                            "reached); the JSON report lists every connection.</p>\n",
                            esc(scalar((*ladders)["not_drawn"])));
      }
    }
    if (it->empty()) out_ += "<p>No connection to draw.</p>\n";
    size_t index = 0;
    for (const auto& connection : *it) ladder(connection, fmt::format("c{}", index++));
  }

  void ladder(const nlohmann::json& connection, const std::string& id) {
    auto [client_role, server_role] = ladder_roles(str(connection, "direction"));
    std::string heading = str(connection, "purpose");
    if (heading.empty()) {
      heading = fmt::format("{} → {} ({}, first frame {})", str(connection, "client"), str(connection, "server"),
                            str(connection, "direction", "unknown"), scalar(connection.value("first_frame", nlohmann::json())));
    }
    out_ += "<section class=\"conn\">\n<h3>" + esc(heading) + "</h3>\n";
    std::vector<std::string> facts;
    std::string version = str(connection, "version");
    facts.push_back(version.empty() ? "no ServerHello" : version);
    std::string cipher = str(connection, "cipher");
    if (!cipher.empty()) facts.push_back("cipher " + suite_html(cipher, deprecated_));
    facts.push_back(connection.value("established", false) ? "<span class=\"good\">established</span>"
                                                          : "<span class=\"bad\">not established</span>");
    if (connection.value("incomplete", false)) facts.push_back("<span class=\"warnc\">incomplete capture</span>");
    if (auto similar = connection.find("similar_connections"); similar != connection.end() && similar->is_number() &&
                                                                similar->get<uint64_t>() > 0) {
      facts.push_back(esc(fmt::format("{} more connection{} like this", similar->get<uint64_t>(),
                                      similar->get<uint64_t>() == 1 ? "" : "s")));
    }
    out_ += "<p>" + fmt::format("{}", fmt::join(facts, " · ")) + "</p>\n";
    if (connection.contains("findings") && connection["findings"].is_array() && !connection["findings"].empty()) {
      out_ += "<p>findings: ";
      for (const auto& id_value : connection["findings"]) out_ += "<code>" + esc(scalar(id_value)) + "</code> ";
      out_ += "</p>\n";
    }
    if (connection.contains("anomalies") && connection["anomalies"].is_array() && !connection["anomalies"].empty()) {
      out_ += "<p class=\"warnc\">";
      for (const auto& anomaly : connection["anomalies"]) out_ += esc(scalar(anomaly)) + "; ";
      out_ += "</p>\n";
    }
    LadderOptions ladder_options{deprecated_, id};
    out_ += "<div class=\"ladder-wrap\">" + render_ladder_svg(connection, ladder_options) + "</div>\n";
    if (connection.contains("sip") && connection["sip"].is_object()) sip(connection["sip"]);
    out_ += "</section>\n";
  }

  void sip(const nlohmann::json& sip) {
    std::string text;
    if (sip.contains("requests") && sip["requests"].is_array()) {
      for (const auto& request : sip["requests"]) {
        text += fmt::format("→ {} {}  (Via {}; User-Agent {}) answered {}\n", str(request, "method"),
                            str(request, "request_uri"), str(request, "via"), str(request, "user_agent"),
                            scalar(request.value("answered", nlohmann::json())));
      }
    }
    if (sip.contains("response") && sip["response"].is_object()) {
      const auto& response = sip["response"];
      text += fmt::format("← {} {}  (Server {})\n", scalar(response.value("status", nlohmann::json())),
                          str(response, "reason"), str(response, "server"));
    }
    std::string error = str(sip, "error");
    if (!error.empty()) text += "error: " + error + "\n";
    if (!text.empty()) out_ += "<p><strong>SIP inside the TLS connection</strong></p><pre>" + esc(text) + "</pre>\n";
  }

  const ReportDocument& doc_;
  const HtmlOptions& options_;
  std::set<std::string> deprecated_;
  std::string out_;
};

}  // namespace

std::string render_html(const ReportDocument& document, const HtmlOptions& options) {
  return Html(document, options).render();
}

}  // namespace tc
