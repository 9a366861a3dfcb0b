// What the pipeline's jobs (pipeline/) read from the catalog beside the Catalog's own
// methods: typed queries over corpus/schema.sql, so that no SQL is written outside corpus/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <unordered_set>

#include "common/result.h"
#include "corpus/corpus.h"
#include "corpus/doc_type.h"

namespace policyindex::corpus {

// The ids of every document of TYPE.
[[nodiscard]] Result<std::unordered_set<int64_t>> documents_of_type(Catalog& catalog, DocType type);

// How many municipalities have at least one document.
[[nodiscard]] Result<int64_t> towns_with_documents(Catalog& catalog);

// Copies the WAL of the catalog at CATALOG_PATH into the database file, on a connection of
// its own, waiting for no reader or writer (PRAGMA wal_checkpoint(PASSIVE)). Best effort:
// an error only leaves the work to the next checkpoint.
void checkpoint_wal(const std::filesystem::path& catalog_path);

// While alive, the catalog's commits are not synced one by one (WAL with
// synchronous=NORMAL: a killed process loses nothing, a power cut may take back the last
// commits); FULL again afterwards. For jobs whose lost commits the next run redoes.
class RelaxedSync {
 public:
  explicit RelaxedSync(Catalog& catalog);
  RelaxedSync(const RelaxedSync&) = delete;
  RelaxedSync& operator=(const RelaxedSync&) = delete;
  ~RelaxedSync();

 private:
  Catalog& catalog_;
  bool changed_ = false;
};

}  // namespace policyindex::corpus
