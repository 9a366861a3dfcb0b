// Test fixtures made at run time: PDFs drawn with cairo (text, headers, strike lines,
// image-only pages) and DOCX packages written with libzip.
#pragma once

#include <string>
#include <vector>

namespace policyindex::testing {

struct PdfText {
  std::string text;
  double x = 72, y = 100;  // baseline, points from the top-left
  double size = 11;
  bool bold = false;
  bool struck = false;     // a line drawn through the middle of the text
};

struct PdfPage {
  std::vector<PdfText> texts;
  bool image_only = false;  // rasterised: no text layer (a "scan")
};

// A US-letter PDF with the given pages.
std::string make_pdf(const std::vector<PdfPage>& pages);

// Lays out paragraphs over pages (wrapping at about 80 characters per line), with a running
// header and a "Page N" footer on every page. A paragraph starting with "#" is a heading
// (14 pt bold). Returns the PDF.
std::string make_flowing_pdf(const std::vector<std::string>& paragraphs, const std::string& header,
                             int lines_per_page = 40);

struct DocxRun {
  std::string text;
  bool strike = false;
  bool deleted = false;  // inside <w:del>
  bool bold = false;
};
struct DocxPara {
  std::string style;  // "Heading1", "Title", "" ...
  std::vector<DocxRun> runs;
  int num_id = 0;     // automatic numbering: <w:numPr> with this numId (0: none)
  int ilvl = 0;
};
// NUMBERING_XML, when given, becomes word/numbering.xml; STYLES_XML word/styles.xml.
std::string make_docx(const std::vector<DocxPara>& paras, const std::string& numbering_xml = "",
                      const std::string& styles_xml = "");

// A ZIP holding word/document.xml of `inflated` bytes (all spaces): a zip bomb.
std::string make_zip_bomb(size_t inflated);

}  // namespace policyindex::testing
