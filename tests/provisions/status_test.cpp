// Document status and dates (classify_status, find_dates) and navigation pages, on
// fictional documents of the town of Brackenridge.

#include <gtest/gtest.h>

#include "provisions/status.h"

namespace policyindex::provisions {
namespace {

StatusVerdict status_of(std::string_view title, std::string_view text, std::string_view url = "",
                        size_t struck = 0, std::string_view doc_type = "") {
  Genre g = classify_genre(title, text);
  return classify_status({title, url, doc_type, g.id, g.descriptive, text, struck});
}

TEST(DatesTest, FindsDatesAfterTheirKeywords) {
  auto d = find_dates("Adopted 5-2-2019 by Ord. No. 2019-12. Amended March 3, 2021. Effective upon signature.");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], (DateMark{"adopted", "2019-05-02", "Adopted 5-2-2019"}));
  EXPECT_EQ(d[1], (DateMark{"amended", "2021-03-03", "Amended March 3, 2021"}));
  EXPECT_EQ(d[2], (DateMark{"effective", "", "Effective upon signature"}));
  auto t = find_dates("Passed by Town Meeting, May 2018. Repealed on 2022-01-15.");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].kind, "adopted");
  EXPECT_EQ(t[0].date, "2018-05");
  EXPECT_EQ(t[1], (DateMark{"rescinded", "2022-01-15", "Repealed on 2022-01-15"}));
  auto s = find_dates("Signed this 4th day of June, 2020 by the Mayor");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].date, "2020-06-04");
  auto e = find_dates("effective 12 September 2017");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].date, "2017-09-12");
  // A keyword with no date near it is no date; a modal "may" is not a month.
  EXPECT_TRUE(find_dates("Officers may be approved for overtime. An effective policy helps.").empty());
  EXPECT_TRUE(find_dates("It was adopted. 13/45/2019 is no date.").empty());
}

TEST(StatusTest, EnactedBylawWithItsDates) {
  auto v = status_of("Brackenridge Trust Bylaw",
                     "Chapter 12. Trust Bylaw\nSection 1. No officer shall ask about immigration status.\n"
                     "Adopted 5-2-2019 by Ord. No. 2019-12. Passed by Town Meeting, May 2019.");
  EXPECT_EQ(v.status, DocStatus::kInForce);
  EXPECT_FALSE(v.presumed);
  EXPECT_NE(v.reason.find("Adopted 5-2-2019"), std::string::npos) << v.reason;
  ASSERT_NE(first_date(v.dates, "adopted"), nullptr);
  EXPECT_EQ(first_date(v.dates, "adopted")->date, "2019-05-02");
  EXPECT_TRUE(v.conflicts.empty());
  auto w = status_of("Article 9", "Article 9. Safe Community Bylaw. Passed by Town Meeting, May 2018. "
                                  "The Town shall not enter into a 287(g) agreement.");
  EXPECT_EQ(w.status, DocStatus::kInForce) << w.reason;
}

