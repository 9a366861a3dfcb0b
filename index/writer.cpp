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
#include <fcntl.h>
#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "index/index.h"

namespace policyindex::index {
namespace {


struct TownInfo {
  std::string name;
  std::string county;
  std::optional<int64_t> population;
};

struct PendingDoc {
  int64_t id = 0;
  std::string status;
  std::optional<int64_t> version_id;
  std::optional<int64_t> municipality_id;
  std::string url;
  std::string doc_type;
  std::string title;
  bool extracted = false;
  std::string fingerprint;
  std::string fetched_at;
  bool was_indexed = false;
};

constexpr std::string_view kFingerprintSql =
    "coalesce(e.extracted_at,'') || '|' || coalesce(e.tagger_version,'') || '|' || "
    "coalesce(e.status,'') || '|' || d.title || '|' || d.doc_type || '|' || "
    "coalesce(d.municipality_id,'') || '|' || coalesce(e.title,'')";

std::string join_sorted(std::set<std::string> values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += kMultiValueSeparator;
    out += v;
  }
  return out;
}

std::string pad(int64_t n, int width) {
  std::string s = std::to_string(n);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

// Word -> occurrences, for the spelling table.
using SpellingCounts = std::unordered_map<std::string, Xapian::termcount>;

// The English stemmer behind a cache (a corpus repeats its words: most calls are hits),
// counting the words it is asked for: with STEM_ALL_Z, no stopper and no prefix, the
// TermGenerator stems exactly the words that FLAG_SPELLING would pass to add_spelling.
class CountingStemmer : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override {
    if (counts_ != nullptr) ++(*counts_)[word];
    auto it = cache_.find(word);
    if (it != cache_.end()) return it->second;
    std::string stem = english_(word);
    if (cache_.size() >= kMaxCached) cache_.clear();
    cache_.emplace(word, stem);
    return stem;
  }
  std::string get_description() const override { return "english, cached"; }
  void count_into(SpellingCounts* counts) { counts_ = counts; }

 private:
  static constexpr size_t kMaxCached = size_t{1} << 18;
  Xapian::Stem english_{"english"};
  std::unordered_map<std::string, std::string> cache_;
  SpellingCounts* counts_ = nullptr;
};

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
  bool ready = false;  // guarded by Pipeline's mutex when a pipeline prepares the job
};

// Turns sections into Xapian documents. Not thread-safe: one per thread.
class Preparer {
 public:
  Preparer(const std::map<int64_t, TownInfo>& towns, bool spelling)
      : towns_(towns), spelling_(spelling), stemmer_(new CountingStemmer) {
    termgen_.set_stemmer(Xapian::Stem(stemmer_));  // the Stem owns (reference counts) it
    termgen_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  }

  void prepare(Job& job) noexcept {
    try {
      stemmer_->count_into(spelling_ ? &job.spelling : nullptr);
      index_document(*job.doc, job.sections, job.xdocs);
    } catch (const Xapian::Error& e) {
      job.error = e.get_description();
    } catch (const std::exception& e) {
      job.error = e.what();
    }
    stemmer_->count_into(nullptr);
    // Xapian's reference counts are not atomic: keep no handle on a document handed over.
    termgen_.set_document(blank_);
  }

