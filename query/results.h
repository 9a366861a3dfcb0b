// The typed results of query::Api. render/ turns each into the JSON of docs/API.md (the
// same bytes for `--format json`, /api/... and the page), into text and into CSV; serve/'s
// pages read them directly. Field order below is the order of the JSON keys.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "index/index.h"

namespace policyindex::query {

// -- search ---------------------------------------------------------------------------------

// Where a hit's text is, to cite it: the version the index holds of its document, the
// sha256 of that version's stored bytes, when it was fetched, the section's offsets in the
// document's text, and the URL of that exact version's page. Empty when the catalog no
// longer has the version (an index older than the catalog).
struct HitProvenance {
  std::string version_id, sha256, fetched_at;
  std::optional<int64_t> start, end;  // the section's offsets in the document's text
  std::string status;                 // policy status of the document (in_force, proposed, ...)
  std::string version_url;            // "/documents/ID?version=V#s-KEY"
};

struct SearchHit {
  // The indexed section (shared with the searcher's record cache: never copied).
  std::shared_ptr<const index::SectionRecord> record;
  std::string snippet;  // escaped text with <b> around matches
  size_t rank = 0;      // 1-based
  unsigned score = 0;   // percent; 0 when sorted by value
  HitProvenance provenance;
};

// The facets in the order of the JSON answer.
inline constexpr size_t kFacetCount = 6;
inline constexpr std::array<const char*, kFacetCount> kFacetNames = {"town",     "county",   "provision",
                                                                    "stance",   "doc_type", "cites"};

struct SearchResult {
  std::string query;
  // TOTAL matches; HITS holds those from OFFSET, at most LIMIT; omitted() are not in it.
  size_t total = 0, offset = 0, limit = 0;
  size_t omitted() const { return total > offset + hits.size() ? total - offset - hits.size() : 0; }
  std::string suggestion;
  std::vector<SearchHit> hits;
  // Per facet, (value, count), largest count first (ties by value). The values point into
  // what `keep_alive` holds (the searcher's facet tables or this answer's own counts).
  std::array<std::vector<std::pair<std::string_view, size_t>>, kFacetCount> facets;
  std::vector<std::shared_ptr<const void>> keep_alive;
};

// -- catalog answers ------------------------------------------------------------------------

// A quoted sentence and where it is, citable: the document, the version and the sha256 of
// its stored bytes, the section (number and key), the page, the quote's offsets into the
// section's text, when the version was fetched, and the URL of that exact version's page.
struct EvidenceItem {
  std::string document_id;
  std::string document;  // the document's title (its URL when untitled, its id when unknown)
  std::string url;
  std::string section, heading;
  std::optional<int> page;
  std::string stance;
  std::string text;
  std::string version_id, sha256, fetched_at;
  std::string section_key;           // the section's key (the anchor of the version page)
  std::optional<int64_t> start, end;  // byte offsets (UTF-8) of the quote in the section's text
  std::string doc_type;
  std::string status;       // the document's policy status: in_force | proposed | descriptive | ...
  std::string version_url;  // "/documents/ID?version=V#s-KEY"
};

// Coverage states of a town x question (TAXONOMY.md "Scorecard"), in this order.
inline constexpr std::array<const char*, 8> kCoverageStates = {
    "green", "red", "mixed", "proposed_only", "not_addressed", "no_document", "blocked", "not_crawled"};

// What the collection knows of a town's crawl: why a question can be unanswered.
struct TownCoverage {
  bool website_known = false;
  int64_t pages_fetched = 0;     // distinct URLs fetched for it
  int64_t blocked = 0;           // distinct URLs refused (robots, login, firewall)
  std::string blocked_reason;    // robots | login | firewall | ""
  std::string last_crawled;      // latest fetch attempt, "" when never
  int64_t documents = 0;         // active documents with a version
  int64_t documents_in_force = 0;  // active in-force documents with at least one provision
  int64_t documents_proposed = 0;  // active proposed or descriptive documents with one
};

// A document's standing: its status with the reason, its dates and where its title came from.
struct DateItem {
  std::string kind, date, text;  // adopted|effective|amended|rescinded, ISO ("" for an event), words
};
struct StandingView {
  std::string status;  // in_force | proposed | superseded | rescinded | descriptive
  std::string reason;
  bool presumed = false;
  std::vector<DateItem> dates;
  std::vector<std::string> conflicts;  // dates that disagree, in words
  std::string genre, title_source;
};

// One question or provision of a scorecard.
struct ScoreItem {
  std::string key;  // "Q1".."Q7", or the provision id for the others
  std::string provision, question, label;
  std::string verdict;  // green | red | mixed | absent
  bool present = false;  // any hit, neutral ones (a savings clause) included
  std::vector<EvidenceItem> evidence;
  std::string state = {};         // one of kCoverageStates
  std::string state_detail = {};  // why, in plain words ("crawled 2026-01-04, 12 pages, nothing relevant")
  // Only in-force text decides the verdict. What proposed text alone would give ("" when no
  // proposed text addresses it), and the evidence of proposed, descriptive, superseded and
  // rescinded text, each labelled with its status: shown apart, never counted.
  std::string proposed_verdict = {};
  std::vector<EvidenceItem> other_evidence = {};
};

struct DocumentSummary {
  std::string id, title, url, doc_type, status, fetched_at;
  int64_t versions = 0;
  std::optional<StandingView> standing = {};  // none before the document is classified
};

struct Scorecard {
  std::string town, county;
  std::vector<DocumentSummary> documents;
  std::vector<ScoreItem> entries;
  TownCoverage coverage;
};

struct MatrixColumn {
  std::string key;       // "Q1".. or a provision id
  std::string provision;
  std::string title;     // the provision's label
};
struct MatrixRow {
  std::string town, county;
  int64_t documents = 0;
  std::vector<std::string> cells;   // per column: a verdict or "no document"
  std::vector<std::string> states;  // per column: one of kCoverageStates
  TownCoverage coverage;
};
struct Matrix {
  std::vector<MatrixColumn> columns;
  std::vector<MatrixRow> rows;
  // Per column, how many towns are in each state (kCoverageStates order): statewide counts.
  std::vector<std::array<int64_t, kCoverageStates.size()>> state_counts;
};

// The long (tidy) matrix: one row per town x question (BY "question"), per town x provision
// (BY "provision"), or per piece of evidence (BY "evidence", towns x provisions with none
// kept as one row). Each row names the evidence that decides it (the first, protective
// first) with everything needed to trace it to the stored bytes.
struct LongRow {
  std::string town, county, key, provision, question;
  std::string verdict, state, state_detail;
  std::string stance, status, quote;
  std::string document_id, title, doc_type, url, version_id, version_url, sha256;
  std::string section, section_key, heading;
  std::optional<int> page;
  std::optional<int64_t> start, end;
  std::string adopted, effective;  // from the document's status, when the catalog has them
  std::string fetched_at;
  int64_t evidence_count = 0;      // evidence items behind this cell (BY question/provision)
};
struct MatrixLong {
  std::string by;
  std::vector<LongRow> rows;  // every row: the long matrix is never cut
};

struct CompareTown {
  std::string town, county;
  int64_t documents = 0;
};
struct CompareCell {
  std::string town, verdict;
  std::vector<EvidenceItem> evidence;
  std::string state;  // one of kCoverageStates
};
struct CompareRow {
  std::string provision, question, label;
  std::vector<CompareCell> cells;
};
struct Comparison {
  std::vector<CompareTown> towns;
  std::vector<CompareRow> rows;
};

struct Peer {
  std::string town, county;
  bool same_county = false;
  double similarity = 0;  // rounded to 3 decimals
  std::string verdict;
  std::vector<EvidenceItem> evidence;
};
struct PeerProvision {
  std::string provision, question, label, verdict;
  std::vector<Peer> peers;
};
struct Peers {
  std::string town, county;
  int64_t documents = 0;
  std::vector<PeerProvision> provisions;
};

// What changed between a version and the previous extracted one.
struct VersionChanges {
  std::vector<std::string> sections_added, sections_removed, sections_changed;
  std::vector<std::string> provisions_added, provisions_removed;
};
struct VersionItem {
  std::string id, fetched_at, sha256;
  uint64_t size = 0;
  std::optional<int64_t> http_status;
  std::optional<std::string> content_type;
  // history only: absent for a document view or the first extracted version; null (an
  // empty optional inside) for a version not extracted; else what changed.
  std::optional<std::optional<VersionChanges>> changes;
};

struct ChangeItem {
  std::string id, detected_at, kind;
  std::optional<std::string> document_id;
  std::string town, url, summary;
  std::string detail;  // JSON text (a string when not valid JSON)
  std::optional<std::string> old_version_id, new_version_id;
};

struct HistoryDocument {
  DocumentSummary summary;  // its "versions" count is replaced by the list
  std::vector<VersionItem> versions;
};
// A town's documents by date: one entry per dated event (adopted, effective, amended,
// rescinded), or the date the source gave (Last-Modified, else fetched) for an undated one.
struct TimelineEntry {
  std::string date;  // ISO, day, month or year precision
  std::string kind;  // adopted | effective | amended | rescinded | published | fetched
  std::string text;  // the words the date came from ("" for the source's date)
  std::string document_id, title, status, reason;
};
struct History {
  std::string town;
  std::optional<std::string> county;  // by town only
  std::vector<HistoryDocument> documents;
  std::vector<ChangeItem> changes;
  std::vector<TimelineEntry> timeline = {};  // by town only; oldest first
};

struct SectionHit {
  std::string provision, stance, evidence;
  int64_t start = 0, end = 0;
  std::string rule;
};
struct DocumentSection {
  std::string id, number, heading;
  int level = 1;
  std::optional<int64_t> page;
  std::string text;
  std::vector<SectionHit> provisions;
  std::vector<std::string> cites;
};
struct ExtractionView {
  std::string type;
  std::optional<int64_t> pages;
  std::string status, error;
};
// Another document holding the same text (another format or URL).
struct RenditionItem {
  std::string document_id, url, title;
  bool canonical = false;  // the one that is listed, counted and scored
  double similarity = 1;   // estimated share of shared word sequences (1 for equal bytes)
  std::string method;      // canonical | sha256 | minhash
};
struct Document {
  std::string id, town, county, title, url, doc_type, status;
  std::optional<StandingView> standing = {};
  std::vector<RenditionItem> renditions = {};  // the whole group, this document included; empty alone
  std::vector<VersionItem> versions;
  std::optional<std::string> current_version;
  // The version whose sections are shown (the current one unless another was asked for).
  std::optional<std::string> version;
  std::string version_sha256, version_fetched_at;
  std::optional<ExtractionView> extraction;  // type/pages null without one
  std::vector<DocumentSection> sections;
};

struct ChangeList {
  std::vector<ChangeItem> changes;
};

struct TaxonomyProvision {
  std::string id, label, question, description;
};
struct TaxonomyTown {
  std::string name, county, kind;
  int64_t documents = 0;
};
struct TaxonomyView {
  std::vector<TaxonomyProvision> provisions;
  std::vector<TaxonomyTown> municipalities;
};

}  // namespace policyindex::query
