// Status, dates, titles, navigation and renditions through the extract job into the catalog
// and the queries, on the fictional town of Brackenridge: an enacted bylaw, a redlined draft,
// a proposed executive order, a news story about a vote, a listing page, and one text as a
// PDF, a Word file and a web page.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "corpus/standing.h"
#include "pipeline/pipeline.h"
#include "query/query.h"
#include "render/render.h"
#include "tests/extract/makers.h"
#include "tests/testing/testing.h"

// fontconfig (under cairo and poppler) keeps process-global caches it never
// frees; they are not ours to leak-check.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

namespace policyindex {
namespace {

using nlohmann::json;

const char* kBylaw =
    "Chapter 12. Brackenridge Trust Bylaw\n\n"
    "Section 1. Agreements\n\nThe Town shall not enter into any agreement under Section 287(g) of the "
    "Immigration and Nationality Act.\n\n"
    "Adopted 5-2-2019 by Town Meeting, Article 9. Passed by Town Meeting, May 2019.\n";

const char* kDraft =
    "<html><head><title>Article 14 - Safe Community Bylaw (redlined draft)</title></head><body><main>"
    "<h1>Safe Community Bylaw</h1><p>No officer shall inquire about the immigration status of any person"
    "<del> except in an investigation</del>.</p></main></body></html>";

const char* kOrder =
    "PROPOSED EXECUTIVE ORDER 2024-3\n\nNOW, THEREFORE, I, the Mayor, do hereby order that no officer shall "
    "provide federal immigration authorities with a person's release date or home address.\n";

const char* kNews =
    "Council backs trust bylaw\n\nBRACKENRIDGE \xE2\x80\x94 Town Meeting voted on May 2, 2019 to adopt the trust "
    "bylaw, the moderator said. According to the clerk, officers shall not hold anyone on an ICE detainer.\n";

const char* kListing =
    "<html><head><title>Bylaws | Town of Brackenridge</title></head><body><main><h1>Town Bylaws</h1><ul>"
    "<li><a href='/a.pdf'>Trust Bylaw (PDF)</a></li><li><a href='/b.pdf'>Dog Licensing</a></li>"
    "<li><a href='/c.pdf'>Parking Rules</a></li><li><a href='/d.pdf'>Tree Warden</a></li>"
    "<li><a href='/e.pdf'>Snow Emergency</a></li><li><a href='/f.pdf'>Annual Report</a></li></ul>"
    "</main></body></html>";

// The same policy text, to be rendered as a PDF, a DOCX and an HTML page.
const std::vector<std::string> kPolicy = {
    "Immigration Enforcement Policy",
    "Officers shall not detain any person solely on the basis of a civil immigration detainer or an "
    "administrative warrant issued by federal immigration authorities.",
    "Officers shall not ask any victim or witness about his or her immigration status, and the department "
    "shall not use its resources, facilities or personnel to assist in civil immigration enforcement."};

struct Corpus {
  testing::TempDir dir;
  std::optional<corpus::Store> store;
  std::map<std::string, int64_t> ids;

  void add(const std::string& name, const std::string& bytes, const std::string& link_text = "",
           const std::string& doc_type = "document") {
    auto& cat = store->catalog();
    auto town = cat.find_municipality("Brackenridge");
    ASSERT_OK(town);
    const std::string url = "https://brackenridge.example/" + name;
    auto id = cat.ensure_document(url, **town, doc_type, link_text, "crawl");
    ASSERT_OK(id);
    auto sha = store->blobs().put(bytes);
    ASSERT_OK(sha);
    corpus::VersionInput v;
    v.document_id = *id;
    v.sha256 = *sha;
    v.size = bytes.size();
    ASSERT_OK(cat.add_version(v));
    ids[name] = *id;
  }

