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
  bool occ_in_exception(const Occurrence& o) const;
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
  std::vector<char> exception_;
};

}  // namespace policyindex::provisions
