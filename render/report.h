// The advocate's report (query/report.h) and the model list, one writer per format: text for
// a terminal, JSON (the "report" object added to `analyze --format json`), and a printable,
// self-contained HTML page (inline print CSS, every document text escaped).
//
// Thread-safety: every function is pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "corpus/models.h"
#include "query/model_compare.h"
#include "query/report.h"

namespace policyindex::render {

std::string report_text(const query::Report& r);
// The "report" object: summary, counts, legend, questions (quotes, borrow), sections,
// citations, borrow_note, model (null without one).
std::string report_json(const query::Report& r);
// A whole HTML document.
std::string report_html(const query::Report& r);

// `model list`.
std::string models_text(const std::vector<corpus::ModelRow>& models);
std::string models_json(const std::vector<corpus::ModelRow>& models);

// TEXT with & < > " ' escaped for HTML text and attribute values.
std::string html_escape_text(std::string_view text);

}  // namespace policyindex::render
