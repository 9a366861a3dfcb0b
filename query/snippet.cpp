// Search snippets without MSet::snippet's per-character Unicode lookups: the same algorithm
// as Xapian 1.4.22 (see snippet.h), with ASCII classified from tables, checked against
// MSet::snippet itself by tests/query/search_output_test.cpp.
#include "query/snippet.h"

#include "common/utf8.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <map>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace policyindex::query::detail {
namespace {

constexpr size_t kLength = 300;  // bytes of text in a snippet
constexpr size_t kMaxWordLength = 64;
constexpr double kDecay = 2.0;
constexpr std::string_view kHiStart = "<b>", kHiEnd = "</b>", kOmit = "…";

// What the word splitter needs to know of an ASCII character, asked of Xapian's own
// Unicode tables once, so that the classification is Xapian's by construction.
struct Ascii {
  std::array<bool, 128> word{}, space{}, digit{}, upper{};
  // Punctuation kept at the start of a snippet (before its first word: "(", "$", quotes)
  // and at its end (after its last word: ")", "%", quotes).
  std::array<bool, 128> leading{}, trailing{};
  std::array<char, 128> lower{};
  Ascii() {
    using U = Xapian::Unicode::category;
    for (unsigned c = 0; c < 128; ++c) {
      const U cat = Xapian::Unicode::get_category(c);
      const bool currency = Xapian::Unicode::is_currency(c);
      leading[c] = currency || cat == U::OPEN_PUNCTUATION || cat == U::INITIAL_QUOTE_PUNCTUATION ||
                   std::string_view("\"#%&'+-/<@\\`~").find(static_cast<char>(c)) != std::string_view::npos;
      trailing[c] = currency || cat == U::CLOSE_PUNCTUATION || cat == U::FINAL_QUOTE_PUNCTUATION ||
                    std::string_view("\"%'+-/>@\\`~").find(static_cast<char>(c)) != std::string_view::npos;
      word[c] = Xapian::Unicode::is_wordchar(c);
      space[c] = Xapian::Unicode::is_whitespace(c);
      digit[c] = Xapian::Unicode::get_category(c) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
      upper[c] = c >= 'A' && c <= 'Z';
      lower[c] = static_cast<char>(Xapian::Unicode::tolower(c));
    }
  }
};
// Built at start-up (Xapian's Unicode tables are constant data): no guard on every call.
const Ascii kAsciiTable;
inline const Ascii& ascii() { return kAsciiTable; }

// Code point classes: ASCII from the table, others from Xapian's Unicode functions.
bool is_word(unsigned cp) { return cp < 128 ? ascii().word[cp] : Xapian::Unicode::is_wordchar(cp); }
bool is_space(unsigned cp) { return cp < 128 ? ascii().space[cp] : Xapian::Unicode::is_whitespace(cp); }
bool is_digit(unsigned cp) {
  return cp < 128 ? ascii().digit[cp]
                  : Xapian::Unicode::get_category(cp) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}
unsigned to_lower(unsigned cp) {
  return cp < 128 ? static_cast<unsigned char>(ascii().lower[cp]) : Xapian::Unicode::tolower(cp);
}
bool is_leading(unsigned cp) {
  if (cp < 128) return ascii().leading[cp];
  const auto cat = Xapian::Unicode::get_category(cp);
  return Xapian::Unicode::is_currency(cp) || cat == Xapian::Unicode::OPEN_PUNCTUATION ||
         cat == Xapian::Unicode::INITIAL_QUOTE_PUNCTUATION || cp == 0xA1 || cp == 0xA7 || cp == 0xBF;
}
bool is_trailing(unsigned cp) {
  if (cp < 128) return ascii().trailing[cp];
  const auto cat = Xapian::Unicode::get_category(cp);
  return Xapian::Unicode::is_currency(cp) || cat == Xapian::Unicode::CLOSE_PUNCTUATION ||
         cat == Xapian::Unicode::FINAL_QUOTE_PUNCTUATION;
}
void append_cp(std::string& out, unsigned cp) {
  if (cp < 128) {
    out += static_cast<char>(cp);
  } else {
    Xapian::Unicode::append_utf8(out, cp);
  }
}

// Word-inner characters (the TermGenerator's infixes): between letters, and between digits.
constexpr unsigned kIgnore = ~0u;  // a zero-width character: skipped, the word goes on
unsigned infix(unsigned cp) {
  if (cp == '\'' || cp == '&' || cp == 0xB7 || cp == 0x5F4 || cp == 0x2027) return cp;
  if (cp == 0x2019 || cp == 0x201B) return '\'';
  if (cp >= 0x200B && (cp <= 0x200D || cp == 0x2060 || cp == 0xFEFF)) return kIgnore;
  return 0;
}
unsigned infix_digit(unsigned cp) {
  switch (cp) {
    case ',': case '.': case ';': case 0x037E: case 0x0589: case 0x060D: case 0x07F8:
    case 0x2044: case 0xFE10: case 0xFE13: case 0xFE14:
      return cp;
    default:
      break;
  }
  if (cp >= 0x200B && (cp <= 0x200D || cp == 0x2060 || cp == 0xFEFF)) return kIgnore;
  return 0;
}

// The code point at byte I of valid UTF-8 text; LEN gets its byte count.
unsigned decode(std::string_view s, size_t i, size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(s[i + k]) & 0x3F); };
  if (c < 0x80) {
    len = 1;
    return c;
  }
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    return ((c & 0x1Fu) << 6) | cont(1);
  }
  if ((c & 0xF0) == 0xE0) {
    len = 3;
    return ((c & 0x0Fu) << 12) | (cont(1) << 6) | cont(2);
  }
  len = 4;
  return ((c & 0x07u) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
}

