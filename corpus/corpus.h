// The corpus: the registry of municipalities and sources, and the store that holds
// everything fetched or added — content-addressed blobs plus the SQLite catalog.
//
// Layout of a data directory:
//   catalog.sqlite   the catalog (WAL mode, schema versioned with PRAGMA user_version)
//   blobs/ab/abcdef… raw bytes named by their sha256; never rewritten
//   blobs/tmp/       blobs being written; cleared when the store opens
//   xapian/          the index (owned by index/, rebuildable from the catalog)
//
// Thread-safety: a Store (and its Catalog) belongs to one thread. Several processes may
// open the same data directory; SQLite serialises writers (busy timeout 30 s).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/fetch_outcome.h"

namespace policyindex::corpus {

// ---------------------------------------------------------------------------------------
// Registry (TSV files a spreadsheet opens)

struct Municipality {
  std::string name;
  std::string county;
  std::string kind;                   // "city" or "town"
  std::optional<int64_t> population;  // empty when unknown
  std::string website;                // empty when unknown
  // Optional registry columns (absent from older files; every field empty when unknown):
  std::string police_website = {};            // the police department's own site
  std::string code_host = {};                 // "municode:SLUG", "ecode360:CODE" or "amlegal:SLUG"
  std::vector<std::string> alt_domains = {};  // other hosts of the same government's site
  std::string provenance = {};                // "column=source;..." as written in the file
};

struct SourceEntry {
  std::string municipality;
  std::string url;
  std::string doc_type;  // ordinance, bylaw, police_policy, ...
  std::string note;
};

// A county sheriff's office (sheriffs.tsv: name, county, website, provenance).
struct Sheriff {
  std::string name;
  std::string county;
  std::string website;     // empty when unknown
  std::string provenance;  // where the website came from
};

struct Registry {
  std::vector<Municipality> municipalities;
  std::vector<SourceEntry> sources;
  std::vector<Sheriff> sheriffs;  // empty when the directory has no sheriffs.tsv
};

// Reads municipalities.tsv. Required columns: name, county; optional: kind, population,
// website, police_website, code_host, alt_domains (comma-separated hosts), provenance
// ("column=source" pairs separated by ';', each naming a column of the file). Columns are
// found by header name, in any order; lines starting with '#' are comments. Fails with
// "FILE:LINE: what is wrong" on the first bad line and returns nothing in that case (never a
// partial list).
[[nodiscard]] Result<std::vector<Municipality>> read_municipalities(
    const std::filesystem::path& path);

// Reads sources.tsv (header: municipality, url, doc_type, note). When `known` is non-null,
// a municipality not in it is an error. Same error contract as read_municipalities.
[[nodiscard]] Result<std::vector<SourceEntry>> read_sources(
    const std::filesystem::path& path, const std::vector<Municipality>* known = nullptr);

// Reads sheriffs.tsv (header: name, county[, website, provenance]). When `known` is non-null,
// a county none of them lies in is an error; so is a second office for one county. Same error
// contract as read_municipalities.
[[nodiscard]] Result<std::vector<Sheriff>> read_sheriffs(
    const std::filesystem::path& path, const std::vector<Municipality>* known = nullptr);

// Reads DIR/municipalities.tsv and, when present, DIR/sources.tsv and DIR/sheriffs.tsv. PATH
// may also name a municipalities.tsv file directly.
[[nodiscard]] Result<Registry> read_registry(const std::filesystem::path& path);

// The directory of the built-in Massachusetts registry in the source tree.
std::filesystem::path builtin_registry_dir();

// The 351 Massachusetts municipalities compiled into the binary.
[[nodiscard]] Result<std::vector<Municipality>> builtin_municipalities();

// Folds a town name for matching: lower case, "Town of"/"City of" dropped, punctuation
// and spaces collapsed ("Manchester-by-the-Sea" -> "manchester by the sea").
std::string fold_town_name(std::string_view name);

// ---------------------------------------------------------------------------------------
// Content-addressed blobs

// Lower-case hex sha256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// Streams bytes into a new blob: written to blobs/tmp, fsynced, then renamed into place by
// commit(). Destroying an uncommitted writer removes its temporary file.
class BlobWriter {
 public:
  BlobWriter(BlobWriter&&) noexcept;
  BlobWriter& operator=(BlobWriter&&) noexcept;
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  ~BlobWriter();

