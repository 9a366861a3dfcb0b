// The catalog side of query::Api: scorecard, matrix, compare, peers, history, document,
// changes, taxonomy, in the JSON shapes of docs/API.md.
#include <nlohmann/json.hpp>

#include "index/index.h"
#include "query/query.h"
#include "tests/query/as_json.h"
#include "tests/index/fixture.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
using testing::TempDir;

struct Fixture {
  TempDir dir;
  std::unique_ptr<query::Api> api;
  Fixture() {
    auto store = corpus::Store::open(dir / "data");
    EXPECT_TRUE(store.has_value());
    testing::build_small_corpus(*store);
    auto a = query::open_api(dir / "data");
    EXPECT_TRUE(a.has_value());
    api = std::move(*a);
  }
};

Fixture& fx() {
  static Fixture f;
  return f;
}

json ok(const Result<std::string>& r) {
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? json::parse(*r) : json();
}

TEST(ApiTest, ScorecardHasQuestionsThenProvisionsWithEvidence) {
  json s = ok(as_json(fx().api->scorecard("town of quillfield")));
  EXPECT_EQ(s["town"], "Quillfield");
  EXPECT_EQ(s["county"], "Brackett");
  ASSERT_EQ(s["documents"].size(), 1u);
  EXPECT_EQ(s["documents"][0]["title"], "Welcoming Community Ordinance");
  EXPECT_EQ(s["documents"][0]["versions"], 1);
  for (const char* q : {"Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"}) ASSERT_TRUE(s.contains(q)) << q;
  EXPECT_EQ(s["Q7"]["provision"], "287g");
  EXPECT_EQ(s["Q7"]["question"], "Q7");
  EXPECT_EQ(s["Q7"]["verdict"], "green");
  ASSERT_FALSE(s["Q7"]["evidence"].empty());
  const json& ev = s["Q7"]["evidence"][0];
  EXPECT_EQ(ev["document_id"], "1");
  EXPECT_EQ(ev["document"], "Welcoming Community Ordinance");
  EXPECT_EQ(ev["url"], "https://quillfield.example/welcoming.pdf");
  EXPECT_EQ(ev["section"], "2");
  EXPECT_EQ(ev["heading"], "287(g) agreements");
  EXPECT_EQ(ev["page"], 1);
  EXPECT_EQ(ev["stance"], "protective");
  EXPECT_NE(ev["text"].get<std::string>().find("287(g) agreement"), std::string::npos);
  EXPECT_EQ(s["Q2"]["verdict"], "absent");
  EXPECT_TRUE(s["Q2"]["evidence"].empty());
  ASSERT_TRUE(s.contains("equal_treatment"));
  EXPECT_EQ(s["equal_treatment"]["verdict"], "green");
  EXPECT_EQ(s["equal_treatment"]["question"], "");

  json nq = ok(as_json(fx().api->scorecard("North Quillfield")));
  EXPECT_EQ(nq["Q1"]["verdict"], "red");
  EXPECT_EQ(nq["Q2"]["verdict"], "red");
  EXPECT_EQ(nq["Q2"]["evidence"][0]["page"], nullptr);
}

TEST(ApiTest, ScorecardUsesOnlyCurrentVersionsOfActiveDocuments) {
  json t = ok(as_json(fx().api->scorecard("Port Tessaly")));
  EXPECT_EQ(t["complaints"]["verdict"], "green");  // added in the second version
  EXPECT_EQ(t["documents"][0]["versions"], 2);
  ASSERT_EQ(t["reporting"]["evidence"].size(), 1u);
  EXPECT_NE(t["reporting"]["evidence"][0]["text"].get<std::string>().find("quarterly"), std::string::npos);
  json m = ok(as_json(fx().api->scorecard("Marrow Falls")));  // its only document is gone
  EXPECT_TRUE(m["documents"].empty());
}

