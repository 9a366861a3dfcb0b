// Upgrading a catalog written by an earlier release: the version-1 schema (corpus/schema.sql
// as shipped) with rows in it opens, migrates to the current version in one transaction, and
// keeps every row.

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "corpus/corpus.h"
#include "corpus/sql.h"
#include "tests/testing/testing.h"

namespace policyindex::corpus {
namespace {

void exec_raw(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

// Writes a version-1 catalog the way release 1 did: schema.sql, user_version 1, and a
// document with a version, a fetch and a reported change state.
void write_v1_catalog(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  exec_raw(db, testing::read_file(testing::source_dir() / "corpus" / "schema.sql"));
  exec_raw(db,
           "PRAGMA user_version=1;"
           "INSERT INTO documents(id, url, first_seen, current_version_id) "
           "VALUES(1, 'http://lakemont.example/a.pdf', '2026-01-01T00:00:00Z', 1);"
           "INSERT INTO versions(id, document_id, sha256, fetched_at, size) "
           "VALUES(1, 1, 'ab', '2026-01-01T00:00:00Z', 2);"
           "INSERT INTO fetch_log(url, document_id, started_at, outcome) "
           "VALUES('http://lakemont.example/a.pdf', 1, '2026-01-01T00:00:00Z', 'fetched');"
           "INSERT INTO change_state(document_id, version_id, status, reported_at) "
           "VALUES(1, 1, 'active', '2026-01-01T00:00:00Z');");
  sqlite3_close(db);
}

TEST(CatalogMigrationTest, AVersionOneCatalogIsUpgradedWithItsRowsKept) {
  testing::TempDir dir;
  const auto path = dir.path() / "catalog.sqlite";
  write_v1_catalog(path);
  ASSERT_FALSE(HasFatalFailure());

  {
  auto cat = Catalog::open(path);
  ASSERT_OK(cat);
  auto scalar = [&](const std::string& sql) -> int64_t {
    auto st = sql::prepare(*cat, sql);
    EXPECT_TRUE(st.has_value()) << sql;
    if (!st) return -1;
    auto row = st->step();
    EXPECT_TRUE(row && *row) << sql;
    return row && *row ? st->int64(0) : -1;
  };
  EXPECT_EQ(scalar("PRAGMA user_version"), Catalog::schema_version());
  EXPECT_GE(Catalog::schema_version(), 3);
  // The rows survive; the new column exists and is empty for the old state rows.
  EXPECT_EQ(scalar("SELECT count(*) FROM documents"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM fetch_log WHERE document_id=1"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM change_state WHERE location IS NULL"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_master WHERE name='fetch_log_document'"), 1);
  // Version 3 dropped the write-only index on fetch_log(url).
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_master WHERE name='fetch_log_url'"), 0);
  // Version 5: a platform adapter's request in the frontier.
  EXPECT_EQ(scalar("SELECT count(*) FROM pragma_table_info('frontier') WHERE name IN "
                   "('fetch_url','adapter','role','context','headers','title')"),
            6);
  // Version 7 added the revisit schedule, empty: old documents are due at the next refresh.
  EXPECT_EQ(scalar("SELECT count(*) FROM revisit"), 0);
  }

  // Opening again is a no-op: same version, nothing re-run.
  auto again = Catalog::open(path);
  ASSERT_OK(again);
  auto v = sql::prepare(*again, "PRAGMA user_version");
  ASSERT_OK(v);
  ASSERT_TRUE(*v->step());
  EXPECT_EQ(v->int64(0), Catalog::schema_version());
}

TEST(CatalogMigrationTest, ANewCatalogHasTheSameTablesAsAnUpgradedOne) {
  testing::TempDir dir;
  write_v1_catalog(dir.path() / "old.sqlite");
  ASSERT_FALSE(HasFatalFailure());
  auto columns = [](Catalog& cat) {
    std::string all;
    auto st = sql::prepare(cat, 
        "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p "
        "WHERE m.type='table' ORDER BY 1");
    EXPECT_TRUE(st.has_value());
    while (st && *st->step()) all += st->text(0) + "\n";
    auto ix = sql::prepare(cat, "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL ORDER BY 1");
    while (ix && *ix->step()) all += "index " + ix->text(0) + "\n";
    return all;
  };
  auto old_cat = Catalog::open(dir.path() / "old.sqlite");
  ASSERT_OK(old_cat);
  auto new_cat = Catalog::open(dir.path() / "new.sqlite");
  ASSERT_OK(new_cat);
  EXPECT_EQ(columns(*old_cat), columns(*new_cat));
}

}  // namespace
}  // namespace policyindex::corpus
