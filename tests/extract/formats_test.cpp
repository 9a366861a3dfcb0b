// HTML, DOCX and PDF extraction on fixtures written or generated for these tests.

#include <iconv.h>

#include <string>

#include <gtest/gtest.h>

#include "extract/extract.h"
#include "extract/internal.h"
#include "tests/extract/makers.h"
#include "tests/testing/testing.h"

// fontconfig (under cairo and poppler) keeps process-global caches it never frees; they are
// not allocations of ours. LeakSanitizer reads this hook at exit.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

namespace policyindex::extract {
namespace {

using testing::read_file;
using testing::test_data_dir;

const Section* find(const Document& d, std::string_view heading) {
  for (const Section& s : d.sections)
    if (s.heading == heading) return &s;
  return nullptr;
}

std::string headings(const Document& d) {
  std::string out;
  for (const Section& s : d.sections) out += "[" + s.number + "|" + s.heading + "|p" + std::to_string(s.page) + "]";
  return out;
}

TEST(HtmlTest, MainContentOnlyWithStructureCharsetAndStrikes) {
  std::string html = read_file(test_data_dir() / "extract" / "marsh_cove.html");
  ASSERT_EQ(sniff_type(html), FileType::kHtml);
  auto r = extract(html);
  ASSERT_OK(r);
  const Document& d = *r;
  EXPECT_EQ(d.title, "Marsh Cove Trust Ordinance");
  for (const char* chrome : {"SCRIPTTEXT", "COOKIETEXT", "NAVTEXT", "SIDEBARTEXT", "FORMTEXT", "FOOTERTEXT",
                             "Town of Marsh Cove", "shall be used", "STYLESTRUCK", "CLASSSTRUCK"})
    EXPECT_EQ(d.text.find(chrome), std::string::npos) << chrome << " leaked into:\n" << d.text;
  // Windows-1252 bytes made UTF-8 (e acute, en dashes).
  EXPECT_NE(d.text.find("Caf\xC3\xA9 owners \xE2\x80\x93 and everyone"), std::string::npos) << d.text;
  const Section* limits = find(d, "Limits");
  ASSERT_NE(limits, nullptr) << headings(d);
  EXPECT_EQ(limits->number, "9-2");
  EXPECT_NE(limits->text.find("a. No town employee shall ask"), std::string::npos) << "list markers kept: " << limits->text;
  EXPECT_NE(limits->text.find("b. No town funds may support civil enforcement"), std::string::npos) << limits->text;
  EXPECT_NE(limits->text.find("Detainers | 0"), std::string::npos) << "table rows kept: " << limits->text;
  EXPECT_EQ(d.struck.size(), 3u);
}

TEST(HtmlTest, NestingBombIsQuick) {
  std::string html = "<html><body>";
  for (int i = 0; i < 20000; ++i) html += "<div>";
  html += "deep text";
  auto r = extract(html);
  ASSERT_OK(r);
  EXPECT_TRUE(r->sections.empty() || r->text.size() < 100);
}

TEST(DocxTest, HeadingStylesStrikeAndDeletions) {
  using testing::DocxPara;
  std::string docx = testing::make_docx({
      {"Title", {{"Wexford Welcoming Ordinance"}}},
      {"Heading2", {{"1. PURPOSE"}}},
      {"", {{"Wexford welcomes "}, {"only some", true}, {"all residents."}}},
      {"Heading2", {{"2. LIMITS"}}},
      {"", {{"a) Detainers. ", false, false, true}, {"The town "}, {"may", false, true}, {"shall not honor civil detainers."}}},
  });
  ASSERT_EQ(sniff_type(docx), FileType::kDocx);
  auto r = extract(docx);
  ASSERT_OK(r);
  EXPECT_EQ(r->title, "Wexford Welcoming Ordinance");
  const Section* purpose = find(*r, "PURPOSE");
  ASSERT_NE(purpose, nullptr) << headings(*r);
  EXPECT_EQ(purpose->number, "1");
  EXPECT_EQ(purpose->text, "Wexford welcomes all residents.");
  const Section* det = find(*r, "Detainers");
  ASSERT_NE(det, nullptr) << headings(*r);
  EXPECT_EQ(det->text, "The town shall not honor civil detainers.");
  ASSERT_EQ(r->struck.size(), 2u);
  EXPECT_EQ(r->struck[0], "only some");
  EXPECT_EQ(r->struck[1], "may");
}

// Word's automatic numbering is not in the paragraph text: "Section 1." and "(a)" come from
// word/numbering.xml, through the paragraph's own numPr or its heading style's. They must
// reach the segmenter as if typed, with levels counted and restarted as Word does.
TEST(DocxTest, AutomaticNumberingIsPutBackInFrontOfItsParagraphs) {
  using testing::DocxPara;
  const std::string ns = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
  auto lvl = [](int ilvl, const std::string& fmt, const std::string& text, int start = 1) {
    return "<w:lvl w:ilvl=\"" + std::to_string(ilvl) + "\"><w:start w:val=\"" + std::to_string(start) +
           "\"/><w:numFmt w:val=\"" + fmt + "\"/><w:lvlText w:val=\"" + text + "\"/></w:lvl>";
  };
  const std::string numbering =
      "<?xml version=\"1.0\"?><w:numbering " + ns + ">"
      "<w:abstractNum w:abstractNumId=\"0\">" + lvl(0, "decimal", "Section %1.") +
      lvl(1, "lowerLetter", "(%2)") + lvl(2, "lowerRoman", "%3.") + "</w:abstractNum>"
      "<w:abstractNum w:abstractNumId=\"1\">" + lvl(0, "bullet", "\u2022") + "</w:abstractNum>"
      "<w:abstractNum w:abstractNumId=\"2\">" + lvl(0, "upperRoman", "%1.", 4) + "</w:abstractNum>"
      "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>"
      "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"1\"/></w:num>"
      "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"2\"/></w:num>"
      "</w:numbering>";
  // "Heading 2" is linked to list 1 at level 0, as legal templates do.
  const std::string styles =
      "<?xml version=\"1.0\"?><w:styles " + ns + ">"
      "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/>"
      "<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>"
      "</w:styles>";
  DocxPara title{"Title", {{"Quillfield Trust Bylaw"}}};
  DocxPara purpose{"Heading2", {{"Purpose"}}};
  DocxPara purpose_text{"", {{"Quillfield welcomes all residents."}}};
  DocxPara limits{"Heading2", {{"Limits on federal requests"}}};
  DocxPara item_a{"", {{"Detainers. No officer shall hold a person on a civil detainer alone."}}, 1, 1};
  DocxPara item_b{"", {{"Status. No officer shall ask about immigration status."}}, 1, 1};
  DocxPara sub_i{"", {{"Exceptions. A judicial warrant is honored."}}, 1, 2};
  DocxPara bullet{"", {{"a bullet point without a number"}}, 2, 0};
  DocxPara records{"Heading2", {{"Records"}}};
  DocxPara item_a2{"", {{"Retention. The clerk keeps requests for three years."}}, 1, 1};
  DocxPara article{"", {{"GENERAL PROVISIONS"}}, 3, 0};
  std::string docx = testing::make_docx(
      {title, purpose, purpose_text, limits, item_a, item_b, sub_i, bullet, records, item_a2, article},
      numbering, styles);
  auto r = extract(docx);
  ASSERT_OK(r);
  const Section* s1 = find(*r, "Purpose");
  ASSERT_NE(s1, nullptr) << headings(*r);
  EXPECT_EQ(s1->number, "1");
  const Section* s2 = find(*r, "Limits on federal requests");
  ASSERT_NE(s2, nullptr) << headings(*r);
  EXPECT_EQ(s2->number, "2");
  const Section* det = find(*r, "Detainers");
  ASSERT_NE(det, nullptr) << headings(*r);
  EXPECT_EQ(det->number, "a");
  const Section* status = find(*r, "Status");
  ASSERT_NE(status, nullptr) << headings(*r);
  EXPECT_EQ(status->number, "b");
  const Section* exc = find(*r, "Exceptions");
  ASSERT_NE(exc, nullptr) << headings(*r);
  EXPECT_EQ(exc->number, "i");
  const Section* s3 = find(*r, "Records");
  ASSERT_NE(s3, nullptr) << headings(*r);
  EXPECT_EQ(s3->number, "3");
  const Section* ret = find(*r, "Retention");
  ASSERT_NE(ret, nullptr) << headings(*r);
  EXPECT_EQ(ret->number, "a") << "the letters restart under each section";
  EXPECT_NE(r->text.find("a bullet point without a number"), std::string::npos);
  EXPECT_EQ(r->text.find("\u2022"), std::string::npos) << "bullets are not numbers";
  EXPECT_NE(r->text.find("IV. GENERAL PROVISIONS"), std::string::npos) << "start value 4, upper roman: " << r->text;
}

TEST(DocxTest, ZipBombIsRefused) {
  auto r = extract(testing::make_zip_bomb(100u << 20));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(r.error().message.find("word/document.xml"), std::string::npos) << r.error().message;
}

TEST(PdfTest, PagesHeadersFootersHyphenationAndHeadingsByPage) {
  std::vector<std::string> paras;
  paras.push_back("#Ashby Junction Trust Ordinance");
  for (int s = 1; s <= 6; ++s) {
    paras.push_back("#Section " + std::to_string(s) + ". Topic number " + std::to_string(s));
    for (int p = 0; p < 4; ++p)
      paras.push_back("The town of Ashby Junction keeps this rule " + std::to_string(s) + "." + std::to_string(p) +
                      " for every resident, and each department applies it with care in daily work, "
                      "recording what it did so the public can see it later in the annual report.");
  }
  std::string pdf = testing::make_flowing_pdf(paras, "Ashby Junction Code - Chapter 12", 30);
  auto r = extract(pdf);
  ASSERT_OK(r);
  const Document& d = *r;
  EXPECT_GE(d.pages, 3);
  EXPECT_EQ(d.title, "Ashby Junction Trust Ordinance");
  EXPECT_EQ(d.text.find("Ashby Junction Code - Chapter 12"), std::string::npos) << "running header removed";
  EXPECT_EQ(d.text.find("Page 2"), std::string::npos) << "page numbers removed";
  ASSERT_EQ(d.sections.size(), 6u) << headings(d);
  // Each section's page is the page its heading was drawn on (make_flowing_pdf: 30 lines
  // per page; headings never at the foot of a page).
  int prev = 1;
  for (int s = 0; s < 6; ++s) {
    EXPECT_EQ(d.sections[s].number, std::to_string(s + 1));
    EXPECT_EQ(d.sections[s].heading, "Topic number " + std::to_string(s + 1));
    EXPECT_GE(d.sections[s].page, prev);
    EXPECT_GE(d.sections[s].page_end, d.sections[s].page);
    prev = d.sections[s].page;
  }
  EXPECT_EQ(d.sections[0].page, 1);
  EXPECT_GE(d.sections[5].page, 2);
  // Paragraph text is joined across wrapped lines.
  EXPECT_NE(d.sections[2].text.find("applies it with care in daily work, recording what it did"), std::string::npos)
      << d.sections[2].text;
}

TEST(PdfTest, StruckWordsAreSetAside) {
  testing::PdfPage page;
  page.texts.push_back({"1. DETAINERS", 72, 100, 12, true, false});
  page.texts.push_back({"The town will", 72, 130, 11, false, false});
  page.texts.push_back({"honor and assist", 146, 130, 11, false, true});
  page.texts.push_back({"not hold anyone on a detainer.", 247, 130, 11, false, false});
  auto r = extract(testing::make_pdf({page}));
  ASSERT_OK(r);
  EXPECT_EQ(r->text.find("honor"), std::string::npos) << r->text;
  EXPECT_NE(r->text.find("not hold anyone"), std::string::npos) << r->text;
  ASSERT_EQ(r->struck.size(), 1u);
  EXPECT_EQ(r->struck[0], "honor and assist");
}

// Bold heading glyphs (the shoulder of an "r", the bar of an "f" or "t", the bar of an "e")
// put dark ink at mid-height; only a drawn line that spans whole glyph boxes is a strike.
// Headings of several sizes, full of such letters, on a page that also draws strike lines
// (so the page is rendered and tested at all).
TEST(PdfTest, BoldHeadingLettersAreNotTakenForStrikes) {
  const std::vector<std::string> heads = {
      "Sec. 3-4 - Immigration status inquiries.", "Information sharing for referrals",
      "Federal operations and resources", "Transfer of records, rr fr tr er ff ft",
      "Effective date; severability after review"};
  testing::PdfPage page;
  double y = 80;
  for (double size : {11.5, 13.0, 16.0, 20.0}) {
    for (const auto& h : heads) {
      page.texts.push_back({h, 72, y, size, true, false});
      y += size * 1.5;
    }
  }
  // Small regular text: the bar of an "e" reaches all but the side-bearing pixel, and two
  // e's side by side must not make a line of it.
  const std::string small = "Annual Town Meeting - Committee fees between agreements";
  page.texts.push_back({small, 72, y, 8.5, false, false});
  page.texts.push_back({small, 72, y + 12, 9, false, false});
  y += 14;
  page.texts.push_back({"The office will", 72, y + 10, 11, false, false});
  page.texts.push_back({"report and transfer", 150, y + 10, 11, false, true});
  page.texts.push_back({"refer nobody to federal agents.", 260, y + 10, 11, false, false});
  // A struck bold heading word is still a strike.
  page.texts.push_back({"Section", 72, y + 40, 16, true, false});
  page.texts.push_back({"Transfers", 150, y + 40, 16, true, true});
  page.texts.push_back({"Referrals", 250, y + 40, 16, true, false});
  // A single struck letter in a redline ("oOrdinance"): the line spans that glyph's box.
  page.texts.push_back({"The", 72, y + 70, 11, false, false});
  page.texts.push_back({"o", 93, y + 70, 11, false, true});
  page.texts.push_back({"Ordinance applies.", 93 + 11 * 0.602, y + 70, 11, false, false});
  auto r = extract(testing::make_pdf({page}));
  ASSERT_OK(r);
  for (const auto& h : heads) {
    size_t n = 0, at = 0;
    while ((at = r->text.find(h, at)) != std::string::npos) ++n, ++at;
    EXPECT_EQ(n, 4u) << "heading \"" << h << "\" intact at every size:\n" << r->text;
  }
  size_t n_small = 0;
  for (size_t at = 0; (at = r->text.find(small, at)) != std::string::npos; ++at) ++n_small;
  EXPECT_EQ(n_small, 2u) << r->text;
  EXPECT_EQ(r->text.find("report and transfer"), std::string::npos) << r->text;
  EXPECT_NE(r->text.find("refer nobody to federal agents."), std::string::npos) << r->text;
  EXPECT_EQ(r->text.find("Transfers"), std::string::npos) << r->text;
  EXPECT_NE(r->text.find("Section Referrals"), std::string::npos) << r->text;
  std::string all;
  for (const auto& s : r->struck) all += "[" + s + "]";
  EXPECT_NE(r->text.find("Ordinance applies."), std::string::npos) << r->text;
  EXPECT_EQ(r->text.find("oOrdinance"), std::string::npos) << r->text;
  EXPECT_EQ(all, "[report and transfer][Transfers][o]");
}

// A scanned redline that capitalises a word: the struck lower-case letter and the capital
// after it read as one OCR word ("pPolice"). The rule: that letter pattern (which ordinary
// text does not have) and a dark line through the middle of the first letter's share of the
// word box. Tested on a drawn page image, the line present and absent.
TEST(PdfTest, StruckCaseChangeInAnOcrWord) {
  detail::GrayImage img;
  img.width = 200;
  img.height = 40;
  img.pixels.assign(static_cast<size_t>(img.width) * img.height, 255);
  detail::OcrWord w{"pPolice", 10, 5, 150, 35, };
  EXPECT_FALSE(detail::struck_case_change(img, w)) << "no line: kept as read";
  for (int x = 9; x < 31; ++x) img.pixels[static_cast<size_t>(20) * img.width + x] = 0;  // mid-height
  EXPECT_TRUE(detail::struck_case_change(img, w));
  for (const char* other : {"Police", "pQolice", "Pp", "ePolice"}) {
    detail::OcrWord o = w;
    o.text = other;
    EXPECT_FALSE(detail::struck_case_change(img, o)) << other;
  }
  // A line through the whole word is the word-level test's; this one needs only the first
  // letter's share, and a line elsewhere in the word does not count.
  img.pixels.assign(img.pixels.size(), 255);
  for (int x = 80; x < 150; ++x) img.pixels[static_cast<size_t>(20) * img.width + x] = 0;
  EXPECT_FALSE(detail::struck_case_change(img, w));
}

TEST(PdfTest, ImageOnlyPageIsRecognised) {
  testing::PdfPage scan;
  scan.image_only = true;
  scan.texts.push_back({"2. REPORTING", 72, 100, 16, true, false});
  scan.texts.push_back({"The chief reports every six months to the council.", 72, 140, 14, false, false});
  auto r = extract(testing::make_pdf({scan}));
  ASSERT_OK(r);
  ASSERT_EQ(r->ocr_pages, std::vector<int>{1});
  EXPECT_NE(r->text.find("reports every six months"), std::string::npos) << r->text;
  Options no_ocr;
  no_ocr.ocr = false;
  auto r2 = extract(testing::make_pdf({scan}), no_ocr);
  ASSERT_OK(r2);
  EXPECT_TRUE(r2->ocr_pages.empty());
}

}  // namespace
}  // namespace policyindex::extract

