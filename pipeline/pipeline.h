// The jobs that chain the stages, with progress reporting: crawl, extract (with section
// tagging), index, the three chained (crawl -> extract -> index), refresh (lock, conditional
// crawl, extract, incremental index, change log, report) and analyze (one local file ->
// sections, tags, scorecard). Used by the command line (app/), the server and the demo
// alike; none of them parses arguments or prints anything: what happens is told to a
// Progress observer, and what came out is returned as typed results.
//
// Thread-safety: a job runs on the calling thread (extraction in worker processes, the
// index with threads of its own); the Progress callbacks are called on that thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"
#include "crawler/crawler.h"
#include "extract/extract.h"
#include "index/index.h"
#include "provisions/provisions.h"
#include "provisions/status.h"
#include "changes/changes.h"

namespace policyindex::pipeline {

// ---------------------------------------------------------------------------------------
// Progress

enum class Stage { kCrawl, kExtract, kIndex, kChanges };
std::string_view stage_name(Stage stage);  // "crawl", "extract", "index", "changes"

// How far a stage is. crawl: done = URLs handled, failed = URLs failed; extract: done =
// versions finished of total, failed = versions that could not be extracted, sections =
// sections stored; index: done = documents of total, sections = sections added.
struct StageCounts {
  size_t done = 0;
  size_t total = 0;
  size_t failed = 0;
  size_t sections = 0;
};

// What a job tells its caller as it goes. Every member is optional; a job given no
// Progress (null) tells nobody. For each stage a job runs: started, then advanced any
// number of times (never after finished), then finished (also when the stage failed).
struct Progress {
  std::function<void(Stage)> started;
  std::function<void(Stage, const StageCounts&)> advanced;
  std::function<void(Stage, const StageCounts&)> finished;
  // The crawler's own detailed status (bytes, hosts, queue), passed through when set; used
  // only while a crawl runs (between started and finished of Stage::kCrawl).
  crawler::ProgressSink* crawl = nullptr;
};

// ---------------------------------------------------------------------------------------
// Section tagging

struct SectionTags {
  std::vector<corpus::StoredHit> hits;
  std::vector<std::string> cites;
};

// What kind of document DOC is (ordinance, police_policy, news, minutes, ...: see
// provisions::classify_genre), from its title and opening text. Stored with each extraction.
provisions::Genre document_genre(const extract::Document& doc);

// What a document is and where it stands: its title from the document itself, its genre
// ("navigation" for a listing page, site map or landing page with no policy language) and
// its status with dates and reasons. URL, DOC_TYPE (the catalog's) and LINK_TEXT (the text
// of the link that led to it) are "" when unknown; PROVISION_HITS counts its operative hits.
struct DocumentStanding {
  extract::TitleChoice title;
  provisions::Genre genre;
  provisions::StatusVerdict status;
};
DocumentStanding document_standing(const extract::Document& doc, size_t provision_hits, std::string_view url = {},
                                   std::string_view doc_type = {}, std::string_view link_text = {});

// Groups the catalog's active documents holding the same text — equal bytes, or a text
// signature (extract::text_signature) at least THRESHOLD similar — within each town into
// renditions of one canonical document (a PDF before a Word file before a web page, then
// the oldest), and stores the grouping (corpus/standing.h). Returns the number of documents
// found to be another's rendition.
[[nodiscard]] Result<size_t> group_renditions(corpus::Catalog& catalog, double threshold = 0.9);

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

// ---------------------------------------------------------------------------------------
// The stages as jobs

// The crawl (crawler::crawl), told to PROGRESS as Stage::kCrawl.
[[nodiscard]] Result<crawler::CrawlSummary> run_crawl(corpus::Store& store,
                                                      const crawler::CrawlOptions& options,
                                                      const Progress* progress = nullptr);

struct ExtractOptions {
  int jobs = 0;  // worker processes; 0 = number of cores
  int timeout_s = 300;
  size_t memory_mb = 3072;
  bool ocr = true;
};

struct ExtractResult {
  size_t versions = 0, extracted = 0, failed = 0, sections = 0, pages = 0, ocr_pages = 0;
  size_t navigation_pages = 0;  // web pages with no policy language: no sections kept
  size_t renditions = 0;        // documents found to be another's rendition (same text)
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
// crawled navigation page (DocType::kWebpage) keeps its sections only when some section
// carries a provision, so site chrome never reaches search or scorecards.
[[nodiscard]] Result<ExtractResult> run_extract(corpus::Store& store, const SectionTagger& tagger,
                                                const ExtractOptions& options,
                                                const Progress* progress = nullptr);

// The incremental index update (index::update_index), told to PROGRESS as Stage::kIndex
// (OPTIONS.progress, when set, is called too).
[[nodiscard]] Result<index::IndexStats> run_index(corpus::Store& store,
                                                  const index::IndexOptions& options,
                                                  const Progress* progress = nullptr);

// crawl -> extract -> index, each stage only when the one before succeeded.
struct BuildOptions {
  crawler::CrawlOptions crawl;
  ExtractOptions extract;
  index::IndexOptions index;
};
struct BuildResult {
  crawler::CrawlSummary crawl;
  ExtractResult extract;
  index::IndexStats index;
};
// Errors are prefixed with the stage that failed ("crawl: ...", "extract: ...", "index: ...").
[[nodiscard]] Result<BuildResult> run_build(corpus::Store& store, const SectionTagger& tagger,
                                            const BuildOptions& options,
                                            const Progress* progress = nullptr);

// ---------------------------------------------------------------------------------------
// Refresh: what cron or a systemd timer runs every night.
//
//   lock -> baseline -> crawl (conditional) -> extract + tag -> index -> changes -> report
//
// Every stage works from the catalog, so a refresh killed anywhere (kill -9 included) is
// finished by the next one: the crawl resumes its frontier, extract takes the versions not
// extracted yet, index the documents whose indexed version lags, and the change log the
// documents whose change_state lags.

struct RefreshOptions {
  crawler::CrawlOptions crawl;  // refresh mode is always on
  std::string taxonomy;         // a taxonomy file, or empty for the built-in one
};

// Runs a refresh of the data directory DATA_DIR. Errors: kBusy when another refresh holds
// the lock (nothing was done); any other error means the refresh could not start. A stage
// that fails does not stop the others: it is in the report's phase_errors (then the report's
// status is "failed"), per-URL and per-version failures in its failures.
[[nodiscard]] Result<changes::RefreshReport> run_refresh(const std::filesystem::path& data_dir,
                                                       const RefreshOptions& options,
                                                       const Progress* progress = nullptr);

// ---------------------------------------------------------------------------------------
// Analyze: one local file, not stored.

struct AnalyzeOptions {
  bool ocr = true;
  int timeout_s = 600;  // wall and CPU seconds before the extraction is abandoned
  int max_pages = 5000;  // PDF pages past this are skipped, with a warning
  size_t memory_bytes = size_t{3} << 30;  // the extraction worker's memory limit
  int ocr_threads = 0;  // scanned pages read by OCR at once; 0: one per core
};

struct Analysis {
  std::string file;
  extract::Document document;
  std::vector<provisions::Tagged> tags;  // one per section of document
  provisions::Scorecard scorecard;
  DocumentStanding standing;  // title, genre and status of the file
};

// Extracts FILE (in a worker process, like every extraction), tags its sections and scores
// it. Errors name FILE.
[[nodiscard]] Result<Analysis> analyze_file(const std::string& file, const SectionTagger& tagger,
                                            const AnalyzeOptions& options);
// The same for BYTES already in memory, named NAME (an upload).
[[nodiscard]] Result<Analysis> analyze_bytes(const std::string& name, std::string_view bytes,
                                             const SectionTagger& tagger, const AnalyzeOptions& options);

}  // namespace policyindex::pipeline
