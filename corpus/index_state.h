// What the index writer (index/) reads from the catalog and records in it: the documents
// whose index entry lags their catalog state, the cost of their sections, which Xapian
// database the indexed_* columns describe, and which documents a commit put in the index.
// Typed methods over corpus/schema.sql; no SQL outside corpus/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::corpus {

// A document whose current version, status or extraction differs from what the index
// holds (documents.indexed_version_id, indexed_status, indexed_fingerprint).
struct IndexCandidate {
  int64_t id = 0;
  std::string status;  // active | gone
  std::optional<int64_t> version_id;
  std::optional<int64_t> municipality_id;
  std::string url;
  std::string doc_type;
  std::string title;  // the document's, else its extraction's
  // The current version's extraction is done: ok (sections to index) or failed (indexed
  // as empty). False when it has not been extracted yet.
  bool extracted = false;
  std::string fingerprint;  // recorded by mark_indexed
  std::string fetched_at;   // of the current version ("" when none)
  bool was_indexed = false;  // the index holds an active entry for it
};

// The sections of one version: how many, and how many bytes of extracted text they cover.
struct SectionVolume {
  size_t sections = 0;
  size_t text_bytes = 0;
};

// Holds a Catalog for the index writer; the catalog must outlive it.
class IndexState {
 public:
  explicit IndexState(Catalog& catalog) : catalog_(catalog) {}

  // The UUID of the Xapian database the indexed_* columns describe ("" when none).
  [[nodiscard]] Result<std::string> index_uuid();
  [[nodiscard]] Status set_index_uuid(std::string_view uuid);
  // Forgets what every document's index entry holds: each is indexed again.
  [[nodiscard]] Status forget_indexed();
  // Every document whose index entry lags, in id order.
  [[nodiscard]] Result<std::vector<IndexCandidate>> documents_to_index();
  // Version id -> its sections' volume, for every document's current version.
  [[nodiscard]] Result<std::map<int64_t, SectionVolume>> section_volumes();
  // Records that the index now holds DOCS as they were read (one transaction).
  [[nodiscard]] Status mark_indexed(const std::vector<const IndexCandidate*>& docs);

 private:
  Catalog& catalog_;
};

}  // namespace policyindex::corpus
