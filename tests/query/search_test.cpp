// Search through query::Api: field prefixes, phrases, operators, legal tokens as typed,
// folding, suggestions, paging, filters, exact facets (against a brute-force count over the
// catalog), bad queries, and several databases searched as one (local and remote).
#include <signal.h>
#include <xapian.h>

#include <chrono>
#include <atomic>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "index/index.h"
#include "query/internal.h"
#include "tests/query/as_json.h"
#include "query/query.h"
#include "tests/index/fixture.h"
#include "tests/testing/testing.h"
#include "corpus/sql.h"

namespace policyindex {
namespace {

using nlohmann::json;
using testing::TempDir;

struct Corpus {
  TempDir dir;
  std::unique_ptr<query::Api> api;
  explicit Corpus(bool random = false) {
    auto store = corpus::Store::open(dir / "data");
    EXPECT_TRUE(store.has_value());
    if (random) {
      testing::build_random_corpus(*store, 60, 8, 11);
    } else {
      testing::build_small_corpus(*store);
    }
    auto st = index::update_index(*store, {});
    EXPECT_TRUE(st.has_value()) << (st ? "" : st.error().message);
    auto a = query::open_api(dir / "data");
    EXPECT_TRUE(a.has_value()) << (a ? "" : a.error().message);
    api = std::move(*a);
  }
  json search(const query::SearchRequest& r) {
    auto out = as_json(api->search(r));
    EXPECT_TRUE(out.has_value()) << r.query << ": " << (out ? "" : out.error().message);
    return out ? json::parse(*out) : json();
  }
  json search(const std::string& q) {
    query::SearchRequest r;
    r.query = q;
    return search(r);
  }
  std::set<std::string> sections(const std::string& q) {
    std::set<std::string> s;
    const json r = search(q);
    for (const auto& h : r["hits"]) s.insert(h["section_id"].get<std::string>());
    return s;
  }
};

Corpus& small() {
  static Corpus c;
  return c;
}

TEST(SearchTest, HitsCarryEverythingAResultNeeds) {
  json r = small().search("detainer");
  ASSERT_EQ(r["total"], 2);  // Quillfield 3 and Port Tessaly 12 ("detainer requests")
  const json* q = nullptr;
  for (const auto& h : r["hits"]) if (h["town"] == "Quillfield") q = &h;
  ASSERT_NE(q, nullptr) << r.dump(2);
  EXPECT_EQ((*q)["county"], "Brackett");
  EXPECT_EQ((*q)["doc_type"], "ordinance");
  EXPECT_EQ((*q)["title"], "Welcoming Community Ordinance");
  EXPECT_EQ((*q)["url"], "https://quillfield.example/welcoming.pdf");
  EXPECT_EQ((*q)["number"], "3");
  EXPECT_EQ((*q)["heading"], "Detainers");
  EXPECT_EQ((*q)["page"], 2);
  EXPECT_NE((*q)["snippet"].get<std::string>().find("<b>detainer</b>"), std::string::npos) << (*q)["snippet"];
  EXPECT_EQ((*q)["provisions"], json::parse(R"([{"provision":"detention_on_detainer","stance":"protective"}])"));
  EXPECT_EQ((*q)["cites"], json::parse(R"(["lunn"])"));
  for (const char* k : {"query", "total", "offset", "limit", "suggestion", "hits", "facets"}) EXPECT_TRUE(r.contains(k)) << k;
}

TEST(SearchTest, FieldPrefixesPhrasesOperatorsAndNear) {
  auto& c = small();
  EXPECT_EQ(c.sections("share town:ashmere"), (std::set<std::string>{"3/2"}));
  EXPECT_EQ(c.sections("share town:\"town of north quillfield\""), (std::set<std::string>{"2/B"}));
  EXPECT_EQ(c.search("share county:coldwater")["total"], 1);
  EXPECT_EQ(c.search("provision:Q7")["total"], 1);  // a question names its provision
  EXPECT_EQ(c.search("share stance:permissive")["total"], 1);
  EXPECT_EQ(c.search("type:police_policy")["total"], 2);
  EXPECT_EQ(c.search("cites:lunn")["total"], 1);
  EXPECT_EQ(c.search("share provision:info_sharing provision:status_inquiry")["total"], 3);  // OR within
  EXPECT_EQ(c.search("\"release dates\"")["total"], 3);
  EXPECT_EQ(c.search("\"dates release\"")["total"], 0);
  EXPECT_EQ(c.search("council runs")["total"], 1);
  EXPECT_EQ(c.search("detainer OR complaints")["total"], 3);
  EXPECT_EQ(c.search("share NOT town:ashmere")["total"], 2);
  EXPECT_EQ(c.search("officers NEAR/3 ask")["total"], 1);
  EXPECT_EQ(c.search("officers NEAR/1 immigration")["total"], 1);  // "immigration officers" in Quillfield 2
  EXPECT_EQ(c.search("year:2025 complaints")["total"], 1);
  EXPECT_EQ(c.search("share date:2025-01-01..2025-12-31")["total"], 3);  // Port Tessaly v2 is 2025-06
  EXPECT_EQ(c.search("share date:..2024-12-31")["total"], 0);
  EXPECT_EQ(c.search("share population:..10000")["total"], 1);  // North Quillfield, 4,000
}

TEST(SearchTest, LegalTokensAreFoundAsTyped) {
  auto& c = small();
  EXPECT_EQ(c.sections("287(g)"), (std::set<std::string>{"1/2"}));
  EXPECT_EQ(c.sections("1357(g)"), (std::set<std::string>{"1/2"}));
  EXPECT_EQ(c.sections("8 U.S.C. 1357(g)"), (std::set<std::string>{"1/2"}));
  EXPECT_EQ(c.sections("8 U.S.C. 1373"), (std::set<std::string>{"1/4", "3/2"}));
  EXPECT_EQ(c.sections("8 USC \xC2\xA7 1373"), (std::set<std::string>{"1/4", "3/2"}));
  EXPECT_EQ(c.sections("\xC2\xA7 1373"), (std::set<std::string>{"1/4", "3/2"}));
  EXPECT_EQ(c.sections("I-247A"), (std::set<std::string>{"1/3"}));
  EXPECT_EQ(c.sections("i247a"), (std::set<std::string>{"1/3"}));
  EXPECT_EQ(c.sections("c. 66"), (std::set<std::string>{"1/4"}));
  EXPECT_EQ(c.sections("G.L. c. 66, \xC2\xA7 10"), (std::set<std::string>{"1/4"}));
  EXPECT_EQ(c.sections("287(g) agreement"), (std::set<std::string>{"1/2"}));
}

TEST(SearchTest, FoldsAccentsAndCaseAtBothEnds) {
  auto& c = small();
  EXPECT_EQ(c.sections("cafe"), (std::set<std::string>{"3/1"}));
  EXPECT_EQ(c.sections("CAF\xC3\x89"), (std::set<std::string>{"3/1"}));
  EXPECT_EQ(c.sections("Bridges"), (std::set<std::string>{"3/1"}));
  EXPECT_EQ(c.sections("bridge"), (std::set<std::string>{"3/1"}));
}

TEST(SearchTest, SuggestsSpellingWhenNothingMatches) {
  json r = small().search("detainr");
  EXPECT_EQ(r["total"], 0);
  EXPECT_EQ(r["suggestion"], "detainer");
}

TEST(SearchTest, EmptyQueryWithFiltersListsEverythingTheyMatch) {
  query::SearchRequest r;
  r.counties = {"Brackett"};
  r.limit = 100;
  json j = small().search(r);
  EXPECT_EQ(j["total"], 8);
  EXPECT_EQ(j["hits"].size(), 8u);
  EXPECT_EQ(j["hits"][0]["town"], "Ashmere");  // listed in town order
  r.towns = {"quillfield", "Town of Ashmere"};
  r.stances = {"protective"};
  EXPECT_EQ(small().search(r)["total"], 5);
}

// The server searches on several threads, each with its own Api. Nothing they share may be
// touched without synchronisation: a filter-only search once copied Xapian's static
// Query::MatchAll, whose reference count is not atomic, and crashed under load (ASan: a
// heap-use-after-free). Run under the sanitizer build, this test catches such sharing.
TEST(SearchTest, ConcurrentSearchersShareNothingUnsafely) {
  Corpus& c = small();
  constexpr int kThreads = 4;
  std::vector<std::unique_ptr<query::Api>> apis;
  for (int i = 0; i < kThreads; ++i) {
    auto a = query::open_api(c.dir / "data");
    ASSERT_TRUE(a.has_value()) << a.error().message;
    apis.push_back(std::move(*a));
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1500; ++i) {
        query::SearchRequest r;
        if (i % 3 == 0) r.query = "officer";  // ranked
        else r.counties = {"Brackett"};         // filter only: everything it matches
        r.limit = 5;
        auto out = as_json(apis[static_cast<size_t>(t)]->search(r));
        if (!out) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  query::SearchRequest r;
  r.counties = {"Brackett"};
  EXPECT_EQ(c.search(r)["total"], 8) << "and the answers are still right";
}

TEST(SearchTest, PagesThroughTheSameOrder) {
  query::SearchRequest r;
  r.query = "immigration OR officers OR council";
  r.limit = 100;
  json all = small().search(r);
  ASSERT_GE(all["total"].get<int>(), 6);
  std::vector<std::string> paged;
  for (size_t off = 0; off < all["total"].get<size_t>(); off += 2) {
    r.offset = off;
    r.limit = 2;
    json page = small().search(r);
    EXPECT_EQ(page["total"], all["total"]);
    EXPECT_EQ(page["offset"], off);
    for (const auto& h : page["hits"]) paged.push_back(h["section_id"]);
  }
  std::vector<std::string> whole;
  for (const auto& h : all["hits"]) whole.push_back(h["section_id"]);
  EXPECT_EQ(paged, whole);
}

TEST(SearchTest, BadQueriesAreClearErrorsNeverCrashes) {
  struct Case {
    std::string query, message;
  } cases[] = {
      {"\"release dates", "unbalanced quotes"},
      {"(share OR ask", "unbalanced parentheses"},
      {"share)", "unbalanced parentheses"},
      {"colour:blue", "unknown field 'colour:'"},
      {"town:Atlantis share", "unknown town 'Atlantis'"},
      {"provision:dragons", "unknown provision 'dragons'"},
      {"stance:angry", "unknown stance 'angry'"},
      {"county:Nowhere", "unknown county 'Nowhere'"},
      {"share AND", "bad query"},
      {"NOT", "bad query"},
      {"   ", "empty query"},
      {"town: share", "needs a value"},
  };
  for (const auto& c : cases) {
    query::SearchRequest r;
    r.query = c.query;
    auto out = as_json(small().api->search(r));
    ASSERT_FALSE(out.has_value()) << c.query << " gave " << *out;
    EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument) << c.query;
    EXPECT_NE(out.error().message.find(c.message), std::string::npos) << c.query << ": " << out.error().message;
  }
  query::SearchRequest r;
  r.query = "share";
  r.towns = {"Quilfeld"};
  auto out = as_json(small().api->search(r));
  ASSERT_FALSE(out.has_value());
  EXPECT_NE(out.error().message.find("Quillfield"), std::string::npos) << out.error().message;  // close names
}

TEST(SearchTest, NoIndexIsAClearError) {
  TempDir dir;
  ASSERT_OK(corpus::Store::open(dir / "data"));
  auto api = query::open_api(dir / "data");
  ASSERT_OK(api);
  query::SearchRequest r;
  r.query = "x";
  auto out = as_json((*api)->search(r));
  ASSERT_FALSE(out.has_value());
  EXPECT_NE(out.error().message.find("policyindex index"), std::string::npos) << out.error().message;
  EXPECT_FALSE(query::open_api(dir / "nowhere").has_value());
}

// Brute force over the catalog: which current sections of active documents contain WORD
// (the random vocabulary has one stem per word), and their facet values.
struct BruteSection {
  std::string town, county, type;
  std::set<std::string> words, provisions, stances, cites;
};

std::vector<BruteSection> brute_sections(const std::filesystem::path& data) {
  auto store = corpus::Store::open(data);
  EXPECT_TRUE(store.has_value());
  auto& cat = store->catalog();
  auto s = corpus::sql::prepare(cat, 
      "SELECT s.id, s.text, m.name, m.county, d.doc_type FROM documents d "
      "JOIN sections s ON s.version_id=d.current_version_id JOIN municipalities m ON m.id=d.municipality_id "
      "WHERE d.status='active'");
  std::vector<BruteSection> out;
  while (*s->step()) {
    BruteSection b{s->text(2), s->text(3), s->text(4), {}, {}, {}, {}};
    std::istringstream words(s->text(1));
    for (std::string w; words >> w;) b.words.insert(w);
    auto h = corpus::sql::prepare(cat, "SELECT provision, stance FROM provision_hits WHERE section_id=?1");
    h->bind(1, s->int64(0));
    while (*h->step()) {
      b.provisions.insert(h->text(0));
      b.stances.insert(h->text(1));
    }
    auto c = corpus::sql::prepare(cat, "SELECT cite FROM section_cites WHERE section_id=?1");
    c->bind(1, s->int64(0));
    while (*c->step()) b.cites.insert(c->text(0));
    out.push_back(std::move(b));
  }
  return out;
}

// Runs N random two-word queries (AND or OR, with or without a provision filter, and some
// with filters only) through API and compares the total and all six facets with a
// brute-force count over SECTIONS.
void expect_facets_equal_brute_force(query::Api& api, const std::vector<BruteSection>& sections, unsigned seed,
                                     int n) {
  const auto& vocab = testing::random_vocabulary();
  const auto& provs = testing::random_provisions();
  std::mt19937 rng(seed);
  for (int i = 0; i < n; ++i) {
    const std::string a = vocab[rng() % vocab.size()], b = vocab[rng() % vocab.size()];
    const bool use_or = rng() % 3 == 0;
    const bool words = i % 8 != 7;  // every eighth query: the provision filter alone
    const std::string prov = !words || rng() % 2 ? provs[rng() % provs.size()] : "";
    query::SearchRequest r;
    if (words) r.query = a + (use_or ? " OR " : " ") + b;
    if (!prov.empty()) r.provisions = {prov};
    r.limit = 5;
    auto out = as_json(api.search(r));
    ASSERT_TRUE(out.has_value()) << r.query << ": " << out.error().message;
    json j = json::parse(*out);
    std::map<std::string, std::map<std::string, int>> expect;
    int total = 0;
    for (const auto& s : sections) {
      bool match = !words || (use_or ? (s.words.count(a) || s.words.count(b)) : (s.words.count(a) && s.words.count(b)));
      if (!match || (!prov.empty() && !s.provisions.count(prov))) continue;
      ++total;
      ++expect["town"][s.town];
      ++expect["county"][s.county];
      ++expect["doc_type"][s.type];
      for (const auto& p : s.provisions) ++expect["provision"][p];
      for (const auto& p : s.stances) ++expect["stance"][p];
      for (const auto& p : s.cites) ++expect["cites"][p];
    }
    ASSERT_EQ(j["total"], total) << r.query << " " << prov;
    for (const char* facet : {"town", "county", "doc_type", "provision", "stance", "cites"}) {
      std::map<std::string, int> got;
      for (const auto& [k, v] : j["facets"][facet].items()) got[k] = v.get<int>();
      EXPECT_EQ(got, expect[facet]) << r.query << " provision=" << prov << " facet " << facet;
    }
  }
}

TEST(SearchTest, FacetCountsEqualABruteForceCountForRandomQueries) {
  Corpus c(true);
  auto sections = brute_sections(c.dir / "data");
  ASSERT_EQ(sections.size(), 480u);
  expect_facets_equal_brute_force(*c.api, sections, 42, 48);
}

// The facet tables are per index revision: a long-lived reader that counted facets before
// the index changed (new documents, a document whose new version has other provisions and
// citations) counts the changed index exactly afterwards.
TEST(SearchTest, FacetCountsStayExactAfterTheIndexChangesUnderALongLivedReader) {
  TempDir dir;
  auto store = corpus::Store::open(dir / "data");
  ASSERT_OK(store);
  testing::build_random_corpus(*store, 30, 6, 5);
  ASSERT_OK(index::update_index(*store, {}));
  auto api = query::open_api(dir / "data");
  ASSERT_OK(api);
  expect_facets_equal_brute_force(**api, brute_sections(dir / "data"), 1, 16);

  testing::build_random_corpus(*store, 45, 6, 5, 30);  // 15 more documents
  auto h = [](const char* p, const char* s) { corpus::StoredHit hit; hit.provision = p; hit.stance = s; hit.evidence = "evidence"; return hit; };
  const auto& vocab = testing::random_vocabulary();
  testing::add_document(*store, "Ashmere", "https://random.example/doc4", "bylaw", "Random document 4",
                        {{"1", "Changed", vocab[0] + " " + vocab[1], std::nullopt,
                          {h(testing::random_provisions()[0].c_str(), "permissive"),
                           h(testing::random_provisions()[1].c_str(), "neutral")},
                          {testing::random_cites()[0]}}},
                        "2025-06-01T10:00:00Z");
  ASSERT_OK(index::update_index(*store, {}));
  auto sections = brute_sections(dir / "data");
  ASSERT_EQ(sections.size(), 45u * 6 - 5);
  expect_facets_equal_brute_force(**api, sections, 2, 24);
  // The change itself is seen: the rewritten document's words with its new provision.
  query::SearchRequest r;
  r.query = vocab[0] + " " + vocab[1];
  r.provisions = {testing::random_provisions()[1]};
  r.towns = {"Ashmere"};
  json j = json::parse(as_json(*(*api)->search(r)));
  EXPECT_GE(j["facets"]["stance"].value("neutral", 0), 1) << j.dump();
}

// The table path and Xapian's value spies (the path remote shards take) agree, on every
// facet, for word queries and filter-only listings.
TEST(SearchTest, FacetTablesAndValueSpiesCountTheSame) {
  Corpus c(true);
  const std::string path = (c.dir / "data" / "xapian").string();
  auto tables = query::detail::Searcher::open({path});
  auto spies = query::detail::Searcher::open({path});
  ASSERT_OK(tables);
  ASSERT_OK(spies);
  (*spies)->set_facet_tables(false);
  query::detail::Resolvers res;
  res.town = [](std::string_view v) -> Result<std::string> { return index::town_term(v); };
  res.county = [](std::string_view v) -> Result<std::string> { return index::facet_term(v); };
  res.provision = [](std::string_view v) -> Result<std::string> { return index::facet_term(v); };
  const auto& vocab = testing::random_vocabulary();
  std::mt19937 rng(3);
  for (int i = 0; i < 24; ++i) {
    query::SearchRequest r;
    if (i % 4 != 3) r.query = vocab[rng() % vocab.size()] + (i % 2 ? " OR " : " ") + vocab[rng() % vocab.size()];
    if (i % 2 == 0 || r.query.empty()) r.stances = {i % 4 == 0 ? "protective" : "neutral"};
    auto a = as_json((*tables)->search(r, res));
    auto b = as_json((*spies)->search(r, res));
    ASSERT_OK(a);
    ASSERT_OK(b);
    const json ja = json::parse(*a), jb = json::parse(*b);
    EXPECT_EQ(ja["facets"], jb["facets"]) << r.query;
    EXPECT_EQ(ja["total"], jb["total"]) << r.query;
    EXPECT_EQ(ja["hits"].size(), jb["hits"].size()) << r.query;
    EXPECT_TRUE((*tables)->last_counted_with_tables());
    EXPECT_FALSE((*spies)->last_counted_with_tables());
  }
}

TEST(SearchTest, PreprocessRewritesLegalTokensOutsidePhrasesOnly) {
  auto r = query::detail::preprocess_query("ban 287(g) \"287(g) agreement\"");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "ban legal:287g \"287(g) agreement\"");
}

}  // namespace
}  // namespace policyindex

namespace policyindex {
namespace {

TEST(SearchLiveTest, ALongLivedApiSeesWhatTheIndexerCommittedSince) {
  TempDir dir;
  auto store = corpus::Store::open(dir / "data");
  ASSERT_OK(store);
  testing::build_small_corpus(*store);
  ASSERT_OK(index::update_index(*store, {}));
  auto api = query::open_api(dir / "data");
  ASSERT_OK(api);
  query::SearchRequest r;
  r.query = "kestrel";
  EXPECT_EQ(json::parse(as_json(*(*api)->search(r)))["total"], 0);
  // Several commits, so that the revision the reader started from is overwritten.
  for (int i = 0; i < 3; ++i) {
    testing::add_document(*store, "Ashmere", "https://ashmere.example/k" + std::to_string(i), "bylaw", "K",
                          {{"1", "Birds", "A kestrel bylaw " + std::to_string(i), std::nullopt, {}, {}}});
    ASSERT_OK(index::update_index(*store, {}));
  }
  auto out = as_json((*api)->search(r));
  ASSERT_OK(out);
  EXPECT_EQ(json::parse(*out)["total"], 3);
}

}  // namespace
}  // namespace policyindex
