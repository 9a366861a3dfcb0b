// Change reports: what a refresh found, computed from the catalog alone. Section-level diffs
// between two stored versions of a document (sections added, removed, modified, renumbered,
// with a word diff of modified ones), "no change in content" when the bytes differ but the
// text does not, provision-language changes per section, and scorecard verdict changes per
// town and question. The changes are recorded in the catalog's `changes` table, which feeds
// `history` and the Atom feed (atom_feed), and rendered as text, JSON or Markdown reports.
//
// This is the public header of the pi_changes library (changes/ folder). It reads the catalog
// through corpus/ and scores through provisions/; it knows nothing of HTTP, PDF or Xapian, and
// its link line (pi_corpus, pi_provisions) keeps it that way.
//
// Thread-safety: the functions that take a Catalog use it from the calling thread only; the
// pure functions (diff_sections, render_*) are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"
#include "provisions/provisions.h"

namespace policyindex::changes {

// ---------------------------------------------------------------------------------------
// Section-level diff of two versions

// A run of words in a word diff. Common runs longer than the context kept around a change
// are shortened: `elided` words were left out of the middle (marked "…" in `text`).
struct WordRun {
  char op = '=';  // '=' common, '-' only in the old text, '+' only in the new text
  std::string text;
  int elided = 0;
};

// A provision hit that appeared in or disappeared from a section.
struct HitChange {
  std::string provision;
  std::string stance;
  std::string evidence;
  bool added = true;  // false: removed
};

// One section that differs between the two versions. Sections are aligned by identical
// text first, then by their key (number/heading slug) when the text is still similar, then
// by text similarity alone, and last by key when the heading agrees or the text is loosely
// related; so a renumbering shows as "renumbered" and not as a removal plus an addition, and
// a removal does not pair the next section with the number it inherits.
struct SectionChange {
  std::string kind;  // added | removed | modified | renumbered
  // Old side (removed, modified, renumbered) and new side (added, modified, renumbered).
  std::string old_key, old_number, old_heading;
  std::string new_key, new_number, new_heading;
  std::optional<int64_t> old_page, new_page;
  double similarity = 0;        // word-level Dice coefficient of the two texts, 0..1
  std::vector<WordRun> words;   // modified only: the word diff
  int words_added = 0;          // modified only
  int words_removed = 0;        // modified only
  std::vector<HitChange> hits;  // provision language that appeared or disappeared
  // How people name the section: "section 4 (Reporting)", "section 'Purpose'", "section #3".
  std::string label() const;
};

struct DocumentDiff {
  // The normalized text of every section (headings and numbers included) is the same:
  // the bytes changed but not the content ("no change in content").
  bool same_text = false;
  int sections_before = 0;
  int sections_after = 0;
  int unchanged = 0;  // aligned sections with the same text and number
  std::vector<SectionChange> changes;  // in new-document order, removed ones where they were
  int count(std::string_view kind) const;
};

struct DiffOptions {
  // Common words kept on each side of a change in a word diff.
  int context_words = 8;
  // Minimum similarity for pairing two sections that neither share a key nor have identical
  // text (a renumbered and edited section).
  double min_similarity = 0.5;
  // Minimum similarity for pairing by key alone (same number, text mostly rewritten). Below
  // it the old section counts as removed and the new one as added, unless the headings agree.
  double min_key_similarity = 0.2;
};

// Compares the sections of two versions (as Catalog::sections_of returns them).
DocumentDiff diff_sections(const std::vector<corpus::StoredSection>& before,
                           const std::vector<corpus::StoredSection>& after,
                           const DiffOptions& options = {});

// The word diff of two texts (whitespace-separated words), common runs shortened to
// `context_words` on each side of a change. Exposed for the report and for tests.
std::vector<WordRun> word_diff(std::string_view before, std::string_view after,
                               int context_words = 8);

// Word-level Dice coefficient of two texts (multisets of case-folded words), 0..1.
double text_similarity(std::string_view a, std::string_view b);

// ---------------------------------------------------------------------------------------
// Scoring seam

// How a town's hits become a scorecard. The production implementation wraps the taxonomy and
// provisions::score; tests may supply their own. Implementations must be deterministic.
class Scoring {
 public:
  virtual ~Scoring() = default;
  virtual provisions::Scorecard score(const std::vector<provisions::ScoredHit>& hits) const = 0;
  // A short human label for a provision ("287(g) agreements"); the id when unknown.
  virtual std::string label(std::string_view provision) const = 0;
};

// The production Scoring: provisions::score over TAXONOMY, labels from the taxonomy.
std::unique_ptr<Scoring> taxonomy_scoring(std::shared_ptr<const provisions::Taxonomy> taxonomy);

// ---------------------------------------------------------------------------------------
// Changes found in the catalog

// One verdict change of a town's scorecard.
struct VerdictChange {
  std::string question;  // "Q7", or "" for provisions outside the seven questions
  std::string provision;
  std::string label;
  std::string before;  // green | red | mixed | absent
  std::string after;
  std::vector<provisions::Evidence> evidence_before;
  std::vector<provisions::Evidence> evidence_after;
  // "Q7 287(g) agreements: green → absent"
  std::string summary() const;
};

// New or lost provision language in one section of one document.
struct LanguageChange {
  int64_t document_id = 0;
  std::string section;  // SectionChange::label()
  HitChange hit;
  // "new permissive info_sharing language in section 4 (Reporting)"
  std::string summary() const;
};

// What changed for one document since the last recorded change.
struct DocumentChange {
  // new_document | gone | changed | no_content_change | returned | moved, or state_only for
  // what moves the change log's state without being reported (a document never reported
  // that went away, navigation pages that keep no sections, a location first recorded).
  std::string kind;
  int64_t document_id = 0;
  std::optional<int64_t> municipality_id;
  std::string town;
  std::string url;
  std::string title;
  std::string doc_type;
  std::optional<int64_t> old_version_id;
  std::optional<int64_t> new_version_id;
  std::string fetched_at;       // of the new version
  std::string old_fetched_at;
  std::string extraction_error;  // the new version could not be extracted
  DocumentDiff diff;             // changed / no_content_change / moved
  std::vector<std::string> provisions;  // new_document: "info_sharing:protective", ...
  std::string status;    // the document's status now: active | gone
  // Where the document was last fetched from: its URL, or where its URL redirects to.
  std::string location;
  // A move: the document's earlier location, when its URL now redirects elsewhere, or the URL
  // of a document that went away in the same run with the same (or nearly the same) text —
  // a renamed file. With the same text the kind is "moved"; with edits it is "changed" and
  // the diff is against the old document's last version.
  std::string moved_from;
  std::optional<int64_t> moved_from_document_id;
  std::string summary() const;
};

struct TownChanges {
  int64_t municipality_id = 0;
  std::string town;
  std::string county;
  std::vector<VerdictChange> verdicts;
  std::vector<LanguageChange> language;
};

struct ChangeSet {
  std::vector<DocumentChange> documents;
  std::vector<TownChanges> towns;  // only towns with verdict or language changes
  // Documents whose new version is not extracted yet: left pending, picked up next time.
  std::vector<int64_t> pending;
  int count(std::string_view kind) const;
};

// Every document the change log has not caught up with: documents whose current version or
// status differs from what the catalog's change_state table says was last reported. A run
// killed anywhere leaves these pending and the next run reports them; nothing is reported
// twice. A document whose new version has no extraction yet is left pending.
[[nodiscard]] Result<ChangeSet> compute_changes(corpus::Catalog& catalog, const Scoring& scoring,
                                                const DiffOptions& options = {});

// Records SET in the catalog in one transaction: one `changes` row per document change
// (kinds new_document, gone, changed, no_content_change, moved; "returned" is stored as
// changed),
// one provision_change row per verdict change and per language change, and the new
// change_state of each document. RUN_ID, when given, ties the rows to a crawl run.
[[nodiscard]] Status record_changes(corpus::Catalog& catalog, const ChangeSet& set,
                                    std::optional<int64_t> run_id = std::nullopt);

// Marks every document as reported at its current version and status, when the change log
// has never been started in this catalog (meta key changes.baseline). A refresh calls this
// before crawling so that documents crawled before the first refresh are not reported as
// new. Returns the number of documents marked (0 when a baseline existed).
[[nodiscard]] Result<int64_t> ensure_change_baseline(corpus::Catalog& catalog);

// The detail JSON stored with a document change (docs/API.md `history` / `changes`).
std::string detail_json(const DocumentChange& change);

// ---------------------------------------------------------------------------------------
// Reports

enum class ReportFormat { kText, kJson, kMarkdown };

// "text" | "json" | "markdown" (also "md").
[[nodiscard]] Result<ReportFormat> parse_report_format(std::string_view name);
// The format for a report file: an explicit --format wins; else from the extension
// (.json, .md/.markdown, anything else text).
ReportFormat report_format_for(const std::string& path, std::optional<ReportFormat> explicit_format);

// One URL the run could not fetch or one version it could not extract.
struct RunFailure {
  std::string what;  // the URL or "document 17 version 31"
  std::string phase;  // crawl | extract | index | changes
  std::string reason;
};

// Everything a refresh report says.
struct RefreshReport {
  std::string started_at;
  std::string finished_at;
  double elapsed_s = 0;
  std::optional<int64_t> run_id;
  int64_t towns = 0;          // municipalities with at least one document
  int64_t urls = 0;           // URLs the crawl handled
  int64_t requests = 0;
  int64_t conditional = 0;    // conditional requests among them
  int64_t unchanged = 0;      // URLs that had not changed (304 or same bytes)
  int64_t indexed = 0;        // documents the index updated
  std::optional<int64_t> stale_lock_pid;  // a previous refresh died holding the lock
  std::vector<std::string> phase_errors;  // "index: ..." — a whole phase failed
  std::vector<RunFailure> failures;        // per URL / per version
  ChangeSet changes;
  // Wall seconds per phase, in order: start (lock, catalog, taxonomy), crawl, extract,
  // index, changes. JSON only ("phases_s"), for monitoring and bench/refresh.
  std::vector<std::pair<std::string, double>> phase_seconds;

