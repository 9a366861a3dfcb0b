// Queries over the index and the catalog: search with facets and snippets, scorecards,
// matrix, compare, peers, history, documents; and the HTTP server with its JSON API and web
// page. The JSON every query returns is the contract of docs/API.md: the same bytes for
// `--format json`, for /api/..., and for the page.
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

namespace policyindex::query {

struct TownRef {
  int64_t id = 0;
  std::string name;
  std::string county;
};

// Finds a municipality forgivingly: case, "Town of"/"City of", punctuation, and a unique
// prefix ("Manchester" -> Manchester-by-the-Sea). An unknown or ambiguous name is an
// error that lists the closest names.
[[nodiscard]] Result<TownRef> resolve_town(corpus::Catalog& catalog, std::string_view name);

struct SearchRequest {
  std::string query;  // Xapian query syntax with prefixes town: county: provision: stance: type: cites:
  std::vector<std::string> towns, counties, provisions, stances, types, cites;  // filters (OR within, AND across)
  size_t offset = 0;
  size_t limit = 20;
};

// Everything the CLI, the JSON API and the page ask of the corpus. Each method returns the
// JSON document of docs/API.md as a string. Errors: kInvalidArgument for bad parameters
// (unbalanced quotes, unknown prefix or town), kNotFound for unknown ids, kIndex/kIo for
// storage failures. Implementations are not thread-safe: use one per thread.
class Api {
 public:
  virtual ~Api() = default;
  virtual Result<std::string> search(const SearchRequest& request) = 0;
  virtual Result<std::string> scorecard(std::string_view town) = 0;
  virtual Result<std::string> matrix() = 0;
  virtual Result<std::string> compare(const std::vector<std::string>& towns,
                                      std::string_view provision) = 0;
  virtual Result<std::string> peers(std::string_view town, std::string_view provision) = 0;
  // TOWN name or document id (digits).
  virtual Result<std::string> history(std::string_view town_or_document) = 0;
  virtual Result<std::string> document(int64_t id) = 0;
  // Changes for the Atom feed, newest first, optionally filtered (empty = all).
  virtual Result<std::string> changes(std::string_view town, std::string_view provision,
                                      size_t limit) = 0;
  // The list of provisions and questions (taxonomy) and of municipalities with counties.
  virtual Result<std::string> taxonomy() = 0;
};

// The real Api over a data directory (catalog + Xapian index). INDEX_PATHS, when not empty,
// replaces the data directory's own index with several databases searched as one (local
// paths or Xapian stub files).
[[nodiscard]] Result<std::unique_ptr<Api>> open_api(const std::filesystem::path& data_dir,
                                                    const std::vector<std::string>& index_paths = {});

// How many bytes of decoded search hits the process keeps in memory, per index revision and
// shared by every Api (default 64 MiB; 0: read every hit from the index each time).
void set_record_cache_bytes(size_t bytes);

}  // namespace policyindex::query
