// The incremental writer: catalog rows in, one Xapian document per section out.
//
// Protocol (crash safety): the documents to (re)index are those whose current version,
// status or extraction fingerprint differs from what the catalog says the index holds. A
// batch of documents is written inside one Xapian transaction (delete every section of the
// document by its XDOC term, then replace_document by each section's unique id term), and
// the catalog's indexed_* columns are updated only after the Xapian commit. A SIGKILL before
// the commit loses the batch (Xapian keeps the last committed revision); a SIGKILL between
// the commit and the catalog update makes the next run redo those documents, which is
// harmless because every write is an idempotent replace (a document's sections are deleted
// by its XDOC term before they are added again).
//
// Threads: the writer's thread reads the catalog and calls Xapian's WritableDatabase, which
// is where most of the time goes (posting maps, zlib on the document data and termlists);
// the Xapian documents (TermGenerator, stemming, facet terms, values, display data) are
// prepared on other threads, each with its own TermGenerator and stemmer, and handed over
// whole, in catalog order (so document ids are the same as with no threads). Spelling data
// is not written by the TermGenerator (which would need the database on the preparing
// thread): the stemmer is called exactly once for every word the TermGenerator would give
// to add_spelling (STEM_ALL_Z, no stopper, no prefix), so it counts them, and the writer
// adds each batch's words once with their frequencies; a test holds this to what
// FLAG_SPELLING writes.
//
// The writer is in three files: this one (the run and the incremental path), prepare.cpp
// (sections into Xapian documents) and bulk.cpp (filling an empty index in parallel);
// index/writer_internal.h is what they share, corpus/index_state.h the catalog side.

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>

#include "corpus/job_state.h"
#include "index/writer_internal.h"

