// Private to extract/: the intermediate block list every format parser produces and the
// segmenter consumes, plus the helpers the parsers share. Not included outside extract/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "extract/extract.h"

namespace policyindex::extract::detail {

enum class BlockKind { kParagraph, kHeading, kListItem, kTableRow, kTitle };

// One paragraph-level unit of a document, in reading order.
struct Block {
  BlockKind kind = BlockKind::kParagraph;
  std::string text;       // UTF-8, whitespace collapsed, struck text removed
  int heading_level = 0;  // a heading level the format itself states (h2, Heading2, font size); 0 none
  bool bold = false;      // the whole block is bold
  int page = 0;           // 1-based; 0 when the format has no pages
};

// What a format parser hands to the segmenter.
struct Parsed {
  std::string title;
  int pages = 0;
  std::vector<int> ocr_pages;
  std::vector<Block> blocks;
  std::vector<std::string> struck;
  std::vector<std::string> warnings;
};

// --- parsers (one .cpp each) ----------------------------------------------------------
[[nodiscard]] Result<Parsed> parse_text(std::string_view bytes, const Options& options);
[[nodiscard]] Result<Parsed> parse_html(std::string_view bytes, const Options& options);
[[nodiscard]] Result<Parsed> parse_docx(std::string_view bytes, const Options& options);
[[nodiscard]] Result<Parsed> parse_pdf(std::string_view bytes, const Options& options);

// Splits plain text (already UTF-8) into blocks: wrapped lines joined into paragraphs,
// heading-like and list-marker lines starting blocks of their own. Used for text files and
// as a fallback for OCR output.
void text_to_blocks(std::string_view utf8, int page, std::vector<Block>& out);

// --- charset (charset.cpp) -----------------------------------------------------------------
// The charset named by a Content-Type header ("text/html; charset=windows-1252"), or "".
std::string charset_from_content_type(std::string_view content_type);
// The charset a <meta> in the first bytes of an HTML document declares, or "".
std::string charset_from_meta(std::string_view html);
// Bytes in CHARSET (or, when empty, detected from a BOM or by uchardet) to UTF-8. Invalid
// sequences become U+FFFD; never fails for a known charset.
[[nodiscard]] Result<std::string> to_utf8(std::string_view bytes, std::string_view charset);
bool is_valid_utf8(std::string_view s);
// Replaces invalid UTF-8 sequences with U+FFFD.
std::string sanitize_utf8(std::string_view s);

// --- normalization (normalize.cpp) ---------------------------------------------------------
// NFC, ligatures and compatibility spaces folded, soft hyphens and zero-width characters and
// control characters removed, runs of whitespace collapsed to one space, trimmed.
std::string normalize_inline(std::string_view s);
// Joins two wrapped lines: end-of-line hyphenation removed when the next line continues the
// word in lower case; no space after a trailing '/'.
void join_line(std::string& paragraph, std::string_view next_line);
// Appends a UTF-8 encoding of code point CP.
void append_utf8(std::string& out, char32_t cp);
// Decodes one code point at s[i], advancing i; invalid bytes give U+FFFD.
char32_t next_code_point(std::string_view s, size_t& i);

// --- segmentation (segment.cpp) ------------------------------------------------------------
// A section-number or list marker at the start of a line: "Sec 50-103 -", "2.129.040",
// "1.", "I.", "(a)", "a)", "a.", "a.)", "§ 4". `kind` separates numbering styles (the level
// of a style is where it first appears); `consumed` counts the bytes the marker took.
struct Marker {
  std::string kind;
  std::string number;
  size_t consumed = 0;
};
bool parse_marker(std::string_view line, Marker& out);
// What a single line looks like: opens a block of its own (a marker, an ALL-CAPS heading)
// and/or is a whole heading line by itself.
struct LineShape {
  bool opens_block = false;
  bool heading = false;
  bool run_in = false;  // "Access to facilities. Except ...": opens a block after a sentence end
};
LineShape classify_line(std::string_view line);
Document segment(Parsed&& parsed, FileType type);

// --- raster strikethrough test (strike.cpp) -----------------------------------------------
// A grey-scale image, one byte per pixel (0 black .. 255 white), row-major.
struct GrayImage {
  int width = 0, height = 0;
  std::vector<unsigned char> pixels;
  unsigned char at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};
// True when a dark horizontal run crosses the box [x0,x1) x [y0,y1) (pixels) in its middle
// band (BAND_LO..BAND_HI of its height) as one unbroken run over at least FRACTION of its
// width. Glyph boxes from a PDF include ascent and descent (baseline near 80%), so the band
// stays clear of serifs on the baseline.
bool crossed_by_line(const GrayImage& img, double x0, double y0, double x1, double y1,
                     double fraction, double band_lo, double band_hi);

// The rows of the band BAND_LO..BAND_HI of a glyph box in which one unbroken dark run covers
// the box from edge to edge (SLACK pixels at either end excused for rounding). A strike line
// spans the glyph's whole advance, side bearings included; glyph strokes mostly do not.
std::vector<int> full_width_rows(const GrayImage& img, double x0, double y0, double x1, double y1,
                                 double band_lo, double band_hi, int slack);

// --- OCR (ocr.cpp) ------------------------------------------------------------------------
struct OcrWord {
  std::string text;
  double x0, y0, x1, y1;  // pixels
};
// A redline capitalisation read by OCR as one word ("pPolice"): a lower-case letter followed
// by the same letter in upper case, with a dark line through the middle of the first letter's
// share of the word box. The first letter is then struck text (extract/pdf.cpp).
bool struck_case_change(const GrayImage& img, const OcrWord& w);
// Recognises the words of one page image with Tesseract (English); lines are in order.
[[nodiscard]] Result<std::vector<std::vector<OcrWord>>> ocr_lines(const GrayImage& img, int dpi);

}  // namespace policyindex::extract::detail
