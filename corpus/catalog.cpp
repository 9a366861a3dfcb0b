// The SQLite catalog: schema migrations, a small statement wrapper, and the typed
// operations the other modules share.

#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <iterator>
#include <map>
#include <unordered_map>

#include "corpus/corpus.h"
#include "corpus/migrations.h"
#include "corpus/sql.h"

extern const char pi_schema_sql[];

namespace policyindex::corpus {
namespace {

using migrations::kSchemaVersion;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

std::string json_int_array(const std::vector<int>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(v[i]);
  }
  return out + "]";
}

std::string json_string_array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ",";
    out += '"';
    for (unsigned char c : v[i]) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    out += '"';
  }
  return out + "]";
}

}  // namespace

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ---------------------------------------------------------------------------------------
// Statement

struct Statement::Impl {
  sqlite3* db = nullptr;
  StmtPtr stmt;
  std::string sql;
};

Statement::Statement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(impl_->stmt.get(), index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(impl_->stmt.get(), index, value);
  return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(impl_->stmt.get(), index, value.data(), value.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  return *this;
}
Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(impl_->stmt.get(), index);
  return *this;
}
Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}
Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(impl_->stmt.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return make_error(ErrorCode::kIo, std::string("catalog: ") + sqlite3_errmsg(impl_->db) +
                                        " (in: " + impl_->sql.substr(0, 80) + ")");
}

Status Statement::run() {
  while (true) {
    auto r = step();
    if (!r) return tl::make_unexpected(r.error());
    if (!*r) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(impl_->stmt.get());
  sqlite3_clear_bindings(impl_->stmt.get());
}

bool Statement::is_null(int col) const {
  return sqlite3_column_type(impl_->stmt.get(), col) == SQLITE_NULL;
}
int64_t Statement::int64(int col) const { return sqlite3_column_int64(impl_->stmt.get(), col); }
double Statement::real(int col) const { return sqlite3_column_double(impl_->stmt.get(), col); }
std::string Statement::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(impl_->stmt.get(), col));
  if (!p) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(impl_->stmt.get(), col)));
}
std::optional<int64_t> Statement::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}
std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

// ---------------------------------------------------------------------------------------
// Catalog

struct Catalog::Impl {
  DbPtr db;
  std::filesystem::path path;

  std::string err(std::string_view what) const {
    return path.string() + ": " + std::string(what) + ": " + sqlite3_errmsg(db.get());
  }
};

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::Catalog(Catalog&&) noexcept = default;
Catalog& Catalog::operator=(Catalog&&) noexcept = default;
Catalog::~Catalog() = default;

int Catalog::schema_version() { return kSchemaVersion; }

Status Catalog::exec(std::string_view sql) {
  std::string s(sql);
  char* msg = nullptr;
  int rc = sqlite3_exec(impl_->db.get(), s.c_str(), nullptr, nullptr, &msg);
  if (rc != SQLITE_OK) {
    std::string m = msg ? msg : sqlite3_errstr(rc);
    sqlite3_free(msg);
    return make_error(rc == SQLITE_BUSY ? ErrorCode::kBusy : ErrorCode::kIo,
                      impl_->path.string() + ": " + m);
  }
  return {};
}

Result<Statement> Catalog::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(impl_->db.get(), sql.data(), static_cast<int>(sql.size()), &raw,
                              nullptr);
  if (rc != SQLITE_OK) {
    return make_error(ErrorCode::kIo, impl_->err("prepare '" + std::string(sql.substr(0, 60)) + "'"));
  }
  auto impl = std::make_unique<Statement::Impl>();
  impl->db = impl_->db.get();
  impl->stmt.reset(raw);
  impl->sql = std::string(sql);
  return Statement(std::move(impl));
}

Status Catalog::begin() { return exec("BEGIN IMMEDIATE"); }
Status Catalog::commit() { return exec("COMMIT"); }
void Catalog::rollback() {
  if (!sqlite3_get_autocommit(impl_->db.get())) (void)exec("ROLLBACK");
}
bool Catalog::in_transaction() const { return !sqlite3_get_autocommit(impl_->db.get()); }
int64_t Catalog::last_insert_id() const { return sqlite3_last_insert_rowid(impl_->db.get()); }
int Catalog::changes() const { return sqlite3_changes(impl_->db.get()); }

