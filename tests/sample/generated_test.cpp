// The files the generator wrote into the build tree: real text PDFs with larger bold
// headings, an image-only scanned PDF, DOCX with heading styles and struck runs, and a
// windows-1252 page with cp1252 bytes.

#include <poppler-document.h>
#include <poppler-page.h>
#include <zip.h>

#include <memory>
#include <set>

#include "demo/sample/sample_site.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

namespace fs = std::filesystem;

fs::path site_file(const std::string& slug, const std::string& path) {
  return sample::default_sample_dir() / "sites" / slug / path;
}

std::unique_ptr<poppler::document> open_pdf(const fs::path& p) {
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(p.string()));
  EXPECT_TRUE(doc) << p;
  if (doc) {
    EXPECT_FALSE(doc->is_locked()) << p;
  }
  return doc;
}

std::string page_text(poppler::document& doc, int i) {
  std::unique_ptr<poppler::page> page(doc.create_page(i));
  auto bytes = page->text().to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

std::string docx_part(const fs::path& p, const char* name) {
  int err = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> z(zip_open(p.c_str(), ZIP_RDONLY, &err),
                                                   zip_discard);
  if (!z) return "";
  zip_stat_t st;
  if (zip_stat(z.get(), name, 0, &st) != 0) return "";
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> f(zip_fopen(z.get(), name, 0), zip_fclose);
  std::string out(st.size, '\0');
  zip_fread(f.get(), out.data(), st.size);
  return out;
}

TEST(GeneratedSampleTest, TextPdfHasTextPagesAndLargerBoldHeadings) {
  auto doc = open_pdf(site_file("alderbrook", "ordinances/chapter-12-trust-ordinance.pdf"));
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->pages(), 4);
  std::string first = page_text(*doc, 0);
  EXPECT_NE(first.find("Sec. 12-3 - Immigration status inquiries."), std::string::npos) << first;
  EXPECT_NE(first.find("Page 1 of 4"), std::string::npos);
  EXPECT_NE(first.find("City of Alderbrook - Code of Ordinances"), std::string::npos);
  std::unique_ptr<poppler::page> page(doc->create_page(0));
  double heading = 0, body = 0;
  std::string heading_font;
  for (auto& box : page->text_list(poppler::page::text_list_include_font)) {
    auto t = box.text().to_utf8();
    std::string word(t.begin(), t.end());
    if (word == "12-3") {
      heading = box.get_font_size();
      heading_font = box.get_font_name();
    }
    if (word == "Residents") body = box.get_font_size();
  }
  EXPECT_GT(heading, body * 1.1) << "heading " << heading << " body " << body;
  EXPECT_NE(heading_font.find("Bold"), std::string::npos) << heading_font;
}

TEST(GeneratedSampleTest, ScannedPdfHasPagesButNoTextLayer) {
  auto doc =
      open_pdf(site_file("tamsin-falls", "police/general-orders/go-2-14-immigration-scan.pdf"));
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->pages(), 1);
  std::string text = page_text(*doc, 0);
  EXPECT_EQ(text.find_first_not_of(" \n\r\t\f"), std::string::npos) << text;
  // The text is there as pixels: the page image is large (about 200 dpi).
  EXPECT_GT(fs::file_size(
                site_file("tamsin-falls", "police/general-orders/go-2-14-immigration-scan.pdf")),
            50'000u);
}

TEST(GeneratedSampleTest, RedlinedPdfKeepsStruckWordsAsTextWithADrawnLine) {
  // Poppler sees struck words as ordinary text: only the drawn line marks them.
  auto doc =
      open_pdf(site_file("fernhollow", "town-meeting/article-14-safe-community-redline.pdf"));
  ASSERT_TRUE(doc);
  std::string all;
  for (int i = 0; i < doc->pages(); ++i) all += page_text(*doc, i);
  EXPECT_NE(all.find("Meadowlark"), std::string::npos);
  EXPECT_NE(all.find("§ 4 Civil immigration detainers"), std::string::npos) << all;
}

