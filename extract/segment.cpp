// Segmentation: blocks in, a section tree out. Written for the numbering styles of municipal
// codes and policies (see the issue), not for particular documents:
//   Sec 50-103 - Order | § 4 | Section 3. | Article IV | 2.129.040 ORDER | 1. DEFINITIONS | I.
//   A. | a) | (a) | a. | a.) | (1) | (iv) | ALL-CAPS lines | run-in headings ("Access to
//   facilities. Except in response ...") | lettering broken by conversion ("b)c)", "gh)", a
//   marker alone on a line).
// The level of a numbering style is the depth at which it first appears, as a reader infers it.

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include "extract/internal.h"

namespace policyindex::extract::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return is_lower(c) || is_upper(c); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with_ci(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != static_cast<unsigned char>(word[i])) return false;
  return true;
}

// Leading decoration that is not part of the text: bullets, markdown emphasis and headings.
size_t skip_decoration(std::string_view s) {
  size_t i = 0;
  for (;;) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::string_view r = s.substr(i);
    if (r.substr(0, 2) == "**" || r.substr(0, 2) == "__") { i += 2; continue; }
    if (!r.empty() && r[0] == '#') {
      size_t j = 0;
      while (j < r.size() && r[j] == '#') ++j;
      if (j < r.size() && r[j] == ' ') { i += j; continue; }
    }
    if (r.size() >= 2 && (r[0] == '-' || r[0] == '*' || r[0] == '+') && r[1] == ' ') { i += 2; continue; }
    for (std::string_view b : {"\xE2\x80\xA2 ", "\xE2\x80\x93 ", "\xE2\x80\x94 ", "\xC2\xB7 ",
                               "\xE2\x97\x8F ", "\xEF\x82\xB7 ", "\xE2\x96\xAA "}) {
      if (r.substr(0, b.size()) == b) { i += b.size(); goto again; }
    }
    return i;
  again:;
  }
}

