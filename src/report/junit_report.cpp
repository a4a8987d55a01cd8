#include "report/junit_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>

#include "model/instant.h"
#include "report/markup_escape.h"
#include "report/report_targets.h"

namespace tc {

namespace {

struct Case {
  std::string id;
  std::vector<const Finding*> findings;  // same target and id, worst first (document order)
};

struct Suite {
  std::string name;
  std::string error;            // the target could not be probed (scan)
  std::vector<Case> cases;
};

std::string attribute(std::string_view text) { return markup_escape(text); }

std::string finding_body(const Finding& finding) {
  std::string body = finding.subject + "\n" + finding.detail;
  if (!finding.remediation.empty()) body += "\nfix: " + finding.remediation;
  return body;
}

}  // namespace

std::string render_junit(const ReportDocument& document, const JunitOptions& options) {
  // Suites in order: the targets the report lists, then any target only
  // findings name, then findings naming none (under the command's name).
  std::vector<Suite> suites;
  std::map<std::string, size_t> index;
  auto suite_for = [&](const std::string& name) -> Suite& {
    auto it = index.find(name);
    if (it != index.end()) return suites[it->second];
    index.emplace(name, suites.size());
    suites.push_back(Suite{name, "", {}});
    return suites.back();
  };
  const std::vector<ReportTarget> targets = report_targets(document, options.deprecated_suites);
  std::map<std::string, std::string> address_of;  // target → address, for findings without endpoint evidence
  for (const auto& target : targets) address_of.emplace(target.target, target.address);
  for (const auto& target : targets) {
    std::string name = target.label.empty() ? target.target : target.label + " (" + target.target + ")";
    if (!target.address.empty() && target.target.find(target.address) == std::string::npos) {
      name += " " + target.address;
    }
    Suite& suite = suite_for(target.target + "|" + target.address);
    suite.name = name;
    if (!target.error.empty()) suite.error = target.error;
  }
  for (const auto& finding : document.findings) {
    std::string target = finding_target(finding, targets);
    std::string key;
    if (auto endpoint = finding.evidence.find("endpoint"); endpoint != finding.evidence.end() && endpoint->is_object()) {
      key = target + "|" + endpoint->value("address", std::string());
    } else if (auto known = address_of.find(target); known != address_of.end() && !target.empty()) {
      key = target + "|" + known->second;
    } else {
      key = target.empty() ? "" : target + "|";
    }
    Suite& suite = suite_for(key);
    if (suite.name.empty() || suite.name == "|") suite.name = target.empty() ? "trunkcheck " + document.command : target;
    auto it = std::find_if(suite.cases.begin(), suite.cases.end(), [&](const Case& c) { return c.id == finding.id; });
    if (it == suite.cases.end()) {
      suite.cases.push_back(Case{finding.id, {}});
      it = std::prev(suite.cases.end());
    }
    it->findings.push_back(&finding);
  }

  uint64_t total_tests = 0, total_failures = 0, total_skipped = 0, total_errors = 0;
  std::string body;
  const std::string timestamp = format_instant(document.at).substr(0, 19);  // xs:dateTime without zone
  for (const auto& suite : suites) {
    uint64_t tests = 0, failures = 0, skipped = 0, errors = 0;
    std::string cases;
    const std::string classname = "trunkcheck." + document.command + "." + suite.name;
    if (!suite.error.empty()) {
      ++tests;
      ++errors;
      cases += fmt::format("    <testcase classname=\"{}\" name=\"probe\" time=\"0\">\n      <error message=\"{}\" "
                           "type=\"unreachable\">{}</error>\n    </testcase>\n",
                           attribute(classname), attribute(suite.error), markup_escape(suite.error));
    }
    for (const auto& test : suite.cases) {
      ++tests;
      const Finding& worst = *test.findings.front();
      std::string text;
      for (const Finding* finding : test.findings) text += (text.empty() ? "" : "\n\n") + finding_body(*finding);
      bool failing = options.fail_on && worst.severity >= *options.fail_on;
      std::string message = fmt::format("{}: {}", to_string(worst.severity), worst.title);
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n", attribute(classname),
                           attribute(test.id));
      if (failing) {
        ++failures;
        cases += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", attribute(message),
                             to_string(worst.severity), markup_escape(text));
      } else {
        ++skipped;
        cases += fmt::format("      <skipped message=\"{}\"/>\n      <system-out>{}</system-out>\n",
                             attribute(message + " (below --fail-on)"), markup_escape(text));
      }
      cases += "    </testcase>\n";
    }
    if (suite.cases.empty() && suite.error.empty()) {
      ++tests;
      cases += fmt::format("    <testcase classname=\"{}\" name=\"no findings\" time=\"0\"/>\n", attribute(classname));
    }
    body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
                        "time=\"0\" timestamp=\"{}\">\n{}  </testsuite>\n",
                        attribute(suite.name), tests, failures, errors, skipped, timestamp, cases);
    total_tests += tests;
    total_failures += failures;
    total_skipped += skipped;
    total_errors += errors;
  }
  // Input errors (unreadable files, unreachable addresses) as one error case each.
  // (Errors a target's suite already reports are not repeated.)
  std::vector<std::string> input_errors;
  for (const auto& error : document.errors) {
    bool known = std::any_of(suites.begin(), suites.end(), [&](const Suite& suite) {
      return !suite.error.empty() && error.find(suite.error) != std::string::npos;
    });
    if (!known) input_errors.push_back(error);
  }
  if (!input_errors.empty()) {
    std::string cases;
    for (const auto& error : input_errors) {
      cases += fmt::format("    <testcase classname=\"trunkcheck.{}.input\" name=\"{}\" time=\"0\">\n      <error "
                           "message=\"{}\" type=\"input\"/>\n    </testcase>\n",
                           attribute(document.command), attribute(error), attribute(error));
    }
    body += fmt::format("  <testsuite name=\"input errors\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"0\" "
                        "time=\"0\" timestamp=\"{}\">\n{}  </testsuite>\n",
                        input_errors.size(), input_errors.size(), timestamp, cases);
    total_tests += input_errors.size();
    total_errors += input_errors.size();
  }
  if (suites.empty() && input_errors.empty()) {
    // Nothing judged and nothing wrong: one passing case keeps CI readers happy.
    body += fmt::format("  <testsuite name=\"trunkcheck {0}\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" "
                        "time=\"0\" timestamp=\"{1}\">\n    <testcase classname=\"trunkcheck.{0}\" name=\"no findings\" "
                        "time=\"0\"/>\n  </testsuite>\n",
                        attribute(document.command), timestamp);
    ++total_tests;
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"trunkcheck {} (profile {}, at {})\" "
                     "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">\n{}</testsuites>\n",
                     attribute(document.command), attribute(document.profile), format_instant(document.at), total_tests,
                     total_failures, total_errors, total_skipped, body);
}

}  // namespace tc
