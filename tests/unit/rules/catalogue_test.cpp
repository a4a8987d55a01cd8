#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "rules/catalogue.h"

namespace tc {
namespace {

// docs/findings.md documents every id under a heading "### `id` (severity)".
std::map<std::string, std::string> documented_ids() {
  std::ifstream file(std::string(TRUNKCHECK_SOURCE_DIR) + "/docs/findings.md");
  std::map<std::string, std::string> ids;
  std::string line;
  std::regex heading(R"(^### `([a-z0-9-]+)` \((critical|high|medium|low|info)\))");
  while (std::getline(file, line)) {
    std::smatch match;
    if (std::regex_search(line, match, heading)) ids[match[1]] = match[2];
  }
  return ids;
}

TEST(Catalogue, EveryIdIsDocumentedWithItsSeverity) {
  auto documented = documented_ids();
  ASSERT_FALSE(documented.empty()) << "docs/findings.md has no entries";
  for (const auto& entry : finding_catalogue()) {
    auto it = documented.find(std::string(entry.id));
    ASSERT_NE(it, documented.end()) << entry.id << " is missing from docs/findings.md";
    EXPECT_EQ(it->second, to_string(entry.severity)) << entry.id;
  }
}

TEST(Catalogue, EveryDocumentedIdExistsInCode) {
  for (const auto& [id, severity] : documented_ids()) {
    EXPECT_NE(find_catalogue_entry(id), nullptr) << id << " is documented but not in the catalogue";
  }
}

TEST(Catalogue, IdsAreUniqueKebabCaseWithTitleAndRemediation) {
  std::set<std::string_view> seen;
  std::regex kebab("^[a-z0-9]+(-[a-z0-9]+)*$");
  for (const auto& entry : finding_catalogue()) {
    EXPECT_TRUE(seen.insert(entry.id).second) << "duplicate " << entry.id;
    EXPECT_TRUE(std::regex_match(std::string(entry.id), kebab)) << entry.id;
    EXPECT_FALSE(entry.title.empty()) << entry.id;
    EXPECT_FALSE(entry.remediation.empty()) << entry.id;
  }
}

TEST(CatalogueDeathTest, UnknownIdAborts) {
  EXPECT_DEATH(make_finding("no-such-finding", "s", "d"), "not in the catalogue");
}

}  // namespace
}  // namespace tc