bool is_roman(std::string_view s) {
  static const std::set<std::string, std::less<>> kRoman = [] {
    std::set<std::string, std::less<>> r;
    const char* ones[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
    const char* tens[] = {"", "x", "xx", "xxx", "xl", "l"};
    for (const char* t : tens)
      for (const char* o : ones) {
        std::string v = std::string(t) + o;
        if (!v.empty()) r.insert(v);
      }
    return r;
  }();
  std::string l(s);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return kRoman.count(l) > 0;
}

// After a marker: spaces, then an optional dash or colon separator, then spaces.
size_t skip_separator(std::string_view s, size_t i) {
  while (i < s.size() && s[i] == ' ') ++i;
  for (std::string_view d : {"-", ":", "\xE2\x80\x93", "\xE2\x80\x94", "**"}) {
    if (s.substr(i, d.size()) == d && (i + d.size() == s.size() || s[i + d.size()] == ' ')) {
      i += d.size();
      while (i < s.size() && s[i] == ' ') ++i;
      break;
    }
  }
  return i;
}

bool at_boundary(std::string_view s, size_t i) {
  return i >= s.size() || s[i] == ' ' || s.substr(i, 2) == "**";
}

bool parse_one(std::string_view s, Marker& m);

// "b)c)": a letter or parenthesised marker glued to the next one.
bool glued_marker(std::string_view s) {
  if (s.empty() || !(s[0] == '(' || (s[0] >= 'a' && s[0] <= 'z'))) return false;
  Marker m;
  return parse_one(s, m);
}

// One marker at the start of s (no chain handling).
bool parse_one(std::string_view s, Marker& m) {
  if (s.empty()) return false;
  // Section words: Sec 50-103, Section 3., § 4, Article IV, Chapter 2.129
  struct Word { std::string_view w; const char* kind; };
  static const std::array<Word, 8> kWords = {{{"section", "sec"}, {"sec.", "sec"}, {"sec", "sec"},
                                              {"\xC2\xA7\xC2\xA7", "sec"}, {"\xC2\xA7", "sec"},
                                              {"article", "article"}, {"art.", "article"},
                                              {"chapter", "chapter"}}};
  for (const Word& w : kWords) {
    if (!starts_with_ci(s, w.w)) continue;
    size_t i = w.w.size();
    if (i < s.size() && is_alpha(s[i])) continue;  // "Secretary", "Articles"
    while (i < s.size() && s[i] == ' ') ++i;
    size_t n0 = i;
    while (i < s.size() && (is_alnum(s[i]) || ((s[i] == '.' || s[i] == '-' || s[i] == ':') &&
                                               i + 1 < s.size() && is_alnum(s[i + 1]))))
      ++i;
    std::string_view num = s.substr(n0, i - n0);
    if (num.empty()) continue;
    bool numeric = is_digit(num[0]);
    if (!numeric && !(is_roman(num) || (num.size() == 1 && is_upper(num[0])))) continue;
    if (i < s.size() && s[i] == '.') ++i;
    if (!at_boundary(s, i)) continue;
    m.kind = w.kind;
    m.number = std::string(num);
    m.consumed = skip_separator(s, i);
    return true;
  }
  // Digits: 2.129.040 | 50-103 | 1. | 1) | 1.2
  if (is_digit(s[0])) {
    size_t i = 0;
    int parts = 1;
    bool dash = false;
    while (i < s.size() && is_digit(s[i])) ++i;
    size_t first_len = i;
    while (i + 1 < s.size() && (s[i] == '.' || s[i] == '-') && is_digit(s[i + 1])) {
      dash = dash || s[i] == '-';
      ++i;
      while (i < s.size() && (is_digit(s[i]) || is_upper(s[i]))) ++i;
      ++parts;
    }
    std::string num(s.substr(0, i));
    if (parts == 1) {
      if (first_len > 3) return false;  // a year or an amount, not an item number
      if (i < s.size() && (s[i] == '.' || s[i] == ')')) {
        m.kind = s[i] == '.' ? "num." : "num)";
        ++i;
        if (m.kind == "num." && i < s.size() && s[i] == ')') ++i;
        if (!at_boundary(s, i)) return false;
        m.number = num;
        m.consumed = skip_separator(s, i);
        return true;
      }
      return false;
    }
    if (i < s.size() && s[i] == '.') ++i;
    if (!at_boundary(s, i)) return false;
    m.kind = (dash ? "dash" : "dot") + std::to_string(parts);
    m.number = num;
    m.consumed = skip_separator(s, i);
    return true;
  }
  // Parenthesised: (a) (1) (iv) (A)
  if (s[0] == '(') {
    size_t i = 1;
    while (i < s.size() && i <= 5 && is_alnum(s[i])) ++i;
    if (i == 1 || i >= s.size() || s[i] != ')') return false;
    std::string_view in = s.substr(1, i - 1);
    ++i;
    if (!at_boundary(s, i) && !glued_marker(s.substr(i))) return false;
    bool all_digit = std::all_of(in.begin(), in.end(), is_digit);
    bool all_lower = std::all_of(in.begin(), in.end(), is_lower);
    bool all_upper = std::all_of(in.begin(), in.end(), is_upper);
    if (all_digit && in.size() <= 3) m.kind = "(num)";
    else if (all_lower && (in.size() == 1 || is_roman(in) || in[0] == in[1])) m.kind = in.size() > 1 && is_roman(in) ? "(roman)" : "(lower)";
    else if (all_upper && in.size() == 1) m.kind = "(upper)";
    else if (all_upper && is_roman(in)) m.kind = "(ROMAN)";
    else return false;
    m.number = std::string(in);
    m.consumed = skip_separator(s, i);
    return true;
  }
  // Letters: a) a. a.) gh) I. IV. A.
  if (is_alpha(s[0])) {
    size_t i = 0;
    while (i < s.size() && i < 4 && is_alpha(s[i])) ++i;
    std::string_view letters = s.substr(0, i);
    if (i >= s.size() || (s[i] != '.' && s[i] != ')')) return false;
    std::string punct;
    punct += s[i++];
    if (punct == "." && i < s.size() && s[i] == ')') punct += s[i++];
    if (!at_boundary(s, i) && !(punct != "." && glued_marker(s.substr(i)))) return false;
    bool lower = std::all_of(letters.begin(), letters.end(), is_lower);
    bool upper = std::all_of(letters.begin(), letters.end(), is_upper);
    if (upper && letters.size() > 1) {
      if (!is_roman(letters) || punct == ".)") return false;
      m.kind = "ROMAN" + punct;
      m.number = std::string(letters);
    } else if (upper) {
      m.kind = "UPPER" + punct;  // I/V/X are resolved against the sequence by the caller
      m.number = std::string(letters);
    } else if (lower) {
      if (letters.size() == 1) {
        m.kind = "lower" + punct;
        m.number = std::string(letters);
      } else if (letters.size() == 2 && letters[0] == letters[1] && punct != ".") {
        m.kind = "lower" + punct;  // "aa)" after "z)"
        m.number = std::string(letters);
      } else if (is_roman(letters) && punct != ".") {
        m.kind = "roman" + punct;
        m.number = std::string(letters);
      } else if (letters.size() == 2 && punct != ".") {
        // Lettering broken by conversion: "gh)" is "h)" with a stray "g" before it.
        m.kind = "lower" + punct;
        m.number = std::string(1, letters[1]);
      } else {
        return false;
      }
    } else {
      return false;
    }
    m.consumed = skip_separator(s, i);
    return true;
  }
  return false;
}

size_t word_count(std::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    if (c == ' ') in = false;
    else if (!in) { in = true; ++n; }
  }
  return n;
}

