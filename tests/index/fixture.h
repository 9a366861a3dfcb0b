// Fixture corpora for index and query tests: catalog rows written directly (documents,
// versions, extractions with sections, provision hits and citations) for fictional towns in
// fictional counties, so that the tests depend on neither the extractor nor the tagger.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "corpus/corpus.h"

namespace policyindex::testing {

struct FixtureSection {
  std::string number, heading, text;
  std::optional<int64_t> page;
  std::vector<corpus::StoredHit> hits;  // provision, stance, evidence
  std::vector<std::string> cites;
};

// Fictional towns added to every fixture store: Quillfield, North Quillfield, Ashmere
// (Brackett County); Port Tessaly, Vinehaven-by-the-Lake, Marrow Falls (Coldwater County).
void add_fictional_towns(corpus::Catalog& catalog);

// Adds a document of TOWN with one extracted version holding SECTIONS; returns its id.
// Calling it again with the same URL adds a new version (a change) of that document.
int64_t add_document(corpus::Store& store, const std::string& town, const std::string& url,
                     const std::string& doc_type, const std::string& title,
                     const std::vector<FixtureSection>& sections,
                     const std::string& fetched_at = "2025-03-01T10:00:00Z");

// The hand-written corpus most tests use (a dozen documents, legal citations, accents).
void build_small_corpus(corpus::Store& store);

// A random corpus: DOCS documents of SECTIONS_PER_DOC sections each, words drawn from
// random_vocabulary(), random provisions, stances, citations and towns. Deterministic per SEED.
void build_random_corpus(corpus::Store& store, int docs, int sections_per_doc, unsigned seed,
                         int first_doc = 0, int doc_step = 1);
const std::vector<std::string>& random_vocabulary();
const std::vector<std::string>& random_provisions();
const std::vector<std::string>& random_cites();
const std::vector<std::string>& fictional_towns();

}  // namespace policyindex::testing
