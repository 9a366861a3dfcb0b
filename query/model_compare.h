// A town's policy compared with a model document (`analyze FILE --model NAME`): the town's
// text aligned with the model section by section (shared provisions and text similarity),
// then sentence by sentence, listing what the town dropped, weakened ("shall" became "may",
// a prohibition lost its "not", an exception added: "unless", "except", "to the extent") or
// added. A typed result of query/report.h; render/ writes it.
//
// Thread-safety: pure.
#pragma once

#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "provisions/provisions.h"

namespace policyindex::query {

struct WordDiff {
  char op = '=';  // '=' kept, '-' only in the model, '+' only in the town's text
  std::string text;
};

struct ModelChange {
  std::string kind;  // dropped | weakened | added
  std::string provision;  // the provision the sentence carries, "" when none
  std::string model_section, town_section;  // plain labels
  std::string model_text, town_text;
  std::string reason;  // in words: "'shall' became 'may'", "an exception was added: 'unless ...'"
  double similarity = 0;
  std::vector<WordDiff> diff;  // model -> town, word by word (weakened only)
};

struct ModelComparison {
  std::string name, document, url, town;
  size_t model_sentences = 0;  // operative sentences of the model compared
  size_t kept = 0;             // found in the town's text, not weakened
  std::vector<ModelChange> changes;  // dropped, weakened, then added; in model order
};

struct CompareSection {
  std::string number, heading;
  std::optional<int> page;
  std::string text;
};

// Compares TOWN sections with MODEL sections. TAGGER decides which sentences carry
// provisions (a town sentence without any is not reported as added).
ModelComparison compare_with_model(const std::vector<CompareSection>& model, const std::vector<CompareSection>& town,
                                   const provisions::Tagger& tagger);

// Sentences of TEXT (split at ". ", ";\n", blank lines and list items), trimmed, at least
// four words each. Exposed for tests.
std::vector<std::string> split_sentences(std::string_view text);

}  // namespace policyindex::query
