// Coverage states and citable evidence (issue 20, items 5-7): each state from the catalog
// facts it stands for, evidence that names its version, sha256 and offsets, the document at
// an older version, and the long matrix.
#include <gtest/gtest.h>

#include "corpus/reader.h"
#include "provisions/provisions.h"
#include "query/coverage.h"
#include "query/query.h"
#include "tests/index/fixture.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using testing::TempDir;

corpus::StoredHit hit(const std::string& p, const std::string& s, const std::string& text, const std::string& evidence) {
  const auto at = static_cast<int64_t>(text.find(evidence));
  return corpus::StoredHit{p, s, evidence, at, at + static_cast<int64_t>(evidence.size()), "t"};
}

void log(corpus::Store& store, const std::string& url, std::optional<int64_t> doc, corpus::FetchOutcome o,
         std::optional<int64_t> status = 200) {
  corpus::FetchRecord f;
  f.url = url;
  f.document_id = doc;
  f.started_at = "2026-01-04T10:00:00Z";
  f.http_status = status;
  f.outcome = o;
  ASSERT_TRUE(store.catalog().log_fetch(f).has_value());
}

// Quillfield: a protective 287(g) ban (in force), silent on Q2. North Quillfield: crawled,
// one irrelevant page. Ashmere: robots.txt refused every URL. Port Tessaly: a login wall.
// Vinehaven: nothing known. Marrow Falls: the 287(g) text in two versions.
struct Fixture {
  TempDir dir;
  std::unique_ptr<query::Api> api;
  int64_t quill = 0, marrow = 0;
  std::string text = "Preamble. The Town shall not enter into any 287(g) agreement. End.";
  Fixture() {
    auto store = corpus::Store::open(dir / "data");
    EXPECT_TRUE(store.has_value());
    testing::add_fictional_towns(store->catalog());
    const std::string ev = "The Town shall not enter into any 287(g) agreement.";
    quill = testing::add_document(*store, "Quillfield", "https://q.example/o.pdf", "ordinance", "Ordinance",
                                  {{"1", "Agreements", text, 3, {hit("287g", "protective", text, ev)}, {}}});
    log(*store, "https://q.example/o.pdf", quill, corpus::FetchOutcome::kFetched);
    const int64_t nq = testing::add_document(*store, "North Quillfield", "https://nq.example/", "webpage", "Home",
                                             {{"1", "Welcome", "Welcome to the library.", std::nullopt, {}, {}}});
    log(*store, "https://nq.example/", nq, corpus::FetchOutcome::kFetched);
    auto ash = store->catalog().ensure_document("https://ash.example/", *store->catalog().find_municipality("Ashmere"),
                                                "webpage", "", "crawl");
    EXPECT_TRUE(ash.has_value());
    log(*store, "https://ash.example/", *ash, corpus::FetchOutcome::kDisallowed, std::nullopt);
    auto pt = store->catalog().ensure_document("https://pt.example/", *store->catalog().find_municipality("Port Tessaly"),
                                               "webpage", "", "crawl");
    log(*store, "https://pt.example/", *pt, corpus::FetchOutcome::kHttpError, 401);
    marrow = testing::add_document(*store, "Marrow Falls", "https://m.example/p.pdf", "ordinance", "Old",
                                   {{"1", "Agreements", "Old text only.", 1, {}, {}}}, "2025-01-01T00:00:00Z");
    testing::add_document(*store, "Marrow Falls", "https://m.example/p.pdf", "ordinance", "Old",
                          {{"1", "Agreements", text, 1, {hit("287g", "protective", text, ev)}, {}}},
                          "2025-06-01T00:00:00Z");
    auto a = query::open_api(dir / "data");
    EXPECT_TRUE(a.has_value());
    api = std::move(*a);
  }
};

Fixture& fx() {
  static Fixture f;
  return f;
}

const query::ScoreItem& item(const query::Scorecard& c, const std::string& key) {
  for (const auto& e : c.entries) {
    if (e.key == key) return e;
  }
  static query::ScoreItem none;
  return none;
}

TEST(CoverageTest, EachStateFromWhatTheCatalogKnows) {
  auto q = fx().api->scorecard("Quillfield");
  ASSERT_TRUE(q.has_value()) << q.error().message;
  EXPECT_EQ(item(*q, "Q7").state, "green");
  EXPECT_EQ(item(*q, "Q2").state, "not_addressed") << "an in-force relevant document, silent on Q2";
  EXPECT_NE(item(*q, "Q2").state_detail.find("1 in-force relevant document"), std::string::npos);
  auto nq = fx().api->scorecard("North Quillfield");
  ASSERT_TRUE(nq.has_value());
  EXPECT_EQ(item(*nq, "Q7").state, "no_document") << "crawled, nothing relevant: not 'silent'";
  EXPECT_NE(item(*nq, "Q7").state_detail.find("crawled 2026-01-04, 1 page"), std::string::npos)
      << item(*nq, "Q7").state_detail;
  auto ash = fx().api->scorecard("Ashmere");
  ASSERT_TRUE(ash.has_value());
  EXPECT_EQ(item(*ash, "Q1").state, "blocked");
  EXPECT_EQ(ash->coverage.blocked_reason, "robots");
  auto pt = fx().api->scorecard("Port Tessaly");
  ASSERT_TRUE(pt.has_value());
  EXPECT_EQ(item(*pt, "Q1").state, "blocked");
  EXPECT_EQ(pt->coverage.blocked_reason, "login");
  auto v = fx().api->scorecard("Vinehaven-by-the-Lake");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(item(*v, "Q1").state, "not_crawled");
  EXPECT_EQ(item(*v, "Q1").state_detail, "no website or source known");
}

