#include "corpus/reader.h"
#include "corpus/sql.h"

namespace policyindex::corpus {
namespace {

template <class T>
tl::unexpected<Error> err(const Result<T>& r) {
  return tl::make_unexpected(r.error());
}

// The title shown: a document added with --title keeps it; else what the current version's
// extraction chose from the document itself (schema 5: doc_status is set; its title may be
// empty when nothing in the document named it, and then the URL is shown); else, for older
// extractions, the catalog's title (the link text) before the extracted one.
constexpr const char* kTitleColumn =
    "CASE WHEN d.origin = 'add' AND d.title <> '' THEN d.title "
    "WHEN e.doc_status <> '' THEN e.title "
    "WHEN d.title <> '' THEN d.title ELSE coalesce(e.title, '') END";

// The canonical document of D's rendition group when that is another active document.
constexpr const char* kRenditionOf =
    "(SELECT r.canonical_id FROM renditions r JOIN documents c ON c.id = r.canonical_id "
    "WHERE r.document_id = d.id AND r.canonical_id <> d.id AND c.status = 'active')";

}  // namespace

Result<std::vector<DocumentInfo>> Reader::documents(const std::string& where, std::optional<int64_t> bind) {
  auto stmt = sql::prepare(catalog_, 
      std::string("SELECT d.id, d.municipality_id, ") + kTitleColumn +
      ", d.url, d.doc_type, d.status, d.current_version_id, coalesce(e.genre, ''), coalesce(e.doc_status, ''), "
      "coalesce(e.status_reason, ''), " + kRenditionOf + " FROM documents d "
      "LEFT JOIN extractions e ON e.version_id = d.current_version_id WHERE " + where + " ORDER BY d.id");
  if (!stmt) return err(stmt);
  if (bind) stmt->bind(1, *bind);
  std::vector<DocumentInfo> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    out.push_back(DocumentInfo{stmt->int64(0), stmt->opt_int64(1), stmt->text(2), stmt->text(3),
                               stmt->text(4), stmt->text(5), stmt->opt_int64(6), stmt->text(7),
                               stmt->text(8), stmt->text(9), stmt->opt_int64(10)});
  }
  return out;
}

Result<std::vector<DocumentInfo>> Reader::documents_of(int64_t town_id, bool active_only) {
  return documents(active_only ? "d.municipality_id=?1 AND d.status='active'" : "d.municipality_id=?1", town_id);
}

Result<std::vector<DocumentInfo>> Reader::all_documents() { return documents("1=1", std::nullopt); }

Result<std::map<int64_t, int64_t>> Reader::active_document_counts() {
  auto stmt = sql::prepare(catalog_, 
      std::string("SELECT d.municipality_id, count(*) FROM documents d "
                  "LEFT JOIN extractions e ON e.version_id = d.current_version_id WHERE d.status='active' AND "
                  "d.current_version_id IS NOT NULL AND d.municipality_id IS NOT NULL AND "
                  "coalesce(e.genre, '') <> 'navigation' AND ") + kRenditionOf + " IS NULL GROUP BY d.municipality_id");
  if (!stmt) return err(stmt);
  std::map<int64_t, int64_t> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    out[stmt->int64(0)] = stmt->int64(1);
  }
  return out;
}

Result<std::vector<ProvisionHitRow>> Reader::provision_hits(std::optional<int64_t> town_id) {
  auto stmt = sql::prepare(catalog_, 
      std::string("SELECT d.id, d.municipality_id, h.provision, h.stance, h.evidence, "
                  "CASE WHEN s.number <> '' THEN s.number ELSE s.key END, s.heading, s.page, "
                  "coalesce(e.doc_status, '') "
                  "FROM documents d JOIN sections s ON s.version_id = d.current_version_id "
                  "JOIN provision_hits h ON h.section_id = s.id "
                  "LEFT JOIN extractions e ON e.version_id = d.current_version_id WHERE d.status='active' "
                  "AND coalesce(e.genre, '') <> 'navigation' AND ") + kRenditionOf + " IS NULL " +
      (town_id ? "AND d.municipality_id=?1 " : "") + "ORDER BY d.id, s.ord, h.start_offset, h.id");
  if (!stmt) return err(stmt);
  if (town_id) stmt->bind(1, *town_id);
  std::vector<ProvisionHitRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    out.push_back(ProvisionHitRow{stmt->int64(0), stmt->opt_int64(1), stmt->text(2), stmt->text(3),
                                  stmt->text(4), stmt->text(5), stmt->text(6), stmt->opt_int64(7),
                                  stmt->text(8)});
  }
  return out;
}

