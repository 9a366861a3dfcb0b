// Queries over the index and the catalog: search with facets and snippets, scorecards,
// matrix, compare, peers, history, documents. Every answer is a typed result
// (query/results.h); render/ writes it as the JSON of docs/API.md (the same bytes for
// `--format json` and /api/...), as text or as CSV, and serve/'s pages read it directly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"
#include "corpus/towns.h"
#include "query/results.h"

namespace policyindex::query {

// The one town resolver (corpus/towns.h): exact name, then an unambiguous prefix.
using corpus::TownRef;
using corpus::resolve_town;

struct SearchRequest {
  std::string query;  // Xapian query syntax with prefixes town: county: provision: stance: type: cites:
  std::vector<std::string> towns, counties, provisions, stances, types, cites;  // filters (OR within, AND across)
  size_t offset = 0;
  size_t limit = 20;
};

// Everything the CLI, the JSON API and the page ask of the corpus, as typed results. Errors: kInvalidArgument for bad parameters
// (unbalanced quotes, unknown prefix or town), kNotFound for unknown ids, kIndex/kIo for
// storage failures. Implementations are not thread-safe: use one per thread.
class Api {
 public:
  virtual ~Api() = default;
  virtual Result<SearchResult> search(const SearchRequest& request) = 0;
  virtual Result<Scorecard> scorecard(std::string_view town) = 0;
  virtual Result<Matrix> matrix() = 0;
  // The long matrix BY "question" (town x Q1..Q7), "provision" (town x every provision) or
  // "evidence" (one row per piece of evidence); anything else is kInvalidArgument.
  virtual Result<MatrixLong> matrix_long(std::string_view by) = 0;
  virtual Result<Comparison> compare(const std::vector<std::string>& towns,
                                     std::string_view provision) = 0;
  virtual Result<Peers> peers(std::string_view town, std::string_view provision) = 0;
  // TOWN name or document id (digits).
  virtual Result<History> history(std::string_view town_or_document) = 0;
  // Document ID with the sections of VERSION (one of its versions; kNotFound otherwise), or
  // of its current version.
  virtual Result<Document> document(int64_t id, std::optional<int64_t> version = std::nullopt) = 0;
  // Changes for the Atom feed, newest first, optionally filtered (empty = all).
  virtual Result<ChangeList> changes(std::string_view town, std::string_view provision,
                                     size_t limit) = 0;
  // The list of provisions and questions (taxonomy) and of municipalities with counties.
  virtual Result<TaxonomyView> taxonomy() = 0;
};

// What the Apis of one process (a server's pool) share instead of process-wide state: the
// per-revision facet tables and the decoded-record cache with its byte budget (default
// 64 MiB; 0: read every hit from the index each time). Thread-safe.
class SearchContext {
 public:
  explicit SearchContext(size_t record_cache_bytes = 64u << 20);
  ~SearchContext();
  SearchContext(const SearchContext&) = delete;
  SearchContext& operator=(const SearchContext&) = delete;
  void set_record_cache_bytes(size_t bytes);
  size_t record_cache_bytes() const;

  struct Impl;  // query/search_parts.h
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// The real Api over a data directory (catalog + Xapian index). INDEX_PATHS, when not empty,
// replaces the data directory's own index with several databases searched as one (local
// paths or Xapian stub files). CONTEXT is shared with other Apis (a fresh one when null).
[[nodiscard]] Result<std::unique_ptr<Api>> open_api(const std::filesystem::path& data_dir,
                                                    const std::vector<std::string>& index_paths = {},
                                                    std::shared_ptr<SearchContext> context = nullptr);

}  // namespace policyindex::query
