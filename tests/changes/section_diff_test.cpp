#include "changes/changes.h"
#include "tests/changes/fixtures.h"

namespace policyindex::changes {
namespace {

using refresh_testing::Sec;
using refresh_testing::stored;

const std::vector<Sec> kBase = {
    {"1", "Purpose", "The purpose of this ordinance is to build trust between the residents of "
                     "Fictionville and its police department."},
    {"2", "Definitions", "Civil immigration detainer means a request to hold a person."},
    {"3", "Detainers", "No officer shall detain a person solely on the basis of a civil "
                       "immigration detainer.", {"detention_on_detainer:protective:No officer shall detain"}},
    {"4", "Reporting", "The chief shall report every request to the town council each quarter."},
    {"5", "Severability", "If any part of this ordinance is held invalid the rest remains in force."},
};

TEST(SectionDiffTest, IdenticalSectionsAreUnchanged) {
  auto d = diff_sections(stored(kBase), stored(kBase));
  EXPECT_TRUE(d.same_text);
  EXPECT_TRUE(d.changes.empty());
  EXPECT_EQ(d.unchanged, 5);
}

TEST(SectionDiffTest, WhitespaceAndLineBreaksAreNotAChangeInContent) {
  auto after = kBase;
  after[0].text = "The purpose of this ordinance is to build trust\nbetween the residents of  "
                  "Fictionville and its\n\npolice department.  ";
  auto d = diff_sections(stored(kBase), stored(after));
  EXPECT_TRUE(d.same_text);
  EXPECT_TRUE(d.changes.empty());
}

TEST(SectionDiffTest, ModifiedSectionHasAWordDiff) {
  auto after = kBase;
  after[3].text = "The chief shall report every request and every detainer to the town council each month.";
  auto d = diff_sections(stored(kBase), stored(after));
  EXPECT_FALSE(d.same_text);
  ASSERT_EQ(d.changes.size(), 1u);
  const auto& c = d.changes[0];
  EXPECT_EQ(c.kind, "modified");
  EXPECT_EQ(c.new_number, "4");
  EXPECT_EQ(c.label(), "section 4 (Reporting)");
  EXPECT_EQ(c.words_added, 4);    // "and every detainer", "month."
  EXPECT_EQ(c.words_removed, 1);  // "quarter."
  std::string added, removed;
  for (const auto& r : c.words) {
    if (r.op == '+') added += r.text + "|";
    if (r.op == '-') removed += r.text + "|";
  }
  EXPECT_EQ(added, "and every detainer|month.|");
  EXPECT_EQ(removed, "quarter.|");
  EXPECT_EQ(d.unchanged, 4);
}

TEST(SectionDiffTest, RemovedAndAddedSections) {
  auto after = kBase;
  after.erase(after.begin() + 4);  // severability gone
  after.push_back({"6", "Complaints", "Any person may file a complaint with the town clerk.",
                   {"complaints:protective:may file a complaint"}});
  auto d = diff_sections(stored(kBase), stored(after));
  ASSERT_EQ(d.changes.size(), 2u);
  EXPECT_EQ(d.count("removed"), 1);
  EXPECT_EQ(d.count("added"), 1);
  const SectionChange* removed = nullptr;
  const SectionChange* added = nullptr;
  for (const auto& c : d.changes) (c.kind == "removed" ? removed : added) = &c;
  EXPECT_EQ(removed->old_number, "5");
  EXPECT_EQ(removed->label(), "section 5 (Severability)");
  EXPECT_EQ(added->new_number, "6");
  ASSERT_EQ(added->hits.size(), 1u);
  EXPECT_EQ(added->hits[0].provision, "complaints");
  EXPECT_TRUE(added->hits[0].added);
}

TEST(SectionDiffTest, InsertedSectionShiftsNumberingWithoutFalseChanges) {
  // A new section 2 pushes every later section down by one: that is one addition and three
  // renumberings, not four modifications.
  std::vector<Sec> after = {kBase[0],
                            {"2", "Findings", "The town council finds that trust keeps everyone safe."}};
  for (size_t i = 1; i < kBase.size(); ++i) {
    Sec s = kBase[i];
    s.number = std::to_string(i + 2);
    after.push_back(s);
  }
  auto d = diff_sections(stored(kBase), stored(after));
  EXPECT_EQ(d.count("added"), 1);
  EXPECT_EQ(d.count("renumbered"), 4);
  EXPECT_EQ(d.count("modified"), 0);
  EXPECT_EQ(d.count("removed"), 0);
  EXPECT_FALSE(d.same_text);
  for (const auto& c : d.changes) {
    if (c.kind != "renumbered") continue;
    EXPECT_EQ(std::stoi(c.new_number), std::stoi(c.old_number) + 1) << c.label();
    EXPECT_EQ(c.old_heading, c.new_heading);
  }
}

TEST(SectionDiffTest, RenumberedAndEditedSectionIsModifiedNotRemovedAndAdded) {
  // Section 2 removed; old 3 becomes 2 and is edited, old 4 becomes 3 unchanged.
  std::vector<Sec> after = {kBase[0], kBase[2], kBase[3], kBase[4]};
  after[1].number = "2";
  after[1].text = "No officer shall detain or arrest a person solely on the basis of a civil "
                  "immigration detainer.";
  after[2].number = "3";
  after[3].number = "4";
  auto d = diff_sections(stored(kBase), stored(after));
  EXPECT_EQ(d.count("removed"), 1);
  EXPECT_EQ(d.count("modified"), 1);
  EXPECT_EQ(d.count("renumbered"), 2);
  EXPECT_EQ(d.count("added"), 0);
  for (const auto& c : d.changes) {
    if (c.kind == "removed") {
      EXPECT_EQ(c.old_heading, "Definitions");
    }
    if (c.kind == "modified") {
      EXPECT_EQ(c.old_number, "3");
      EXPECT_EQ(c.new_number, "2");
      EXPECT_EQ(c.words_added, 2);  // "or arrest"
      EXPECT_EQ(c.words_removed, 0);
    }
  }
}

TEST(SectionDiffTest, ResegmentedSameWordsIsNoChangeInContent) {
  std::vector<Sec> after = kBase;
  after[3].text += " " + after[4].number + " " + after[4].heading + " " + after[4].text;
  after.pop_back();
  auto d = diff_sections(stored(kBase), stored(after));
  EXPECT_TRUE(d.same_text);
}

TEST(SectionDiffTest, StanceFlipInASectionIsALanguageChange) {
  auto after = kBase;
  after[2].text = "An officer may detain a person for a reasonable period in order to contact "
                  "federal immigration officials.";
  after[2].hits = {"detention_on_detainer:permissive:may detain a person"};
  auto d = diff_sections(stored(kBase), stored(after));
  ASSERT_EQ(d.changes.size(), 1u);
  EXPECT_EQ(d.changes[0].kind, "modified");
  ASSERT_EQ(d.changes[0].hits.size(), 2u);
  int added = 0, removed = 0;
  for (const auto& h : d.changes[0].hits) {
    EXPECT_EQ(h.provision, "detention_on_detainer");
    if (h.added) {
      ++added;
      EXPECT_EQ(h.stance, "permissive");
    } else {
      ++removed;
      EXPECT_EQ(h.stance, "protective");
    }
  }
  EXPECT_EQ(added, 1);
  EXPECT_EQ(removed, 1);
}

TEST(WordDiffTest, LongCommonRunsAreElidedAroundChanges) {
  std::string common;
  for (int i = 0; i < 40; ++i) common += "w" + std::to_string(i) + " ";
  auto runs = word_diff(common + "old tail", common + "new tail", 3);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0].op, '=');
  EXPECT_EQ(runs[0].text, "… w37 w38 w39");
  EXPECT_EQ(runs[0].elided, 37);
  EXPECT_EQ(runs[1].op, '-');
  EXPECT_EQ(runs[1].text, "old");
  EXPECT_EQ(runs[2].op, '+');
  EXPECT_EQ(runs[2].text, "new");
  EXPECT_EQ(runs[3].text, "tail");
}

TEST(WordDiffTest, SimilarityIsADiceCoefficientOfFoldedWords) {
  EXPECT_DOUBLE_EQ(text_similarity("a b c d", "A b, c d."), 1.0);
  EXPECT_DOUBLE_EQ(text_similarity("a b", "c d"), 0.0);
  EXPECT_DOUBLE_EQ(text_similarity("a b c d", "a b x y"), 0.5);
  EXPECT_DOUBLE_EQ(text_similarity("", ""), 1.0);
}

}  // namespace
}  // namespace policyindex::changes