// All cased letters upper case, at least three letters.
bool all_caps(std::string_view s) {
  size_t letters = 0, run = 0, best_run = 0, i = 0;
  while (i < s.size()) {
    char32_t cp = next_code_point(s, i);
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    if (cat == UTF8PROC_CATEGORY_LL) return false;
    if (cat == UTF8PROC_CATEGORY_LU) {
      ++letters;
      best_run = std::max(best_run, ++run);
    } else {
      run = 0;
    }
  }
  return letters >= 4 && best_run >= 3;  // not "U.S.C." or "A.B."
}

std::string_view strip_emphasis(std::string_view s) {
  s = trim(s);
  while (s.size() >= 2 && (s.substr(s.size() - 2) == "**" || s.substr(s.size() - 2) == "__")) s = trim(s.substr(0, s.size() - 2));
  while (s.size() >= 2 && (s.substr(0, 2) == "**" || s.substr(0, 2) == "__")) s = trim(s.substr(2));
  return s;
}

// Heading text with trailing punctuation removed.
std::string clean_heading(std::string_view s) {
  s = strip_emphasis(s);
  while (!s.empty() && (s.back() == '.' || s.back() == ':' || s.back() == ' ')) s.remove_suffix(1);
  s = strip_emphasis(s);
  return std::string(s);
}

bool ends_like_heading(std::string_view s) {
  s = strip_emphasis(s);
  if (s.empty()) return true;
  char c = s.back();
  if (c == ',' || c == ';' || c == '-') return false;
  size_t sp = s.rfind(' ');
  std::string last(sp == std::string_view::npos ? s : s.substr(sp + 1));
  for (char& ch : last) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  static const std::set<std::string, std::less<>> kTail = {"and", "or", "the", "of", "to", "a", "an", "in", "for", "by", "with", "that", "shall", "may", "is"};
  return kTail.count(last) == 0;
}

bool starts_upper_or_digit(std::string_view s) {
  s = strip_emphasis(s);
  while (!s.empty() && (s[0] == '"' || s[0] == '\'' || s[0] == '[' || s[0] == '(')) s.remove_prefix(1);
  if (s.empty()) return false;
  if (is_upper(s[0]) || is_digit(s[0])) return true;
  if (static_cast<unsigned char>(s[0]) >= 0x80) {
    size_t i = 0;
    char32_t cp = next_code_point(s, i);
    if (cp == 0x201C || cp == 0x2018) return starts_upper_or_digit(s.substr(i));
    return utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_LU;
  }
  return false;
}

// Words that make a line a sentence rather than a heading.
bool has_finite_verb(std::string_view s) {
  static const std::set<std::string, std::less<>> kVerbs = {
      "is", "are", "was", "were", "shall", "may", "will", "must", "has", "have", "can",
      "should", "would", "could", "does", "means"};
  size_t i = 0;
  while (i < s.size()) {
    size_t e = s.find(' ', i);
    if (e == std::string_view::npos) e = s.size();
    std::string w(s.substr(i, e - i));
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!w.empty() && !std::isalpha(static_cast<unsigned char>(w.back()))) w.pop_back();
    if (kVerbs.count(w)) return true;
    i = e + 1;
  }
  return false;
}

