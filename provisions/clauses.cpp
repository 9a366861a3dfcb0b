// The clause analyser: sentences, clauses, quotes, commentary, definitions, exceptions and
// run-in labels of a section's text (see clauses.h).

#include "provisions/clauses.h"

#include <algorithm>

namespace policyindex::provisions {

namespace {

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

}  // namespace

void ClauseAnalysis::analyse() {
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
  compute_structure();
}

bool ClauseAnalysis::in_struck(size_t pos, size_t& si) const {
  while (si < struck_.size() && struck_[si].second <= pos) ++si;
  return si < struck_.size() && struck_[si].first <= pos;
}

void ClauseAnalysis::compute_gaps() {
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
      } else if (static_cast<unsigned char>(c) == 0xE2 && (text_.compare(i, 3, "\xE2\x80\xA2") == 0 || text_.compare(i, 3, "\xE2\x96\xAA") == 0 ||
                 text_.compare(i, 3, "\xE2\x97\xA6") == 0 || text_.compare(i, 3, "\xE2\x97\x8F") == 0 ||
                 text_.compare(i, 3, "\xE2\x80\xA3") == 0)) {
        g.bullet = true;
        i += 2;
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
void ClauseAnalysis::compute_quotes() {
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

size_t ClauseAnalysis::line_length_before(size_t token) const {
  size_t end = tokens_[token].end;
  size_t nl = text_.rfind('\n', end == 0 ? 0 : end - 1);
  size_t start = nl == std::string::npos ? 0 : nl + 1;
  return end - start;
}

bool ClauseAnalysis::starts_upper(size_t token) const {
  char c = text_[tokens_[token].start];
  return (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80 || c == '\xC2';
}
bool ClauseAnalysis::starts_lower(size_t token) const {
  char c = text_[tokens_[token].start];
  return c >= 'a' && c <= 'z';
}
// "a)", "(b)", "iv)", "1." at the start of a line.
bool ClauseAnalysis::list_marker(size_t token) const {
  const Token& t = tokens_[token];
  if (t.end - t.start > 3) return false;
  return t.end < text_.size() && (text_[t.end] == ')' || (text_[t.end] == '.' && t.end + 1 < text_.size() &&
                                                           text_[t.end + 1] == ')'));
}

bool ClauseAnalysis::sentence_break(size_t k) const {
  const Gap& g = gaps_[k];
  if (g.bullet) return true;  // "... to: • Assist ... • Ask ..." -- every bullet opens an item
  if (g.terminal && !is_abbreviation(tokens_[k - 1].norm)) {
    if (g.newline || starts_upper(k) || tokens_[k].norm == "\xC2\xA7") return true;
    // an opening quote or bracket before an upper-case word
    return false;
  }
  if (g.terminal && g.newline && !starts_lower(k)) return true;  // "... c.\nNext" after an initial
  if (g.newline && !g.terminal) {
    // "(a)" opens an item, unless the line broke mid-phrase ("information about an\ne) ...").
    if (list_marker(k) && (!starts_lower(k) || g.colon || g.semicolon || !is_function_word(tokens_[k - 1].norm))) {
      return true;
    }
    if (starts_lower(k)) return false;
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

bool ClauseAnalysis::is_bullet(size_t k) const {
  // "§ Red flags: ..." -- a section sign before a word (not a number) is a bullet.
  return tokens_[k].norm == "\xC2\xA7" && k + 1 < tokens_.size() && starts_upper(k + 1);
}

bool ClauseAnalysis::commentary_cue_at(size_t f) const {
  if (f >= tokens_.size()) return false;
  for (uint32_t j = occ_begin_[f]; j < occ_begin_[f + 1]; ++j) {
    if (tax_.term_cues[occ_[j].term] & kCueCommentary) return true;
  }
  return false;
}

void ClauseAnalysis::compute_clauses() {
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
bool ClauseAnalysis::is_definition(uint32_t first, uint32_t end) const {
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
void ClauseAnalysis::mark_exceptions(const Span& s) {
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
    // A trailing exception runs to the end of the clause, or to a comma before a coordinated
    // act of the main clause's list (", or conditioning the provision of services ...").
    uint32_t e = t + 1;
    while (e < s.end && !(gaps_[e].comma && e + 1 < s.end && (tokens_[e].norm == "or" || tokens_[e].norm == "and") &&
                          tokens_[e + 1].norm.size() > 4 &&
                          tokens_[e + 1].norm.compare(tokens_[e + 1].norm.size() - 3, 3, "ing") == 0)) {
      ++e;
    }
    for (uint32_t x = t; x < e; ++x) exception_[x] = 1;
    t = e;
  }
}

// "Information Sharing: No member ..." -- a short run-in label at the start of a line names
// a topic; its words are not the policy's words. Labels never hold a modal or negation.
void ClauseAnalysis::mask_labels() {
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
        for (size_t t = f; t < j; ++t) exception_[t] = 2;
      }
      break;
    }
  }
}

bool ClauseAnalysis::is_savings(const Span& s) const {
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

bool ClauseAnalysis::occ_in_exception(const Occurrence& o) const {
  for (uint32_t t = o.first; t <= o.last; ++t) {
    if (exception_[t]) return true;
  }
  return false;
}

// The unit opens (after a list marker) with a condition cue: "When", "If", "Upon" ...
bool ClauseAnalysis::opens_with_condition(const Span& u) const {
  for (uint32_t t = u.begin; t < std::min<uint32_t>(u.end, u.begin + 2); ++t) {
    for (uint32_t j = occ_begin_[t]; j < occ_begin_[t + 1]; ++j) {
      if (occ_[j].first == t && (tax_.term_cues[occ_[j].term] & kCueCondition)) return true;
    }
    if (!list_marker(t)) break;
  }
  return false;
}
bool ClauseAnalysis::occ_in_label(const Occurrence& o) const {
  for (uint32_t t = o.first; t <= o.last; ++t) {
    if (exception_[t] == 2) return true;
  }
  return false;
}

bool ClauseAnalysis::reported(const Occurrence& o) const {
  if (!(tax_.term_cues[o.term] & kCueReported)) return false;
  const std::string& w = tokens_[o.first].norm;
  if (o.first != o.last || (w != "said" && w != "says")) return true;
  // "Hodgson said at a news conference", "officials said, ..." report; "docket said report",
  // "of said town" (legal drafting: the aforesaid) do not.
  const uint32_t n = o.last + 1;
  if (n >= tokens_.size()) return true;
  const Gap& g = gaps_[n];
  if (g.comma || g.terminal || g.colon || g.newline) return true;
  static const char* const kAfter[] = {"that", "the", "he", "she", "they", "it", "in", "at", "on", "during",
                                       "after", "before", "this", "last", "there", "we", "i", "a", "an", "to"};
  for (const char* a : kAfter) {
    if (tokens_[n].norm == a) return true;
  }
  return false;
}

bool ClauseAnalysis::has_cue(uint32_t token, uint32_t cue) const {
  for (uint32_t j = occ_begin_[token]; j < occ_begin_[token + 1]; ++j) {
    if (tax_.term_cues[occ_[j].term] & cue) return true;
  }
  return false;
}

int ClauseAnalysis::item_style(uint32_t token) const {
  if (gaps_[token].bullet) return 1;
  if (!(token == 0 || gaps_[token].newline || gaps_[token].semicolon) || !list_marker(token)) return 0;
  const std::string& w = tokens_[token].norm;
  if (w.empty()) return 0;
  if (w[0] >= '0' && w[0] <= '9') return 2;
  if (w.size() > 1 && w.find_first_not_of("ivxl") == std::string::npos) return 5;
  char c = text_[tokens_[token].start];
  return (c >= 'A' && c <= 'Z') ? 4 : 3;
}

void ClauseAnalysis::compute_structure() {
  // "not limited to" and the like negate nothing.
  neutral_.assign(tokens_.size(), 0);
  for (const auto& o : occ_) {
    if (tax_.term_cues[o.term] & kCueNeutral) {
      for (uint32_t t = o.first; t <= o.last; ++t) neutral_[t] = 1;
    }
  }
  // Descriptive sentences: opening with a descriptive cue (WHEREAS, "The purpose of this
  // policy", findings) within its first words, or reporting speech anywhere ("said").
  bool any_descriptive = false;
  for (const auto& o : occ_) any_descriptive = any_descriptive || (tax_.term_cues[o.term] & (kCueDescriptive | kCueReported));
  for (size_t i = 0; any_descriptive && i < clauses_.size();) {
    size_t j = i;
    while (j < clauses_.size() && clauses_[j].sentence == clauses_[i].sentence) ++j;
    uint32_t first = clauses_[i].span.begin, end = clauses_[j - 1].span.end;
    bool descriptive = false;
    uint32_t seen = 0;
    for (uint32_t t = first; t < end && !descriptive; ++t) {
      if (exception_[t] == 2 || (seen == 0 && list_marker(t))) continue;
      if (seen++ < 6 && has_cue(t, kCueDescriptive)) descriptive = true;
      for (uint32_t q = occ_begin_[t]; q < occ_begin_[t + 1]; ++q) descriptive = descriptive || reported(occ_[q]);
    }
    for (size_t m = i; m < j; ++m) {
      // A recital clause inside a longer sentence ("...; and WHEREAS, ...").
      bool opens = false;
      for (uint32_t t = clauses_[m].span.begin; t < std::min(clauses_[m].span.end, clauses_[m].span.begin + 3); ++t) {
        opens = opens || has_cue(t, kCueDescriptive);
      }
      clauses_[m].descriptive = descriptive || opens;
    }
    i = j;
  }
  // Lead-ins and their items. A clause ending in ':' before a line break, bullet or item
  // marker is a lead-in; the clauses after it are its items while each opens with a marker
  // or bullet (or follows a marker on a line of its own, or continues an item after ';').
  // An item that is itself a lead-in opens a nested list; a marker of an outer list's style
  // closes the nested one ("(2) ...: (A) ... (B) ... (3) ...").
  struct Level {
    int lead;
    int style;
  };
  std::vector<Level> stack;
  // A heading that ends in ':' ("No employee of the Town shall:") leads the items that open
  // the section.
  if (heading_lead_) stack.push_back({kHeadingLead, 0});
  for (size_t ci = 0; ci < clauses_.size(); ++ci) {
    Clause& c = clauses_[ci];
    const uint32_t b = c.span.begin;
    const bool sentence_first = ci == 0 || clauses_[ci - 1].sentence != c.sentence;
    const int style = item_style(b);
    const bool after_marker = ci > 0 && clauses_[ci - 1].marker_only;
    c.marker_only = style > 1 && c.span.end == b + 1;
    if (!stack.empty()) {
      if (sentence_first && style == 0 && !after_marker) {
        stack.clear();
      } else if (style != 0) {
        for (size_t lv = stack.size(); lv-- > 1;) {
          if (stack[lv].style == style) break;
          if (stack[lv - 1].style == style) {
            stack.resize(lv);
            break;
          }
        }
        if (stack.back().style == 0) stack.back().style = style;
      }
      if (!stack.empty()) c.lead_in = stack.back().lead;
    }
    const uint32_t e = c.span.end;
    if (e < tokens_.size() && !c.marker_only && gaps_[e].colon &&
        (gaps_[e].newline || gaps_[e].bullet || item_style(e) != 0)) {
      c.lead = true;
      stack.push_back({int(ci), 0});
    }
  }
  // Exception spans, per clause.
  for (size_t ci = 0; ci < clauses_.size(); ++ci) {
    const Span& sp = clauses_[ci].span;
    for (uint32_t t = sp.begin; t < sp.end;) {
      if (exception_[t] != 1) {
        ++t;
        continue;
      }
      uint32_t e = t;
      while (e < sp.end && exception_[e] == 1) ++e;
      exceptions_.push_back({Span{t, e}, uint32_t(ci)});
      t = e;
    }
  }
}

Polarity ClauseAnalysis::polarity(uint32_t lo, uint32_t hi, const std::vector<Occurrence>* parts,
                                  bool in_exception) const {
  Polarity p;
  struct Neg {
    uint32_t first, last;
    bool predicate;
    bool cancelled;
  };
  Neg negs[16];
  size_t n = 0;
  int restrict_token = -1;
  bool warrant = false;
  for (uint32_t j = occ_begin_[lo]; j < occ_begin_[hi]; ++j) {
    const Occurrence& o = occ_[j];
    if (o.last >= hi) continue;
    const uint32_t cues = tax_.term_cues[o.term];
    if (!cues || (in_exception ? occ_in_label(o) : occ_in_exception(o))) continue;
    if (cues & kCueModality) p.modality = true;
    if (cues & kCuePermission) p.permission = true;
    bool clash = false;
    if (parts) {
      for (const auto& q : *parts) clash = clash || (o.first <= q.last && q.first <= o.last);
    }
    if (clash || neutral_[o.first]) continue;
    if (cues & kCueNegation) {
      // "No." before a number is an abbreviation, not a negation.
      bool number_no = tokens_[o.first].norm == "no" && o.last + 1 < tokens_.size() &&
                       !tokens_[o.last + 1].norm.empty() && tokens_[o.last + 1].norm[0] >= '0' &&
                       tokens_[o.last + 1].norm[0] <= '9';
      if (!number_no && n < 16) negs[n++] = {o.first, o.last, false, false};
    } else if ((cues & kCueNegPredicate) && n < 16) {
      negs[n++] = {o.first, o.last, true, false};
    }
    if (cues & kCueRestrictive) {
      p.restrictive = true;
      if (restrict_token < 0) restrict_token = int(o.first);
      if (tokens_[o.first].norm == "only" || tokens_[o.first].norm == "solely") p.conditional_only = true;
      else warrant = true;
    }
  }
  // A negation right before a negative predicate cancels it, and the predicates coordinated
  // with it: "may not prohibit or materially limit" permits.
  for (size_t a = 0; a < n; ++a) {
    if (negs[a].predicate || negs[a].cancelled) continue;
    for (size_t b = a + 1; b < n; ++b) {
      if (!negs[b].predicate || negs[b].first <= negs[a].last) continue;
      if (negs[b].first - negs[a].last > 8) break;  // "No member of this department will prohibit"
      negs[a].cancelled = negs[b].cancelled = true;
      p.double_negation = true;
      uint32_t last = negs[b].last;
      for (size_t c = b + 1; c < n && negs[c].predicate && negs[c].first - last <= 5; ++c) {
        negs[c].cancelled = true;
        last = negs[c].last;
      }
      break;
    }
  }
  size_t live = 0;
  for (size_t a = 0; a < n; ++a) {
    if (negs[a].cancelled) continue;
    if (p.cue < 0) p.cue = int(negs[a].first);
    ++live;
  }
  // Negations that do not pair up are each a prohibition ("may not ask ... and are barred
  // from arresting"), not a double negation.
  p.negated = live > 0;
  if (warrant) p.conditional_only = false;
  if (p.cue < 0) p.cue = restrict_token;
  return p;
}

Polarity ClauseAnalysis::inherited(int lead_in) const {
  Polarity p;
  bool first = true;
  while (lead_in >= 0 || lead_in == kHeadingLead) {
    if (lead_in == kHeadingLead) {
      const Polarity& q = heading_polarity_;
      if (first) return q;
      p.negated = p.negated != q.negated;
      p.modality = p.modality || q.modality;
      p.permission = p.permission || q.permission;
      p.double_negation = p.double_negation || q.double_negation;
      break;
    }
    const Clause& l = clauses_[size_t(lead_in)];
    Polarity q = polarity(l.span.begin, l.span.end, nullptr);
    if (first) {
      p = q;
      first = false;
    } else {
      p.negated = p.negated != q.negated;
      p.modality = p.modality || q.modality;
      p.permission = p.permission || q.permission;
      p.double_negation = p.double_negation || q.double_negation;
    }
    lead_in = l.lead_in;
  }
  return p;
}

std::string ClauseAnalysis::words(uint32_t begin, uint32_t end, size_t max) const {
  if (begin >= end || end > tokens_.size()) return {};
  size_t a = tokens_[begin].start, b = tokens_[end - 1].end;
  std::string out;
  bool space = false;
  for (size_t i = a; i < b; ++i) {
    char c = text_[i];
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' ||
        (c == '|' && (i == a || text_[i - 1] == ' ' || text_[i - 1] == '\n') &&
         (i + 1 >= b || text_[i + 1] == ' ' || text_[i + 1] == '\n' || text_[i + 1] == '\r'))) {  // a table's column rule
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= max) {
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace policyindex::provisions
