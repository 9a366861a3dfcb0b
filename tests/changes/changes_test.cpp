#include <nlohmann/json.hpp>

#include "changes/changes.h"
#include "tests/changes/fixtures.h"
#include "corpus/sql.h"

namespace policyindex::changes {
namespace {

using nlohmann::json;
using refresh_testing::Fixture;
using refresh_testing::QuestionScoring;
using refresh_testing::Sec;

const std::vector<Sec> kOrdinance = {
    {"1", "Purpose", "This ordinance builds trust between Fictionville residents and the police."},
    {"2", "Information", "No officer shall share release dates or home addresses with federal "
                         "immigration officials.",
     {"info_sharing:protective:No officer shall share release dates"}},
    {"3", "Detainers", "No officer shall detain a person solely on the basis of a civil "
                       "immigration detainer.",
     {"detention_on_detainer:protective:No officer shall detain a person"}},
    {"4", "Agreements", "The town shall not enter into any agreement under section 287(g).",
     {"287g:protective:shall not enter into any agreement under section 287(g)"}},
};

struct ChangeRow {
  std::string kind, summary;
  std::optional<int64_t> document_id, old_version, new_version;
  json detail;
};

std::vector<ChangeRow> change_rows(corpus::Catalog& catalog) {
  auto stmt = corpus::sql::prepare(catalog, 
      "SELECT kind, summary, document_id, old_version_id, new_version_id, detail FROM changes "
      "ORDER BY id");
  EXPECT_TRUE(stmt.has_value());
  std::vector<ChangeRow> rows;
  while (*stmt->step()) {
    rows.push_back({stmt->text(0), stmt->text(1), stmt->opt_int64(2), stmt->opt_int64(3),
                    stmt->opt_int64(4), json::parse(stmt->text(5))});
  }
  return rows;
}

class ChangesTest : public ::testing::Test {
 protected:
  // Ordinance v1 reported as the baseline; what each test changes is compared to it.
  void SetUp() override {
    doc_ = fx_.document("http://fictionville.test/trust.pdf", "Fictionville", "Trust Ordinance");
    v1_ = fx_.version(doc_, "%PDF-1.4 v1 bytes", kOrdinance, "2026-01-01T00:00:00Z");
    auto marked = ensure_change_baseline(fx_.catalog());
    ASSERT_OK(marked);
    EXPECT_EQ(*marked, 1);
  }

  ChangeSet compute_and_record() {
    auto set = compute_changes(fx_.catalog(), scoring_);
    EXPECT_OK(set);
    if (!set) return {};
    EXPECT_OK(record_changes(fx_.catalog(), *set, std::nullopt));
    return *set;
  }

