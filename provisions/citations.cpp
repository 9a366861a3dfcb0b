// Legal citations, normalized to stable ids whatever the spelling:
//   8 U.S.C. § 1373 / 8 USC 1373 / section 1373 of title 8      -> 8usc1373
//   8 U.S.C. § 1357(g) / 1357(g) / 287(g) / INA § 287(g)         -> 8usc1357g
//   8 C.F.R. § 287.7 / Section 287.7 of Title 8 of the Code of Federal Regulations -> 8cfr287.7
//   G.L. c. 66, § 10 / M.G.L. c. 66 s. 10 / Mass. Gen. Laws ch. 66, § 10
//   / section 10 of chapter 66 of the General Laws               -> mgl-c66-s10
//   M.G.L. c. 258F / chapter 258F of the General Laws             -> mgl-c258f
//   Lunn v. Commonwealth, 477 Mass. 517 (2017)                    -> lunn
//   Victims of Trafficking and Violence Prevention Act / TVPA    -> tvpa
//   Violence Against Women Act / VAWA                             -> vawa
// The scanner works on the tokenizer's words, so punctuation and spacing do not matter.

#include <algorithm>
#include <set>

#include "provisions/internal.h"

namespace policyindex::provisions {

namespace {

const std::string kSection = "\xC2\xA7";

bool is_number(const std::string& w) {
  return !w.empty() && w[0] >= '0' && w[0] <= '9' &&
         std::all_of(w.begin(), w.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// "258f", "66", "4": digits with an optional letter suffix.
bool is_chapter(const std::string& w) {
  if (w.empty() || w[0] < '0' || w[0] > '9') return false;
  size_t i = 0;
  while (i < w.size() && w[i] >= '0' && w[i] <= '9') ++i;
  return w.size() - i <= 1 && (i == w.size() || (w[i] >= 'a' && w[i] <= 'z'));
}

class Scanner {
 public:
  Scanner(std::string_view text, const std::vector<Token>& t) : text_(text), t_(t) {}

  std::vector<std::string> run() {
    for (size_t i = 0; i < t_.size(); ++i) scan(i);
    return {ids_.begin(), ids_.end()};
  }

 private:
  const std::string& w(size_t i) const {
    static const std::string empty;
    return i < t_.size() ? t_[i].norm : empty;
  }
  bool seq(size_t i, std::initializer_list<const char*> words) const {
    size_t k = 0;
    for (const char* x : words) {
      if (w(i + k) != x) return false;
      ++k;
    }
    return true;
  }
  // True when the text between tokens i-1 and i is exactly "(" (a subsection: "1357(g)").
  bool paren_before(size_t i) const {
    if (i == 0 || i >= t_.size()) return false;
    std::string_view gap = text_.substr(t_[i - 1].end, t_[i].start - t_[i - 1].end);
    return gap == "(" || gap == " (";
  }
  // Section markers: "§", "§§", "section", "sec", "s", "ss".
  size_t skip_section_marker(size_t i) const {
    while (w(i) == kSection) ++i;
    if (w(i) == "section" || w(i) == "sections" || w(i) == "sec" || w(i) == "secs" || w(i) == "s" ||
        w(i) == "ss") {
      ++i;
      while (w(i) == kSection) ++i;
    }
    return i;
  }
  // Length of a U.S. Code marker at i ("u s c", "usc", "u s code", "united states code"), or 0.
  size_t usc_marker(size_t i) const {
    if (seq(i, {"u", "s", "c", "a"})) return 4;
    if (seq(i, {"u", "s", "c"})) return 3;
    if (w(i) == "usc" || w(i) == "usca") return 1;
    if (seq(i, {"u", "s", "code"})) return 3;
    if (seq(i, {"united", "states", "code"})) return 3;
    return 0;
  }
  size_t cfr_marker(size_t i) const {
    if (seq(i, {"c", "f", "r"})) return 3;
    if (w(i) == "cfr") return 1;
    if (seq(i, {"code", "of", "federal", "regulations"})) return 4;
    return 0;
  }
  size_t mgl_marker(size_t i) const {
    if (seq(i, {"m", "g", "l", "a"})) return 4;
    if (seq(i, {"m", "g", "l"})) return 3;
    if (seq(i, {"g", "l"})) return 2;
    if (w(i) == "mgl" || w(i) == "gl" || w(i) == "mgla") return 1;
    if (seq(i, {"mass", "gen", "laws"})) return 3;
    if (seq(i, {"massachusetts", "general", "laws"})) return 3;
    if (seq(i, {"general", "laws"})) return 2;
    return 0;
  }
  bool chapter_word(size_t i) const { return w(i) == "c" || w(i) == "ch" || w(i) == "chapter" || w(i) == "chap"; }

  void add_usc(const std::string& title, const std::string& section, size_t after) {
    std::string id = title + "usc" + section;
    if (section == "1357" && w(after) == "g" && paren_before(after)) id += "g";
    ids_.insert(id);
  }

  // Whether a citation can start at a token: a number, or one of the words below (the
  // first word of every pattern scan() looks for). Most tokens are neither, and are skipped
  // without comparing them with every pattern.
  static bool can_start(const std::string& x) {
    if (x.empty()) return false;
    if (x[0] >= '0' && x[0] <= '9') return true;
    switch (x[0]) {
      case 'c': case 'g': case 'l': case 'm': case 's': case 't': case 'v': case '\xC2': break;
      default: return false;
    }
    static const std::set<std::string, std::less<>> kFirst = {
        "lunn", "section", "sec", kSection, "chapter", "m", "g", "mgl", "gl", "mgla", "mass",
        "massachusetts", "general", "victims", "trafficking", "tvpa", "violence", "vawa"};
    return kFirst.count(x) > 0;
  }

  void scan(size_t i) {
    const std::string& x = w(i);
    if (!can_start(x)) return;
    // Lunn v. Commonwealth; 477 Mass. 517.
    if (x == "lunn") ids_.insert("lunn");
    if (seq(i, {"477", "mass", "517"})) ids_.insert("lunn");
    // 287(g) of the INA, 1357(g) without a title.
    if ((x == "287" || x == "1357") && w(i + 1) == "g" && paren_before(i + 1)) ids_.insert("8usc1357g");
    if (x == "287g" || x == "1357g") ids_.insert("8usc1357g");
    // TITLE U.S.C. § SECTION
    if (is_number(x) && x.find('.') == std::string::npos) {
      if (size_t m = usc_marker(i + 1)) {
        size_t j = skip_section_marker(i + 1 + m);
        if (is_chapter(w(j))) add_usc(x, w(j), j + 1);
      }
      if (size_t m = cfr_marker(i + 1)) {
        size_t j = skip_section_marker(i + 1 + m);
        if (w(j) == "part") ++j;
        if (is_number(w(j))) ids_.insert(x + "cfr" + w(j));
      }
    }
    // section N of title T [of the United States Code | of the Code of Federal Regulations]
    if ((x == "section" || x == "sec" || x == kSection) && is_number(w(i + 1)) && w(i + 2) == "of" &&
        w(i + 3) == "title" && is_number(w(i + 4))) {
      bool cfr = w(i + 1).find('.') != std::string::npos;
      for (size_t k = i + 5; k < i + 10 && k < t_.size(); ++k) {
        if (cfr_marker(k)) cfr = true;
      }
      if (cfr) ids_.insert(w(i + 4) + "cfr" + w(i + 1));
      else add_usc(w(i + 4), w(i + 1), i + 2);
    }
    // "section 1373" / "§ 1373" on its own is the immigration information-sharing statute.
    if ((x == "section" || x == kSection || x == "sec") && (w(i + 1) == "1373" || w(i + 1) == "1644")) {
      ids_.insert("8usc" + w(i + 1));
    }
    // G.L. c. N[, § M]
    if (size_t m = mgl_marker(i)) {
      if (i > 0 && mgl_marker(i - 1) > 1) return;  // "m g l" seen from "g l" again
      size_t j = i + m;
      if (chapter_word(j) && is_chapter(w(j + 1))) {
        std::string id = "mgl-c" + w(j + 1);
        size_t k = j + 2;
        size_t s = skip_section_marker(k);
        if (s > k && is_chapter(w(s))) id += "-s" + w(s);
        ids_.insert(id);
      }
    }
    // chapter N[, section M] of the [Massachusetts] General Laws; section M of chapter N of ...
    if ((x == "chapter" || x == "section") && is_chapter(w(i + 1))) {
      std::string chapter, section;
      size_t k = i;
      if (x == "section" && w(i + 2) == "of" && w(i + 3) == "chapter" && is_chapter(w(i + 4))) {
        section = w(i + 1);
        chapter = w(i + 4);
        k = i + 5;
      } else if (x == "chapter") {
        chapter = w(i + 1);
        k = i + 2;
        if (w(k) == "section" && is_chapter(w(k + 1))) {
          section = w(k + 1);
          k += 2;
        }
      }
      if (!chapter.empty()) {
        for (size_t e = k; e < k + 5 && e < t_.size(); ++e) {
          if (seq(e, {"general", "laws"})) {
            ids_.insert("mgl-c" + chapter + (section.empty() ? "" : "-s" + section));
            break;
          }
        }
      }
    }
    // Named acts.
    if (seq(i, {"victims", "of", "trafficking", "and", "violence", "prevention", "act"}) ||
        seq(i, {"trafficking", "victims", "protection", "act"}) || x == "tvpa") {
      ids_.insert("tvpa");
    }
    if (seq(i, {"violence", "against", "women", "act"}) || x == "vawa") ids_.insert("vawa");
  }

  std::string_view text_;
  const std::vector<Token>& t_;
  std::set<std::string> ids_;
};

}  // namespace

std::vector<std::string> citations_from_tokens(std::string_view text, const std::vector<Token>& tokens) {
  return Scanner(text, tokens).run();
}

std::vector<std::string> find_citations(std::string_view text) {
  auto struck = struck_ranges(text);
  auto tokens = tokenize(text, struck);
  return citations_from_tokens(text, tokens);
}

}  // namespace policyindex::provisions