// A word in the window: its relevance (shared by every occurrence of its term, halved at
// each one still in the window), where it ends, and how many words its highlight spans.
struct Sniplet {
  double* relevance;
  size_t term_end;
  size_t highlight;
};

// A queue over a vector (Xapian uses deques): the window's words, kept between hits.
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  Sniplet& operator[](size_t i) { return items_[head_ + i]; }
  Sniplet& front() { return items_[head_]; }
  Sniplet& back() { return items_.back(); }
  void push_back(const Sniplet& s) { items_.push_back(s); }
  void pop_front() {
    if (++head_ == items_.size()) clear();
  }
  void pop_back() {
    items_.pop_back();
    if (head_ == items_.size()) clear();
  }
  void clear() {
    items_.clear();
    head_ = 0;
  }
  void swap(Fifo& other) noexcept {
    items_.swap(other.items_);
    std::swap(head_, other.head_);
  }

 private:
  std::vector<Sniplet> items_;
  size_t head_ = 0;
};

// The sliding window (SnipPipe in Xapian): keeps the best-scoring window seen so far.
class Window {
 public:
  void reset() {
    pipe_.clear();
    best_pipe_.clear();
    begin_ = best_begin_ = best_end_ = 0;
    sum_ = best_sum_ = 0;
    phrase_len_ = 0;
  }

  void pump(double* r, size_t t, size_t h) {
    if (h > 1) {
      if (pipe_.size() >= h - 1) {
        // A phrase's last word is entering: its relevance is pegged onto its first word.
        auto& start = pipe_[pipe_.size() - (h - 1)];
        if (start.relevance) {
          *start.relevance *= kDecay;
          sum_ -= *start.relevance;
        }
        sum_ += *r;
        start.relevance = r;
        start.highlight = h;
        *r /= kDecay;
      }
      r = nullptr;
      h = 0;
    }
    pipe_.push_back({r, t, h});
    if (r) {
      sum_ += *r;
      *r /= kDecay;
    }
    while (t - begin_ > kLength + 1) {  // + 1 for the space between words
      const Sniplet& word = pipe_.front();
      if (word.relevance) {
        *word.relevance *= kDecay;
        sum_ -= *word.relevance;
      }
      begin_ = word.term_end;
      if (best_end_ >= begin_) best_pipe_.push_back(word);
      pipe_.pop_front();
      if (pipe_.empty()) break;
    }
    if (sum_ >= best_sum_) {
      if (begin_ >= best_end_) {
        best_pipe_.clear();
      } else {
        while (!best_pipe_.empty() && best_pipe_.front().term_end <= begin_) best_pipe_.pop_front();
      }
      best_sum_ = sum_;
      best_begin_ = begin_;
      best_end_ = t;
    }
  }

