// Bulk build. Filling an empty index, the writer's thread is the limit (Xapian's posting
// maps, zlib on every document's data and termlist), so several threads each prepare and
// write a contiguous run of the documents into a shard of their own, and the shards are
// compacted into one database (Xapian renumbers them in order: the same document ids, terms,
// positions, values, data and spelling frequencies as one writer would give), which then
// takes the index directory's place (an atomic exchange of the two directories). The
// catalog learns only at the end; a run killed before leaves the empty index and the
// build's working directory (`.NAME.policyindex-build` beside it), which the next run
// removes before building again.

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "index/writer_internal.h"

namespace policyindex::index::detail {
namespace {

// Jobs queued for one shard's thread at most.
constexpr size_t kShardQueue = 32;

// Puts the database at FROM in DIR's place. One atomic exchange where the file system has
// it (the index is never missing: a reader or a second writer opening DIR meanwhile finds
// the old or the new database); elsewhere two renames, the old one put back if the second
// fails. What DIR held ends up at FROM (exchange) or ASIDE.
Status swap_into_place(const std::filesystem::path& from, const std::filesystem::path& dir,
                              const std::filesystem::path& aside) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) return {};
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
    return make_error(ErrorCode::kIo, dir.string() + ": cannot swap in " + from.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(dir, aside, ec);
  if (ec) return make_error(ErrorCode::kIo, dir.string() + ": " + ec.message());
  std::filesystem::rename(from, dir, ec);
  if (ec) {
    std::error_code back;
    std::filesystem::rename(aside, dir, back);
    return make_error(ErrorCode::kIo, from.string() + ": " + ec.message());
  }
  return {};
}

}  // namespace

// A bulk build's working directory, beside the index: the shards, the merged database
// before it takes the index's place, and then the empty index it replaced. Nothing else
// is ever put there (a user's "xapian.old" or "xapian.shard1" beside it is not ours).
std::filesystem::path build_dir_of(const std::filesystem::path& dir) {
  return dir.parent_path() / ("." + dir.filename().string() + ".policyindex-build");
}

// How many shards to build: 0 or 1 for the ordinary incremental path.
unsigned Writer::bulk_shards(const std::vector<PendingDoc>& pending) {
  if (options_.threads == 0 || db_.get_doccount() != 0 || pending.empty()) return 0;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned shards =
      options_.threads > 0 ? static_cast<unsigned>(options_.threads) + 1 : std::min(cores, 4u);
  if (shards < 2) return 0;
  auto volumes = state_.section_volumes();
  if (!volumes) return 0;  // the ordinary path reports the catalog's error
  size_t sections = 0;
  for (const auto& d : pending) {
    if (d.status != "gone" && d.version_id && d.extracted) {
      auto it = volumes->find(*d.version_id);
      if (it != volumes->end()) sections += it->second.sections;
    }
  }
  if (sections < options_.bulk_min_sections) return 0;
  section_work_.clear();
  for (const auto& [version, v] : *volumes) section_work_[version] = v.sections * 512 + v.text_bytes;
  return shards;
}

struct Writer::Shard {
  std::filesystem::path dir;
  std::vector<const PendingDoc*> docs;  // a contiguous run of the catalog order
  size_t fed = 0;                       // writer's thread only
  std::deque<std::unique_ptr<Job>> queue;
  bool closed = false;  // no more jobs coming
  std::thread thread;
};

struct Writer::BulkState {
  std::mutex mutex;
  std::condition_variable work_cv, space_cv;
  bool abort = false;
  std::string error;
  size_t documents_done = 0, sections_done = 0;
};