Result<std::pair<int64_t, std::string>> Reader::version_summary(int64_t document_id,
                                                              std::optional<int64_t> current_version_id) {
  auto stmt = sql::prepare(catalog_, 
      "SELECT count(*), (SELECT fetched_at FROM versions WHERE id=?2) FROM versions WHERE document_id=?1");
  if (!stmt) return err(stmt);
  stmt->bind(1, document_id);
  stmt->bind(2, current_version_id);
  auto row = stmt->step();
  if (!row) return err(row);
  if (!*row) return std::pair<int64_t, std::string>{0, ""};
  return std::pair<int64_t, std::string>{stmt->int64(0), stmt->text(1)};
}

Result<std::optional<ExtractionInfo>> Reader::extraction(int64_t version_id) {
  auto stmt = sql::prepare(catalog_, "SELECT type, pages, status, error FROM extractions WHERE version_id=?1");
  if (!stmt) return err(stmt);
  stmt->bind(1, version_id);
  auto row = stmt->step();
  if (!row) return err(row);
  if (!*row) return std::optional<ExtractionInfo>();
  return std::optional<ExtractionInfo>(ExtractionInfo{stmt->text(0), stmt->opt_int64(1), stmt->text(2), stmt->text(3)});
}

Result<std::vector<ChangeRow>> Reader::changes(const ChangeFilter& filter) {
  std::string sql =
      "SELECT c.id, c.detected_at, c.kind, c.document_id, coalesce(m.name, ''), coalesce(d.url, ''), "
      "c.summary, c.detail, c.old_version_id, c.new_version_id FROM changes c "
      "LEFT JOIN municipalities m ON m.id = c.municipality_id LEFT JOIN documents d ON d.id = c.document_id "
      "WHERE ";
  sql += filter.municipality_id ? "c.municipality_id=?1" : filter.document_id ? "c.document_id=?1" : "1=1";
  if (!filter.provision.empty()) sql += " AND (instr(c.detail, ?2) > 0 OR instr(c.summary, ?3) > 0)";
  sql += " ORDER BY c.detected_at DESC, c.id DESC LIMIT " + std::to_string(filter.limit);
  auto stmt = sql::prepare(catalog_, sql);
  if (!stmt) return err(stmt);
  if (filter.municipality_id) {
    stmt->bind(1, *filter.municipality_id);
  } else if (filter.document_id) {
    stmt->bind(1, *filter.document_id);
  }
  const std::string quoted = "\"" + filter.provision + "\"";
  if (!filter.provision.empty()) stmt->bind(2, std::string_view(quoted)).bind(3, std::string_view(filter.provision));
  std::vector<ChangeRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    ChangeRow c;
    c.id = stmt->int64(0);
    c.detected_at = stmt->text(1);
    c.kind = stmt->text(2);
    c.document_id = stmt->opt_int64(3);
    c.town = stmt->text(4);
    c.url = stmt->text(5);
    c.summary = stmt->text(6);
    c.detail = stmt->text(7);
    c.old_version_id = stmt->opt_int64(8);
    c.new_version_id = stmt->opt_int64(9);
    out.push_back(std::move(c));
  }
  return out;
}

Status Reader::for_each_current_section(const std::function<void(int64_t, std::string_view)>& fn) {
  auto stmt = sql::prepare(catalog_, 
      std::string("SELECT d.municipality_id, s.text FROM documents d JOIN sections s ON s.version_id = d.current_version_id "
                  "LEFT JOIN extractions e ON e.version_id = d.current_version_id "
                  "WHERE d.status='active' AND d.municipality_id IS NOT NULL AND coalesce(e.genre, '') <> 'navigation' AND ") +
      kRenditionOf + " IS NULL");
  if (!stmt) return err(stmt);
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    fn(stmt->int64(0), stmt->text(1));
  }
  return {};
}

}  // namespace policyindex::corpus
