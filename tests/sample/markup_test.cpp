// The sample documents' markup: blocks, inline spans, and errors that name the line.

#include "demo/sample/gen/markup.h"

#include <stdexcept>

#include "tests/testing/testing.h"

namespace policyindex::sample_gen {
namespace {

TEST(MarkupTest, ParsesDirectivesHeadingsAndParagraphs) {
  Doc doc = parse(
      "%title T\n%render pdf html\n%site Town of X|Home=/|Police=/police/\n"
      "# ONE\n## Sec. 2 - Two\n\nfirst line\nsecond line\n\n> (a) indented\n- item\n@pagebreak\n",
      "t.pdm");
  EXPECT_EQ(doc.title, "T");
  EXPECT_EQ(doc.renders, (std::vector<std::string>{"pdf", "html"}));
  ASSERT_EQ(doc.nav.size(), 2u);
  EXPECT_EQ(doc.nav[1].href, "/police/");
  ASSERT_EQ(doc.blocks.size(), 6u);
  EXPECT_EQ(doc.blocks[0].kind, BlockKind::kHeading);
  EXPECT_EQ(doc.blocks[1].level, 2);
  EXPECT_EQ(doc.blocks[2].plain(), "first line second line");
  EXPECT_EQ(doc.blocks[3].level, 1);
  EXPECT_EQ(doc.blocks[4].kind, BlockKind::kBullet);
  EXPECT_EQ(doc.blocks[5].kind, BlockKind::kPageBreak);
}

TEST(MarkupTest, SplitsInlineSpans) {
  auto spans = parse_inline("a **b** ~~c~~++d++ *e*", "x");
  ASSERT_EQ(spans.size(), 7u);  // "a ", b, " ", c, d, " ", e
  EXPECT_TRUE(spans[1].bold);
  EXPECT_EQ(spans[1].text, "b");
  EXPECT_TRUE(spans[3].struck);
  EXPECT_EQ(spans[3].text, "c");
  EXPECT_TRUE(spans[4].inserted);
  EXPECT_TRUE(spans[6].italic);
}

TEST(MarkupTest, ErrorsNameTheLine) {
  try {
    parse("%title T\n%render pdf\n\nok\n\nbad ~~struck\n", "doc.pdm");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("doc.pdm:6"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse("%title T\n%render tiff\n", "d"), std::runtime_error);
  EXPECT_THROW(parse("%render pdf\n", "d"), std::runtime_error);  // no title
  EXPECT_THROW(parse("%title T\n%render pdf\n#### too deep\n", "d"), std::runtime_error);
}

}  // namespace
}  // namespace policyindex::sample_gen
