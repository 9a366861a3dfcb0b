// The index writer's parts, shared by its files (not a public header):
//   writer.cpp   the run: catalog state in, the incremental path (batched transactions)
//   prepare.cpp  sections into Xapian documents, on preparing threads
//   bulk.cpp     filling an empty index: shards built in parallel and merged
// The catalog side (what to index, what the index holds) is corpus/index_state.h.
#pragma once

#include <xapian.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "corpus/index_state.h"
#include "index/index.h"

namespace policyindex::index::detail {

struct TownInfo {
  std::string name;
  std::string county;
  std::optional<int64_t> population;
};

// A catalog document whose index entry lags (corpus/index_state.h).
using PendingDoc = corpus::IndexCandidate;

// Word -> occurrences, for the spelling table.
using SpellingCounts = std::unordered_map<std::string, Xapian::termcount>;

// One catalog document on its way into the index. The writer's thread fills in the
// sections; a preparing thread the Xapian documents and spelling counts; the writer's
// thread takes them over whole once `ready`.
struct Job {
  const PendingDoc* doc = nullptr;
  bool gone = false;
  std::vector<corpus::StoredSection> sections;
  std::vector<Xapian::Document> xdocs;
  SpellingCounts spelling;
  std::string error;   // preparing failed
  bool ready = false;  // guarded by PreparePool's mutex when a pool prepares the job
};

class CountingStemmer;

// Turns sections into Xapian documents. Not thread-safe: one per thread.
class Preparer {
 public:
  Preparer(const std::map<int64_t, TownInfo>& towns, bool spelling);
  Preparer(const Preparer&) = delete;
  Preparer& operator=(const Preparer&) = delete;
  void prepare(Job& job) noexcept;

 private:
  void index_document(const PendingDoc& doc, const std::vector<corpus::StoredSection>& sections,
                      std::vector<Xapian::Document>& out);

  const std::map<int64_t, TownInfo>& towns_;
  const bool spelling_;
  CountingStemmer* stemmer_;  // owned by termgen_'s Stem
  Xapian::TermGenerator termgen_;
  Xapian::Document blank_;
};

// Threads preparing jobs in the order they were submitted; the writer waits for each in turn.
class PreparePool {
 public:
  PreparePool(const std::map<int64_t, TownInfo>& towns, bool spelling, unsigned threads);
  PreparePool(const PreparePool&) = delete;
  PreparePool& operator=(const PreparePool&) = delete;
  // Jobs still queued are dropped; one being prepared is finished first.
  ~PreparePool();

  void submit(Job* job);
  void wait(const Job& job);

 private:
  void work(Preparer& preparer);

  std::mutex mutex_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Job*> queued_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

class Writer {
 public:
  Writer(corpus::Store& store, const IndexOptions& options)
      : store_(store), state_(store.catalog()), options_(options) {}
  Result<IndexStats> run();

 private:
  // writer.cpp
  Status load_towns();
  unsigned prepare_threads() const;

  // The bulk build (bulk.cpp).
  struct Shard;
  struct BulkState;
  // How many shards to build: 0 or 1 for the ordinary incremental path.
  unsigned bulk_shards(const std::vector<PendingDoc>& pending);
  Status bulk_build(const std::filesystem::path& dir, const std::vector<PendingDoc>& pending,
                    unsigned shards);
  void shard_main(Shard& shard, BulkState& state);
  Status feed(std::vector<Shard>& parts, BulkState& state, IndexProgress& progress);
  size_t work_of(const PendingDoc& d) const;
  static void fail_bulk(BulkState& state, std::string message);

  corpus::Store& store_;
  corpus::IndexState state_;
  const IndexOptions& options_;
  Xapian::WritableDatabase db_;
  std::map<int64_t, TownInfo> towns_;
  // Version id -> the work of indexing its sections (bulk build): a fixed cost per
  // section and one per byte of the extracted text it covers.
  std::map<int64_t, size_t> section_work_;
  IndexStats stats_;
};

// A bulk build's working directory, beside the index DIR (bulk.cpp).
std::filesystem::path build_dir_of(const std::filesystem::path& dir);

}  // namespace policyindex::index::detail
