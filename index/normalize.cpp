// Text normalisation shared by the writer and the query side: diacritics, town and facet
// terms, and legal citation tokens ("287(g)", "8 U.S.C. § 1373", "I-247A", "c. 66, § 10").
#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <regex>

#include "index/index.h"

namespace policyindex::index {
namespace {

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The patterns run on an ASCII-lower-cased copy, so offsets equal the input's. The section
// sign is the two bytes C2 A7 in UTF-8.
#define PI_SECT "(?:\\xC2\\xA7)"
struct Patterns {
  // 8 U.S.C. § 1357(g), 8 USC 1373, 8 u.s.c. sec. 1373
  std::regex usc{"\\b(\\d{1,2})\\s*u\\.?\\s?s\\.?\\s?c\\.?\\s*(?:" PI_SECT
                 "+|sec(?:tion|\\.)?)?\\s*(\\d{1,5}[a-z]?)(?:\\s?\\(\\s?([a-z0-9])\\s?\\))?",
                 std::regex::ECMAScript | std::regex::optimize};
  // section 1373 of title 8
  std::regex title{"\\bsection\\s+(\\d{1,5})(?:\\s?\\(([a-z0-9])\\))?\\s+of\\s+title\\s+(\\d{1,2})\\b",
                   std::regex::ECMAScript | std::regex::optimize};
  // 287(g), 1357(g), § 10(a)
  std::regex paren{"\\b(\\d{1,5})\\s?\\(\\s?([a-z])\\s?\\)", std::regex::ECMAScript | std::regex::optimize};
  // I-247A, I-247D, I-203, I247A
  std::regex form{"\\bi-?(\\d{3}[a-z]?)\\b", std::regex::ECMAScript | std::regex::optimize};
  // c. 66, ch. 66, chapter 66 [, § 10 | s. 10 | section 10]
  std::regex chapter{"\\b(?:c\\.|ch\\.?|chap\\.?|chapter)\\s?(\\d{1,3}[a-z]?)\\b(?:,?\\s*(?:" PI_SECT
                     "+|s\\.|sec\\.|section)\\s*(\\d{1,3}[a-z]?)\\b)?",
                     std::regex::ECMAScript | std::regex::optimize};
};
#undef PI_SECT

const Patterns& patterns() {
  static const Patterns p;  // immutable after construction; std::regex matching is const
  return p;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Cheap scans that say whether a pattern could match at all, so that the (slow) std::regex
// runs only on the few sections that hold such a shape.
bool maybe_form(const std::string& t) {  // i-247a, i247a
  for (size_t i = t.find('i'); i != std::string::npos; i = t.find('i', i + 1)) {
    if (i > 0 && is_alnum(t[i - 1])) continue;
    size_t j = i + 1;
    if (j < t.size() && t[j] == '-') ++j;
    if (j + 2 < t.size() && is_digit(t[j]) && is_digit(t[j + 1]) && is_digit(t[j + 2])) return true;
  }
  return false;
}

bool maybe_chapter(const std::string& t) {  // c. 66, ch. 66, chap 66, chapter 66
  for (size_t i = t.find('c'); i != std::string::npos; i = t.find('c', i + 1)) {
    if (i > 0 && is_alnum(t[i - 1])) continue;
    size_t j = i + 1;
    for (std::string_view tail : {"hapter", "hap", "h"}) {
      if (t.compare(j, tail.size(), tail) == 0) {
        j += tail.size();
        break;
      }
    }
    if (j < t.size() && t[j] == '.') ++j;
    if (j < t.size() && t[j] == ' ') ++j;
    if (j < t.size() && is_digit(t[j])) return true;
  }
  return false;
}

bool maybe_paren(const std::string& t) {  // 287(g)
  for (size_t i = t.find('('); i != std::string::npos; i = t.find('(', i + 1)) {
    size_t b = i;
    if (b > 0 && t[b - 1] == ' ') --b;
    if (b > 0 && is_digit(t[b - 1])) return true;
  }
  return false;
}

struct Candidate {
  size_t begin, end;
  std::vector<std::string> terms;
};

template <class F>
void scan(const std::regex& re, const std::string& text, std::vector<Candidate>& out, F make) {
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    const std::smatch& m = *it;
    auto terms = make(m);
    if (terms.empty()) continue;
    out.push_back({static_cast<size_t>(m.position(0)),
                   static_cast<size_t>(m.position(0) + m.length(0)), std::move(terms)});
  }
}

}  // namespace

std::string section_key(int64_t document_id, std::string_view key) {
  return std::to_string(document_id) + "/" + std::string(key);
}

std::string town_term(std::string_view town_name) {
  std::string folded = corpus::fold_town_name(fold_text(town_name, true));
  std::replace(folded.begin(), folded.end(), ' ', '-');
  return folded;
}

std::string facet_term(std::string_view value) {
  std::string out = ascii_lower(fold_text(value, true));
  for (char& c : out) {
    if (c == ' ') c = '_';
  }
  return out;
}

std::string fold_text(std::string_view utf8, bool lower) {
  if (is_ascii(utf8)) return lower ? ascii_lower(utf8) : std::string(utf8);
  int options = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK;
  if (lower) options |= UTF8PROC_CASEFOLD;
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                   static_cast<utf8proc_ssize_t>(utf8.size()), &out,
                   static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  if (n < 0) return lower ? ascii_lower(utf8) : std::string(utf8);
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

std::vector<LegalToken> find_legal_tokens(std::string_view input) {
  std::vector<LegalToken> result;
  // Cheap filters first: most sections hold none of these shapes.
  const bool has_digit = std::any_of(input.begin(), input.end(),
                                     [](char c) { return c >= '0' && c <= '9'; });
  if (!has_digit) return result;
  const std::string text = ascii_lower(input);
  const auto& p = patterns();
  std::vector<Candidate> found;
  if (text.find("u") != std::string::npos &&
      (text.find("usc") != std::string::npos || text.find("u.s") != std::string::npos ||
       text.find("u. s") != std::string::npos)) {
    scan(p.usc, text, found, [](const std::smatch& m) {
      std::string sec = m[2].str() + (m[3].matched ? m[3].str() : "");
      return std::vector<std::string>{m[1].str() + "usc" + sec, sec};
    });
  }
  if (text.find("title") != std::string::npos) {
    scan(p.title, text, found, [](const std::smatch& m) {
      std::string sec = m[1].str() + (m[2].matched ? m[2].str() : "");
      return std::vector<std::string>{m[3].str() + "usc" + sec, sec};
    });
  }
  if (maybe_paren(text)) {
    scan(p.paren, text, found, [](const std::smatch& m) {
      return std::vector<std::string>{m[1].str() + m[2].str()};
    });
  }
  if (maybe_form(text)) {
    scan(p.form, text, found, [](const std::smatch& m) {
      return std::vector<std::string>{"i" + m[1].str()};
    });
  }
  if (maybe_chapter(text)) {
    scan(p.chapter, text, found, [](const std::smatch& m) {
      std::vector<std::string> t{"c" + m[1].str()};
      if (m[2].matched) t.push_back("c" + m[1].str() + "s" + m[2].str());
      return t;
    });
  }
  // Keep the longest non-overlapping matches, left to right.
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    return a.end > b.end;
  });
  size_t covered = 0;
  for (auto& c : found) {
    if (c.begin < covered) {
      // Overlaps the previous token: merge its terms when it lies inside (1357(g) in USC).
      if (!result.empty() && c.end <= result.back().end) {
        for (auto& t : c.terms) {
          auto& terms = result.back().terms;
          if (std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
        }
      }
      continue;
    }
    result.push_back({c.begin, c.end, std::move(c.terms)});
    covered = c.end;
  }
  return result;
}

}  // namespace policyindex::index
