// Raw SQL on the catalog: for corpus/'s own files (the typed classes every other module
// calls: crawl_ledger.h, index_state.h, job_state.h, reader.h, change_log.h, towns.h) and for
// tests that look at the catalog directly. No other module includes this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "corpus/corpus.h"
#include "corpus/sql.h"

namespace policyindex::corpus {

// A prepared statement on the catalog. Column
// names and meanings are those of corpus/schema.sql. Owned by the Catalog that made it;
// must not outlive it.
class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<int64_t>& value);
  Statement& bind(int index, const std::optional<std::string>& value);
  // Steps once: true when a row is available, false when done. Errors come back as Error.
  [[nodiscard]] Result<bool> step();
  // Runs to completion, ignoring rows.
  [[nodiscard]] Status run();
  void reset();

  bool is_null(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::optional<int64_t> opt_int64(int col) const;
  std::optional<std::string> opt_text(int col) const;

 private:
  friend class Catalog;
  struct Impl;
  explicit Statement(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The door from sql::prepare/exec into Catalog's private members.
struct SqlAccess {
  static Result<Statement> prepare(Catalog& c, std::string_view text) { return c.prepare(text); }
  static Status exec(Catalog& c, std::string_view text) { return c.exec(text); }
};

namespace sql {
// Prepares SQL on CATALOG. Errors name the statement's problem (kIo).
[[nodiscard]] inline Result<Statement> prepare(Catalog& catalog, std::string_view text) {
  return SqlAccess::prepare(catalog, text);
}
// Runs SQL (one or more statements, no rows) on CATALOG.
[[nodiscard]] inline Status exec(Catalog& catalog, std::string_view text) {
  return SqlAccess::exec(catalog, text);
}
}  // namespace sql

}  // namespace policyindex::corpus
