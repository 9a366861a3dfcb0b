// Documents' standing (status, dates, genre, title source) and rendition groups: the SQL
// behind corpus/standing.h.

#include "corpus/standing.h"

#include "corpus/sql.h"

namespace policyindex::corpus {
namespace {

template <class T>
tl::unexpected<Error> err(const Result<T>& r) {
  return tl::make_unexpected(r.error());
}

std::string town_filter(const std::optional<int64_t>& town_id) {
  return town_id ? " AND d.municipality_id=?1" : "";
}

// Runs STMT to the end, calling FN on each row.
template <class Fn>
Status each_row(Statement& stmt, Fn fn) {
  while (true) {
    auto row = stmt.step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) return {};
    fn(stmt);
  }
}

}  // namespace

Result<std::map<int64_t, Standing>> current_standings(Catalog& catalog, std::optional<int64_t> town_id) {
  const std::string where = " WHERE d.status='active'" + town_filter(town_id);
  auto stmt = sql::prepare(catalog,
                           "SELECT d.id, v.id, e.doc_status, e.status_reason, e.status_presumed, e.genre, "
                           "e.genre_reason, e.title, e.title_source, v.fetched_at, v.last_modified "
                           "FROM documents d JOIN versions v ON v.id = d.current_version_id "
                           "JOIN extractions e ON e.version_id = v.id" + where + " ORDER BY d.id");
  if (!stmt) return err(stmt);
  if (town_id) stmt->bind(1, *town_id);
  std::map<int64_t, Standing> out;
  auto st = each_row(*stmt, [&](const Statement& s) {
    Standing x;
    x.document_id = s.int64(0);
    x.version_id = s.int64(1);
    x.status = s.text(2);
    x.reason = s.text(3);
    x.presumed = s.int64(4) != 0;
    x.genre = s.text(5);
    x.genre_reason = s.text(6);
    x.title = s.text(7);
    x.title_source = s.text(8);
    x.fetched_at = s.text(9);
    x.last_modified = s.opt_text(10);
    out.emplace(x.document_id, std::move(x));
  });
  if (!st) return tl::make_unexpected(st.error());

  auto dates = sql::prepare(catalog,
                            "SELECT d.id, vd.kind, vd.date, vd.text FROM documents d "
                            "JOIN version_dates vd ON vd.version_id = d.current_version_id" + where +
                                " ORDER BY d.id, vd.ord");
  if (!dates) return err(dates);
  if (town_id) dates->bind(1, *town_id);
  st = each_row(*dates, [&](const Statement& s) {
    auto it = out.find(s.int64(0));
    if (it != out.end()) it->second.dates.push_back(DateRecord{s.text(1), s.text(2), s.text(3)});
  });
  if (!st) return tl::make_unexpected(st.error());

  auto conflicts = sql::prepare(catalog,
                                "SELECT d.id, j.value FROM documents d "
                                "JOIN extractions e ON e.version_id = d.current_version_id, "
                                "json_each(e.date_conflicts) j" + where + " ORDER BY d.id, j.key");
  if (!conflicts) return err(conflicts);
  if (town_id) conflicts->bind(1, *town_id);
  st = each_row(*conflicts, [&](const Statement& s) {
    auto it = out.find(s.int64(0));
    if (it != out.end()) it->second.conflicts.push_back(s.text(1));
  });
  if (!st) return tl::make_unexpected(st.error());
  return out;
}

Result<std::vector<SignatureRow>> current_signatures(Catalog& catalog) {
  auto stmt = sql::prepare(catalog,
                           "SELECT d.id, d.municipality_id, v.sha256, e.type, e.text_sig FROM documents d "
                           "JOIN versions v ON v.id = d.current_version_id "
                           "JOIN extractions e ON e.version_id = v.id "
                           "WHERE d.status='active' AND e.status='ok' AND e.genre <> 'navigation' ORDER BY d.id");
  if (!stmt) return err(stmt);
  std::vector<SignatureRow> out;
  auto st = each_row(*stmt, [&](const Statement& s) {
    out.push_back(SignatureRow{s.int64(0), s.opt_int64(1), s.text(2), s.text(3), s.text(4)});
  });
  if (!st) return tl::make_unexpected(st.error());
  return out;
}

Status replace_renditions(Catalog& catalog, const std::vector<RenditionRow>& rows) {
  const bool own = !catalog.in_transaction();
  if (own) {
    if (auto st = catalog.begin(); !st) return st;
  }
  auto fail = [&](const Error& e) -> Status {
    if (own) catalog.rollback();
    return tl::make_unexpected(e);
  };
  if (auto st = sql::exec(catalog, "DELETE FROM renditions"); !st) return fail(st.error());
  auto ins = sql::prepare(catalog,
                          "INSERT INTO renditions(document_id, canonical_id, similarity, method) VALUES(?1,?2,?3,?4)");
  if (!ins) return fail(ins.error());
  for (const auto& r : rows) {
    ins->bind(1, r.document_id).bind(2, r.canonical_id).bind(3, r.similarity).bind(4, std::string_view(r.method));
    if (auto st = ins->run(); !st) return fail(st.error());
  }
  if (own) {
    if (auto st = catalog.commit(); !st) return fail(st.error());
  }
  return {};
}

Result<std::vector<RenditionRow>> rendition_group(Catalog& catalog, int64_t document_id) {
  auto stmt = sql::prepare(catalog,
                           "SELECT r.document_id, r.canonical_id, r.similarity, r.method FROM renditions r "
                           "WHERE r.canonical_id = (SELECT canonical_id FROM renditions WHERE document_id=?1) "
                           "ORDER BY r.document_id <> r.canonical_id, r.document_id");
  if (!stmt) return err(stmt);
  stmt->bind(1, document_id);
  std::vector<RenditionRow> out;
  auto st = each_row(*stmt, [&](const Statement& s) {
    out.push_back(RenditionRow{s.int64(0), s.int64(1), s.real(2), s.text(3)});
  });
  if (!st) return tl::make_unexpected(st.error());
  return out;
}

Result<std::map<int64_t, RenditionRow>> all_renditions(Catalog& catalog) {
  auto stmt = sql::prepare(catalog, "SELECT document_id, canonical_id, similarity, method FROM renditions");
  if (!stmt) return err(stmt);
  std::map<int64_t, RenditionRow> out;
  auto st = each_row(*stmt, [&](const Statement& s) {
    out.emplace(s.int64(0), RenditionRow{s.int64(0), s.int64(1), s.real(2), s.text(3)});
  });
  if (!st) return tl::make_unexpected(st.error());
  return out;
}

}  // namespace policyindex::corpus
