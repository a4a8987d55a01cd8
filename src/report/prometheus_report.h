#pragma once
// `--format prometheus`: the node_exporter textfile-collector form of the
// text exposition format (version 0.0.4): HELP and TYPE per family, every
// sample of a family together, label values escaped, no timestamps.
#include <string>
#include <vector>

#include "report/document.h"

namespace tc {

struct PrometheusOptions {
  std::vector<std::string> deprecated_suites;  // "0x003d", from the profile
};

std::string render_prometheus(const ReportDocument& document, const PrometheusOptions& options);

}  // namespace tc
