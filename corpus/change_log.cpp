#include "corpus/change_log.h"
#include "corpus/sql.h"

namespace policyindex::corpus {
namespace {

// The location of document `d`: the URL its latest successful fetch came from (the final
// hop of a redirect chain carries the document's id in the fetch log).
constexpr const char* kLocationOfD =
    "(SELECT f.url FROM fetch_log f WHERE f.document_id = d.id "
    "AND f.outcome IN ('fetched', 'unchanged', 'not_modified') ORDER BY f.id DESC LIMIT 1)";

template <class T>
tl::unexpected<Error> err(const Result<T>& r) {
  return tl::make_unexpected(r.error());
}

}  // namespace

Result<std::vector<PendingDocument>> ChangeLog::pending_documents() {
  auto stmt = sql::prepare(catalog_, 
      std::string("WITH cur AS (SELECT d.*, ") + kLocationOfD + " AS loc FROM documents d) " +
      "SELECT d.id, d.municipality_id, d.url, d.title, d.doc_type, d.status, "
      "d.current_version_id, cs.document_id, cs.version_id, cs.status, m.name, m.county, "
      "d.loc, cs.location "
      "FROM cur d LEFT JOIN change_state cs ON cs.document_id = d.id "
      "LEFT JOIN municipalities m ON m.id = d.municipality_id "
      "WHERE cs.document_id IS NULL OR cs.version_id IS NOT d.current_version_id "
      "OR cs.status IS NOT d.status OR (d.loc IS NOT NULL AND cs.location IS NOT d.loc) "
      "ORDER BY d.id");
  if (!stmt) return err(stmt);
  std::vector<PendingDocument> rows;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    PendingDocument p;
    p.document_id = stmt->int64(0);
    p.municipality_id = stmt->opt_int64(1);
    p.url = stmt->text(2);
    p.title = stmt->text(3);
    p.doc_type = stmt->text(4);
    p.status = stmt->text(5);
    p.current_version_id = stmt->opt_int64(6);
    p.reported = !stmt->is_null(7);
    p.reported_version_id = stmt->opt_int64(8);
    p.reported_status = stmt->opt_text(9).value_or("");
    p.town = stmt->opt_text(10).value_or("");
    p.county = stmt->opt_text(11).value_or("");
    p.location = stmt->opt_text(12);
    p.reported_location = stmt->opt_text(13);
    rows.push_back(std::move(p));
  }
  return rows;
}

Result<std::vector<TownDocumentState>> ChangeLog::town_documents(int64_t town_id) {
  auto docs = sql::prepare(catalog_, 
      "SELECT d.id, d.status, d.current_version_id, cs.document_id, cs.version_id, cs.status, "
      "m.name, m.county FROM documents d LEFT JOIN change_state cs ON cs.document_id = d.id "
      "JOIN municipalities m ON m.id = d.municipality_id WHERE d.municipality_id = ?1 "
      "ORDER BY d.id");
  if (!docs) return err(docs);
  docs->bind(1, town_id);
  std::vector<TownDocumentState> out;
  while (true) {
    auto row = docs->step();
    if (!row) return err(row);
    if (!*row) break;
    TownDocumentState s;
    s.document_id = docs->int64(0);
    s.status = docs->text(1);
    s.current_version_id = docs->opt_int64(2);
    s.reported = !docs->is_null(3);
    s.reported_version_id = docs->opt_int64(4);
    s.reported_status = docs->opt_text(5).value_or("");
    s.town = docs->text(6);
    s.county = docs->text(7);
    out.push_back(std::move(s));
  }
  return out;
}

Result<ExtractionStatus> ChangeLog::extraction_status(int64_t version_id) {
  auto stmt = sql::prepare(catalog_, "SELECT status, error FROM extractions WHERE version_id=?1");
  if (!stmt) return err(stmt);
  stmt->bind(1, version_id);
  auto row = stmt->step();
  if (!row) return err(row);
  ExtractionStatus e;
  if (*row) {
    e.exists = true;
    e.status = stmt->text(0);
    e.error = stmt->text(1);
  }
  return e;
}

Status ChangeLog::save_states(const std::vector<ChangeStateRow>& rows) {
  auto state = sql::prepare(catalog_, 
      "INSERT OR REPLACE INTO change_state(document_id, version_id, status, reported_at, location) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  if (!state) return err(state);
  for (const auto& r : rows) {
    state->bind(1, r.document_id);
    state->bind(2, r.version_id);
    state->bind(3, std::string_view(r.status));
    state->bind(4, std::string_view(r.reported_at));
    state->bind(5, r.location);
    if (auto st = state->run(); !st) return st;
    state->reset();
  }
  return {};
}

Result<bool> ChangeLog::has_baseline() {
  auto meta = sql::prepare(catalog_, "SELECT value FROM meta WHERE key='changes.baseline'");
  if (!meta) return err(meta);
  auto row = meta->step();
  if (!row) return err(row);
  return *row;
}

Result<int64_t> ChangeLog::mark_baseline(std::string_view at) {
  auto mark = sql::prepare(catalog_, 
      std::string("INSERT OR IGNORE INTO change_state(document_id, version_id, status, reported_at, "
                  "location) SELECT d.id, d.current_version_id, d.status, ?1, ") + kLocationOfD +
      " FROM documents d WHERE d.current_version_id IS NOT NULL");
  if (!mark) return err(mark);
  mark->bind(1, at);
  if (auto st = mark->run(); !st) return err(st);
  const int64_t marked = catalog_.changes();
  auto set = sql::prepare(catalog_, "INSERT INTO meta(key, value) VALUES('changes.baseline', ?1)");
  if (!set) return err(set);
  set->bind(1, at);
  if (auto st = set->run(); !st) return err(st);
  return marked;
}

}  // namespace policyindex::corpus
