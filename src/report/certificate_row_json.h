#pragma once
// One row of the cert command's certificates[] as JSON text, without DOM
// nodes: the same bytes as certificate_to_json(facts) with "role" and
// "findings" added, dumped compact. A 10,000-certificate inventory spent more
// on those nodes than on judging the certificates.
#include <string>
#include <string_view>
#include <vector>

#include "model/certificate.h"
#include "report/json_text.h"

namespace tc {

void append_certificate_row(JsonText& out, const CertificateFacts& certificate, std::string_view role,
                            const std::vector<std::string>& finding_ids);

}  // namespace tc