  Fixture fx_;
  QuestionScoring scoring_;
  int64_t doc_ = 0;
  int64_t v1_ = 0;
};

TEST_F(ChangesTest, BaselineIsTakenOnceAndNothingIsReportedWithoutChanges) {
  auto again = ensure_change_baseline(fx_.catalog());
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
  auto set = compute_and_record();
  EXPECT_TRUE(set.documents.empty());
  EXPECT_TRUE(set.towns.empty());
  EXPECT_TRUE(change_rows(fx_.catalog()).empty());
}

TEST_F(ChangesTest, SameTextDifferentBytesIsNoChangeInContent) {
  // e.g. only the PDF's metadata changed
  int64_t v2 = fx_.version(doc_, "%PDF-1.4 v1 bytes /Producer (x )", kOrdinance);
  ASSERT_NE(v2, v1_);
  auto set = compute_and_record();
  ASSERT_EQ(set.documents.size(), 1u);
  EXPECT_EQ(set.documents[0].kind, "no_content_change");
  EXPECT_TRUE(set.towns.empty()) << "no verdict may change when the text did not";
  auto rows = change_rows(fx_.catalog());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "no_content_change");
  EXPECT_EQ(rows[0].old_version, v1_);
  EXPECT_EQ(rows[0].new_version, v2);
  EXPECT_EQ(rows[0].detail["same_text"], true);
  EXPECT_NE(rows[0].summary.find("no change in content"), std::string::npos) << rows[0].summary;
}

TEST_F(ChangesTest, ProvisionFlipChangesTheVerdictAndIsReportedPerSection) {
  auto v2_sections = kOrdinance;
  v2_sections[1].text = "Officers may share release dates with federal immigration officials "
                        "when it serves a public safety interest.";
  v2_sections[1].hits = {"info_sharing:permissive:may share release dates"};
  int64_t v2 = fx_.version(doc_, "%PDF-1.4 v2 bytes", v2_sections);
  auto set = compute_and_record();
  ASSERT_EQ(set.documents.size(), 1u);
  EXPECT_EQ(set.documents[0].kind, "changed");
  EXPECT_EQ(set.documents[0].diff.count("modified"), 1);
  ASSERT_EQ(set.towns.size(), 1u);
  const auto& town = set.towns[0];
  EXPECT_EQ(town.town, "Fictionville");
  ASSERT_EQ(town.verdicts.size(), 1u);
  EXPECT_EQ(town.verdicts[0].summary(), "Q2 information sharing: green → red");
  std::vector<std::string> language;
  for (const auto& l : town.language) language.push_back(l.summary());
  EXPECT_THAT(language, ::testing::UnorderedElementsAre(
                            "new permissive info_sharing language in section 2 (Information)",
                            "protective info_sharing language removed from section 2 (Information)"));
  auto rows = change_rows(fx_.catalog());
  ASSERT_EQ(rows.size(), 4u);  // changed + 1 verdict + 2 language
  EXPECT_EQ(rows[0].kind, "changed");
  EXPECT_EQ(rows[0].new_version, v2);
  ASSERT_EQ(rows[0].detail["sections"].size(), 1u);
  EXPECT_EQ(rows[0].detail["sections"][0]["kind"], "modified");
  EXPECT_FALSE(rows[0].detail["sections"][0]["diff"].empty());
  EXPECT_EQ(rows[1].kind, "provision_change");
  EXPECT_EQ(rows[1].summary, "Q2 information sharing: green → red");
  EXPECT_EQ(rows[1].detail["provision"], "info_sharing");
  EXPECT_EQ(rows[1].detail["before"], "green");
  EXPECT_EQ(rows[1].detail["after"], "red");
  EXPECT_EQ(rows[1].document_id, doc_);
  EXPECT_EQ(rows[2].detail["type"], "language");
}

TEST_F(ChangesTest, RemovedSectionTurnsAQuestionAbsent) {
  auto v2_sections = kOrdinance;
  v2_sections.pop_back();  // the 287(g) section is gone
  fx_.version(doc_, "%PDF-1.4 v2 bytes", v2_sections);
  auto set = compute_and_record();
  ASSERT_EQ(set.towns.size(), 1u);
  ASSERT_EQ(set.towns[0].verdicts.size(), 1u);
  EXPECT_EQ(set.towns[0].verdicts[0].summary(), "Q7 287(g): green → absent");
  ASSERT_EQ(set.documents.size(), 1u);
  EXPECT_EQ(set.documents[0].diff.count("removed"), 1);
}

TEST_F(ChangesTest, AnotherDocumentKeepsTheVerdict) {
  // Lakeshire is untouched; a second Fictionville policy also bans 287(g): removing the
  // ordinance's section leaves Q7 green, so only language changes are reported.
  int64_t policy = fx_.document("http://fictionville.test/policy.html", "Fictionville", "Police policy");
  fx_.version(policy, "<html>policy</html>",
              {{"7.1", "287(g)", "The department will not seek a 287(g) agreement.",
                {"287g:protective:will not seek a 287(g) agreement"}}});
  auto first = compute_and_record();
  ASSERT_EQ(first.documents.size(), 1u);
  EXPECT_EQ(first.documents[0].kind, "new_document");
  EXPECT_EQ(first.documents[0].provisions, std::vector<std::string>{"287g:protective"});
  EXPECT_TRUE(first.towns.empty()) << "Q7 was already green";

  auto v2_sections = kOrdinance;
  v2_sections.pop_back();
  fx_.version(doc_, "%PDF-1.4 v2 bytes", v2_sections);
  auto set = compute_and_record();
  ASSERT_EQ(set.towns.size(), 1u);
  EXPECT_TRUE(set.towns[0].verdicts.empty());
  ASSERT_EQ(set.towns[0].language.size(), 1u);
  EXPECT_EQ(set.towns[0].language[0].summary(),
            "protective 287g language removed from section 4 (Agreements)");
}

TEST_F(ChangesTest, GoneDocumentIsReportedOnceAndItsVerdictsGo) {
  ASSERT_OK(fx_.catalog().set_document_status(doc_, "gone"));
  auto set = compute_and_record();
  ASSERT_EQ(set.documents.size(), 1u);
  EXPECT_EQ(set.documents[0].kind, "gone");
  ASSERT_EQ(set.towns.size(), 1u);
  EXPECT_EQ(set.towns[0].verdicts.size(), 3u);  // Q2, Q3, Q7 green → absent
  auto rows = change_rows(fx_.catalog());
  ASSERT_GE(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "gone");
  EXPECT_EQ(rows[0].old_version, v1_);
  EXPECT_FALSE(rows[0].new_version.has_value());
  // The document and its versions are kept.
  auto versions = fx_.catalog().versions_of(doc_);
  ASSERT_OK(versions);
  EXPECT_EQ(versions->size(), 1u);
  // Nothing more to report.
  auto again = compute_and_record();
  EXPECT_TRUE(again.documents.empty());
  // Back online with the same bytes: reported as changed, back online, verdicts restored.
  ASSERT_OK(fx_.catalog().set_document_status(doc_, "active"));
  auto back = compute_and_record();
  ASSERT_EQ(back.documents.size(), 1u);
  EXPECT_EQ(back.documents[0].kind, "returned");
  ASSERT_EQ(back.towns.size(), 1u);
  EXPECT_EQ(back.towns[0].verdicts.size(), 3u);
}

TEST_F(ChangesTest, UnextractedVersionStaysPendingUntilExtracted) {
  auto v2_sections = kOrdinance;
  v2_sections[0].text += " It takes effect at once.";
  int64_t v2 = fx_.version(doc_, "%PDF-1.4 v2 bytes", v2_sections, "", /*extract=*/false);
  auto set = compute_and_record();
  EXPECT_TRUE(set.documents.empty());
  EXPECT_EQ(set.pending, std::vector<int64_t>{doc_});
  EXPECT_TRUE(change_rows(fx_.catalog()).empty());
  fx_.extract(v2, v2_sections);
  auto later = compute_and_record();
  ASSERT_EQ(later.documents.size(), 1u);
  EXPECT_EQ(later.documents[0].kind, "changed");
  EXPECT_EQ(later.documents[0].old_version_id, v1_);
  EXPECT_TRUE(later.pending.empty());
}

TEST_F(ChangesTest, ComputingWithoutRecordingReportsTheSameChangesAgain) {
  // A refresh killed between computing and recording loses nothing: the next run finds the
  // same changes; after recording, none.
  fx_.version(doc_, "%PDF-1.4 v2 bytes", {kOrdinance[0]});
  auto a = compute_changes(fx_.catalog(), scoring_);
  auto b = compute_changes(fx_.catalog(), scoring_);
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_EQ(a->documents.size(), 1u);
  ASSERT_EQ(b->documents.size(), 1u);
  EXPECT_EQ(detail_json(a->documents[0]), detail_json(b->documents[0]));
  ASSERT_OK(record_changes(fx_.catalog(), *b));
  auto c = compute_changes(fx_.catalog(), scoring_);
  ASSERT_OK(c);
  EXPECT_TRUE(c->documents.empty());
}

TEST(ChangesBaselineTest, FirstRefreshOnAnEmptyStoreReportsNewDocuments) {
  Fixture fx;
  QuestionScoring scoring;
  ASSERT_OK(ensure_change_baseline(fx.catalog()));
  int64_t doc = fx.document("http://lakeshire.test/policy.pdf", "Lakeshire", "Policy");
  fx.version(doc, "bytes", {{"1", "Status", "Officers shall not ask about immigration status.",
                             {"status_inquiry:protective:shall not ask about immigration status"}}});
  auto set = compute_changes(fx.catalog(), scoring);
  ASSERT_OK(set);
  ASSERT_EQ(set->documents.size(), 1u);
  EXPECT_EQ(set->documents[0].kind, "new_document");
  ASSERT_EQ(set->towns.size(), 1u);
  ASSERT_EQ(set->towns[0].verdicts.size(), 1u);
  EXPECT_EQ(set->towns[0].verdicts[0].summary(), "Q1 status_inquiry: absent → green");
}

}  // namespace
}  // namespace policyindex::changes

