// The rule engine: sentences and clauses, exceptions, commentary and quotes, definitions,
// savings clauses, proximity matching of term groups, and stance from negation/modality.
// The rules themselves are data (taxonomy.toml); see the comment at the top of that file.

#include <algorithm>
#include <cstring>

#include "provisions/internal.h"

namespace policyindex::provisions {

namespace {

// What lies between two tokens (struck text excluded).
struct Gap {
  bool newline = false;
  bool blank_line = false;
  bool terminal = false;  // '.', '!' or '?' right after the previous token
  bool question = false;
  bool semicolon = false;
  bool comma = false;
  bool colon = false;
};

constexpr size_t kLongLine = 60;  // a line this long that ends without punctuation was wrapped

bool is_abbreviation(const std::string& w) {
  if (w.size() == 1 && w[0] >= 'a' && w[0] <= 'z') return true;  // initials, "c.", "v.", "a."
  static const char* const kAbbrev[] = {"no",   "nos",  "sec", "secs", "mass", "gen",  "st",  "inc", "dept",
                                        "vs",   "ch",   "mr",  "mrs",  "ms",   "dr",   "art", "para", "pp",
                                        "cf",   "approx", "corp", "co", "jr",  "sr",   "ann", "stat", "reg",
                                        "regs", "fed",  "supp", "rev", "amend", "prov", "par", "subd", "cl"};
  for (const char* a : kAbbrev) {
    if (w == a) return true;
  }
  return false;
}

bool is_function_word(const std::string& w) {
  static const char* const kWords[] = {"the",  "a",     "an",   "of",    "to",   "and",   "or",    "in",
                                       "for",  "with",  "by",   "on",    "at",   "from",  "as",    "that",
                                       "which", "any",  "its",  "their", "his",  "her",   "our",   "this",
                                       "these", "those", "such", "shall", "may",  "will",  "must",  "not",
                                       "no",   "be",    "is",   "are",   "was",  "were",  "has",   "have",
                                       "than", "into",  "upon", "under", "between", "without", "whether",
                                       "if",   "unless", "except", "including", "regarding", "who", "whom"};
  for (const char* x : kWords) {
    if (w == x) return true;
  }
  return false;
}

struct Span {
  uint32_t begin = 0;  // token range [begin, end)
  uint32_t end = 0;
};

struct Clause {
  Span span;
  uint32_t sentence = 0;
  uint32_t paragraph = 0;
  bool commentary = false;
  bool definition = false;
};

// Scratch buffers for one tag() call.
struct Work {
  std::vector<Occurrence> unit_occ;
  std::vector<std::vector<Occurrence>> buckets;  // rule * kMaxGroups + group
  std::vector<uint16_t> touched;
  std::vector<char> touched_mark;
};
constexpr size_t kMaxGroups = 6;

struct Match {
  uint32_t first = 0;
  uint32_t last = 0;
  std::vector<Occurrence> parts;
};

bool overlaps(const Occurrence& a, const Occurrence& b) { return a.first <= b.last && b.first <= a.last; }

int gap_of(const std::vector<Occurrence>& parts) {
  uint32_t lo = UINT32_MAX, hi = 0;
  int covered = 0;
  for (const auto& p : parts) {
    lo = std::min(lo, p.first);
    hi = std::max(hi, p.last);
    covered += int(p.last - p.first + 1);
  }
  return int(hi - lo + 1) - covered;
}

// Finds occurrences, one per group, non-overlapping, with at most WINDOW other words in
// between (in group order when ORDERED).
std::optional<Match> match_groups(const std::vector<const std::vector<Occurrence>*>& lists, int window,
                                  bool ordered) {
  const size_t k = lists.size();
  if (k == 1) {
    const auto& o = lists[0]->front();
    return Match{o.first, o.last, {o}};
  }
  if (ordered) {
    for (const auto& a : *lists[0]) {
      std::vector<Occurrence> parts{a};
      uint32_t pos = a.last;
      bool ok = true;
      for (size_t g = 1; g < k && ok; ++g) {
        ok = false;
        for (const auto& o : *lists[g]) {
          if (o.first > pos) {
            parts.push_back(o);
            pos = o.last;
            ok = true;
            break;
          }
        }
      }
      if (ok && gap_of(parts) <= window) return Match{parts.front().first, parts.back().last, parts};
    }
    return std::nullopt;
  }
  // Any order: anchor on each occurrence of the smallest group, take the nearest
  // non-overlapping occurrence of every other group.
  size_t anchor = 0;
  for (size_t g = 1; g < k; ++g) {
    if (lists[g]->size() < lists[anchor]->size()) anchor = g;
  }
  for (const auto& a : *lists[anchor]) {
    std::vector<Occurrence> parts{a};
    bool ok = true;
    for (size_t g = 0; g < k && ok; ++g) {
      if (g == anchor) continue;
      const Occurrence* best = nullptr;
      long best_d = LONG_MAX;
      for (const auto& o : *lists[g]) {
        bool clash = false;
        for (const auto& p : parts) clash = clash || overlaps(o, p);
        if (clash) continue;
        long d = std::labs(long(o.first) - long(a.first));
        if (d < best_d) {
          best_d = d;
          best = &o;
        }
      }
      if (!best) ok = false;
      else parts.push_back(*best);
    }
    if (ok && gap_of(parts) <= window) {
      uint32_t lo = UINT32_MAX, hi = 0;
      for (const auto& p : parts) {
        lo = std::min(lo, p.first);
        hi = std::max(hi, p.last);
      }
      return Match{lo, hi, parts};
    }
  }
  return std::nullopt;
}

class SectionTagger {
 public:
  SectionTagger(const Taxonomy::Impl& tax, const SectionInput& in) : tax_(tax), in_(in), text_(in.text) {}