 private:
  void index_document(const PendingDoc& doc, const std::vector<corpus::StoredSection>& sections,
                      std::vector<Xapian::Document>& out) {
    const TownInfo* town = nullptr;
    if (doc.municipality_id) {
      auto it = towns_.find(*doc.municipality_id);
      if (it != towns_.end()) town = &it->second;
    }
    const std::string town_name = town ? town->name : "";
    const std::string county = town ? town->county : "";
    const std::string title = doc.title.empty() ? doc.url : doc.title;
    const std::string date = doc.fetched_at.substr(0, 10);
    const std::string year = doc.fetched_at.substr(0, 4);
    std::set<std::string> seen_keys;
    for (const auto& s : sections) {
      // (Built with append: GCC 12 warns falsely on "s" + std::to_string() here, PR 105329.)
      std::string key = s.key;
      if (key.empty()) key.append(1, 's').append(std::to_string(s.ord));
      if (!seen_keys.insert(key).second) key.append(1, '~').append(std::to_string(s.ord));
      const std::string skey = section_key(doc.id, key);

      Xapian::Document xdoc;
      termgen_.set_document(xdoc);
      if (!s.heading.empty()) {
        termgen_.index_text(fold_text(s.heading, false), 2);
        termgen_.increase_termpos();
      }
      if (!s.number.empty()) {
        termgen_.index_text(fold_text(s.number, false));
        termgen_.increase_termpos();
      }
      // Diacritics only: the TermGenerator folds case itself, and needs the capitals to see
      // acronyms ("U.S.C." -> usc, as the query parser does).
      termgen_.index_text(fold_text(s.text, false));
      for (const auto* part : {&s.heading, &s.text}) {
        for (const auto& tok : find_legal_tokens(*part)) {
          for (const auto& t : tok.terms) xdoc.add_term(std::string(kPrefixLegal) + t);
        }
      }

      xdoc.add_boolean_term(id_term(skey));
      xdoc.add_boolean_term(std::string(kPrefixDocument) + std::to_string(doc.id));
      if (!town_name.empty()) xdoc.add_boolean_term(std::string(kPrefixTown) + town_term(town_name));
      if (!county.empty()) xdoc.add_boolean_term(std::string(kPrefixCounty) + facet_term(county));
      if (!doc.doc_type.empty()) {
        xdoc.add_boolean_term(std::string(kPrefixType) + facet_term(doc.doc_type));
      }
      if (year.size() == 4) xdoc.add_boolean_term(std::string(kPrefixYear) + year);
      std::set<std::string> provisions, stances, cites;
      std::set<std::pair<std::string, std::string>> pairs;
      std::vector<std::pair<std::string, std::string>> prov;
      for (const auto& h : s.hits) {
        provisions.insert(h.provision);
        stances.insert(h.stance);
        if (pairs.emplace(h.provision, h.stance).second) {
          prov.emplace_back(h.provision, h.stance);
        }
        xdoc.add_boolean_term(std::string(kPrefixProvision) + facet_term(h.provision));
        xdoc.add_boolean_term(std::string(kPrefixStance) + facet_term(h.stance));
        xdoc.add_boolean_term(std::string(kPrefixProvisionStance) + facet_term(h.provision) + ":" +
                              facet_term(h.stance));
      }
      for (const auto& c : s.cites) {
        cites.insert(c);
        xdoc.add_boolean_term(std::string(kPrefixCite) + facet_term(c));
      }

      if (!date.empty()) xdoc.add_value(kSlotDate, date);
      if (town && town->population) {
        xdoc.add_value(kSlotPopulation,
                       Xapian::sortable_serialise(static_cast<double>(*town->population)));
      }
      std::string sort_key = town_term(town_name);
      sort_key.append(1, '\x1f').append(pad(doc.id, 12)).append(1, '\x1f').append(pad(s.ord, 8));
      xdoc.add_value(kSlotSortKey, sort_key);
      if (!town_name.empty()) xdoc.add_value(kSlotFacetTown, town_name);
      if (!county.empty()) xdoc.add_value(kSlotFacetCounty, county);
      if (!doc.doc_type.empty()) xdoc.add_value(kSlotFacetType, doc.doc_type);
      if (!provisions.empty()) xdoc.add_value(kSlotFacetProvision, join_sorted(provisions));
      if (!stances.empty()) xdoc.add_value(kSlotFacetStance, join_sorted(stances));
      if (!cites.empty()) xdoc.add_value(kSlotFacetCite, join_sorted(cites));

      SectionRecord data{skey, std::to_string(doc.id), town_name, county, doc.doc_type, title, doc.url,
                         s.number, s.heading, s.page, s.text, std::move(prov), s.cites};
      xdoc.set_data(encode_section_record(data));
      out.push_back(std::move(xdoc));
    }
  }

  const std::map<int64_t, TownInfo>& towns_;
  const bool spelling_;
  CountingStemmer* stemmer_;  // owned by termgen_'s Stem
  Xapian::TermGenerator termgen_;
  Xapian::Document blank_;
};

// Threads preparing jobs in the order they were submitted; the writer waits for each in turn.
class Pipeline {
 public:
  Pipeline(const std::map<int64_t, TownInfo>& towns, bool spelling, unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) {
      threads_.emplace_back([this, &towns, spelling] {
        Preparer preparer(towns, spelling);  // Xapian objects of this thread only
        work(preparer);
      });
    }
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  // Jobs still queued are dropped; one being prepared is finished first.
  ~Pipeline() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void submit(Job* job) {
    {
      std::lock_guard lock(mutex_);
      queued_.push_back(job);
    }
    work_cv_.notify_one();
  }

