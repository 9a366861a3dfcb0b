// The crawl: frontier with per-host queues served round-robin, politeness (per-host
// concurrency, delay, robots.txt), manual redirects (each hop checked for scheme, loops and
// robots.txt of its host), retries with backoff, conditional GET, discovery, and group
// commits into the store. Runs on one thread: the engine's loop.
//
// Durability and resume: responses stream into blobs. The loop only copies body bytes into
// a bounded queue (16 MB); two writer threads (each body stays on one) write them to
// temporary blob files, hash them and seal each finished body (close it and keep its
// sha256). Every ~200 ms (or 256
// results) the loop hands a batch of results to the commit thread and goes on with its
// transfers. The commit thread waits until the writers have sealed every body of the batch,
// makes those blobs durable (one syncfs; what queued up meanwhile is merged into one bigger
// commit) and then writes, in one catalog transaction, the versions, the fetch log, the
// frontier rows of newly discovered links and the "done" state of finished URLs: a catalog
// row never references a blob that is not durably on disk. A SIGKILL loses at most the
// uncommitted batches; the next crawl finds the unfinished run and continues with its
// queued rows. The run's own rows (crawl_runs, the frontier) are the commit thread's first
// transaction, written while the first requests are in flight.
//
// During the run the catalog belongs to the commit thread alone (the loop and the writers
// never touch it): the conditional-GET validators and current versions of every known document are
// loaded once at start.

#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <map>
#include <random>
#include <set>
#include <unordered_set>

#include "crawler/crawler.h"
#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kParseCap = 8u << 20;        // HTML/XML kept in memory for link discovery
constexpr size_t kErrorBodyCap = 1u << 20;    // bodies of error responses are read and dropped
constexpr size_t kGroupCommitResults = 256;  // stored bodies per batch
constexpr size_t kGroupCommitMax = 4096;     // results per batch
constexpr size_t kSpareLow = 32, kSpareHigh = 96;  // blob writers made ahead
constexpr size_t kWriteQueueCap = 16u << 20;  // buffer memory queued for the writer thread
constexpr size_t kWriters = 2;              // writer threads (a body stays on one)
constexpr size_t kSpareBuffers = 64;         // recycled chunk buffers (16 KB each)
constexpr int kTickMs = 200;
constexpr int kMaxRedirects = 10;
constexpr size_t kMaxLinksPerPage = 5000;

struct Item {
  std::string url;        // canonical; the frontier key and the document URL
  std::string fetch_url;  // differs from url after redirects
  std::optional<int64_t> municipality_id;
  int depth = 0;
  std::string kind;  // seed | source | page | document | known | sitemap
  std::string doc_type;
  std::string anchor;
  std::string parent;
  bool policy = false;  // fetch every document linked from this page
  int attempts = 0;     // failed attempts so far
  int redirects = 0;
  std::vector<std::string> chain;
  Clock::time_point not_before{};
};

bool derive_policy(const Item& it) {
  if (it.kind == "source") return true;
  if (it.kind == "known") return !it.doc_type.empty() && it.doc_type != "webpage";
  if (it.kind == "page") return policy_score(it.url, it.anchor) >= 2;
  return false;
}

enum class RobotsState { kUnknown, kFetching, kReady, kUnreachable };

struct Host {
  std::string origin;
  std::string name;  // host name, for same-site tests
  std::deque<Item> queue;
  std::vector<Item> delayed;  // retries waiting for their backoff
  int in_flight = 0;
  Clock::time_point next_start{};
  RobotsState robots_state = RobotsState::kUnknown;
  Robots robots = Robots::allow_all();
  int delay_ms = 0;
  int consecutive_failures = 0;
  bool parked = false;
  std::string park_reason;
  int64_t skipped = 0;
  bool seed_host = false;  // read the sitemaps robots.txt names
  std::optional<int64_t> municipality_id;
};

// A body in the hands of the writer thread: the loop queues its bytes and, at the end, a
// seal; the writer creates the temporary file, writes, hashes and seals it. The fields below
// `aborted` belong to the writer thread until it has passed the body's seal (the commit
// thread waits for that, under the writer's mutex, before it reads them).
struct BlobJob {
  std::atomic<bool> aborted{false};  // set by the loop: drop what is still queued
  size_t writer = 0;                  // the writer thread that carries out its operations
  std::optional<corpus::BlobWriter> blob;
  std::string sha;
  uint64_t size = 0;
  std::string error;  // the blob store's error (disk full, ...): the crawl stops
};

struct Body {
  Body() = default;
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;
  ~Body() {
    if (job) job->aborted = true;  // a transfer dropped in flight (interrupted crawl)
  }
  std::shared_ptr<BlobJob> job;
  bool store = true;  // documents and pages; not sitemaps
  bool decided = false;
  bool keep = false;  // keep a copy for link discovery
  std::string buffer;
  bool too_large = false;
};

// A URL whose fetch is over, waiting for the next group commit.
struct Finished {
  Item item;
  std::string outcome;  // stored | not_modified | gone | failed | disallowed | sitemap
  std::string reason;
  std::optional<int64_t> http_status;
  uint64_t bytes = 0;
  std::shared_ptr<BlobJob> job;  // stored bodies: sealed by the writer before the commit
  std::string content_type, etag, last_modified;
  corpus::FetchRecord log;
  std::vector<Item> discovered;
};

// Results handed from the loop to the commit thread.
struct Batch {
  std::vector<Finished> finished;
  std::vector<corpus::FetchRecord> logs;
  std::vector<Item> frontier;
  std::array<uint64_t, kWriters> write_seq{};  // each writer's queue position that seals every body of the batch
  bool empty() const { return finished.empty() && logs.empty() && frontier.empty(); }
};

// One operation for the writer thread.
struct WriteOp {
  std::shared_ptr<BlobJob> job;
  std::string data;
  enum Kind { kData, kSeal } kind = kData;
};

// A stored document as the crawl starts: validators for a conditional GET and its current
// version (for link discovery from an unchanged page).
struct Known {
  int64_t document_id = 0, version_id = 0;
  std::string etag, last_modified, sha256, content_type;
  uint64_t size = 0;
};

// "scheme://host[:port]" of an http(s) URL in canonical form: the text up to the path.
// Empty when the URL does not have that shape.
std::string_view canonical_origin(std::string_view url) {
  size_t start = 0;
  if (url.rfind("http://", 0) == 0) {
    start = 7;
  } else if (url.rfind("https://", 0) == 0) {
    start = 8;
  } else {
    return {};
  }
  const size_t slash = url.find('/', start);
  if (slash == std::string_view::npos || slash == start) return {};
  return url.substr(0, slash);
}

