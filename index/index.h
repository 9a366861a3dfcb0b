// The Xapian index: one Xapian document per section. This header is the index schema
// (term prefixes, value slots) shared with query/, plus the incremental writer.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::index {

// Boolean term prefixes (facets). Values are lower-cased where noted.
inline constexpr std::string_view kPrefixId = "Q";          // unique section id term
inline constexpr std::string_view kPrefixTown = "XTOWN";     // folded town name
inline constexpr std::string_view kPrefixCounty = "XCOUNTY"; // lower-case county
inline constexpr std::string_view kPrefixType = "XTYPE";     // doc type
inline constexpr std::string_view kPrefixProvision = "XPROV";
inline constexpr std::string_view kPrefixProvisionStance = "XPS";  // "info_sharing:protective"
inline constexpr std::string_view kPrefixStance = "XSTANCE";
inline constexpr std::string_view kPrefixCite = "XCITE";
inline constexpr std::string_view kPrefixYear = "XYEAR";
inline constexpr std::string_view kPrefixDocument = "XDOC";  // document id
// Normalized legal tokens ("287g", "8usc1373", "i247a", "c66s10"), indexed as free text
// through the TermGenerator under this prefix; the query parser maps `legal:` onto it.
inline constexpr std::string_view kPrefixLegal = "XL";

// Value slots.
inline constexpr unsigned kSlotDate = 0;        // "YYYY-MM-DD" of the version (sortable)
inline constexpr unsigned kSlotPopulation = 1;  // Xapian::sortable_serialise(population)
inline constexpr unsigned kSlotSortKey = 2;     // town, document, section order (browsing)
// Facet slots hold the display values a facet counts. Multi-valued facets hold their
// values sorted, unique and joined with kMultiValueSeparator: counting the distinct joined
// strings with Xapian's stock ValueCountMatchSpy (which the remote backend understands)
// and splitting them afterwards gives exact per-value counts.
inline constexpr unsigned kSlotFacetTown = 10;
inline constexpr unsigned kSlotFacetCounty = 11;
inline constexpr unsigned kSlotFacetType = 12;
inline constexpr unsigned kSlotFacetProvision = 13;
inline constexpr unsigned kSlotFacetStance = 14;
inline constexpr unsigned kSlotFacetCite = 15;
inline constexpr char kMultiValueSeparator = '\n';

// The unique id term for a section key; keys that would exceed Xapian's term length
// limit are shortened with a hash suffix, as omindex does.
std::string id_term(std::string_view section_key);

// The unique key of a section in the index: "<document id>/<section key>".
std::string section_key(int64_t document_id, std::string_view key);

// The facet term value for a town: fold_town_name with spaces as '-' ("manchester-by-the-sea").
std::string town_term(std::string_view town_name);
// Lower-case ASCII word form of a county, doc type, provision or citation facet value.
std::string facet_term(std::string_view value);

// Folds text for matching: strips diacritics ("café" -> "cafe"); with LOWER, also folds
// case. Invalid UTF-8 is returned unchanged. Used at index and at query time alike.
std::string fold_text(std::string_view utf8, bool lower);

// A legal citation token found in text: its byte range and the normalized terms it stands
// for ("287(g)" -> {"287g"}; "8 U.S.C. § 1357(g)" -> {"8usc1357g", "1357g"};
// "I-247A" -> {"i247a"}; "G.L. c. 66, § 10" -> {"c66", "c66s10"}).
struct LegalToken {
  size_t begin = 0;
  size_t end = 0;
  std::vector<std::string> terms;
};
// Finds legal tokens in TEXT (any case), left to right, non-overlapping.
std::vector<LegalToken> find_legal_tokens(std::string_view text);

// ---------------------------------------------------------------------------------------
// What a section's Xapian document stores as its data: the fields a search hit shows.
// Stored in a compact binary form (a leading kSectionRecordFormat byte, then
// length-prefixed fields), read without a JSON parser; indexes written before it hold the
// same fields as a JSON object, which decode_section_record still reads, so they need no
// rebuild. Strings are valid UTF-8 (invalid bytes replaced with U+FFFD when encoding).
struct SectionRecord {
  std::string section_id, document_id, town, county, doc_type, title, url, number, heading;
  std::optional<int64_t> page;
  std::string text;
  std::vector<std::pair<std::string, std::string>> provisions;  // (provision, stance)
  std::vector<std::string> cites;
};
inline constexpr char kSectionRecordFormat = '\x02';  // 1: no marker, a JSON object ('{')
std::string encode_section_record(const SectionRecord& record);
// False when DATA is neither form (the hit is then skipped).
bool decode_section_record(std::string_view data, SectionRecord& out);

// ---------------------------------------------------------------------------------------
// The incremental writer

struct IndexProgress {
  size_t documents_done = 0;
  size_t documents_total = 0;
  size_t sections_added = 0;
};

struct IndexOptions {
  std::filesystem::path index_dir;  // empty: the store's own (DATA/xapian)
  bool rebuild = false;             // drop the index and index every document again
  size_t batch_sections = 5000;     // sections per Xapian transaction
  bool spelling = true;             // record spelling data for query suggestions
  // Threads preparing Xapian documents beside the one writing them: -1 one per core
  // beyond the first (at least 1, at most 3); 0 prepares them on the writing thread.
  // The index is the same whatever the number.
  int threads = -1;
  // Filling an empty index with at least this many sections, with threads, builds shards
  // in parallel (threads + 1 of them) and merges them (Xapian compaction) into the index.
  size_t bulk_min_sections = 4096;
  // Called after every committed batch (on the writer's thread).
  std::function<void(const IndexProgress&)> progress;
};

struct IndexStats {
  size_t documents_indexed = 0;  // documents whose sections were (re)written
  size_t documents_removed = 0;  // gone documents taken out of the index
  size_t documents_pending = 0;  // current version not extracted yet: left as they were
  size_t sections_added = 0;
  size_t sections_in_index = 0;  // Xapian document count after the run
  size_t shards = 0;             // shards built in parallel and merged (0: written in place)
  double seconds = 0;
};

// Brings the Xapian index up to date with the catalog: for every document whose current
// version, status or extraction differs from what the index holds
// (documents.indexed_version_id, indexed_status, indexed_fingerprint), deletes its old
// sections and adds the current ones, in batched Xapian transactions; gone documents are
// removed. The catalog is updated only after each Xapian commit, and every write is an
// idempotent replace, so a run killed at any point leaves an index that opens and the next
// run completes it. Errors: kBusy when another writer holds the index, kIndex/kIo otherwise.
[[nodiscard]] Result<IndexStats> update_index(corpus::Store& store, const IndexOptions& options);

}  // namespace policyindex::index