// A whole line that reads as a heading: short, starts with a capital, no sentence inside.
bool heading_like(std::string_view s, size_t max_words = 14) {
  s = strip_emphasis(s);
  if (s.empty() || s.size() > 140) return false;
  size_t w = word_count(s);
  if (w == 0 || w > max_words) return false;
  if (has_finite_verb(s) && !all_caps(s)) return false;
  if (!starts_upper_or_digit(s)) return false;
  if (!ends_like_heading(s)) return false;
  // A sentence boundary inside means a run-in heading or prose, not a heading line.
  std::string_view body = s;
  while (!body.empty() && (body.back() == '.' || body.back() == ':')) body.remove_suffix(1);
  for (size_t p = body.find(". "); p != std::string_view::npos; p = body.find(". ", p + 1)) {
    if (p >= 1 && is_upper(body[p - 1]) && (p < 2 || !is_alpha(body[p - 2]))) continue;  // "U.S. "
    return false;
  }
  return true;
}

bool is_abbreviation(std::string_view word) {
  static const std::set<std::string, std::less<>> kAbbr = {
      "no", "nos", "sec", "secs", "st", "mr", "mrs", "ms", "dr", "inc", "co", "corp", "vs", "v",
      "c", "ch", "gen", "stat", "u.s", "e.g", "i.e", "etc", "art", "par", "para", "p", "pp", "seq",
      // law reports and codes: "Lunn v. Commonwealth, 477 Mass. 517", "8 U.S.C. § 1373"
      "mass", "app", "supp", "ct", "cir", "u.s.c", "c.f.r", "fed", "reg", "regs", "ann"};
  std::string l(word);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l.size() == 1) return true;  // an initial: "U." in "U.S."
  return kAbbr.count(l) > 0;
}

// "Access to facilities. Except in response ..." -> heading "Access to facilities".
bool split_run_in(std::string_view rest, std::string& heading, std::string& body) {
  rest = trim(rest);
  if (!starts_upper_or_digit(rest)) return false;
  size_t limit = std::min<size_t>(rest.size(), 160);
  for (size_t p = 0; p < limit; ++p) {
    if (rest[p] != '.' && rest[p] != ':') continue;
    size_t q = p + 1;
    while (q < rest.size() && rest[q] == '*') ++q;
    if (q < rest.size() && rest[q] != ' ') continue;
    std::string_view pre = strip_emphasis(rest.substr(0, p));
    size_t sp = pre.rfind(' ');
    std::string_view last = sp == std::string_view::npos ? pre : pre.substr(sp + 1);
    if (rest[p] == '.' && is_abbreviation(last)) continue;
    size_t words = word_count(pre);
    if (words == 0 || words > 10 || !ends_like_heading(pre)) return false;
    // "Consistent with Lunn v. Commonwealth, 477 Mass." -- a comma before a number is a
    // citation inside a sentence, never a heading.
    for (size_t c = pre.find(", "); c != std::string_view::npos; c = pre.find(", ", c + 1)) {
      if (c + 2 < pre.size() && std::isdigit(static_cast<unsigned char>(pre[c + 2]))) return false;
    }
    if (rest[p] == ':' && words > 6) return false;
    std::string_view after = trim(rest.substr(std::min(q, rest.size())));
    after = strip_emphasis(after);
    if (after.empty()) return false;  // a heading line, handled by heading_like
    heading = clean_heading(pre);
    body = std::string(after);
    return !heading.empty();
  }
  return false;
}

