// The clause analyser's drafting shapes, one group of cases per error class of issue 19, on
// language written for these tests (fictional towns: Brindlewood, Ostermoor, Fallowmere,
// Quillby, Harrowgate). Each case names what must be tagged (provision and stance) or must
// not be, and where hits must be context (descriptive text) rather than operative.

#include <functional>

#include <gtest/gtest.h>

#include "provisions/provisions.h"

namespace policyindex::provisions {
namespace {

constexpr Stance P = Stance::kProtective;
constexpr Stance R = Stance::kPermissive;
constexpr Stance N = Stance::kNeutral;

class ClausesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto tax = Taxonomy::builtin();
    ASSERT_TRUE(tax.has_value()) << tax.error().message;
    tagger_ = new Tagger(*tax);
  }
  static void TearDownTestSuite() {
    delete tagger_;
    tagger_ = nullptr;
  }
  static Tagged tag(std::string_view text, std::string_view heading = "", std::string_view genre = "") {
    return tagger_->tag(SectionInput{heading, "", text, genre});
  }
  static std::string describe(const Tagged& t) {
    std::string s;
    for (const auto* list : {&t.hits, &t.context}) {
      for (const auto& h : *list) {
        s += std::string(h.descriptive ? "  (context) " : "  ") + h.provision + "/" +
             std::string(stance_name(h.stance)) + " [" + h.rule + "] " + h.why + " | " + h.evidence + "\n";
      }
    }
    return s.empty() ? "  (no hits)\n" : s;
  }
  static const Hit* find(const std::vector<Hit>& hits, std::string_view provision, Stance stance) {
    for (const auto& h : hits) {
      if (h.provision == provision && h.stance == stance) return &h;
    }
    return nullptr;
  }
  static bool any(const std::vector<Hit>& hits, std::string_view provision) {
    for (const auto& h : hits) {
      if (h.provision == provision) return true;
    }
    return false;
  }
  static Tagger* tagger_;
};
Tagger* ClausesTest::tagger_ = nullptr;

struct Want {
  const char* text;
  const char* provision;
  Stance stance;
};

void expect_all(const std::vector<Want>& cases, const std::function<Tagged(std::string_view)>& run,
                const std::function<std::string(const Tagged&)>& describe) {
  for (const auto& c : cases) {
    Tagged t = run(c.text);
    bool found = false;
    for (const auto& h : t.hits) found = found || (h.provision == c.provision && h.stance == c.stance);
    EXPECT_TRUE(found) << "want " << c.provision << "/" << stance_name(c.stance) << " in:\n  " << c.text << "\ngot:\n"
                       << describe(t);
  }
}

void expect_none(const std::vector<Want>& cases, const std::function<Tagged(std::string_view)>& run,
                 const std::function<std::string(const Tagged&)>& describe) {
  for (const auto& c : cases) {
    Tagged t = run(c.text);
    for (const auto& h : t.hits) {
      EXPECT_FALSE(h.provision == c.provision && h.stance == c.stance)
          << "did not want " << c.provision << "/" << stance_name(c.stance) << " in:\n  " << c.text << "\ngot:\n"
          << describe(t);
    }
  }
}