  Tagged run() {
    Tagged out;
    struck_ = struck_ranges(text_);
    tokens_ = tokenize(text_, struck_);
    out.cites = citations_from_tokens(text_, tokens_);
    if (tokens_.empty()) return out;
    if (!heading_filter()) return out;
    find_terms(tax_, tokens_, 0, tokens_.size(), occ_);
    // Most sections of a town's documents and pages name no provision: when no rule has a
    // term of every group anywhere in the section, no clause or pair of clauses can match,
    // and the clause analysis below is skipped.
    if (!some_rule_can_match()) return out;
    occ_begin_.assign(tokens_.size() + 1, 0);
    {
      size_t j = 0;
      for (uint32_t t = 0; t <= tokens_.size(); ++t) {
        while (j < occ_.size() && occ_[j].first < t) ++j;
        occ_begin_[t] = uint32_t(j);
      }
    }
    compute_gaps();
    compute_quotes();
    compute_clauses();
    exception_.assign(tokens_.size(), 0);
    for (auto& c : clauses_) mark_exceptions(c.span);
    mask_labels();
    work_.buckets.assign(tax_.rules.size() * kMaxGroups, {});
    work_.touched_mark.assign(tax_.rules.size(), 0);

    std::vector<std::vector<size_t>> clause_rules(clauses_.size());  // rules that fired per clause
    for (size_t ci = 0; ci < clauses_.size(); ++ci) {
      const Clause& c = clauses_[ci];
      if (c.definition) continue;
      bool savings = is_savings(c.span);
      if (c.commentary) {
        for (const auto& q : quotes_) {
          Span u{std::max(q.begin, c.span.begin), std::min(q.end, c.span.end)};
          if (u.end <= u.begin || int(u.end - u.begin) < tax_.settings.min_quote_words) continue;
          eval_unit(u, savings, 1, nullptr);
        }
      } else {
        eval_unit(c.span, savings, 1, &clause_rules[ci]);
      }
    }
    // Rules that may reach into the next clause ("Requests by ICE for assistance should be
    // directed to a supervisor. The Department may provide available support services.").
    bool any_pair_rules = std::any_of(tax_.rules.begin(), tax_.rules.end(), [](const Rule& r) { return r.sentences > 1; });
    if (any_pair_rules) {
      for (size_t ci = 0; ci + 1 < clauses_.size(); ++ci) {
        const Clause& a = clauses_[ci];
        const Clause& b = clauses_[ci + 1];
        if (a.definition || b.definition || a.commentary || b.commentary || a.paragraph != b.paragraph) continue;
        std::vector<size_t> skip = clause_rules[ci];
        skip.insert(skip.end(), clause_rules[ci + 1].begin(), clause_rules[ci + 1].end());
        eval_unit(Span{a.span.begin, b.span.end}, is_savings(a.span) || is_savings(b.span), 2, nullptr, &skip);
      }
    }
    std::stable_sort(hits_.begin(), hits_.end(), [](const Hit& x, const Hit& y) { return x.start < y.start; });
    out.hits = std::move(hits_);
    return out;
  }

