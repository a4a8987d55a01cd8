#include "report/prometheus_report.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <utility>

#include "report/markup_escape.h"
#include "report/report_targets.h"

namespace tc {

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

// One metric family: samples deduplicated by their label set (a series may
// appear once), written in first-seen order.
class Family {
 public:
  Family(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {}
  void add(const Labels& labels, double value) {
    std::string series = render_labels(labels);
    if (!seen_.insert(series).second) return;
    samples_.emplace_back(std::move(series), value);
  }
  void write(std::string& out) const {
    if (samples_.empty()) return;
    out += "# HELP " + name_ + " " + help_ + "\n";
    out += "# TYPE " + name_ + " gauge\n";
    for (const auto& [series, value] : samples_) out += name_ + series + " " + format_value(value) + "\n";
  }

 private:
  static std::string render_labels(const Labels& labels) {
    if (labels.empty()) return "";
    std::string out = "{";
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i) out += ",";
      out += labels[i].first + "=\"" + prometheus_label_escape(labels[i].second) + "\"";
    }
    return out + "}";
  }
  static std::string format_value(double value) {
    // Integers (counts, Unix seconds) print without exponent or decimals.
    if (value == static_cast<double>(static_cast<int64_t>(value))) return std::to_string(static_cast<int64_t>(value));
    return fmt::format("{}", value);
  }
  std::string name_, help_;
  std::set<std::string> seen_;
  std::vector<std::pair<std::string, double>> samples_;
};

Labels target_labels(const ReportTarget& target) {
  Labels labels{{"target", target.target}};
  if (!target.address.empty()) labels.emplace_back("address", target.address);
  return labels;
}

}  // namespace

std::string render_prometheus(const ReportDocument& document, const PrometheusOptions& options) {
  Family last_run("trunkcheck_last_run_timestamp_seconds",
                  "Moment the run judged at (--at, default the wall clock), Unix seconds.");
  Family findings_total("trunkcheck_findings_total", "Findings in the report by severity.");
  Family finding("trunkcheck_finding", "1 for each finding id raised against a target.");
  Family probe_success("trunkcheck_probe_success",
                       "1 when the platform-like TLS handshake with the endpoint completed, else 0.");
  Family client_auth("trunkcheck_client_auth_requested",
                     "1 when the target asks for a client certificate (CertificateRequest), else 0.");
  Family suites("trunkcheck_endpoint_suites_accepted", "TLS 1.2 cipher suites the endpoint accepts.");
  Family deprecated("trunkcheck_endpoint_deprecated_suites_accepted",
                    "Deprecated TLS 1.2 cipher suites (profile) the endpoint accepts.");
  Family connections("trunkcheck_connections", "TLS connections to the server in the capture.");
  Family established("trunkcheck_connections_established",
                     "TLS connections to the server in the capture whose handshake completed.");
  Family not_after("trunkcheck_cert_not_after_seconds",
                   "notAfter of each certificate the target sent, Unix seconds.");

  last_run.add({{"command", document.command}, {"profile", document.profile}},
               static_cast<double>(document.at.time_since_epoch().count()));
  std::map<Severity, uint64_t> per_severity;
  for (Severity severity : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info}) {
    per_severity[severity] = 0;
  }
  const std::vector<ReportTarget> targets = report_targets(document, options.deprecated_suites);
  for (const auto& item : document.findings) {
    ++per_severity[item.severity];
    finding.add({{"id", item.id},
                 {"severity", std::string(to_string(item.severity))},
                 {"target", finding_target(item, targets)}},
                1);
  }
  for (auto it = per_severity.rbegin(); it != per_severity.rend(); ++it) {
    findings_total.add({{"severity", std::string(to_string(it->first))}}, static_cast<double>(it->second));
  }
  for (const auto& target : targets) {
    Labels labels = target_labels(target);
    if (target.probe_success) probe_success.add(labels, *target.probe_success ? 1 : 0);
    if (target.client_auth_requested) client_auth.add(labels, *target.client_auth_requested ? 1 : 0);
    if (target.suites_accepted) suites.add(labels, static_cast<double>(*target.suites_accepted));
    if (target.deprecated_suites_accepted) deprecated.add(labels, static_cast<double>(*target.deprecated_suites_accepted));
    if (target.connections) connections.add(labels, static_cast<double>(*target.connections));
    if (target.established) established.add(labels, static_cast<double>(*target.established));
    for (const auto& certificate : target.certificates) {
      not_after.add({{"target", target.target}, {"subject", certificate.subject}, {"sha256", certificate.sha256}},
                    static_cast<double>(certificate.not_after.time_since_epoch().count()));
    }
  }
  std::string out;
  for (const Family* family : {&last_run, &findings_total, &finding, &probe_success, &client_auth, &suites, &deprecated,
                               &connections, &established, &not_after}) {
    family->write(out);
  }
  return out;
}

}  // namespace tc