  void done() {
    if (begin_ >= best_end_) {
      pipe_.clear();
    } else {
      while (!pipe_.empty() && pipe_.back().term_end > best_end_) pipe_.pop_back();
    }
  }

  static void append_escaped(std::string_view input, size_t from, size_t to, std::string& output) {
    size_t run = from;  // start of the bytes not yet copied
    for (size_t i = from; i < to; ++i) {
      const char ch = input[i];
      if (ch != '&' && ch != '<' && ch != '>') continue;
      output.append(input.data() + run, i - run);
      run = i + 1;
      output += ch == '&' ? std::string_view("&amp;") : ch == '<' ? std::string_view("&lt;") : std::string_view("&gt;");
    }
    output.append(input.data() + run, to - run);
  }

  bool drain(std::string_view input, std::string& output) {
    size_t len = 0;
    if (best_pipe_.empty() && !pipe_.empty()) best_pipe_.swap(pipe_);
    if (best_pipe_.empty()) {
      if (input.size() == best_end_) return false;
      // The end of a sentence: its punctuation; else closing punctuation (at most four
      // characters), then "…" unless the text ends there.
      bool sentence_end = false;
      size_t i = best_end_;
      for (; i < input.size(); i += len) {
        const unsigned ch = decode(input, i, len);
        if (sentence_end && is_space(ch)) break;
        sentence_end = ch == '.' || ch == '?' || ch == '!';
        if (is_word(ch)) break;
      }
      if (sentence_end) {
        append_escaped(input, best_end_, i, output);
        return false;
      }
      i = best_end_;
      int trailing = 0;
      while (i < input.size() && is_trailing(decode(input, i, len))) {
        if (++trailing > 4) {
          trailing = 0;
          break;
        }
        i += len;
      }
      if (trailing) {
        append_escaped(input, best_end_, i, output);
        if (i == input.size()) return false;
      }
      output += kOmit;
      return false;
    }
    const Sniplet& word = best_pipe_.front();
    if (output.empty()) {
      enum { kNo, kPunc, kYes } boundary = best_begin_ == 0 ? kYes : kNo;
      for (size_t i = best_begin_; i < word.term_end; i += len) {
        const unsigned ch = decode(input, i, len);
        switch (boundary) {
          case kNo:
            if (ch == '.' || ch == '?' || ch == '!') boundary = kPunc;
            break;
          case kPunc:
            if (is_space(ch)) {
              boundary = kYes;
            } else if (ch != '.' && ch != '?' && ch != '!') {
              boundary = kNo;
            }
            break;
          case kYes:
            break;
        }
        if (is_word(ch)) {
          // The snippet starts at its first word, with up to four bytes of opening
          // punctuation before it.
          if (i - best_begin_ > 4) best_begin_ = i;
          break;
        }
        if (!is_leading(ch)) best_begin_ = i + len;
      }
      if (boundary != kYes) output += kOmit;
    }
    if (word.highlight) {
      // Characters between words stay outside the highlight.
      for (size_t i = best_begin_; i < input.size(); i += len) {
        if (is_word(decode(input, i, len))) {
          append_escaped(input, best_begin_, i, output);
          best_begin_ = i;
          break;
        }
      }
    }
    if (!phrase_len_) {
      phrase_len_ = word.highlight;
      if (phrase_len_) output += kHiStart;
    }
    append_escaped(input, best_begin_, word.term_end, output);
    best_begin_ = word.term_end;
    if (phrase_len_ && --phrase_len_ == 0) output += kHiEnd;
    best_pipe_.pop_front();
    return true;
  }

 private:
  Fifo pipe_, best_pipe_;
  size_t begin_ = 0, best_begin_ = 0, best_end_ = 0;
  double sum_ = 0, best_sum_ = 0;
  size_t phrase_len_ = 0;
};

