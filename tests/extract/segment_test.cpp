// Segmentation of text documents written for these tests (fictional towns), numbering
// styles one by one, and the pieces of normalization.

#include <algorithm>

#include <gtest/gtest.h>

#include "extract/extract.h"
#include "extract/internal.h"
#include "tests/testing/testing.h"

namespace policyindex::extract {
namespace {

using testing::read_file;
using testing::test_data_dir;

Document extract_ok(const std::string& bytes, const Options& o = {}) {
  auto r = extract(bytes, o);
  EXPECT_TRUE(r.has_value()) << PI_RESULT_MESSAGE(r);
  return r ? *r : Document{};
}

const Section* find(const Document& d, std::string_view heading) {
  for (const Section& s : d.sections)
    if (s.heading == heading) return &s;
  return nullptr;
}

std::string headings(const Document& d) {
  std::string out;
  for (const Section& s : d.sections) out += "[" + s.number + "|" + s.heading + "|" + std::to_string(s.level) + "]";
  return out;
}

struct MarkerCase {
  const char* line;
  bool ok;
  const char* kind;
  const char* number;
};

TEST(MarkerTest, RecognisesNumberingStyles) {
  const MarkerCase cases[] = {
      {"Sec 50-103 - Order", true, "sec", "50-103"},
      {"Section 3. Definitions", true, "sec", "3"},
      {"\xC2\xA7 4 Data sharing", true, "sec", "4"},
      {"2.129.040 ORDER REQUIREMENTS", true, "dot3", "2.129.040"},
      {"1. DEFINITIONS", true, "num.", "1"},
      {"IV. POLICY", true, "ROMAN.", "IV"},
      {"a) Equal treatment.", true, "lower)", "a"},
      {"(a) Status questions.", true, "(lower)", "a"},
      {"a. Equal treatment.", true, "lower.", "a"},
      {"a.) Intake.", true, "lower.)", "a"},
      {"b)c) Role of police.", true, "lower)", "c"},
      {"gh) Access to buildings.", true, "lower)", "h"},
      {"(d)(e) The total number", true, "(lower)", "e"},
      {"2. 2.129.040 ORDER", true, "dot3", "2.129.040"},
      {"Article IV - Welcoming City", true, "article", "IV"},
      {"(iv) fourth", true, "(roman)", "iv"},
      {"2019. The year", false, "", ""},
      {"911 caller", false, "", ""},
      {"Secretary of State", false, "", ""},
      {"abc) not a marker", false, "", ""},
  };
  for (const MarkerCase& c : cases) {
    detail::Marker m;
    bool ok = detail::parse_marker(c.line, m);
    EXPECT_EQ(ok, c.ok) << c.line;
    if (ok && c.ok) {
      EXPECT_EQ(m.kind, c.kind) << c.line;
      EXPECT_EQ(m.number, c.number) << c.line;
    }
  }
}

TEST(SegmentTest, SectionDashStyleWithLetteredRunInHeadings) {
  Document d = extract_ok(read_file(test_data_dir() / "extract" / "brookhaven_bylaw.txt"));
  EXPECT_EQ(d.type, FileType::kText);
  EXPECT_EQ(d.title, "TOWN OF BROOKHAVEN FALLS");
  const Section* findings = find(d, "Findings");
  ASSERT_NE(findings, nullptr) << headings(d);
  EXPECT_EQ(findings->number, "14-1");
  EXPECT_EQ(findings->level, 1);
  EXPECT_NE(findings->text.find("trust between residents and town departments"), std::string::npos)
      << "wrapped lines joined: " << findings->text;
  const Section* status = find(d, "Status questions");
  ASSERT_NE(status, nullptr) << headings(d);
  EXPECT_EQ(status->number, "a");
  EXPECT_EQ(status->level, 2);
  EXPECT_EQ(status->key, "14-3.a");
  EXPECT_EQ(status->text.rfind("No employee of a town agency shall ask", 0), 0u) << status->text;
  // A lower-case item is not a heading: it stays in the text of the item before.
  const Section* det = find(d, "Civil detainers");
  ASSERT_NE(det, nullptr);
  EXPECT_NE(det->text.find("lettering of this item was lost"), std::string::npos) << det->text;
  const Section* sev = find(d, "Severability");
  ASSERT_NE(sev, nullptr);
  EXPECT_EQ(sev->level, 1) << headings(d);
  // Offsets point into the document text.
  for (const Section& s : d.sections) {
    ASSERT_LE(s.start, s.end);
    ASSERT_LE(s.end, d.text.size());
    EXPECT_NE(d.text.substr(s.start, s.end - s.start).find(s.text.substr(0, 20)), std::string::npos) << s.key;
  }
}

TEST(SegmentTest, RomanCapitalNumberAndLetterLevels) {
  Document d = extract_ok(read_file(test_data_dir() / "extract" / "pinecrest_policy.txt"));
  EXPECT_EQ(d.title, "PINECREST POLICE DEPARTMENT");
  const Section* purpose = find(d, "PURPOSE");
  ASSERT_NE(purpose, nullptr) << headings(d);
  EXPECT_EQ(purpose->number, "I");
  EXPECT_EQ(purpose->level, 1);
  const Section* contacts = find(d, "Contacts with federal agencies");
  ASSERT_NE(contacts, nullptr) << headings(d);
  EXPECT_EQ(contacts->number, "B");
  EXPECT_EQ(contacts->level, 2);
  EXPECT_NE(contacts->text.find("1. Officers shall not share booking records"), std::string::npos)
      << "numbered sentences stay list items of their section: " << contacts->text;
  const Section* procedure = find(d, "PROCEDURE");
  ASSERT_NE(procedure, nullptr);
  EXPECT_EQ(procedure->number, "III");
  EXPECT_EQ(procedure->level, 1);
  const Section* review = find(d, "Review");
  ASSERT_NE(review, nullptr) << headings(d);
  EXPECT_EQ(review->number, "b");
  EXPECT_EQ(review->level, 2);
  // ~~struck~~ text is set aside, never in the text.
  EXPECT_EQ(d.text.find("will assist civil"), std::string::npos);
  EXPECT_NE(d.text.find("department will not assist civil enforcement"), std::string::npos) << d.text;
  ASSERT_EQ(d.struck.size(), 1u);
  EXPECT_EQ(d.struck[0], "will assist");
}

TEST(SegmentTest, SectionSignDottedNumbersAndBrokenLettering) {
  Document d = extract_ok(read_file(test_data_dir() / "extract" / "harlow_ordinance.txt"));
  const Section* limits = find(d, "LIMITS ON DISCLOSURE");
  ASSERT_NE(limits, nullptr) << headings(d);
  EXPECT_EQ(limits->number, "3.210.010");
  const Section* general = find(d, "GENERAL PROVISIONS");
  ASSERT_NE(general, nullptr) << headings(d);
  EXPECT_EQ(general->number, "3");
  const Section* scope = find(d, "Scope");
  ASSERT_NE(scope, nullptr) << headings(d);
  EXPECT_EQ(scope->number, "1.1");
  EXPECT_GT(scope->level, general->level);
  const Section* records = find(d, "RECORDS");
  ASSERT_NE(records, nullptr);
  EXPECT_NE(records->text.find("Every request is recorded"), std::string::npos) << "hyphenation joined: " << records->text;
  const Section* report = find(d, "Annual report");
  ASSERT_NE(report, nullptr) << headings(d);
  EXPECT_EQ(report->number, "c") << "a lone 'a)' and 'b)c)' resolve to c";
  const Section* access = find(d, "Access to buildings");
  ASSERT_NE(access, nullptr) << headings(d);
  EXPECT_EQ(access->number, "h");
}

TEST(SegmentTest, UnmarkedRunInHeadingsAmongLetteredItems) {
  std::string text =
      "Sec 8-1 - Rules\n\n"
      "a. Equal service. The town serves every resident.\n"
      "b. Records. The clerk keeps records.\n"
      "Access to facilities. Except with a judicial warrant, no agent enters.\n"
      "The town also reports. Every year it publishes figures.\n";
  Document d = extract_ok(text);
  const Section* access = find(d, "Access to facilities");
  ASSERT_NE(access, nullptr) << headings(d);
  EXPECT_EQ(access->level, 2);
  EXPECT_EQ(find(d, "The town also reports"), nullptr) << "a sentence is not a heading: " << headings(d);
}

// Under an article heading, a section's lettered run-in items end where the next section
// begins: a sentence opening that section's prose is not one more run-in heading.
TEST(SegmentTest, RunInHeadingsEndAtTheNextSectionUnderAnArticle) {
  std::string text =
      "Article II - Trust Bylaw\n\n"
      "Sec 8-1 - Rules\n\n"
      "a. Equal service. The town serves every resident.\n"
      "b. Records. The clerk keeps records.\n"
      "Access to facilities. Except with a judicial warrant, no agent enters.\n\n"
      "Sec 8-2 - Complaints; Enforcement\n\n"
      "Enforcement. The select board enforces this bylaw.\n";
  Document d = extract_ok(text);
  const Section* access = find(d, "Access to facilities");
  ASSERT_NE(access, nullptr) << headings(d);
  EXPECT_EQ(find(d, "Enforcement"), nullptr) << headings(d);
  const Section* complaints = find(d, "Complaints; Enforcement");
  ASSERT_NE(complaints, nullptr) << headings(d);
  EXPECT_NE(complaints->text.find("The select board enforces"), std::string::npos) << complaints->text;
}

TEST(NormalizeTest, NfcLigaturesSpacesAndFolding) {
  // "e" + combining acute -> U+00E9; ligature fi; no-break space; soft hyphen.
  EXPECT_EQ(detail::normalize_inline("Cafe\xCC\x81  of\xEF\xAC\x81" "ce\xC2\xA0" "hall re\xC2\xAD" "cord"),
            "Caf\xC3\xA9 office hall record");
  EXPECT_EQ(fold_for_matching("\xE2\x80\x9CICE\xE2\x80\x9D holds \xE2\x80\x94 the town\xE2\x80\x99s"),
            "\"ICE\" holds - the town's");
  std::string para = "enforce-";
  detail::join_line(para, "ment of the law");
  EXPECT_EQ(para, "enforcement of the law");
  para = "and/";
  detail::join_line(para, "or");
  EXPECT_EQ(para, "and/or");
}

TEST(CharsetTest, DetectsAndConverts) {
  EXPECT_EQ(detail::charset_from_content_type("text/html; charset=ISO-8859-1"), "windows-1252");
  EXPECT_EQ(detail::charset_from_meta("<html><head><meta charset=\"utf-8\">"), "utf-8");
  EXPECT_EQ(detail::charset_from_meta("<meta http-equiv=Content-Type content='text/html; charset=windows-1252'>"), "windows-1252");
  auto r = detail::to_utf8("caf\xE9 \x93quoted\x94", "windows-1252");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D");
  // Invalid UTF-8 in a text file: a result, valid UTF-8 throughout.
  Document d = extract_ok(std::string("PURPOSE\n\nThe town \xC3\x28 of \xFF\xFE welcomes all.\n"));
  EXPECT_TRUE(detail::is_valid_utf8(d.text));
  EXPECT_NE(d.text.find("welcomes all"), std::string::npos);
}

TEST(SniffTest, TypeFromBytesNotName) {
  EXPECT_EQ(sniff_type("%PDF-1.7\n..."), FileType::kPdf);
  EXPECT_EQ(sniff_type("  <!DOCTYPE html><p>x"), FileType::kHtml);
  EXPECT_EQ(sniff_type("Section 1. Purpose\n"), FileType::kText);
  EXPECT_EQ(sniff_type(std::string("\x00\x01\x02\x03", 4)), FileType::kUnknown);
  auto r = extract(std::string("\x00\x01\x02\x03", 4));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
}

TEST(SerializeTest, RoundTripsDocumentsAndErrors) {
  Document d = extract_ok(read_file(test_data_dir() / "extract" / "brookhaven_bylaw.txt"));
  auto back = deserialize(serialize(d));
  ASSERT_OK(back);
  EXPECT_EQ(back->text, d.text);
  ASSERT_EQ(back->sections.size(), d.sections.size());
  EXPECT_EQ(back->sections[3].key, d.sections[3].key);
  EXPECT_EQ(back->sections[3].end, d.sections[3].end);
  auto e = deserialize(serialize(Result<Document>(make_error(ErrorCode::kParse, "bad thing"))));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, "bad thing");
  EXPECT_FALSE(deserialize(serialize(d).substr(0, 40)));
}

// A lettered item that opens with a case citation ("Consistent with X v. Y, 412 Mass. 88")
// is prose, not a run-in heading: the citation must stay in the text, where the citation
// facet looks for it. A real run-in heading next to it still splits.
TEST(SegmentTest, CaseCitationIsNotARunInHeading) {
  const std::string text =
      "TOWN OF HARLOW GAP\n\n"
      "Sec. 9-4 - Civil detainers.\n\n"
      "(a) Consistent with Pellham v. Commonwealth, 412 Mass. 88 (2009), no officer shall hold any person "
      "solely on the basis of a civil immigration detainer.\n\n"
      "(b) Under Ortiz v. Harlow Gap, 77 Mass. App. Ct. 301 (2010), officers shall release the person.\n\n"
      "(c) Access to facilities. Federal immigration agents shall not enter the lock-up.\n";
  Document d = extract_ok(text);
  for (const Section& s : d.sections) {
    EXPECT_EQ(s.heading.find("Commonwealth"), std::string::npos) << headings(d);
    EXPECT_EQ(s.heading.find("Ortiz"), std::string::npos) << headings(d);
  }
  bool cited = false, cited_app = false;
  for (const Section& s : d.sections) {
    cited = cited || s.text.find("Pellham v. Commonwealth, 412 Mass. 88") != std::string::npos;
    cited_app = cited_app || s.text.find("Ortiz v. Harlow Gap, 77 Mass. App. Ct. 301") != std::string::npos;
  }
  EXPECT_TRUE(cited) << headings(d);
  EXPECT_TRUE(cited_app) << headings(d);
  const Section* access = find(d, "Access to facilities");
  ASSERT_NE(access, nullptr) << headings(d);
  EXPECT_EQ(access->text.rfind("Federal immigration agents", 0), 0u) << access->text;
}

}  // namespace
}  // namespace policyindex::extract
