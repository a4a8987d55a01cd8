#pragma once
// `--format junit`: findings as JUnit XML test cases for CI pipelines that
// gate SBC configuration changes. One <testsuite> per target (probed endpoint
// or capture server), one <testcase> per (target, finding id): <failure> when
// the finding is at or above --fail-on, <skipped> (detail in <system-out>)
// below it; a passing "no findings" test case per target without findings.
#include <optional>
#include <string>
#include <vector>

#include "model/severity.h"
#include "report/document.h"

namespace tc {

struct JunitOptions {
  std::optional<Severity> fail_on = Severity::high;  // nullopt: --fail-on none
  std::vector<std::string> deprecated_suites;
};

std::string render_junit(const ReportDocument& document, const JunitOptions& options);

}  // namespace tc
