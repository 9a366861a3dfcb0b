// The tagger on language written for these tests (fictional towns: Alderbrook, Pine Hollow,
// Eastmere, North Quarry, Wrenfield, Saltmarsh...), phrased the many ways real policies are.

#include <gtest/gtest.h>

#include "provisions/provisions.h"
#include "tests/testing/testing.h"

namespace policyindex::provisions {
namespace {

class TaggerTest : public ::testing::Test {
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
  static Tagged tag(std::string_view text, std::string_view heading = "") {
    return tagger_->tag(SectionInput{heading, "", text});
  }
  static std::string describe(const Tagged& t) {
    std::string s;
    for (const auto& h : t.hits) {
      s += "  " + h.provision + "/" + std::string(stance_name(h.stance)) + " [" + h.rule + "] " + h.evidence + "\n";
    }
    return s.empty() ? "  (no hits)\n" : s;
  }
  static bool has(const Tagged& t, std::string_view provision, Stance stance) {
    for (const auto& h : t.hits) {
      if (h.provision == provision && h.stance == stance) return true;
    }
    return false;
  }
  static bool has_any(const Tagged& t, std::string_view provision) {
    for (const auto& h : t.hits) {
      if (h.provision == provision) return true;
    }
    return false;
  }
  static Tagger* tagger_;
};
Tagger* TaggerTest::tagger_ = nullptr;

struct Case {
  const char* text;
  const char* provision;
  Stance stance;
};

constexpr Stance P = Stance::kProtective;
constexpr Stance R = Stance::kPermissive;
constexpr Stance N = Stance::kNeutral;

// Each text must yield the provision with the stance.
const Case kCases[] = {
    // Q1 status inquiry: negations of many shapes, then permissive language.
    {"Alderbrook police officers shall not ask any person about his or her immigration status.", "status_inquiry", P},
    {"Officers are prohibited from inquiring into the citizenship or immigration status of victims and witnesses.",
     "status_inquiry", P},
    {"Members of the Pine Hollow Police Department will not question individuals regarding their immigration status "
     "unless required by state or federal law.",
     "status_inquiry", P},
    {"At no time shall an Eastmere officer stop, detain or search a person based on perceived immigration status.",
     "status_inquiry", P},
    {"Officers should not stop or detain any individual for the sole purpose of determining immigration status.",
     "status_inquiry", P},
    {"Immigration status shall not be asked about during routine traffic stops.", "status_inquiry", P},
    {"The booking officer shall ask each arrestee for his or her country of birth and citizenship.", "status_inquiry", R},
    {"Officers may inquire about a suspect's immigration status when it is relevant to the investigation.",
     "status_inquiry", R},
    {"Wrenfield officers may verify the immigration status of any person lawfully detained.", "status_inquiry", R},
    // Q2 information sharing.
    {"North Quarry personnel shall not share information about an inmate's release date with ICE.", "info_sharing", P},
    {"Employees will not disclose personal information, including home addresses, to federal immigration authorities.",
     "info_sharing", P},
    {"The Department does not respond to ICE requests for notification of a person's release.", "info_sharing", P},
    {"Officers may notify ICE when an arrestee with a prior felony conviction is about to be released.", "info_sharing", R},
    {"Members may share information with federal immigration officials when doing so serves a public safety interest.",
     "info_sharing", R},
    {"The shift supervisor shall contact Immigration and Customs Enforcement before releasing any foreign national.",
     "info_sharing", R},
    {"No member of the Saltmarsh Police Department will prohibit, or in any way restrict, any other member from sending "
     "information to federal immigration officials regarding the immigration status of any individual.",
     "info_sharing", R},
    {"Officers may share information with ICE only when required by a court order.", "info_sharing", P},
    // Q3 detainers.
    {"The Alderbrook Police Department will not honor ICE detainer requests.", "detention_on_detainer", P},
    {"No person shall be held in custody solely on the basis of an immigration detainer.", "detention_on_detainer", P},
    {"Officers shall decline to hold any person on a civil immigration detainer after he or she is eligible for "
     "release.",
     "detention_on_detainer", P},
    {"Consistent with Lunn v. Commonwealth, officers lack authority to arrest anyone solely on a federal civil "
     "immigration detainer and shall not do so.",
     "detention_on_detainer", P},
    {"Upon receipt of an ICE detainer, the jail shall hold the inmate for up to 48 hours beyond his release time.",
     "detention_on_detainer", R},
    {"An officer may detain a person for a reasonable time in order to contact federal immigration officials.",
     "detention_on_detainer", R},
    {"Eastmere officers may honor an immigration detainer only when it is accompanied by a judicial warrant.",
     "detention_on_detainer", P},
    // Q4 notice of detainers.
    {"When an immigration detainer is lodged, the person in custody shall be given a copy of the detainer.",
     "detainer_notice", P},
    {"The officer in charge shall promptly inform the individual that ICE has issued a detainer for him or her.",
     "detainer_notice", P},
    {"Immigration detainers shall be added to the arrestee's criminal record.", "detainer_notice", R},
    {"Civil immigration detainers shall not be placed in an individual's police file.", "detainer_notice", P},
    // Q5 operations.
    {"Pine Hollow officers shall not participate in immigration raids conducted by ICE.", "enforcement_operations", P},
    {"The Department shall not assist ICE in any civil immigration enforcement operation, except to keep the peace.",
     "enforcement_operations", P},
    {"Officers may assist federal immigration agents with enforcement operations upon request.",
     "enforcement_operations", R},
    {"Requests from ICE for assistance shall be referred to the watch commander. The Department may provide "
     "traffic control and other available support.",
     "enforcement_operations", R},
    {"The Wrenfield Police Department will cooperate with ICE in joint task force operations targeting removable "
     "aliens.",
     "enforcement_operations", R},
    // Q6 resources.
    {"No town money, staff, facilities or equipment shall be used to enforce federal immigration law.",
     "local_resources", P},
    {"Town resources shall not be expended on civil immigration enforcement.", "local_resources", P},
    {"The Chief may allocate department personnel and vehicles to support federal immigration enforcement efforts.",
     "local_resources", R},
    // Q7 287(g).
    {"The Town of Alderbrook shall not enter into any agreement under Section 287(g) of the Immigration and "
     "Nationality Act.",
     "287g", P},
    {"No North Quarry officer shall be deputized to act as an immigration officer.", "287g", P},
    {"The Sheriff may enter into a 287(g) agreement with the Department of Homeland Security.", "287g", R},
    // Others.
    {"ICE agents shall not be permitted to interview detainees without a judicial warrant.", "facility_access", P},
    {"Federal immigration officers will be given access to the booking area and holding cells upon request.",
     "facility_access", R},
    {"Eastmere will provide services to all residents regardless of immigration status or national origin.",
     "equal_treatment", P},
    {"The Department shall complete U visa certifications (Form I-918 Supplement B) within 90 days of a request.",
     "u_visa", P},
    {"The Chief will not sign U visa certification requests.", "u_visa", R},
    {"School staff shall not inquire about the immigration status of students or their parents at enrollment.",
     "school_records", P},
    {"A person cited for driving without a license shall be issued a summons rather than placed under arrest.",
     "unlicensed_driving", P},
    {"No Department database shall be used to create a registry of residents based on religion or national origin.",
     "registry_programs", P},
    {"Any person may file a complaint alleging a violation of this policy with the Town Manager.", "complaints", P},
    {"The Chief shall publish an annual report of all ICE detainers received and honored.", "reporting", P},
    {"Nothing in this bylaw shall be construed to prohibit compliance with 8 U.S.C. section 1373.",
     "federal_law_compliance", N},
};

// Phrasings of trust acts, police manuals and Lexipol-style policies the seeds never use.
const Case kMoreCases[] = {
    {"No Harrow Point police official shall arrest, detain or continue to detain a person solely on the basis of a "
     "civil immigration detainer request.",
     "detention_on_detainer", P},
    {"An officer should not detain any individual, for any length of time, for a civil violation of federal "
     "immigration laws or a related civil warrant.",
     "detention_on_detainer", P},
    {"No individual should be held based solely on a federal immigration detainer under 8 CFR 287.7.",
     "detention_on_detainer", P},
    {"The Department shall not expend time, money, facilities, property, equipment, personnel or other resources "
     "in aid of civil immigration enforcement.",
     "local_resources", P},
    {"Officers shall not provide ICE with non-public information about any individual.", "info_sharing", P},
    {"Ravensford officers shall not make inquiries into the immigration status of any person.", "status_inquiry", P},
    {"Members of this department will not stop, detain, or arrest an individual solely on the basis of immigration "
     "status.",
     "status_inquiry", P},
    {"Officers shall not use immigration status as a factor in deciding whether to stop or arrest a person.",
     "status_inquiry", P},
    {"Officers may consider a person's immigration status when deciding whether to make an arrest.",
     "status_inquiry", R},
    {"Marlow Bay police officers shall not enforce federal civil immigration law.", "enforcement_operations", P},
    {"This department does not independently conduct sweeps or other concentrated efforts to detect suspected "
     "undocumented aliens.",
     "enforcement_operations", P},
    {"When assisting federal immigration authorities, officers should notify a supervisor.",
     "enforcement_operations", R},
    {"If an officer believes that a person taken into custody is in the country unlawfully, the officer should "
     "notify ICE.",
     "info_sharing", R},
    {"ICE shall not be given access to the lockup or to any person held there.", "facility_access", P},
    {"The Department does not have and will not seek a 287(g) agreement.", "287g", P},
    {"Services shall be provided without regard to immigration status.", "equal_treatment", P},
    {"Schools shall not collect information about students' immigration status.", "school_records", P},
    {"The Chief or a designee shall sign certifications for U nonimmigrant status for eligible victims.", "u_visa", P},
    {"The Police Chief shall report annually to the City Council the number of ICE requests received.", "reporting", P},
    {"Any employee who violates this ordinance shall be subject to discipline.", "complaints", P},
};

TEST_F(TaggerTest, TagsPhrasingsTheSeedsNeverUse) {
  for (const auto& c : kMoreCases) {
    auto t = tag(c.text);
    EXPECT_TRUE(has(t, c.provision, c.stance)) << "expected " << c.provision << "/" << stance_name(c.stance)
                                               << " in:\n  " << c.text << "\ngot:\n"
                                               << describe(t);
  }
}

TEST_F(TaggerTest, AcronymsMatchOnlyInCapitals) {
  auto t = tag("Public Works crews shall participate in snow and ice removal operations.");
  EXPECT_FALSE(has_any(t, "enforcement_operations")) << describe(t);
  auto u = tag("Officers shall not participate in ICE removal operations.");
  EXPECT_TRUE(has(u, "enforcement_operations", P)) << describe(u);
}

TEST_F(TaggerTest, TagsProvisionWithStance) {
  int failures = 0;
  for (const auto& c : kCases) {
    auto t = tag(c.text);
    bool ok = has(t, c.provision, c.stance);
    if (!ok) ++failures;
    EXPECT_TRUE(ok) << "expected " << c.provision << "/" << stance_name(c.stance) << " in:\n  " << c.text
                    << "\ngot:\n"
                    << describe(t);
  }
  std::printf("%d of %zu cases failed\n", failures, std::size(kCases));
}

struct Negative {
  const char* text;
  const char* provision;  // must not be tagged at all
};

const Negative kNegatives[] = {
    // Descriptions, not rules.
    {"Many police departments share information with ICE.", "info_sharing"},
    {"The purpose of this policy is to provide guidance on immigration enforcement and detainers.",
     "detention_on_detainer"},
    // Report contents are not policies.
    {"(b) The total number of individuals detained on an ICE hold or administrative warrant, if any;",
     "detention_on_detainer"},
    // Exceptions are not the rule: the permitted help is inside "except ...".
    {"No officer may participate in an ICE operation, except to provide support services needed for officer "
     "safety.",
     "local_resources"},
    // Commentary in a guide.
    {"Red flags: allowing officers to check immigration status during traffic stops is allowed.", "status_inquiry"},
    {"Does your policy allow officers to hold people on ICE detainers?", "detention_on_detainer"},
    // A definition.
    {"\"Immigration detainer\" means a request by ICE to maintain custody of an individual.", "detention_on_detainer"},
    // Savings clause: not a permission to share.
    {"Nothing in this ordinance shall prohibit any officer from sending information regarding immigration status "
     "to ICE, consistent with 8 U.S.C. 1373.",
     "info_sharing"},
    // Notice to the person is not sharing with ICE.
    {"Any person subject to an ICE detainer or contact with ICE shall receive a copy of the ICE request.",
     "info_sharing"},
    // "No." before a number is not a negation, and a policy number alone is not a provision.
    {"See General Order No. 413, Immigration Violations.", "status_inquiry"},
    // Unrelated uses of the vocabulary.
    {"Officers shall hold all evidence in the property room until the case is closed.", "detention_on_detainer"},
    {"The Department shall provide crossing guards at every school.", "school_records"},
};

TEST_F(TaggerTest, DoesNotTagNonProvisions) {
  for (const auto& n : kNegatives) {
    auto t = tag(n.text);
    EXPECT_FALSE(has_any(t, n.provision)) << n.provision << " wrongly tagged in:\n  " << n.text << "\ngot:\n"
                                          << describe(t);
  }
}

// Shapes the independent sample corpus surfaced (see demo/sample/EXPECTED.md), each in
// several phrasings written here. Every case names the provision and stance it must yield.
const Case kGeneralisationCases[] = {
    // Summons in any inflection, and "shall not be arrested" protects unlicensed drivers.
    {"A driver whose only violation is operating without a license shall be summonsed to court and shall not be "
     "taken into custody.",
     "unlicensed_driving", P},
    {"Unlicensed operators stopped in Fenmoor shall receive a summons and shall not be arrested for that offense.",
     "unlicensed_driving", P},
    {"Persons driving without a licence shall not be arrested solely for that offense.", "unlicensed_driving", P},
    {"Officers shall arrest every unlicensed driver and have the vehicle towed.", "unlicensed_driving", R},
    // Detainers: "hold ... solely because ... detainer", with a long stretch between.
    {"The Department shall not hold any person past the time of release solely because federal authorities have "
     "lodged a civil immigration detainer.",
     "detention_on_detainer", P},
    {"No Corbin Ridge officer shall keep an inmate in the lock-up beyond his or her scheduled release only because "
     "the Department of Homeland Security has issued an immigration detainer.",
     "detention_on_detainer", P},
    {"Staff will not hold a prisoner after bail has been posted merely because an administrative warrant from a "
     "federal agency has arrived.",
     "detention_on_detainer", P},
    // A leading condition takes its modality from the main clause.
    {"When a crime victim requests a certification for a U visa application, the Chief of Police shall complete it "
     "within 45 days.",
     "u_visa", P},
    {"If a victim asks for help with a T visa, the detective commander will sign the certification.", "u_visa", P},
    {"Upon request by a victim seeking a U nonimmigrant visa, the Department shall process the certification "
     "promptly.",
     "u_visa", P},
    {"Whenever a victim requests a U visa certification, the Chief shall not sign it.", "u_visa", R},
    // "Limits on" is a restriction.
    {"This article sets firm limits on the participation of Town officers in federal immigration enforcement "
     "operations, so that residents may call the police without fear.",
     "enforcement_operations", P},
    {"The Board limits the cooperation of Town personnel with ICE raids to keeping the peace, and officers may "
     "not do more.",
     "enforcement_operations", P},
    // Notifying ICE is information sharing, not notice to the person.
    {"When an arrestee is the subject of an immigration detainer, the desk sergeant shall notify ICE of the "
     "arrestee's release time.",
     "info_sharing", R},
    {"If an inmate is named in a detainer, staff will inform federal immigration authorities of the inmate's "
     "release date.",
     "info_sharing", R},
    // Resources used "to help ICE enforce ...": resources, not a second provision.
    {"No Town department shall use its staff, vehicles or funds to help federal agents enforce civil immigration law.",
     "local_resources", P},
};

// Each text must NOT yield the provision (any stance).
const Negative kGeneralisationNegatives[] = {
    // ICE is told; the person is not: no detainer notice.
    {"When an arrestee is the subject of an immigration detainer, the desk sergeant shall notify ICE of the "
     "arrestee's release time.",
     "detainer_notice"},
    {"If an inmate is named in a detainer, staff will inform federal immigration authorities of the inmate's "
     "release date.",
     "detainer_notice"},
    {"Upon receipt of a detainer for an arrestee, the shift commander shall notify the Department of Homeland "
     "Security of the arrestee's court date.",
     "detainer_notice"},
    // The purpose of a resources or 287(g) clause is not an operations provision.
    {"No Town department shall use its staff, vehicles or funds to help federal agents enforce civil immigration law.",
     "enforcement_operations"},
    {"Town money, cruisers and personnel shall not be spent to investigate or enforce federal civil immigration law.",
     "enforcement_operations"},
    {"The Town shall not enter into a 287(g) agreement or any other agreement that would deputize Town officers to "
     "enforce federal immigration law.",
     "enforcement_operations"},
    // "town" is not "tow".
    {"Drivers found driving without a license in town shall be issued a summons.", "detention_on_detainer"},
};

TEST_F(TaggerTest, GeneralisesToTheSampleCorpusShapes) {
  for (const auto& c : kGeneralisationCases) {
    auto t = tag(c.text);
    EXPECT_TRUE(has(t, c.provision, c.stance)) << "expected " << c.provision << "/" << stance_name(c.stance)
                                               << " in:\n  " << c.text << "\ngot:\n"
                                               << describe(t);
  }
  for (const auto& n : kGeneralisationNegatives) {
    auto t = tag(n.text);
    EXPECT_FALSE(has_any(t, n.provision)) << n.provision << " wrongly tagged in:\n  " << n.text << "\ngot:\n"
                                          << describe(t);
  }
  // The unlicensed-driving summons sentence yields no permissive hit ("town" is no "tow").
  auto u = tag("When stopping a person driving without a valid license, officers of the town police department "
               "shall, if there are no other violations, issue a summons instead of an arrest.");
  EXPECT_TRUE(has(u, "unlicensed_driving", P)) << describe(u);
  EXPECT_FALSE(has(u, "unlicensed_driving", R)) << describe(u);
}

TEST_F(TaggerTest, DefinitionsSectionTagsNothing) {
  auto t = tag("“Administrative warrant” means a warrant issued by ICE, not a judge. Officers shall not arrest "
               "anyone on an administrative warrant.",
               "Definitions");
  EXPECT_TRUE(t.hits.empty()) << describe(t);
  // The same text under another heading is tagged.
  auto u = tag("Officers shall not arrest anyone on an administrative warrant.", "Detainers");
  EXPECT_TRUE(has(u, "detention_on_detainer", P)) << describe(u);
}

TEST_F(TaggerTest, StruckTextTagsNothing) {
  auto t = tag("Officers ~~may honor ICE detainers and~~ shall treat all persons equally regardless of "
               "immigration status.");
  EXPECT_FALSE(has_any(t, "detention_on_detainer")) << describe(t);
  EXPECT_TRUE(has(t, "equal_treatment", P)) << describe(t);
  auto c = tag("Victims may request certification ~~under the Violence Against Women Act~~.");
  EXPECT_TRUE(std::find(c.cites.begin(), c.cites.end(), "vawa") == c.cites.end());
}

TEST_F(TaggerTest, GuideIsTaggedForTheLanguageItQuotes) {
  const char* guides[] = {
      "Does your town's policy limit cooperation with ICE?\n"
      "Red flags: policies that let officers hold people on detainers.\n"
      "Green flags: \"No officer of the Fernvale Police Department shall arrest or detain any person solely on "
      "the basis of an ICE detainer.\"\n"
      "Where this falls short: officers can still check immigration status at booking.\n",
      // Typographic quotes (U+201C / U+201D), an em dash and a curly apostrophe.
      "Is your town\xE2\x80\x99s policy strong enough?\n"
      "Red flags: rules that let officers hold people on detainers \xE2\x80\x94 look for them.\n"
      "Green flags: \xE2\x80\x9CNo officer of the Ashcombe Police Department shall arrest or detain any person "
      "solely on the basis of an ICE detainer.\xE2\x80\x9D\n",
  };
  for (const char* guide : guides) {
    auto t = tag(guide);
    EXPECT_TRUE(has(t, "detention_on_detainer", P)) << describe(t);
    EXPECT_FALSE(has(t, "detention_on_detainer", R)) << describe(t);
    EXPECT_FALSE(has_any(t, "status_inquiry")) << describe(t);
    for (const auto& h : t.hits) {
      // Evidence lies inside the quotation.
      EXPECT_NE(std::string_view(guide).substr(h.start, h.end - h.start).find("No officer"), std::string::npos);
    }
  }
}

TEST_F(TaggerTest, EvidenceOffsetsPointIntoTheSectionText) {
  std::string text =
      "Sec. 4. Detainers.\nThe Town will serve everyone.  Officers of the Lowmoor Police Department shall not "
      "arrest or detain any person solely on the basis of an ICE detainer or administrative warrant. Officers "
      "shall file reports.";
  auto t = tag(text);
  ASSERT_TRUE(has(t, "detention_on_detainer", P)) << describe(t);
  for (const auto& h : t.hits) {
    ASSERT_LE(h.end, text.size());
    ASSERT_LT(h.start, h.end);
    std::string span = text.substr(h.start, h.end - h.start);
    if (h.provision == "detention_on_detainer") {
      EXPECT_EQ(span.rfind("Officers of the Lowmoor", 0), 0u) << span;
      EXPECT_EQ(span.back(), '.') << span;
      EXPECT_EQ(span.find("file reports"), std::string::npos) << span;
    }
    EXPECT_FALSE(h.rule.empty());
  }
}

TEST_F(TaggerTest, ClausesSplitOnSemicolons) {
  auto t = tag("Officers shall not inquire about immigration status; officers may notify ICE of an inmate's "
               "release date.");
  EXPECT_TRUE(has(t, "status_inquiry", P)) << describe(t);
  EXPECT_TRUE(has(t, "info_sharing", R)) << describe(t);
}

TEST_F(TaggerTest, WrappedLinesJoinIntoOneSentence) {
  auto t = tag("No officer or employee of the Town of Cold Spring Police\nDepartment shall perform the functions "
               "of an immigration officer.");
  EXPECT_TRUE(has(t, "287g", P)) << describe(t);
  EXPECT_FALSE(has(t, "287g", R)) << describe(t);
}

TEST_F(TaggerTest, ReportingHeadingKeepsListItemsOut) {
  auto t = tag("Every twelve months the Chief shall report to the Select Board:\n(a) the number of persons whose "
               "information was provided to ICE;\n(b) the number of persons held on detainers.",
               "Annual reporting");
  EXPECT_TRUE(has(t, "reporting", P)) << describe(t);
  EXPECT_FALSE(has_any(t, "info_sharing")) << describe(t);
  EXPECT_FALSE(has_any(t, "detention_on_detainer")) << describe(t);
}

TEST_F(TaggerTest, EmptyAndOddInputDoNotCrash) {
  EXPECT_TRUE(tag("").hits.empty());
  EXPECT_TRUE(tag("   \n\n  ").hits.empty());
  EXPECT_TRUE(tag("~~").hits.empty());
  EXPECT_TRUE(tag("\xE2\x80\x9C").hits.empty());
  std::string junk;
  for (int i = 0; i < 2000; ++i) junk += static_cast<char>((i * 37) % 256);
  (void)tag(junk);
}

TEST_F(TaggerTest, VersionNamesTaxonomyAndEngine) {
  EXPECT_NE(tagger_->version().find(tagger_->taxonomy().version()), std::string::npos);
}

}  // namespace
}  // namespace policyindex::provisions