 private:
  // Whether some rule that the heading allows has an occurrence of a term of each of its
  // groups in the section (a necessary condition for it to match any part of it).
  bool some_rule_can_match() const {
    std::vector<char> seen(tax_.rules.size() * kMaxGroups, 0);
    for (const auto& o : occ_) {
      for (const auto& [r, g] : tax_.term_rule_groups[o.term]) seen[size_t(r) * kMaxGroups + g] = 1;
    }
    for (size_t r = 0; r < tax_.rules.size(); ++r) {
      const Rule& rule = tax_.rules[r];
      if (rule.groups.empty() || !allowed_[rule.provision]) continue;
      bool all = true;
      for (size_t g = 0; g < rule.groups.size() && all; ++g) all = seen[r * kMaxGroups + g] != 0;
      if (all) return true;
    }
    return false;
  }

  // Applies [[heading_cue]]: returns false when the heading allows no provision at all.
  bool heading_filter() {
    allowed_.assign(tax_.infos.size(), 1);
    if (in_.heading.empty() || tax_.heading_cues.empty()) return true;
    auto htoks = tokenize(in_.heading);
    std::vector<Occurrence> hocc;
    find_terms(tax_, htoks, 0, htoks.size(), hocc);
    for (const auto& cue : tax_.heading_cues) {
      bool hit = std::any_of(hocc.begin(), hocc.end(), [&](const Occurrence& o) {
        return std::binary_search(cue.terms.begin(), cue.terms.end(), o.term);
      });
      if (!hit) continue;
      std::vector<char> keep(tax_.infos.size(), 0);
      for (size_t p : cue.only) keep[p] = 1;
      for (size_t p = 0; p < allowed_.size(); ++p) allowed_[p] = char(allowed_[p] && keep[p]);
    }
    return std::any_of(allowed_.begin(), allowed_.end(), [](char c) { return c != 0; });
  }

  bool in_struck(size_t pos, size_t& si) const {
    while (si < struck_.size() && struck_[si].second <= pos) ++si;
    return si < struck_.size() && struck_[si].first <= pos;
  }

  void compute_gaps() {
    gaps_.assign(tokens_.size() + 1, Gap{});
    size_t si = 0;
    for (size_t k = 0; k <= tokens_.size(); ++k) {
      size_t from = k == 0 ? 0 : tokens_[k - 1].end;
      size_t to = k == tokens_.size() ? text_.size() : tokens_[k].start;
      Gap g;
      bool seen_space = false;
      int newlines = 0;
      for (size_t i = from; i < to; ++i) {
        if (in_struck(i, si)) continue;
        char c = text_[i];
        if (c == '\n') {
          ++newlines;
          seen_space = true;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
          seen_space = true;
        } else if (c == '.' || c == '!' || c == '?') {
          if (!seen_space) {
            g.terminal = true;
            if (c == '?') g.question = true;
          }
        } else if (c == ';') {
          g.semicolon = true;
        } else if (c == ',') {
          g.comma = true;
        } else if (c == ':') {
          g.colon = true;
        } else if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < to &&
                   static_cast<unsigned char>(text_[i + 1]) == 0xA0) {
          seen_space = true;  // no-break space
        }
      }
      g.newline = newlines > 0;
      g.blank_line = newlines > 1;
      gaps_[k] = g;
    }
  }

