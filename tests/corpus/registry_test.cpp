#include <filesystem>
#include <map>

#include "corpus/corpus.h"
#include "tests/testing/testing.h"

namespace policyindex::corpus {
namespace {

using testing::TempDir;
using testing::write_file;

struct BadLine {
  const char* content;
  const char* expect;  // substring of the message
};

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
  size_t websites = 0, police = 0, code_hosts = 0;
  int64_t people = 0;
  for (const auto& m : reg->municipalities) {
    websites += m.website.empty() ? 0 : 1;
    police += m.police_website.empty() ? 0 : 1;
    code_hosts += m.code_host.empty() ? 0 : 1;
    // Every municipality has its 2020 census count, with its source.
    ASSERT_TRUE(m.population.has_value()) << m.name;
    EXPECT_GT(*m.population, 0) << m.name;
    EXPECT_NE(m.provenance.find("population="), std::string::npos) << m.name;
    people += *m.population;
    // Every filled cell names its source (build/build_registry.py writes both).
    if (!m.website.empty()) {
      EXPECT_NE(m.provenance.find("website="), std::string::npos) << m.name;
    }
    if (!m.police_website.empty()) {
      EXPECT_NE(m.provenance.find("police_website="), std::string::npos) << m.name;
    }
    if (!m.alt_domains.empty()) {
      EXPECT_NE(m.provenance.find("alt_domains="), std::string::npos) << m.name;
    }
  }
  // The Commonwealth's 2020 census count is the sum of its 351 municipalities'.
  EXPECT_EQ(people, 7029917);
  EXPECT_GE(websites, 335u);
  EXPECT_GE(police, 8u);
  EXPECT_GE(code_hosts, 4u);
  auto builtin = builtin_municipalities();
  ASSERT_OK(builtin);
  ASSERT_EQ(builtin->size(), 351u);
  EXPECT_EQ((*builtin)[1].name, "Acton");
  EXPECT_EQ((*builtin)[1].alt_domains, reg->municipalities[1].alt_domains);
  EXPECT_EQ((*builtin)[1].population, reg->municipalities[1].population);

  // One sheriff's office per county, each county one of the registry's.
  ASSERT_EQ(reg->sheriffs.size(), 14u);
  size_t sheriff_sites = 0;
  for (const auto& s : reg->sheriffs) {
    EXPECT_EQ(counties.count(s.county), 1u) << s.county;
    if (!s.website.empty()) {
      ++sheriff_sites;
      EXPECT_FALSE(s.provenance.empty()) << s.name;
    }
  }
  EXPECT_GE(sheriff_sites, 13u);
}

// The registry is compiled into the binary as one string literal; -Wpedantic limits those to
// 65535 characters, so the file must stay below that.
TEST(RegistryTest, MassachusettsFileFitsTheEmbeddedStringLimit) {
  auto path = testing::source_dir() / "corpus" / "massachusetts" / "municipalities.tsv";
  EXPECT_LT(std::filesystem::file_size(path), 65536u);
}

TEST(RegistryTest, ReadsTheOptionalColumns) {
  TempDir dir;
  write_file(dir / "municipalities.tsv",
             "# a comment before the header\n"
             "name\tcounty\tkind\twebsite\tpolice_website\tcode_host\talt_domains\tprovenance\n"
             "# a comment between rows\n"
             "Alderbrook\tEssex\ttown\thttps://alderbrook.example/\thttps://alderbrookpd.example/"
             "\tecode360:AL1234\tAlderbrook-MA.example, alderbrook.example.org\t"
             "website=listA; police_website=listA;code_host=listB;alt_domains=listA\n"
             "Birchfield\tEssex\tcity\t\t\tmunicode:birchfield\t\t\n");
  auto r = read_municipalities(dir / "municipalities.tsv");
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 2u);
  const auto& a = (*r)[0];
  EXPECT_EQ(a.police_website, "https://alderbrookpd.example/");
  EXPECT_EQ(a.code_host, "ecode360:AL1234");
  EXPECT_EQ(a.alt_domains, (std::vector<std::string>{"alderbrook-ma.example", "alderbrook.example.org"}));
  EXPECT_NE(a.provenance.find("code_host=listB"), std::string::npos);
  const auto& b = (*r)[1];
  EXPECT_TRUE(b.website.empty());
  EXPECT_TRUE(b.police_website.empty());
  EXPECT_EQ(b.code_host, "municode:birchfield");
  EXPECT_TRUE(b.alt_domains.empty());
}

