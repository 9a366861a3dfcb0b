// A document's title from the document itself (choose_title): its number and title, its
// first real heading, the format's metadata when it names something, and the link text
// only as a last resort.

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "extract/extract.h"

namespace policyindex::extract {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

std::string trimmed(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  std::string out;
  bool space = false;
  for (char c : s.substr(a, b - a)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80)) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Letterhead: "Town of Fernhollow", "City of Ashgrove Police Department", "Commonwealth of
// Massachusetts" — who issued it, not what it is.
bool letterhead(std::string_view title) {
  static const std::regex kHead(
      R"(^(the )?((town|city|county|commonwealth|office|department|board) of [a-z .'-]+?)( (police|fire) department| (select ?board|city council|board of selectmen))?$)");
  static const std::regex kDept(R"(^[a-z .'-]{0,40}(police|police department|sheriff's office|office of the mayor)$)");
  const std::string t = lower(trimmed(title));
  return std::regex_match(t, kHead) || std::regex_match(t, kDept);
}

// Headings that say where one is in a document, not which document it is.
bool generic_heading(std::string_view heading) {
  static const std::set<std::string> kGeneric = {
      "purpose", "definitions", "background", "introduction", "policy", "procedure", "procedures", "scope",
      "table of contents", "contents", "findings", "applicability", "general", "preamble", "summary", "overview",
      "authority", "references", "discussion", "section", "article", "chapter"};
  std::string t = lower(trimmed(heading));
  while (!t.empty() && (t.back() == '.' || t.back() == ':')) t.pop_back();
  return kGeneric.count(t) > 0;
}

// "Ordinance No. 2019-12", "General Order 4.12: Immigration", "Chapter 12. Trust Bylaw".
const std::regex& number_line() {
  static const std::regex kNumber(
      R"(^(ordinance|bylaw|by-law|general order|special order|executive order|administrative order|order|policy|policy and procedure|directive|resolution|article|chapter|rule|memorandum)\s+(no\.?\s*|number\s+|#\s*)?([0-9][0-9a-z.\-]*)\b\s*[:.\-\xE2\x80\x93\xE2\x80\x94]*\s*(.*)$)",
      std::regex::icase);
  return kNumber;
}

}  // namespace

bool meaningful_title(std::string_view raw) {
  const std::string t = lower(trimmed(raw));
  size_t letters = std::count_if(t.begin(), t.end(), [](unsigned char c) { return std::isalpha(c) || c >= 0x80; });
  if (letters < 3) return false;
  for (std::string_view junk : {"untitled", "microsoft word", "microsoft powerpoint", "document1", "doc1", "click",
                                "download", "read the ", "read more", "view ", "open ", "here", "print", "slide "}) {
    if (t.rfind(junk, 0) == 0) return false;
  }
  for (std::string_view ext : {".doc", ".docx", ".pdf", ".htm", ".html", ".txt", ".rtf", ".odt"}) {
    if (t.size() > ext.size() && t.compare(t.size() - ext.size(), ext.size(), ext) == 0) return false;
  }
  // Made of nothing but link words ("Read the ordinance (PDF)", "Full text", "Ordinance").
  static const std::set<std::string> kLinkWords = {
      "read", "the", "a", "an", "ordinance", "bylaw", "policy", "pdf", "docx", "doc", "html", "download", "click",
      "here", "view", "document", "file", "link", "open", "full", "text", "more", "this", "see", "version", "copy",
      "kb", "mb", "page", "home", "print", "attachment", "of", "to", "for"};
  auto w = words(t);
  bool all_link_words = std::all_of(w.begin(), w.end(), [](const std::string& x) {
    return kLinkWords.count(x) > 0 || std::all_of(x.begin(), x.end(), [](unsigned char c) { return std::isdigit(c); });
  });
  return !all_link_words;
}

TitleChoice choose_title(const Document& doc, std::string_view link_text) {
  // The opening lines: the title block, then each section's heading line and first line.
  std::vector<std::string> lines;
  if (!doc.title.empty()) lines.push_back(trimmed(doc.title));
  for (const Section& s : doc.sections) {
    if (lines.size() >= 14) break;
    std::string head = trimmed(s.number.empty() ? s.heading : s.number + " " + s.heading);
    if (!s.heading.empty() || !s.number.empty()) lines.push_back(head);
    std::string_view body = s.text;
    size_t nl = body.find('\n');
    std::string first = trimmed(body.substr(0, nl));
    if (!first.empty() && first.size() <= 160) lines.push_back(first);
  }
  // 1. The number and its title.
  for (size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (lines[i].size() > 160 || !std::regex_match(lines[i], m, number_line())) continue;
    const std::string kind = lower(m[1].str());
    if ((kind == "article" || kind == "chapter" || kind == "rule") && m[4].str().empty()) continue;
    std::string title = lines[i];
    while (!title.empty() && (title.back() == '.' || title.back() == ':')) title.pop_back();
    if (m[4].str().empty() && i + 1 < lines.size() && meaningful_title(lines[i + 1]) &&
        !std::regex_match(lines[i + 1], number_line()) && !generic_heading(lines[i + 1]) &&
        lines[i + 1].size() <= 120) {
      title += ": " + lines[i + 1];
    }
    return {title, "number"};
  }
  // 2. The first real heading: the title block unless it is letterhead, else the first
  // section heading that names something.
  if (!doc.title.empty() && meaningful_title(doc.title) && !letterhead(doc.title) && !generic_heading(doc.title) &&
      doc.title != doc.meta_title) {
    return {trimmed(doc.title), "heading"};
  }
  for (const Section& s : doc.sections) {
    if (s.heading.empty() || s.level > 1) continue;
    if (meaningful_title(s.heading) && !generic_heading(s.heading) && !letterhead(s.heading) && s.heading.size() <= 120) {
      return {trimmed(s.heading), "heading"};
    }
    break;  // only the first top-level heading is the document's
  }
  // 3. The format's metadata, when it names something.
  if (meaningful_title(doc.meta_title) && !letterhead(doc.meta_title)) return {trimmed(doc.meta_title), "metadata"};
  // 4. The link that led to it.
  if (meaningful_title(link_text)) return {trimmed(link_text), "link"};
  return {"", ""};
}

}  // namespace policyindex::extract
