// The sink: where finished fetches go. Response bodies stream into blobs and results are
// committed in groups, off the loop's thread:
//
// - The loop only copies body bytes into a bounded queue (16 MB); two writer threads (each
//   body stays on one) write them to temporary blob files, hash them and seal each finished
//   body (close it and keep its sha256).
// - Every ~200 ms (or 256 stored bodies) the loop hands a batch of results to the commit
//   thread and goes on with its transfers. The commit thread waits until the writers have
//   sealed every body of the batch, makes those blobs durable (one syncfs; what queued up
//   meanwhile is merged into one bigger commit) and then writes, in one catalog transaction
//   (corpus::CrawlLedger), the versions, the fetch log, the frontier rows of newly
//   discovered links and the "done" state of finished URLs: a catalog row never references
//   a blob that is not durably on disk. A SIGKILL loses at most the uncommitted batches.
// - The run's own rows (crawl_runs, the frontier) are the commit thread's first
//   transaction, written while the first requests are in flight. Nothing of a run is
//   committed before it, so a crawl killed before it leaves no trace of itself.
//
// During the run the catalog belongs to the commit thread alone. Private to crawler/.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "corpus/corpus.h"
#include "corpus/crawl_ledger.h"
#include "crawler/crawler.h"
#include "crawler/records.h"
#include "crawler/revisit.h"

namespace policyindex::crawler {

inline constexpr size_t kWriters = 2;  // writer threads (a body stays on one)

// A body in the hands of a writer thread: the loop queues its bytes and, at the end, a
// seal; the writer creates the temporary file, writes, hashes and seals it. The fields below
// `aborted` belong to the writer thread until it has passed the body's seal (the commit
// thread waits for that, under the writer's mutex, before it reads them).
struct BlobJob {
  std::atomic<bool> aborted{false};  // set by the loop: drop what is still queued
  size_t writer = 0;                 // the writer thread that carries out its operations
  std::optional<corpus::BlobWriter> blob;
  std::string sha;
  uint64_t size = 0;
  std::string error;  // the blob store's error (disk full, ...): the crawl stops
};

// The body of a transfer in flight, on the loop.
struct Body {
  Body() = default;
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  ~Body() {
    if (job) job->aborted = true;  // a transfer dropped in flight (interrupted crawl)
  }
  // Drops the body (failed transfer, redirect, error status): bytes still queued are
  // skipped; the temporary file goes with the last reference to the job.
  void abort() {
    if (!job) return;
    job->aborted = true;
    job.reset();
  }
  std::shared_ptr<BlobJob> job;
  bool store = true;  // documents and pages; not sitemaps
  bool decided = false;
  bool keep = false;  // keep a copy for link discovery
  std::string buffer;
  bool prefix = false;  // past the parse cap, keep the first bytes (a platform's document,
                        // for its adapter; all of it is stored)
  std::string head;  // the first kBlockSniffBytes of any response: block and type checks
  bool too_large = false;
};

// What the run's first transaction writes (see corpus::CrawlRunStart).
struct RunStart {
  bool refresh = false;
  std::optional<int64_t> resume_run;
  bool known_documents = false;
  std::vector<corpus::CrawlSource> sources;
  std::vector<Item> frontier;
};

// "sha256/municipality" -> (document id, URL) of the bodies stored in this run (see
// write_results).
using RunDigests = std::unordered_map<std::string, std::pair<int64_t, std::string>>;

class Sink {
 public:
  // `blobs`, `ledger`, `known` and `revisit` must outlive the sink; `known` stays unchanged
  // while it runs; the commit thread records schedules with `revisit`.
  Sink(corpus::BlobStore& blobs, corpus::CrawlLedger& ledger, const KnownMap& known,
       Revisit& revisit);
  ~Sink();
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  // Starts the writer threads and the commit thread; the commit thread first writes `start`.
  void start(RunStart start);
  // Commits what is queued (waiting for the writers), then ends the threads. The run's id
  // is known after this.
  void stop();
  int64_t run_id() const { return ledger_.run_id(); }

  // -- loop side ------------------------------------------------------------------------
  // A new body, given to the writers in turn.
  std::shared_ptr<BlobJob> new_job();
  // Queues a copy of body bytes. Blocks while 16 MB are queued (the writers are behind the
  // network: the disk sets the pace).
  void write(const std::shared_ptr<BlobJob>& job, std::string_view bytes);
  // Queues the end of a body: the writer seals it.
  void seal(const std::shared_ptr<BlobJob>& job) { push(WriteOp{job, {}, WriteOp::kSeal}); }