  void wait(const Job& job) {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [&] { return job.ready; });
  }

 private:
  void work(Preparer& preparer) {
    while (true) {
      Job* job = nullptr;
      {
        std::unique_lock lock(mutex_);
        work_cv_.wait(lock, [&] { return stop_ || !queued_.empty(); });
        if (stop_) return;
        job = queued_.front();
        queued_.pop_front();
      }
      preparer.prepare(*job);
      {
        std::lock_guard lock(mutex_);
        job->ready = true;
      }
      done_cv_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Job*> queued_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

class Writer {
 public:
  Writer(corpus::Store& store, const IndexOptions& options) : store_(store), options_(options) {}

  Result<IndexStats> run() {
    auto t0 = std::chrono::steady_clock::now();
    auto dir = (options_.index_dir.empty() ? store_.index_dir() : options_.index_dir).lexically_normal();
    if (!dir.has_filename()) dir = dir.parent_path();  // "out/idx/" is the folder "out/idx"
    // The catalog's commits here need not be synced one by one (WAL, synchronous=NORMAL: a
    // killed process loses nothing; a power cut may take back the last ones): every Xapian
    // commit is synced before the catalog is told, and a lost catalog update only makes
    // the next run write those documents again. Restored when the run ends.
    struct SyncNormal {
      corpus::Catalog& catalog;
      bool changed;
      explicit SyncNormal(corpus::Catalog& c)
          : catalog(c), changed(c.exec("PRAGMA synchronous=NORMAL").has_value()) {}
      ~SyncNormal() {
        if (changed) (void)catalog.exec("PRAGMA synchronous=FULL");
      }
    } sync_normal(store_.catalog());
    try {
      bool fresh = options_.rebuild || !std::filesystem::exists(dir);
      if (options_.rebuild) {
        // Forget what the catalog thinks the index holds before the index is dropped: a
        // kill between the two then re-indexes everything, which is what was asked for.
        if (auto st = forget_indexed(); !st) return tl::make_unexpected(st.error());
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
      auto known = meta("xapian_uuid");
      if (!known) return tl::make_unexpected(known.error());
      if (fresh || *known != uuid) {
        if (auto st = forget_indexed(); !st) return tl::make_unexpected(st.error());
        if (auto st = set_meta("xapian_uuid", uuid); !st) return tl::make_unexpected(st.error());
      }
      if (auto st = load_towns(); !st) return tl::make_unexpected(st.error());
      auto pending = load_pending();
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
        if (auto st = mark_indexed(batch); !st) return st;
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

      // Jobs in catalog order: read here, prepared by the pipeline's threads (or right
      // here without threads), written here. Declared before the pipeline, so that the
      // pipeline's threads are joined before the jobs go.
      std::deque<std::unique_ptr<Job>> jobs;
      size_t jobs_sections = 0, next = 0;
      std::optional<Preparer> local;
      std::unique_ptr<Pipeline> pipeline;
      if (const unsigned n = prepare_threads(); n > 0) {
        pipeline = std::make_unique<Pipeline>(towns_, options_.spelling, n);
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
          } else if (pipeline) {
            pipeline->submit(job.get());
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
        if (pipeline && !job.gone) pipeline->wait(job);
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

 private:
  // --------------------------------------------------------------------------------------
  // Bulk build. Filling an empty index, the writer's thread is the limit (Xapian's posting
  // maps, zlib on every document's data and termlist), so several threads each prepare and
  // write a contiguous run of the documents into a shard of their own, and the shards are
  // compacted into one database (Xapian renumbers them in order: the same document ids, terms,
  // positions, values, data and spelling frequencies as one writer would give), which then
  // takes the index directory's place (an atomic exchange of the two directories). The
  // catalog learns only at the end; a run killed before leaves the empty index and the
  // build's working directory (`.NAME.policyindex-build` beside it), which the next run
  // removes before building again.

  // How many shards to build: 0 or 1 for the ordinary incremental path.
  unsigned bulk_shards(const std::vector<PendingDoc>& pending) {
    if (options_.threads == 0 || db_.get_doccount() != 0 || pending.empty()) return 0;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned shards =
        options_.threads > 0 ? static_cast<unsigned>(options_.threads) + 1 : std::min(cores, 4u);
    if (shards < 2) return 0;
    auto counts = section_work();
    if (!counts) return 0;  // the ordinary path reports the catalog's error
    size_t sections = 0;
    for (const auto& d : pending) {
      if (d.status != "gone" && d.version_id && d.extracted) {
        auto it = counts->find(*d.version_id);
        if (it != counts->end()) sections += it->second.sections;
      }
    }
    if (sections < options_.bulk_min_sections) return 0;
    section_work_ = std::move(*counts);
    return shards;
  }

  // Version id -> the work of indexing its sections: a fixed cost per section and one per
  // byte of the extracted text it covers (used to split the documents into shards of equal work).
  struct Work {
    size_t sections = 0;
    size_t cost = 0;
  };
  Result<std::map<int64_t, Work>> section_work() {
    auto stmt = store_.catalog().prepare(
        "SELECT s.version_id, count(*), sum(max(0, s.end_offset - s.start_offset)) "
        "FROM documents d JOIN sections s "
        "ON s.version_id = d.current_version_id GROUP BY s.version_id");
    if (!stmt) return tl::make_unexpected(stmt.error());
    std::map<int64_t, Work> out;
    while (true) {
      auto row = stmt->step();
      if (!row) return tl::make_unexpected(row.error());
      if (!*row) break;
      const auto n = static_cast<size_t>(stmt->int64(1));
      out[stmt->int64(0)] = Work{n, n * 512 + static_cast<size_t>(stmt->int64(2))};
    }
    return out;
  }

  struct Shard {
    std::filesystem::path dir;
    std::vector<const PendingDoc*> docs;  // a contiguous run of the catalog order
    size_t fed = 0;                       // writer's thread only
    std::deque<std::unique_ptr<Job>> queue;
    bool closed = false;  // no more jobs coming
    std::thread thread;
  };

  struct BulkState {
    std::mutex mutex;
    std::condition_variable work_cv, space_cv;
    bool abort = false;
    std::string error;
    size_t documents_done = 0, sections_done = 0;
  };

  static constexpr size_t kShardQueue = 32;

  void shard_main(Shard& shard, BulkState& state) {
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

  static void fail_bulk(BulkState& state, std::string message) {
    {
      std::lock_guard lock(state.mutex);
      if (state.error.empty()) state.error = std::move(message);
      state.abort = true;
    }
    state.work_cv.notify_all();
    state.space_cv.notify_all();
  }

  // A bulk build's working directory, beside the index: the shards, the merged database
  // before it takes the index's place, and then the empty index it replaced. Nothing else
  // is ever put there (a user's "xapian.old" or "xapian.shard1" beside it is not ours).
  static std::filesystem::path build_dir_of(const std::filesystem::path& dir) {
    return dir.parent_path() / ("." + dir.filename().string() + ".policyindex-build");
  }

  // Puts the database at FROM in DIR's place. One atomic exchange where the file system has
  // it (the index is never missing: a reader or a second writer opening DIR meanwhile finds
  // the old or the new database); elsewhere two renames, the old one put back if the second
  // fails. What DIR held ends up at FROM (exchange) or ASIDE.
  static Status swap_into_place(const std::filesystem::path& from, const std::filesystem::path& dir,
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

  // The writer's thread reads the catalog for the shards' threads, in turn, each a few
  // documents ahead.
  Status feed(std::vector<Shard>& parts, BulkState& state, IndexProgress& progress) {
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

  Status bulk_build(const std::filesystem::path& dir, const std::vector<PendingDoc>& pending,
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
    if (auto st = set_meta("xapian_uuid", uuid); !st) return st;
    if (auto st = mark_indexed(marks); !st) return st;
    hold.close();
    progress.documents_done = marks.size();
    progress.sections_added = stats_.sections_added;
    if (options_.progress) options_.progress(progress);
    return {};
  }

  size_t work_of(const PendingDoc& d) const {
    if (!d.version_id) return 0;
    auto it = section_work_.find(*d.version_id);
    return it == section_work_.end() ? 0 : it->second.cost;
  }

  Result<std::string> meta(std::string_view key) {
    auto stmt = store_.catalog().prepare("SELECT value FROM meta WHERE key=?1");
    if (!stmt) return tl::make_unexpected(stmt.error());
    stmt->bind(1, key);
    auto row = stmt->step();
    if (!row) return tl::make_unexpected(row.error());
    return *row ? stmt->text(0) : std::string();
  }

  Status set_meta(std::string_view key, std::string_view value) {
    auto stmt = store_.catalog().prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
    if (!stmt) return tl::make_unexpected(stmt.error());
    stmt->bind(1, key).bind(2, value);
    return stmt->run();
  }

  Status forget_indexed() {
    return store_.catalog().exec(
        "UPDATE documents SET indexed_version_id=NULL, indexed_status=NULL, "
        "indexed_fingerprint=NULL");
  }

  Status load_towns() {
    auto towns = store_.catalog().municipalities();
    if (!towns) return tl::make_unexpected(towns.error());
    for (auto& [id, m] : *towns) towns_[id] = TownInfo{m.name, m.county, m.population};
    return {};
  }

  Result<std::vector<PendingDoc>> load_pending() {
    const std::string fp(kFingerprintSql);
    auto stmt = store_.catalog().prepare(
        "SELECT d.id, d.status, d.current_version_id, d.municipality_id, d.url, d.doc_type, "
        "CASE WHEN d.title <> '' THEN d.title ELSE coalesce(e.title, '') END, "
        "e.version_id IS NOT NULL AND e.status = 'ok', " + fp + ", coalesce(v.fetched_at, ''), "
        "d.indexed_version_id IS NOT NULL AND d.indexed_status = 'active' "
        "FROM documents d LEFT JOIN extractions e ON e.version_id = d.current_version_id "
        "LEFT JOIN versions v ON v.id = d.current_version_id "
        "WHERE d.indexed_version_id IS NOT d.current_version_id "
        "OR d.indexed_status IS NOT d.status OR d.indexed_fingerprint IS NOT (" + fp + ") "
        "ORDER BY d.id");
    if (!stmt) return tl::make_unexpected(stmt.error());
    std::vector<PendingDoc> out;
    while (true) {
      auto row = stmt->step();
      if (!row) return tl::make_unexpected(row.error());
      if (!*row) break;
      PendingDoc d;
      d.id = stmt->int64(0);
      d.status = stmt->text(1);
      d.version_id = stmt->opt_int64(2);
      d.municipality_id = stmt->opt_int64(3);
      d.url = stmt->text(4);
      d.doc_type = stmt->text(5);
      d.title = stmt->text(6);
      d.extracted = stmt->int64(7) != 0;
      d.fingerprint = stmt->text(8);
      d.fetched_at = stmt->text(9);
      d.was_indexed = stmt->int64(10) != 0;
      out.push_back(std::move(d));
    }
    // A version whose extraction failed has no sections: it is "indexed" as empty.
    auto failed = store_.catalog().prepare("SELECT status FROM extractions WHERE version_id=?1");
    if (!failed) return tl::make_unexpected(failed.error());
    for (auto& d : out) {
      if (d.extracted || !d.version_id) continue;
      failed->bind(1, *d.version_id);
      auto row = failed->step();
      if (!row) return tl::make_unexpected(row.error());
      if (*row && failed->text(0) != "ok") d.extracted = true;  // index as empty
      failed->reset();
    }
    return out;
  }


  Status mark_indexed(const std::vector<const PendingDoc*>& batch) {
    auto& cat = store_.catalog();
    if (auto st = cat.begin(); !st) return st;
    auto stmt = cat.prepare(
        "UPDATE documents SET indexed_version_id=?1, indexed_status=?2, indexed_fingerprint=?3 "
        "WHERE id=?4");
    if (!stmt) {
      cat.rollback();
      return tl::make_unexpected(stmt.error());
    }
    for (const auto* d : batch) {
      stmt->bind(1, d->version_id).bind(2, std::string_view(d->status));
      stmt->bind(3, std::string_view(d->fingerprint)).bind(4, d->id);
      if (auto st = stmt->run(); !st) {
        cat.rollback();
        return st;
      }
      stmt->reset();
    }
    return cat.commit();
  }

  corpus::Store& store_;
  const IndexOptions& options_;
  unsigned prepare_threads() const {
    if (options_.threads >= 0) return static_cast<unsigned>(options_.threads);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    return std::clamp(cores - 1, 1u, 3u);
  }

  Xapian::WritableDatabase db_;
  std::map<int64_t, TownInfo> towns_;
  std::map<int64_t, Work> section_work_;  // version id -> work (bulk build)
  IndexStats stats_;
};

}  // namespace

Result<IndexStats> update_index(corpus::Store& store, const IndexOptions& options) {
  Writer writer(store, options);
  return writer.run();
}

}  // namespace policyindex::index