Result<Catalog> Catalog::open(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return make_error(ErrorCode::kIo, path.string() + ": cannot open catalog: " +
                                          (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db.get(), 30000);
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(db);
  impl->path = path;
  Catalog cat(std::move(impl));

  // WAL with synchronous=NORMAL is durable across process crashes (kill -9); FULL adds
  // durability across power loss, which a catalog of re-fetchable documents wants too.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
    if (auto st = sql::exec(cat, pragma); !st) return tl::make_unexpected(st.error());
  }
  auto ver = sql::prepare(cat, "PRAGMA user_version");
  if (!ver) return tl::make_unexpected(ver.error());
  auto has = ver->step();
  if (!has) return tl::make_unexpected(has.error());
  int version = static_cast<int>(ver->int64(0));
  ver->reset();
  if (version > kSchemaVersion) {
    return make_error(ErrorCode::kUnsupported,
                      path.string() + ": catalog schema version " + std::to_string(version) +
                          " is newer than this program's (" + std::to_string(kSchemaVersion) +
                          "); upgrade policyindex");
  }
  if (version < kSchemaVersion) {
    if (auto st = cat.begin(); !st) return tl::make_unexpected(st.error());
    // Re-read inside the write lock: another process may have migrated meanwhile.
    auto again = sql::prepare(cat, "PRAGMA user_version");
    if (!again || !again->step()) {
      cat.rollback();
      return make_error(ErrorCode::kIo, path.string() + ": cannot read schema version");
    }
    version = static_cast<int>(again->int64(0));
    again->reset();
    // Migrations: one step per version. Version 0 is an empty database.
    if (version == 0) {
      if (auto st = sql::exec(cat, pi_schema_sql); !st) {
        cat.rollback();
        return tl::make_unexpected(st.error());
      }
      version = 1;
    }
    for (; version < kSchemaVersion; ++version) {
      if (auto st = sql::exec(cat, migrations::step(version)); !st) {
        cat.rollback();
        return make_error(st.error().code, path.string() + ": upgrading the catalog to schema version " +
                                               std::to_string(version + 1) + ": " + st.error().message);
      }
    }
    if (auto st = sql::exec(cat, "PRAGMA user_version=" + std::to_string(kSchemaVersion)); !st) {
      cat.rollback();
      return tl::make_unexpected(st.error());
    }
    if (auto st = cat.commit(); !st) {
      cat.rollback();
      return tl::make_unexpected(st.error());
    }
  }
  return cat;
}

// -- municipalities ----------------------------------------------------------------------

Status Catalog::upsert_municipalities(const std::vector<Municipality>& towns) {
  if (auto st = begin(); !st) return st;
  auto stmt = prepare(
      "INSERT INTO municipalities(name, folded, county, kind, population, website) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(folded) DO UPDATE SET "
      "name=excluded.name, county=excluded.county, "
      "kind=CASE WHEN excluded.kind<>'' THEN excluded.kind ELSE kind END, "
      "population=COALESCE(excluded.population, population), "
      "website=CASE WHEN excluded.website<>'' THEN excluded.website ELSE website END");
  if (!stmt) {
    rollback();
    return tl::make_unexpected(stmt.error());
  }
  for (const auto& m : towns) {
    stmt->bind(1, std::string_view(m.name))
        .bind(2, std::string_view(fold_town_name(m.name)))
        .bind(3, std::string_view(m.county))
        .bind(4, std::string_view(m.kind))
        .bind(5, m.population)
        .bind(6, std::string_view(m.website));
    if (auto st = stmt->run(); !st) {
      rollback();
      return st;
    }
  }
  if (auto st = commit(); !st) {
    rollback();
    return st;
  }
  return {};
}

Result<std::optional<int64_t>> Catalog::find_municipality(std::string_view name) {
  auto stmt = prepare("SELECT id FROM municipalities WHERE folded = ?1");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, std::string_view(fold_town_name(name)));
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  if (!*row) return std::optional<int64_t>{};
  return std::optional<int64_t>{stmt->int64(0)};
}