  // Results for the next batch. Stored bodies are committed every 256 (or every submit());
  // results without a body (304s, errors) only bound the batch's size: a refresh then
  // commits a few large batches instead of many small ones.
  void add(Finished f);
  void add_log(corpus::FetchRecord log) { pending_logs_.push_back(std::move(log)); }
  void add_frontier(Item it) { pending_frontier_.push_back(std::move(it)); }
  // Hands what was added since the last call to the commit thread.
  void submit();
  // Moves what the commit thread has committed since the last call to `done`; returns the
  // commit thread's error, once there is one.
  std::optional<Error> collect(std::vector<UrlOutcome>& done);

 private:
  struct Batch {
    std::vector<Finished> finished;
    std::vector<corpus::FetchRecord> logs;
    std::vector<Item> frontier;
    // each writer's queue position that seals every body of the batch
    std::array<uint64_t, kWriters> write_seq{};
  };
  struct WriteOp {
    std::shared_ptr<BlobJob> job;
    std::string data;
    enum Kind { kData, kSeal } kind = kData;
  };
  struct WriterQueue {
    std::deque<WriteOp> ops;
    uint64_t pushed = 0, done = 0;
    bool idle = false;
    std::condition_variable cv;
  };

  void push(WriteOp op);
  void write_loop(size_t k);
  void carry_out(WriteOp& op);
  Result<corpus::BlobWriter> take_writer();
  void wait_written(const std::array<uint64_t, kWriters>& seq);
  bool written(const std::array<uint64_t, kWriters>& seq) const;
  void stop_writers();
  void stop_committer();
  void commit_loop(RunStart start);
  Status start_run(const RunStart& start);
  Status commit(Batch& b, std::vector<UrlOutcome>& outcomes);

  corpus::BlobStore& blobs_;
  corpus::CrawlLedger& ledger_;
  const KnownMap& known_;
  Revisit& revisit_;

  // Loop side: results since the last submit().
  std::vector<Finished> pending_;
  std::vector<corpus::FetchRecord> pending_logs_;
  std::vector<Item> pending_frontier_;
  size_t pending_blobs_ = 0;

  // Shared by the loop and the commit thread (and the writers for spares), under mu_.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  bool closing_ = false;
  std::vector<UrlOutcome> committed_;
  std::optional<Error> commit_error_;
  std::deque<corpus::BlobWriter> spare_;  // open temporary blob files, made ahead
  bool spare_failed_ = false, spares_wanted_ = false;
  std::thread committer_;
  RunDigests digests_;  // the commit thread's own

  // The writers' queues, under wmu_.
  std::mutex wmu_;
  std::condition_variable wcv_done_;
  std::array<WriterQueue, kWriters> wq_;
  size_t wq_bytes_ = 0;                         // over all writers
  std::array<uint64_t, kWriters> write_seq_{};  // the loop's copy of each queue's pushed
  size_t next_writer_ = 0;                      // loop only
  bool writer_closing_ = false;
  bool commit_waiting_ = false;
  bool loop_waiting_ = false;                          // the loop waits at the queue's cap
  std::array<uint64_t, kWriters> commit_waits_for_{};  // the commit thread waits for these
  std::vector<std::string> spare_buffers_;
  std::vector<std::thread> writers_;
};

// On the commit thread, inside the batch's transaction: the catalog rows of a batch
// (frontier rows of discovered links, versions, document states, frontier states, fetch
// log, revisit schedules); appends each URL's outcome to `outcomes`. commit.cpp.
// `digests` (sha256 and municipality -> document id and URL of the bodies stored in this
// run) is the commit thread's own: a new URL whose body has the sha256 of another URL of the
// run for the same municipality, or whose rel=canonical names a stored document, is
// recorded as an alias of that document (outcome "unchanged", its fetch-log row on that
// document, the reason naming it), not as a new one.
[[nodiscard]] Status write_results(corpus::CrawlLedger& ledger, const KnownMap& known,
                                   RunDigests& digests, std::vector<Finished>& finished,
                                   const std::vector<corpus::FetchRecord>& logs,
                                   const std::vector<Item>& frontier,
                                   std::vector<UrlOutcome>& outcomes, Revisit& revisit);

// A frontier row viewing an item (valid while the item lives).
corpus::FrontierRow frontier_row(const Item& it);

}  // namespace policyindex::crawler
