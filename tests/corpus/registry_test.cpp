#include <map>

#include "corpus/corpus.h"
#include "tests/testing/testing.h"

namespace policyindex::corpus {
namespace {

using testing::TempDir;
using testing::write_file;

TEST(RegistryTest, MassachusettsHas351MunicipalitiesWithCountyCounts) {
  auto reg = read_registry(testing::source_dir() / "corpus" / "massachusetts");
  ASSERT_OK(reg);
  EXPECT_EQ(reg->municipalities.size(), 351u);
  std::map<std::string, int> counties;
  int cities = 0;
  for (const auto& m : reg->municipalities) {
    ++counties[m.county];
    if (m.kind == "city") ++cities;
  }
  EXPECT_EQ(counties.size(), 14u);
  EXPECT_EQ(counties["Middlesex"], 54);
  EXPECT_EQ(counties["Worcester"], 60);
  EXPECT_EQ(counties["Nantucket"], 1);
  EXPECT_EQ(counties["Suffolk"], 4);
  EXPECT_EQ(counties["Berkshire"], 32);
  EXPECT_GT(cities, 30);
  // Every source names a known municipality (read_registry checks) and an https URL.
  EXPECT_FALSE(reg->sources.empty());
  for (const auto& s : reg->sources) EXPECT_EQ(s.url.rfind("https://", 0), 0u) << s.url;
  size_t websites = 0;
  for (const auto& m : reg->municipalities) websites += m.website.empty() ? 0 : 1;
  EXPECT_GE(websites, 20u);
  auto builtin = builtin_municipalities();
  ASSERT_OK(builtin);
  EXPECT_EQ(builtin->size(), 351u);
}

struct BadLine {
  const char* content;
  const char* expect;  // substring of the message
};

TEST(RegistryTest, MalformedLinesNameFileAndLine) {
  const BadLine cases[] = {
      {"name\tcounty\tkind\nA\tX\ttown\n\tY\ttown\n", ":3: empty name"},
      {"name\tcounty\tkind\nA\t\ttown\n", ":2: 'A' has no county"},
      {"name\tcounty\tkind\nA\tX\tvillage\n", ":2: kind must be"},
      {"name\tcounty\tkind\tpopulation\nA\tX\ttown\tmany\n", ":2: population 'many'"},
      {"name\tcounty\tkind\nA\tX\ttown\textra\n", ":2: 4 fields"},
      {"name\tcounty\tkind\nA\tX\ttown\n# comment\nTown of A\tX\ttown\n", ":4: 'Town of A' is listed twice"},
      {"name\tkind\nA\ttown\n", ":1: header lacks the column 'county'"},
      {"name\tcounty\tkind\twebsite\nA\tX\ttown\tftp://a\n", ":2: website 'ftp://a'"},
      {"", "no header"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    auto path = dir / "municipalities.tsv";
    write_file(path, c.content);
    auto r = read_municipalities(path);
    ASSERT_FALSE(r.has_value()) << c.content;
    EXPECT_NE(r.error().message.find(path.string()), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos)
        << "input:\n" << c.content << "\nmessage: " << r.error().message;
  }
}

TEST(RegistryTest, ToleratesBomCrlfTrailingEmptyCellsAndColumnOrder) {
  TempDir dir;
  write_file(dir / "municipalities.tsv",
             "\xEF\xBB\xBFwebsite\tname\tcounty\tkind\tpopulation\r\n"
             "https://a.example\tAlpha\tEssex\tcity\t12,345\r\n"
             "\tBeta\tEssex\r\n");
  auto r = read_municipalities(dir / "municipalities.tsv");
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].website, "https://a.example");
  EXPECT_EQ((*r)[0].population, 12345);
  EXPECT_EQ((*r)[1].name, "Beta");
  EXPECT_FALSE((*r)[1].population.has_value());
}

TEST(RegistryTest, SourcesMustNameKnownTownsAndHttpUrls) {
  TempDir dir;
  write_file(dir / "municipalities.tsv", "name\tcounty\tkind\nAlpha\tEssex\ttown\n");
  write_file(dir / "sources.tsv",
             "municipality\turl\tdoc_type\tnote\nAlpha\thttps://a.example/p.pdf\tordinance\tx\n");
  auto reg = read_registry(dir.path());
  ASSERT_OK(reg);
  ASSERT_EQ(reg->sources.size(), 1u);
  EXPECT_EQ(reg->sources[0].doc_type, "ordinance");

  write_file(dir / "sources.tsv",
             "municipality\turl\tdoc_type\tnote\nAlpha\thttps://a.example/\tbylaw\t\n"
             "Gamma\thttps://g.example/\tbylaw\t\n");
  auto bad = read_registry(dir.path());
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("sources.tsv:3: unknown municipality 'Gamma'"),
            std::string::npos)
      << bad.error().message;

  write_file(dir / "sources.tsv",
             "municipality\turl\tdoc_type\tnote\nAlpha\tjavascript:alert(1)\tbylaw\t\n");
  bad = read_registry(dir.path());
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find(":2: url"), std::string::npos);
}

TEST(RegistryTest, FoldsTownNames) {
  EXPECT_EQ(fold_town_name("Manchester-by-the-Sea"), "manchester by the sea");
  EXPECT_EQ(fold_town_name("  Town of  Acton "), "acton");
  EXPECT_EQ(fold_town_name("CITY OF MEDFORD"), "medford");
  EXPECT_EQ(fold_town_name("Mount Washington"), "mount washington");
}

}  // namespace
}  // namespace policyindex::corpus