Result<std::vector<std::pair<int64_t, Municipality>>> Catalog::municipalities() {
  auto stmt = prepare(
      "SELECT id, name, county, kind, population, website FROM municipalities ORDER BY name");
  if (!stmt) return tl::make_unexpected(stmt.error());
  std::vector<std::pair<int64_t, Municipality>> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    Municipality m{stmt->text(1), stmt->text(2), stmt->text(3), stmt->opt_int64(4),
                   stmt->text(5)};
    out.emplace_back(stmt->int64(0), std::move(m));
  }
  return out;
}

Status Catalog::upsert_source(std::optional<int64_t> municipality_id, std::string_view url,
                              std::string_view doc_type, std::string_view note,
                              std::string_view kind) {
  auto stmt = prepare(
      "INSERT INTO sources(municipality_id, url, doc_type, note, kind, added_at) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(url) DO UPDATE SET "
      "municipality_id=COALESCE(excluded.municipality_id, municipality_id), "
      "doc_type=CASE WHEN excluded.doc_type<>'' THEN excluded.doc_type ELSE doc_type END, "
      "note=CASE WHEN excluded.note<>'' THEN excluded.note ELSE note END");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, municipality_id).bind(2, url).bind(3, doc_type).bind(4, note).bind(5, kind);
  stmt->bind(6, std::string_view(now_iso8601()));
  return stmt->run();
}

// -- documents and versions ----------------------------------------------------------------

namespace {
constexpr const char* kDocumentColumns =
    "id, municipality_id, url, doc_type, title, origin, status, etag, last_modified, "
    "current_version_id";

DocumentRow read_document(const Statement& s) {
  DocumentRow d;
  d.id = s.int64(0);
  d.municipality_id = s.opt_int64(1);
  d.url = s.text(2);
  d.doc_type = s.text(3);
  d.title = s.text(4);
  d.origin = s.text(5);
  d.status = s.text(6);
  d.etag = s.opt_text(7);
  d.last_modified = s.opt_text(8);
  d.current_version_id = s.opt_int64(9);
  return d;
}

constexpr const char* kVersionColumns =
    "id, document_id, sha256, fetched_at, http_status, etag, last_modified, content_type, size";

VersionRow read_version(const Statement& s) {
  VersionRow v;
  v.id = s.int64(0);
  v.document_id = s.int64(1);
  v.sha256 = s.text(2);
  v.fetched_at = s.text(3);
  v.http_status = s.opt_int64(4);
  v.etag = s.opt_text(5);
  v.last_modified = s.opt_text(6);
  v.content_type = s.opt_text(7);
  v.size = static_cast<uint64_t>(s.int64(8));
  return v;
}

template <class Row, class Reader>
Result<std::vector<Row>> collect(Statement& stmt, Reader read) {
  std::vector<Row> out;
  while (true) {
    auto row = stmt.step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    out.push_back(read(stmt));
  }
  return out;
}
}  // namespace

Result<int64_t> Catalog::ensure_document(std::string_view url,
                                         std::optional<int64_t> municipality_id,
                                         std::string_view doc_type, std::string_view title,
                                         std::string_view origin) {
  auto stmt = prepare(
      "INSERT INTO documents(url, municipality_id, doc_type, title, origin, first_seen) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(url) DO UPDATE SET "
      "municipality_id=COALESCE(municipality_id, excluded.municipality_id), "
      "doc_type=CASE WHEN doc_type='' THEN excluded.doc_type ELSE doc_type END, "
      "title=CASE WHEN title='' THEN excluded.title ELSE title END "
      "RETURNING id");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, url).bind(2, municipality_id).bind(3, doc_type).bind(4, title).bind(5, origin);
  stmt->bind(6, std::string_view(now_iso8601()));
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  int64_t id = stmt->int64(0);
  stmt->reset();
  return id;
}