  Corpus() {
    auto s = corpus::Store::open(dir / "data");
    EXPECT_OK(s);
    store = std::move(*s);
    EXPECT_OK(store->catalog().upsert_municipalities({{"Brackenridge", "Wessex", "town", 9000, ""}}));
    add("bylaw.txt", kBylaw, "Read the bylaw (PDF)");
    add("drafts/article-14.html", kDraft, "Click here");
    add("eo-2024-3.txt", kOrder);
    add("news.txt", kNews);
    add("bylaws.html", kListing, "Bylaws", "webpage");
    std::string html = "<html><body><main><h1>" + kPolicy[0] + "</h1><p>" + kPolicy[1] + "</p><p>" + kPolicy[2] +
                       "</p></main></body></html>";
    add("policy.html", html);
    add("policy.pdf", testing::make_flowing_pdf({"#" + kPolicy[0], kPolicy[1], kPolicy[2]}, "Brackenridge Police"));
    add("policy.docx", testing::make_docx({{"Title", {{kPolicy[0]}}}, {"", {{kPolicy[1]}}}, {"", {{kPolicy[2]}}}}));
    add("policy-copy.html", html);  // the same bytes at another address
    auto tagger = pipeline::SectionTagger::create("");
    EXPECT_OK(tagger);
    pipeline::ExtractOptions opts;
    opts.jobs = 1;
    opts.ocr = false;
    auto r = pipeline::run_extract(*store, *tagger, opts);
    EXPECT_OK(r);
    if (r) {
      EXPECT_EQ(r->failed, 0u);
      EXPECT_EQ(r->renditions, 3u);  // the PDF is canonical; DOCX, HTML and its copy are renditions
      EXPECT_GE(r->navigation_pages, 1u);
    }
  }
};

Corpus& fx() {
  static Corpus c;
  return c;
}

TEST(StandingTest, StatusDatesAndTitlesAreStored) {
  auto st = corpus::current_standings(fx().store->catalog(), std::nullopt);
  ASSERT_OK(st);
  auto of = [&](const std::string& name) -> const corpus::Standing& { return st->at(fx().ids.at(name)); };
  EXPECT_EQ(of("bylaw.txt").status, "in_force");
  EXPECT_FALSE(of("bylaw.txt").presumed);
  ASSERT_FALSE(of("bylaw.txt").dates.empty());
  EXPECT_EQ(of("bylaw.txt").dates[0].date, "2019-05-02");
  EXPECT_EQ(of("bylaw.txt").title, "Brackenridge Trust Bylaw");  // not the link's "Read the bylaw (PDF)"
  EXPECT_EQ(of("bylaw.txt").title_source, "heading");
  EXPECT_EQ(of("drafts/article-14.html").status, "proposed");
  EXPECT_NE(of("drafts/article-14.html").reason.find("draft"), std::string::npos);
  EXPECT_EQ(of("eo-2024-3.txt").status, "proposed");
  EXPECT_EQ(of("news.txt").status, "descriptive");
  EXPECT_EQ(of("bylaws.html").genre, "navigation");
  EXPECT_EQ(of("policy.pdf").title, "Immigration Enforcement Policy");
}

TEST(StandingTest, RenditionsAreGroupedUnderOneDocument) {
  auto group = corpus::rendition_group(fx().store->catalog(), fx().ids.at("policy.docx"));
  ASSERT_OK(group);
  ASSERT_EQ(group->size(), 4u);
  EXPECT_EQ((*group)[0].document_id, fx().ids.at("policy.pdf"));  // a PDF is the canonical one
  EXPECT_EQ((*group)[0].method, "canonical");
  for (const auto& r : *group) {
    EXPECT_EQ(r.canonical_id, fx().ids.at("policy.pdf"));
    EXPECT_GE(r.similarity, 0.9);
  }
  auto alone = corpus::rendition_group(fx().store->catalog(), fx().ids.at("bylaw.txt"));
  ASSERT_OK(alone);
  EXPECT_TRUE(alone->empty());
  // The document JSON lists the group.
  auto api = query::open_api(fx().dir / "data");
  ASSERT_OK(api);
  auto doc = (*api)->document(fx().ids.at("policy.html"));
  ASSERT_OK(doc);
  json j = json::parse(render::json(*doc));
  ASSERT_EQ(j["renditions"].size(), 4u);
  EXPECT_TRUE(j["renditions"][0]["canonical"].get<bool>());
  EXPECT_EQ(j["standing"]["status"], "in_force");
}

TEST(StandingTest, OnlyInForceTextDecidesVerdicts) {
  auto api = query::open_api(fx().dir / "data");
  ASSERT_OK(api);
  auto card = (*api)->scorecard("Brackenridge");
  ASSERT_OK(card);
  json s = json::parse(render::json(*card));
  // Listed once each: the bylaw, the draft, the order, the news story and the policy (its
  // three other renditions and the listing page are not documents of their own).
  EXPECT_EQ(s["documents"].size(), 5u) << s["documents"].dump(1);
  EXPECT_EQ(s["Q7"]["verdict"], "green");  // the enacted bylaw
  EXPECT_EQ(s["Q3"]["verdict"], "green");  // the policy, counted once
  EXPECT_EQ(s["Q3"]["evidence"].size(), 1u) << s["Q3"]["evidence"].dump(1);
  // The executive order is only proposed: Q2 is not decided by it, but shown apart.
  EXPECT_EQ(s["Q2"]["verdict"], "absent");
  EXPECT_EQ(s["Q2"]["proposed_verdict"], "green");
  ASSERT_FALSE(s["Q2"]["other_evidence"].empty());
  EXPECT_EQ(s["Q2"]["other_evidence"][0]["status"], "proposed");
  for (const auto& d : s["documents"]) {
    ASSERT_TRUE(d.contains("standing")) << d.dump();
    EXPECT_NE(d["title"], "Click here");
    EXPECT_NE(d["title"], "Read the bylaw (PDF)");
  }
  auto matrix = (*api)->matrix();
  ASSERT_OK(matrix);
  for (const auto& row : matrix->rows) {
    if (row.town != "Brackenridge") continue;
    EXPECT_EQ(row.documents, 5);
    EXPECT_EQ(row.cells[1], "absent");  // Q2: proposed only
    EXPECT_EQ(row.cells[6], "green");   // Q7
  }
}

TEST(StandingTest, TimelineListsDocumentsByDateWithStatus) {
  auto api = query::open_api(fx().dir / "data");
  ASSERT_OK(api);
  auto h = (*api)->history("Brackenridge");
  ASSERT_OK(h);
  ASSERT_FALSE(h->timeline.empty());
  EXPECT_EQ(h->timeline[0].date.substr(0, 7), "2019-05");
  for (size_t i = 1; i < h->timeline.size(); ++i) EXPECT_LE(h->timeline[i - 1].date, h->timeline[i].date);
  bool bylaw = false;
  for (const auto& t : h->timeline) {
    EXPECT_FALSE(t.status.empty());
    if (t.document_id == std::to_string(fx().ids.at("bylaw.txt")) && t.kind == "adopted") bylaw = true;
  }
  EXPECT_TRUE(bylaw);
  json j = json::parse(render::json(*h));
  EXPECT_TRUE(j["timeline"].is_array());
  EXPECT_EQ(j["documents"].size(), 5u);
}

}  // namespace
}  // namespace policyindex