  // ok (nothing failed) | partial (some URLs or versions failed; listed) | failed (a whole
  // phase failed).
  std::string status() const;
};

// "refresh ok: 351 towns, 1203 urls, 3 new, 2 changed, 1 gone, 0 failed, 12.3s"
std::string summary_line(const RefreshReport& report);

std::string render_text(const RefreshReport& report);
std::string render_markdown(const RefreshReport& report);
// A JSON object; its "summary" field is summary_line().
std::string render_json(const RefreshReport& report);
std::string render_report(const RefreshReport& report, ReportFormat format);

// ---------------------------------------------------------------------------------------
// Atom

struct AtomEntry {
  std::string id;       // "urn:policyindex:change:17"
  std::string title;
  std::string updated;  // ISO 8601
  std::string link;
  std::string category;  // the change's kind
  std::string content;   // plain text
};

struct AtomFeed {
  std::string title, id;
  std::string self, alternate;  // the feed's own URL and its HTML page
  std::vector<AtomEntry> entries;  // newest first; the feed's <updated> is the first one's
};

// The feed as Atom XML (RFC 4287), every text escaped, characters XML 1.0 forbids dropped.
std::string atom_feed(const AtomFeed& feed);
// Escapes for XML text and attributes, dropping characters XML 1.0 forbids.
std::string xml_escape(std::string_view text);

}  // namespace policyindex::changes
