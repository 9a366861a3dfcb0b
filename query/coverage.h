// Coverage states (TAXONOMY.md "Scorecard"): what a town x question cell says when in-force
// text decides it (green, red, mixed) and why when none does (proposed_only, not_addressed,
// no_document, blocked, not_crawled); and citable evidence items. Pure functions over rows
// the catalog returned, shared by scorecard, matrix, compare and the long matrix.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corpus/reader.h"
#include "provisions/provisions.h"
#include "query/results.h"

namespace policyindex::query {

// The state of one cell and its reason in plain words. IN_FORCE_VERDICT is the verdict of
// in-force text alone ("green", "red", "mixed" or "absent"); PROPOSED is whether proposed
// text takes a stance on it.
std::pair<std::string, std::string> coverage_state(std::string_view in_force_verdict, bool proposed,
                                                   const TownCoverage& coverage);

// A town's coverage facts from its crawl, its active documents and its hit rows.
TownCoverage town_coverage(const corpus::TownCrawl* crawl, int64_t documents,
                           const std::vector<corpus::ProvisionHitRow>& rows);

// "/documents/ID?version=V#s-KEY", the page of that exact version at the section.
std::string version_url(std::string_view document_id, std::string_view version_id, std::string_view section_key);

// Citable evidence: EVIDENCE's `document` fields are indexes into ROWS (as score_rows sets them).
// The quote's own part of an evidence item (section, heading, page, stance, text), with the
// document as given: its id, its title (the URL when untitled) and URL.
EvidenceItem evidence_item(const provisions::Evidence& ev, std::string document_id, std::string_view title,
                           std::string_view url);
std::vector<EvidenceItem> evidence_items(const std::vector<provisions::Evidence>& evidence,
                                         const std::vector<corpus::ProvisionHitRow>& rows);

// Scores ROWS with TAXONOMY; each Evidence's `document` is the index of its row in ROWS.
provisions::Scorecard score_rows(const provisions::Taxonomy& taxonomy, const std::vector<corpus::ProvisionHitRow>& rows);

// Every entry of the taxonomy (Q1..Q7, then the other provisions) for one town: the verdict
// from its in-force rows only, the state, and the evidence (in-force; the proposed text when
// the state is proposed_only). LABEL gives a provision's label.
std::vector<ScoreItem> town_items(const provisions::Taxonomy& taxonomy,
                                  const std::vector<corpus::ProvisionHitRow>& rows, const TownCoverage& coverage);

}  // namespace policyindex::query