// (1) Lists under a lead-in: items inherit actor, modality and negation.
TEST_F(ClausesTest, ListItemsInheritTheLeadIn) {
  std::vector<Want> cases = {
      {"No Brindlewood funds, facilities or staff shall be used:\n(a) to question a resident about his or her "
       "immigration status;\n(b) to enter into any agreement under 8 U.S.C. 1357(g);\n(c) to hold a person on an ICE "
       "detainer.",
       "287g", P},
      {"No Brindlewood funds, facilities or staff shall be used:\n(a) to question a resident about his or her "
       "immigration status;\n(b) to enter into any agreement under 8 U.S.C. 1357(g);\n(c) to hold a person on an ICE "
       "detainer.",
       "status_inquiry", P},
      {"No Brindlewood funds, facilities or staff shall be used:\n(a) to question a resident about his or her "
       "immigration status;\n(b) to enter into any agreement under 8 U.S.C. 1357(g);\n(c) to hold a person on an ICE "
       "detainer.",
       "detention_on_detainer", P},
      {"Ostermoor personnel may not use municipal resources to:\n\n\xE2\x80\xA2 Share the home address of a resident "
       "with immigration agents. \xE2\x80\xA2 Inquire about the citizenship status of a caller.",
       "status_inquiry", P},
      {"Ostermoor personnel may not use municipal resources to:\n\n\xE2\x80\xA2 Share the home address of a resident "
       "with immigration agents. \xE2\x80\xA2 Inquire about the citizenship status of a caller.",
       "info_sharing", P},
      {"The restrictions of this section include, without limitation, the following:\n(1) Stopping a motorist "
       "solely to determine his immigration status.\n(2) Detaining a tenant for a suspected immigration violation.",
       "status_inquiry", P},
      // Double negation: "may not prohibit ... from doing any of the following" permits the items.
      {"A county may not prohibit or materially limit a deputy from doing any of the following:\n(1) asking a "
       "detained person about immigration status;\n(2) assisting or cooperating with a federal immigration "
       "officer;\n(3) allowing a federal immigration officer to enter the county jail.",
       "status_inquiry", R},
      {"A county may not prohibit or materially limit a deputy from doing any of the following:\n(1) asking a "
       "detained person about immigration status;\n(2) assisting or cooperating with a federal immigration "
       "officer;\n(3) allowing a federal immigration officer to enter the county jail.",
       "facility_access", R},
      {"A county may not prohibit or materially limit a deputy from doing any of the following:\n(1) asking a "
       "detained person about immigration status;\n(2) assisting or cooperating with a federal immigration "
       "officer;\n(3) allowing a federal immigration officer to enter the county jail.",
       "enforcement_operations", R},
  };
  expect_all(cases, [](std::string_view t) { return tag(t); }, describe);
  // Under the double negation nothing is protective.
  expect_none({{"A county may not prohibit or materially limit a deputy from doing any of the following:\n(1) "
                "asking a detained person about immigration status;\n(2) allowing a federal immigration officer "
                "to enter the county jail.",
                "status_inquiry", P}},
              [](std::string_view t) { return tag(t); }, describe);
}

TEST_F(ClausesTest, HeadingEndingInColonLeadsTheList) {
  Tagged t = tag("(a) ask a resident about citizenship status;\n(b) hold anyone on an immigration detainer.",
                 "Harrowgate employees may not:");
  EXPECT_TRUE(find(t.hits, "status_inquiry", P)) << describe(t);
  EXPECT_TRUE(find(t.hits, "detention_on_detainer", P)) << describe(t);
  // A plain topic heading with a colon leads nothing.
  Tagged u = tag("(a) ask a resident about citizenship status.", "Status questions:");
  EXPECT_TRUE(u.hits.empty()) << describe(u);
}

TEST_F(ClausesTest, NestedListsReturnToTheOuterLeadIn) {
  Tagged t = tag(
      "No Quillby official shall do any of the following:\n(1) with respect to records of a person in custody:\n"
      "(A) sending such information to immigration authorities;\n(B) keeping it on file;\n(2) asking a victim about "
      "citizenship status.");
  EXPECT_TRUE(find(t.hits, "info_sharing", P)) << describe(t);
  EXPECT_TRUE(find(t.hits, "status_inquiry", P)) << describe(t);
  const Hit* h = find(t.hits, "status_inquiry", P);
  ASSERT_NE(h, nullptr);
  EXPECT_NE(h->why.find("lead-in"), std::string::npos) << h->why;
}

// (2) Conditions and exceptions: the main clause decides; a permitting exception is a second item.
TEST_F(ClausesTest, ExceptionIsASecondItem) {
  Tagged t = tag("No person held by the Fallowmere jail shall be detained on an ICE detainer unless the person "
                 "has been convicted of a violent felony.");
  EXPECT_TRUE(find(t.hits, "detention_on_detainer", P)) << describe(t);
  const Hit* second = find(t.hits, "detention_on_detainer", R);
  ASSERT_NE(second, nullptr) << describe(t);
  EXPECT_NE(second->why.find("exception"), std::string::npos) << second->why;
  // An exception for a judicial warrant adds nothing permissive.
  Tagged w = tag("No person held by the Fallowmere jail shall be detained on an ICE detainer unless ICE presents "
                 "a warrant signed by a judge.");
  EXPECT_TRUE(find(w.hits, "detention_on_detainer", P)) << describe(w);
  EXPECT_FALSE(find(w.hits, "detention_on_detainer", R)) << describe(w);
  // An exception with its own permissive language is read on its own.
  Tagged e = tag("Harrowgate staff shall not give out personal information of any resident, except that the "
                 "jail may respond to ICE requests for notification of a release date.");
  EXPECT_TRUE(find(e.hits, "info_sharing", R)) << describe(e);
  // A duty to cooperate bounded by a condition is both.
  Tagged c = tag("Upon request, the Quillby jail shall provide notice to ICE of an inmate's release only when "
                 "the inmate meets the criteria listed below.");
  EXPECT_TRUE(find(c.hits, "info_sharing", R)) << describe(c);
  EXPECT_TRUE(find(c.hits, "info_sharing", P)) << describe(c);
}

