// The pipeline's jobs and their progress reporting: extract and index over a small store,
// each stage told start -> advances -> end, in order, with counts that add up; and the
// analyze job on one file.

#include <string>
#include <vector>

#include "corpus/doc_type.h"
#include "corpus/job_state.h"
#include "corpus/sql.h"
#include "pipeline/pipeline.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

struct Event {
  std::string kind;  // start | advance | end
  pipeline::Stage stage;
  pipeline::StageCounts counts;
};

// A Progress recording every event.
struct Recorder {
  std::vector<Event> events;
  pipeline::Progress progress;
  Recorder() {
    progress.started = [this](pipeline::Stage s) { events.push_back({"start", s, {}}); };
    progress.advanced = [this](pipeline::Stage s, const pipeline::StageCounts& c) {
      events.push_back({"advance", s, c});
    };
    progress.finished = [this](pipeline::Stage s, const pipeline::StageCounts& c) {
      events.push_back({"end", s, c});
    };
  }
};

const char* kPolicy =
    "Section 1. Purpose\n\nThis ordinance builds trust between residents and the police.\n\n"
    "Section 2. Status inquiries\n\nNo officer or employee of the Town shall inquire about the "
    "immigration status of any person.\n";
const char* kMenu = "Welcome\n\nParks and recreation\n\nContact us\n";

class PipelineProgressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = corpus::Store::open(dir_ / "data");
    ASSERT_OK(store);
    store_.emplace(std::move(*store));
    auto& cat = store_->catalog();
    auto town = cat.find_municipality("Acton");
    ASSERT_OK(town);
    ASSERT_TRUE(*town);
    add(**town, "file:///policy-1.txt", corpus::DocType::kOrdinance, kPolicy);
    add(**town, "file:///policy-2.txt", corpus::DocType::kPolicePolicy,
        std::string(kPolicy) + "\nSection 3. Detainers\n\nA detainer request alone is not a reason "
        "to hold anyone.\n");
    add(**town, "https://acton.example/", corpus::DocType::kWebpage, kMenu);
  }
  void add(int64_t town, const std::string& url, corpus::DocType type, const std::string& text) {
    auto& cat = store_->catalog();
    auto sha = store_->blobs().put(text);
    ASSERT_OK(sha);
    auto doc = cat.ensure_document(url, town, corpus::doc_type_name(type), "", "add");
    ASSERT_OK(doc);
    corpus::VersionInput v;
    v.document_id = *doc;
    v.sha256 = *sha;
    v.size = text.size();
    ASSERT_OK(cat.add_version(v));
  }

  testing::TempDir dir_;
  std::optional<corpus::Store> store_;
};

TEST_F(PipelineProgressTest, ExtractAndIndexTellTheirProgressInOrder) {
  auto tagger = pipeline::SectionTagger::create("");
  ASSERT_OK(tagger);
  Recorder rec;
  pipeline::ExtractOptions eo;
  eo.jobs = 1;
  eo.ocr = false;
  auto extracted = pipeline::run_extract(*store_, *tagger, eo, &rec.progress);
  ASSERT_OK(extracted);
  EXPECT_EQ(extracted->versions, 3u);
  EXPECT_EQ(extracted->extracted, 3u);
  EXPECT_EQ(extracted->failed, 0u);
  // The menu page has no policy language: a navigation page keeps no sections.
  EXPECT_EQ(extracted->navigation_pages, 1u);
  EXPECT_GT(extracted->sections, 0u);

  index::IndexOptions io;
  io.threads = 0;
  auto indexed = pipeline::run_index(*store_, io, &rec.progress);
  ASSERT_OK(indexed);
  EXPECT_EQ(indexed->documents_indexed, 3u);

  // start extract, one advance per version (1/3, 2/3, 3/3), end extract; then index.
  ASSERT_GE(rec.events.size(), 7u);
  EXPECT_EQ(rec.events[0].kind, "start");
  EXPECT_EQ(rec.events[0].stage, pipeline::Stage::kExtract);
  for (size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(rec.events[i].kind, "advance");
    EXPECT_EQ(rec.events[i].stage, pipeline::Stage::kExtract);
    EXPECT_EQ(rec.events[i].counts.done, i);
    EXPECT_EQ(rec.events[i].counts.total, 3u);
    EXPECT_EQ(rec.events[i].counts.failed, 0u);
  }
  EXPECT_EQ(rec.events[4].kind, "end");
  EXPECT_EQ(rec.events[4].stage, pipeline::Stage::kExtract);
  EXPECT_EQ(rec.events[4].counts.done, 3u);
  EXPECT_EQ(rec.events[4].counts.sections, extracted->sections);
  EXPECT_EQ(rec.events[5].kind, "start");
  EXPECT_EQ(rec.events[5].stage, pipeline::Stage::kIndex);
  const Event& last = rec.events.back();
  EXPECT_EQ(last.kind, "end");
  EXPECT_EQ(last.stage, pipeline::Stage::kIndex);
  EXPECT_EQ(last.counts.done, 3u);
  EXPECT_EQ(last.counts.sections, indexed->sections_added);
  for (size_t i = 6; i + 1 < rec.events.size(); ++i) {
    EXPECT_EQ(rec.events[i].kind, "advance");
    EXPECT_EQ(rec.events[i].stage, pipeline::Stage::kIndex);
    EXPECT_LE(rec.events[i].counts.done, rec.events[i].counts.total);
  }

  // Nothing left: a second round tells start and end with nothing done.
  Recorder again;
  auto none = pipeline::run_extract(*store_, *tagger, eo, &again.progress);
  ASSERT_OK(none);
  EXPECT_EQ(none->versions, 0u);
  ASSERT_EQ(again.events.size(), 2u);
  EXPECT_EQ(again.events[0].kind, "start");
  EXPECT_EQ(again.events[1].kind, "end");
  EXPECT_EQ(again.events[1].counts.done, 0u);
}

