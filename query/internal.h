// Private to query/: the pieces the Api implementation is made of.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "query/query.h"

namespace policyindex::query::detail {

// How the search resolves field values (town names, provisions) against the catalog and
// taxonomy. Each returns the facet term value, or an error whose message names the input.
struct Resolvers {
  std::function<Result<std::string>(std::string_view)> town;       // -> index::town_term
  std::function<Result<std::string>(std::string_view)> county;     // -> facet_term
  std::function<Result<std::string>(std::string_view)> provision;  // id or question -> id
};

// Full-text search over one or several Xapian databases searched as one. Not thread-safe.
class Searcher {
 public:
  // PATHS: local database directories, Xapian stub files, or "tcp:HOST:PORT" for a remote
  // xapian-tcpsrv. Errors name the path that failed to open.
  // CONTEXT holds the facet tables and record cache shared with other searchers (a fresh
  // one when null).
  [[nodiscard]] static Result<std::unique_ptr<Searcher>> open(const std::vector<std::string>& paths,
                                                              std::shared_ptr<SearchContext> context = nullptr);
  ~Searcher();
  // The answer (render/ writes the JSON of docs/API.md).
  [[nodiscard]] Result<SearchResult> search(const SearchRequest& request, const Resolvers& resolvers);
  // Exact facet counts come from per-revision in-memory facet tables (built once per index
  // revision and shared by every Searcher of the SearchContext) when every shard is local, and
  // from Xapian's value-count match spies otherwise. OFF forces the spies (tests, benchmarks).
  void set_facet_tables(bool on);
  // ON: the reference computation the fast path is tested against (every record decoded
  // from the index, Xapian's own MSet::snippet, facets counted by value): the same answer.
  void set_reference_output(bool on);
  // Whether the last successful search counted its facets from facet tables (tests).
  bool last_counted_with_tables() const;
  // How facets and the total are counted over one local shard. kOnePass: the ranked BM25
  // pass over every match, with the counting spy. kTwoPass: a pass without weights
  // (Xapian::BoolWeight) counts every match, then the ranked pass may stop at its page.
  // kPostings (the default): plain boolean queries (terms with AND, OR, NOT, filters) are
  // counted straight from the terms' posting lists, without the matcher; other queries as
  // kOnePass — when the ranked pass can then stop early (a term, or an OR of terms), since
  // elsewhere counting first costs more than it saves. kAllPostings: from the posting lists
  // whenever the query allows (tests of the set algebra). Same answer in every mode (tests).
  enum class CountPasses { kOnePass, kTwoPass, kPostings, kAllPostings };
  void set_count_passes(CountPasses passes);
  // Bytes of decoded hit records cached for this searcher's shards at their current
  // revision (tests).
  size_t cached_record_bytes();

 private:
  struct Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks and rewrites a user query before Xapian's parser sees it: curly quotes, unbalanced
// quotes or parentheses and unknown field prefixes are errors; legal tokens outside
// phrases become `legal:TOKEN`; diacritics are stripped. Exposed for tests.
[[nodiscard]] Result<std::string> preprocess_query(std::string_view query);

}  // namespace policyindex::query::detail