Result<std::optional<DocumentRow>> Catalog::document_by_url(std::string_view url) {
  auto stmt = prepare(std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE url=?1");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, url);
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  if (!*row) return std::optional<DocumentRow>{};
  return std::optional<DocumentRow>{read_document(*stmt)};
}

Result<std::optional<DocumentRow>> Catalog::document(int64_t id) {
  auto stmt = prepare(std::string("SELECT ") + kDocumentColumns + " FROM documents WHERE id=?1");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  if (!*row) return std::optional<DocumentRow>{};
  return std::optional<DocumentRow>{read_document(*stmt)};
}

Result<AddVersionResult> Catalog::add_version(const VersionInput& v) {
  const bool own = !in_transaction();  // else part of the caller's transaction
  if (own) {
    if (auto st = begin(); !st) return tl::make_unexpected(st.error());
  }
  auto fail = [this](const Error& e) -> Result<AddVersionResult> {
    rollback();
    return tl::make_unexpected(e);
  };
  auto cur = prepare(
      "SELECT v.id, v.sha256 FROM documents d JOIN versions v ON v.id = d.current_version_id "
      "WHERE d.id = ?1");
  if (!cur) return fail(cur.error());
  cur->bind(1, v.document_id);
  auto row = cur->step();
  if (!row) return fail(row.error());
  const std::string fetched_at = v.fetched_at.empty() ? now_iso8601() : v.fetched_at;
  AddVersionResult result;
  if (*row && cur->text(1) == v.sha256) {
    result.version_id = cur->int64(0);
    result.created = false;
  } else {
    auto ins = prepare(
        "INSERT INTO versions(document_id, sha256, fetched_at, http_status, etag, "
        "last_modified, content_type, size) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!ins) return fail(ins.error());
    ins->bind(1, v.document_id).bind(2, std::string_view(v.sha256));
    ins->bind(3, std::string_view(fetched_at)).bind(4, v.http_status).bind(5, v.etag);
    ins->bind(6, v.last_modified).bind(7, v.content_type);
    ins->bind(8, static_cast<int64_t>(v.size));
    if (auto st = ins->run(); !st) return fail(st.error());
    result.version_id = last_insert_id();
    result.created = true;
  }
  cur->reset();
  auto upd = prepare(
      "UPDATE documents SET current_version_id=?2, etag=?3, last_modified=?4, "
      "last_checked=?5, status='active' WHERE id=?1");
  if (!upd) return fail(upd.error());
  upd->bind(1, v.document_id).bind(2, result.version_id).bind(3, v.etag).bind(4, v.last_modified);
  upd->bind(5, std::string_view(fetched_at));
  if (auto st = upd->run(); !st) return fail(st.error());
  if (own) {
    if (auto st = commit(); !st) return fail(st.error());
  }
  return result;
}

Result<std::vector<VersionRow>> Catalog::versions_of(int64_t document_id) {
  auto stmt = prepare(std::string("SELECT ") + kVersionColumns +
                      " FROM versions WHERE document_id=?1 ORDER BY id");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, document_id);
  return collect<VersionRow>(*stmt, read_version);
}

Result<std::optional<VersionRow>> Catalog::version(int64_t id) {
  auto stmt = prepare(std::string("SELECT ") + kVersionColumns + " FROM versions WHERE id=?1");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  if (!*row) return std::optional<VersionRow>{};
  return std::optional<VersionRow>{read_version(*stmt)};
}

Status Catalog::set_document_status(int64_t document_id, std::string_view status) {
  auto stmt = prepare("UPDATE documents SET status=?2, last_checked=?3 WHERE id=?1");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, document_id).bind(2, status).bind(3, std::string_view(now_iso8601()));
  return stmt->run();
}

Status Catalog::log_fetch(const FetchRecord& f) {
  auto stmt = prepare(
      "INSERT INTO fetch_log(run_id, url, document_id, started_at, http_status, bytes, "
      "elapsed_ms, outcome, error, conditional) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, f.run_id).bind(2, std::string_view(f.url)).bind(3, f.document_id);
  stmt->bind(4, std::string_view(f.started_at.empty() ? now_iso8601() : f.started_at));
  stmt->bind(5, f.http_status).bind(6, static_cast<int64_t>(f.bytes)).bind(7, f.elapsed_ms);
  stmt->bind(8, to_string(f.outcome)).bind(9, std::string_view(f.error));
  stmt->bind(10, static_cast<int64_t>(f.conditional ? 1 : 0));
  return stmt->run();
}

// -- extraction ----------------------------------------------------------------------------

Result<std::vector<VersionRow>> Catalog::versions_to_extract(std::string_view tagger_version) {
  auto stmt = prepare(
      "SELECT v.id, v.document_id, v.sha256, v.fetched_at, v.http_status, v.etag, "
      "v.last_modified, v.content_type, v.size FROM versions v "
      "LEFT JOIN extractions e ON e.version_id = v.id "
      "WHERE e.version_id IS NULL OR e.tagger_version <> ?1 ORDER BY v.id");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, tagger_version);
  return collect<VersionRow>(*stmt, read_version);
}

