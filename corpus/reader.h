// The catalog reads of query/ (scorecards, matrix, compare, peers, history, documents, the
// change list), behind typed methods: the SQL lives here, in corpus/, and query/ never
// writes a statement. Column meanings are those of corpus/schema.sql.
//
// Thread-safety: a Reader uses its Catalog from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::corpus {

// A document as the queries show it.
struct DocumentInfo {
  int64_t id = 0;
  std::optional<int64_t> municipality_id;
  std::string title;  // chosen from the document (extract::choose_title), else the catalog's
  std::string url, doc_type, status;
  std::optional<int64_t> current_version_id;
  // The current version's standing (corpus/standing.h): "" when not classified yet.
  std::string genre = {};       // "navigation" for listing pages, site maps, landing pages
  std::string doc_status = {};  // in_force | proposed | superseded | rescinded | descriptive
  std::string status_reason = {};
  // The document whose rendition this is (same text, another format or URL), when it is
  // not the canonical one itself.
  std::optional<int64_t> rendition_of = {};
  // Whether it is a policy document of its own: not navigation, not another document's
  // rendition. Only these are listed, counted and scored.
  bool listed() const { return genre != "navigation" && !rendition_of; }
};

// The policy status of a document (TAXONOMY.md "Document status and genre"): in_force,
// proposed, superseded, rescinded or descriptive. The one place that decides it for the
// queries: until the catalog records a status of its own, every document is in force.
std::string policy_status_of(std::string_view doc_type);

// One provision hit of a current section of an active document, with where it was found:
// enough to cite it (document, version, sha256 of the stored bytes, section, page, offsets
// into the section's text, fetched-at).
struct ProvisionHitRow {
  int64_t document_id = 0;
  std::optional<int64_t> municipality_id;
  std::string provision, stance, evidence;
  std::string section;  // the section's number, else its key
  std::string heading;
  std::optional<int64_t> page;
  // The document's current status (in_force, proposed, ...; "" not classified: counted as
  // in force, as before statuses existed).
  std::string doc_status = {};
  int64_t version_id = 0;
  std::string sha256, fetched_at;
  std::string section_key;         // the section's stable key within the document
  int64_t start = 0, end = 0;      // the evidence's offsets into the section's text
  std::string doc_type, title, url;
  std::string policy_status = "in_force";  // policy_status_of(doc_type)
};

// What the crawl knows of one municipality, for its coverage state: whether a website or
// source is known, what was fetched for it (the last crawl's frontier and its documents'
// fetches), and what kept the crawler out.
struct TownCrawl {
  bool website_known = false;      // a website in the registry or a source/seed/website row
  int64_t attempts = 0;            // fetch-log rows for its URLs
  int64_t pages_fetched = 0;       // distinct URLs fetched (2xx, 304, unchanged)
  int64_t blocked = 0;             // distinct URLs refused: robots, a login wall, a firewall
  std::string blocked_reason;      // "robots" | "login" | "firewall" (the most frequent)
  std::string last_crawled;        // the latest fetch attempt's time, "" when none
};

// The indexed (else current) version of a document, for citing a search hit.
struct CurrentVersion {
  int64_t version_id = 0;
  std::string sha256, fetched_at, doc_type;
};
// Where a section of a version is: its offsets in the document's text.
struct SectionSpan {
  int64_t start = 0, end = 0;
};

// What the extraction of one version says about the file.
struct ExtractionInfo {
  std::string type;  // pdf | html | docx | text | unknown
  std::optional<int64_t> pages;
  std::string status;  // ok | error
  std::string error;
};

// A row of the `changes` table with its town name and document URL.
struct ChangeRow {
  int64_t id = 0;
  std::string detected_at, kind;
  std::optional<int64_t> document_id;
  std::string town, url, summary;
  std::string detail;  // JSON text as recorded
  std::optional<int64_t> old_version_id, new_version_id;
};

// Which changes to list: all (no town, no document), a town's, or a document's; PROVISION,
// when not empty, keeps those whose detail or summary names it.
struct ChangeFilter {
  std::optional<int64_t> municipality_id;
  std::optional<int64_t> document_id;
  std::string provision;
  size_t limit = 100;
};

class Reader {
 public:
  explicit Reader(Catalog& catalog) : catalog_(catalog) {}

  // Documents of municipality TOWN_ID (only the active ones when ACTIVE_ONLY), by id.
  [[nodiscard]] Result<std::vector<DocumentInfo>> documents_of(int64_t town_id, bool active_only);
  // Every document, by id.
  [[nodiscard]] Result<std::vector<DocumentInfo>> all_documents();
  // Active documents with a version, per municipality id: policy documents only (navigation
  // pages and other documents' renditions are not counted).
  [[nodiscard]] Result<std::map<int64_t, int64_t>> active_document_counts();
  // Provision hits of the current sections of active documents (of TOWN_ID, or of every
  // town), in document, section and offset order; each with its document's status. Navigation
  // pages and renditions of another active document are left out (a text counts once).
  [[nodiscard]] Result<std::vector<ProvisionHitRow>> provision_hits(std::optional<int64_t> town_id);
  // How many versions DOCUMENT_ID has, and when CURRENT_VERSION_ID was fetched ("" when none).
  [[nodiscard]] Result<std::pair<int64_t, std::string>> version_summary(int64_t document_id,
                                                                      std::optional<int64_t> current_version_id);
  // The extraction of VERSION_ID, when there is one.
  [[nodiscard]] Result<std::optional<ExtractionInfo>> extraction(int64_t version_id);
  // Per municipality id, what its crawl came to (every municipality with anything known).
  [[nodiscard]] Result<std::map<int64_t, TownCrawl>> town_crawls();
  // The version the index holds of each of DOCUMENT_IDS (else its current one), when it has one.
  [[nodiscard]] Result<std::map<int64_t, CurrentVersion>> current_versions(const std::vector<int64_t>& document_ids);
  // The offsets of section KEY of VERSION_ID, when it exists.
  [[nodiscard]] Result<std::optional<SectionSpan>> section_span(int64_t version_id, std::string_view key);
  // Changes, newest first.
  [[nodiscard]] Result<std::vector<ChangeRow>> changes(const ChangeFilter& filter);
  // Calls FN with (municipality id, text) for every current section of every active
  // document that belongs to a municipality, streaming.
  [[nodiscard]] Status for_each_current_section(const std::function<void(int64_t, std::string_view)>& fn);

 private:
  Result<std::vector<DocumentInfo>> documents(const std::string& where, std::optional<int64_t> bind);
  Catalog& catalog_;
};

}  // namespace policyindex::corpus