// Calls ACTION(term, end) for each word of TEXT (valid UTF-8) as Xapian's TermGenerator
// splits it without CJK n-grams (lower case; acronyms "U.S.C." as one word; infixes such as
// ' and & inside words, , . ; between digits; up to three trailing + or #), END being the
// byte after the word.
template <class Action>
void split_words(std::string_view text, std::string& term, Action action) {
  const Ascii& a = ascii();
  const size_t n = text.size();
  size_t i = 0, len = 0;
  auto upper_at = [&](size_t p) { return static_cast<unsigned char>(text[p]) < 128 && a.upper[static_cast<unsigned char>(text[p])]; };
  while (true) {
    unsigned raw = 0;
    while (true) {
      if (i == n) return;
      raw = decode(text, i, len);
      if (is_word(raw)) break;
      i += len;
    }
    term.clear();
    if (upper_at(i)) {
      size_t p = i;
      do {
        term += a.lower[static_cast<unsigned char>(text[p++])];
      } while (p != n && text[p] == '.' && ++p != n && upper_at(p));
      size_t plen = 0;
      if (term.size() > 1 && (p == n || !is_word(decode(text, p, plen)))) {
        i = p;
        action(term, i);
        continue;
      }
      term.clear();
    }
    unsigned ch = to_lower(raw);  // the current character (lower case), LEN bytes at I
    bool ended = false;
    while (true) {
      unsigned prev;
      do {
        append_cp(term, ch);
        prev = ch;
        i += len;
        // A run of ASCII word characters at once (most of the text).
        size_t j = i;
        while (j < n && static_cast<unsigned char>(text[j]) < 128 && a.word[static_cast<unsigned char>(text[j])]) ++j;
        if (j > i) {
          const size_t at = term.size();
          term.resize(at + (j - i));
          for (size_t k = i; k < j; ++k) term[at + (k - i)] = a.lower[static_cast<unsigned char>(text[k])];
          prev = static_cast<unsigned char>(term.back());
          i = j;
        }
        if (i == n) {
          ended = true;
          break;
        }
        raw = decode(text, i, len);
        ch = is_word(raw) ? to_lower(raw) : 0;
      } while (ch);
      if (ended) break;
      // RAW (LEN bytes at I) ends the run of word characters: an infix if a word character follows.
      const size_t next = i + len;
      if (next == n) break;
      size_t next_len = 0;
      const unsigned next_raw = decode(text, next, next_len);
      if (!is_word(next_raw)) break;
      const unsigned in = (is_digit(prev) && is_digit(next_raw)) ? infix_digit(raw) : infix(raw);
      if (!in) break;
      if (in != kIgnore) append_cp(term, in);
      ch = to_lower(next_raw);
      i = next;
      len = next_len;
    }
    if (!ended) {
      const size_t keep = term.size();
      unsigned count = 0;
      while (text[i] == '+' || text[i] == '#') {
        if (++count > 3) {
          term.resize(keep);
          break;
        }
        term += text[i];
        if (++i == n) {
          ended = true;
          break;
        }
      }
      if (!ended && is_word(decode(text, i, len))) term.resize(keep);
    }
    action(term, i);
  }
}

// Word -> int, for the words of one search's hits: open addressing over one arena of
// the words' bytes (std::unordered_map<std::string, int> hashed and compared each word of
// every hit through a node per entry; this is a third of the cost).
class WordTable {
 public:
  WordTable() { slots_.resize(64); }

  // A word as looked up: its first 16 bytes zero-padded (most words fit: compared as two
  // integers), its length and hash.
  struct Key {
    uint64_t head[2] = {0, 0};
    uint64_t hash = 0;
    std::string_view word;
    explicit Key(std::string_view w) : word(w) {
      std::memcpy(head, w.data(), std::min<size_t>(w.size(), sizeof head));
      uint64_t h = (head[0] ^ (head[1] * 0x9e3779b97f4a7c15ULL) ^ w.size()) * 0xff51afd7ed558ccdULL;
      for (size_t i = sizeof head; i < w.size(); ++i) h = (h ^ static_cast<unsigned char>(w[i])) * 0x100000001b3ULL;
      hash = h ^ (h >> 31);
    }
  };

  // The value of KEY's word, or null.
  const int* find(const Key& key) const {
    for (size_t i = key.hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& slot = slots_[i];
      if (slot.len == kEmpty) return nullptr;
      if (slot.hash == key.hash && slot.len == key.word.size() && slot.head[0] == key.head[0] &&
          slot.head[1] == key.head[1] &&
          (key.word.size() <= sizeof key.head ||
           std::memcmp(arena_.data() + slot.offset, key.word.data(), key.word.size()) == 0)) {
        return &slot.value;
      }
    }
  }