// extract/pdf.cpp keeps closed UTF-8 <-> UTF-16LE iconv converters for reuse (poppler-cpp
// opens one per word): a reused converter must convert exactly as a fresh one, including
// after a conversion that stopped on invalid input, and other conversions are untouched.
namespace {
std::string iconv_all(const char* to, const char* from, std::string in) {
  iconv_t cd = iconv_open(to, from);
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(in.size() * 4 + 8, '\0');
  char* ip = in.data();
  char* op = out.data();
  size_t il = in.size(), ol = out.size();
  size_t r = iconv(cd, &ip, &il, &op, &ol);
  EXPECT_EQ(iconv_close(cd), 0);
  if (r == static_cast<size_t>(-1)) return "error";
  out.resize(out.size() - ol);
  return out;
}
}  // namespace

TEST(IconvPoolTest, ReusedConvertersConvertLikeFreshOnes) {
  const std::string utf16 = std::string("T\0o\0w\0n\0 \0\xe9\0\x1d\x20", 14);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(iconv_all("UTF-16LE", "UTF-8", "Town \xc3\xa9\xe2\x80\x9d"), utf16) << round;
    EXPECT_EQ(iconv_all("UTF-16LE", "UTF-8", "bad \xff byte"), "error") << round;
    EXPECT_EQ(iconv_all("UTF-8", "UTF-16LE", utf16), "Town \xc3\xa9\xe2\x80\x9d") << round;
    EXPECT_EQ(iconv_all("UTF-8", "WINDOWS-1252", "caf\xe9"), "caf\xc3\xa9") << round;
  }
}
