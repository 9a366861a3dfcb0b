// The crawler's SQL. Statements used per row (a crawl writes thousands in one transaction on
// its commit thread) are prepared on first use and kept: preparing one costs ~30 us.

#include "corpus/crawl_ledger.h"

#include "corpus/site_status.h"
#include "corpus/sql.h"

namespace policyindex::corpus {

struct CrawlLedger::Impl {
  std::optional<Statement> frontier_insert, frontier_update, document_head, document_ensure,
      version_insert, document_update, document_touch, fetch_log_insert;
};

namespace {

// The statement in `slot`, prepared on first use.
Result<Statement*> cached(Catalog& cat, std::optional<Statement>& slot, const char* sql) {
  if (!slot) {
    auto s = sql::prepare(cat, sql);
    if (!s) return tl::make_unexpected(s.error());
    slot.emplace(std::move(*s));
  }
  return &*slot;
}

}  // namespace

CrawlLedger::CrawlLedger(Catalog& catalog) : catalog_(catalog), impl_(std::make_unique<Impl>()) {}
CrawlLedger::~CrawlLedger() = default;

Status CrawlLedger::use_large_cache() {
  // The commit thread touches rows of documents, frontier and fetch_log (and their indexes)
  // all over the catalog: with SQLite's default 2 MB page cache a refresh re-read and spilled
  // pages thousands of times (measured: 16k preads, 11k pwrites per no-change refresh of
  // 5,050 documents). 32 MB at most, on this connection.
  return sql::exec(catalog_, "PRAGMA cache_size=-32768");
}

Result<std::vector<CrawlSource>> CrawlLedger::stored_sources() {
  auto src =
      sql::prepare(catalog_, "SELECT url, municipality_id, doc_type, kind FROM sources ORDER BY id");
  if (!src) return tl::make_unexpected(src.error());
  std::vector<CrawlSource> out;
  while (true) {
    auto row = src->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    CrawlSource s;
    s.url = src->text(0);
    s.municipality_id = src->opt_int64(1);
    s.doc_type = src->text(2);
    s.kind = src->text(3);
    out.push_back(std::move(s));
  }
  return out;
}

Status CrawlLedger::for_each_document(const std::function<void(KnownDocument&&)>& fn) {
  auto docs = sql::prepare(catalog_, 
      "SELECT d.url, d.etag, d.last_modified, v.sha256, v.content_type, v.size, d.id, v.id, "
      "d.origin = 'crawl', d.municipality_id, d.doc_type "
      "FROM documents d LEFT JOIN versions v ON v.id = d.current_version_id ORDER BY d.id");
  if (!docs) return tl::make_unexpected(docs.error());
  while (true) {
    auto row = docs->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    KnownDocument k;
    k.url = docs->text(0);
    k.etag = docs->opt_text(1).value_or("");
    k.last_modified = docs->opt_text(2).value_or("");
    k.sha256 = docs->text(3);
    k.content_type = docs->opt_text(4).value_or("");
    k.size = static_cast<uint64_t>(docs->int64(5));
    k.document_id = docs->int64(6);
    k.version_id = docs->opt_int64(7);
    k.crawled = docs->int64(8) != 0;
    k.municipality_id = docs->opt_int64(9);
    k.doc_type = docs->text(10);
    fn(std::move(k));
  }
  return {};
}

Result<std::optional<int64_t>> CrawlLedger::resumable_run() {
  auto last = sql::prepare(catalog_, 
      "SELECT r.id FROM crawl_runs r WHERE r.finished_at IS NULL AND EXISTS (SELECT 1 FROM "
      "frontier f WHERE f.run_id = r.id AND f.state = 'queued') ORDER BY r.id DESC LIMIT 1");
  if (!last) return tl::make_unexpected(last.error());
  auto row = last->step();
  if (!row) return tl::make_unexpected(row.error());
  std::optional<int64_t> id;
  if (*row) id = last->int64(0);
  last->reset();
  return id;
}

Status CrawlLedger::for_each_frontier_row(int64_t run,
                                          const std::function<void(StoredFrontierRow&&)>& fn) {
  auto rows = sql::prepare(catalog_, 
      "SELECT url, municipality_id, depth, kind, state, attempts, doc_type, parent, anchor, "
      "fetch_url, adapter, role, context, headers, title, method, body FROM frontier WHERE run_id=?1 "
      "ORDER BY rowid");
  if (!rows) return tl::make_unexpected(rows.error());
  rows->bind(1, run);
  while (true) {
    auto r = rows->step();
    if (!r) return tl::make_unexpected(r.error());
    if (!*r) break;
    StoredFrontierRow f;
    f.url = rows->text(0);
    f.queued = rows->text(4) == "queued";
    // Done rows too: a resumed run's site checks and its platform requests per town.
    f.municipality_id = rows->opt_int64(1);
    f.adapter = rows->opt_text(10).value_or("");
    if (f.queued) {
      f.depth = static_cast<int>(rows->int64(2));
      f.kind = rows->text(3);
      f.doc_type = rows->text(6);
      f.parent = rows->opt_text(7).value_or("");
      f.anchor = rows->opt_text(8).value_or("");
      f.fetch_url = rows->opt_text(9).value_or("");
      f.role = rows->opt_text(11).value_or("");
      f.context = rows->opt_text(12).value_or("");
      f.headers = rows->opt_text(13).value_or("");
      f.title = rows->opt_text(14).value_or("");
      f.method = rows->opt_text(15).value_or("");
      f.body = rows->opt_text(16).value_or("");
    }
    fn(std::move(f));
  }
  return {};
}

Status CrawlLedger::start_run(const CrawlRunStart& start) {
  if (auto st = catalog_.begin(); !st) return st;
  auto fail = [this](const Error& e) -> Status {
    catalog_.rollback();
    return tl::make_unexpected(e);
  };
  for (const auto& r : start.sources) {
    if (auto st = catalog_.upsert_source(r.municipality_id, r.url, r.doc_type, "", r.kind); !st) {
      return fail(st.error());
    }
  }
  if (start.resume_run) {
    run_id_ = *start.resume_run;
  } else {
    // Older unfinished runs have nothing left to do.
    auto done = sql::prepare(catalog_, "UPDATE crawl_runs SET finished_at=?1 WHERE finished_at IS NULL");
    if (!done) return fail(done.error());
    done->bind(1, std::string_view(now_iso8601()));
    if (auto st = done->run(); !st) return fail(st.error());
    auto ins = sql::prepare(catalog_, "INSERT INTO crawl_runs(kind, started_at) VALUES(?1, ?2)");
    if (!ins) return fail(ins.error());
    ins->bind(1, std::string_view(start.refresh ? "refresh" : "crawl"))
        .bind(2, std::string_view(now_iso8601()));
    if (auto st = ins->run(); !st) return fail(st.error());
    run_id_ = catalog_.last_insert_id();
    if (auto st = sql::exec(catalog_, "DELETE FROM frontier"); !st) return fail(st.error());
  }
  for (const auto& row : start.frontier) {
    if (auto st = add_frontier(row); !st) return fail(st.error());
  }
  if (start.known_documents) {
    // Every crawled document whose URL is not in the frontier already (a seed, a source, or
    // a row of the run being resumed), in id order.
    auto known = sql::prepare(catalog_, 
        "INSERT OR IGNORE INTO frontier(url, run_id, municipality_id, depth, kind, state, "
        "doc_type, parent, anchor) SELECT url, ?1, municipality_id, 1, 'known', 'queued', "
        "doc_type, '', '' FROM documents WHERE origin='crawl' ORDER BY id");
    if (!known) return fail(known.error());
    known->bind(1, run_id_);
    if (auto st = known->run(); !st) return fail(st.error());
  }
  if (auto st = catalog_.commit(); !st) return fail(st.error());
  return {};
}

Status CrawlLedger::finish_run(bool interrupted, std::string_view summary_json) {
  auto upd = sql::prepare(catalog_, "UPDATE crawl_runs SET finished_at=?2, summary=?3 WHERE id=?1");
  if (!upd) return tl::make_unexpected(upd.error());
  upd->bind(1, run_id_);
  if (interrupted) {
    upd->bind_null(2);
  } else {
    upd->bind(2, std::string_view(now_iso8601()));
  }
  upd->bind(3, summary_json);
  return upd->run();
}

Status CrawlLedger::begin_batch() { return catalog_.begin(); }
Status CrawlLedger::commit_batch() { return catalog_.commit(); }
void CrawlLedger::rollback_batch() { catalog_.rollback(); }

Status CrawlLedger::add_frontier(const FrontierRow& row) {
  auto s =
      cached(catalog_, impl_->frontier_insert,
             "INSERT OR IGNORE INTO frontier(url, run_id, municipality_id, depth, kind, state, "
             "doc_type, parent, anchor, fetch_url, adapter, role, context, headers, title, method, "
             "body) VALUES(?1,?2,?3,?4,?5,'queued',?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
  if (!s) return tl::make_unexpected(s.error());
  auto& q = **s;
  q.bind(1, row.url).bind(2, run_id_).bind(3, row.municipality_id);
  q.bind(4, static_cast<int64_t>(row.depth)).bind(5, row.kind);
  q.bind(6, row.doc_type).bind(7, row.parent).bind(8, row.anchor);
  // Ordinary URLs keep NULLs in the platform columns.
  auto opt = [&q](int i, std::string_view v) {
    if (v.empty()) {
      q.bind_null(i);
    } else {
      q.bind(i, v);
    }
  };
  opt(9, row.fetch_url == row.url ? std::string_view() : row.fetch_url);
  opt(10, row.adapter);
  opt(11, row.role);
  opt(12, row.context);
  opt(13, row.headers);
  opt(14, row.title);
  opt(15, row.method);
  opt(16, row.body);
  return q.run();
}

Status CrawlLedger::set_frontier_state(std::string_view url, FrontierState state, int attempts) {
  auto s = cached(catalog_, impl_->frontier_update,
                  "UPDATE frontier SET state=?2, attempts=?3 WHERE url=?1");
  if (!s) return tl::make_unexpected(s.error());
  auto& q = **s;
  q.bind(1, url).bind(2, std::string_view(state == FrontierState::kDone ? "done" : "failed"));
  q.bind(3, static_cast<int64_t>(attempts));
  return q.run();
}

Result<std::optional<DocumentHead>> CrawlLedger::document_head(std::string_view url) {
  auto s = cached(catalog_, impl_->document_head,
                  "SELECT d.id, d.current_version_id, v.sha256 FROM documents d LEFT JOIN "
                  "versions v ON v.id = d.current_version_id WHERE d.url = ?1");
  if (!s) return tl::make_unexpected(s.error());
  auto& q = **s;
  q.bind(1, url);
  auto row = q.step();
  if (!row) {
    q.reset();
    return tl::make_unexpected(row.error());
  }
  std::optional<DocumentHead> head;
  if (*row) {
    head.emplace();
    head->document_id = q.int64(0);
    head->version_id = q.opt_int64(1);
    head->sha256 = q.text(2);
  }
  q.reset();
  return head;
}

Result<int64_t> CrawlLedger::ensure_document(std::string_view url,
                                             std::optional<int64_t> municipality_id,
                                             std::string_view doc_type, std::string_view title,
                                             std::string_view now) {
  // Catalog::ensure_document's statement (origin 'crawl'), kept prepared: once per new
  // document of a crawl.
  auto s =
      cached(catalog_, impl_->document_ensure,
             "INSERT INTO documents(url, municipality_id, doc_type, title, origin, first_seen) "
             "VALUES(?1, ?2, ?3, ?4, 'crawl', ?5) ON CONFLICT(url) DO UPDATE SET "
             "municipality_id=COALESCE(municipality_id, excluded.municipality_id), "
             "doc_type=CASE WHEN doc_type='' THEN excluded.doc_type ELSE doc_type END, "
             "title=CASE WHEN title='' THEN excluded.title ELSE title END "
             "RETURNING id");
  if (!s) return tl::make_unexpected(s.error());
  auto& q = **s;
  q.bind(1, url).bind(2, municipality_id).bind(3, doc_type).bind(4, title).bind(5, now);
  auto row = q.step();
  if (!row) {
    q.reset();
    return tl::make_unexpected(row.error());
  }
  const int64_t id = q.int64(0);
  q.reset();
  return id;
}

Result<int64_t> CrawlLedger::insert_version(const VersionInput& v) {
  auto s = cached(catalog_, impl_->version_insert,
                  "INSERT INTO versions(document_id, sha256, fetched_at, http_status, etag, "
                  "last_modified, content_type, size) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!s) return tl::make_unexpected(s.error());
  auto& q = **s;
  q.bind(1, v.document_id)
      .bind(2, std::string_view(v.sha256))
      .bind(3, std::string_view(v.fetched_at));
  q.bind(4, v.http_status).bind(5, v.etag).bind(6, v.last_modified).bind(7, v.content_type);
  q.bind(8, static_cast<int64_t>(v.size));
  if (auto st = q.run(); !st) return tl::make_unexpected(st.error());
  return catalog_.last_insert_id();
}

Status CrawlLedger::set_current_version(int64_t document_id, int64_t version_id,
                                        const std::optional<std::string>& etag,
                                        const std::optional<std::string>& last_modified,
                                        std::string_view now) {
  auto s = cached(catalog_, impl_->document_update,
                  "UPDATE documents SET current_version_id=?2, etag=?3, last_modified=?4, "
                  "last_checked=?5, status='active' WHERE id=?1");
  if (!s) return tl::make_unexpected(s.error());
  auto& q = **s;
  q.bind(1, document_id).bind(2, version_id).bind(3, etag).bind(4, last_modified).bind(5, now);
  return q.run();
}

Status CrawlLedger::touch_document(int64_t document_id, std::string_view now) {
  auto s = cached(catalog_, impl_->document_touch,
                  "UPDATE documents SET last_checked=?2, status='active' WHERE id=?1");
  if (!s) return tl::make_unexpected(s.error());
  auto& q = **s;
  q.bind(1, document_id).bind(2, now);
  return q.run();
}

Status CrawlLedger::mark_gone(int64_t document_id) {
  return catalog_.set_document_status(document_id, "gone");
}

Status CrawlLedger::log_fetch(const FetchRecord& f, std::string_view now) {
  // Catalog::log_fetch's statement, kept prepared: once per request of a crawl.
  auto s =
      cached(catalog_, impl_->fetch_log_insert,
             "INSERT INTO fetch_log(run_id, url, document_id, started_at, http_status, bytes, "
             "elapsed_ms, outcome, error, conditional) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!s) return tl::make_unexpected(s.error());
  auto& q = **s;
  q.bind(1, run_id_).bind(2, std::string_view(f.url)).bind(3, f.document_id);
  q.bind(4, f.started_at.empty() ? now : std::string_view(f.started_at));
  q.bind(5, f.http_status).bind(6, static_cast<int64_t>(f.bytes)).bind(7, f.elapsed_ms);
  q.bind(8, to_string(f.outcome)).bind(9, std::string_view(f.error));
  q.bind(10, static_cast<int64_t>(f.conditional ? 1 : 0));
  if (auto st = q.run(); !st) return st;
  if (!is_block(f.outcome)) return {};
  return SiteStatus(catalog_).record_block(f.municipality_id, f.url, f.outcome, f.error,
                                           f.http_status, run_id_, now);
}

Status CrawlLedger::record_site_check(SiteCheck c) {
  c.run_id = run_id_;
  return SiteStatus(catalog_).record_site_check(c);
}

Result<std::vector<FetchRecord>> CrawlLedger::fetches_of(std::string_view url) {
  auto q = sql::prepare(catalog_, 
      "SELECT run_id, url, document_id, started_at, http_status, bytes, elapsed_ms, outcome, "
      "error, conditional FROM fetch_log WHERE url=?1 ORDER BY id");
  if (!q) return tl::make_unexpected(q.error());
  q->bind(1, url);
  std::vector<FetchRecord> out;
  while (true) {
    auto row = q->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    FetchRecord f;
    f.run_id = q->opt_int64(0);
    f.url = q->text(1);
    f.document_id = q->opt_int64(2);
    f.started_at = q->text(3);
    f.http_status = q->opt_int64(4);
    f.bytes = static_cast<uint64_t>(q->int64(5));
    f.elapsed_ms = q->real(6);
    f.outcome = fetch_outcome_from_string(q->text(7)).value_or(FetchOutcome::kFailed);
    f.error = q->text(8);
    f.conditional = q->int64(9) != 0;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace policyindex::corpus