TEST_F(ClausesTest, LeadingConditionLeavesTheMainClause) {
  expect_all({{"Absent a judicial warrant, officers of Ostermoor shall not hold anyone on an immigration detainer.",
               "detention_on_detainer", P},
              {"Except as required by state law, Brindlewood officers will not ask crime victims about their "
               "immigration status.",
               "status_inquiry", P}},
             [](std::string_view t) { return tag(t); }, describe);
}

// (3) Negation and its scope.
TEST_F(ClausesTest, NegationScope) {
  expect_all({{"Residents may seek help from the Quillby police without fear of being asked about their "
               "immigration status.",
               "status_inquiry", P},
              {"Fallowmere officers are barred from detaining anyone on the basis of an ICE detainer.",
               "detention_on_detainer", P},
              {"No person shall be held by the Harrowgate police solely on the basis of citizenship status.",
               "detention_on_detainer", P},
              // Two separate prohibitions are not a double negation.
              {"Under the new law, police may not ask about the immigration status of a witness and city "
               "officials are barred from arresting people on an ICE detainer.",
               "status_inquiry", P}},
             [](std::string_view t) { return tag(t); }, describe);
  expect_none({{"Under the new law, police may not ask about the immigration status of a witness and city "
                "officials are barred from arresting people on an ICE detainer.",
                "status_inquiry", R}},
              [](std::string_view t) { return tag(t); }, describe);
}

// (5) Permissive language.
TEST_F(ClausesTest, PermissiveLanguage) {
  expect_all({{"Brindlewood officers may hold a person on an ICE detainer for up to 48 hours.", "detention_on_detainer", R},
              {"The Sheriff will cooperate fully with ICE in the removal of criminal aliens.", "enforcement_operations", R},
              {"Jail staff must honor detainers lodged by federal immigration authorities.", "detention_on_detainer", R},
              {"The booking officer shall notify ICE of the release date of every foreign-born inmate.", "info_sharing", R},
              {"Federal agents are given access to the Ostermoor jail as professional visitors.", "facility_access", R}},
             [](std::string_view t) { return tag(t); }, describe);
}

// (6) Operative vs descriptive text: recitals, purpose, reported speech, news genres.
TEST_F(ClausesTest, DescriptiveTextIsContext) {
  Tagged w = tag("WHEREAS, the Town of Quillby shall not hold any person on an ICE detainer; and");
  EXPECT_FALSE(any(w.hits, "detention_on_detainer")) << describe(w);
  EXPECT_TRUE(any(w.context, "detention_on_detainer")) << describe(w);
  for (const auto& h : w.context) EXPECT_TRUE(h.descriptive);
  Tagged p = tag("The purpose of this order is to keep ICE agents from having access to the Harrowgate jail.");
  EXPECT_FALSE(any(p.hits, "facility_access")) << describe(p);
  Tagged s = tag("\"Our officers will not ask about immigration status,\" the chief said at a press briefing.");
  EXPECT_FALSE(any(s.hits, "status_inquiry")) << describe(s);
  EXPECT_TRUE(any(s.context, "status_inquiry")) << describe(s);
  Tagged d = tag("FALLOWMERE \xE2\x80\x94 The select board voted to bar town employees from asking about "
                 "immigration status. Officers shall not ask about immigration status.");
  EXPECT_TRUE(d.hits.empty()) << describe(d);
  Tagged g = tag("Officers shall not ask about immigration status.", "", "news");
  EXPECT_TRUE(g.hits.empty()) << describe(g);
  EXPECT_FALSE(g.context.empty()) << describe(g);
  // Legal "said" (the aforesaid) is not reported speech.
  Tagged l = tag("The clerk shall docket said report and officers shall not ask about immigration status.");
  EXPECT_TRUE(any(l.hits, "status_inquiry")) << describe(l);
  // Operative text that merely uses such words stays operative.
  Tagged op = tag("As explained in section 2, officers shall not run a background check on the immigration "
                  "status of a witness. The Chief noted that findings are due each year.");
  EXPECT_TRUE(any(op.hits, "status_inquiry")) << describe(op);
  // A purpose heading makes its section context.
  Tagged h = tag("No Town employee shall ask about immigration status.", "Purpose");
  EXPECT_TRUE(h.hits.empty()) << describe(h);
  // A definition never carries a provision.
  Tagged def = tag("\"Civil immigration detainer\" means a request by ICE to hold a person past release.");
  EXPECT_TRUE(def.hits.empty() && def.context.empty()) << describe(def);
}