  void insert(const Key& key, int value) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    Slot slot;
    slot.head[0] = key.head[0];
    slot.head[1] = key.head[1];
    slot.hash = key.hash;
    slot.len = static_cast<uint32_t>(key.word.size());
    slot.value = value;
    if (key.word.size() > sizeof key.head) {
      slot.offset = static_cast<uint32_t>(arena_.size());
      arena_.append(key.word);
    }
    place(slot);
    ++count_;
  }

 private:
  static constexpr uint32_t kEmpty = ~0u;
  struct Slot {
    uint64_t head[2] = {0, 0};
    uint64_t hash = 0;
    uint32_t offset = 0;  // of the whole word in arena_, when longer than head
    uint32_t len = kEmpty;
    int value = 0;
  };

  void place(const Slot& s) {
    size_t i = s.hash & (slots_.size() - 1);
    while (slots_[i].len != kEmpty) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = s;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.len != kEmpty) place(s);
    }
  }

  std::vector<Slot> slots_;
  std::string arena_;
  size_t count_ = 0;
};

}  // namespace

struct Snipper::Impl {
  const Xapian::MSet& mset;
  const Xapian::Stem& stemmer;
  bool fast = true;
  double max_tw = 0;
  std::vector<std::vector<std::string>> phrases;  // tight phrases of terms, in query order
  size_t longest_phrase = 0;
  // The query's terms that have a termweight (others never match: Xapian drops them).
  std::vector<double> loose_weight;
  std::unordered_map<std::string, int> loose_index;
  // Word -> the loose term it matches as itself, else stemmed ("Z" + stem), else -1: what
  // Xapian looks up word by word, resolved once per word per search.
  WordTable resolved;
  // Per hit (reused): each loose term's relevance, 0 until its first occurrence.
  std::vector<double> relevance;
  std::vector<double> phrase_relevance;
  std::vector<std::string> recent;
  Window window;

  Impl(const Xapian::MSet& m, const Xapian::Stem& s) : mset(m), stemmer(s) {}

  // Xapian's check_query: terms, tight phrases of terms, wildcards (not here: MSet::snippet).
  void check(const Xapian::Query& q, std::vector<std::string>& terms, bool& match_all) {
    const size_t n = q.get_num_subqueries();
    const auto op = q.get_type();
    if (op == Xapian::Query::LEAF_TERM) {
      terms.push_back(*q.get_terms_begin());
      return;
    }
    if (op == Xapian::Query::LEAF_MATCH_ALL) match_all = true;
    if (op == Xapian::Query::OP_WILDCARD || op > Xapian::Query::LEAF_MATCH_NOTHING ||
        (op > Xapian::Query::OP_MAX && op < Xapian::Query::LEAF_TERM)) {
      fast = false;  // wildcards and operators this Xapian did not have when this was written
    }
    if (op == Xapian::Query::OP_PHRASE) {
      // The window is not in the public API; the description says it ("a PHRASE 2 b").
      const std::string d = q.get_description();
      const size_t at = d.find(" PHRASE ");
      bool tight = at != std::string::npos && std::atol(d.c_str() + at + 8) == static_cast<long>(n);
      for (size_t i = 0; tight && i < n; ++i) tight = q.get_subquery(i).get_type() == Xapian::Query::LEAF_TERM;
      if (tight) {
        std::vector<std::string> phrase;
        for (size_t i = 0; i < n; ++i) phrase.push_back(*q.get_subquery(i).get_terms_begin());
        longest_phrase = std::max(longest_phrase, n);
        phrases.push_back(std::move(phrase));
        return;
      }
    }
    for (size_t i = 0; i < n; ++i) check(q.get_subquery(i), terms, match_all);
  }