TEST_F(PipelineProgressTest, AJobWithoutProgressTellsNobody) {
  auto tagger = pipeline::SectionTagger::create("");
  ASSERT_OK(tagger);
  pipeline::ExtractOptions eo;
  eo.jobs = 1;
  auto extracted = pipeline::run_extract(*store_, *tagger, eo, nullptr);
  ASSERT_OK(extracted);
  EXPECT_EQ(extracted->extracted, 3u);
  // A Progress with only some members set is fine.
  pipeline::Progress partial;
  size_t ends = 0;
  partial.finished = [&](pipeline::Stage, const pipeline::StageCounts&) { ++ends; };
  ASSERT_OK(pipeline::run_index(*store_, {}, &partial));
  EXPECT_EQ(ends, 1u);
}

TEST_F(PipelineProgressTest, AnalyzeTagsAndScoresOneFile) {
  auto tagger = pipeline::SectionTagger::create("");
  ASSERT_OK(tagger);
  testing::write_file(dir_ / "policy.txt", kPolicy);
  auto a = pipeline::analyze_file((dir_ / "policy.txt").string(), *tagger, {});
  ASSERT_OK(a);
  ASSERT_EQ(a->tags.size(), a->document.sections.size());
  bool status_inquiry = false;
  for (const auto& t : a->tags) {
    for (const auto& h : t.hits) status_inquiry = status_inquiry || h.provision == "status_inquiry";
  }
  EXPECT_TRUE(status_inquiry);
  EXPECT_FALSE(a->scorecard.entries.empty());
  auto missing = pipeline::analyze_file((dir_ / "nowhere.pdf").string(), *tagger, {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nowhere.pdf"), std::string::npos);
}

TEST(DocTypeTest, OnePlaceForTheStoredNames) {
  for (corpus::DocType t : corpus::all_doc_types()) {
    auto back = corpus::doc_type_from_name(corpus::doc_type_name(t));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(corpus::doc_type_name(corpus::DocType::kPolicePolicy), "police_policy");
  EXPECT_EQ(corpus::doc_type_name(corpus::DocType::kWebpage), "webpage");
  EXPECT_FALSE(corpus::doc_type_from_name("Ordinance"));
  auto bad = corpus::parse_doc_type("pamphlet");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("pamphlet"), std::string::npos);
  EXPECT_NE(bad.error().message.find("police_policy"), std::string::npos);
  EXPECT_TRUE(corpus::is_doc_type("bylaw", corpus::DocType::kBylaw));
  EXPECT_FALSE(corpus::is_doc_type("bylaws", corpus::DocType::kBylaw));
}

// Each extraction records what kind of document it is, and why (schema version 4): the
// ordinance reads as one, a press release about a vote as news.
TEST_F(PipelineProgressTest, ExtractStoresEachVersionsGenre) {
  auto town = store_->catalog().find_municipality("Acton");
  ASSERT_OK(town);
  add(**town, "file:///press.txt", corpus::DocType::kDocument,
      "FOR IMMEDIATE RELEASE\n\nSelect Board adopts trust policy\n\nThe board voted 3-2 on "
      "Tuesday, the chair said. According to the clerk, the policy takes effect in May.\n");
  auto tagger = pipeline::SectionTagger::create("");
  ASSERT_OK(tagger);
  pipeline::ExtractOptions eo;
  eo.jobs = 1;
  eo.ocr = false;
  ASSERT_OK(pipeline::run_extract(*store_, *tagger, eo, nullptr));
  auto genre_of = [&](const std::string& url) {
    auto stmt = corpus::sql::prepare(store_->catalog(),
                                     "SELECT e.genre, e.genre_reason FROM documents d JOIN extractions e "
                                     "ON e.version_id = d.current_version_id WHERE d.url = ?1");
    EXPECT_TRUE(stmt.has_value());
    stmt->bind(1, std::string_view(url));
    auto row = stmt->step();
    EXPECT_TRUE(row.has_value() && *row) << url;
    return std::pair{stmt->text(0), stmt->text(1)};
  };
  const auto [policy, policy_reason] = genre_of("file:///policy-1.txt");
  EXPECT_EQ(policy, "ordinance");
  EXPECT_NE(policy_reason.find("ordinance"), std::string::npos) << policy_reason;
  EXPECT_EQ(genre_of("file:///press.txt").first, "news");
}

}  // namespace
}  // namespace policyindex
