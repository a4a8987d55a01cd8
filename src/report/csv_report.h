#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace tc {

// RFC 4180 CSV: fields with a comma, quote or line break are quoted.
void write_csv_row(std::ostream& out, const std::vector<std::string>& fields);

}  // namespace tc
