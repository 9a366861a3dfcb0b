// The query commands through the policyindex binary: every command in every format, exit
// codes, forgiving town names, CSV that a CSV reader loads as is.
#include <nlohmann/json.hpp>

#include "index/index.h"
#include "query/query.h"
#include "serve/http_handler.h"
#include "tests/index/fixture.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
using testing::TempDir;

struct CliCorpus {
  TempDir dir;
  std::string base;
  CliCorpus() {
    {
      auto store = corpus::Store::open(dir / "data");
      EXPECT_TRUE(store.has_value());
      testing::build_small_corpus(*store);
    }
    base = testing::policyindex_binary().string() + " --data " + (dir / "data").string() + " ";
    std::string out, err;
    EXPECT_EQ(testing::run_command(base + "index", &out, &err), 0) << err;
    EXPECT_NE(out.find("indexed 4 documents"), std::string::npos) << out;
  }
  int run(const std::string& args, std::string* out, std::string* err) {
    return testing::run_command(base + args, out, err);
  }
};

CliCorpus& cli() {
  static CliCorpus c;
  return c;
}

// Parses CSV with Python's csv module (what pandas and R's read.csv follow) and returns
// "rows x columns", or "ragged" when rows differ in length.
std::string csv_shape(const std::string& csv, const TempDir& dir) {
  testing::write_file(dir / "out.csv", csv);
  std::string out;
  testing::run_command(
      "python3 -c \"import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=''))); "
      "print('ragged' if len(set(map(len, r)))!=1 else '%dx%d' % (len(r), len(r[0])))\" " +
          (dir / "out.csv").string(),
      &out);
  return out.substr(0, out.find('\n'));
}

TEST(QueryCliTest, SearchInEveryFormat) {
  std::string out, err;
  ASSERT_EQ(cli().run("search 'share' --town Ashmere", &out, &err), 0) << err;
  EXPECT_NE(out.find("1 section matches \"share\""), std::string::npos) << out;
  EXPECT_NE(out.find("Ashmere — Ashmere Trust Ordinance"), std::string::npos) << out;
  EXPECT_NE(out.find("Facets (exact counts"), std::string::npos) << out;
  ASSERT_EQ(cli().run("search 'release dates' --format json --limit 2", &out, &err), 0) << err;
  json j = json::parse(out);
  EXPECT_EQ(j["total"], 3);
  EXPECT_EQ(j["hits"].size(), 2u);
  EXPECT_EQ(j["facets"]["provision"]["info_sharing"], 3);
  ASSERT_EQ(cli().run("search 'release dates' --format csv", &out, &err), 0) << err;
  TempDir tmp;
  EXPECT_EQ(csv_shape(out, tmp), "4x21") << out;  // 14 columns, then 7 of provenance
  ASSERT_EQ(cli().run("search '' --provision Q7 --format json", &out, &err), 0) << err;
  EXPECT_EQ(json::parse(out)["total"], 1);
  ASSERT_EQ(cli().run("search '287(g)' --format json", &out, &err), 0) << err;
  EXPECT_EQ(json::parse(out)["total"], 1);
}

