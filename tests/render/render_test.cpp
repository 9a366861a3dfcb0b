// render/: the one CSV writer (RFC 4180 with the formula-injection guard on every cell) and
// the one JSON writer (the bytes of nlohmann's dump()).
#include <nlohmann/json.hpp>

#include "render/render.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using render::csv_field;

TEST(CsvTest, FormulaCellsAreDefused) {
  // A spreadsheet evaluates a cell starting with = + - @ (and TAB or CR, which it strips
  // first): each gets a leading apostrophe, which shows the text as typed.
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_field("=1+2"), "'=1+2");
  EXPECT_EQ(csv_field("+1"), "'+1");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field("-cmd"), "'-cmd");
  EXPECT_EQ(csv_field("-"), "'-");
  EXPECT_EQ(csv_field("\t=1"), "'\t=1");
  EXPECT_EQ(csv_field("\r=1"), "\"'\r=1\"");  // CR also needs quotes
  // Numbers, negative ones included, and ordinary text stay as they are.
  EXPECT_EQ(csv_field("-3"), "-3");
  EXPECT_EQ(csv_field("-0.5"), "-0.5");
  EXPECT_EQ(csv_field("42"), "42");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("Quillfield"), "Quillfield");
  EXPECT_EQ(csv_field("a = b"), "a = b");  // only the first character matters
}

TEST(CsvTest, Rfc4180Quoting) {
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(render::csv_row({"a", "b,c", "=d"}), "a,\"b,c\",'=d\r\n");
}

query::SearchResult hostile_search() {
  auto rec = std::make_shared<index::SectionRecord>();
  rec->section_id = "7/s1";
  rec->document_id = "7";
  rec->town = "=cmd|' /C calc'!A0";
  rec->county = "+Middlesex";
  rec->doc_type = "@bylaw";
  rec->title = "-Title, with a comma";
  rec->url = "https://x.example/a";
  rec->number = "-12";
  rec->page = 3;
  query::SearchResult r;
  r.query = "x";
  r.total = 1;
  r.hits.push_back({rec, "=1+1 <b>x</b>", 1, 0, {}});
  return r;
}

// Both search tables (the CLI's and the web page's) and the matrix go through the guard.
TEST(CsvTest, EveryTableIsGuarded) {
  const auto r = hostile_search();
  for (const std::string& csv : {render::search_csv(r), render::search_csv_web(r)}) {
    EXPECT_NE(csv.find(",'=cmd|' /C calc'!A0,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",'+Middlesex,'@bylaw,\"'-Title, with a comma\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",-12,"), std::string::npos) << "a section number that is a negative number stays";
    EXPECT_NE(csv.find(",'=1+1 x"), std::string::npos) << csv;
    EXPECT_EQ(csv.find(",=", 0), std::string::npos) << csv;
  }
  query::Matrix m;
  m.columns.push_back({"Q1", "status_inquiry", "Status"});
  query::MatrixRow row;
  row.town = "=HYPERLINK(\"x\")";
  row.county = "Coldwater";
  row.cells = {"no document"};
  row.states = {"blocked"};
  row.coverage.blocked = 2;
  row.coverage.blocked_reason = "robots";
  row.coverage.last_crawled = "@2025";
  m.rows.push_back(row);
  EXPECT_EQ(render::matrix_csv(m),
            "town,county,documents,Q1,Q1_state,website_known,pages_fetched,blocked,blocked_reason,last_crawled\r\n"
            "\"'=HYPERLINK(\"\"x\"\")\",Coldwater,0,no document,blocked,no,0,2,robots,'@2025\r\n");
}

// The JSON writer writes what nlohmann's dump() writes for the same object.
TEST(JsonTest, SameBytesAsNlohmann) {
  query::Peers p;
  p.town = "Quill\"field\x01\n";
  p.county = "Br\xc3\xa9kett";
  p.documents = 3;
  for (double sim : {0.0, 0.42, 1.0, 0.001, 0.125}) {
    query::PeerProvision pp{"287g", "Q7", "287(g)", "absent", {}};
    query::EvidenceItem e;
    e.document_id = "17";
    e.document = "Doc";
    e.section = "4";
    e.stance = "protective";
    e.text = "t";
    e.version_id = "5";
    e.sha256 = "ab";
    e.start = 0;
    e.end = 1;
    e.status = "in_force";
    e.version_url = "/documents/17?version=5#s-4";
    pp.peers.push_back({"Ashmere", "B", true, sim, "green", {e}});
    p.provisions.push_back(pp);
  }
  nlohmann::ordered_json j;
  j["town"] = p.town;
  j["county"] = p.county;
  j["documents"] = 3;
  nlohmann::ordered_json provs = nlohmann::ordered_json::array();
  for (const auto& pp : p.provisions) {
    nlohmann::ordered_json ev = {{{"document_id", "17"}, {"document", "Doc"}, {"url", ""}, {"section", "4"},
                                  {"heading", ""}, {"page", nullptr}, {"stance", "protective"}, {"text", "t"},
                                  {"version_id", "5"}, {"sha256", "ab"}, {"fetched_at", ""}, {"section_key", ""},
                                  {"start", 0}, {"end", 1}, {"doc_type", ""}, {"status", "in_force"},
                                  {"version_url", "/documents/17?version=5#s-4"}}};
    nlohmann::ordered_json peer = {{"town", "Ashmere"}, {"county", "B"}, {"same_county", true},
                                   {"similarity", pp.peers[0].similarity}, {"verdict", "green"}, {"evidence", ev}};
    provs.push_back({{"provision", "287g"}, {"question", "Q7"}, {"label", "287(g)"}, {"verdict", "absent"},
                     {"peers", nlohmann::ordered_json::array({peer})}});
  }
  j["provisions"] = provs;
  EXPECT_EQ(render::json(p), j.dump());
}

TEST(JsonTest, StoredDetailIsNormalisedAndBadDetailIsAString) {
  query::ChangeList list;
  list.changes.push_back({"1", "2025-01-01T00:00:00Z", "changed", "3", "T", "u", "s", "{ \"b\": 1,  \"a\": [2] }",
                          std::nullopt, "9"});
  list.changes.push_back({"2", "2025-01-01T00:00:00Z", "changed", std::nullopt, "T", "u", "s", "not json", "8",
                          std::nullopt});
  const std::string out = render::json(list);
  EXPECT_NE(out.find("\"detail\":{\"b\":1,\"a\":[2]}"), std::string::npos) << out;
  EXPECT_NE(out.find("\"detail\":\"not json\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"document_id\":null"), std::string::npos) << out;
  EXPECT_NE(out.find("\"old_version_id\":\"8\",\"new_version_id\":null"), std::string::npos) << out;
  EXPECT_FALSE(nlohmann::json::parse(out, nullptr, false).is_discarded());
}

TEST(JsonTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(render::json_error("bad", "a\xff" "b"), "{\"error\":{\"code\":\"bad\",\"message\":\"a\xef\xbf\xbd" "b\"}}");
}

}  // namespace
}  // namespace policyindex