// A run-in heading with no marker (lettering lost in conversion): stricter, since prose
// also starts with short sentences.
bool split_unmarked_run_in(std::string_view rest, std::string& heading, std::string& body) {
  if (!split_run_in(rest, heading, body)) return false;
  if (word_count(heading) > 8) return false;
  static const std::set<std::string, std::less<>> kVerbs = {
      "is", "are", "was", "were", "be", "been", "shall", "may", "will", "must", "has", "have",
      "had", "can", "should", "would", "could", "does", "do", "did", "not", "we", "you", "i"};
  static const std::set<std::string, std::less<>> kStarts = {
      "the", "this", "that", "these", "those", "it", "if", "in", "no", "any", "all", "each",
      "nothing", "under", "when", "for", "a", "an", "there", "such", "as", "see", "note"};
  size_t i = 0, k = 0;
  std::string_view h = heading;
  while (i < h.size()) {
    size_t e = h.find(' ', i);
    if (e == std::string_view::npos) e = h.size();
    std::string w(h.substr(i, e - i));
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (kVerbs.count(w) || (k == 0 && kStarts.count(w))) return false;
    i = e + 1;
    ++k;
  }
  return true;
}

// A marker, with chains ("b)c)", "2. 2.129.040", "(d)(e)") resolved to the last marker.
bool parse_marker_chain(std::string_view line, Marker& out, size_t& offset) {
  size_t i = skip_decoration(line);
  Marker m;
  if (!parse_one(line.substr(i), m)) return false;
  size_t total = i + m.consumed;
  // A chain is markers glued together or separated by a space (conversion debris).
  for (int k = 0; k < 4; ++k) {
    size_t j = total;
    while (j < line.size() && line[j] == ' ') ++j;
    Marker next;
    if (!parse_one(line.substr(j), next)) break;
    // Only markers of one family chain, so "1. (a) ..." nesting on one line stays intact.
    bool same_family = (next.kind == m.kind) || (m.kind.rfind("num", 0) == 0 && (next.kind.rfind("dot", 0) == 0 || next.kind.rfind("dash", 0) == 0));
    if (!same_family && !(m.kind.find("lower") != std::string::npos && next.kind.find("lower") != std::string::npos)) break;
    m = next;
    total = j + next.consumed;
  }
  out = m;
  offset = total;
  return true;
}

}  // namespace

bool parse_marker(std::string_view line, Marker& out) {
  size_t off = 0;
  if (!parse_marker_chain(line, out, off)) return false;
  out.consumed = off;
  return true;
}

LineShape classify_line(std::string_view line) {
  LineShape shape;
  line = trim(line);
  if (line.empty()) return shape;
  Marker m;
  if (parse_marker(line, m)) {
    std::string_view rest = line.substr(m.consumed);
    bool lettered = m.kind.find("lower") != std::string::npos || m.kind.find("(") == 0;
    if (m.kind == "sec" || m.kind == "article" || m.kind == "chapter") {
      if (rest.empty() || starts_upper_or_digit(rest)) shape.opens_block = true;
    } else {
      shape.opens_block = true;
    }
    if (shape.opens_block && (rest.empty() ? !lettered : heading_like(rest, lettered ? 8 : 14)))
      shape.heading = true;
    return shape;
  }
  std::string_view s = line.substr(skip_decoration(line));
  {
    std::string h, b;
    shape.run_in = split_unmarked_run_in(s, h, b);
  }
  if (line[0] == '#') {
    shape.opens_block = shape.heading = true;
    return shape;
  }
  if (all_caps(s) && heading_like(s, 12)) shape.opens_block = shape.heading = true;
  return shape;
}

