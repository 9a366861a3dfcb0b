// A document's standing as the catalog keeps it: the status of its current version (in
// force, proposed, superseded, rescinded, descriptive) with the reason, its dates, its
// genre (navigation pages included), where its title came from, and the renditions it
// shares its text with (the same text in several formats or at several URLs). Typed reads
// and writes over the tables of schema 5 (extractions' status columns, version_dates,
// renditions); the SQL stays here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::corpus {

// The standing of one version (a document's current one, for the readers below).
struct Standing {
  int64_t document_id = 0;
  int64_t version_id = 0;
  std::string status;  // in_force | proposed | superseded | rescinded | descriptive; "" not classified
  std::string reason;
  bool presumed = false;
  std::vector<DateRecord> dates;
  std::vector<std::string> conflicts;
  std::string genre, genre_reason;
  std::string title, title_source;  // the title chosen from the document and where it came from
  std::string fetched_at;           // when the version was fetched (the source's date)
  std::optional<std::string> last_modified;  // the server's Last-Modified, when it gave one
};

// The standing of the current version of every active document of TOWN_ID (or of every
// town), by document id. Documents without an extraction are left out.
[[nodiscard]] Result<std::map<int64_t, Standing>> current_standings(Catalog& catalog,
                                                                   std::optional<int64_t> town_id);

// A document's current text signature, for near-duplicate detection.
struct SignatureRow {
  int64_t document_id = 0;
  std::optional<int64_t> municipality_id;
  std::string sha256;     // of the current version's bytes
  std::string type;       // pdf | html | docx | text
  std::string text_sig;   // extract::text_signature as hex; "" when the text was too short
};
// Every active document with an extracted current version, by document id.
[[nodiscard]] Result<std::vector<SignatureRow>> current_signatures(Catalog& catalog);

// A document that is a rendition of another: the same text (method "sha256": equal bytes;
// "minhash": near-identical words, SIMILARITY the estimated Jaccard). The canonical document
// has a row of its own (canonical_id = document_id, method "canonical").
struct RenditionRow {
  int64_t document_id = 0;
  int64_t canonical_id = 0;
  double similarity = 1.0;
  std::string method;
};
// Replaces every rendition grouping with ROWS, in one transaction.
[[nodiscard]] Status replace_renditions(Catalog& catalog, const std::vector<RenditionRow>& rows);
// The group DOCUMENT_ID belongs to (canonical first, then by id); empty when it stands alone.
[[nodiscard]] Result<std::vector<RenditionRow>> rendition_group(Catalog& catalog, int64_t document_id);
// Every grouping row, by document id.
[[nodiscard]] Result<std::map<int64_t, RenditionRow>> all_renditions(Catalog& catalog);

}  // namespace policyindex::corpus
