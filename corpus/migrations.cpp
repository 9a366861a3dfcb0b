// The catalog's schema upgrades, one per version (private to corpus/).

#include "corpus/migrations.h"

#include <iterator>

namespace policyindex::corpus::migrations {
namespace {

// Upgrades of a shipped catalog, one per version: kMigrations[i] takes version i+1 to i+2.
// A new catalog runs schema.sql (version 1) and then every step, so old and new catalogs
// end up with the same tables.
constexpr const char* kMigrations[] = {
    // 1 -> 2: where a document was last fetched from (a redirect target when it moved), for
    // the change log's "moved" reports.
    "ALTER TABLE change_state ADD COLUMN location TEXT;"
    "CREATE INDEX IF NOT EXISTS fetch_log_document ON fetch_log(document_id);",
    // 2 -> 3: fetch_log(url) goes. No query uses it (fetches are looked up by document and
    // run), and it cost every refresh a write all over it: each URL's new row lands next to
    // its earlier ones, so a refresh of N documents dirtied min(N, index pages) pages of it
    // — a few MB of WAL per nightly refresh once the log holds a few months.
    "DROP INDEX IF EXISTS fetch_log_url;",
    // 3 -> 4: what kind of document a version is (provisions::classify_genre: ordinance,
    // police_policy, news, minutes, ...) and the words that decided it. Empty for versions
    // extracted before; the next extract (a new tagger version) fills them.
    "ALTER TABLE extractions ADD COLUMN genre TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE extractions ADD COLUMN genre_reason TEXT NOT NULL DEFAULT '';",
    // 4 -> 5: a platform adapter's request in the frontier (crawler/platforms): the URL
    // fetched when it is not the row's URL (an API call for a document whose URL is the
    // platform's page), the adapter, the request's role, the adapter's own state, extra
    // request headers (one per line) and the platform's title. NULL for ordinary URLs.
    "ALTER TABLE frontier ADD COLUMN fetch_url TEXT;"
    "ALTER TABLE frontier ADD COLUMN adapter TEXT;"
    "ALTER TABLE frontier ADD COLUMN role TEXT;"
    "ALTER TABLE frontier ADD COLUMN context TEXT;"
    "ALTER TABLE frontier ADD COLUMN headers TEXT;"
    "ALTER TABLE frontier ADD COLUMN title TEXT;",
    // 5 -> 6: what kept the crawl out of a town's hosts (robots.txt, a login wall, a
    // firewall challenge), one row per town, host and kind, so coverage can say "blocked"
    // rather than "nothing found"; and the verdict of each registry website's check (its
    // home page names the town and Massachusetts). municipality_id 0: no known town.
    "CREATE TABLE IF NOT EXISTS blocks("
    "  municipality_id INTEGER NOT NULL DEFAULT 0,"
    "  host TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"  // fetch_log outcome name: disallowed, robots_unreachable, ...
    "  url TEXT NOT NULL,"   // the last URL blocked
    "  reason TEXT NOT NULL DEFAULT '',"
    "  http_status INTEGER,"
    "  count INTEGER NOT NULL DEFAULT 1,"
    "  first_seen TEXT NOT NULL,"
    "  last_seen TEXT NOT NULL,"
    "  run_id INTEGER,"  // the last run that met it
    "  PRIMARY KEY(municipality_id, host, kind));"
    "CREATE TABLE IF NOT EXISTS site_checks("
    "  municipality_id INTEGER NOT NULL,"
    "  host TEXT NOT NULL,"
    "  url TEXT NOT NULL,"                      // the registry's website
    "  final_url TEXT NOT NULL DEFAULT '',"     // after redirects
    "  verdict TEXT NOT NULL,"                  // verified | mismatch | unreachable | blocked
    "  reason TEXT NOT NULL DEFAULT '',"
    "  checked_at TEXT NOT NULL,"
    "  run_id INTEGER,"
    "  PRIMARY KEY(municipality_id, host));",
    // 6 -> 7: the adaptive revisit schedule of each crawled document (corpus/revisit.h):
    // when a refresh last checked it, when it last changed, how many checks in a row found
    // it unchanged, when it is next due, its page role, and the <lastmod> a sitemap gave it.
    // Documents without a row (catalogs from before) are due at the next refresh.
    "CREATE TABLE revisit("
    "  document_id INTEGER PRIMARY KEY REFERENCES documents(id),"
    "  role TEXT NOT NULL DEFAULT 'document',"
    "  checked_at TEXT NOT NULL,"
    "  changed_at TEXT NOT NULL,"
    "  unchanged_checks INTEGER NOT NULL DEFAULT 0,"
    "  next_due TEXT NOT NULL,"
    "  sitemap_lastmod TEXT"
    ");",
    // 7 -> 8: where a version's title came from (number | heading | metadata | link), its
    // status (in_force | proposed | superseded | rescinded | descriptive) with the reason,
    // whether it was presumed, its date conflicts (JSON), and a MinHash signature
    // of its text (hex) for near-duplicate detection. `renditions` groups documents holding
    // the same text (several formats or URLs) under one canonical document; `version_dates` holds the dates found in a version's text
    // (kind, ISO date, the words). Empty for
    // versions extracted before; the next extract (a new tagger version) fills them.
    "ALTER TABLE extractions ADD COLUMN title_source TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE extractions ADD COLUMN doc_status TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE extractions ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE extractions ADD COLUMN status_presumed INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE extractions ADD COLUMN date_conflicts TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE extractions ADD COLUMN text_sig TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE renditions("
    "  document_id INTEGER PRIMARY KEY REFERENCES documents(id),"
    "  canonical_id INTEGER NOT NULL REFERENCES documents(id),"
    "  similarity REAL NOT NULL,"
    "  method TEXT NOT NULL"
    ");"
    "CREATE INDEX renditions_canonical ON renditions(canonical_id);"
    "CREATE TABLE version_dates("
    "  version_id INTEGER NOT NULL REFERENCES versions(id),"
    "  ord INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  PRIMARY KEY(version_id, ord)"
    ");",
    // 8 -> 9: documents marked as models (`policyindex model add`): a town's policy is
    // compared with a model section by section (`analyze FILE --model NAME`).
    "CREATE TABLE IF NOT EXISTS models(name TEXT PRIMARY KEY COLLATE NOCASE, "
    "document_id INTEGER NOT NULL REFERENCES documents(id), added_at TEXT NOT NULL);",
    // 9 -> 10: a platform request that is a POST (a Laserfiche WebLink 10/11 folder
    // listing): its method and body, so a resumed crawl sends it again. NULL: a GET.
    "ALTER TABLE frontier ADD COLUMN method TEXT;"
    "ALTER TABLE frontier ADD COLUMN body TEXT;",
};
static_assert(std::size(kMigrations) == kSchemaVersion - 1, "one migration per schema version");

}  // namespace

const char* step(int from) { return kMigrations[from - 1]; }

}  // namespace policyindex::corpus::migrations