namespace policyindex::changes {
namespace {

TEST(TaxonomyScoringTest, VerdictChangesUseTheBuiltInTaxonomy) {
  auto taxonomy = provisions::Taxonomy::builtin();
  ASSERT_OK(taxonomy);
  auto scoring = taxonomy_scoring(*taxonomy);
  refresh_testing::Fixture fx;
  int64_t doc = fx.document("http://fictionville.test/t.pdf", "Fictionville", "Trust");
  const std::vector<refresh_testing::Sec> v1 = {
      {"4", "Agreements", "The town shall not enter into any agreement under section 287(g).",
       {"287g:protective:shall not enter into any agreement under section 287(g)"}}};
  fx.version(doc, "v1", v1);
  ASSERT_OK(ensure_change_baseline(fx.catalog()));
  fx.version(doc, "v2", {{"4", "Agreements", "The chief may enter into agreements."}});
  auto set = compute_changes(fx.catalog(), *scoring);
  ASSERT_OK(set);
  ASSERT_EQ(set->towns.size(), 1u);
  ASSERT_EQ(set->towns[0].verdicts.size(), 1u);
  EXPECT_EQ(set->towns[0].verdicts[0].summary(), "Q7 287(g) agreements: green → absent");
}

}  // namespace
}  // namespace policyindex::changes

