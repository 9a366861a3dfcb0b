// Titles from the document itself (choose_title), on fictional documents.

#include <gtest/gtest.h>

#include "extract/extract.h"
#include "tests/testing/testing.h"

namespace policyindex::extract {
namespace {

Section sec(std::string number, std::string heading, std::string text, int level = 1) {
  Section s;
  s.number = std::move(number);
  s.heading = std::move(heading);
  s.text = std::move(text);
  s.level = level;
  return s;
}

TEST(TitleTest, LinkWordsAndFileNamesAreNotTitles) {
  for (const char* junk : {"Click here", "Read the ordinance (PDF)", "Download", "Download (PDF, 2 MB)",
                           "Microsoft Word - doc1.docx", "Untitled", "policy_v3_final.pdf", "Ordinance", "12",
                           "View full text", "here"}) {
    EXPECT_FALSE(meaningful_title(junk)) << junk;
  }
  for (const char* good : {"Trust Ordinance", "General Order 4.12", "Welcoming Community Bylaw"}) {
    EXPECT_TRUE(meaningful_title(good)) << good;
  }
}

TEST(TitleTest, NumberAndTitleComeFirst) {
  Document d;
  d.title = "Town of Brackenridge";
  d.meta_title = "Microsoft Word - doc1.docx";
  d.sections = {sec("", "ORDINANCE NO. 2019-12", ""), sec("", "Trust Ordinance", "No officer shall ask."),
                sec("1", "Purpose", "This ordinance ...")};
  auto t = choose_title(d, "Read the ordinance (PDF)");
  EXPECT_EQ(t.title, "ORDINANCE NO. 2019-12: Trust Ordinance");
  EXPECT_EQ(t.source, "number");
  Document g;
  g.sections = {sec("", "General Order 4.12 - Immigration Status", "Officers shall not ask.")};
  EXPECT_EQ(choose_title(g).title, "General Order 4.12 - Immigration Status");
}

TEST(TitleTest, HeadingThenMetadataThenLink) {
  Document d;
  d.title = "City of Brackenridge Police Department";  // letterhead
  d.meta_title = "Untitled";
  d.sections = {sec("", "Immigration Enforcement Policy", "Officers shall not ask."), sec("1", "Purpose", "...")};
  auto t = choose_title(d, "Click here");
  EXPECT_EQ(t.title, "Immigration Enforcement Policy");
  EXPECT_EQ(t.source, "heading");

  Document m;
  m.title = m.meta_title = "Brackenridge Safe Community Act";
  m.sections = {sec("1", "Purpose", "To build trust.")};
  t = choose_title(m, "Download");
  EXPECT_EQ(t.title, "Brackenridge Safe Community Act");
  EXPECT_EQ(t.source, "metadata");

  Document l;
  l.meta_title = "Microsoft Word - final.docx";
  l.sections = {sec("1", "Definitions", "...")};
  t = choose_title(l, "Welcoming Community Bylaw");
  EXPECT_EQ(t.source, "link");
  EXPECT_EQ(t.title, "Welcoming Community Bylaw");
  EXPECT_EQ(choose_title(l, "Read the bylaw (PDF)").title, "");
}

TEST(TitleTest, MetadataTitleSurvivesTheWorkerWire) {
  Document d;
  d.title = "Heading";
  d.meta_title = "Meta";
  auto back = deserialize(serialize(d));
  ASSERT_OK(back);
  EXPECT_EQ(back->meta_title, "Meta");
  // And a real HTML page keeps its <title> as metadata beside its heading.
  auto html = extract("<html><head><title>Trust Ordinance | Town of Brackenridge</title></head><body><main>"
                      "<h1>Chapter 12. Trust Ordinance</h1><p>No officer shall ask about status.</p></main></body></html>");
  ASSERT_OK(html);
  EXPECT_EQ(html->meta_title, "Trust Ordinance");
  EXPECT_EQ(choose_title(*html).title, "Chapter 12. Trust Ordinance");
  EXPECT_EQ(choose_title(*html).source, "number");
}

}  // namespace
}  // namespace policyindex::extract
