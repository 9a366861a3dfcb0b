// The sink's threads: two blob writers and the commit thread (see sink.h).

#include "crawler/sink.h"

#include <pthread.h>

#include <algorithm>
#include <iterator>

namespace policyindex::crawler {
namespace {

constexpr size_t kGroupCommitResults = 256;        // stored bodies per batch
constexpr size_t kGroupCommitMax = 4096;           // results per batch
constexpr size_t kSpareLow = 32, kSpareHigh = 96;  // blob writers made ahead
constexpr size_t kWriteQueueCap = 16u << 20;       // buffer memory queued for the writers
constexpr size_t kSpareBuffers = 64;               // recycled chunk buffers (16 KB each)

}  // namespace

corpus::FrontierRow frontier_row(const Item& it) {
  corpus::FrontierRow r;
  r.url = it.url;
  r.municipality_id = it.municipality_id;
  r.depth = it.depth;
  r.kind = to_string(it.kind);
  r.doc_type = it.doc_type;
  r.parent = it.parent;
  r.anchor = it.anchor;
  if (!it.adapter.empty()) {
    r.fetch_url = it.fetch_url;
    r.adapter = it.adapter;
    r.role = platforms::to_string(it.role);
    r.context = it.context;
    r.headers = it.headers;
    r.title = it.title;
    r.method = it.method;
    r.body = it.body;
  }
  return r;
}

Sink::Sink(corpus::BlobStore& blobs, corpus::CrawlLedger& ledger, const KnownMap& known,
           Revisit& revisit)
    : blobs_(blobs), ledger_(ledger), known_(known), revisit_(revisit) {}

Sink::~Sink() { stop(); }

void Sink::start(RunStart start) {
  committer_ = std::thread([this, start = std::move(start)]() mutable {
    ::pthread_setname_np(::pthread_self(), "pi-commit");
    commit_loop(std::move(start));
  });
  for (size_t k = 0; k < kWriters; ++k) {
    writers_.emplace_back([this, k] {
      ::pthread_setname_np(::pthread_self(), "pi-writer");
      write_loop(k);
    });
  }
}

void Sink::stop() {
  stop_committer();  // commits what is queued (waiting for the writers), then ends
  stop_writers();
}

// -- loop side -----------------------------------------------------------------------------

std::shared_ptr<BlobJob> Sink::new_job() {
  auto job = std::make_shared<BlobJob>();
  job->writer = next_writer_;
  next_writer_ = (next_writer_ + 1) % kWriters;
  return job;
}

// libcurl hands the write callback at most 16 KB at a time: each chunk is one operation.
void Sink::write(const std::shared_ptr<BlobJob>& job, std::string_view bytes) {
  std::string buf;
  {
    std::unique_lock<std::mutex> lk(wmu_);
    if (wq_bytes_ >= kWriteQueueCap) {
      loop_waiting_ = true;
      wcv_done_.wait(lk, [this] { return wq_bytes_ < kWriteQueueCap || writer_closing_; });
      loop_waiting_ = false;
    }
    if (!spare_buffers_.empty()) {
      buf = std::move(spare_buffers_.back());
      spare_buffers_.pop_back();
    }
  }
  buf.assign(bytes.data(), bytes.size());
  push(WriteOp{job, std::move(buf), WriteOp::kData});
}

void Sink::push(WriteOp op) {
  WriterQueue& w = wq_[op.job->writer];
  bool wake;
  {
    std::lock_guard<std::mutex> lk(wmu_);
    wq_bytes_ += op.data.capacity();  // memory held, not just bytes
    w.ops.push_back(std::move(op));
    write_seq_[static_cast<size_t>(&w - wq_.data())] = ++w.pushed;
    wake = w.idle;
  }
  if (wake) w.cv.notify_one();
}

void Sink::add(Finished f) {
  if (f.job) ++pending_blobs_;
  pending_.push_back(std::move(f));
  if (pending_blobs_ >= kGroupCommitResults || pending_.size() >= kGroupCommitMax) submit();
}

void Sink::submit() {
  if (pending_.empty() && pending_logs_.empty() && pending_frontier_.empty()) return;
  Batch b;
  b.finished = std::move(pending_);
  b.logs = std::move(pending_logs_);
  b.frontier = std::move(pending_frontier_);
  pending_.clear();
  pending_logs_.clear();
  pending_frontier_.clear();
  pending_blobs_ = 0;
  b.write_seq = write_seq_;  // every seal of the batch was queued before now
  {
    std::lock_guard<std::mutex> lk(mu_);
    queue_.push_back(std::move(b));
  }
  cv_.notify_one();
}

std::optional<Error> Sink::collect(std::vector<UrlOutcome>& done) {
  std::lock_guard<std::mutex> lk(mu_);
  std::move(committed_.begin(), committed_.end(), std::back_inserter(done));
  committed_.clear();
  return commit_error_;
}

// -- the writer threads ----------------------------------------------------------------------

// A blob writer (an open temporary file) from the commit thread's spares, or a new one when
// none is left. Creating a file costs ~0.1 ms of kernel time on a busy ext4 (inode
// allocation); the commit thread creates them between its commits instead.
Result<corpus::BlobWriter> Sink::take_writer() {
  std::optional<corpus::BlobWriter> w;
  bool low = false;
  {
    std::lock_guard<std::mutex> lk(mu_);
    spares_wanted_ = true;  // only crawls that store bodies make spares
    if (!spare_.empty()) {
      w.emplace(std::move(spare_.front()));
      spare_.pop_front();
    }
    low = spare_.size() < kSpareLow;
  }
  if (low) cv_.notify_one();
  if (w) return std::move(*w);
  return blobs_.begin();
}

// A writer thread takes the queued operations one at a time and carries them out: the first
// bytes of a body open its temporary file (a spare made by the commit thread), the bytes are
// written and hashed, a seal closes the file and keeps the sha256. A store error is kept in
// the job; the commit thread turns it into the crawl's error. Each operation's memory is
// handed back as soon as it is written (the mutex is taken once per operation, to finish one
// and take the next): a loop waiting at the queue's cap waits for one chunk, not for
// everything queued before it (it used to take the whole queue at once and release it at
// the end, so a full queue stalled every transfer for as long as 16 MB took to write and
// hash: ~0.15 s per crawl of the benchmark).
void Sink::write_loop(size_t k) {
  WriterQueue& w = wq_[k];
  std::unique_lock<std::mutex> lk(wmu_);
  while (true) {
    w.idle = true;
    w.cv.wait(lk, [&] { return writer_closing_ || !w.ops.empty(); });
    w.idle = false;
    if (w.ops.empty()) return;  // closing
    WriteOp op = std::move(w.ops.front());
    w.ops.pop_front();
    lk.unlock();
    carry_out(op);
    const size_t bytes = op.data.capacity();
    op.job.reset();  // drops the job reference (an aborted job's file goes here)
    lk.lock();
    ++w.done;
    wq_bytes_ -= bytes;
    if (bytes > 0 && spare_buffers_.size() < kSpareBuffers)
      spare_buffers_.push_back(std::move(op.data));
    // Wake the loop (waiting at the cap) or the commit thread (waiting for a batch's seals)
    // only when what it waits for has happened.
    if ((loop_waiting_ && wq_bytes_ < kWriteQueueCap) ||
        (commit_waiting_ && written(commit_waits_for_))) {
      wcv_done_.notify_all();
    }
  }
}

void Sink::carry_out(WriteOp& op) {
  BlobJob& job = *op.job;
  if (job.aborted || !job.error.empty()) return;
  if (!job.blob) {  // the first bytes, or the seal of an empty body
    auto w = take_writer();
    if (!w) {
      job.error = w.error().message;
      return;
    }
    job.blob.emplace(std::move(*w));
  }
  if (op.kind == WriteOp::kData) {
    if (auto st = job.blob->append(op.data); !st) {
      job.error = st.error().message;
      job.blob->abort();
    }
    return;
  }
  auto sha = job.blob->seal();
  if (sha) {
    job.sha = std::move(*sha);
    job.size = job.blob->size();
  } else {
    job.error = sha.error().message;
    job.blob->abort();
  }
}

// Commit side: waits until the writers have carried out their queues up to `seq`.
void Sink::wait_written(const std::array<uint64_t, kWriters>& seq) {
  std::unique_lock<std::mutex> lk(wmu_);
  commit_waits_for_ = seq;
  commit_waiting_ = true;
  wcv_done_.wait(lk, [&] { return written(seq); });
  commit_waiting_ = false;
}

// Under wmu_: every writer has carried out its queue up to seq.
bool Sink::written(const std::array<uint64_t, kWriters>& seq) const {
  for (size_t k = 0; k < kWriters; ++k) {
    if (wq_[k].done < seq[k]) return false;
  }
  return true;
}

void Sink::stop_writers() {
  if (writers_.empty()) return;
  {
    std::lock_guard<std::mutex> lk(wmu_);
    writer_closing_ = true;
  }
  for (auto& w : wq_) w.cv.notify_one();
  wcv_done_.notify_all();
  for (auto& t : writers_) t.join();
  writers_.clear();
}

// -- the commit thread -----------------------------------------------------------------------

void Sink::stop_committer() {
  if (!committer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    closing_ = true;
  }
  cv_.notify_one();
  committer_.join();
}

Status Sink::start_run(const RunStart& start) {
  corpus::CrawlRunStart s;
  s.refresh = start.refresh;
  s.resume_run = start.resume_run;
  s.known_documents = start.known_documents;
  s.sources = start.sources;
  s.frontier.reserve(start.frontier.size());
  for (const auto& it : start.frontier) s.frontier.push_back(frontier_row(it));
  return ledger_.start_run(s);
}

// Takes every queued batch at once (under load, commits grow instead of queueing up), makes
// its blobs durable, then writes its catalog rows. After an error nothing more is committed
// (the blobs of dropped batches are discarded with them).
void Sink::commit_loop(RunStart start) {
  Status started = start_run(start);
  start = RunStart{};
  std::unique_lock<std::mutex> lk(mu_);
  if (!started) commit_error_ = started.error();
  while (true) {
    cv_.wait(lk, [this] {
      return closing_ || !queue_.empty() ||
             (spares_wanted_ && !spare_failed_ && spare_.size() < kSpareLow && !commit_error_);
    });
    if (queue_.empty() && closing_) return;
    if (queue_.empty()) {
      size_t n = kSpareHigh - spare_.size();
      lk.unlock();
      std::vector<corpus::BlobWriter> made;
      for (size_t i = 0; i < n; ++i) {
        auto w = blobs_.begin();
        if (!w) break;  // the writer's own begin() reports the error
        made.push_back(std::move(*w));
      }
      lk.lock();
      for (auto& w : made) spare_.push_back(std::move(w));
      if (made.size() < n) spare_failed_ = true;
      continue;
    }
    std::deque<Batch> work;
    work.swap(queue_);
    const bool failed = commit_error_.has_value();
    lk.unlock();
    Batch all = std::move(work.front());
    for (size_t i = 1; i < work.size(); ++i) {
      auto& b = work[i];
      for (size_t k = 0; k < kWriters; ++k)
        all.write_seq[k] = std::max(all.write_seq[k], b.write_seq[k]);
      std::move(b.finished.begin(), b.finished.end(), std::back_inserter(all.finished));
      std::move(b.logs.begin(), b.logs.end(), std::back_inserter(all.logs));
      std::move(b.frontier.begin(), b.frontier.end(), std::back_inserter(all.frontier));
    }
    work.clear();
    std::vector<UrlOutcome> outcomes;
    Status st = failed ? Status{} : commit(all, outcomes);
    all = Batch{};  // discards blobs not committed
    lk.lock();
    if (!st) {
      if (!commit_error_) commit_error_ = st.error();
    } else if (!failed) {
      std::move(outcomes.begin(), outcomes.end(), std::back_inserter(committed_));
    }
  }
}

Status Sink::commit(Batch& b, std::vector<UrlOutcome>& outcomes) {
  std::vector<corpus::BlobWriter> sealed;
  bool any_blob = false;
  for (auto& f : b.finished) any_blob = any_blob || f.job != nullptr;
  if (any_blob) wait_written(b.write_seq);
  for (auto& f : b.finished) {
    if (!f.job) continue;
    if (!f.job->error.empty()) return make_error(ErrorCode::kIo, "blob store: " + f.job->error);
    sealed.push_back(std::move(*f.job->blob));
    f.job->blob.reset();
  }
  if (auto st = blobs_.commit_sealed(sealed); !st) return st;
  if (auto st = ledger_.begin_batch(); !st) return st;
  auto st = write_results(ledger_, known_, digests_, b.finished, b.logs, b.frontier, outcomes,
                          revisit_);
  if (!st) {
    ledger_.rollback_batch();
    return st;
  }
  if (auto c = ledger_.commit_batch(); !c) {
    ledger_.rollback_batch();
    return c;
  }
  return {};
}

}  // namespace policyindex::crawler
