#pragma once
// Escaping for the markup and exposition formats. Everything a report prints
// may come from a hostile capture or peer (certificate subjects, SIP headers),
// so every string from the evidence goes through one of these.
#include <string>
#include <string_view>

namespace tc {

// HTML/XML text and attribute values: & < > " ' become entities; control
// characters other than tab/newline (not allowed in XML 1.0) become U+FFFD;
// invalid UTF-8 bytes become U+FFFD too, so the output is always valid UTF-8.
std::string markup_escape(std::string_view text);

// Prometheus exposition format label value: backslash, double quote and line
// feed escaped (\\, \", \n); other control characters and invalid UTF-8
// replaced by U+FFFD as above.
std::string prometheus_label_escape(std::string_view text);

// Valid UTF-8 with invalid sequences replaced by U+FFFD.
std::string sanitise_utf8(std::string_view text);

}  // namespace tc