  // Quoted spans: “...” pairs and straight double quotes, as token ranges.
  void compute_quotes() {
    size_t si = 0;
    size_t open = std::string::npos;
    bool curly = false;
    std::vector<std::pair<size_t, size_t>> bytes;
    for (size_t i = 0; i < text_.size(); ++i) {
      const char c = text_[i];
      if ((c != '"' && c != '\xE2') || in_struck(i, si)) continue;
      bool left = c == '\xE2' && text_.compare(i, 3, "\xE2\x80\x9C") == 0;
      bool right = c == '\xE2' && text_.compare(i, 3, "\xE2\x80\x9D") == 0;
      bool straight = c == '"';
      if (left || (straight && open == std::string::npos)) {
        open = i;
        curly = left;
      } else if ((right && (curly || open != std::string::npos)) || (straight && open != std::string::npos && !curly)) {
        if (open != std::string::npos) bytes.emplace_back(open, i);
        open = std::string::npos;
      }
    }
    for (const auto& [a, b] : bytes) {
      auto lo = std::lower_bound(tokens_.begin(), tokens_.end(), a, [](const Token& t, size_t v) { return t.start < v; });
      auto hi = std::lower_bound(tokens_.begin(), tokens_.end(), b, [](const Token& t, size_t v) { return t.start < v; });
      Span s{uint32_t(lo - tokens_.begin()), uint32_t(hi - tokens_.begin())};
      if (s.end > s.begin) quotes_.push_back(s);
    }
  }

  size_t line_length_before(size_t token) const {
    size_t end = tokens_[token].end;
    size_t nl = text_.rfind('\n', end == 0 ? 0 : end - 1);
    size_t start = nl == std::string::npos ? 0 : nl + 1;
    return end - start;
  }