// (7) Page furniture never enters the words or an evidence quote.
TEST_F(ClausesTest, PageFurnitureIsNotEvidence) {
  Tagged t = tag("Quillby officers shall not hold any person\nPage 3 of 12\non an ICE detainer.\n- 4 -\n"
                 "Skip to main content\nNo officer shall ask a victim about immigration status.\n17");
  ASSERT_TRUE(find(t.hits, "detention_on_detainer", P)) << describe(t);
  for (const auto& h : t.hits) {
    EXPECT_EQ(h.evidence.find("Page 3"), std::string::npos) << h.evidence;
    EXPECT_EQ(h.evidence.find("Skip"), std::string::npos) << h.evidence;
    EXPECT_EQ(h.evidence.find("- 4 -"), std::string::npos) << h.evidence;
  }
  EXPECT_EQ(find(t.hits, "detention_on_detainer", P)->evidence,
            "Quillby officers shall not hold any person on an ICE detainer.");
  // A numbered line with words stays: "1. No officer shall ..." is not a page number.
  Tagged n = tag("12\nNo officer shall ask a victim about immigration status.");
  EXPECT_TRUE(find(n.hits, "status_inquiry", P)) << describe(n);
}

// (8) Genre.
TEST(GenreTest, ClassifiesByTitleAndOpeningWords) {
  struct G {
    const char* title;
    const char* text;
    const char* id;
  } cases[] = {
      {"", "BE IT ENACTED BY THE LEGISLATURE OF THE STATE OF WESSEX: SECTION 1. Section 5 is amended", "state_law"},
      {"Executive Order 4-21", "NOW, THEREFORE, I, the Mayor, do hereby order as follows:", "executive_order"},
      {"General Order 12", "Subject: Immigration. Effective date: 2020. Officers shall not ask ...", "police_policy"},
      {"", "QUILLBY \xE2\x80\x94 The chief said on Monday that officers, according to the memo, will not ask.", "news"},
      {"Frequently Asked Questions", "What is the Trust Ordinance? Q: Can police ask about status?", "guidance"},
      {"Minutes", "Meeting called to order at 7 pm. Roll call. Motion to approve the agenda, seconded by", "minutes"},
      {"", "WHEREAS the Town ...; NOW, THEREFORE, BE IT RESOLVED that the Town", "resolution"},
      {"", "This ordinance amends Chapter 9 of the Code of Ordinances. Sec. 9-1. No officer shall", "ordinance"},
  };
  for (const auto& c : cases) {
    Genre g = classify_genre(c.title, c.text);
    EXPECT_EQ(g.id, c.id) << c.text << " (reason " << g.reason << ")";
    EXPECT_FALSE(g.reason.empty());
  }
  EXPECT_EQ(classify_genre("", "lorem ipsum").id, "unknown");
  EXPECT_TRUE(classify_genre("", "Officials said on Tuesday, according to the report.").descriptive);
}

// Every hit is explainable: evidence, offsets into the text, the rule and why.
TEST_F(ClausesTest, HitsAreExplained) {
  const std::string text =
      "Preamble words.\nNo Ostermoor funds shall be used:\n(a) to question anyone about immigration status.";
  Tagged t = tag(text);
  ASSERT_FALSE(t.hits.empty()) << describe(t);
  for (const auto& h : t.hits) {
    EXPECT_FALSE(h.rule.empty());
    EXPECT_FALSE(h.why.empty());
    ASSERT_LE(h.end, text.size());
    EXPECT_LT(h.start, h.end);
    EXPECT_NE(text.substr(h.start, h.end - h.start).find("question anyone"), std::string::npos) << h.evidence;
  }
}

}  // namespace
}  // namespace policyindex::provisions
