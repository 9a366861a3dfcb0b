// Citation normalization: one id whatever the spelling.

#include <gtest/gtest.h>

#include "provisions/provisions.h"

namespace policyindex::provisions {
namespace {

struct Cite {
  const char* text;
  const char* id;
};

const Cite kCites[] = {
    {"Lunn v. Commonwealth, 477 Mass. 517 (2017)", "lunn"},
    {"as the SJC held in Lunn", "lunn"},
    {"see 477 Mass. 517", "lunn"},
    {"8 U.S.C. § 1373", "8usc1373"},
    {"8 USC 1373", "8usc1373"},
    {"8 U.S.C. §1373(a)", "8usc1373"},
    {"section 1373 of title 8", "8usc1373"},
    {"Section 1373 of Title 8 of the United States Code", "8usc1373"},
    {"8 U.S.C.A. § 1373", "8usc1373"},
    {"Title 8, United States Code, 1373", "8usc1373"},
    {"8 U.S.C. section 1357(g)", "8usc1357g"},
    {"8 USC 1357 (g)", "8usc1357g"},
    {"a 287(g) agreement", "8usc1357g"},
    {"INA § 287(g)", "8usc1357g"},
    {"8 CFR 287.7", "8cfr287.7"},
    {"8 C.F.R. § 287.7", "8cfr287.7"},
    {"Section 287.7 of Title 8 of the Code of Federal Regulations", "8cfr287.7"},
    {"G.L. c. 66, § 10", "mgl-c66-s10"},
    {"G.L, c. 66, section 10", "mgl-c66-s10"},
    {"M.G.L. c. 66 s. 10", "mgl-c66-s10"},
    {"MGL c.66 s.10", "mgl-c66-s10"},
    {"Mass. Gen. Laws ch. 66, § 10", "mgl-c66-s10"},
    {"section 10 of chapter 66 of the General Laws", "mgl-c66-s10"},
    {"G.L. c. 4, section 7 (twenty-sixth)", "mgl-c4-s7"},
    {"M.G.L. c. 258F", "mgl-c258f"},
    {"chapter 258F of the Massachusetts General Laws", "mgl-c258f"},
    {"G. L. c. 149", "mgl-c149"},
    {"the US Victims of Trafficking and Violence Prevention Act", "tvpa"},
    {"the TVPA", "tvpa"},
    {"the Violence Against Women Act (\"VAWA\")", "vawa"},
};

TEST(CitationsTest, EverySpellingNormalizes) {
  for (const auto& c : kCites) {
    auto ids = find_citations(c.text);
    EXPECT_NE(std::find(ids.begin(), ids.end(), c.id), ids.end()) << c.text << " -> want " << c.id;
  }
}

TEST(CitationsTest, SortedUniqueAndNothingSpurious) {
  auto ids = find_citations("8 U.S.C. § 1373 and 8 USC 1373 and G.L. c. 66, § 10; Lunn v. Commonwealth.");
  EXPECT_EQ(ids, (std::vector<std::string>{"8usc1373", "lunn", "mgl-c66-s10"}));
  EXPECT_TRUE(find_citations("Officers shall file a report every 8 hours in section 10 of the station.").empty());
  EXPECT_TRUE(find_citations("§ Red flags: no mention of the law").empty());
  EXPECT_TRUE(find_citations("").empty());
}

TEST(CitationsTest, StruckTextIsNotCited) {
  auto ids = find_citations("as provided in ~~the Violence Against Women Act~~ M.G.L. c. 258F");
  EXPECT_EQ(ids, (std::vector<std::string>{"mgl-c258f"}));
}

}  // namespace
}  // namespace policyindex::provisions