namespace policyindex::changes {
namespace {

// Records a successful fetch of DOCUMENT from URL (its own address or a redirect target).
void fetched_from(corpus::Catalog& catalog, int64_t document, const std::string& url,
                  const std::string& outcome = "not_modified") {
  corpus::FetchRecord log;
  log.url = url;
  log.document_id = document;
  log.started_at = "2026-02-01T00:00:00Z";
  log.http_status = outcome == "not_modified" ? 304 : 200;
  log.outcome = *corpus::fetch_outcome_from_string(outcome);
  ASSERT_OK(catalog.log_fetch(log));
}

TEST_F(ChangesTest, RenamedFileIsReportedOnceAsMovedNotAsGoneAndNew) {
  // The town renames the PDF: the old address answers 404, the index links the new one.
  ASSERT_OK(fx_.catalog().set_document_status(doc_, "gone"));
  int64_t renamed = fx_.document("http://fictionville.test/2026-trust-ordinance.pdf", "Fictionville",
                                 "Trust Ordinance (2026)");
  int64_t v2 = fx_.version(renamed, "%PDF-1.7 re-exported bytes", kOrdinance);
  auto set = compute_and_record();
  EXPECT_EQ(set.count("moved"), 1);
  EXPECT_EQ(set.count("gone"), 0);
  EXPECT_EQ(set.count("new_document"), 0);
  EXPECT_TRUE(set.towns.empty()) << "the same text at a new address changes no verdict";
  auto rows = change_rows(fx_.catalog());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "moved");
  EXPECT_EQ(rows[0].document_id, renamed);
  EXPECT_EQ(rows[0].old_version, v1_);
  EXPECT_EQ(rows[0].new_version, v2);
  EXPECT_EQ(rows[0].detail["moved_from"], "http://fictionville.test/trust.pdf");
  EXPECT_EQ(rows[0].detail["moved_from_document_id"], doc_);
  EXPECT_NE(rows[0].summary.find("from http://fictionville.test/trust.pdf"), std::string::npos)
      << rows[0].summary;
  // Both documents' states moved: nothing is left to report.
  EXPECT_TRUE(compute_and_record().documents.empty());
}

TEST_F(ChangesTest, RenamedAndEditedFileIsChangedWithTheDiffAgainstTheOldAddress) {
  ASSERT_OK(fx_.catalog().set_document_status(doc_, "gone"));
  auto edited = kOrdinance;
  edited[0].text += " It was amended in 2026.";
  int64_t renamed = fx_.document("http://fictionville.test/trust-amended.pdf", "Fictionville",
                                 "Trust Ordinance, amended");
  fx_.version(renamed, "%PDF-1.7 amended", edited);
  auto set = compute_and_record();
  ASSERT_EQ(set.count("changed"), 1);
  EXPECT_EQ(set.count("gone") + set.count("new_document") + set.count("moved"), 0);
  const DocumentChange* c = nullptr;
  for (const auto& d : set.documents) {
    if (d.kind == "changed") c = &d;
  }
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->document_id, renamed);
  EXPECT_EQ(c->moved_from, "http://fictionville.test/trust.pdf");
  EXPECT_EQ(c->diff.count("modified"), 1);
  EXPECT_NE(c->summary().find("moved from"), std::string::npos) << c->summary();
}