TEST(QueryCliTest, BadInputExitsOneWithOneClearLine) {
  std::string out, err;
  EXPECT_EQ(cli().run("search '\"unbalanced'", &out, &err), 1);
  EXPECT_NE(err.find("unbalanced quotes"), std::string::npos) << err;
  EXPECT_EQ(cli().run("search ''", &out, &err), 1);
  EXPECT_NE(err.find("empty query"), std::string::npos) << err;
  EXPECT_EQ(cli().run("scorecard Quilfeld", &out, &err), 1);
  EXPECT_NE(err.find("did you mean: Quillfield"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(cli().run("search x --format xml", &out, &err), 2);
  EXPECT_EQ(cli().run("scorecard", &out, &err), 2);
  EXPECT_EQ(testing::run_command(testing::policyindex_binary().string() + " --data /nonexistent/x search foo", &out, &err), 1);
  EXPECT_NE(err.find("no corpus here"), std::string::npos) << err;
}

TEST(QueryCliTest, ScorecardCompareAndPeers) {
  std::string out, err;
  ASSERT_EQ(cli().run("scorecard 'TOWN OF QUILLFIELD'", &out, &err), 0) << err;
  EXPECT_NE(out.find("Quillfield (Brackett County)"), std::string::npos) << out;
  EXPECT_NE(out.find("Q7  GREEN"), std::string::npos) << out;
  EXPECT_NE(out.find("287(g) agreement"), std::string::npos) << out;
  ASSERT_EQ(cli().run("scorecard quillfield --format json", &out, &err), 0) << err;
  EXPECT_EQ(json::parse(out)["Q7"]["verdict"], "green");
  ASSERT_EQ(cli().run("compare Ashmere 'North Quillfield' --provision Q2", &out, &err), 0) << err;
  EXPECT_NE(out.find("North Quillfield: RED"), std::string::npos) << out;
  EXPECT_NE(out.find("Ashmere: GREEN"), std::string::npos) << out;
  ASSERT_EQ(cli().run("compare Ashmere Quillfield --format json", &out, &err), 0) << err;
  EXPECT_EQ(json::parse(out)["towns"].size(), 2u);
  ASSERT_EQ(cli().run("peers 'north quillfield' --provision info_sharing", &out, &err), 0) << err;
  EXPECT_NE(out.find("Ashmere (Brackett, same county"), std::string::npos) << out;
  ASSERT_EQ(cli().run("peers 'north quillfield' --format json", &out, &err), 0) << err;
  EXPECT_FALSE(json::parse(out)["provisions"].empty());
}

TEST(QueryCliTest, MatrixCsvLoadsAsATable) {
  std::string out, err;
  ASSERT_EQ(cli().run("matrix", &out, &err), 0) << err;
  TempDir tmp;
  // town, county, documents; 16 provisions; Q1..Q7 states; 5 crawl columns
  EXPECT_EQ(csv_shape(out, tmp), "358x" + std::to_string(3 + 16 + 7 + 5)) << out.substr(0, 400);
  EXPECT_EQ(out.rfind("town,county,documents,Q1,Q2,Q3,Q4,Q5,Q6,Q7,", 0), 0u) << out.substr(0, 200);
  EXPECT_NE(out.find("Quillfield,Brackett,1,absent,absent,green,absent,absent,absent,green"), std::string::npos);
  EXPECT_NE(out.find("Vinehaven-by-the-Lake,Coldwater,0,no document"), std::string::npos);
  // Coverage states: Quillfield's in-force ordinance is silent on Q1; Vinehaven has nothing known.
  EXPECT_NE(out.find(",not_addressed,not_addressed,green,not_addressed,not_addressed,not_addressed,green,no,0,0,,\r\n"),
            std::string::npos);
  EXPECT_NE(out.find(",not_crawled,not_crawled,not_crawled,not_crawled,not_crawled,not_crawled,not_crawled,no,0,0,,"),
            std::string::npos);
  ASSERT_EQ(cli().run("matrix --format json", &out, &err), 0) << err;
  const json m = json::parse(out);
  EXPECT_EQ(m["rows"].size(), 357u);
  int64_t sum = 0;
  for (const auto& [state, n] : m["state_counts"]["Q7"].items()) sum += n.get<int64_t>();
  EXPECT_EQ(sum, 357) << "every town in one state";
  ASSERT_EQ(cli().run("matrix --format text", &out, &err), 0) << err;
  EXPECT_NE(out.find("Quillfield"), std::string::npos);
  EXPECT_NE(out.find("not_crawled"), std::string::npos) << "the statewide counts";
  // --by without --long is bad usage; --long rows trace to the version.
  EXPECT_EQ(cli().run("matrix --by provision", &out, &err), 2);
  ASSERT_EQ(cli().run("matrix --long --format json", &out, &err), 0) << err;
  const json l = json::parse(out);
  EXPECT_EQ(l["rows"].size(), 357u * 7);
  EXPECT_EQ(l["omitted"], 0);
}

TEST(QueryCliTest, HistoryByTownAndByDocument) {
  std::string out, err;
  ASSERT_EQ(cli().run("history 'port tessaly'", &out, &err), 0) << err;
  EXPECT_NE(out.find("sections_added: 13 Complaints;"), std::string::npos) << out;
  EXPECT_NE(out.find("complaints: absent -> green"), std::string::npos) << out;
  ASSERT_EQ(cli().run("history 'port tessaly' --format json", &out, &err), 0) << err;
  json j = json::parse(out);
  std::string id = j["documents"][0]["id"];
  ASSERT_EQ(cli().run("history " + id + " --format json", &out, &err), 0) << err;
  EXPECT_EQ(json::parse(out)["documents"][0]["versions"].size(), 2u);
}

// One town resolver for every command, `add --town` included: exact name, then an
// unambiguous prefix; an ambiguous or unknown name is an error listing the candidates.
TEST(QueryCliTest, AddUsesTheTownResolver) {
  TempDir dir;
  testing::write_file(dir / "policy.txt", "Section 1. No officer shall ask about immigration status.\n");
  const std::string base = testing::policyindex_binary().string() + " --data " + (dir / "data").string() + " ";
  const std::string add = base + "add " + (dir / "policy.txt").string() + " --type police_policy --town ";
  std::string out, err;
  ASSERT_EQ(testing::run_command(add + "manchester", &out, &err), 0) << err;
  ASSERT_EQ(testing::run_command(base + "history Manchester-by-the-Sea --format json", &out, &err), 0) << err;
  EXPECT_EQ(json::parse(out)["documents"].size(), 1u) << out;
  EXPECT_EQ(testing::run_command(add + "north", &out, &err), 1);
  EXPECT_NE(err.find("ambiguous municipality 'north'; did you mean: North Adams, North Andover"), std::string::npos)
      << err;
  EXPECT_EQ(testing::run_command(add + "Atlantis", &out, &err), 1);
  EXPECT_NE(err.find("unknown municipality 'Atlantis'; did you mean: "), std::string::npos) << err;
  // The query commands say "town" and list the same candidates.
  EXPECT_EQ(testing::run_command(base + "scorecard north", &out, &err), 1);
  EXPECT_NE(err.find("ambiguous town 'north'; did you mean: North Adams, North Andover"), std::string::npos) << err;
}

// The CLI and the JSON API write their JSON through the same render/ writer: for the same
// request, `--format json` prints exactly the bytes /api/... answers (plus a newline).
TEST(QueryCliTest, CliJsonAndApiJsonAreTheSameBytes) {
  auto api = query::open_api(cli().dir / "data");
  ASSERT_TRUE(api.has_value()) << api.error().message;
  const std::pair<std::string, std::string> cases[] = {
      {"search 'release dates' --limit 2 --format json", "/api/search?q=release%20dates&limit=2"},
      {"search share --town Ashmere --format json", "/api/search?q=share&town=Ashmere"},
      {"scorecard 'town of quillfield' --format json", "/api/scorecard/town%20of%20quillfield"},
      {"matrix --format json", "/api/matrix"},
      {"compare Ashmere Quillfield --format json", "/api/compare?town=Ashmere&town=Quillfield"},
      {"peers 'North Quillfield' --provision info_sharing --format json",
       "/api/peers?town=North%20Quillfield&provision=info_sharing"},
      {"history 'port tessaly' --format json", "/api/history?town=port%20tessaly"},
  };
  for (const auto& [args, target] : cases) {
    std::string out, err;
    ASSERT_EQ(cli().run(args, &out, &err), 0) << args << ": " << err;
    serve::HttpResponse r = serve::handle_request(serve::HttpRequest{"GET", target, {}, ""}, **api);
    ASSERT_EQ(r.status, 200) << target << ": " << r.body;
    EXPECT_EQ(out, r.body + "\n") << args << " vs " << target;
    EXPECT_GT(r.body.size(), 20u) << target;
  }
}

}  // namespace
}  // namespace policyindex