  bool starts_upper(size_t token) const {
    char c = text_[tokens_[token].start];
    return (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80 || c == '\xC2';
  }
  bool starts_lower(size_t token) const {
    char c = text_[tokens_[token].start];
    return c >= 'a' && c <= 'z';
  }
  // "a)", "(b)", "iv)", "1." at the start of a line.
  bool list_marker(size_t token) const {
    const Token& t = tokens_[token];
    if (t.end - t.start > 3) return false;
    return t.end < text_.size() && (text_[t.end] == ')' || (text_[t.end] == '.' && t.end + 1 < text_.size() &&
                                                             text_[t.end + 1] == ')'));
  }

  bool sentence_break(size_t k) const {
    const Gap& g = gaps_[k];
    if (g.terminal && !is_abbreviation(tokens_[k - 1].norm)) {
      if (g.newline || starts_upper(k) || tokens_[k].norm == "\xC2\xA7") return true;
      // an opening quote or bracket before an upper-case word
      return false;
    }
    if (g.terminal && g.newline && !starts_lower(k)) return true;  // "... c.\nNext" after an initial
    if (g.newline && !g.terminal) {
      if (starts_lower(k)) return false;
      if (list_marker(k)) return true;
      if (g.colon) return false;  // a list introduced by ':' continues the sentence
      if (is_function_word(tokens_[k - 1].norm)) return false;  // "... of the [city or town] Public\nSchools"
      if (line_length_before(k - 1) >= kLongLine) return false;  // a wrapped line
      // The first line of a section's text may be the tail of a line whose start went to
      // the heading: judge it by its words only.
      size_t nl = text_.rfind('\n', tokens_[k - 1].start);
      if (nl == std::string_view::npos) return false;
      // A line that itself began in lower case continues a sentence: only a heading or a
      // list item ends without punctuation, and those start with a capital or a marker.
      size_t ls = nl + 1;
      while (ls < text_.size() && (text_[ls] == ' ' || text_[ls] == '\t')) ++ls;
      if (ls < text_.size() && text_[ls] >= 'a' && text_[ls] <= 'z') return false;
      return true;
    }
    return false;
  }

  bool is_bullet(size_t k) const {
    // "§ Red flags: ..." -- a section sign before a word (not a number) is a bullet.
    return tokens_[k].norm == "\xC2\xA7" && k + 1 < tokens_.size() && starts_upper(k + 1);
  }

  bool commentary_cue_at(size_t f) const {
    if (f >= tokens_.size()) return false;
    for (uint32_t j = occ_begin_[f]; j < occ_begin_[f + 1]; ++j) {
      if (tax_.term_cues[occ_[j].term] & kCueCommentary) return true;
    }
    return false;
  }

  void compute_clauses() {
    // Segments: lines and bulleted items ("§ Green flags: ..."), whether or not the
    // extractor kept the line breaks.
    std::vector<char> seg_first(tokens_.size(), 0);
    for (size_t k = 0; k < tokens_.size(); ++k) {
      seg_first[k] = (k == 0 || gaps_[k].newline || is_bullet(k)) ? 1 : 0;
    }
    uint32_t sentence = 0, paragraph = 0;
    size_t start = 0;
    std::vector<char> sentence_first(tokens_.size(), 0);
    auto close = [&](size_t end, bool sentence_end) {
      if (end > start) {
        Clause c;
        c.span = Span{uint32_t(start), uint32_t(end)};
        c.sentence = sentence;
        c.paragraph = paragraph;
        clauses_.push_back(c);
      }
      start = end;
      if (sentence_end) ++sentence;
    };
    sentence_first[0] = 1;
    for (size_t k = 1; k < tokens_.size(); ++k) {
      bool sb = sentence_break(k);
      if (sb) {
        close(k, true);
        sentence_first[k] = 1;
        if (gaps_[k].blank_line || (gaps_[k].newline && !gaps_[k].terminal)) ++paragraph;
      } else if (gaps_[k].semicolon) {
        close(k, false);
      }
    }
    close(tokens_.size(), true);

    // Commentary: a segment or sentence opening with a commentary cue ("Red flags:"),
    // up to the next line or bullet.
    std::vector<char> commentary(tokens_.size(), 0);
    for (size_t k = 0; k < tokens_.size(); ++k) {
      if (!seg_first[k] && !sentence_first[k]) continue;
      size_t f = tokens_[k].norm == "\xC2\xA7" ? k + 1 : k;
      if (!commentary_cue_at(f)) continue;
      for (size_t j = k; j < tokens_.size() && (j == k || !seg_first[j]); ++j) commentary[j] = 1;
    }
    // A question is commentary from its last "Label: " on ("... Step 3: What to do?").
    std::vector<Clause> split;
    size_t i = 0;
    while (i < clauses_.size()) {
      size_t j = i;
      while (j < clauses_.size() && clauses_[j].sentence == clauses_[i].sentence) ++j;
      uint32_t first = clauses_[i].span.begin;
      uint32_t last_end = clauses_[j - 1].span.end;
      bool question = gaps_[last_end].question;
      uint32_t tail = first;
      if (question) {
        for (uint32_t t = last_end - 1; t > first; --t) {
          if (gaps_[t].colon && starts_upper(t)) {
            tail = t;
            break;
          }
        }
      }
      bool definition = is_definition(first, last_end);
      for (size_t m = i; m < j; ++m) {
        Clause c = clauses_[m];
        c.definition = definition;
        c.commentary = commentary[first] != 0;
        if (question && c.span.end > tail) {
          if (c.span.begin < tail) {
            Clause head = c;
            head.span.end = tail;
            split.push_back(head);
            c.span.begin = tail;
          }
          c.commentary = true;
        }
        split.push_back(c);
      }
      i = j;
    }
    clauses_ = std::move(split);
  }

  // '"ICE" means ...': a quoted term opening the sentence, then a definition verb.
  bool is_definition(uint32_t first, uint32_t end) const {
    for (const auto& q : quotes_) {
      if (q.begin < first || q.begin > first + 2 || q.begin >= end) continue;
      // the quote must open right at the term
      uint32_t after = q.end;
      for (uint32_t t = after; t < std::min<uint32_t>(end, after + 8); ++t) {
        for (uint32_t j = occ_begin_[t]; j < occ_begin_[t + 1]; ++j) {
          if (tax_.term_cues[occ_[j].term] & kCueDefinition) return true;
        }
      }
      return false;
    }
    return false;
  }

  // Exceptions in a clause: a leading "Except/Unless ..." up to the first comma, and a
  // trailing "..., except ..." / "... unless ..." to the end of the clause.
  void mark_exceptions(const Span& s) {
    bool leading_done = false;
    for (uint32_t t = s.begin; t < s.end; ++t) {
      bool cue = false;
      for (uint32_t j = occ_begin_[t]; j < occ_begin_[t + 1]; ++j) cue = cue || (tax_.term_cues[occ_[j].term] & kCueException);
      if (!cue) continue;
      if (t <= s.begin + 3 && !leading_done) {
        uint32_t e = t + 1;
        while (e < s.end && !gaps_[e].comma) ++e;
        if (e >= s.end) e = t + 1;  // no comma: only the cue word itself
        for (uint32_t x = t; x < e; ++x) exception_[x] = 1;
        leading_done = true;
        t = e - 1;
        continue;
      }
      for (uint32_t x = t; x < s.end; ++x) exception_[x] = 1;
      return;
    }
  }

  // "Information Sharing: No member ..." -- a short run-in label at the start of a line names
  // a topic; its words are not the policy's words. Labels never hold a modal or negation.
  void mask_labels() {
    for (size_t k = 0; k < tokens_.size(); ++k) {
      if (!(k == 0 || gaps_[k].newline)) continue;
      size_t f = k;
      if (tokens_[f].norm == "\xC2\xA7") ++f;
      if (f >= tokens_.size() || !starts_upper(f)) continue;
      for (size_t j = f + 1; j <= f + 6 && j < tokens_.size(); ++j) {
        if (gaps_[j].newline || gaps_[j].terminal) break;
        if (!gaps_[j].colon) continue;
        char after = text_[tokens_[j].start];
        if (after >= '0' && after <= '9') break;
        bool cue = false;
        for (uint32_t o = occ_begin_[f]; o < occ_begin_[j]; ++o) {
          cue = cue || (tax_.term_cues[occ_[o].term] & (kCueModality | kCueNegation | kCueNegPredicate));
        }
        if (!cue) {
          for (size_t t = f; t < j; ++t) exception_[t] = 1;
        }
        break;
      }
    }
  }

  bool is_savings(const Span& s) const {
    uint32_t seen = 0;
    for (uint32_t t = s.begin; t < s.end && seen < 8; ++t) {
      if (exception_[t]) continue;
      ++seen;
      for (uint32_t j = occ_begin_[t]; j < occ_begin_[t + 1]; ++j) {
        if ((tax_.term_cues[occ_[j].term] & kCueSavings) && occ_[j].last < s.end) return true;
      }
    }
    return false;
  }

  bool occ_in_exception(const Occurrence& o) const {
    for (uint32_t t = o.first; t <= o.last; ++t) {
      if (exception_[t]) return true;
    }
    return false;
  }

  // Evaluates every rule on the unit; FIRED collects the rules that produced a hit.
  void eval_unit(const Span& u, bool savings, int sentences, std::vector<size_t>* fired,
                 const std::vector<size_t>* skip = nullptr) {
    auto& w = work_;
    w.unit_occ.clear();
    for (uint32_t j = occ_begin_[u.begin]; j < occ_begin_[u.end]; ++j) {
      const Occurrence& o = occ_[j];
      if (o.last >= u.end || occ_in_exception(o)) continue;
      w.unit_occ.push_back(o);
    }
    for (const auto& o : w.unit_occ) {
      for (const auto& [r, g] : tax_.term_rule_groups[o.term]) {
        const Rule& rule = tax_.rules[r];
        if (rule.sentences < sentences || !allowed_[rule.provision]) continue;
        if (savings && !rule.savings) continue;
        w.buckets[size_t(r) * kMaxGroups + g].push_back(o);
        if (!w.touched_mark[r]) {
          w.touched_mark[r] = 1;
          w.touched.push_back(r);
        }
      }
    }
    std::sort(w.touched.begin(), w.touched.end());
    size_t first_hit = hits_.size();
    std::vector<std::pair<size_t, size_t>> unit_hits;  // (hit index, rule)
    std::vector<uint32_t> hit_match_first;             // per unit hit: where its match starts
    struct Fired {
      size_t rule;
      uint32_t first, last;
    };
    std::vector<Fired> fired_matches;  // every rule that matched, even when its hit was a duplicate
    for (uint16_t r : w.touched) {
      const Rule& rule = tax_.rules[r];
      bool skip_rule = skip && std::find(skip->begin(), skip->end(), size_t(r)) != skip->end();
      std::vector<const std::vector<Occurrence>*> lists;
      bool complete = !skip_rule;
      for (size_t g = 0; g < rule.groups.size() && complete; ++g) {
        const auto& b = w.buckets[size_t(r) * kMaxGroups + g];
        if (b.empty()) complete = false;
        lists.push_back(&b);
      }
      if (complete && !rule.veto.empty()) {
        // "notify ICE of ..." -- a first-group term with a veto term right after it does not count.
        auto& b = w.buckets[size_t(r) * kMaxGroups];
        b.erase(std::remove_if(b.begin(), b.end(),
                               [&](const Occurrence& o) {
                                 for (const auto& v : w.unit_occ) {
                                   if (v.first > o.last && v.first <= o.last + 1 + uint32_t(rule.veto_window) &&
                                       std::binary_search(rule.veto.begin(), rule.veto.end(), v.term)) {
                                     return true;
                                   }
                                 }
                                 return false;
                               }),
                b.end());
        complete = !b.empty();
      }
      if (complete) {
        if (auto m = match_groups(lists, rule.window, rule.ordered)) {
          if (auto st = stance_for(rule, *m, u)) {
            if (add_hit(rule, *st, u)) {
              unit_hits.emplace_back(hits_.size() - 1, r);
              hit_match_first.push_back(m->first);
            }
            fired_matches.push_back({r, m->first, m->last});
            if (fired) fired->push_back(r);
          }
        }
      }
    }
    for (uint16_t r : w.touched) {
      for (size_t g = 0; g < kMaxGroups; ++g) w.buckets[size_t(r) * kMaxGroups + g].clear();
      w.touched_mark[r] = 0;
    }
    w.touched.clear();
    // A rule may suppress other provisions in the same unit (school records vs status).
    std::vector<char> drop(hits_.size(), 0);
    bool any_drop = false;
    for (const auto& [hi, r] : unit_hits) {
      for (size_t p : tax_.rules[r].suppresses) {
        for (size_t h = first_hit; h < hits_.size(); ++h) {
          if (hits_[h].provision == tax_.infos[p].id && h != hi) {
            drop[h] = 1;
            any_drop = true;
          }
        }
      }
    }
    // suppresses_within: a hit whose match starts inside another rule's match is that rule's
    // purpose clause ("No funds shall be used to help federal authorities enforce ...").
    for (const auto& f : fired_matches) {
      for (size_t p : tax_.rules[f.rule].suppresses_within) {
        for (size_t k = 0; k < unit_hits.size(); ++k) {
          size_t h = unit_hits[k].first;
          if (tax_.rules[unit_hits[k].second].provision == tax_.rules[f.rule].provision) continue;
          if (hits_[h].provision == tax_.infos[p].id && hit_match_first[k] >= f.first &&
              hit_match_first[k] <= f.last) {
            drop[h] = 1;
            any_drop = true;
          }
        }
      }
    }
    if (any_drop) {
      std::vector<Hit> kept;
      for (size_t h = 0; h < hits_.size(); ++h) {
        if (!drop[h]) kept.push_back(std::move(hits_[h]));
      }
      hits_ = std::move(kept);
    }
  }

  std::optional<Stance> stance_for(const Rule& rule, const Match& m, const Span& u) const {
    const auto& st = tax_.settings;
    uint32_t lo = m.first > u.begin + uint32_t(st.scope_before) ? m.first - uint32_t(st.scope_before) : u.begin;
    uint32_t hi = std::min<uint32_t>(u.end, m.last + 1 + uint32_t(st.scope_after));
    // A match inside a leading condition ("When a victim asks for a U visa certification, the
    // Commander shall ...") is governed by the main clause after the condition's comma.
    if (opens_with_condition(u)) {
      for (uint32_t t = u.begin + 1; t < u.end; ++t) {
        if (!gaps_[t].comma) continue;
        if (m.last < t) hi = std::max(hi, std::min<uint32_t>(u.end, t + 2 * uint32_t(st.scope_after)));
        break;
      }
    }
    bool neg = false, negpred = false, restrictive = false, modality = false, permission = false;
    for (const auto& o : work_.unit_occ) {
      if (o.first < lo || o.last >= hi) continue;
      uint32_t cues = tax_.term_cues[o.term];
      if (!cues) continue;
      // A matched term's own words ("no bearing") are not a negation of it; its modal
      // ("shall be enforced") still states a rule.
      bool clash = false;
      for (const auto& p : m.parts) clash = clash || overlaps(o, p);
      if (cues & kCueModality) modality = true;
      if (cues & kCuePermission) permission = true;
      if (clash) continue;
      if (cues & kCueNegation) {
        // "No." before a number is an abbreviation, not a negation.
        bool number_no = tokens_[o.first].norm == "no" && o.last + 1 < tokens_.size() &&
                         !tokens_[o.last + 1].norm.empty() && tokens_[o.last + 1].norm[0] >= '0' &&
                         tokens_[o.last + 1].norm[0] <= '9';
        if (!number_no) neg = true;
      }
      if (cues & kCueNegPredicate) negpred = true;
      if (cues & kCueRestrictive) restrictive = true;
    }
    if (rule.require_modality && tax_.has_modality_cues && !modality && !neg && !negpred) return std::nullopt;
    const StanceRule& s = rule.stance;
    if (s.fixed) return s.stance;
    bool negated = (neg != negpred) || restrictive;
    if (negated) return s.negated;
    if (permission) return s.permitted;
    return s.affirmed;
  }

  // The unit opens (after a list marker) with a condition cue: "When", "If", "Upon" ...
  bool opens_with_condition(const Span& u) const {
    for (uint32_t t = u.begin; t < std::min<uint32_t>(u.end, u.begin + 2); ++t) {
      for (uint32_t j = occ_begin_[t]; j < occ_begin_[t + 1]; ++j) {
        if (occ_[j].first == t && (tax_.term_cues[occ_[j].term] & kCueCondition)) return true;
      }
      if (!list_marker(t)) break;
    }
    return false;
  }

  bool add_hit(const Rule& rule, Stance stance, const Span& u) {
    const std::string& id = tax_.infos[rule.provision].id;
    size_t start = tokens_[u.begin].start;
    size_t end = tokens_[u.end - 1].end;
    // Keep the closing punctuation and quotes of the clause.
    while (end < text_.size()) {
      char c = text_[end];
      if (c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' || c == '"') {
        ++end;
      } else if (text_.compare(end, 3, "\xE2\x80\x9D") == 0 || text_.compare(end, 3, "\xE2\x80\x99") == 0) {
        end += 3;
      } else {
        break;
      }
    }
    for (const auto& h : hits_) {
      if (h.provision == id && h.stance == stance && h.start == start) return false;
    }
    Hit h;
    h.provision = id;
    h.stance = stance;
    h.start = start;
    h.end = end;
    h.evidence = evidence_text(start, end);
    h.rule = rule.name;
    hits_.push_back(std::move(h));
    return true;
  }

  // The evidence as a reader sees it: struck text left out, whitespace runs folded.
  std::string evidence_text(size_t start, size_t end) const {
    std::string out;
    out.reserve(end - start);
    size_t si = 0;
    bool space = false;
    for (size_t i = start; i < end; ++i) {
      if (in_struck(i, si)) continue;
      char c = text_[i];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
    return out;
  }

  const Taxonomy::Impl& tax_;
  const SectionInput& in_;
  std::string_view text_;
  std::vector<std::pair<size_t, size_t>> struck_;
  std::vector<Token> tokens_;
  std::vector<Occurrence> occ_;
  std::vector<uint32_t> occ_begin_;  // first occurrence starting at token t
  std::vector<Gap> gaps_;            // gaps_[k]: before token k; gaps_[n]: after the last
  std::vector<Span> quotes_;
  std::vector<Clause> clauses_;
  std::vector<char> exception_;
  std::vector<char> allowed_;
  std::vector<Hit> hits_;
  Work work_;
};

}  // namespace

Tagger::Tagger(std::shared_ptr<const Taxonomy> taxonomy) : taxonomy_(std::move(taxonomy)) {}

Tagged Tagger::tag(const SectionInput& section) const {
  SectionTagger t(taxonomy_->impl(), section);
  return t.run();
}

std::string Tagger::version() const { return taxonomy_->version() + "+" + std::string(kEngineVersion); }

}  // namespace policyindex::provisions
