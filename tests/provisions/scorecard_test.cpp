// The seven-question scorecard from tagged sections.

#include <gtest/gtest.h>

#include "provisions/provisions.h"
#include "tests/testing/testing.h"

namespace policyindex::provisions {
namespace {

TEST(ScorecardTest, VerdictsFromStances) {
  EXPECT_EQ(verdict_from(true, false), Verdict::kGreen);
  EXPECT_EQ(verdict_from(false, true), Verdict::kRed);
  EXPECT_EQ(verdict_from(true, true), Verdict::kMixed);
  EXPECT_EQ(verdict_from(false, false), Verdict::kAbsent);
  EXPECT_EQ(verdict_name(Verdict::kMixed), "mixed");
  EXPECT_EQ(parse_stance("permissive"), Stance::kPermissive);
  EXPECT_EQ(parse_stance("bogus"), std::nullopt);
}

TEST(ScorecardTest, ScoresATownPolicyEndToEnd) {
  auto tax = Taxonomy::builtin();
  ASSERT_OK(tax);
  Tagger tagger(*tax);
  // Fictional Brackenridge: strong on detainers, weak on information sharing, both on Q5.
  Tagged s1 = tagger.tag({"Detainers", "3", "No officer shall hold any person solely on the basis of an ICE detainer."});
  Tagged s2 = tagger.tag({"Information", "4", "Officers may notify ICE of the release date of any inmate."});
  Tagged s3 = tagger.tag({"Operations", "5",
                          "Officers shall not participate in ICE raids. Officers may assist ICE agents with "
                          "enforcement operations when a supervisor approves."});
  Tagged s4 = tagger.tag({"Federal law", "6", "Nothing in this policy shall be construed to violate federal law."});
  auto hits = scored_hits("brackenridge.pdf", {{"3", "Detainers", 2, &s1},
                                               {"4", "Information", 2, &s2},
                                               {"5", "Operations", 3, &s3},
                                               {"6", "Federal law", 3, &s4}});
  Scorecard card = score(**tax, hits);
  ASSERT_EQ(card.entries.size(), (*tax)->provisions().size());
  for (int i = 0; i < 7; ++i) EXPECT_EQ(card.entries[i].question, "Q" + std::to_string(i + 1));
  EXPECT_EQ(card.find("Q3")->verdict, Verdict::kGreen);
  EXPECT_EQ(card.find("q2")->verdict, Verdict::kRed);
  EXPECT_EQ(card.find("enforcement_operations")->verdict, Verdict::kMixed);
  EXPECT_EQ(card.find("Q7")->verdict, Verdict::kAbsent);
  EXPECT_TRUE(card.find("Q7")->evidence.empty());
  const ScoreEntry* q3 = card.find("Q3");
  ASSERT_FALSE(q3->evidence.empty());
  EXPECT_EQ(q3->evidence[0].document, "brackenridge.pdf");
  EXPECT_EQ(q3->evidence[0].section, "3");
  EXPECT_EQ(q3->evidence[0].heading, "Detainers");
  EXPECT_EQ(q3->evidence[0].page, 2);
  EXPECT_NE(q3->evidence[0].text.find("ICE detainer"), std::string::npos);
  // Mixed lists protective evidence first.
  const ScoreEntry* q5 = card.find("Q5");
  ASSERT_GE(q5->evidence.size(), 2u);
  EXPECT_EQ(q5->evidence.front().stance, Stance::kProtective);
  EXPECT_EQ(q5->evidence.back().stance, Stance::kPermissive);
  // A savings clause alone is present but has no verdict.
  const ScoreEntry* fed = card.find("federal_law_compliance");
  EXPECT_TRUE(fed->present);
  EXPECT_EQ(fed->verdict, Verdict::kAbsent);
  EXPECT_EQ(card.find("nonexistent"), nullptr);
}

TEST(ScorecardTest, TownScoreCombinesDocuments) {
  auto tax = Taxonomy::builtin();
  ASSERT_OK(tax);
  std::vector<ScoredHit> hits;
  hits.push_back({"287g", Evidence{"bylaw.pdf", "2", "287(g)", 1, "shall not enter 287(g)", Stance::kProtective}});
  hits.push_back({"287g", Evidence{"manual.pdf", "413", "Immigration", 9, "may enter 287(g)", Stance::kPermissive}});
  hits.push_back({"made_up", Evidence{"x", "", "", 0, "ignored", Stance::kProtective}});
  Scorecard card = score(**tax, hits);
  EXPECT_EQ(card.find("Q7")->verdict, Verdict::kMixed);
  EXPECT_EQ(card.find("Q7")->evidence.size(), 2u);
  EXPECT_EQ(card.find("made_up"), nullptr);
}

}  // namespace
}  // namespace policyindex::provisions
