// The advocate's report as a typed result: plain labels, the summary counts, full quotes,
// the recital filter of borrowing, and the comparison with a model (fictional texts).
#include <gtest/gtest.h>

#include "provisions/provisions.h"
#include "query/model_compare.h"
#include "query/report.h"

namespace policyindex::query {
namespace {

namespace pv = policyindex::provisions;

std::shared_ptr<const pv::Taxonomy> taxonomy() {
  auto t = pv::Taxonomy::builtin();
  EXPECT_TRUE(t.has_value());
  return *t;
}

TEST(ReportLabels, CitationsDocTypesDatesSections) {
  EXPECT_EQ(citation_label("8usc1357g"), "8 U.S.C. § 1357(g)");
  EXPECT_EQ(citation_label("8usc1373"), "8 U.S.C. § 1373");
  EXPECT_EQ(citation_label("8cfr287.7"), "8 C.F.R. § 287.7");
  EXPECT_EQ(citation_label("mgl-c66-s10"), "G.L. c. 66, § 10");
  EXPECT_EQ(citation_label("mgl-c258f"), "G.L. c. 258F");
  EXPECT_NE(citation_label("lunn").find("Lunn v. Commonwealth"), std::string::npos);
  EXPECT_EQ(doc_type_label("police_policy"), "Police policy");
  EXPECT_EQ(doc_type_label("executive_order"), "Executive order");
  EXPECT_EQ(date_label("2019-05-02T10:00:00Z"), "May 2, 2019");
  EXPECT_EQ(date_label("2021-12-31"), "December 31, 2021");
  EXPECT_EQ(date_label("soon"), "soon");
  EXPECT_EQ(section_label("s3", "", std::nullopt), "Opening text");
  EXPECT_EQ(section_label("s3", "", 4), "Text on page 4");
  EXPECT_EQ(section_label("3", "Detainers", std::nullopt), "Section 3. Detainers");
  EXPECT_EQ(section_label("3", "Section 3. Detainers", std::nullopt), "Section 3. Detainers");
  EXPECT_EQ(section_label("50-103", "", std::nullopt), "§ 50-103");
  EXPECT_EQ(section_label("Section 4", "", std::nullopt), "Section 4");
  EXPECT_EQ(section_label("3", "3. Detainers", std::nullopt), "3. Detainers");
  // A heading holding the number's digits is not a repeat of it.
  EXPECT_EQ(section_label("2", "287(g) agreements", std::nullopt), "Section 2. 287(g) agreements");
  EXPECT_EQ(section_label("1", "Section 12. Records", std::nullopt), "Section 1. Section 12. Records");
  EXPECT_EQ(stance_label("permissive"), "Permissive");
  EXPECT_EQ(status_label("in_force"), "In force");
  EXPECT_EQ(status_label("descriptive"), "Describes a policy");
}

// A fictional town's policy tagged with the built-in taxonomy.
struct Tagged {
  std::vector<std::string> numbers, headings, texts;
  std::vector<pv::Tagged> tags;
  pv::Scorecard card;
  ReportInput input;
};

std::unique_ptr<Tagged> tag(const pv::Taxonomy& tax, const std::vector<std::array<std::string, 3>>& sections) {
  auto t = std::make_unique<Tagged>();
  pv::Tagger tagger(taxonomy());
  for (const auto& s : sections) t->tags.push_back(tagger.tag(pv::SectionInput{s[1], s[0], s[2]}));
  std::vector<pv::TaggedSection> ts;
  for (size_t i = 0; i < sections.size(); ++i) ts.push_back({sections[i][0], sections[i][1], 0, &t->tags[i]});
  t->card = pv::score(tax, pv::scored_hits("policy.txt", ts));
  t->input.file = "policy.txt";
  t->input.type = "text";
  t->input.scorecard = &t->card;
  for (size_t i = 0; i < sections.size(); ++i)
    t->input.sections.push_back({sections[i][0], sections[i][1], 1, 0, 0, sections[i][2], &t->tags[i]});
  return t;
}

TEST(Report, SummaryCountsMatchTheVerdictsAndQuotesAreWhole) {
  auto tax = taxonomy();
  const std::string long_sentence =
      "No officer or employee of the Town of Quillfield shall arrest, detain or continue to hold any person solely on "
      "the basis of a civil immigration detainer request or an administrative warrant issued by federal immigration "
      "authorities, including any request made by telephone, by facsimile, by electronic mail or in person at the "
      "station, at the courthouse, or at any other place where such a person may be found.";
  ASSERT_GT(long_sentence.size(), 300u);
  auto t = tag(*tax, {{"1", "Detainers", long_sentence},
                      {"2", "Status", "Officers may ask any person about his or her immigration status."},
                      {"s3", "", "The Town shall not enter into any agreement under 8 U.S.C. § 1357(g)."}});
  Report r = make_report(t->input, *tax);
  ASSERT_EQ(r.questions, 7);
  int green = 0, red = 0, mixed = 0, absent = 0;
  for (const auto& q : r.items) {
    if (q.key.size() != 2 || q.key[0] != 'Q') continue;
    green += q.verdict == "green";
    red += q.verdict == "red";
    mixed += q.verdict == "mixed";
    absent += q.verdict == "absent";
    EXPECT_EQ(q.verdict_label, verdict_label(q.verdict));
    EXPECT_FALSE(q.meaning.empty());
  }
  EXPECT_EQ(green, r.protective);
  EXPECT_EQ(red, r.permissive);
  EXPECT_EQ(mixed, r.mixed);
  EXPECT_EQ(absent, r.not_addressed);
  EXPECT_EQ(green + red + mixed + absent, 7);
  EXPECT_GE(r.protective, 2) << r.summary;
  EXPECT_GE(r.permissive, 1) << r.summary;
  EXPECT_EQ(r.summary, summary_line(7, green, mixed, red, absent));
  EXPECT_EQ(r.legend.size(), 7u);
  bool whole = false;
  for (const auto& q : r.items)
    for (const auto& quote : q.quotes) {
      if (quote.text.find("wherever") != std::string::npos || quote.text.size() > 300) whole = true;
      EXPECT_EQ(quote.section.find("(untitled)"), std::string::npos);
      EXPECT_EQ(quote.section.find("s3"), std::string::npos) << quote.section;
      EXPECT_FALSE(quote.why.empty());
    }
  EXPECT_TRUE(whole) << "a quote longer than 300 characters must be kept whole";
  ASSERT_FALSE(r.citations.empty());
  EXPECT_EQ(r.citations[0], "8 U.S.C. § 1357(g)");
}

TEST(Report, SummaryLineWords) {
  EXPECT_EQ(summary_line(7, 4, 0, 1, 2), "4 of 7 questions protective, 1 permissive, 2 not addressed");
  EXPECT_EQ(summary_line(7, 3, 1, 1, 2), "3 of 7 questions protective, 1 mixed, 1 permissive, 2 not addressed");
}

TEST(Borrow, RecitalsAndPurposeClausesAreNeverOffered) {
  pv::Tagger tagger(taxonomy());
  EXPECT_TRUE(is_recital(tagger, "info_sharing", "",
                         "WHEREAS, the Town of Quillfield shall not share information with federal immigration "
                         "authorities;"));
  EXPECT_TRUE(is_recital(tagger, "local_resources", "Purpose",
                         "No Town funds shall be used to help federal authorities enforce civil immigration law."));
  EXPECT_TRUE(is_recital(tagger, "local_resources", "",
                         "The purpose of this bylaw is to ensure that no Town funds are used for immigration "
                         "enforcement."));
  EXPECT_FALSE(is_recital(tagger, "info_sharing", "Information",
                          "No officer or employee of the Town shall provide information about a person's release "
                          "date to federal immigration authorities."));
}

TEST(Borrow, InForcePredicate) {
  EXPECT_TRUE(counts_as_in_force("bylaw", "active", "ordinance"));
  EXPECT_FALSE(counts_as_in_force("draft", "active", "ordinance"));
  EXPECT_FALSE(counts_as_in_force("bylaw", "gone", "ordinance"));
  EXPECT_FALSE(counts_as_in_force("document", "active", "news"));
  EXPECT_FALSE(counts_as_in_force("document", "active", "warrant_article"));
  // A stored status decides over type and genre.
  EXPECT_FALSE(counts_as_in_force("bylaw", "active", "ordinance", "proposed"));
  EXPECT_TRUE(counts_as_in_force("document", "active", "news", "in_force"));
  EXPECT_FALSE(counts_as_in_force("bylaw", "gone", "ordinance", "in_force"));
}

std::vector<CompareSection> sections(std::initializer_list<std::array<std::string, 3>> list) {
  std::vector<CompareSection> out;
  for (const auto& s : list) out.push_back({s[0], s[1], std::nullopt, s[2]});
  return out;
}

const ModelChange* find(const ModelComparison& c, std::string_view kind, std::string_view words) {
  for (const auto& ch : c.changes)
    if (ch.kind == kind && (ch.model_text.find(words) != std::string::npos || ch.town_text.find(words) != std::string::npos))
      return &ch;
  return nullptr;
}

TEST(ModelCompare, ReportsDroppedWeakenedAndAdded) {
  pv::Tagger tagger(taxonomy());
  const auto model = sections({
      {"1", "Detainers",
       "The Police Department shall provide the person with a copy of any immigration detainer received. "
       "No officer shall arrest or detain any person solely on the basis of a civil immigration detainer."},
      {"2", "Agreements", "The Town shall not enter into any agreement under section 287(g) of the Immigration and Nationality Act."},
      {"3", "Information", "No officer shall share the release date of any person with federal immigration authorities."},
  });
  const auto town = sections({
      {"A", "Detainers",
       "The Police Department may provide the person with a copy of any immigration detainer received. "
       "No officer shall arrest or detain any person solely on the basis of a civil immigration detainer."},
      {"B", "Information",
       "No officer shall share the release date of any person with federal immigration authorities, unless the Chief "
       "finds that sharing serves public safety."},
      {"C", "Status", "Officers shall not ask any person about his or her immigration status."},
  });
  const ModelComparison c = compare_with_model(model, town, tagger);
  EXPECT_GE(c.model_sentences, 4u);
  EXPECT_GE(c.kept, 1u);  // the detainer sentence is the same
  const ModelChange* shall_may = find(c, "weakened", "copy of any immigration detainer");
  ASSERT_NE(shall_may, nullptr);
  EXPECT_NE(shall_may->reason.find("\"shall\" became \"may\""), std::string::npos) << shall_may->reason;
  bool minus_shall = false, plus_may = false;
  for (const auto& d : shall_may->diff) {
    minus_shall |= d.op == '-' && d.text == "shall";
    plus_may |= d.op == '+' && d.text == "may";
  }
  EXPECT_TRUE(minus_shall && plus_may);
  const ModelChange* unless = find(c, "weakened", "release date");
  ASSERT_NE(unless, nullptr);
  EXPECT_NE(unless->reason.find("exception"), std::string::npos) << unless->reason;
  EXPECT_NE(unless->reason.find("unless"), std::string::npos) << unless->reason;
  EXPECT_EQ(unless->town_section, "Section B. Information");
  ASSERT_NE(find(c, "dropped", "287(g)"), nullptr);
  ASSERT_NE(find(c, "added", "immigration status"), nullptr);
  EXPECT_EQ(find(c, "weakened", "solely on the basis"), nullptr) << "an unchanged sentence is not reported";
}

TEST(ModelCompare, SplitsSentencesNotAbbreviations) {
  const auto s = split_sentences("No officer shall act under 8 U.S.C. § 1357(g) here. The Town shall report yearly to the Board.");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NE(s[0].find("1357(g)"), std::string::npos);
}

}  // namespace
}  // namespace policyindex::query
