// The one place where a section's provision hits and citations are computed, shared by
// `extract` (stored in the catalog) and `analyze` (printed). Returns nothing until the
// provisions tagger is wired in here.
#pragma once

#include <string>
#include <vector>

#include "corpus/corpus.h"
#include "extract/extract.h"

namespace policyindex::app {

struct SectionTags {
  std::vector<corpus::StoredHit> hits;
  std::vector<std::string> cites;
};

// The tagger version recorded with each extraction (a re-tag is due when it changes).
std::string tagger_version();

SectionTags tag_section(const extract::Section& section);

}  // namespace policyindex::app
