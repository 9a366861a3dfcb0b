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
// section_id, number, heading, page, provisions, cites, snippet (plain text).
std::string search_csv(const query::SearchResult& r);
// /search.csv of the web page: rank, town, county, doc_type, title, url, section, heading,
// page, provisions, cites, snippet, section_id.
std::string search_csv_web(const query::SearchResult& r);
// `matrix --format csv` and /matrix.csv: town, county, documents, then one column per
// question and provision.
std::string matrix_csv(const query::Matrix& r);

// -- text for people --------------------------------------------------------------------------

// A snippet (escaped HTML with <b> marks) as plain text; with ANSI, matches in bold.
std::string plain_snippet(std::string_view html, bool ansi);
std::string search_text(const query::SearchResult& r, bool ansi);
std::string scorecard_text(const query::Scorecard& r);
std::string matrix_text(const query::Matrix& r);
std::string compare_text(const query::Comparison& r);
// At most LIMIT peers per provision.
std::string peers_text(const query::Peers& r, size_t limit);
std::string history_text(const query::History& r);

}  // namespace policyindex::render
