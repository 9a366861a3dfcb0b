// The change log's reads and writes (the `change_state`, `extractions` and `meta` tables as
// changes/ uses them), behind typed methods: the SQL of change tracking lives here, in
// corpus/, and changes/ never writes a statement.
//
// Thread-safety: a ChangeLog uses its Catalog from the calling thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::corpus {

// A document whose current version, status or location differs from what the change log
// last reported (or that was never reported).
struct PendingDocument {
  int64_t document_id = 0;
  std::optional<int64_t> municipality_id;
  std::string url, title, doc_type, status;
  std::optional<int64_t> current_version_id;
  bool reported = false;  // has a change_state row
  std::optional<int64_t> reported_version_id;
  std::string reported_status;
  std::string town, county;
  std::optional<std::string> location;           // of the latest successful fetch
  std::optional<std::string> reported_location;  // as the change log last recorded it
};

// One document of a town with what the change log last reported of it.
struct TownDocumentState {
  int64_t document_id = 0;
  std::string status;
  std::optional<int64_t> current_version_id;
  bool reported = false;
  std::optional<int64_t> reported_version_id;
  std::string reported_status;
  std::string town, county;
};

// Whether a version was extracted, and how.
struct ExtractionStatus {
  bool exists = false;
  std::string status;  // ok | error
  std::string error;
};

// What the change log records for a document after reporting it.
struct ChangeStateRow {
  int64_t document_id = 0;
  std::optional<int64_t> version_id;
  std::string status;  // active | gone
  std::string reported_at;
  std::optional<std::string> location;
};

class ChangeLog {
 public:
  explicit ChangeLog(Catalog& catalog) : catalog_(catalog) {}

  // Every document the change log has not caught up with, by id.
  [[nodiscard]] Result<std::vector<PendingDocument>> pending_documents();
  // Every document of municipality TOWN_ID (joined with its town), by id.
  [[nodiscard]] Result<std::vector<TownDocumentState>> town_documents(int64_t town_id);
  [[nodiscard]] Result<ExtractionStatus> extraction_status(int64_t version_id);
  // Inserts or replaces the change_state rows (inside the caller's transaction, if any).
  [[nodiscard]] Status save_states(const std::vector<ChangeStateRow>& rows);
  // Whether meta key changes.baseline is set.
  [[nodiscard]] Result<bool> has_baseline();
  // Marks every document with a version as reported at AT (its current version, status and
  // location) unless it has a state already, and sets changes.baseline; returns the number
  // of documents marked. Inside the caller's transaction.
  [[nodiscard]] Result<int64_t> mark_baseline(std::string_view at);

 private:
  Catalog& catalog_;
};

}  // namespace policyindex::corpus