Status Catalog::store_extraction(ExtractionRecord& rec) {
  // Inside a caller's transaction (a group of extractions committed together) this is a
  // savepoint: a failure undoes this extraction only.
  const bool nested = !sqlite3_get_autocommit(impl_->db.get());
  if (auto st = exec(nested ? "SAVEPOINT store_extraction" : "BEGIN IMMEDIATE"); !st) return st;
  auto fail = [this, nested](const Error& e) -> Status {
    if (nested) {
      (void)exec("ROLLBACK TO store_extraction");
      (void)exec("RELEASE store_extraction");
    } else {
      rollback();
    }
    return tl::make_unexpected(e);
  };
  // Replace: drop the old sections (hits and citations cascade).
  auto del = prepare("DELETE FROM sections WHERE version_id=?1");
  if (!del) return fail(del.error());
  del->bind(1, rec.version_id);
  if (auto st = del->run(); !st) return fail(st.error());

  auto ext = prepare(
      "INSERT OR REPLACE INTO extractions(version_id, extracted_at, type, pages, ocr_pages, "
      "title, status, error, struck, tagger_version, genre, genre_reason, title_source, doc_status, "
      "status_reason, status_presumed, date_conflicts, text_sig) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)");
  if (!ext) return fail(ext.error());
  ext->bind(1, rec.version_id).bind(2, std::string_view(now_iso8601()));
  ext->bind(3, std::string_view(rec.type)).bind(4, rec.pages);
  ext->bind(5, std::string_view(json_int_array(rec.ocr_pages)));
  ext->bind(6, std::string_view(rec.title)).bind(7, std::string_view(rec.status));
  ext->bind(8, std::string_view(rec.error));
  ext->bind(9, std::string_view(json_string_array(rec.struck)));
  ext->bind(10, std::string_view(rec.tagger_version));
  ext->bind(11, std::string_view(rec.genre)).bind(12, std::string_view(rec.genre_reason));
  ext->bind(13, std::string_view(rec.title_source)).bind(14, std::string_view(rec.doc_status));
  ext->bind(15, std::string_view(rec.status_reason)).bind(16, int64_t{rec.status_presumed ? 1 : 0});
  ext->bind(17, std::string_view(json_string_array(rec.date_conflicts)));
  ext->bind(18, std::string_view(rec.text_sig));
  if (auto st = ext->run(); !st) return fail(st.error());

  auto del_dates = prepare("DELETE FROM version_dates WHERE version_id=?1");
  if (!del_dates) return fail(del_dates.error());
  del_dates->bind(1, rec.version_id);
  if (auto st = del_dates->run(); !st) return fail(st.error());
  auto date = prepare("INSERT INTO version_dates(version_id, ord, kind, date, text) VALUES(?1,?2,?3,?4,?5)");
  if (!date) return fail(date.error());
  for (size_t i = 0; i < rec.dates.size(); ++i) {
    const DateRecord& d = rec.dates[i];
    date->bind(1, rec.version_id).bind(2, static_cast<int64_t>(i)).bind(3, std::string_view(d.kind));
    date->bind(4, std::string_view(d.date)).bind(5, std::string_view(d.text));
    if (auto st = date->run(); !st) return fail(st.error());
  }

  auto sec = prepare(
      "INSERT INTO sections(version_id, ord, key, number, heading, level, page, page_end, "
      "text, start_offset, end_offset) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  auto hit = prepare(
      "INSERT INTO provision_hits(section_id, provision, stance, evidence, start_offset, "
      "end_offset, rule) VALUES(?1,?2,?3,?4,?5,?6,?7)");
  auto cite = prepare("INSERT OR IGNORE INTO section_cites(section_id, cite) VALUES(?1, ?2)");
  if (!sec) return fail(sec.error());
  if (!hit) return fail(hit.error());
  if (!cite) return fail(cite.error());
  for (auto& s : rec.sections) {
    sec->bind(1, rec.version_id).bind(2, static_cast<int64_t>(s.ord));
    sec->bind(3, std::string_view(s.key)).bind(4, std::string_view(s.number));
    sec->bind(5, std::string_view(s.heading)).bind(6, static_cast<int64_t>(s.level));
    sec->bind(7, s.page).bind(8, s.page_end).bind(9, std::string_view(s.text));
    sec->bind(10, s.start).bind(11, s.end);
    if (auto st = sec->run(); !st) return fail(st.error());
    s.id = last_insert_id();
    for (const auto& h : s.hits) {
      hit->bind(1, s.id).bind(2, std::string_view(h.provision)).bind(3, std::string_view(h.stance));
      hit->bind(4, std::string_view(h.evidence)).bind(5, h.start).bind(6, h.end);
      hit->bind(7, std::string_view(h.rule));
      if (auto st = hit->run(); !st) return fail(st.error());
    }
    for (const auto& c : s.cites) {
      cite->bind(1, s.id).bind(2, std::string_view(c));
      if (auto st = cite->run(); !st) return fail(st.error());
    }
  }
  if (auto st = exec(nested ? "RELEASE store_extraction" : "COMMIT"); !st) return fail(st.error());
  return {};
}