namespace policyindex::index {
namespace detail {

Result<IndexStats> Writer::run() {
  auto t0 = std::chrono::steady_clock::now();
  auto dir = (options_.index_dir.empty() ? store_.index_dir() : options_.index_dir).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();  // "out/idx/" is the folder "out/idx"
  // The catalog's commits here need not be synced one by one (WAL, synchronous=NORMAL: a
  // killed process loses nothing; a power cut may take back the last ones): every Xapian
  // commit is synced before the catalog is told, and a lost catalog update only makes
  // the next run write those documents again. Restored when the run ends.
  corpus::RelaxedSync relaxed_sync(store_.catalog());
  try {
    bool fresh = options_.rebuild || !std::filesystem::exists(dir);
    if (options_.rebuild) {
      // Forget what the catalog thinks the index holds before the index is dropped: a
      // kill between the two then re-indexes everything, which is what was asked for.
      if (auto st = state_.forget_indexed(); !st) return tl::make_unexpected(st.error());
    }
    if (fresh && dir.has_parent_path()) {
      std::error_code ec;  // Xapian makes the index's folder, not the folders above it
      std::filesystem::create_directories(dir.parent_path(), ec);
      if (ec) return make_error(ErrorCode::kIo, dir.parent_path().string() + ": " + ec.message());
    }
    db_ = Xapian::WritableDatabase(dir.string(), options_.rebuild
                                                     ? Xapian::DB_CREATE_OR_OVERWRITE
                                                     : Xapian::DB_CREATE_OR_OPEN);
    // What a bulk build that was killed left (holding the index's write lock, as this run
    // now does, no other build is under way).
    std::error_code ec;
    std::filesystem::remove_all(build_dir_of(dir), ec);
    // The catalog's indexed_* columns describe one particular database: a deleted,
    // replaced or foreign index directory has another UUID, and is filled from scratch.
    const std::string uuid = db_.get_uuid();
    auto known = state_.index_uuid();
    if (!known) return tl::make_unexpected(known.error());
    if (fresh || *known != uuid) {
      if (auto st = state_.forget_indexed(); !st) return tl::make_unexpected(st.error());
      if (auto st = state_.set_index_uuid(uuid); !st) return tl::make_unexpected(st.error());
    }
    if (auto st = load_towns(); !st) return tl::make_unexpected(st.error());
    auto pending = state_.documents_to_index();
    if (!pending) return tl::make_unexpected(pending.error());

    // Filling an empty index with many sections: shards written in parallel, merged.
    if (const unsigned shards = bulk_shards(*pending); shards >= 2) {
      if (auto st = bulk_build(dir, *pending, shards); !st) {
        return tl::make_unexpected(st.error());
      }
      stats_.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return stats_;
    }

    IndexProgress progress;
    progress.documents_total = pending->size();
    std::vector<const PendingDoc*> batch;
    size_t batch_sections = 0;
    SpellingCounts batch_spelling;
    bool in_txn = false;
    auto flush = [&]() -> Status {
      if (!in_txn) return {};
      for (const auto& [word, freq] : batch_spelling) db_.add_spelling(word, freq);
      batch_spelling.clear();
      db_.commit_transaction();
      in_txn = false;
      if (auto st = state_.mark_indexed(batch); !st) return st;
      progress.documents_done += batch.size();
      progress.sections_added = stats_.sections_added;
      batch.clear();
      batch_sections = 0;
      if (options_.progress) options_.progress(progress);
      return {};
    };
    auto fail = [&](Error e) -> Result<IndexStats> {
      if (in_txn) db_.cancel_transaction();
      return tl::make_unexpected(std::move(e));
    };

    // Jobs in catalog order: read here, prepared by the pool's threads (or right
    // here without threads), written here. Declared before the pool, so that the
    // pool's threads are joined before the jobs go.
    std::deque<std::unique_ptr<Job>> jobs;
    size_t jobs_sections = 0, next = 0;
    std::optional<Preparer> local;
    std::unique_ptr<PreparePool> pool;
    if (const unsigned n = prepare_threads(); n > 0) {
      pool = std::make_unique<PreparePool>(towns_, options_.spelling, n);
    } else {
      local.emplace(towns_, options_.spelling);
    }
    // Enough work queued to keep the preparing threads busy, bounded in memory.
    constexpr size_t kMaxJobs = 64, kMaxJobSections = 8192;
    auto fill = [&]() -> Status {
      while (next < pending->size() &&
             (jobs.empty() || (jobs.size() < kMaxJobs && jobs_sections < kMaxJobSections))) {
        const auto& doc = (*pending)[next++];
        const bool gone = doc.status == "gone";
        if (!gone && (!doc.version_id || !doc.extracted)) {
          ++stats_.documents_pending;
          continue;
        }
        auto job = std::make_unique<Job>();
        job->doc = &doc;
        job->gone = gone;
        if (!gone) {
          auto sections = store_.catalog().sections_of(*doc.version_id);
          if (!sections) return tl::make_unexpected(sections.error());
          job->sections = std::move(*sections);
          jobs_sections += job->sections.size();
        }
        if (gone) {
          job->ready = true;
        } else if (pool) {
          pool->submit(job.get());
        } else {
          local->prepare(*job);
          job->ready = true;
        }
        jobs.push_back(std::move(job));
      }
      return {};
    };
    while (true) {
      if (auto st = fill(); !st) return fail(st.error());
      if (jobs.empty()) break;
      Job& job = *jobs.front();
      if (pool && !job.gone) pool->wait(job);
      const PendingDoc& doc = *job.doc;
      if (!job.error.empty()) {
        return fail(
            Error{ErrorCode::kIndex, "document " + std::to_string(doc.id) + ": " + job.error});
      }
      if (!in_txn) {
        db_.begin_transaction();
        in_txn = true;
      }
      db_.delete_document(std::string(kPrefixDocument) + std::to_string(doc.id));
      if (job.gone) {
        if (doc.was_indexed) ++stats_.documents_removed;
      } else {
        // Every section of the document went with its XDOC term just now, so adding is
        // replacing (the unique id term names one section of this document).
        for (const auto& xdoc : job.xdocs) db_.add_document(xdoc);
        stats_.sections_added += job.xdocs.size();
        batch_sections += job.xdocs.size();
        job.xdocs.clear();
        ++stats_.documents_indexed;
        if (batch_spelling.empty()) {
          batch_spelling = std::move(job.spelling);
        } else {
          for (const auto& [word, freq] : job.spelling) batch_spelling[word] += freq;
        }
      }
      batch.push_back(&doc);
      jobs_sections -= job.sections.size();
      jobs.pop_front();
      if (batch_sections >= options_.batch_sections) {
        if (auto st = flush(); !st) return fail(st.error());
      }
    }
    if (auto st = flush(); !st) return tl::make_unexpected(st.error());
    db_.commit();
    stats_.sections_in_index = db_.get_doccount();
    db_.close();
  } catch (const Xapian::DatabaseLockError& e) {
    return make_error(ErrorCode::kBusy, dir.string() + ": another process is writing the index (" +
                                            e.get_msg() + ")");
  } catch (const Xapian::Error& e) {
    return make_error(ErrorCode::kIndex, dir.string() + ": " + e.get_description());
  }
  stats_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return stats_;
}

Status Writer::load_towns() {
  auto towns = store_.catalog().municipalities();
  if (!towns) return tl::make_unexpected(towns.error());
  for (auto& [id, m] : *towns) towns_[id] = TownInfo{m.name, m.county, m.population};
  return {};
}

unsigned Writer::prepare_threads() const {
  if (options_.threads >= 0) return static_cast<unsigned>(options_.threads);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp(cores - 1, 1u, 3u);
}

}  // namespace detail

Result<IndexStats> update_index(corpus::Store& store, const IndexOptions& options) {
  detail::Writer writer(store, options);
  return writer.run();
}

}  // namespace policyindex::index
