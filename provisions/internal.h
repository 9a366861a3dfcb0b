// Private to provisions/: the compiled taxonomy (term table, rules, cues) and the text
// helpers the tagger and the citation finder share.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "provisions/provisions.h"

namespace policyindex::provisions {

// ---- text ----------------------------------------------------------------------------

// A word of the text: lower-cased ASCII letters and digits (a decimal point between digits
// is kept: "287.7"), other UTF-8 letters kept as is, apostrophes inside a word dropped
// ("person's" -> "persons"); "§" is a token of its own. Offsets are bytes in the text.
struct Token {
  std::string norm;
  bool upper = false;  // written in capitals, two letters or more ("ICE")
  size_t start = 0;
  size_t end = 0;
};

// Byte ranges of struck-through text written as ~~like this~~ (the seeds' convention).
std::vector<std::pair<size_t, size_t>> struck_ranges(std::string_view text);

// Byte ranges of page-furniture lines ("Page 3 of 10", "- 4 -", a bare page number, "Skip to
// main content", "Download as PDF"): never part of a section's words or an evidence quote.
std::vector<std::pair<size_t, size_t>> furniture_ranges(std::string_view text);

// Tokens of TEXT, skipping the byte ranges in SKIP (sorted, non-overlapping).
std::vector<Token> tokenize(std::string_view text,
                            const std::vector<std::pair<size_t, size_t>>& skip = {});

// Splits a term as written in the taxonomy ("detain*", "8 U.S.C.") into normalized words. A
// word written in capitals ("ICE") comes back as "^ice": it matches capitals only.
std::vector<std::string> term_words(std::string_view term);

// ---- compiled taxonomy ---------------------------------------------------------------

// One word of a term; `prefix` when written with a trailing '*'.
struct TermWord {
  std::string text;
  bool prefix = false;
  bool upper = false;  // matches only words written in capitals
};

struct Term {
  std::string source;  // as written
  std::vector<TermWord> words;
};

// A cue category a term can belong to (bit flags on the term).
enum CueBit : uint32_t {
  kCueNegation = 1u << 0,
  kCueNegPredicate = 1u << 1,
  kCueRestrictive = 1u << 2,
  kCueModality = 1u << 3,
  kCuePermission = 1u << 4,
  kCueException = 1u << 5,
  kCueSavings = 1u << 6,
  kCueCommentary = 1u << 7,
  kCueDefinition = 1u << 8,
  kCueCondition = 1u << 9,
  kCueNeutral = 1u << 10,           // "not limited to": no negation inside
  kCueExceptionPermits = 1u << 11,  // an exception naming a case cooperation is allowed in
  kCueDescriptive = 1u << 12,       // a sentence opening so is recited/explained, not operative
  kCueReported = 1u << 13,          // reported speech ("said", "according to")
};

// A stance rule: fixed, or from the grammar (negated / permitted / affirmed).
struct StanceRule {
  bool fixed = false;
  Stance stance = Stance::kNeutral;       // when fixed
  Stance affirmed = Stance::kPermissive;  // otherwise
  Stance negated = Stance::kProtective;
  Stance permitted = Stance::kPermissive;
};

struct Rule {
  std::string name;  // "<provision>/<rule name>"
  size_t provision = 0;
  std::vector<std::vector<uint32_t>> groups;  // term ids per group
  int window = 12;
  bool ordered = false;
  int sentences = 1;
  bool require_modality = true;
  bool savings = false;
  StanceRule stance;
  std::vector<size_t> suppresses;  // provision indexes
  // Provisions whose match starts inside this rule's match ("funds shall not be used to help
  // ICE enforce ..."): the words are this provision's purpose, not a provision of their own.
  std::vector<size_t> suppresses_within;
  // Terms that, right after a first-group term (at most veto_window words between), void
  // that occurrence: "notify ICE of the release date" is not notice to the person.
  std::vector<uint32_t> veto;
  int veto_window = 1;
  int line = 0;
};

struct HeadingCue {
  std::vector<uint32_t> terms;
  bool restrict_all = false;  // only = []
  std::vector<size_t> only;   // provision indexes allowed (all when restrict_only is false)
  bool restrict_only = true;  // false when the cue has no `only` (a descriptive-only cue)
  bool descriptive = false;   // the section is descriptive (purpose, findings, background)
};

struct Settings {
  int scope_before = 20;
  int scope_after = 4;
  int min_quote_words = 4;
};

struct Taxonomy::Impl {
  std::string source_name;
  std::string version;
  std::vector<ProvisionInfo> infos;
  std::vector<Rule> rules;
  std::vector<HeadingCue> heading_cues;
  Settings settings;
  bool has_modality_cues = false;  // without any, require_modality cannot apply

  // The term table: every distinct term of rules and cues.
  std::vector<Term> terms;
  std::vector<uint32_t> term_cues;  // CueBit flags per term
  std::unordered_map<std::string, uint32_t> term_ids;  // joined words -> id
  // First-word index: exact words, and prefix words bucketed by their first byte.
  std::unordered_map<std::string, std::vector<uint32_t>> by_first_word;
  std::array<std::vector<uint32_t>, 256> by_first_prefix;

  // For every term, the (rule, group) pairs it belongs to.
  std::vector<std::vector<std::pair<uint16_t, uint8_t>>> term_rule_groups;

  uint32_t intern(std::string_view term_source, const std::vector<std::string>& words);
  // Builds the first-word index and term_rule_groups; call once terms and rules are final.
  void index_terms();
};

// A term found in a token sequence: tokens [first, last].
struct Occurrence {
  uint32_t term = 0;
  uint32_t first = 0;
  uint32_t last = 0;
};

// All term occurrences in TOKENS[begin, end).
void find_terms(const Taxonomy::Impl& tax, const std::vector<Token>& tokens, size_t begin, size_t end,
                std::vector<Occurrence>& out);

// Normalized citation ids in TEXT given its tokens (see find_citations).
std::vector<std::string> citations_from_tokens(std::string_view text, const std::vector<Token>& tokens);

// The version of the rule engine (changes when tagging behaviour changes).
inline constexpr std::string_view kEngineVersion = "engine.3";

}  // namespace policyindex::provisions
