// Tokenizer and term matching shared by the tagger and the citation finder.

#include <algorithm>

#include "provisions/internal.h"

namespace policyindex::provisions {

namespace {

// Decodes the UTF-8 sequence at text[i]; returns the code point and its length (a stray
// byte decodes as itself, length 1).
std::pair<uint32_t, size_t> decode(std::string_view text, size_t i) {
  auto b = static_cast<unsigned char>(text[i]);
  if (b < 0x80) return {b, 1};
  size_t len = (b >= 0xF0) ? 4 : (b >= 0xE0) ? 3 : (b >= 0xC0) ? 2 : 1;
  if (len == 1 || i + len > text.size()) return {b, 1};
  uint32_t cp = b & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) return {b, 1};
    cp = (cp << 6) | (c & 0x3F);
  }
  return {cp, len};
}

bool is_apostrophe(uint32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC; }

// Letters and digits; non-ASCII code points count as letters except punctuation, symbols
// and spaces of the Latin-1 supplement and the U+2000..U+2BFF blocks.
bool is_word_cp(uint32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
  if (cp >= 0x80 && cp <= 0xBF) return false;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;
  if (cp >= 0x3000 && cp <= 0x303F) return false;
  if (cp == 0xFEFF || cp == 0xFFFD) return false;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

namespace {

// A line that is page furniture: "Page 3 of 10", "- 4 -", a bare page number, or a web page's
// chrome ("Skip to main content", "You are on page 1 of 2", "Download as PDF").
bool furniture_line(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t' || line.front() == '|')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r' || line.back() == '|' ||
                           line.back() == '.')) {
    line.remove_suffix(1);
  }
  if (line.empty() || line.size() > 80) return false;
  std::string l;
  for (char c : line) l.push_back(char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  auto digits_only = [](std::string_view v) {
    return !v.empty() && v.size() <= 4 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (digits_only(l)) return true;  // a bare page number
  std::string_view v = l;
  if (v.size() >= 5 && v.front() == '-' && v.back() == '-') {
    std::string_view mid = v.substr(1, v.size() - 2);
    while (!mid.empty() && mid.front() == ' ') mid.remove_prefix(1);
    while (!mid.empty() && mid.back() == ' ') mid.remove_suffix(1);
    if (digits_only(mid)) return true;  // "- 4 -"
  }
  if (v.rfind("page ", 0) == 0) {  // "Page 3", "Page 3 of 10", "page 1of 2"
    std::string_view rest = v.substr(5);
    size_t i = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    if (i == 0) return false;
    rest.remove_prefix(i);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.empty()) return true;
    if (rest.rfind("of", 0) != 0) return false;
    rest.remove_prefix(2);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return digits_only(rest);
  }
  static const char* const kChrome[] = {"skip to main content", "skip to content", "you are on page", "download as pdf",
                                        "print this page", "back to top", "return to top", "share this page",
                                        "exciting enhancements are coming soon", "latest version", "you might also like"};
  for (const char* c : kChrome) {
    if (v.rfind(c, 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::vector<std::pair<size_t, size_t>> furniture_ranges(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (furniture_line(text.substr(start, end - start))) out.emplace_back(start, end);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

std::vector<std::pair<size_t, size_t>> struck_ranges(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find("~~", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find("~~", open + 2);
    if (close == std::string_view::npos) break;
    out.emplace_back(open, close + 2);
    pos = close + 2;
  }
  return out;
}

std::vector<Token> tokenize(std::string_view text, const std::vector<std::pair<size_t, size_t>>& skip) {
  std::vector<Token> out;
  out.reserve(text.size() / 6 + 4);
  size_t skip_i = 0;
  Token cur;
  bool in_word = false;
  int lower_letters = 0, upper_letters = 0;
  auto flush = [&](size_t end) {
    if (in_word) {
      cur.end = end;
      cur.upper = upper_letters >= 2 && lower_letters == 0;
      lower_letters = upper_letters = 0;
      out.push_back(std::move(cur));
      cur = Token{};
      in_word = false;
    }
  };
  size_t i = 0;
  while (i < text.size()) {
    if (skip_i < skip.size() && i >= skip[skip_i].first) {
      if (i < skip[skip_i].second) {
        flush(i);
        i = skip[skip_i].second;
        ++skip_i;
        continue;
      }
      ++skip_i;
      continue;
    }
    auto [cp, len] = decode(text, i);
    if (is_word_cp(cp)) {
      if (!in_word) {
        in_word = true;
        cur.start = i;
      }
      if (cp < 0x80) {
        char c = static_cast<char>(cp);
        if (c >= 'A' && c <= 'Z') {
          c = static_cast<char>(c - 'A' + 'a');
          ++upper_letters;
        } else if (c >= 'a' && c <= 'z') {
          ++lower_letters;
        }
        cur.norm.push_back(c);
      } else {
        cur.norm.append(text.substr(i, len));
      }
    } else if (in_word && is_apostrophe(cp) && i + len < text.size() &&
               is_word_cp(decode(text, i + len).first)) {
      // "person's" -> "persons": the apostrophe is dropped, the word continues.
    } else if (in_word && cp == '.' && !cur.norm.empty() && is_digit(cur.norm.back()) &&
               i + 1 < text.size() && is_digit(text[i + 1])) {
      cur.norm.push_back('.');  // "287.7", "2.129.040"
    } else {
      flush(i);
      if (cp == 0xA7) {  // "§" is a word of its own
        Token t;
        t.norm = "\xC2\xA7";
        t.start = i;
        t.end = i + len;
        out.push_back(std::move(t));
      }
    }
    i += len;
  }
  flush(text.size());
  return out;
}

std::vector<std::string> term_words(std::string_view term) {
  // A '*' may end any word of a phrase: "request* for notification".
  std::vector<std::string> words;
  size_t i = 0;
  while (i < term.size()) {
    size_t j = term.find(' ', i);
    if (j == std::string_view::npos) j = term.size();
    std::string_view piece = term.substr(i, j - i);
    bool star = !piece.empty() && piece.back() == '*';
    if (star) piece.remove_suffix(1);
    auto toks = tokenize(piece);
    for (auto& t : toks) words.push_back(t.upper ? "^" + t.norm : std::move(t.norm));
    if (star && !toks.empty()) words.back().push_back('*');
    i = j + 1;
  }
  return words;
}

uint32_t Taxonomy::Impl::intern(std::string_view term_source, const std::vector<std::string>& words) {
  std::string key;
  for (const auto& w : words) {
    key += w;
    key.push_back(' ');
  }
  if (auto it = term_ids.find(key); it != term_ids.end()) return it->second;
  Term t;
  t.source = std::string(term_source);
  for (const auto& w : words) {
    TermWord tw;
    std::string x = w;
    tw.upper = !x.empty() && x[0] == '^';
    if (tw.upper) x.erase(0, 1);
    tw.prefix = !x.empty() && x.back() == '*';
    tw.text = tw.prefix ? x.substr(0, x.size() - 1) : x;
    t.words.push_back(std::move(tw));
  }
  terms.push_back(std::move(t));
  term_cues.push_back(0);
  auto id = static_cast<uint32_t>(terms.size() - 1);
  term_ids.emplace(std::move(key), id);
  return id;
}

void Taxonomy::Impl::index_terms() {
  by_first_word.clear();
  for (auto& b : by_first_prefix) b.clear();
  for (uint32_t i = 0; i < terms.size(); ++i) {
    const auto& first = terms[i].words.front();
    if (first.prefix) {
      by_first_prefix[static_cast<unsigned char>(first.text.empty() ? 0 : first.text[0])].push_back(i);
    } else {
      by_first_word[first.text].push_back(i);
    }
  }
  term_rule_groups.assign(terms.size(), {});
  for (size_t r = 0; r < rules.size(); ++r) {
    for (size_t g = 0; g < rules[r].groups.size(); ++g) {
      for (uint32_t id : rules[r].groups[g]) {
        term_rule_groups[id].emplace_back(static_cast<uint16_t>(r), static_cast<uint8_t>(g));
      }
    }
  }
}

namespace {

bool word_matches(const TermWord& w, const Token& tok) {
  if (w.upper && !tok.upper) return false;
  if (!w.prefix) return tok.norm == w.text;
  return tok.norm.size() >= w.text.size() && tok.norm.compare(0, w.text.size(), w.text) == 0;
}

void try_term(const Taxonomy::Impl& tax, uint32_t id, const std::vector<Token>& tokens, size_t i,
              size_t end, std::vector<Occurrence>& out) {
  const auto& words = tax.terms[id].words;
  if (i + words.size() > end) return;
  if (words[0].upper && !tokens[i].upper) return;
  for (size_t k = 1; k < words.size(); ++k) {
    if (!word_matches(words[k], tokens[i + k])) return;
  }
  out.push_back(Occurrence{id, static_cast<uint32_t>(i), static_cast<uint32_t>(i + words.size() - 1)});
}

}  // namespace

void find_terms(const Taxonomy::Impl& tax, const std::vector<Token>& tokens, size_t begin, size_t end,
                std::vector<Occurrence>& out) {
  for (size_t i = begin; i < end; ++i) {
    const std::string& tok = tokens[i].norm;
    if (auto it = tax.by_first_word.find(tok); it != tax.by_first_word.end()) {
      for (uint32_t id : it->second) try_term(tax, id, tokens, i, end, out);
    }
    if (!tok.empty()) {
      for (uint32_t id : tax.by_first_prefix[static_cast<unsigned char>(tok[0])]) {
        if (word_matches(tax.terms[id].words.front(), tokens[i])) try_term(tax, id, tokens, i, end, out);
      }
    }
  }
}

}  // namespace policyindex::provisions