Result<std::vector<StoredSection>> Catalog::sections_of(int64_t version_id) {
  auto stmt = prepare(
      "SELECT id, ord, key, number, heading, level, page, page_end, text, start_offset, "
      "end_offset FROM sections WHERE version_id=?1 ORDER BY ord");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, version_id);
  auto sections = collect<StoredSection>(*stmt, [](const Statement& s) {
    StoredSection x;
    x.id = s.int64(0);
    x.ord = static_cast<int>(s.int64(1));
    x.key = s.text(2);
    x.number = s.text(3);
    x.heading = s.text(4);
    x.level = static_cast<int>(s.int64(5));
    x.page = s.opt_int64(6);
    x.page_end = s.opt_int64(7);
    x.text = s.text(8);
    x.start = s.int64(9);
    x.end = s.int64(10);
    return x;
  });
  if (!sections) return sections;
  // Hits and citations of the whole version in one query each (not one per section).
  std::unordered_map<int64_t, size_t> at;
  for (size_t i = 0; i < sections->size(); ++i) at[(*sections)[i].id] = i;
  auto hits = prepare(
      "SELECT h.section_id, h.provision, h.stance, h.evidence, h.start_offset, h.end_offset, h.rule "
      "FROM provision_hits h JOIN sections s ON s.id = h.section_id WHERE s.version_id=?1 "
      "ORDER BY h.section_id, h.start_offset, h.id");
  if (!hits) return tl::make_unexpected(hits.error());
  hits->bind(1, version_id);
  while (true) {
    auto row = hits->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    auto it = at.find(hits->int64(0));
    if (it == at.end()) continue;
    (*sections)[it->second].hits.push_back(StoredHit{hits->text(1), hits->text(2), hits->text(3),
                                                     hits->int64(4), hits->int64(5), hits->text(6)});
  }
  auto cites = prepare(
      "SELECT c.section_id, c.cite FROM section_cites c JOIN sections s ON s.id = c.section_id "
      "WHERE s.version_id=?1 ORDER BY c.section_id, c.cite");
  if (!cites) return tl::make_unexpected(cites.error());
  cites->bind(1, version_id);
  while (true) {
    auto row = cites->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    auto it = at.find(cites->int64(0));
    if (it != at.end()) (*sections)[it->second].cites.push_back(cites->text(1));
  }
  return sections;
}

// -- changes -------------------------------------------------------------------------------

Result<int64_t> Catalog::add_change(const ChangeRecord& c) {
  auto stmt = prepare(
      "INSERT INTO changes(detected_at, run_id, municipality_id, document_id, old_version_id, "
      "new_version_id, kind, summary, detail) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, std::string_view(c.detected_at.empty() ? now_iso8601() : c.detected_at));
  stmt->bind(2, c.run_id).bind(3, c.municipality_id).bind(4, c.document_id);
  stmt->bind(5, c.old_version_id).bind(6, c.new_version_id).bind(7, std::string_view(c.kind));
  stmt->bind(8, std::string_view(c.summary));
  stmt->bind(9, std::string_view(c.detail.empty() ? "{}" : c.detail));
  if (auto st = stmt->run(); !st) return tl::make_unexpected(st.error());
  return last_insert_id();
}

}  // namespace policyindex::corpus