namespace {

struct Classified {
  bool is_heading = false;
  bool has_marker = false;
  Marker marker;
  std::string heading;       // clean heading text
  std::string heading_line;  // the heading as displayed (marker + heading)
  std::string body;          // the rest of the block after a run-in heading
};

Classified classify_block(const Block& b) {
  Classified c;
  std::string_view text = trim(b.text);
  bool format_heading = b.kind == BlockKind::kHeading || b.heading_level > 0;
  size_t off = 0;
  if (parse_marker_chain(text, c.marker, off)) {
    std::string_view rest = trim(text.substr(off));
    const std::string& k = c.marker.kind;
    bool sec_word = k == "sec" || k == "article" || k == "chapter";
    if (sec_word && !rest.empty() && !starts_upper_or_digit(rest)) return c;  // "Section 5 of ..."
    c.has_marker = true;
    bool lettered = k.find("lower") != std::string::npos || k.rfind("(", 0) == 0 ||
                    k.rfind("UPPER", 0) == 0 || k.rfind("roman", 0) == 0;
    std::string h, body;
    if (format_heading && word_count(rest) <= 20) {
      c.is_heading = true;
      c.heading = clean_heading(rest);
    } else if (rest.empty()) {
      c.is_heading = !lettered;  // a lone letter is conversion debris; the caller merges it
    } else if (heading_like(rest, lettered ? 8 : 14) && !(lettered && rest.back() == ')')) {
      c.is_heading = true;
      c.heading = clean_heading(rest);
    } else if (split_run_in(rest, h, body)) {
      c.is_heading = true;
      c.heading = h;
      c.body = body;
    } else if (!lettered && k != "num." && k != "num)" && starts_upper_or_digit(rest)) {
      c.is_heading = true;  // "Sec. 7. The Town shall ..." : numbered, no heading
      c.body = std::string(rest);
    }
    if (c.is_heading) {
      size_t keep = c.body.empty() ? text.size() : text.size() - rest.size() + (rest.size() - c.body.size());
      c.heading_line = std::string(trim(text.substr(0, std::min(keep, text.size()))));
      if (!c.body.empty()) {
        // The heading line is everything before the body.
        size_t pos = text.rfind(c.body);
        if (pos != std::string_view::npos) c.heading_line = std::string(trim(text.substr(0, pos)));
      }
    }
    return c;
  }
  std::string_view s = strip_emphasis(text.substr(skip_decoration(text)));
  if ((format_heading && word_count(s) <= 20 && !s.empty()) ||
      ((all_caps(s) || (b.bold && b.kind != BlockKind::kTableRow)) && heading_like(s, 12))) {
    c.is_heading = true;
    c.heading = clean_heading(s);
    c.heading_line = std::string(text);
  }
  return c;
}

bool is_roman_letter(const std::string& n) { return n == "i" || n == "v" || n == "x" || n == "I" || n == "V" || n == "X"; }

}  // namespace