TEST(GeneratedSampleTest, DocxHasHeadingStylesAndStruckRuns) {
  auto redline = site_file("fernhollow", "town-meeting/article-14-safe-community-redline.docx");
  std::string xml = docx_part(redline, "word/document.xml");
  ASSERT_FALSE(xml.empty()) << redline;
  EXPECT_NE(xml.find("<w:pStyle w:val=\"Heading2\"/>"), std::string::npos);
  auto strike = xml.find("<w:strike/>");
  ASSERT_NE(strike, std::string::npos);
  EXPECT_LT(strike, xml.find("Meadowlark"));
  EXPECT_NE(xml.find("<w:u w:val=\"single\"/>"), std::string::npos);
  EXPECT_NE(docx_part(redline, "word/styles.xml").find("w:styleId=\"Heading1\""),
            std::string::npos);
  EXPECT_NE(docx_part(redline, "docProps/core.xml").find("Article 14"), std::string::npos);
  std::string kettle =
      docx_part(site_file("kettle-point", "police/policies/community-trust-policy.docx"),
                "word/document.xml");
  EXPECT_NE(kettle.find("UNLICENSED OPERATORS"), std::string::npos);
  EXPECT_NE(kettle.find("<w:b/></w:rPr><w:t xml:space=\"preserve\">Holds.</w:t>"),
            std::string::npos);
}

TEST(GeneratedSampleTest, Windows1252PageHasCp1252Bytes) {
  std::string page = testing::read_file(
      site_file("quillfield", "mayor/executive-order-2021-3-welcoming-city.html"));
  EXPECT_NE(page.find("<meta charset=\"windows-1252\">"), std::string::npos);
  EXPECT_NE(page.find("H\xE9l\xE8ne"), std::string::npos);
  EXPECT_NE(page.find("City\x92s"), std::string::npos);  // right single quote
  EXPECT_NE(page.find("\x93Social Security number\x94"), std::string::npos);
  EXPECT_NE(page.find(" \x97 "), std::string::npos);    // em dash
  EXPECT_EQ(page.find("\xC3\xA9"), std::string::npos);  // no UTF-8 é
}

TEST(GeneratedSampleTest, RedlinedHtmlUsesDelAndIns) {
  std::string page = testing::read_file(
      site_file("fernhollow", "town-meeting/article-14-safe-community-redline.html"));
  EXPECT_NE(page.find("<del>The Chief of Police may enter into the Meadowlark"), std::string::npos);
  EXPECT_NE(page.find("<ins>The Town shall not enter into any agreement"), std::string::npos);
}

TEST(GeneratedSampleTest, GeneratorIsReproducibleAndNamesBadInput) {
  testing::TempDir a, b;
  auto src = fs::path(PI_SAMPLE_SRC_DIR) /
             "sites/fernhollow/town-meeting/article-14-safe-community-redline.pdm";
  std::string out, err;
  ASSERT_EQ(testing::run_command(
                std::string(PI_SAMPLE_GEN) + " render " + src.string() + " " + a.path().string(),
                &out, &err),
            0)
      << err;
  ASSERT_EQ(testing::run_command(
                std::string(PI_SAMPLE_GEN) + " render " + src.string() + " " + b.path().string(),
                &out, &err),
            0)
      << err;
  for (const char* ext : {".pdf", ".docx", ".html"}) {
    std::string name = std::string("article-14-safe-community-redline") + ext;
    EXPECT_EQ(testing::read_file(a / name), testing::read_file(b / name)) << name;
  }
  testing::write_file(a / "bad.pdm", "%title Bad\n%render pdf\n\nunclosed **bold\n");
  EXPECT_EQ(testing::run_command(std::string(PI_SAMPLE_GEN) + " render " +
                                     (a / "bad.pdm").string() + " " + a.path().string(),
                                 &out, &err),
            1);
  EXPECT_NE(err.find("bad.pdm:4"), std::string::npos) << err;
}

}  // namespace
}  // namespace policyindex