bool is_html(std::string_view content_type) {
  return content_type.find("html") != std::string_view::npos;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Crawler {
 public:
  Crawler(corpus::Store& store, const CrawlOptions& o, ProgressSink* p)
      : store_(store), cat_(store.catalog()), opts_(o), progress_(p), rng_(std::random_device{}()) {
    ua_ = opts_.user_agent.empty() ? default_user_agent() : opts_.user_agent;
    agent_token_ = lower(ua_.substr(0, ua_.find_first_of("/ ")));
  }

  ~Crawler() {
    stop_committer();
    stop_writer();
  }

  Result<CrawlSummary> run() {
    started_ = Clock::now();
    if (auto st = prepare_run(); !st) return tl::make_unexpected(st.error());
    committer_ = std::thread([this] {
      ::pthread_setname_np(::pthread_self(), "pi-commit");
      commit_loop();
    });
    for (size_t k = 0; k < kWriters; ++k) {
      writers_.emplace_back([this, k] {
        ::pthread_setname_np(::pthread_self(), "pi-writer");
        write_loop(k);
      });
    }
    engine_ = Engine::create();
    if (opts_.handle_signals) {
      engine_->on_signal([this] {
        summary_.interrupted = true;
        stopping_ = true;
        engine_->stop();
      });
    }
    engine_->after(0, [this] { pump(); });
    engine_->after(kTickMs, [this] { tick(); });
    engine_->run();
    submit();  // the last batch goes to the commit thread before the connections are closed
    engine_.reset();  // drops transfers still in flight (interrupted)
    stop_committer();  // commits what is queued (waiting for the writer), then ends
    stop_writer();
    summary_.run_id = run_id_;  // set by the commit thread (start_run), joined above
    collect();
    if (fatal_) return tl::make_unexpected(*fatal_);
    for (auto& [origin, h] : hosts_) {
      if (h->parked) summary_.parked_hosts.push_back({origin, h->park_reason, h->skipped});
    }
    summary_.elapsed_s = seconds_since(started_);
    if (progress_) progress_->update(snapshot());
    if (auto st = finish_run(); !st) return tl::make_unexpected(st.error());
    return std::move(summary_);
  }

 private:
  static double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  }

  // -- setup ------------------------------------------------------------------------------

  // Reads what the run needs (seeds, stored sources, known documents with their validators,
  // an unfinished run to resume) and queues the URLs: the loop can start at once. The run's
  // first catalog transaction — sources, the crawl_runs row, the frontier rows — is the
  // commit thread's first job (start_run), done while the first requests are in flight.
  // Nothing of a run is committed before it (one thread, in order), so a crawl killed before
  // that transaction leaves no trace of itself: the next one starts afresh.
  Status prepare_run() {
    // The commit thread touches rows of documents, frontier and fetch_log (and their
    // indexes) all over the catalog: with SQLite's default 2 MB page cache a refresh re-read
    // and spilled pages thousands of times (measured: 16k preads, 11k pwrites per no-change
    // refresh of 5,050 documents). 32 MB at most, on this connection.
    if (auto st = cat_.exec("PRAGMA cache_size=-32768"); !st) return st;
    std::vector<Seed> seeds = opts_.seeds;
    if (!opts_.registry.empty()) {
      auto reg = corpus::read_registry(opts_.registry);
      if (!reg) return tl::make_unexpected(reg.error());
      if (auto st = cat_.upsert_municipalities(reg->municipalities); !st) return st;
      for (const auto& m : reg->municipalities) {
        if (!m.website.empty()) seeds.push_back({m.website, m.name, "", "website"});
      }
      for (const auto& s : reg->sources) seeds.push_back({s.url, s.municipality, s.doc_type, "source"});
    }
    // Resolve seeds to municipalities and canonical URLs; remember them for refreshes.
    auto towns = cat_.municipalities();
    if (!towns) return tl::make_unexpected(towns.error());
    std::vector<Item> items;
    for (const auto& s : seeds) {
      auto url = canonical_url(s.url);
      if (!url) return make_error(ErrorCode::kInvalidArgument, "seed: " + url.error().message);
      Item it;
      it.url = it.fetch_url = *url;
      it.kind = s.kind == "source" ? "source" : "seed";
      it.doc_type = s.kind == "source" ? s.doc_type : "webpage";
      if (!s.municipality.empty()) {
        auto id = cat_.find_municipality(s.municipality);
        if (!id) return tl::make_unexpected(id.error());
        if (!*id) {
          return make_error(ErrorCode::kInvalidArgument, "unknown municipality '" + s.municipality +
                                                             "' for seed " + s.url);
        }
        it.municipality_id = *id;
      } else {
        auto host = parse_url(*url)->host;
        for (const auto& [id, m] : *towns) {
          if (m.website.empty()) continue;
          auto w = parse_url(m.website);
          if (w && same_site(w->host, host)) {
            it.municipality_id = id;
            break;
          }
        }
      }
      start_.sources.push_back({it.municipality_id, it.url, s.doc_type, s.kind.empty() ? "seed" : s.kind});
      items.push_back(std::move(it));
    }
    if (opts_.refresh) {
      auto src = cat_.prepare("SELECT url, municipality_id, doc_type, kind FROM sources ORDER BY id");
      if (!src) return tl::make_unexpected(src.error());
      while (true) {
        auto row = src->step();
        if (!row) return tl::make_unexpected(row.error());
        if (!*row) break;
        Item it;
        it.url = it.fetch_url = src->text(0);
        it.municipality_id = src->opt_int64(1);
        it.doc_type = src->text(2);
        it.kind = src->text(3) == "source" ? "source" : "seed";
        if (it.kind == "seed") it.doc_type = "webpage";
        items.push_back(std::move(it));
      }
    }

    // Every stored document, in one pass: validators and current version (the loop needs
    // them per request and must not touch the catalog), and, on a refresh, the crawled ones
    // as URLs to check.
    auto docs = cat_.prepare(
        "SELECT d.url, d.etag, d.last_modified, v.sha256, v.content_type, v.size, d.id, v.id, "
        "d.origin = 'crawl', d.municipality_id, d.doc_type "
        "FROM documents d LEFT JOIN versions v ON v.id = d.current_version_id ORDER BY d.id");
    if (!docs) return tl::make_unexpected(docs.error());
    while (true) {
      auto row = docs->step();
      if (!row) return tl::make_unexpected(row.error());
      if (!*row) break;
      if (opts_.refresh && docs->int64(8) != 0) {
        Item it;
        it.url = it.fetch_url = docs->text(0);
        it.municipality_id = docs->opt_int64(9);
        it.doc_type = docs->text(10);
        it.kind = "known";
        it.depth = 1;
        items.push_back(std::move(it));
      }
      if (!docs->opt_int64(7)) continue;  // no version yet
      Known k;
      k.etag = docs->opt_text(1).value_or("");
      k.last_modified = docs->opt_text(2).value_or("");
      k.sha256 = docs->text(3);
      k.content_type = docs->opt_text(4).value_or("");
      k.size = static_cast<uint64_t>(docs->int64(5));
      k.document_id = docs->int64(6);
      k.version_id = docs->int64(7);
      known_.emplace(docs->text(0), std::move(k));
    }

    // Resume the latest unfinished run when its frontier has work left.
    auto last = cat_.prepare(
        "SELECT r.id FROM crawl_runs r WHERE r.finished_at IS NULL AND EXISTS (SELECT 1 FROM "
        "frontier f WHERE f.run_id = r.id AND f.state = 'queued') ORDER BY r.id DESC LIMIT 1");
    if (!last) return tl::make_unexpected(last.error());
    auto row = last->step();
    if (!row) return tl::make_unexpected(row.error());
    if (*row) {
      run_id_ = last->int64(0);
      summary_.resumed = true;
    }
    last->reset();
    if (items.empty() && !summary_.resumed) {
      return make_error(ErrorCode::kInvalidArgument,
                        "nothing to crawl: give --registry DIR or --seed URL (or --refresh with "
                        "stored sources)");
    }
    if (summary_.resumed) {
      auto rows = cat_.prepare(
          "SELECT url, municipality_id, depth, kind, state, attempts, doc_type, parent, anchor "
          "FROM frontier WHERE run_id=?1 ORDER BY rowid");
      if (!rows) return tl::make_unexpected(rows.error());
      rows->bind(1, run_id_);
      while (true) {
        auto r = rows->step();
        if (!r) return tl::make_unexpected(r.error());
        if (!*r) break;
        std::string url = rows->text(0);
        if (rows->text(4) != "queued") {
          seen_.insert(url);
          continue;
        }
        Item it;
        it.url = it.fetch_url = url;
        it.municipality_id = rows->opt_int64(1);
        it.depth = static_cast<int>(rows->int64(2));
        it.kind = rows->text(3);
        it.doc_type = rows->text(6);
        it.parent = rows->opt_text(7).value_or("");
        it.anchor = rows->opt_text(8).value_or("");
        it.policy = derive_policy(it);
        enqueue(std::move(it));
      }
    }
    start_.resume = summary_.resumed;
    start_.known_documents = opts_.refresh;
    seen_.reserve(seen_.size() + items.size());
    for (auto& it : items) {
      it.policy = derive_policy(it);
      if (seen_.count(it.url)) continue;
      // The known documents' frontier rows are copied by start_run straight from the
      // documents table (in the same order, after the seeds and sources).
      if (it.kind != "known") start_.frontier.push_back(it);
      enqueue(std::move(it));
    }
    return {};
  }

  // On the commit thread, before anything else: the run's first transaction. A new run
  // finishes the older unfinished ones, gets its crawl_runs row and a fresh frontier.
  Status start_run() {
    if (auto st = cat_.begin(); !st) return st;
    auto fail = [this](const Error& e) -> Status {
      cat_.rollback();
      return tl::make_unexpected(e);
    };
    for (const auto& r : start_.sources) {
      if (auto st = cat_.upsert_source(r.municipality_id, r.url, r.doc_type, "", r.kind); !st) {
        return fail(st.error());
      }
    }
    if (!start_.resume) {
      // Older unfinished runs have nothing left to do.
      if (auto st = cat_.exec("UPDATE crawl_runs SET finished_at='" + corpus::now_iso8601() +
                              "' WHERE finished_at IS NULL");
          !st) {
        return fail(st.error());
      }
      auto ins = cat_.prepare("INSERT INTO crawl_runs(kind, started_at) VALUES(?1, ?2)");
      if (!ins) return fail(ins.error());
      ins->bind(1, std::string_view(opts_.refresh ? "refresh" : "crawl"))
          .bind(2, std::string_view(corpus::now_iso8601()));
      if (auto st = ins->run(); !st) return fail(st.error());
      run_id_ = cat_.last_insert_id();
      if (auto st = cat_.exec("DELETE FROM frontier"); !st) return fail(st.error());
    }
    for (const auto& it : start_.frontier) {
      if (auto st = insert_frontier(it); !st) return fail(st.error());
    }
    if (start_.known_documents) {
      // What prepare_run queued as "known": every crawled document whose URL is not in the
      // frontier already (a seed, a source, or a row of the run being resumed).
      auto known = cat_.prepare(
          "INSERT OR IGNORE INTO frontier(url, run_id, municipality_id, depth, kind, state, "
          "doc_type, parent, anchor) SELECT url, ?1, municipality_id, 1, 'known', 'queued', "
          "doc_type, '', '' FROM documents WHERE origin='crawl' ORDER BY id");
      if (!known) return fail(known.error());
      known->bind(1, run_id_);
      if (auto st = known->run(); !st) return fail(st.error());
    }
    if (auto st = cat_.commit(); !st) return fail(st.error());
    start_ = StartRun{};
    return {};
  }

  Status insert_frontier(const Item& it) {
    if (!frontier_insert_) {
      auto s = cat_.prepare(
          "INSERT OR IGNORE INTO frontier(url, run_id, municipality_id, depth, kind, state, "
          "doc_type, parent, anchor) VALUES(?1,?2,?3,?4,?5,'queued',?6,?7,?8)");
      if (!s) return tl::make_unexpected(s.error());
      frontier_insert_.emplace(std::move(*s));
    }
    auto& s = *frontier_insert_;
    s.bind(1, std::string_view(it.url)).bind(2, run_id_).bind(3, it.municipality_id);
    s.bind(4, static_cast<int64_t>(it.depth)).bind(5, std::string_view(it.kind));
    s.bind(6, std::string_view(it.doc_type)).bind(7, std::string_view(it.parent));
    s.bind(8, std::string_view(it.anchor));
    return s.run();
  }

  Status finish_run() {
    auto upd = cat_.prepare("UPDATE crawl_runs SET finished_at=?2, summary=?3 WHERE id=?1");
    if (!upd) return tl::make_unexpected(upd.error());
    upd->bind(1, run_id_);
    if (summary_.interrupted) {
      upd->bind_null(2);
    } else {
      upd->bind(2, std::string_view(corpus::now_iso8601()));
    }
    upd->bind(3, std::string_view(summary_json(summary_, false)));
    return upd->run();
  }

  // -- frontier ----------------------------------------------------------------------------

  Host& host_of(const Url& u) {
    auto origin = u.origin();
    auto it = hosts_.find(origin);
    if (it == hosts_.end()) {
      auto h = std::make_unique<Host>();
      h->origin = origin;
      h->name = u.host;
      h->delay_ms = opts_.delay_ms;
      it = hosts_.emplace(origin, std::move(h)).first;
      order_.push_back(it->second.get());
    }
    return *it->second;
  }

  // Queues an item on its host (the caller has checked seen_ or owns the URL).
  void enqueue(Item it) {
    seen_.insert(it.url);
    // Every queued URL is canonical (seeds, the catalog's URLs, discovered links and
    // redirect targets all went through canonical_url): its host is known by its origin
    // prefix, without parsing it again (5,000 parses were a third of a refresh's set-up).
    Host* hp = nullptr;
    if (auto o = canonical_origin(it.fetch_url); !o.empty()) {
      if (auto f = hosts_.find(o); f != hosts_.end()) hp = f->second.get();
    }
    if (!hp) {
      auto u = parse_url(it.fetch_url);
      if (!u) {
        finish(fail_item(std::move(it), "failed", u.error().message));
        return;
      }
      hp = &host_of(*u);
    }
    Host& h = *hp;
    if (it.kind == "seed" || it.kind == "source") {
      h.seed_host = true;
      if (!h.municipality_id) h.municipality_id = it.municipality_id;
    }
    ++queued_;
    h.queue.push_back(std::move(it));
  }

  Finished fail_item(Item it, std::string outcome, std::string reason) {
    Finished f;
    f.log.url = it.fetch_url;
    f.log.started_at = corpus::now_iso8601();
    f.log.outcome = outcome;
    f.log.error = reason;
    f.item = std::move(it);
    f.outcome = std::move(outcome);
    f.reason = std::move(reason);
    return f;
  }

  // -- scheduling --------------------------------------------------------------------------

  bool limit_hit() const {
    return opts_.max_docs > 0 && ok_count_ + docs_in_flight_ >= opts_.max_docs;
  }

  void pump() {
    if (stopping_) return;
    auto now = Clock::now();
    std::optional<Clock::time_point> wake;
    auto want_wake = [&](Clock::time_point t) {
      if (!wake || t < *wake) wake = t;
    };
    bool progress = true;
    while (progress && in_flight_ < opts_.concurrency) {
      progress = false;
      const size_t n = order_.size();
      for (size_t k = 0; k < n && in_flight_ < opts_.concurrency; ++k) {
        Host& h = *order_[(rr_ + k) % n];
        if (h.parked) {
          drain_parked(h);
          continue;
        }
        // Retries whose backoff is over go to the front of the queue.
        for (size_t i = 0; i < h.delayed.size();) {
          if (h.delayed[i].not_before <= now) {
            h.queue.push_front(std::move(h.delayed[i]));
            h.delayed.erase(h.delayed.begin() + static_cast<long>(i));
          } else {
            want_wake(h.delayed[i].not_before);
            ++i;
          }
        }
        if (h.queue.empty()) continue;
        if (h.robots_state == RobotsState::kUnknown) {
          fetch_robots(h);
          progress = true;
          continue;
        }
        if (h.robots_state != RobotsState::kReady) continue;
        if (h.in_flight >= opts_.per_host) continue;
        if (now < h.next_start) {
          want_wake(h.next_start);
          continue;
        }
        Item it = std::move(h.queue.front());
        h.queue.pop_front();
        --queued_;
        if (!h.robots.allows_all()) {
          Url u = *parse_url(it.fetch_url);
          if (!h.robots.allowed(u.path_and_query())) {
            finish(fail_item(std::move(it), "disallowed", "robots.txt disallows " + u.path_and_query()));
            progress = true;
            continue;
          }
        }
        if (it.kind != "sitemap" && limit_hit()) {
          summary_.limit_reached = true;
          h.queue.push_front(std::move(it));
          ++queued_;
          continue;
        }
        dispatch(h, std::move(it));
        progress = true;
      }
      rr_ = n ? (rr_ + 1) % n : 0;
    }
    if (wake && (!wake_at_ || *wake < *wake_at_)) {
      wake_at_ = *wake;
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*wake - now).count() + 1;
      engine_->after(std::max<int64_t>(ms, 1), [this] {
        wake_at_.reset();
        pump();
      });
    }
    maybe_done();
  }

  void maybe_done() {
    if (stopping_ || in_flight_ > 0) return;
    bool waiting = false;
    for (auto* h : order_) {
      if (!h->delayed.empty() || (!h->queue.empty() && !summary_.limit_reached)) waiting = true;
    }
    if (waiting) return;
    stopping_ = true;
    engine_->stop();
  }

  void drain_parked(Host& h) {
    auto drop = [&](Item it) {
      ++h.skipped;
      finish(fail_item(std::move(it), "failed", "host parked: " + h.park_reason));
    };
    while (!h.queue.empty()) {
      drop(std::move(h.queue.front()));
      h.queue.pop_front();
      --queued_;
    }
    for (auto& it : h.delayed) drop(std::move(it));
    h.delayed.clear();
  }

  void park(Host& h, std::string reason) {
    if (h.parked) return;
    h.parked = true;
    h.park_reason = std::move(reason);
    drain_parked(h);
  }

  HttpRequest base_request(const std::string& url) const {
    HttpRequest r;
    r.url = url;
    r.connect_timeout_ms = opts_.connect_timeout_ms;
    r.timeout_ms = opts_.timeout_ms;
    r.low_speed_bytes = opts_.low_speed_bytes;
    r.low_speed_seconds = opts_.low_speed_seconds;
    r.max_bytes = opts_.max_bytes;
    r.user_agent = ua_;
    r.resolve = opts_.resolve;
    return r;
  }

  void fetch_robots(Host& h) {
    h.robots_state = RobotsState::kFetching;
    HttpRequest req = base_request(h.origin + "/robots.txt");
    req.follow_redirects = true;  // RFC 9309: follow at least five
    req.max_redirects = 5;
    req.max_bytes = 512 * 1024;
    auto buf = std::make_shared<std::string>();
    ++in_flight_;
    ++summary_.requests;
    h.next_start = Clock::now() + std::chrono::milliseconds(opts_.delay_ms);
    auto start = Clock::now();
    Host* hp = &h;
    engine_->start(
        req,
        [buf](std::string_view b, const HttpResponse&) {
          if (buf->size() + b.size() > 512 * 1024) return false;  // RFC 9309 §2.5: 500 KiB
          buf->append(b);
          return true;
        },
        [this, hp, buf, start](HttpResponse r) {
          --in_flight_;
          summary_.bytes += r.bytes;
          Host& host = *hp;
          corpus::FetchRecord log;
          log.url = host.origin + "/robots.txt";
          log.started_at = r.started_at;
          if (r.status) log.http_status = r.status;
          log.bytes = r.bytes;
          log.elapsed_ms = r.total_ms;
          std::string unreachable;
          if (r.curl_code != 0 && !(r.curl_code == 23 /* oversized: use what we have */)) {
            unreachable = (r.timed_out ? "timeout: " : "network: ") + r.error;
          } else if (r.status >= 500) {
            unreachable = "HTTP " + std::to_string(r.status);
          }
          if (!unreachable.empty()) {
            log.outcome = "robots_unreachable";
            log.error = unreachable;
            pending_logs_.push_back(std::move(log));
            // RFC 9309 §2.3.1.4: an unreachable robots.txt means "assume complete disallow".
            host.robots_state = RobotsState::kUnreachable;
            park(host, "robots.txt unreachable (" + unreachable + "); host not crawled now");
          } else {
            log.outcome = "robots";
            pending_logs_.push_back(std::move(log));
            host.robots = r.status >= 200 && r.status < 300 ? Robots::parse(*buf, agent_token_)
                                                            : Robots::allow_all();  // 4xx
            host.robots_state = RobotsState::kReady;
            if (auto d = host.robots.crawl_delay_ms()) {
              host.delay_ms = std::max(opts_.delay_ms, std::min(*d, opts_.max_crawl_delay_ms));
            }
            host.next_start = start + std::chrono::milliseconds(host.delay_ms);
            if (host.seed_host && opts_.depth > 0) {
              for (const auto& sm : host.robots.sitemaps()) {
                auto u = parse_url(sm);
                if (!u || !same_site(u->host, host.name) || seen_.count(u->str())) continue;
                Item it;
                it.url = it.fetch_url = u->str();
                it.kind = "sitemap";
                it.municipality_id = host.municipality_id;
                pending_frontier_.push_back(it);
                enqueue(std::move(it));
              }
            }
          }
          pump();
        });
  }

  void dispatch(Host& h, Item it) {
    HttpRequest req = base_request(it.fetch_url);
    bool conditional = false;
    if (it.kind != "sitemap") {
      ++docs_in_flight_;
      if (auto k = known_.find(it.url); k != known_.end()) {
        if (!k->second.etag.empty()) {
          req.headers.push_back("If-None-Match: " + k->second.etag);
          conditional = true;
        }
        if (!k->second.last_modified.empty()) {
          req.headers.push_back("If-Modified-Since: " + k->second.last_modified);
          conditional = true;
        }
      }
    }
    if (conditional) ++summary_.conditional;
    ++h.in_flight;
    ++in_flight_;
    ++summary_.requests;
    h.next_start = Clock::now() + std::chrono::milliseconds(h.delay_ms);
    auto body = std::make_shared<Body>();
    body->store = it.kind != "sitemap";
    const bool keep_all = it.kind == "sitemap";
    // Pages at the depth limit are stored but not read for links: no copy is kept.
    const bool may_discover = keep_all || it.depth < opts_.depth;
    Host* hp = &h;
    engine_->start(
        req,
        [this, body, keep_all, may_discover](std::string_view b, const HttpResponse& head) {
          if (head.status < 200 || head.status >= 300) return head.bytes <= kErrorBodyCap;
          if (head.bytes > opts_.max_bytes) {
            body->too_large = true;
            return false;
          }
          if (!body->decided) {
            body->decided = true;
            body->keep = may_discover &&
                         (keep_all || is_html(head.content_type) || head.content_type.empty());
          }
          if (body->store) {
            if (!body->job) body->job = new_job();
            queue_write(body->job, b);
          }
          if (body->keep) {
            if (body->buffer.size() + b.size() <= kParseCap) {
              body->buffer.append(b);
            } else {
              body->keep = false;
              body->buffer.clear();
              body->buffer.shrink_to_fit();
            }
          }
          return true;
        },
        [this, hp, it = std::move(it), body, conditional](HttpResponse r) mutable {
          on_done(*hp, std::move(it), std::move(r), *body, conditional);
          pump();
        });
  }

  // -- results -----------------------------------------------------------------------------

  void retry_or_fail(Host& h, Item it, const HttpResponse& r, std::string reason, bool host_failure,
                     corpus::FetchRecord log) {
    if (host_failure) ++h.consecutive_failures;
    if (it.attempts < opts_.retries && !h.parked) {
      ++it.attempts;
      ++summary_.retries;
      int64_t backoff = static_cast<int64_t>(opts_.retry_base_ms) << std::min(it.attempts - 1, 10);
      backoff += std::uniform_int_distribution<int64_t>(0, std::max(1, opts_.retry_base_ms / 2))(rng_);
      if (auto ra = parse_retry_after(r.retry_after)) {
        backoff = std::max<int64_t>(std::min<int64_t>(*ra, opts_.retry_after_cap_ms), 0);
      }
      log.outcome = "retry";
      log.error = reason + " (retry " + std::to_string(it.attempts) + " in " +
                  std::to_string(backoff) + " ms)";
      pending_logs_.push_back(std::move(log));
      it.not_before = Clock::now() + std::chrono::milliseconds(backoff);
      h.delayed.push_back(std::move(it));
    } else {
      Finished f = fail_item(std::move(it), "failed", reason);
      f.log = std::move(log);
      f.log.outcome = r.timed_out ? "timeout" : "failed";
      f.log.error = reason;
      if (r.status) f.http_status = r.status;
      finish(std::move(f));
    }
    if (host_failure && h.consecutive_failures >= opts_.host_failure_limit) {
      park(h, std::to_string(h.consecutive_failures) + " consecutive failures (last: " + reason + ")");
    }
  }

  void on_done(Host& h, Item it, HttpResponse r, Body& body, bool conditional) {
    --h.in_flight;
    --in_flight_;
    if (it.kind != "sitemap") --docs_in_flight_;
    summary_.bytes += r.bytes;
    bytes_ += r.bytes;
    corpus::FetchRecord log;
    log.url = it.fetch_url;
    log.started_at = r.started_at;
    if (r.status) log.http_status = r.status;
    log.bytes = r.bytes;
    log.elapsed_ms = r.total_ms;
    log.conditional = conditional;
    if (stopping_) return;  // interrupted: the URL stays queued in the frontier

    if (body.too_large || r.too_large) {
      abort_body(body);
      Finished f = fail_item(std::move(it), "failed",
                             "too_large: body exceeds --max-bytes " + std::to_string(opts_.max_bytes));
      f.log = std::move(log);
      f.log.outcome = "too_large";
      f.log.error = f.reason;
      f.http_status = r.status;
      finish(std::move(f));
      return;
    }
    if (r.curl_code != 0) {
      abort_body(body);
      std::string reason = (r.timed_out ? "timeout: " : "network: ") + r.error;
      if (r.transient) {
        retry_or_fail(h, std::move(it), r, reason, true, std::move(log));
      } else {
        ++h.consecutive_failures;
        Finished f = fail_item(std::move(it), "failed", reason);
        f.log = std::move(log);
        f.log.outcome = "failed";
        f.log.error = reason;
        finish(std::move(f));
        if (h.consecutive_failures >= opts_.host_failure_limit) {
          park(h, std::to_string(h.consecutive_failures) + " consecutive failures (last: " + reason + ")");
        }
      }
      return;
    }
    const long status = r.status;
    if (status < 500 && status != 429) h.consecutive_failures = 0;
    if (status >= 300 && status < 400 && status != 304) {
      abort_body(body);
      log.outcome = "redirect";
      redirect(std::move(it), r, std::move(log));
      return;
    }
    if (status == 429 || status >= 500) {
      abort_body(body);
      retry_or_fail(h, std::move(it), r, "HTTP " + std::to_string(status), status >= 500,
                    std::move(log));
      return;
    }
    Finished f;
    f.log = std::move(log);
    f.http_status = status;
    f.bytes = r.bytes;
    f.content_type = r.content_type;
    f.etag = r.etag;
    f.last_modified = r.last_modified;
    if (status == 304) {
      f.outcome = "not_modified";
      f.log.outcome = "not_modified";
      // The page did not change, but its links are still wanted: read them from the store.
      if (it.kind != "sitemap" && it.depth < opts_.depth) {
        if (auto k = known_.find(it.url); k != known_.end()) {
          if (is_html(k->second.content_type) && k->second.size <= kParseCap) {
            if (auto bytes = store_.blobs().read(k->second.sha256)) discover(it, *bytes, f);
          }
        }
      }
    } else if (status >= 200 && status < 300) {
      ++ok_count_;
      if (it.kind == "sitemap") {
        f.outcome = "sitemap";
        f.log.outcome = "fetched";
        discover_sitemap(it, body.buffer, f);
      } else {
        if (!body.job) body.job = new_job();  // an empty body
        queue_seal(body.job);
        f.job = std::move(body.job);
        f.outcome = "stored";
        f.log.outcome = "fetched";
        if (body.keep && it.depth < opts_.depth && is_html(r.content_type)) discover(it, body.buffer, f);
      }
    } else if (status == 404 || status == 410) {
      f.outcome = "gone";
      f.reason = "HTTP " + std::to_string(status);
      f.log.outcome = "http_error";
      f.log.error = f.reason;
    } else {
      f.outcome = "failed";
      f.reason = "HTTP " + std::to_string(status);
      f.log.outcome = "http_error";
      f.log.error = f.reason;
    }
    abort_body(body);
    f.item = std::move(it);
    finish(std::move(f));
  }

  void redirect(Item it, const HttpResponse& r, corpus::FetchRecord log) {
    auto fail = [&](std::string reason) {
      Finished f = fail_item(std::move(it), "failed", reason);
      f.log = std::move(log);
      f.log.outcome = "failed";
      f.log.error = reason;
      f.http_status = r.status;
      finish(std::move(f));
    };
    std::string target_text = !r.redirect_url.empty() ? r.redirect_url : r.location;
    if (target_text.empty()) return fail("HTTP " + std::to_string(r.status) + " without Location");
    Url from = *parse_url(it.fetch_url);
    auto target = parse_url(target_text, &from);
    if (!target) return fail("redirect refused: " + target.error().message);
    std::string t = target->str();
    if (it.redirects >= kMaxRedirects) {
      return fail("too many redirects (more than " + std::to_string(kMaxRedirects) + ")");
    }
    if (t == it.url || t == it.fetch_url ||
        std::find(it.chain.begin(), it.chain.end(), t) != it.chain.end()) {
      return fail("redirect loop: " + it.fetch_url + " -> " + t);
    }
    log.error = "-> " + t;
    pending_logs_.push_back(std::move(log));
    it.chain.push_back(it.fetch_url);
    it.fetch_url = t;
    ++it.redirects;
    seen_.insert(t);
    Host& h = host_of(*target);
    ++queued_;
    h.queue.push_front(std::move(it));
  }

  // Link discovery from a page (fresh or unchanged).
  void discover(const Item& page, std::string_view html, Finished& f) {
    Url base = *parse_url(page.fetch_url);
    auto links = extract_links(html, base);
    if (links.size() > kMaxLinksPerPage) links.resize(kMaxLinksPerPage);
    for (auto& l : links) {
      if (seen_.count(l.url)) continue;
      auto u = parse_url(l.url);
      if (!u) continue;
      int score = policy_score(l.url, l.anchor);
      bool doc = is_document_url(l.url);
      bool same = same_site(u->host, base.host);
      Item it;
      it.url = it.fetch_url = l.url;
      it.municipality_id = page.municipality_id;
      it.depth = page.depth + 1;
      it.anchor = l.anchor;
      it.parent = page.url;
      if (doc) {
        // Documents: any on a policy page; elsewhere only those whose own words are strong
        // ("General Bylaws", not just a /clerk/ or /code/ folder). Off-site files are fine:
        // towns host PDFs on CMS and code-host domains.
        if (!(page.policy || score >= 2)) continue;
        it.kind = "document";
        it.doc_type = guess_doc_type(l.url, l.anchor);
        if (it.doc_type.empty()) {
          it.doc_type = page.policy && page.doc_type != "webpage" && !page.doc_type.empty()
                            ? page.doc_type
                            : "document";
        }
      } else {
        if (!same || score < 1) continue;
        it.kind = "page";
        it.doc_type = guess_doc_type(l.url, l.anchor);
        if (it.doc_type.empty()) it.doc_type = "webpage";
      }
      it.policy = derive_policy(it);
      f.discovered.push_back(it);
      enqueue(std::move(it));
    }
  }

  void discover_sitemap(const Item& sm, std::string_view xml, Finished& f) {
    bool index = false;
    auto locs = parse_sitemap(xml, &index);
    Url base = *parse_url(sm.fetch_url);
    for (const auto& loc : locs) {
      auto u = parse_url(loc, &base);
      if (!u || !same_site(u->host, base.host)) continue;
      std::string url = u->str();
      if (seen_.count(url)) continue;
      Item it;
      it.url = it.fetch_url = url;
      it.municipality_id = sm.municipality_id;
      it.parent = sm.url;
      if (index) {
        if (sm.depth >= 2) continue;  // sitemap indexes nest at most twice
        it.kind = "sitemap";
        it.depth = sm.depth + 1;
      } else {
        int score = policy_score(url, "");
        it.depth = 1;
        it.kind = is_document_url(url) ? "document" : "page";
        if (score < (it.kind == "document" ? 2 : 1)) continue;
        it.doc_type = guess_doc_type(url, "");
        if (it.doc_type.empty()) it.doc_type = it.kind == "document" ? "document" : "webpage";
      }
      it.policy = derive_policy(it);
      f.discovered.push_back(it);
      enqueue(std::move(it));
    }
  }

  void finish(Finished f) {
    ++fetched_;
    if (f.outcome == "failed" || f.outcome == "disallowed") ++failed_;
    if (f.job) ++pending_blobs_;
    pending_.push_back(std::move(f));
    // Stored bodies are committed every 256 (or every tick); results without a body (304s,
    // errors) only bound the batch's size: a refresh then commits a few large batches
    // instead of many small ones.
    if (pending_blobs_ >= kGroupCommitResults || pending_.size() >= kGroupCommitMax) submit();
  }

  void tick() {
    if (stopping_) return;
    submit();
    collect();
    if (fatal_) {
      stopping_ = true;
      engine_->stop();
      return;
    }
    if (progress_) progress_->update(snapshot());
    engine_->after(kTickMs, [this] { tick(); });
  }

  Progress snapshot() const {
    Progress p;
    p.fetched = fetched_;
    p.stored = stored_;
    p.queued = queued_;
    for (auto* h : order_) p.queued += static_cast<int64_t>(h->delayed.size());
    p.in_flight = in_flight_;
    p.failed = failed_;
    p.bytes = bytes_;
    p.elapsed_s = seconds_since(started_);
    std::vector<std::pair<std::string, int64_t>> s;
    for (auto* h : order_) {
      int64_t left = static_cast<int64_t>(h->queue.size() + h->delayed.size()) + h->in_flight;
      if (left > 0) s.emplace_back(h->origin, left);
    }
    std::sort(s.begin(), s.end(), [](auto& a, auto& b) { return a.second > b.second; });
    if (s.size() > 3) s.resize(3);
    p.stragglers = std::move(s);
    return p;
  }

  // -- group commit ------------------------------------------------------------------------
  // The loop (submit, collect), the writer (take_writer) and the commit thread
  // (commit_loop) meet only in the queue and spares below, under mu_.

  // Loop side: hands what finished since the last call to the commit thread.
  void submit() {
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

  // Loop side: counts what the commit thread has committed; takes over its error.
  void collect() {
    std::vector<UrlOutcome> done;
    {
      std::lock_guard<std::mutex> lk(mu_);
      done.swap(committed_);
      if (commit_error_ && !fatal_) fatal_ = commit_error_;
    }
    for (auto& o : done) {
      auto& list = o.outcome == "new"           ? summary_.new_documents
                   : o.outcome == "new_version" ? summary_.new_versions
                   : o.outcome == "unchanged"   ? summary_.unchanged
                   : o.outcome == "gone"        ? summary_.gone
                   : o.outcome == "disallowed"  ? summary_.disallowed
                                                : summary_.failed;
      if (o.outcome == "new" || o.outcome == "new_version") ++stored_;
      list.push_back(std::move(o));
    }
  }

  // Writer side: a blob writer (an open temporary file) from the commit thread's spares, or
  // a new one when none is left. Creating a file costs ~0.1 ms of kernel time on a busy ext4
  // (inode allocation); the commit thread creates them between its commits instead.
  Result<corpus::BlobWriter> take_writer() {
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
    return store_.blobs().begin();
  }

  // -- the writer thread --------------------------------------------------------------------
  // The loop (queue_write, queue_seal, abort_body) and the writer (write_loop) meet in wq_
  // under wmu_; the commit thread waits there for the seals of its batch (wait_written).

  // Loop side: queues a copy of body bytes (libcurl hands the write callback at most 16 KB
  // at a time). Blocks while kWriteQueueCap bytes are queued (the writers are behind the
  // network: the disk sets the pace).
  void queue_write(const std::shared_ptr<BlobJob>& job, std::string_view bytes) {
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
    push_write(WriteOp{job, std::move(buf), WriteOp::kData});
  }

  void queue_seal(const std::shared_ptr<BlobJob>& job) { push_write(WriteOp{job, {}, WriteOp::kSeal}); }

  // Loop side: drops a body (failed transfer, redirect, error status). Bytes still queued
  // are skipped; the temporary file goes with the last reference to the job.
  void abort_body(Body& body) {
    if (!body.job) return;
    body.job->aborted = true;
    body.job.reset();
  }

  // Loop side: a new body, given to the writers in turn.
  std::shared_ptr<BlobJob> new_job() {
    auto job = std::make_shared<BlobJob>();
    job->writer = next_writer_;
    next_writer_ = (next_writer_ + 1) % kWriters;
    return job;
  }

  void push_write(WriteOp op) {
    WriterQueue& w = wq_[op.job->writer];
    bool wake;
    {
      std::lock_guard<std::mutex> lk(wmu_);
      wq_bytes_ += op.data.capacity();  // memory held, not just bytes
      w.ops.push_back(std::move(op));
      write_seq_[&w - wq_.data()] = ++w.pushed;
      wake = w.idle;
    }
    if (wake) w.cv.notify_one();
  }

  // The writer thread: takes the queued operations one at a time and carries them out: the
  // first bytes of a body open its temporary file (a spare made by the commit thread), the
  // bytes are written and hashed, a seal closes the file and keeps the sha256. A store error
  // is kept in the job; the commit thread turns it into the crawl's error. Each operation's
  // memory is handed back as soon as it is written (the mutex is taken once per operation,
  // to finish one and take the next): a loop waiting at the queue's cap waits for one chunk,
  // not for everything queued before it (it used to take the whole queue at once and release
  // it at the end, so a full queue stalled every transfer for as long as 16 MB took to write
  // and hash: ~0.15 s per crawl of the benchmark).
  void write_loop(size_t k) {
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
      if (bytes > 0 && spare_buffers_.size() < kSpareBuffers) spare_buffers_.push_back(std::move(op.data));
      // Wake the loop (waiting at the cap) or the commit thread (waiting for a batch's
      // seals) only when what it waits for has happened.
      if ((loop_waiting_ && wq_bytes_ < kWriteQueueCap) || (commit_waiting_ && written(commit_waits_for_))) {
        wcv_done_.notify_all();
      }
    }
  }

  void carry_out(WriteOp& op) {
    BlobJob& job = *op.job;
    if (op.kind == WriteOp::kData) {
      if (job.aborted || !job.error.empty()) return;
      if (!job.blob) {
        auto w = take_writer();
        if (!w) {
          job.error = w.error().message;
          return;
        }
        job.blob.emplace(std::move(*w));
      }
      if (auto st = job.blob->append(op.data); !st) {
        job.error = st.error().message;
        job.blob->abort();
      }
      return;
    }
    if (job.aborted || !job.error.empty()) return;  // kSeal
    if (!job.blob) {  // an empty body
      auto w = take_writer();
      if (!w) {
        job.error = w.error().message;
        return;
      }
      job.blob.emplace(std::move(*w));
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

  // Commit side: waits until the writer has carried out the queue up to `seq`.
  void wait_written(const std::array<uint64_t, kWriters>& seq) {
    std::unique_lock<std::mutex> lk(wmu_);
    commit_waits_for_ = seq;
    commit_waiting_ = true;
    wcv_done_.wait(lk, [&] { return written(seq); });
    commit_waiting_ = false;
  }

  // Under wmu_: every writer has carried out its queue up to seq.
  bool written(const std::array<uint64_t, kWriters>& seq) const {
    for (size_t k = 0; k < kWriters; ++k) {
      if (wq_[k].done < seq[k]) return false;
    }
    return true;
  }

  void stop_writer() {
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

  // Commits what is queued and ends the commit thread.
  void stop_committer() {
    if (!committer_.joinable()) return;
    {
      std::lock_guard<std::mutex> lk(mu_);
      closing_ = true;
    }
    cv_.notify_one();
    committer_.join();
  }

  // The commit thread: takes every queued batch at once (under load, commits grow instead of
  // queueing up), makes its blobs durable, then writes its catalog rows. After an error
  // nothing more is committed (the blobs of dropped batches are discarded with them).
  void commit_loop() {
    Status started = start_run();
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
          auto w = store_.blobs().begin();
          if (!w) break;  // the loop's own begin() reports the error
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
        for (size_t k = 0; k < kWriters; ++k) all.write_seq[k] = std::max(all.write_seq[k], b.write_seq[k]);
        std::move(b.finished.begin(), b.finished.end(), std::back_inserter(all.finished));
        std::move(b.logs.begin(), b.logs.end(), std::back_inserter(all.logs));
        std::move(b.frontier.begin(), b.frontier.end(), std::back_inserter(all.frontier));
      }
      work.clear();
      std::vector<UrlOutcome> outcomes;
      Status st = failed ? Status{} : commit_batch(all, outcomes);
      all = Batch{};  // discards blobs not committed
      lk.lock();
      if (!st) {
        if (!commit_error_) commit_error_ = st.error();
      } else if (!failed) {
        std::move(outcomes.begin(), outcomes.end(), std::back_inserter(committed_));
      }
    }
  }

  Result<corpus::Statement*> stmt(std::optional<corpus::Statement>& slot, const char* sql) {
    if (!slot) {
      auto s = cat_.prepare(sql);
      if (!s) return tl::make_unexpected(s.error());
      slot.emplace(std::move(*s));
    }
    return &*slot;
  }

  Status commit_batch(Batch& b, std::vector<UrlOutcome>& outcomes) {
    std::vector<corpus::BlobWriter> blobs;
    bool any_blob = false;
    for (auto& f : b.finished) any_blob = any_blob || f.job != nullptr;
    if (any_blob) wait_written(b.write_seq);
    for (auto& f : b.finished) {
      if (!f.job) continue;
      if (!f.job->error.empty()) {
        return make_error(ErrorCode::kIo, "blob store: " + f.job->error);
      }
      blobs.push_back(std::move(*f.job->blob));
      f.job->blob.reset();
    }
    if (auto st = store_.blobs().commit_sealed(blobs); !st) return st;
    if (auto st = cat_.begin(); !st) return st;
    auto st = write_pending(b, outcomes);
    if (!st) {
      cat_.rollback();
      return st;
    }
    if (auto c = cat_.commit(); !c) {
      cat_.rollback();
      return c;
    }
    return {};
  }

  Status log_fetch(const corpus::FetchRecord& f, const std::string& now) {
    auto s = stmt(fetch_log_insert_,
                  "INSERT INTO fetch_log(run_id, url, document_id, started_at, http_status, bytes, "
                  "elapsed_ms, outcome, error, conditional) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    if (!s) return tl::make_unexpected(s.error());
    auto& q = **s;
    q.bind(1, run_id_).bind(2, std::string_view(f.url)).bind(3, f.document_id);
    q.bind(4, std::string_view(f.started_at.empty() ? now : f.started_at));
    q.bind(5, f.http_status).bind(6, static_cast<int64_t>(f.bytes)).bind(7, f.elapsed_ms);
    q.bind(8, std::string_view(f.outcome)).bind(9, std::string_view(f.error));
    q.bind(10, static_cast<int64_t>(f.conditional ? 1 : 0));
    return q.run();
  }

  // On the commit thread, inside the batch's transaction.
  Status write_pending(Batch& b, std::vector<UrlOutcome>& outcomes) {
    for (const auto& it : b.frontier) {
      if (auto s = insert_frontier(it); !s) return s;
    }
    for (const auto& f : b.finished) {
      for (const auto& it : f.discovered) {
        if (auto s = insert_frontier(it); !s) return s;
      }
    }
    auto cur = stmt(current_, "SELECT d.id, d.current_version_id, v.sha256 FROM documents d LEFT JOIN "
                              "versions v ON v.id = d.current_version_id WHERE d.url = ?1");
    auto ins = stmt(version_insert_,
                    "INSERT INTO versions(document_id, sha256, fetched_at, http_status, etag, "
                    "last_modified, content_type, size) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
    auto upd = stmt(doc_update_,
                    "UPDATE documents SET current_version_id=?2, etag=?3, last_modified=?4, "
                    "last_checked=?5, status='active' WHERE id=?1");
    auto touch = stmt(doc_touch_,
                      "UPDATE documents SET last_checked=?2, status='active' WHERE id=?1");
    auto front = stmt(frontier_update_, "UPDATE frontier SET state=?2, attempts=?3 WHERE url=?1");
    for (auto* p : {&cur, &ins, &upd, &touch, &front}) {
      if (!*p) return tl::make_unexpected(p->error());
    }
    auto ensure = stmt(doc_ensure_,
                       "INSERT INTO documents(url, municipality_id, doc_type, title, origin, first_seen) "
                       "VALUES(?1, ?2, ?3, ?4, 'crawl', ?5) ON CONFLICT(url) DO UPDATE SET "
                       "municipality_id=COALESCE(municipality_id, excluded.municipality_id), "
                       "doc_type=CASE WHEN doc_type='' THEN excluded.doc_type ELSE doc_type END, "
                       "title=CASE WHEN title='' THEN excluded.title ELSE title END "
                       "RETURNING id");
    auto gone = stmt(doc_gone_, "UPDATE documents SET status='gone', last_checked=?2 WHERE id=?1");
    for (auto* p : {&ensure, &gone}) {
      if (!*p) return tl::make_unexpected(p->error());
    }
    const std::string now = corpus::now_iso8601();
    for (auto& f : b.finished) {
      if (f.outcome == "sitemap") {
        (*front)->bind(1, std::string_view(f.item.url)).bind(2, std::string_view("done"));
        (*front)->bind(3, static_cast<int64_t>(f.item.attempts));
        if (auto s = (*front)->run(); !s) return s;
        if (auto s = log_fetch(f.log, now); !s) return s;
        continue;
      }
      UrlOutcome o;
      o.url = f.item.url;
      o.municipality_id = f.item.municipality_id;
      o.doc_type = f.item.doc_type;
      o.http_status = f.http_status;
      o.bytes = f.bytes;
      o.reason = f.reason;
      // The document as it stands: as loaded at the start for a known URL (one URL is
      // fetched once per run, and only this thread writes its rows), else from the catalog.
      std::optional<int64_t> doc_id, cur_version;
      std::string cur_sha;
      if (auto k = known_.find(f.item.url); k != known_.end()) {
        doc_id = k->second.document_id;
        cur_version = k->second.version_id;
        cur_sha = k->second.sha256;
      } else {
        (*cur)->bind(1, std::string_view(f.item.url));
        auto row = (*cur)->step();
        if (!row) return tl::make_unexpected(row.error());
        if (*row) {
          doc_id = (*cur)->int64(0);
          cur_version = (*cur)->opt_int64(1);
          cur_sha = (*cur)->text(2);
        }
        (*cur)->reset();
      }
      if (f.outcome == "stored") {
        if (!doc_id) {
          std::string title = f.item.anchor.substr(0, 300);
          (*ensure)->bind(1, std::string_view(f.item.url)).bind(2, f.item.municipality_id);
          (*ensure)->bind(3, std::string_view(f.item.doc_type)).bind(4, std::string_view(title));
          (*ensure)->bind(5, std::string_view(now));
          auto row2 = (*ensure)->step();
          if (!row2) return tl::make_unexpected(row2.error());
          doc_id = (*ensure)->int64(0);
          (*ensure)->reset();
        }
        std::optional<std::string> etag, lm, ct;
        if (!f.etag.empty()) etag = f.etag;
        if (!f.last_modified.empty()) lm = f.last_modified;
        if (!f.content_type.empty()) ct = f.content_type;
        int64_t version_id;
        if (cur_version && cur_sha == f.job->sha) {
          version_id = *cur_version;
          o.outcome = "unchanged";
          o.old_version_id = cur_version;
          o.new_version_id = cur_version;
        } else {
          (*ins)->bind(1, *doc_id).bind(2, std::string_view(f.job->sha)).bind(3, std::string_view(now));
          (*ins)->bind(4, f.http_status).bind(5, etag).bind(6, lm).bind(7, ct);
          (*ins)->bind(8, static_cast<int64_t>(f.job->size));
          if (auto s = (*ins)->run(); !s) return s;
          version_id = cat_.last_insert_id();
          o.outcome = cur_version ? "new_version" : "new";
          o.old_version_id = cur_version;
          o.new_version_id = version_id;
        }
        (*upd)->bind(1, *doc_id).bind(2, version_id).bind(3, etag).bind(4, lm);
        (*upd)->bind(5, std::string_view(now));
        if (auto s = (*upd)->run(); !s) return s;
      } else if (f.outcome == "not_modified") {
        if (doc_id && cur_version) {
          (*touch)->bind(1, *doc_id).bind(2, std::string_view(now));
          if (auto s = (*touch)->run(); !s) return s;
          o.outcome = "unchanged";
          o.old_version_id = o.new_version_id = cur_version;
        } else {
          o.outcome = "failed";
          o.reason = "HTTP 304 for a URL with no stored version";
        }
      } else if (f.outcome == "gone") {
        if (doc_id) {
          (*gone)->bind(1, *doc_id).bind(2, std::string_view(now));
          if (auto s = (*gone)->run(); !s) return s;
          o.outcome = "gone";
          o.old_version_id = cur_version;
        } else {
          o.outcome = "failed";
        }
      } else {
        o.outcome = f.outcome;  // failed | disallowed
      }
      o.document_id = doc_id;
      (*front)->bind(1, std::string_view(f.item.url));
      (*front)->bind(2, std::string_view(o.outcome == "failed" || o.outcome == "disallowed" ? "failed" : "done"));
      (*front)->bind(3, static_cast<int64_t>(f.item.attempts));
      if (auto s = (*front)->run(); !s) return s;
      corpus::FetchRecord& log = f.log;
      log.document_id = doc_id;
      if (o.outcome == "unchanged" && log.outcome == "fetched") log.outcome = "unchanged";
      if (auto s = log_fetch(log, now); !s) return s;
      outcomes.push_back(std::move(o));
    }
    for (const auto& l : b.logs) {
      if (auto s = log_fetch(l, now); !s) return s;
    }
    return {};
  }

  corpus::Store& store_;
  corpus::Catalog& cat_;
  const CrawlOptions& opts_;
  ProgressSink* progress_;
  std::mt19937_64 rng_;
  std::string ua_, agent_token_;
  std::unique_ptr<Engine> engine_;
  int64_t run_id_ = 0;  // the commit thread's (start_run) until it is joined
  // The run's first transaction, prepared by prepare_run for the commit thread's start_run.
  struct SourceRow {
    std::optional<int64_t> municipality_id;
    std::string url, doc_type, kind;
  };
  struct StartRun {
    bool resume = false;
    bool known_documents = false;  // a refresh: the crawled documents join the frontier
    std::vector<SourceRow> sources;
    std::vector<Item> frontier;
  } start_;
  CrawlSummary summary_;
  Clock::time_point started_;

  std::map<std::string, std::unique_ptr<Host>, std::less<>> hosts_;  // by origin
  std::vector<Host*> order_;
  size_t rr_ = 0;
  std::unordered_set<std::string> seen_;
  std::optional<Clock::time_point> wake_at_;
  int in_flight_ = 0;
  int64_t docs_in_flight_ = 0;
  int64_t ok_count_ = 0;
  int64_t queued_ = 0, fetched_ = 0, failed_ = 0, stored_ = 0;
  uint64_t bytes_ = 0;
  bool stopping_ = false;
  std::optional<Error> fatal_;

  std::unordered_map<std::string, Known> known_;  // by URL; read-only during the run

  // Loop side: results since the last submit().
  std::vector<Finished> pending_;
  std::vector<corpus::FetchRecord> pending_logs_;
  std::vector<Item> pending_frontier_;
  size_t pending_blobs_ = 0;

  // Shared with the commit thread, under mu_.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  bool closing_ = false;
  std::vector<UrlOutcome> committed_;
  std::optional<Error> commit_error_;
  std::deque<corpus::BlobWriter> spare_;  // open temporary blob files, made ahead
  bool spare_failed_ = false, spares_wanted_ = false;
  std::thread committer_;

  // The writer thread's queue, under wmu_ (write_seq_ is the loop's copy of wq_pushed_).
  std::mutex wmu_;
  std::condition_variable wcv_done_;
  struct WriterQueue {
    std::deque<WriteOp> ops;
    uint64_t pushed = 0, done = 0;
    bool idle = false;
    std::condition_variable cv;
  };
  std::array<WriterQueue, kWriters> wq_;
  size_t wq_bytes_ = 0;  // over all writers
  std::array<uint64_t, kWriters> write_seq_{};  // the loop's copy of each queue's pushed
  size_t next_writer_ = 0;                       // loop only
  bool writer_closing_ = false;
  bool commit_waiting_ = false;
  bool loop_waiting_ = false;       // the loop waits at the queue's cap
  std::array<uint64_t, kWriters> commit_waits_for_{};  // the commit thread waits for these
  std::vector<std::string> spare_buffers_;
  std::vector<std::thread> writers_;

  // The commit thread's statements (prepare_run uses frontier_insert_ before it starts).
  std::optional<corpus::Statement> frontier_insert_, current_, version_insert_, doc_update_,
      doc_touch_, frontier_update_, fetch_log_insert_, doc_ensure_, doc_gone_;
};

}  // namespace

Result<CrawlSummary> crawl(corpus::Store& store, const CrawlOptions& options, ProgressSink* progress) {
  if (options.concurrency < 1 || options.per_host < 1 || options.delay_ms < 0 || options.depth < 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "crawl: --concurrency and --per-host must be at least 1, --delay-ms and "
                      "--depth at least 0");
  }
  Crawler c(store, options, progress);
  return c.run();
}

}  // namespace policyindex::crawler