Document segment(Parsed&& parsed, FileType type) {
  Document doc;
  doc.type = type;
  doc.pages = parsed.pages;
  doc.ocr_pages = std::move(parsed.ocr_pages);
  doc.struck = std::move(parsed.struck);
  doc.warnings = std::move(parsed.warnings);
  doc.title = normalize_inline(parsed.title);
  doc.meta_title = doc.title;

  std::vector<Block>& blocks = parsed.blocks;
  // Drop empty blocks; merge a marker alone on a line into the block after it ("a)" then
  // "b)c) Role of ..." -> "a) b)c) Role of ...", resolved by the chain rule).
  std::vector<Block> merged;
  merged.reserve(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    Block& b = blocks[i];
    std::string_view t = trim(b.text);
    if (t.empty()) continue;
    Marker m;
    if (parse_marker(t, m) && m.consumed >= t.size() && i + 1 < blocks.size() &&
        (m.kind.find("lower") != std::string::npos || m.kind.rfind("(", 0) == 0)) {
      blocks[i + 1].text = std::string(t) + " " + blocks[i + 1].text;
      if (blocks[i + 1].page == 0 || (b.page && b.page < blocks[i + 1].page)) blocks[i + 1].page = b.page;
      continue;
    }
    merged.push_back(std::move(b));
  }

  // The title: a format-declared title, or a first short unnumbered block.
  size_t first = 0;
  if (!merged.empty()) {
    const Block& b = merged[0];
    Marker m;
    std::string_view t = trim(b.text);
    bool numbered = parse_marker(t, m);
    bool title_kind = b.kind == BlockKind::kTitle;
    bool looks = !numbered && word_count(t) >= 2 && word_count(t) <= 24 && t.back() != '.' &&
                 t.back() != ',' && t.back() != ';' &&
                 (b.heading_level == 1 || type == FileType::kText || type == FileType::kPdf ||
                  b.kind == BlockKind::kHeading);
    if (title_kind || looks) {
      doc.title = std::string(t);
      first = 1;
    }
  }

  std::string& text = doc.text;
  if (!doc.title.empty()) {
    text += doc.title;
    text += "\n\n";
  }

  // Level bookkeeping: the stack of numbering styles seen above the current section.
  struct Level { std::string kind; std::string number; };
  std::vector<Level> stack;
  std::map<std::string, int> key_count;
  std::string last_upper, last_lower;
  int run_in_level = 0;  // the level of the run-in-headed items we are among, 0 when none

  auto open_section = [&](Section s, int page) {
    s.page = page;
    s.page_end = page;
    s.start = text.size();
    doc.sections.push_back(std::move(s));
  };
  auto finish_section = [&] {
    if (doc.sections.empty()) return;
    Section& s = doc.sections.back();
    while (!s.text.empty() && s.text.back() == '\n') s.text.pop_back();
    s.end = text.size();
    while (s.end > s.start && text[s.end - 1] == '\n') --s.end;
  };
  auto add_body = [&](std::string_view para, int page) {
    if (doc.sections.empty()) {
      Section pre;
      pre.key = "preamble";
      open_section(std::move(pre), page);
    }
    Section& s = doc.sections.back();
    if (!s.text.empty()) s.text += "\n\n";
    s.text += para;
    text += para;
    text += "\n\n";
    if (page > s.page_end) s.page_end = page;
    if (s.page == 0) s.page = page;
  };

  for (size_t i = first; i < merged.size(); ++i) {
    const Block& b = merged[i];
    Classified c = classify_block(b);
    if (!c.is_heading && run_in_level > 0) {
      std::string h, body;
      if (split_unmarked_run_in(trim(b.text), h, body)) {
        c.is_heading = true;
        c.heading = h;
        c.body = body;
        size_t pos = b.text.rfind(body);
        c.heading_line = std::string(trim(std::string_view(b.text).substr(0, pos)));
        finish_section();
        Section s;
        s.heading = h;
        s.level = run_in_level;
        s.key = (stack.size() > 1 ? stack[stack.size() - 2].number + "." : std::string()) + "s" + std::to_string(doc.sections.size() + 1);
        open_section(std::move(s), b.page);
        text += c.heading_line;
        text += "\n\n";
        add_body(c.body, b.page);
        continue;
      }
    }
    if (!c.is_heading) {
      add_body(trim(b.text), b.page);
      continue;
    }
    finish_section();
    Section s;
    s.heading = c.heading;
    int level = 1;
    if (c.has_marker) {
      std::string kind = c.marker.kind;
      const std::string& num = c.marker.number;
      // I, V, X: roman numerals unless they continue a letter sequence (H -> I).
      if (kind.rfind("UPPER", 0) == 0 && is_roman_letter(num) &&
          !(last_upper.size() == 1 && last_upper[0] + 1 == num[0]))
        kind = "ROMAN" + kind.substr(5);
      if (kind.rfind("lower", 0) == 0) last_lower = num;
      if (kind.rfind("UPPER", 0) == 0) last_upper = num;
      s.number = num;
      auto it = std::find_if(stack.begin(), stack.end(), [&](const Level& l) { return l.kind == kind; });
      if (it != stack.end()) {
        stack.erase(it, stack.end());
      }
      stack.push_back({kind, num});
      level = static_cast<int>(stack.size());
      std::string key;
      for (const Level& l : stack) {
        if (!key.empty()) key += '.';
        key += l.number;
      }
      s.key = key;
    } else {
      // An unnumbered heading starts a new top-level part; a format-stated level below 2
      // (h3 under h2) nests.
      stack.clear();
      level = 1;
      s.key = "s" + std::to_string(doc.sections.size() + 1);
    }
    s.level = level;
    if (key_count[s.key]++ > 0) s.key += "~" + std::to_string(key_count[s.key]);
    // Run-in headings continue among marked items below or beside the run-in-headed ones; a
    // heading above them ("Sec 50-104" after its section's lettered items) ends them.
    run_in_level = (!c.body.empty() && c.has_marker)
                       ? level
                       : (c.has_marker && level > 1 && level >= run_in_level ? run_in_level : 0);
    open_section(std::move(s), b.page);
    text += c.heading_line.empty() ? c.heading : c.heading_line;
    text += "\n\n";
    if (!c.body.empty()) add_body(c.body, b.page);
  }
  finish_section();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  for (Section& s : doc.sections) s.end = std::min(s.end, text.size());
  return doc;
}

}  // namespace policyindex::extract::detail
