// The report writers: text, JSON and HTML of one typed report; document text is escaped in
// HTML, quotes are never cut, only web links become links.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "render/report.h"

namespace policyindex::render {
namespace {

query::Report sample() {
  query::Report r;
  r.file = "quillfield.pdf";
  r.type = "pdf";
  r.title = "Trust <Act> & \"Safety\"";
  r.pages = 3;
  r.protective = 1;
  r.permissive = 1;
  r.not_addressed = 5;
  r.questions = 7;
  r.summary = query::summary_line(7, 1, 0, 1, 5);
  query::ReportQuestion q;
  q.key = "Q2";
  q.provision = "info_sharing";
  q.label = "Information sharing";
  q.verdict = "red";
  q.verdict_label = "permissive";
  q.meaning = "Permissive: staff may share information with ICE.";
  q.quotes.push_back({"Section 4. Sharing", 2, "permissive",
                      std::string(400, 'x') + " <script>alert(1)</script> end of the quote", "Permissive because ..."});
  query::BorrowItem b;
  b.town = "Marrowvale";
  b.county = "Middlesex";
  b.nearness = "same county";
  b.town_verdict = "green";
  b.document = "Welcoming <b>bylaw</b>";
  b.doc_type = "Bylaw";
  b.url = "https://example.org/a?b=1&c=\"2\"";
  b.section = "Section 2";
  b.text = "No officer shall share release dates.";
  q.borrow.push_back(b);
  b.town = "Localton";
  b.url = "file:///home/x/bylaw.pdf";
  b.document = "local copy";
  q.borrow.push_back(b);
  r.items.push_back(q);
  r.legend.push_back({"Q2", "info_sharing", "Information sharing", "Protective: a", "Mixed: b", "Permissive: c",
                      "Not addressed: d"});
  r.citations.push_back("8 U.S.C. § 1373");
  r.sections.push_back({"Section 4. Sharing", 1, 2, std::nullopt});
  return r;
}

TEST(ReportHtml, EscapesDocumentTextAndLinksOnlyWebUrls) {
  const std::string html = report_html(sample());
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Trust &lt;Act&gt; &amp; &quot;Safety&quot;"), std::string::npos);
  EXPECT_NE(html.find("Welcoming &lt;b&gt;bylaw&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("href=\"https://example.org/a?b=1&amp;c=&quot;2&quot;\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"file:"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);  // self-contained
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_NE(html.find("1 of 7 questions protective, 1 permissive, 5 not addressed."), std::string::npos);
  EXPECT_NE(html.find(std::string(400, 'x')), std::string::npos);
}

TEST(ReportText, FullQuotesLegendAndBorrow) {
  const std::string text = report_text(sample());
  EXPECT_NE(text.find(std::string(400, 'x') + " <script>alert(1)</script> end of the quote"), std::string::npos);
  EXPECT_NE(text.find("Summary: 1 of 7 questions protective"), std::string::npos);
  EXPECT_NE(text.find("Protective: a"), std::string::npos);
  EXPECT_NE(text.find("Marrowvale (Middlesex County, same county; their verdict: protective)"), std::string::npos) << text;
  EXPECT_NE(text.find("8 U.S.C. § 1373"), std::string::npos);
}

TEST(ReportText, SaysPlainlyWhenThereIsNoCorpus) {
  query::Report r = sample();
  r.borrow_note = "No corpus was given.";
  const std::string text = report_text(r);
  EXPECT_NE(text.find("What to borrow: No corpus was given."), std::string::npos);
  EXPECT_EQ(text.find("Marrowvale"), std::string::npos);
  EXPECT_EQ(report_html(r).find("Marrowvale"), std::string::npos);
}

TEST(ReportJson, CountsAndQuotes) {
  auto j = nlohmann::json::parse(report_json(sample()));
  EXPECT_EQ(j["counts"]["protective"], 1);
  EXPECT_EQ(j["counts"]["not_addressed"], 5);
  EXPECT_EQ(j["questions"][0]["quotes"][0]["page"], 2);
  EXPECT_GT(j["questions"][0]["quotes"][0]["text"].get<std::string>().size(), 400u);
  EXPECT_EQ(j["questions"][0]["borrow"][0]["town"], "Marrowvale");
  EXPECT_TRUE(j["model"].is_null());
}

TEST(ReportHtml, ModelDiffMarksDeletionsAndInsertions) {
  query::Report r = sample();
  auto m = std::make_shared<query::ModelComparison>();
  m->name = "Model <trust>";
  m->changes.push_back({"weakened", "detainer_notice", "Section 1", "Section A", "shall provide", "may provide",
                        "\"shall\" became \"may\"", 0.9, {{'-', "shall"}, {'+', "may"}, {'=', "provide"}}});
  r.model = m;
  const std::string html = report_html(r);
  EXPECT_NE(html.find("<del>shall</del> <ins>may</ins> provide"), std::string::npos);
  EXPECT_NE(html.find("Model &lt;trust&gt;"), std::string::npos);
  EXPECT_NE(report_text(r).find("[-shall-] {+may+} provide"), std::string::npos);
}

}  // namespace
}  // namespace policyindex::render
