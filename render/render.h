// The one place that renders query's typed results: as the JSON of docs/API.md (one JSON
// writer: the same bytes for `--format json`, /api/... and the tests), as CSV (one CSV
// writer: RFC 4180 with the spreadsheet formula-injection guard on every cell), and as text
// for people. Used by the CLI (app/) and the server (serve/) alike, so they cannot drift.
//
// Thread-safety: every function is pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "query/results.h"

namespace policyindex::render {

// -- JSON (docs/API.md) -----------------------------------------------------------------------
// The bytes are those nlohmann::ordered_json's dump() makes of the same object (UTF-8 kept,
// control characters escaped; invalid UTF-8 becomes U+FFFD).

std::string json(const query::SearchResult& r);
std::string json(const query::Scorecard& r);
std::string json(const query::Matrix& r);
// The long matrix: {"by", "total", "omitted": 0, "rows": [...]} (every row, never cut).
std::string json(const query::MatrixLong& r);
std::string json(const query::Comparison& r);
std::string json(const query::Peers& r);
std::string json(const query::History& r);
std::string json(const query::Document& r);
std::string json(const query::ChangeList& r);
std::string json(const query::TaxonomyView& r);
// {"error":{"code":"not_found","message":"..."}}
std::string json_error(std::string_view code, std::string_view message);

// -- CSV (RFC 4180) ---------------------------------------------------------------------------

// One field: quoted when it holds a comma, quote, CR or LF, quotes doubled. A cell starting
// with = + @ TAB CR, or with - not followed by a digit, gets a leading apostrophe first, so
// that Excel and LibreOffice show it as text instead of evaluating it (OWASP "CSV
// injection"); negative numbers ("-3") stay numbers.
std::string csv_field(std::string_view text);
// FIELDS joined by commas, ended by CRLF.
std::string csv_row(const std::vector<std::string>& fields);

// `policyindex search --format csv`: rank, town, county, doc_type, title, url, document_id,
// section_id, number, heading, page, provisions, cites, snippet (plain text), then the
// provenance: version_id, sha256, fetched_at, start, end, status, version_url. Only the hits
// of R (search_omitted_note says what was left out).
std::string search_csv(const query::SearchResult& r);
// /search.csv of the web page: rank, town, county, doc_type, title, url, section, heading,
// page, provisions, cites, snippet, section_id, then the same provenance columns.
std::string search_csv_web(const query::SearchResult& r);
// "" when R holds every hit from its offset; else one line saying how many were left out
// and how to get them (HOW: "--limit N"/"--all" for the CLI, "limit=N" for the web).
std::string search_omitted_note(const query::SearchResult& r, bool web);
// `matrix --format csv` and /matrix.csv: town, county, documents, then one column per
// question and provision (verdicts), then per question its coverage state (Q1_state ..),
// then the town's crawl: website_known, pages_fetched, blocked, blocked_reason, last_crawled.
std::string matrix_csv(const query::Matrix& r);
// `matrix --format csv --long` and /matrix.csv?long=1: the long matrix's rows (every one),
// columns as in the JSON (town, county, key, provision, question, verdict, state, ...).
std::string matrix_long_csv(const query::MatrixLong& r);
// The long matrix's column names, in order.
const std::vector<std::string>& matrix_long_columns();

// -- text for people --------------------------------------------------------------------------

// A snippet (escaped HTML with <b> marks) as plain text; with ANSI, matches in bold.
std::string plain_snippet(std::string_view html, bool ansi);
std::string search_text(const query::SearchResult& r, bool ansi);
std::string scorecard_text(const query::Scorecard& r);
// The grid, with the coverage states and their statewide counts.
std::string matrix_text(const query::Matrix& r);
std::string matrix_long_text(const query::MatrixLong& r);
std::string compare_text(const query::Comparison& r);
// At most LIMIT peers per provision.
std::string peers_text(const query::Peers& r, size_t limit);
std::string history_text(const query::History& r);

}  // namespace policyindex::render
