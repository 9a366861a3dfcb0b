#include "corpus/models.h"

#include "corpus/sql.h"

namespace policyindex::corpus {
namespace {

template <class T>
tl::unexpected<Error> err(const Result<T>& r) {
  return tl::make_unexpected(r.error());
}

constexpr const char* kModelSelect =
    "SELECT m.name, m.document_id, CASE WHEN d.title <> '' THEN d.title ELSE "
    "coalesce((SELECT e.title FROM extractions e WHERE e.version_id=d.current_version_id), '') END, "
    "d.url, d.doc_type, coalesce(t.name, ''), m.added_at FROM models m JOIN documents d ON d.id=m.document_id "
    "LEFT JOIN municipalities t ON t.id=d.municipality_id ";

ModelRow model_row(const Statement& s) {
  return ModelRow{s.text(0), s.int64(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)};
}

}  // namespace

Status ReportReader::add_model(std::string_view name, int64_t document_id) {
  if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "a model needs a name (--name)");
  auto exists = sql::prepare(catalog_, "SELECT 1 FROM documents WHERE id=?1");
  if (!exists) return err(exists);
  exists->bind(1, document_id);
  auto row = exists->step();
  if (!row) return err(row);
  if (!*row) return make_error(ErrorCode::kNotFound, "no document " + std::to_string(document_id) + " in the corpus");
  auto stmt = sql::prepare(catalog_,
                           "INSERT INTO models(name, document_id, added_at) VALUES(?1, ?2, ?3) "
                           "ON CONFLICT(name) DO UPDATE SET document_id=excluded.document_id, added_at=excluded.added_at");
  if (!stmt) return err(stmt);
  const std::string now = now_iso8601();
  stmt->bind(1, name).bind(2, document_id).bind(3, std::string_view(now));
  return stmt->run();
}

Status ReportReader::remove_model(std::string_view name) {
  auto stmt = sql::prepare(catalog_, "DELETE FROM models WHERE name=?1 COLLATE NOCASE");
  if (!stmt) return err(stmt);
  stmt->bind(1, name);
  if (auto st = stmt->run(); !st) return st;
  if (catalog_.changes() == 0) return make_error(ErrorCode::kNotFound, "no model named \"" + std::string(name) + "\"");
  return {};
}

Result<std::vector<ModelRow>> ReportReader::models() {
  auto stmt = sql::prepare(catalog_, std::string(kModelSelect) + "ORDER BY m.name COLLATE NOCASE");
  if (!stmt) return err(stmt);
  std::vector<ModelRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    out.push_back(model_row(*stmt));
  }
  return out;
}

Result<std::optional<ModelRow>> ReportReader::model(std::string_view name) {
  auto stmt = sql::prepare(catalog_, std::string(kModelSelect) + "WHERE m.name=?1 COLLATE NOCASE");
  if (!stmt) return err(stmt);
  stmt->bind(1, name);
  auto row = stmt->step();
  if (!row) return err(row);
  if (!*row) return std::optional<ModelRow>();
  return std::optional<ModelRow>(model_row(*stmt));
}

Result<std::optional<int64_t>> ReportReader::document_by_url(std::string_view url) {
  auto stmt = sql::prepare(catalog_, "SELECT id FROM documents WHERE url=?1");
  if (!stmt) return err(stmt);
  stmt->bind(1, url);
  auto row = stmt->step();
  if (!row) return err(row);
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt->int64(0));
}

Result<std::vector<SectionRow>> ReportReader::current_sections(int64_t document_id) {
  auto stmt = sql::prepare(catalog_,
                           "SELECT s.number, s.heading, s.level, s.page, s.text FROM documents d "
                           "JOIN sections s ON s.version_id=d.current_version_id WHERE d.id=?1 ORDER BY s.ord");
  if (!stmt) return err(stmt);
  stmt->bind(1, document_id);
  std::vector<SectionRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    out.push_back(SectionRow{stmt->text(0), stmt->text(1), static_cast<int>(stmt->int64(2)), stmt->opt_int64(3),
                             stmt->text(4)});
  }
  return out;
}

Result<std::vector<BorrowRow>> ReportReader::borrow_rows(std::string_view provision, std::string_view stance) {
  auto stmt = sql::prepare(catalog_,
      "SELECT d.id, t.id, t.name, t.county, CASE WHEN d.title <> '' THEN d.title ELSE coalesce(e.title, '') END, "
      "d.url, d.doc_type, d.status, coalesce(e.genre, ''), h.provision, h.stance, h.evidence, s.number, s.heading, "
      "s.page, coalesce(e.doc_status, '') FROM documents d JOIN municipalities t ON t.id=d.municipality_id "
      "JOIN sections s ON s.version_id=d.current_version_id JOIN provision_hits h ON h.section_id=s.id "
      "LEFT JOIN extractions e ON e.version_id=d.current_version_id "
      "WHERE d.status='active' AND h.provision=?1 AND h.stance=?2 ORDER BY d.id, s.ord, h.start_offset, h.id");
  if (!stmt) return err(stmt);
  stmt->bind(1, provision).bind(2, stance);
  std::vector<BorrowRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    BorrowRow r;
    r.document_id = stmt->int64(0);
    r.municipality_id = stmt->int64(1);
    r.town = stmt->text(2);
    r.county = stmt->text(3);
    r.title = stmt->text(4);
    r.url = stmt->text(5);
    r.doc_type = stmt->text(6);
    r.status = stmt->text(7);
    r.genre = stmt->text(8);
    r.provision = stmt->text(9);
    r.stance = stmt->text(10);
    r.doc_status = stmt->text(15);
    r.evidence = stmt->text(11);
    r.number = stmt->text(12);
    r.heading = stmt->text(13);
    r.page = stmt->opt_int64(14);
    out.push_back(std::move(r));
  }
  return out;
}

Status ReportReader::for_each_town_text(const std::function<void(int64_t, std::string_view, std::string_view)>& fn) {
  auto stmt = sql::prepare(catalog_,
                           "SELECT t.id, t.county, s.text FROM documents d JOIN municipalities t ON t.id=d.municipality_id "
                           "JOIN sections s ON s.version_id=d.current_version_id WHERE d.status='active'");
  if (!stmt) return err(stmt);
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    const std::string county = stmt->text(1), text = stmt->text(2);
    fn(stmt->int64(0), county, text);
  }
  return {};
}

}  // namespace policyindex::corpus
