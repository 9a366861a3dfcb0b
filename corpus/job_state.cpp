#include "corpus/job_state.h"
#include "corpus/sql.h"

namespace policyindex::corpus {

Result<std::unordered_set<int64_t>> documents_of_type(Catalog& catalog, DocType type) {
  auto stmt = sql::prepare(catalog, "SELECT id FROM documents WHERE doc_type=?1");
  if (!stmt) return tl::make_unexpected(stmt.error());
  stmt->bind(1, doc_type_name(type));
  std::unordered_set<int64_t> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    out.insert(stmt->int64(0));
  }
  return out;
}

Result<int64_t> towns_with_documents(Catalog& catalog) {
  auto stmt = sql::prepare(catalog, 
      "SELECT count(DISTINCT municipality_id) FROM documents WHERE municipality_id IS NOT NULL");
  if (!stmt) return tl::make_unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return tl::make_unexpected(row.error());
  return stmt->int64(0);
}

void checkpoint_wal(const std::filesystem::path& catalog_path) {
  if (auto cat = Catalog::open(catalog_path)) (void)sql::exec(*cat, "PRAGMA wal_checkpoint(PASSIVE)");
}

RelaxedSync::RelaxedSync(Catalog& catalog)
    : catalog_(catalog), changed_(sql::exec(catalog, "PRAGMA synchronous=NORMAL").has_value()) {}

RelaxedSync::~RelaxedSync() {
  if (changed_) (void)sql::exec(catalog_, "PRAGMA synchronous=FULL");
}

}  // namespace policyindex::corpus