  void prepare(const Xapian::Query& query) {
    // CJK n-grams (Xapian's XAPIAN_CJK_NGRAM) split text another way: MSet::snippet.
    if (const char* cjk = std::getenv("XAPIAN_CJK_NGRAM"); cjk != nullptr && *cjk != '\0') fast = false;
    std::vector<std::string> terms;
    bool match_all = false;
    check(query, terms, match_all);
    if (longest_phrase == 1) fast = false;
    // The smallest and largest termweight of the query's terms (Weight::Internal's
    // get_max_termweight over the search's statistics).
    std::map<std::string, double> weights;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
      try {
        weights.emplace(*t, mset.get_termweight(*t));
      } catch (const Xapian::Error&) {  // not in the statistics: as Xapian, no weight
      }
    }
    double min_tw = 0;
    bool first = true;
    for (const auto& [term, w] : weights) {
      if (first) {
        if (w == 0.0) continue;
        min_tw = max_tw = w;
        first = false;
      } else if (w > max_tw) {
        max_tw = w;
      } else if (w < min_tw && w != 0.0) {
        min_tw = w;
      }
    }
    max_tw = max_tw == 0.0 ? 1.0 : max_tw * 1.015625;
    for (const auto& t : terms) {
      auto w = weights.find(t);
      if (w != weights.end() && loose_index.emplace(t, static_cast<int>(loose_weight.size())).second) {
        loose_weight.push_back(w->second);
      }
      // A match-all's weight is not in the public statistics: with terms a word could
      // match (lower case or stemmed), leave the snippet to Xapian.
      if (match_all && !t.empty() && (t[0] == 'Z' || !(t[0] >= 'A' && t[0] <= 'Z'))) fast = false;
    }
  }

  int resolve(const std::string& word) {
    const WordTable::Key key(word);
    if (const int* known = resolved.find(key)) return *known;
    int index = -1;
    if (auto l = loose_index.find(word); l != loose_index.end()) {
      index = l->second;
    } else {
      // (Appended, not "Z" + ...: GCC 12 warns falsely on the latter, PR 105329.)
      std::string stem(1, 'Z');
      stem.append(stemmer(word));
      if (auto ls = loose_index.find(stem); ls != loose_index.end()) index = ls->second;
    }
    resolved.insert(key, index);
    return index;
  }

  std::string snippet(const std::string& text) {
    window.reset();
    // Per hit, as in Xapian: the relevances start afresh (0 = not computed yet).
    relevance.assign(loose_weight.size(), 0.0);
    phrase_relevance.clear();
    for (const auto& p : phrases) phrase_relevance.push_back(max_tw * static_cast<double>(p.size()));
    recent.assign(longest_phrase > 0 ? longest_phrase - 1 : 0, std::string());
    size_t recent_next = 0;
    std::string term;
    split_words(text, term, [&](const std::string& word, size_t end) {
      if (word.size() > kMaxWordLength) return;
      double* r = nullptr;
      size_t highlight = 0;
      for (size_t i = 0; i < phrases.size(); ++i) {
        const auto& p = phrases[i];
        if (word != p.back()) continue;
        bool match = true;
        for (size_t k = p.size() - 1; k-- > 0;) {
          if (p[k] != recent[(k + recent_next) % (longest_phrase - 1)]) {
            match = false;
            break;
          }
        }
        if (match) {
          r = &phrase_relevance[i];
          highlight = p.size();
          break;
        }
      }
      if (!r && !loose_weight.empty()) {
        if (const int index = resolve(word); index >= 0) {
          double& rel = relevance[static_cast<size_t>(index)];
          if (rel == 0.0) rel = loose_weight[static_cast<size_t>(index)] + max_tw;
          r = &rel;
          highlight = 1;
        }
      }
      if (longest_phrase) {
        recent[recent_next] = word;
        recent_next = (recent_next + 1) % (longest_phrase - 1);
      }
      window.pump(r, end, highlight);
    });
    window.done();
    std::string out;
    while (window.drain(text, out)) {
    }
    return out;
  }
};

Snipper::Snipper(const Xapian::MSet& mset, const Xapian::Query& query, const Xapian::Stem& stemmer)
    : impl_(std::make_unique<Impl>(mset, stemmer)) {
  impl_->prepare(query);
}
Snipper::~Snipper() = default;

bool Snipper::fast() const { return impl_->fast; }

std::string Snipper::reference(const std::string& text) const {
  return impl_->mset.snippet(text, kLength, impl_->stemmer, Xapian::MSet::SNIPPET_EXHAUSTIVE,
                             std::string(kHiStart), std::string(kHiEnd), std::string(kOmit));
}

std::string Snipper::operator()(const std::string& text) {
  // decode() reads strict UTF-8 as Xapian's Utf8Iterator does; other text goes to MSet::snippet.
  if (!impl_->fast || !valid_utf8(text)) return reference(text);
  return impl_->snippet(text);
}

}  // namespace policyindex::query::detail
