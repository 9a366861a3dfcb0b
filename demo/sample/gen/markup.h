// The sample documents' source markup (.pdm, "policy document markup"), shared by every
// rendering: text PDF, scanned (image-only) PDF, DOCX and HTML. See demo/sample/README.md.
//
//   %title Trust and Safe Community Ordinance     document title (metadata, HTML <title>)
//   %header City of Alderbrook - Code             running header (PDF, DOCX)
//   %footer Chapter 12                            running footer; "Page N of M" is added
//   %render pdf docx html                         renderings: pdf, scanned, docx, html
//   %encoding windows-1252                        HTML only: output bytes and meta charset
//   %site Town of X|Home=/|Police=/police/       HTML only: banner and navigation links
//   # Heading / ## Heading / ### Heading           headings, levels 1-3
//   > text                                         an indented paragraph
//   - text                                         a bullet item
//   @pagebreak                                     a page break (PDF, DOCX)
//   blank line                                     ends a paragraph; lines inside one are joined
// Inline: **bold**, *italic*, ~~struck~~ (deleted text), ++inserted++ (underlined).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace policyindex::sample_gen {

struct Span {
  std::string text;
  bool bold = false;
  bool italic = false;
  bool struck = false;
  bool inserted = false;
};

enum class BlockKind { kHeading, kParagraph, kBullet, kPageBreak };

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  int level = 0;  // heading level 1-3; indent level for paragraphs
  std::vector<Span> spans;
  std::string plain() const;  // the spans' text, struck spans included
};

struct NavLink {
  std::string label;
  std::string href;
};

struct Doc {
  std::string title;
  std::string header;
  std::string footer;
  std::vector<std::string> renders;  // "pdf", "scanned", "docx", "html"
  std::string encoding = "utf-8";
  std::string site_name;
  std::vector<NavLink> nav;
  std::vector<Block> blocks;
};

// Parses markup; throws std::runtime_error("NAME:LINE: what is wrong") on bad input.
Doc parse(std::string_view text, const std::string& name);

// Splits inline markup into spans; throws on an unclosed marker.
std::vector<Span> parse_inline(std::string_view text, const std::string& where);

}  // namespace policyindex::sample_gen