TEST(StatusTest, RedlinedDraftIsProposed) {
  auto v = status_of("Article 14 - Safe Community Bylaw (redlined draft)",
                     "No officer shall ask about immigration status. These amendments take effect upon approval.");
  EXPECT_EQ(v.status, DocStatus::kProposed);
  EXPECT_NE(v.reason.find("'redlined' in the title"), std::string::npos) << v.reason;
  // Struck text alone marks a redline; a DRAFT banner marks a draft; both undated.
  auto s = status_of("Safe Community Bylaw", "No officer shall ask about immigration status.", "", 3);
  EXPECT_EQ(s.status, DocStatus::kProposed);
  EXPECT_NE(s.reason.find("struck-through"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("undated"), std::string::npos) << s.reason;
  auto b = status_of("Policy 7", "DRAFT - NOT FOR DISTRIBUTION\nOfficers shall not ask about status.");
  EXPECT_EQ(b.status, DocStatus::kProposed);
  // The address and the source's type count too.
  EXPECT_EQ(status_of("Policy 7", "Officers shall not.", "https://x.example/drafts/p7.pdf").status, DocStatus::kProposed);
  EXPECT_EQ(status_of("Policy 7", "Officers shall not.", "", 0, "draft").status, DocStatus::kProposed);
  // A redline that carries the old adoption note stays proposed, and says why.
  auto r = status_of("Trust Bylaw", "Adopted 5-2-2019 by Town Meeting. No officer shall hold anyone.", "", 2);
  EXPECT_EQ(r.status, DocStatus::kProposed);
  EXPECT_NE(r.reason.find("not taken as adoption"), std::string::npos) << r.reason;
}

TEST(StatusTest, ProposedExecutiveOrderAndWarrantArticle) {
  auto v = status_of("Executive Order 2024-3", "PROPOSED EXECUTIVE ORDER\nNOW, THEREFORE, I, the Mayor, do hereby order "
                                               "that no City resources be used for immigration enforcement.");
  EXPECT_EQ(v.status, DocStatus::kProposed) << v.reason;
  auto w = status_of("Article 22", "To see if the Town will vote to adopt a Welcoming Community bylaw, or take any "
                                   "other action relative thereto. Town meeting warrant article.");
  EXPECT_EQ(w.status, DocStatus::kProposed) << w.reason;
  EXPECT_NE(w.reason.find("warrant article"), std::string::npos);
}

TEST(StatusTest, NewsAboutAVoteIsDescriptive) {
  auto v = status_of("Council backs trust ordinance",
                     "BRACKENRIDGE \xE2\x80\x94 The City Council voted 7-2 on May 5, 2021 to adopt the ordinance, "
                     "the mayor said. According to the clerk, officers shall not ask about status.");
  EXPECT_EQ(v.status, DocStatus::kDescriptive) << v.reason;
  EXPECT_NE(v.reason.find("news"), std::string::npos);
  // Its date is still reported, as found.
  ASSERT_FALSE(v.dates.empty());
  EXPECT_EQ(v.dates[0].date, "2021-05-05");
}

TEST(StatusTest, NumberedPolicyReadingLikeGuidanceIsPolicy) {
  StatusVerdict v = classify_status({"Policy 415 - Immigration Violations", "", "", "guidance", true,
                                     "This guidance explains what officers shall do.", 0});
  EXPECT_EQ(v.status, DocStatus::kInForce) << v.reason;
  StatusVerdict g = classify_status({"Know your rights", "", "", "guidance", true, "What is the ordinance?", 0});
  EXPECT_EQ(g.status, DocStatus::kDescriptive);
}

TEST(StatusTest, RescindedAndSuperseded) {
  EXPECT_EQ(status_of("General Order 12", "This policy was rescinded on 2022-01-15.").status, DocStatus::kRescinded);
  EXPECT_EQ(status_of("General Order 12", "Superseded by General Order 19. Officers shall ...").status,
            DocStatus::kSuperseded);
  // Repealing something else is not being repealed.
  EXPECT_EQ(status_of("Ordinance 4", "Section 9-3 is hereby repealed. Adopted March 1, 2020.").status,
            DocStatus::kInForce);
}

TEST(StatusTest, NoMarksIsPresumedAndSaysSo) {
  auto v = status_of("General Order 12", "Subject: Immigration. Officers shall not ask about immigration status.");
  EXPECT_EQ(v.status, DocStatus::kInForce);
  EXPECT_TRUE(v.presumed);
  EXPECT_NE(v.reason.find("presumed"), std::string::npos);
}

TEST(StatusTest, ContradictoryDatesAreListedNotResolved) {
  auto v = status_of("Trust Ordinance", "Adopted June 1, 2020. Effective January 1, 2019. Officers shall not.");
  EXPECT_EQ(v.status, DocStatus::kInForce);
  ASSERT_EQ(v.conflicts.size(), 1u);
  EXPECT_NE(v.conflicts[0].find("before the adoption date 2020-06-01"), std::string::npos) << v.conflicts[0];
  // Both dates are kept as found.
  EXPECT_EQ(first_date(v.dates, "effective")->date, "2019-01-01");
}

TEST(StatusTest, NamesRoundTrip) {
  for (DocStatus s : {DocStatus::kInForce, DocStatus::kProposed, DocStatus::kSuperseded, DocStatus::kRescinded,
                      DocStatus::kDescriptive}) {
    EXPECT_EQ(parse_doc_status(doc_status_name(s)), s);
  }
  EXPECT_EQ(parse_doc_status("enacted"), std::nullopt);
  EXPECT_TRUE(counts_toward_verdicts(DocStatus::kInForce));
  EXPECT_FALSE(counts_toward_verdicts(DocStatus::kProposed));
}

TEST(NavigationTest, ListingPagesAreNavigationPoliciesAreNot) {
  const std::string listing =
      "Ordinances and Bylaws\nTrust Ordinance (PDF)\nParking Rules\nDog Licensing\nTree Warden\n"
      "Snow Emergency Routes\nAnnual Town Report 2023\nContact the Clerk\n";
  auto g = navigation_genre(listing, 0);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->id, "navigation");
  EXPECT_NE(g->reason.find("short entries"), std::string::npos) << g->reason;
  EXPECT_TRUE(navigation_genre("Welcome to the Police Department.\nCall 555-0100.", 0));
  // The same listing with policy language in it is a document (a page both listing and policy).
  EXPECT_FALSE(navigation_genre(listing + "No officer shall ask about immigration status.\n", 0));
  EXPECT_FALSE(navigation_genre(listing, 1));
  // Prose without operative words, long enough, is not navigation either.
  std::string prose;
  for (int i = 0; i < 12; ++i) prose += "The town hall is open on weekdays and the staff are glad to help residents. ";
  EXPECT_FALSE(navigation_genre(prose, 0));
}

}  // namespace
}  // namespace policyindex::provisions