TEST_F(ChangesTest, DifferentTextOrAnotherTownIsNotARename) {
  ASSERT_OK(fx_.catalog().set_document_status(doc_, "gone"));
  // The same text in another town (a model ordinance adopted elsewhere) ...
  int64_t elsewhere = fx_.document("http://lakeshire.test/trust.pdf", "Lakeshire", "Trust Ordinance");
  fx_.version(elsewhere, "%PDF lakeshire", kOrdinance);
  // ... and an unrelated new document in the same town.
  int64_t other = fx_.document("http://fictionville.test/parking.pdf", "Fictionville", "Parking");
  fx_.version(other, "%PDF parking",
              {{"1", "Parking", "No vehicle shall be parked on Main Street overnight in winter."}});
  auto set = compute_and_record();
  EXPECT_EQ(set.count("gone"), 1);
  EXPECT_EQ(set.count("new_document"), 2);
  EXPECT_EQ(set.count("moved"), 0);
}

TEST_F(ChangesTest, AddressThatNowRedirectsIsReportedAsMoved) {
  // The change log learns where the document lives (first recorded silently) ...
  fetched_from(fx_.catalog(), doc_, "http://fictionville.test/trust.pdf", "fetched");
  auto first = compute_and_record();
  for (const auto& d : first.documents) EXPECT_EQ(d.kind, "state_only");
  EXPECT_TRUE(change_rows(fx_.catalog()).empty());
  // ... then its URL starts redirecting and the same bytes come from the new address.
  fetched_from(fx_.catalog(), doc_, "http://fictionville.test/clerk/trust.pdf");
  auto set = compute_and_record();
  ASSERT_EQ(set.count("moved"), 1);
  auto rows = change_rows(fx_.catalog());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, "moved");
  EXPECT_EQ(rows[0].detail["moved_from"], "http://fictionville.test/trust.pdf");
  EXPECT_EQ(rows[0].detail["location"], "http://fictionville.test/clerk/trust.pdf");
  EXPECT_TRUE(set.towns.empty());
  // Checked again at the new address: nothing new.
  fetched_from(fx_.catalog(), doc_, "http://fictionville.test/clerk/trust.pdf");
  EXPECT_TRUE(compute_and_record().documents.empty());
}

TEST_F(ChangesTest, NavigationPagesAreNeverReported) {
  int64_t home = fx_.document("http://fictionville.test/", "Fictionville", "Fictionville home");
  ASSERT_OK(corpus::sql::exec(fx_.catalog(), "UPDATE documents SET doc_type='webpage' WHERE id=" + std::to_string(home)));
  fx_.version(home, "<html>links v1</html>", {});
  auto first = compute_and_record();
  EXPECT_EQ(first.count("new_document"), 0);
  fx_.version(home, "<html>links v2</html>", {});
  auto second = compute_and_record();
  EXPECT_EQ(second.count("changed") + second.count("no_content_change"), 0);
  ASSERT_OK(fx_.catalog().set_document_status(home, "gone"));
  auto third = compute_and_record();
  EXPECT_EQ(third.count("gone"), 0);
  EXPECT_TRUE(change_rows(fx_.catalog()).empty());
  // A web page that does carry policy language is a document like any other.
  int64_t page = fx_.document("http://fictionville.test/welcoming", "Fictionville", "Welcoming policy");
  ASSERT_OK(corpus::sql::exec(fx_.catalog(), "UPDATE documents SET doc_type='webpage' WHERE id=" + std::to_string(page)));
  fx_.version(page, "<html>policy</html>",
              {{"1", "Agreements", "The town shall not enter into a 287(g) agreement.",
                {"287g:protective:shall not enter into a 287(g) agreement"}}});
  EXPECT_EQ(compute_and_record().count("new_document"), 1);
}

}  // namespace
}  // namespace policyindex::changes