TEST(CoverageTest, ProposedTextNeverDecidesAVerdict) {
  auto tax = provisions::Taxonomy::builtin();
  ASSERT_TRUE(tax.has_value());
  corpus::ProvisionHitRow draft;
  draft.document_id = 9;
  draft.provision = "287g";
  draft.stance = "protective";
  draft.evidence = "shall not enter into a 287(g) agreement";
  draft.version_id = 4;
  draft.sha256 = "ab12";
  draft.policy_status = "proposed";
  query::TownCoverage c;
  c.documents = 1;
  c.documents_proposed = 1;
  auto items = query::town_items(**tax, {draft}, c);
  const query::ScoreItem* q7 = nullptr;
  for (const auto& e : items) q7 = e.key == "Q7" ? &e : q7;
  ASSERT_NE(q7, nullptr);
  EXPECT_EQ(q7->verdict, "absent") << "a draft alone decides no verdict";
  EXPECT_EQ(q7->state, "proposed_only");
  ASSERT_EQ(q7->evidence.size(), 1u) << "the proposed text is shown, labelled";
  EXPECT_EQ(q7->evidence[0].status, "proposed");
  EXPECT_EQ(q7->evidence[0].version_url, "/documents/9?version=4");
  // Once in force, the same text decides it.
  draft.policy_status = "in_force";
  c.documents_in_force = 1;
  for (const auto& e : query::town_items(**tax, {draft}, c)) {
    if (e.key == "Q7") {
      EXPECT_EQ(e.state, "green");
    }
  }
}

TEST(EvidenceTest, EveryVerdictCarriesItsVersionHashAndOffsets) {
  auto q = fx().api->scorecard("Quillfield");
  ASSERT_TRUE(q.has_value());
  const auto& ev = item(*q, "Q7").evidence;
  ASSERT_EQ(ev.size(), 1u);
  auto doc = fx().api->document(fx().quill);
  ASSERT_TRUE(doc.has_value());
  ASSERT_EQ(doc->versions.size(), 1u);
  EXPECT_EQ(ev[0].version_id, doc->versions[0].id);
  EXPECT_EQ(ev[0].sha256, doc->versions[0].sha256);
  EXPECT_EQ(ev[0].fetched_at, doc->versions[0].fetched_at);
  ASSERT_TRUE(ev[0].start && ev[0].end);
  EXPECT_EQ(fx().text.substr(static_cast<size_t>(*ev[0].start), static_cast<size_t>(*ev[0].end - *ev[0].start)),
            ev[0].text);
  EXPECT_EQ(ev[0].section_key, "1");
  EXPECT_EQ(ev[0].status, "in_force");
  EXPECT_EQ(ev[0].version_url, "/documents/" + std::to_string(fx().quill) + "?version=" + ev[0].version_id + "#s-1");
}

TEST(EvidenceTest, DocumentAtAnOlderVersionShowsThatVersionsText) {
  auto cur = fx().api->document(fx().marrow);
  ASSERT_TRUE(cur.has_value());
  ASSERT_EQ(cur->versions.size(), 2u);
  EXPECT_EQ(cur->version, cur->current_version);
  ASSERT_FALSE(cur->sections.empty());
  EXPECT_EQ(cur->sections[0].text, fx().text);
  const int64_t old_id = std::stoll(cur->versions[0].id);
  auto old = fx().api->document(fx().marrow, old_id);
  ASSERT_TRUE(old.has_value()) << old.error().message;
  EXPECT_EQ(old->version, cur->versions[0].id);
  EXPECT_EQ(old->version_sha256, cur->versions[0].sha256);
  ASSERT_FALSE(old->sections.empty());
  EXPECT_EQ(old->sections[0].text, "Old text only.");
  auto other = fx().api->document(fx().marrow, std::stoll(cur->versions[1].id) + 1000);
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
  EXPECT_NE(other.error().message.find("its versions"), std::string::npos) << other.error().message;
}

TEST(MatrixTest, StatesAndStatewideCountsAndTheLongForm) {
  auto m = fx().api->matrix();
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->state_counts.size(), m->columns.size());
  size_t q7 = 0;
  while (q7 < m->columns.size() && m->columns[q7].key != "Q7") ++q7;
  ASSERT_LT(q7, m->columns.size());
  const auto& counts = m->state_counts[q7];  // kCoverageStates order
  EXPECT_EQ(counts[0], 2) << "green: Quillfield, Marrow Falls";
  EXPECT_EQ(counts[5], 1) << "no_document: North Quillfield";
  EXPECT_EQ(counts[6], 2) << "blocked: Ashmere, Port Tessaly";
  int64_t sum = 0;
  for (auto n : counts) sum += n;
  EXPECT_EQ(sum, static_cast<int64_t>(m->rows.size())) << "every town is in exactly one state";

  auto l = fx().api->matrix_long("question");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->rows.size(), 7 * m->rows.size());
  size_t quoted = 0;
  for (const auto& r : l->rows) {
    if (r.quote.empty()) continue;
    ++quoted;
    EXPECT_FALSE(r.sha256.empty());
    EXPECT_FALSE(r.version_id.empty());
    EXPECT_FALSE(r.fetched_at.empty());
  }
  EXPECT_EQ(quoted, 2u);
  auto bad = fx().api->matrix_long("town");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("question, provision, evidence"), std::string::npos);
}

}  // namespace
}  // namespace policyindex