  [[nodiscard]] Status append(std::string_view bytes);
  uint64_t size() const;
  // Makes the blob durable and visible; returns its sha256. Identical bytes already stored
  // are kept as they are and the temporary file is dropped.
  [[nodiscard]] Result<std::string> commit();
  // Drops the temporary file.
  void abort();
  // Group commit, part 1: finishes the hash and closes the file WITHOUT fsync; returns the
  // sha256. The blob is not durable or visible until BlobStore::commit_sealed() (the crawler
  // seals hundreds of responses and makes them durable with one syncfs instead of two
  // fsyncs each).
  [[nodiscard]] Result<std::string> seal();
  // The sha256 after seal(); empty before.
  const std::string& sealed_sha() const;

 private:
  friend class BlobStore;
  struct Impl;
  explicit BlobWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class BlobStore {
 public:
  // Opens (creating) ROOT/blobs. Clears leftovers of interrupted writes in blobs/tmp.
  [[nodiscard]] static Result<BlobStore> open(const std::filesystem::path& root);

  [[nodiscard]] Result<std::string> put(std::string_view bytes);
  [[nodiscard]] Result<BlobWriter> begin();
  // Group commit, part 2: makes every sealed writer durable (one syncfs of the file system),
  // renames each into place (identical bytes already stored are dropped), then syncs the
  // directory entries. The writers are consumed (left empty). On error none of the writers'
  // blobs should be assumed durable.
  [[nodiscard]] Status commit_sealed(std::vector<BlobWriter>& writers);
  [[nodiscard]] Result<std::string> read(std::string_view sha256) const;
  bool contains(std::string_view sha256) const;
  std::filesystem::path path_for(std::string_view sha256) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// ---------------------------------------------------------------------------------------
// The catalog

// Current UTC time as ISO 8601 ("2026-11-24T08:15:21Z").
std::string now_iso8601();

// Raw SQL on the catalog (Statement, sql::prepare, sql::exec) is in corpus/sql.h, for
// corpus/'s own files and tests only: every other module calls typed methods.
class Statement;

struct VersionInput {
  int64_t document_id = 0;
  std::string sha256;
  uint64_t size = 0;
  std::string fetched_at;  // ISO 8601; now when empty
  std::optional<int64_t> http_status;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<std::string> content_type;
};

struct AddVersionResult {
  int64_t version_id = 0;
  bool created = false;  // false when the bytes equal the document's current version
};

struct FetchRecord {
  std::optional<int64_t> run_id;
  std::string url;
  std::optional<int64_t> document_id;
  std::string started_at;
  std::optional<int64_t> http_status;
  uint64_t bytes = 0;
  double elapsed_ms = 0;
  FetchOutcome outcome = FetchOutcome::kFetched;  // stored by name (corpus/fetch_outcome.h)
  std::string error;    // reason, empty on success
  bool conditional = false;
  // The town the URL was crawled for (not a fetch_log column): a block outcome
  // (is_block) is also recorded in the blocks table under it.
  std::optional<int64_t> municipality_id;
};

struct DocumentRow {
  int64_t id = 0;
  std::optional<int64_t> municipality_id;
  std::string url;
  std::string doc_type;
  std::string title;
  std::string origin;  // crawl | add
  std::string status;  // active | gone
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<int64_t> current_version_id;
};

struct VersionRow {
  int64_t id = 0;
  int64_t document_id = 0;
  std::string sha256;
  std::string fetched_at;
  std::optional<int64_t> http_status;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<std::string> content_type;
  uint64_t size = 0;
};

// A section as stored, with its provision hits and citations (written by the extract job).
struct StoredHit {
  std::string provision;
  std::string stance;
  std::string evidence;
  int64_t start = 0;
  int64_t end = 0;
  std::string rule;
};

struct StoredSection {
  int64_t id = 0;  // assigned on insert
  int ord = 0;
  std::string key;  // stable id within the document ("s12" or a number-based slug)
  std::string number;
  std::string heading;
  int level = 1;
  std::optional<int64_t> page;
  std::optional<int64_t> page_end;
  std::string text;
  int64_t start = 0;
  int64_t end = 0;
  std::vector<StoredHit> hits;
  std::vector<std::string> cites;
};

// A date found in a version's text (provisions::DateMark as stored).
struct DateRecord {
  std::string kind;  // adopted | effective | amended | rescinded
  std::string date;  // ISO (day, month or year precision); "" for an event ("upon signature")
  std::string text;  // the words it came from
};

struct ExtractionRecord {
  int64_t version_id = 0;
  std::string type;  // pdf | html | docx | text | unknown
  std::optional<int64_t> pages;
  std::vector<int> ocr_pages;
  std::string title;
  std::string status;  // ok | error
  std::string error;
  std::vector<std::string> struck;  // deleted (struck-through) language, kept aside
  std::string tagger_version;
  std::string genre;         // what kind of document (provisions::classify_genre); "" unknown
  std::string genre_reason;  // the words that decided it
  std::string title_source;  // number | heading | metadata | link | "" (extract::choose_title)
  std::string doc_status;    // in_force | proposed | superseded | rescinded | descriptive | ""
  std::string status_reason; // the words that decided it
  bool status_presumed = false;  // no marks in the text: presumed from the genre
  std::vector<DateRecord> dates;
  std::vector<std::string> date_conflicts;  // dates that disagree, in words
  std::string text_sig;      // near-duplicate signature of the text (hex), "" when too short
  std::vector<StoredSection> sections;
};

struct ChangeRecord {
  std::optional<int64_t> run_id;
  std::optional<int64_t> municipality_id;
  std::optional<int64_t> document_id;
  std::optional<int64_t> old_version_id;
  std::optional<int64_t> new_version_id;
  std::string kind;     // new_document | gone | changed | no_content_change | provision_change
  std::string summary;  // one line for people
  std::string detail;   // JSON
  std::string detected_at;  // now when empty
};

class Catalog {
 public:
  // Opens or creates the catalog at PATH, in WAL mode, migrating the schema to the current
  // version inside a transaction. A catalog from a newer program is refused.
  [[nodiscard]] static Result<Catalog> open(const std::filesystem::path& path);

  Catalog(Catalog&&) noexcept;
  Catalog& operator=(Catalog&&) noexcept;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;
  ~Catalog();

  static int schema_version();

  // BEGIN IMMEDIATE / COMMIT / ROLLBACK.
  [[nodiscard]] Status begin();
  [[nodiscard]] Status commit();
  void rollback();
  // True inside begin() ... commit(): calls that keep their own transaction (add_version)
  // then join the caller's instead.
  bool in_transaction() const;
  int64_t last_insert_id() const;
  int changes() const;

  // -- municipalities and sources ---------------------------------------------------------
  // Inserts or updates (by name) every municipality, in one transaction.
  [[nodiscard]] Status upsert_municipalities(const std::vector<Municipality>& towns);
  // Looks a municipality up by name, forgivingly (fold_town_name).
  [[nodiscard]] Result<std::optional<int64_t>> find_municipality(std::string_view name);
  [[nodiscard]] Result<std::vector<std::pair<int64_t, Municipality>>> municipalities();
  // Records a source or seed URL (kind: source | seed | website) for later refreshes.
  [[nodiscard]] Status upsert_source(std::optional<int64_t> municipality_id, std::string_view url,
                                     std::string_view doc_type, std::string_view note,
                                     std::string_view kind);

  // -- documents and versions -------------------------------------------------------------
  // The document for URL, created when missing. An existing document keeps its id; empty
  // fields are filled from the arguments.
  [[nodiscard]] Result<int64_t> ensure_document(std::string_view url,
                                                std::optional<int64_t> municipality_id,
                                                std::string_view doc_type, std::string_view title,
                                                std::string_view origin);
  [[nodiscard]] Result<std::optional<DocumentRow>> document_by_url(std::string_view url);
  [[nodiscard]] Result<std::optional<DocumentRow>> document(int64_t id);
  // Adds a version unless SHA equals the document's current version; updates the document's
  // current version, ETag and Last-Modified. One transaction.
  [[nodiscard]] Result<AddVersionResult> add_version(const VersionInput& v);
  [[nodiscard]] Result<std::vector<VersionRow>> versions_of(int64_t document_id);
  [[nodiscard]] Result<std::optional<VersionRow>> version(int64_t id);
  // Marks a document gone (404/410) or active again.
  [[nodiscard]] Status set_document_status(int64_t document_id, std::string_view status);
  [[nodiscard]] Status log_fetch(const FetchRecord& f);

  // -- extraction -------------------------------------------------------------------------
  // Versions with no extraction row, or extracted by another tagger version, oldest first.
  [[nodiscard]] Result<std::vector<VersionRow>> versions_to_extract(
      std::string_view tagger_version);
  // Replaces the extraction of a version (its sections, hits and citations) in one
  // transaction; inside a caller's transaction (begin()), in a savepoint of it.
  [[nodiscard]] Status store_extraction(ExtractionRecord& rec);
  [[nodiscard]] Result<std::vector<StoredSection>> sections_of(int64_t version_id);

  // -- changes ----------------------------------------------------------------------------
  [[nodiscard]] Result<int64_t> add_change(const ChangeRecord& c);

 private:
  friend struct SqlAccess;  // corpus/sql.h
  [[nodiscard]] Result<Statement> prepare(std::string_view sql);
  [[nodiscard]] Status exec(std::string_view sql);
  struct Impl;
  explicit Catalog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A data directory: its blob store and catalog.
class Store {
 public:
  // Opens (creating) DIR with blobs/ and catalog.sqlite. On first open the built-in
  // registry's municipalities are loaded when it can be found.
  [[nodiscard]] static Result<Store> open(const std::filesystem::path& dir);

  BlobStore& blobs() { return blobs_; }
  Catalog& catalog() { return catalog_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path index_dir() const { return dir_ / "xapian"; }

 private:
  Store(std::filesystem::path dir, BlobStore blobs, Catalog catalog);
  std::filesystem::path dir_;
  BlobStore blobs_;
  Catalog catalog_;
};

// The data directory from --data, else $POLICYINDEX_DATA, else ./policy-data.
std::filesystem::path default_data_dir(std::string_view flag_value);

// ---------------------------------------------------------------------------------------
// Process locks on a data directory

// An exclusive lock held by one process on DIR/NAME.lock, with flock(2): the kernel drops it
// when the holder exits or dies (kill -9 included), so a lock is never left stale. The file
// holds the holder's pid, start time and host, for the message a second process prints. A
// lock file that still names a process when it is acquired means that process died while
// holding it; previous_pid() says which. Not for NFS (flock there is emulated and unsafe).
// Movable, not copyable; releasing empties the file and unlocks.
class DirLock {
 public:
  // Takes the lock without waiting. Fails with kBusy ("another refresh is running (pid 123
  // on host, since 2026-11-24T08:00:00Z); lock DIR/refresh.lock") when a live process holds
  // it, kIo when the file cannot be opened or written.
  [[nodiscard]] static Result<DirLock> try_acquire(const std::filesystem::path& dir,
                                                   std::string_view name);

  DirLock(DirLock&&) noexcept;
  DirLock& operator=(DirLock&&) noexcept;
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

  // The pid a dead holder left in the file, when there was one.
  std::optional<int64_t> previous_pid() const { return previous_pid_; }
  const std::filesystem::path& path() const { return path_; }
  void release();

 private:
  DirLock(int fd, std::filesystem::path path, std::optional<int64_t> previous_pid);
  int fd_ = -1;
  std::filesystem::path path_;
  std::optional<int64_t> previous_pid_;
};

}  // namespace policyindex::corpus
