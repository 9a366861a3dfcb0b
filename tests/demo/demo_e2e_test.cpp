// End to end: `policyindex demo --no-serve --format json` serves the sample, crawls, extracts,
// indexes and answers; every answer is checked against demo/sample/expected.json. Passes
// only once crawl, extract, index and the queries are all built.

#include <nlohmann/json.hpp>

#include "demo/sample/sample_site.h"
#include "tests/demo/demo_checks.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "  " + x + "\n";
  return s;
}

// `policyindex --data DATA search ARGS --format json`
json search(const std::string& data, const std::string& args) {
  std::string out, err;
  int rc = testing::run_command(testing::policyindex_binary().string() + " --data " + data +
                                    " search " + args + " --format json",
                                &out, &err);
  EXPECT_EQ(rc, 0) << args << ": " << err;
  return rc == 0 ? json::parse(out) : json::object();
}

// One run of the whole pipeline (ctest runs each test case in its own process, so the
// checks share one test case rather than re-running the demo for each).
TEST(DemoEndToEndTest, AnswersMatchExpectedJson) {
  testing::TempDir dir;
  const std::string data = (dir / "data").string();
  std::string out, err;
  int rc = testing::run_command(testing::policyindex_binary().string() +
                                    " demo --no-serve --quiet --data " + data + " --format json",
                                &out, &err);
  ASSERT_EQ(rc, 0) << "policyindex demo failed:\n" << err;
  const json tour = json::parse(out);
  const json expected =
      json::parse(testing::read_file(testing::source_dir() / "demo/sample/expected.json"));

  {
    SCOPED_TRACE("every town gets its expected verdicts");
    auto bad = demo_checks::check_scorecards(tour, expected);
    EXPECT_TRUE(bad.empty()) << lines(bad);
  }
  {
    SCOPED_TRACE("the matrix agrees");
    auto bad = demo_checks::check_matrix(tour, expected);
    EXPECT_TRUE(bad.empty()) << lines(bad);
  }
  {
    SCOPED_TRACE("provision facets name the right towns");
    auto bad = demo_checks::check_search_facet(tour["search"], expected["facets"][0]);
    for (const auto& f : expected["facets"]) {
      std::string args = "'" + f["query"].get<std::string>() + "' --limit 50";
      if (f.contains("provision")) args += " --provision " + f["provision"].get<std::string>();
      if (f.contains("stance")) args += " --stance " + f["stance"].get<std::string>();
      if (f.contains("cites")) args += " --cites " + f["cites"].get<std::string>();
      auto more = demo_checks::check_search_facet(search(data, args), f);
      bad.insert(bad.end(), more.begin(), more.end());
    }
    EXPECT_TRUE(bad.empty()) << lines(bad);
  }
  {
    SCOPED_TRACE("peers rank the same county first");
    auto bad = demo_checks::check_peers(tour["peers"], expected["peers"][0]);
    EXPECT_TRUE(bad.empty()) << lines(bad);
  }
  {
    SCOPED_TRACE("struck and disallowed language is not indexed");
    for (const auto& a : expected["absent_phrases"]) {
      json r = search(data, "'" + a["phrase"].get<std::string>() + "'");
      EXPECT_EQ(r.value("total", -1), 0) << a["phrase"] << " (" << a["why"] << ") found:\n"
                                         << r.dump(1);
    }
  }
  {
    SCOPED_TRACE("scanned (OCR) and windows-1252 text is found");
    for (const auto& p : expected["present_phrases"]) {
      json r = search(data, "'\"" + p["phrase"].get<std::string>() + "\"' --town '" +
                                p["town"].get<std::string>() + "'");
      EXPECT_GT(r.value("total", 0), 0) << p["phrase"] << " (" << p["why"] << ")";
    }
  }
  {
    SCOPED_TRACE("the crawler obeyed robots.txt and followed the redirects");
    auto sample = sample::load_sample(sample::default_sample_dir());
    ASSERT_OK(sample);
    std::vector<std::pair<std::string, std::string>> addresses;
    for (const auto& s : sample->sites) addresses.emplace_back(s.slug, s.address);
    auto bad = demo_checks::check_access_log(
        testing::read_file(fs::path(data) / "sample-access.log"), expected, addresses);
    EXPECT_TRUE(bad.empty()) << lines(bad);
    std::string reg = testing::read_file(fs::path(data) / "sample-registry/municipalities.tsv");
    EXPECT_NE(
        reg.find("http://127.0.0.2:" + std::to_string(tour["sample"]["port"].get<int>()) + "/"),
        std::string::npos);
  }
}

}  // namespace
}  // namespace policyindex
