// The jobs the commands share: tagging a section with the taxonomy, extracting every
// pending version into tagged sections in the catalog (`extract`, `refresh`, `demo`), and the
// analyze JSON of one file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus/corpus.h"
#include "extract/extract.h"
#include "provisions/provisions.h"

namespace policyindex::app {

struct SectionTags {
  std::vector<corpus::StoredHit> hits;
  std::vector<std::string> cites;
};

// Tags extracted sections with provisions, stance and citations. Thread-safe (const).
class SectionTagger {
 public:
  // The taxonomy of FILE, or the built-in one when FILE is empty (--taxonomy).
  [[nodiscard]] static Result<SectionTagger> create(const std::string& taxonomy_file);

  SectionTags tag(const extract::Section& section) const;
  provisions::Tagged tag_raw(const extract::Section& section) const;
  // Recorded with each extraction: a new extractor or taxonomy re-extracts and re-tags.
  std::string version() const;
  const provisions::Taxonomy& taxonomy() const { return tagger_.taxonomy(); }
  std::shared_ptr<const provisions::Taxonomy> taxonomy_ptr() const { return taxonomy_; }

 private:
  explicit SectionTagger(std::shared_ptr<const provisions::Taxonomy> taxonomy);
  std::shared_ptr<const provisions::Taxonomy> taxonomy_;
  provisions::Tagger tagger_;
};

struct ExtractJobOptions {
  int jobs = 0;  // worker processes; 0 = number of cores
  int timeout_s = 300;
  size_t memory_mb = 3072;
  bool ocr = true;
  bool progress = false;  // a status line on stderr
};

struct ExtractJobResult {
  size_t versions = 0, extracted = 0, failed = 0, sections = 0, pages = 0, ocr_pages = 0;
  size_t navigation_pages = 0;  // web pages with no policy language: no sections kept
  double seconds = 0;
  struct Failure {
    int64_t version_id = 0;
    int64_t document_id = 0;
    std::string error;
  };
  std::vector<Failure> failures;
};

// Extracts, segments and tags every version not yet extracted by this tagger version, in
// worker processes, storing each result (or its error) in the catalog as it completes. A
// crawled navigation page (doc_type "webpage") keeps its sections only when some section
// carries a provision, so site chrome never reaches search or scorecards.
[[nodiscard]] Result<ExtractJobResult> run_extract_job(corpus::Store& store,
                                                       const SectionTagger& tagger,
                                                       const ExtractJobOptions& options);

// The analyze JSON of DESIGN.md: file, type, pages, ocr_pages, sections with provisions and
// cites, scorecard, errors.
nlohmann::json analyze_json(const std::string& file, const extract::Document& doc,
                            const SectionTagger& tagger);

// A scorecard as JSON: "Q1".."Q7" then provision ids, each {provision, question, label,
// verdict, present, evidence[{document, section, heading, page, stance, text}]}.
nlohmann::json scorecard_json(const provisions::Scorecard& card,
                              const provisions::Taxonomy& taxonomy);

}  // namespace policyindex::app
