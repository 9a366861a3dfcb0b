// Private to provisions/: the clause analyser in front of the rules. It cuts a section's
// text into sentences and clauses (lines, list items, semicolons), finds quotes, commentary,
// definitions, exceptions and run-in labels, and records the drafting structure a stance
// depends on (see clauses.cpp). The tagger (tagger.cpp) evaluates the rules on its clauses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "provisions/internal.h"

namespace policyindex::provisions {

// What lies between two tokens (struck text excluded).
struct Gap {
  bool newline = false;
  bool blank_line = false;
  bool terminal = false;  // '.', '!' or '?' right after the previous token
  bool question = false;
  bool semicolon = false;
  bool comma = false;
  bool colon = false;
  bool bullet = false;  // a bullet sign ("•", "▪", "◦") opens the next item
};

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
  // Descriptive text: a recital (WHEREAS), purpose or findings clause, reported speech.
  bool descriptive = false;
  // Ends with ':' before a list ("... may not use City resources to:"): its items inherit
  // its actor, modality and negation.
  bool lead = false;
  bool marker_only = false;  // "(1)" on a line of its own
  int lead_in = -1;          // the lead-in clause of this list item, -1, or kHeadingLead
};

// The grammar of a stretch of text around a match: what decides its stance.
struct Polarity {
  bool negated = false;      // an odd number of negations, after "may not prohibit" pairs cancel
  bool modality = false;     // states a rule: shall, may, will, must, is prohibited ...
  bool permission = false;   // may, is authorized ...
  bool restrictive = false;  // only if, judicial warrant ...
  bool conditional_only = false;  // the restriction is "only when/if/upon" (no warrant named)
  bool double_negation = false;   // "may not prohibit": cancelled pairs
  bool inherited = false;    // a list item's: combined with its lead-in's
  int cue = -1;              // the token of the deciding negation or restriction, or -1
};

// An exception inside a clause ("unless ...", "except ...").
struct ExceptionSpan {
  Span span;
  uint32_t clause = 0;
};
// The analysed text of one section. The tagger derives from it.
class ClauseAnalysis {
 protected:
  ClauseAnalysis(const Taxonomy::Impl& tax, std::string_view text) : tax_(tax), text_(text) {}

  // Fills occ_begin_, gaps_, quotes_, clauses_ and exception_ (tokens_ and occ_ are set).
  void analyse();

  bool in_struck(size_t pos, size_t& si) const;
  void compute_gaps();
  // Quoted spans: “...” pairs and straight double quotes, as token ranges.
  void compute_quotes();
  size_t line_length_before(size_t token) const;
  bool starts_upper(size_t token) const;
  bool starts_lower(size_t token) const;
  // "a)", "(b)", "iv)", "1." at the start of a line.
  bool list_marker(size_t token) const;
  bool sentence_break(size_t k) const;
  bool is_bullet(size_t k) const;
  bool commentary_cue_at(size_t f) const;
  void compute_clauses();
  // '"ICE" means ...': a quoted term opening the sentence, then a definition verb.
  bool is_definition(uint32_t first, uint32_t end) const;
  // Exceptions in a clause: a leading "Except/Unless ..." up to the first comma, and a
  // trailing "..., except ..." / "... unless ..." to the end of the clause.
  void mark_exceptions(const Span& s);
  // "Information Sharing: No member ..." -- a short run-in label at the start of a line names
  // a topic; its words are not the policy's words. Labels never hold a modal or negation.
  void mask_labels();
  bool is_savings(const Span& s) const;
  // Drafting structure: list items under lead-ins, descriptive sentences, exception spans.
  void compute_structure();
  // 0 no item marker; 1 bullet; 2 "(1)"; 3 "(a)"; 4 "(A)"; 5 "(iv)".
  int item_style(uint32_t token) const;
  bool has_cue(uint32_t token, uint32_t cue) const;
  // O is reported speech ("officials said"), not legal "said" ("docket said report").
  bool reported(const Occurrence& o) const;  // an occurrence starting at TOKEN has CUE
  // The grammar of tokens [lo, hi): negations (a "not prohibit" pair cancels), modality,
  // permission and restriction; occurrences overlapping PARTS (the match's own words) do not
  // negate, and neither do words inside exceptions or "not limited to" phrases.
  // IN_EXCEPTION: reading an exception on its own, whose words then count.
  Polarity polarity(uint32_t lo, uint32_t hi, const std::vector<Occurrence>* parts, bool in_exception = false) const;
  // The polarity a list item inherits from its lead-in (and the lead-in's own lead-in).
  Polarity inherited(int lead_in) const;
  // The words of tokens [begin, end) as written, shortened to about MAX bytes.
  std::string words(uint32_t begin, uint32_t end, size_t max = 80) const;
  bool occ_in_exception(const Occurrence& o) const;
  bool occ_in_label(const Occurrence& o) const;
  // The unit opens (after a list marker) with a condition cue: "When", "If", "Upon" ...
  bool opens_with_condition(const Span& u) const;

  const Taxonomy::Impl& tax_;
  std::string_view text_;
  std::vector<std::pair<size_t, size_t>> struck_;
  std::vector<Token> tokens_;
  std::vector<Occurrence> occ_;
  std::vector<uint32_t> occ_begin_;  // first occurrence starting at token t
  std::vector<Gap> gaps_;            // gaps_[k]: before token k; gaps_[n]: after the last
  std::vector<Span> quotes_;
  std::vector<Clause> clauses_;
  std::vector<char> exception_;  // 1 inside an exception, 2 inside a run-in label
  std::vector<char> neutral_;    // inside "not limited to" and the like
  std::vector<ExceptionSpan> exceptions_;
  // The section's heading ends in ':' and leads its first items (lead_in == kHeadingLead).
  static constexpr int kHeadingLead = -2;
  bool heading_lead_ = false;
  Polarity heading_polarity_;
};

}  // namespace policyindex::provisions