void Writer::shard_main(Shard& shard, BulkState& state) {
  try {
    // A shard is thrown away after a crash: no syncs (the merged database is synced).
    Xapian::WritableDatabase db(shard.dir.string(),
                                Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    Preparer preparer(towns_, options_.spelling);
    SpellingCounts spelling;
    while (true) {
      std::unique_ptr<Job> job;
      {
        std::unique_lock lock(state.mutex);
        state.work_cv.wait(lock,
                           [&] { return state.abort || !shard.queue.empty() || shard.closed; });
        if (state.abort) return;
        if (shard.queue.empty()) break;
        job = std::move(shard.queue.front());
        shard.queue.pop_front();
      }
      state.space_cv.notify_all();
      preparer.prepare(*job);
      if (!job->error.empty()) {
        throw std::runtime_error("document " + std::to_string(job->doc->id) + ": " + job->error);
      }
      for (const auto& xdoc : job->xdocs) db.add_document(xdoc);
      if (spelling.empty()) {
        spelling = std::move(job->spelling);
      } else {
        for (const auto& [word, freq] : job->spelling) spelling[word] += freq;
      }
      std::lock_guard lock(state.mutex);
      ++state.documents_done;
      state.sections_done += job->xdocs.size();
    }
    for (const auto& [word, freq] : spelling) db.add_spelling(word, freq);
    db.commit();
    db.close();
  } catch (const Xapian::Error& e) {
    fail_bulk(state, shard.dir.string() + ": " + e.get_description());
  } catch (const std::exception& e) {
    fail_bulk(state, shard.dir.string() + ": " + e.what());
  }
}

void Writer::fail_bulk(BulkState& state, std::string message) {
  {
    std::lock_guard lock(state.mutex);
    if (state.error.empty()) state.error = std::move(message);
    state.abort = true;
  }
  state.work_cv.notify_all();
  state.space_cv.notify_all();
}

// The writer's thread reads the catalog for the shards' threads, in turn, each a few
// documents ahead.
Status Writer::feed(std::vector<Shard>& parts, BulkState& state, IndexProgress& progress) {
  auto last_report = std::chrono::steady_clock::now();
  while (true) {
    bool remaining = false, queued = false;
    for (auto& part : parts) {
      if (part.fed >= part.docs.size()) continue;
      remaining = true;
      {
        std::lock_guard lock(state.mutex);
        if (state.abort || part.queue.size() >= kShardQueue) continue;
      }
      auto job = std::make_unique<Job>();
      job->doc = part.docs[part.fed++];
      auto sections = store_.catalog().sections_of(*job->doc->version_id);
      if (!sections) return tl::make_unexpected(sections.error());
      job->sections = std::move(*sections);
      {
        std::lock_guard lock(state.mutex);
        part.queue.push_back(std::move(job));
      }
      state.work_cv.notify_all();
      queued = true;
    }
    if (!remaining) return {};
    std::unique_lock lock(state.mutex);
    if (state.abort) return {};
    const auto now = std::chrono::steady_clock::now();
    if (options_.progress && now - last_report > std::chrono::milliseconds(200)) {
      last_report = now;
      progress.documents_done = state.documents_done;
      progress.sections_added = state.sections_done;
      lock.unlock();
      options_.progress(progress);
      lock.lock();
    }
    if (!queued) {
      state.space_cv.wait(lock, [&] {
        if (state.abort) return true;
        for (const auto& part : parts) {
          if (part.fed < part.docs.size() && part.queue.size() < kShardQueue) return true;
        }
        return false;
      });
    }
  }
}

Status Writer::bulk_build(const std::filesystem::path& dir, const std::vector<PendingDoc>& pending,
                  unsigned shards) {
  // The documents to write, split into contiguous runs of about equal section counts.
  std::vector<const PendingDoc*> write, marks;
  size_t total = 0;
  for (const auto& d : pending) {
    const bool gone = d.status == "gone";
    if (!gone && (!d.version_id || !d.extracted)) {
      ++stats_.documents_pending;
      continue;
    }
    marks.push_back(&d);
    if (gone) {
      if (d.was_indexed) ++stats_.documents_removed;
      continue;
    }
    write.push_back(&d);
    total += work_of(d);
    ++stats_.documents_indexed;
  }
  std::vector<Shard> parts(shards);
  {
    size_t k = 0, acc = 0;
    for (const auto* d : write) {
      if (k + 1 < shards && acc >= total * (k + 1) / shards) ++k;
      parts[k].docs.push_back(d);
      acc += work_of(*d);
    }
  }
  const auto work = build_dir_of(dir);
  {
    std::error_code ec;
    std::filesystem::create_directories(work, ec);
    if (ec) return make_error(ErrorCode::kIo, work.string() + ": " + ec.message());
  }
  for (unsigned k = 0; k < shards; ++k) parts[k].dir = work / ("shard" + std::to_string(k));

  BulkState state;
  IndexProgress progress;
  progress.documents_total = pending.size();
  for (auto& part : parts) {
    part.thread = std::thread([this, &part, &state] { shard_main(part, state); });
  }
  auto join = [&] {
    {
      std::lock_guard lock(state.mutex);
      for (auto& part : parts) part.closed = true;
    }
    state.work_cv.notify_all();
    for (auto& part : parts) {
      if (part.thread.joinable()) part.thread.join();
    }
  };
  // Feed the shards in turn, each a few documents ahead of its thread.
  Status fed = {};
  try {
    fed = feed(parts, state, progress);
  } catch (...) {
    fail_bulk(state, "interrupted");
    join();
    throw;
  }
  if (!fed) fail_bulk(state, fed.error().message);
  join();
  auto cleanup = [&] {
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
  };
  if (!fed) {
    cleanup();
    return fed;
  }
  if (state.abort) {
    cleanup();
    return make_error(ErrorCode::kIndex, state.error);
  }

  // Merge, and put the merged database in the index's place.
  const auto merged = work / "new";
  {
    Xapian::Database all;
    for (const auto& part : parts) all.add_database(Xapian::Database(part.dir.string()));
    all.compact(merged.string());
  }
  for (const auto& part : parts) {
    std::error_code ec;
    std::filesystem::remove_all(part.dir, ec);
  }
  // Holding the merged database's write lock (it moves with the directory) while the
  // empty index's is let go: no other writer gets in between.
  Xapian::WritableDatabase hold(merged.string(), Xapian::DB_OPEN);
  const std::string uuid = hold.get_uuid();
  db_.close();
  if (auto st = swap_into_place(merged, dir, work / "old"); !st) return st;
  cleanup();
  stats_.sections_added = state.sections_done;
  stats_.sections_in_index = hold.get_doccount();
  stats_.shards = parts.size();
  if (auto st = state_.set_index_uuid(uuid); !st) return st;
  if (auto st = state_.mark_indexed(marks); !st) return st;
  hold.close();
  progress.documents_done = marks.size();
  progress.sections_added = stats_.sections_added;
  if (options_.progress) options_.progress(progress);
  return {};
}

size_t Writer::work_of(const PendingDoc& d) const {
  if (!d.version_id) return 0;
  auto it = section_work_.find(*d.version_id);
  return it == section_work_.end() ? 0 : it->second;
}

}  // namespace policyindex::index::detail
