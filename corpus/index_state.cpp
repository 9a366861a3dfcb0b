#include "corpus/index_state.h"
#include "corpus/sql.h"

namespace policyindex::corpus {
namespace {

constexpr std::string_view kUuidKey = "xapian_uuid";

// What a document's index entry was built from: a change to any of it re-indexes it.
constexpr std::string_view kFingerprintSql =
    "coalesce(e.extracted_at,'') || '|' || coalesce(e.tagger_version,'') || '|' || "
    "coalesce(e.status,'') || '|' || d.title || '|' || d.doc_type || '|' || "
    "coalesce(d.municipality_id,'') || '|' || coalesce(e.title,'')";

}  // namespace

Result<std::string> IndexState::index_uuid() {
  auto stmt = sql::prepare(catalog_, "SELECT value FROM meta WHERE key=?1");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, kUuidKey);
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  return *row ? stmt->text(0) : std::string();
}

Status IndexState::set_index_uuid(std::string_view uuid) {
  auto stmt = sql::prepare(catalog_, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, kUuidKey).bind(2, uuid);
  return stmt->run();
}

Status IndexState::forget_indexed() {
  return sql::exec(catalog_, 
      "UPDATE documents SET indexed_version_id=NULL, indexed_status=NULL, "
      "indexed_fingerprint=NULL");
}

Result<std::vector<IndexCandidate>> IndexState::documents_to_index() {
  const std::string fp(kFingerprintSql);
  auto stmt = sql::prepare(catalog_, 
      "SELECT d.id, d.status, d.current_version_id, d.municipality_id, d.url, d.doc_type, "
      "CASE WHEN d.origin = 'add' AND d.title <> '' THEN d.title WHEN coalesce(e.doc_status, '') <> '' "
      "THEN e.title WHEN d.title <> '' THEN d.title ELSE coalesce(e.title, '') END, "
      "e.version_id IS NOT NULL AND e.status = 'ok', " + fp + ", coalesce(v.fetched_at, ''), "
      "d.indexed_version_id IS NOT NULL AND d.indexed_status = 'active' "
      "FROM documents d LEFT JOIN extractions e ON e.version_id = d.current_version_id "
      "LEFT JOIN versions v ON v.id = d.current_version_id "
      "WHERE d.indexed_version_id IS NOT d.current_version_id "
      "OR d.indexed_status IS NOT d.status OR d.indexed_fingerprint IS NOT (" + fp + ") "
      "ORDER BY d.id");
  if (!stmt) return tl::make_unexpected(stmt.error());
  std::vector<IndexCandidate> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    IndexCandidate d;
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
  auto failed = sql::prepare(catalog_, "SELECT status FROM extractions WHERE version_id=?1");
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

Result<std::map<int64_t, SectionVolume>> IndexState::section_volumes() {
  auto stmt = sql::prepare(catalog_, 
      "SELECT s.version_id, count(*), sum(max(0, s.end_offset - s.start_offset)) "
      "FROM documents d JOIN sections s "
      "ON s.version_id = d.current_version_id GROUP BY s.version_id");
  if (!stmt) return tl::make_unexpected(stmt.error());
  std::map<int64_t, SectionVolume> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    out[stmt->int64(0)] =
        SectionVolume{static_cast<size_t>(stmt->int64(1)), static_cast<size_t>(stmt->int64(2))};
  }
  return out;
}

Status IndexState::mark_indexed(const std::vector<const IndexCandidate*>& docs) {
  if (auto st = catalog_.begin(); !st) return st;
  auto stmt = sql::prepare(catalog_, 
      "UPDATE documents SET indexed_version_id=?1, indexed_status=?2, indexed_fingerprint=?3 "
      "WHERE id=?4");
  if (!stmt) {
    catalog_.rollback();
    return tl::make_unexpected(stmt.error());
  }
  for (const auto* d : docs) {
    stmt->bind(1, d->version_id).bind(2, std::string_view(d->status));
    stmt->bind(3, std::string_view(d->fingerprint)).bind(4, d->id);
    if (auto st = stmt->run(); !st) {
      catalog_.rollback();
      return st;
    }
    stmt->reset();
  }
  return catalog_.commit();
}

}  // namespace policyindex::corpus
