#include <nlohmann/json.hpp>

#include "changes/changes.h"
#include "tests/changes/fixtures.h"

namespace policyindex::changes {
namespace {

using nlohmann::json;
using refresh_testing::Fixture;
using refresh_testing::QuestionScoring;
using refresh_testing::Sec;

// A report with one of everything: a new document, a gone one, a changed one with a
// modified, an added, a removed and a renumbered section and a verdict flip, a
// metadata-only change, and a failed URL.
RefreshReport sample_report(Fixture& fx) {
  QuestionScoring scoring;
  const std::vector<Sec> v1 = {
      {"1", "Purpose", "Trust between Fictionville residents and the police."},
      {"2", "Information", "No officer shall share release dates with immigration officials.",
       {"info_sharing:protective:No officer shall share release dates"}},
      {"3", "Penalties", "A violation is a disciplinary matter."},
      {"4", "Reporting", "The chief reports to the council each year."}};
  int64_t changed = fx.document("http://fictionville.test/trust.pdf", "Fictionville", "Trust Ordinance");
  fx.version(changed, "v1", v1, "2026-01-01T00:00:00Z");
  int64_t meta_only = fx.document("http://fictionville.test/faq.pdf", "Fictionville", "FAQ");
  fx.version(meta_only, "faq v1", {{"", "", "Questions and answers about the ordinance."}});
  int64_t gone = fx.document("http://lakeshire.test/old.html", "Lakeshire", "Old memo");
  fx.version(gone, "memo", {{"", "Memo", "Officers shall treat everyone equally.",
                             {"equal_treatment:protective:treat everyone equally"}}});
  if (!ensure_change_baseline(fx.catalog())) throw std::runtime_error("baseline");

  std::vector<Sec> v2 = {
      v1[0],
      {"2", "Information", "Officers may share release dates when it serves a public safety interest.",
       {"info_sharing:permissive:may share release dates"}},
      {"3", "Reporting", "The chief reports to the council each year."},  // renumbered from 4
      {"4", "Complaints", "Complaints go to the town clerk.", {"complaints:protective:Complaints go to the town clerk"}}};
  fx.version(changed, "v2", v2, "2026-02-01T00:00:00Z");
  fx.version(meta_only, "faq v1 /Producer", {{"", "", "Questions and answers about the ordinance."}});
  if (!fx.catalog().set_document_status(gone, "gone")) throw std::runtime_error("status");
  int64_t fresh = fx.document("http://lakeshire.test/new.pdf", "Lakeshire", "New policy");
  fx.version(fresh, "new", {{"1", "", "No 287(g) agreement shall be signed.",
                             {"287g:protective:No 287(g) agreement shall be signed"}}});

  auto set = compute_changes(fx.catalog(), scoring);
  if (!set) throw std::runtime_error(set.error().message);
  RefreshReport r;
  r.started_at = "2026-02-01T03:00:00Z";
  r.finished_at = "2026-02-01T03:00:12Z";
  r.elapsed_s = 12.34;
  r.towns = 2;
  r.urls = 9;
  r.requests = 11;
  r.conditional = 7;
  r.unchanged = 4;
  r.indexed = 3;
  r.failures.push_back({"http://fictionville.test/slow.pdf", "crawl", "timeout after 30 s"});
  r.changes = std::move(*set);
  return r;
}

TEST(ReportTest, SummaryLineIsOneParsableLine) {
  Fixture fx;
  auto r = sample_report(fx);
  EXPECT_EQ(summary_line(r), "refresh partial: 2 towns, 9 urls, 1 new, 1 changed, 1 gone, 0 moved, 1 failed, 12.3s");
  r.failures.clear();
  EXPECT_EQ(summary_line(r), "refresh ok: 2 towns, 9 urls, 1 new, 1 changed, 1 gone, 0 moved, 0 failed, 12.3s");
  r.phase_errors.push_back("index: cannot open xapian");
  EXPECT_EQ(r.status(), "failed");
  EXPECT_EQ(summary_line(r).rfind("refresh failed: ", 0), 0u);
}

TEST(ReportTest, TextReportShowsEveryKindOfChange) {
  Fixture fx;
  auto text = render_text(sample_report(fx));
  for (const char* expected : {
           "refresh partial: 2 towns, 9 urls",
           "New documents (1)", "Lakeshire — New policy (ordinance)", "287g:protective",
           "Gone (1;", "Lakeshire — Old memo",
           "Changed (1)", "Fictionville — Trust Ordinance",
           "version 1 of 2026-01-01T00:00:00Z → version",
           "modified section 2 (Information)",
           "[-No officer shall-] {+Officers may+} share release dates",
           "+ permissive info_sharing: \"may share release dates\"",
           "- protective info_sharing: \"No officer shall share release dates\"",
           "removed section 3 (Penalties)",
           "renumbered 4 → section 3 (Reporting)",
           "added section 4 (Complaints)",
           "No change in content (1)", "Fictionville — FAQ", "new bytes, same text",
           "Provision changes (2 towns)",
           "Q2 information sharing: green → red",
           "new permissive info_sharing language in section 2 (Information)",
           "Q7 287(g): absent → green",
           "equal_treatment: green → absent",
           "Failures (1)", "[crawl] http://fictionville.test/slow.pdf: timeout after 30 s"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

TEST(ReportTest, MarkdownReportMarksWordChanges) {
  Fixture fx;
  auto md = render_markdown(sample_report(fx));
  for (const char* expected : {
           "# policyindex refresh, 2026-02-01T03:00:12Z",
           "`refresh partial: 2 towns, 9 urls, 1 new, 1 changed, 1 gone, 0 moved, 1 failed, 12.3s`",
           "## New documents (1)",
           "[New policy](http://lakeshire.test/new.pdf)",
           "## Changed (1)",
           "### Fictionville: [Trust Ordinance](http://fictionville.test/trust.pdf)",
           "| change | section | words |",
           "| renumbered | section 3 \\(Reporting\\) (was 4) |",
           "~~No officer shall~~ **Officers may** share release dates",
           "## No change in content (1)",
           "## Provision changes",
           "  - Q2 information sharing: green → red",
           "## Failures (1)"}) {
    EXPECT_NE(md.find(expected), std::string::npos) << "missing: " << expected << "\n" << md;
  }
}

TEST(ReportTest, JsonReportCarriesCountsDiffsAndVerdicts) {
  Fixture fx;
  auto r = sample_report(fx);
  auto j = json::parse(render_json(r));
  EXPECT_EQ(j["summary"], summary_line(r));
  EXPECT_EQ(j["status"], "partial");
  EXPECT_EQ(j["counts"]["new"], 1);
  EXPECT_EQ(j["counts"]["changed"], 1);
  EXPECT_EQ(j["counts"]["gone"], 1);
  EXPECT_EQ(j["counts"]["no_content_change"], 1);
  EXPECT_EQ(j["counts"]["failed"], 1);
  EXPECT_EQ(j["counts"]["conditional"], 7);
  ASSERT_EQ(j["documents"].size(), 4u);
  bool saw_changed = false;
  for (const auto& d : j["documents"]) {
    if (d["kind"] != "changed") continue;
    saw_changed = true;
    std::map<std::string, int> kinds;
    for (const auto& s : d["sections"]) ++kinds[s["kind"]];
    EXPECT_EQ(kinds["modified"], 1);
    EXPECT_EQ(kinds["removed"], 1);
    EXPECT_EQ(kinds["added"], 1);
    EXPECT_EQ(kinds["renumbered"], 1);
  }
  EXPECT_TRUE(saw_changed);
  std::vector<std::string> verdicts;
  for (const auto& t : j["provision_changes"]) {
    for (const auto& v : t["verdicts"]) verdicts.push_back(t["town"].get<std::string>() + " " + v["summary"].get<std::string>());
  }
  EXPECT_THAT(verdicts, ::testing::UnorderedElementsAre(
                            "Fictionville Q2 information sharing: green → red",
                            "Fictionville complaints: absent → green",
                            "Lakeshire Q7 287(g): absent → green",
                            "Lakeshire equal_treatment: green → absent"));
  EXPECT_EQ(j["failures"][0]["reason"], "timeout after 30 s");
}

TEST(ReportTest, FormatFromExtensionUnlessGiven) {
  EXPECT_EQ(report_format_for("/var/log/r.json", std::nullopt), ReportFormat::kJson);
  EXPECT_EQ(report_format_for("r.MD", std::nullopt), ReportFormat::kMarkdown);
  EXPECT_EQ(report_format_for("r.markdown", std::nullopt), ReportFormat::kMarkdown);
  EXPECT_EQ(report_format_for("r.txt", std::nullopt), ReportFormat::kText);
  EXPECT_EQ(report_format_for("report", std::nullopt), ReportFormat::kText);
  EXPECT_EQ(report_format_for("r.json", ReportFormat::kText), ReportFormat::kText);
  EXPECT_EQ(*parse_report_format("md"), ReportFormat::kMarkdown);
  auto bad = parse_report_format("yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("yaml"), std::string::npos);
}

}  // namespace
}  // namespace policyindex::changes