TEST(ApiTest, UnknownTownListsCloseNames) {
  auto r = as_json(fx().api->scorecard("Quilfield"));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("unknown town 'Quilfield'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("Quillfield"), std::string::npos) << r.error().message;
  EXPECT_TRUE(as_json(fx().api->scorecard("Vinehaven")).has_value());  // unique prefix of Vinehaven-by-the-Lake
}

TEST(ApiTest, MatrixCoversEveryMunicipality) {
  json m = ok(as_json(fx().api->matrix()));
  ASSERT_GE(m["columns"].size(), 8u);
  EXPECT_EQ(m["columns"][0], "Q1");
  EXPECT_EQ(m["columns"][6], "Q7");
  EXPECT_EQ(m["labels"]["Q7"], "287g");
  EXPECT_EQ(m["rows"].size(), 351u + 6u);  // Massachusetts plus the fictional towns
  std::map<std::string, json> rows;
  for (const auto& r : m["rows"]) rows[r["town"]] = r;
  EXPECT_EQ(rows["Quillfield"]["cells"]["Q7"], "green");
  EXPECT_EQ(rows["Quillfield"]["cells"]["Q2"], "absent");
  EXPECT_EQ(rows["Quillfield"]["documents"], 1);
  EXPECT_EQ(rows["North Quillfield"]["cells"]["Q1"], "red");
  EXPECT_EQ(rows["Vinehaven-by-the-Lake"]["cells"]["Q1"], "no document");
  EXPECT_EQ(rows["Marrow Falls"]["cells"]["Q7"], "no document");
  EXPECT_EQ(rows["Boston"]["cells"]["Q3"], "no document");
}

TEST(ApiTest, CompareSideBySide) {
  json c = ok(as_json(fx().api->compare({"Ashmere", "North Quillfield", "Vinehaven"}, "")));
  ASSERT_EQ(c["towns"].size(), 3u);
  EXPECT_EQ(c["towns"][1]["town"], "North Quillfield");
  const json* q2 = nullptr;
  for (const auto& r : c["rows"]) if (r["question"] == "Q2") q2 = &r;
  ASSERT_NE(q2, nullptr);
  EXPECT_EQ((*q2)["provision"], "info_sharing");
  EXPECT_EQ((*q2)["cells"][0]["verdict"], "green");
  EXPECT_EQ((*q2)["cells"][1]["verdict"], "red");
  EXPECT_EQ((*q2)["cells"][2]["verdict"], "no document");
  EXPECT_NE((*q2)["cells"][1]["evidence"][0]["text"].get<std::string>().find("release dates"), std::string::npos);
  json only = ok(as_json(fx().api->compare({"Ashmere", "Quillfield"}, "Q1")));
  ASSERT_EQ(only["rows"].size(), 1u);
  EXPECT_EQ(only["rows"][0]["provision"], "status_inquiry");
  EXPECT_FALSE(as_json(fx().api->compare({"Ashmere"}, "dragons")).has_value());
}

TEST(ApiTest, PeersRankSameCountyFirstAndQuoteTheLanguage) {
  json p = ok(as_json(fx().api->peers("North Quillfield", "info_sharing")));
  ASSERT_EQ(p["provisions"].size(), 1u);
  const json& prov = p["provisions"][0];
  EXPECT_EQ(prov["verdict"], "red");
  ASSERT_EQ(prov["peers"].size(), 2u);
  EXPECT_EQ(prov["peers"][0]["town"], "Ashmere");  // Brackett County, like North Quillfield
  EXPECT_TRUE(prov["peers"][0]["same_county"].get<bool>());
  EXPECT_EQ(prov["peers"][1]["town"], "Port Tessaly");
  EXPECT_FALSE(prov["peers"][1]["same_county"].get<bool>());
  EXPECT_GT(prov["peers"][1]["similarity"].get<double>(), 0.0);
  EXPECT_NE(prov["peers"][0]["evidence"][0]["text"].get<std::string>().find("shall not share"), std::string::npos);
  // Without --provision: every question not green. Quillfield is green on Q3 and Q7 only.
  json all = ok(as_json(fx().api->peers("Quillfield", "")));
  std::set<std::string> qs;
  for (const auto& x : all["provisions"]) qs.insert(x["question"]);
  EXPECT_EQ(qs, (std::set<std::string>{"Q1", "Q2", "Q4", "Q5", "Q6"}));
  // A green town has nothing to borrow on that provision.
  json green = ok(as_json(fx().api->peers("Ashmere", "Q2")));
  EXPECT_TRUE(green["provisions"][0]["peers"].empty());
}

TEST(ApiTest, HistoryShowsVersionsAndWhatChanged) {
  json h = ok(as_json(fx().api->history("port tessaly")));
  EXPECT_EQ(h["town"], "Port Tessaly");
  ASSERT_EQ(h["documents"].size(), 1u);
  const json& versions = h["documents"][0]["versions"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]["fetched_at"], "2024-05-01T09:00:00Z");
  EXPECT_EQ(versions[1]["http_status"], 200);
  const json& ch = versions[1]["changes"];
  EXPECT_EQ(ch["sections_added"], json::parse(R"(["13 Complaints"])"));
  EXPECT_EQ(ch["sections_changed"], json::parse(R"(["12 Reports"])"));
  EXPECT_EQ(ch["provisions_added"], json::parse(R"(["complaints:protective"])"));
  ASSERT_EQ(h["changes"].size(), 1u);
  EXPECT_EQ(h["changes"][0]["kind"], "provision_change");
  EXPECT_EQ(h["changes"][0]["detail"]["to"], "green");
  json d = ok(as_json(fx().api->history(h["documents"][0]["id"].get<std::string>())));
  EXPECT_EQ(d["town"], "Port Tessaly");
  EXPECT_EQ(d["documents"].size(), 1u);
  EXPECT_FALSE(as_json(fx().api->history("99999")).has_value());
}

TEST(ApiTest, DocumentChangesAndTaxonomy) {
  json d = ok(as_json(fx().api->document(1)));
  EXPECT_EQ(d["id"], "1");
  EXPECT_EQ(d["town"], "Quillfield");
  EXPECT_EQ(d["type"], "text");
  ASSERT_EQ(d["sections"].size(), 4u);
  EXPECT_EQ(d["sections"][1]["id"], "1/2");
  EXPECT_EQ(d["sections"][1]["provisions"][0]["provision"], "287g");
  EXPECT_EQ(d["current_version"], d["versions"][0]["id"]);
  auto missing = as_json(fx().api->document(4242));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  json c = ok(as_json(fx().api->changes("", "", 10)));
  ASSERT_EQ(c["changes"].size(), 1u);
  EXPECT_EQ(c["changes"][0]["town"], "Port Tessaly");
  EXPECT_EQ(ok(as_json(fx().api->changes("", "complaints", 10)))["changes"].size(), 1u);
  EXPECT_EQ(ok(as_json(fx().api->changes("", "287g", 10)))["changes"].size(), 0u);
  EXPECT_EQ(ok(as_json(fx().api->changes("Ashmere", "", 10)))["changes"].size(), 0u);

  json t = ok(as_json(fx().api->taxonomy()));
  EXPECT_GE(t["provisions"].size(), 16u);
  EXPECT_EQ(t["municipalities"].size(), 357u);
}

}  // namespace
}  // namespace policyindex