TEST(RegistryTest, BadOptionalColumnsNameFileAndLine) {
  const std::string head = "name\tcounty\tpolice_website\tcode_host\talt_domains\tprovenance\n";
  const BadLine cases[] = {
      {"\tA\tftp://pd\t\t\t\n", ":2: police_website 'ftp://pd'"},
      {"\tA\t\tlibrary:a\t\t\n", ":2: code_host 'library:a' is not PLATFORM:ID"},
      {"\tA\t\tecode360:\t\t\n", ":2: code_host 'ecode360:'"},
      {"\tA\t\tmunicode:a b\t\t\n", ":2: code_host 'municode:a b'"},
      {"\tA\t\t\ta.example,not a host\t\n", ":2: alt_domains entry 'not a host'"},
      {"\tA\t\t\tlocalhost\t\n", ":2: alt_domains entry 'localhost'"},
      {"\tA\t\t\t\twebsite=list\n", ":2: provenance names 'website', which is not a column"},
      {"\tA\t\t\t\tcode_host\n", ":2: provenance 'code_host' is not COLUMN=SOURCE"},
      {"\tA\t\t\t\tcode_host=\n", ":2: provenance 'code_host=' is not COLUMN=SOURCE"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    auto path = dir / "municipalities.tsv";
    // Each case's row starts with the name: prefix it here so the cases stay short.
    write_file(path, head + "Alderbrook" + c.content);
    auto r = read_municipalities(path);
    ASSERT_FALSE(r.has_value()) << c.content;
    EXPECT_NE(r.error().message.find(path.string() + c.expect), std::string::npos)
        << "input:\n" << c.content << "\nmessage: " << r.error().message;
  }
}

TEST(RegistryTest, ReadsSheriffsWithTheRegistry) {
  TempDir dir;
  write_file(dir / "municipalities.tsv",
             "name\tcounty\tkind\nAlderbrook\tEssex\ttown\nBirchfield\tHampden\tcity\n");
  write_file(dir / "sheriffs.tsv",
             "# comment\nname\tcounty\twebsite\tprovenance\n"
             "Essex Sheriff's Department\tEssex\thttps://sheriff.example/\thttps://evidence.example/p\n"
             "Hampden Sheriff's Department\thampden\t\t\n");
  auto reg = read_registry(dir.path());
  ASSERT_OK(reg);
  ASSERT_EQ(reg->sheriffs.size(), 2u);
  EXPECT_EQ(reg->sheriffs[0].website, "https://sheriff.example/");
  EXPECT_EQ(reg->sheriffs[0].provenance, "https://evidence.example/p");
  EXPECT_EQ(reg->sheriffs[1].county, "hampden");  // counties match case-insensitively
  EXPECT_TRUE(reg->sheriffs[1].website.empty());

  // Without sheriffs.tsv the registry still reads, with no sheriffs.
  std::filesystem::remove(dir / "sheriffs.tsv");
  auto bare = read_registry(dir.path());
  ASSERT_OK(bare);
  EXPECT_TRUE(bare->sheriffs.empty());

  const BadLine cases[] = {
      {"name\tcounty\nX Sheriff\tNowhere\n", ":2: county 'Nowhere' has no municipality in the registry"},
      {"name\tcounty\nA\tEssex\nB\tESSEX\n", ":3: county 'ESSEX' already has a sheriff's office"},
      {"name\tcounty\twebsite\nA\tEssex\twww.sheriff.example\n", ":2: website 'www.sheriff.example'"},
      {"name\tcounty\n\tEssex\n", ":2: empty name"},
      {"name\tcounty\nA\t\n", ":2: 'A' has no county"},
      {"name\twebsite\nA\thttps://a.example/\n", ":1: header lacks the column 'county'"},
  };
  for (const auto& c : cases) {
    write_file(dir / "sheriffs.tsv", c.content);
    auto bad = read_registry(dir.path());
    ASSERT_FALSE(bad.has_value()) << c.content;
    EXPECT_NE(bad.error().message.find("sheriffs.tsv" + std::string(c.expect)), std::string::npos)
        << "input:\n" << c.content << "\nmessage: " << bad.error().message;
  }
}

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
