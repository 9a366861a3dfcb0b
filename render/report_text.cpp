// The advocate's report as text for a terminal.
#include "render/report.h"
#include "render/report_util.h"

namespace policyindex::render {
namespace {

using detail::add;
using detail::cat;

std::string where(const std::string& section, const std::optional<int>& page) {
  std::string out = section;
  if (page) add(out, ", page ", std::to_string(*page));
  return out;
}

void model_text(std::string& out, const query::ModelComparison& m) {
  add(out, "\nCompared with the model \"", m.name, "\"");
  if (!m.document.empty()) add(out, " (", m.document, ")");
  add(out, ":\n  ", std::to_string(m.model_sentences), " operative sentences in the model, ", std::to_string(m.kept),
      " kept as strong in this policy.\n");
  if (m.changes.empty()) out += "  Nothing dropped, weakened or added.\n";
  for (const auto& c : m.changes) {
    if (c.kind == "dropped") {
      add(out, "  DROPPED from ", c.model_section, ": \"", c.model_text, "\"\n");
    } else if (c.kind == "weakened") {
      add(out, "  WEAKENED (", c.reason, "), model ", c.model_section, " -> ", c.town_section, ":\n");
      add(out, "    model: \"", c.model_text, "\"\n    yours: \"", c.town_text, "\"\n    change: ");
      for (const auto& d : c.diff) {
        if (d.op == '=') add(out, d.text, " ");
        else if (d.op == '-') add(out, "[-", d.text, "-] ");
        else add(out, "{+", d.text, "+} ");
      }
      add(out, "\n");
    } else {
      add(out, "  ADDED in ", c.town_section, " (not in the model): \"", c.town_text, "\"\n");
    }
  }
}

}  // namespace

std::string report_text(const query::Report& r) {
  std::string out = cat(r.file, ": ", r.type);
  if (r.pages) add(out, ", ", std::to_string(r.pages), " pages");
  if (!r.ocr_pages.empty()) add(out, " (", std::to_string(r.ocr_pages.size()), " read by OCR)");
  add(out, ", ", std::to_string(r.sections.size()), " sections\n");
  if (!r.title.empty()) add(out, "Title: ", r.title, "\n");
  add(out, "\nSummary: ", r.summary, ".\n");
  add(out, "\nWhat the colours mean:\n  green = protective, red = permissive, mixed = both, not addressed = silent.\n");
  for (const auto& l : r.legend) {
    add(out, "  ", l.key, " ", l.label, "\n    ", l.green, "\n    ", l.red, "\n");
  }
  add(out, "\nSections:\n");
  for (const auto& s : r.sections) {
    add(out, std::string(static_cast<size_t>(2 * std::max(1, s.level)), ' '), "- ", s.label);
    if (s.page) {
      add(out, " (page ", std::to_string(*s.page));
      if (s.page_end) add(out, "-", std::to_string(*s.page_end));
      add(out, ")");
    }
    add(out, "\n");
  }
  if (!r.citations.empty()) {
    add(out, "\nCites:");
    for (size_t i = 0; i < r.citations.size(); ++i) add(out, i ? "; " : " ", r.citations[i]);
    add(out, "\n");
  }
  add(out, "\nVerdicts:\n");
  for (const auto& q : r.items) {
    add(out, "\n", q.key, " ", q.label, ": ", q.verdict_label, "\n  ", q.meaning, "\n");
    for (const auto& quote : q.quotes) {
      add(out, "  [", quote.stance, "] \"", quote.text, "\"\n    ", where(quote.section, quote.page), ". ",
             quote.why, "\n");
    }
    if (q.key.empty() || q.key[0] != 'Q' || q.verdict == "green") continue;
    if (!r.borrow_note.empty()) continue;
    if (q.borrow.empty()) {
      add(out, "  What to borrow: no in-force protective sentence on this question in the corpus.\n");
      continue;
    }
    add(out, "  What to borrow:\n");
    for (const auto& b : q.borrow) {
      add(out, "  - ", b.town, " (", b.county, " County, ", b.nearness, "; their verdict: ",
          query::verdict_label(b.town_verdict), "), ", b.doc_type, " \"", b.document, "\", ",
          where(b.section, b.page), ":\n    \"", b.text, "\"\n    ", b.url, "\n");
    }
  }
  if (!r.borrow_note.empty()) add(out, "\nWhat to borrow: ", r.borrow_note, "\n");
  if (r.model) model_text(out, *r.model);
  for (const auto& w : r.warnings) add(out, "warning: ", w, "\n");
  return out;
}

std::string models_text(const std::vector<corpus::ModelRow>& models) {
  if (models.empty()) return "No models yet. Mark one with: policyindex model add DOCUMENT_ID|URL --name NAME\n";
  std::string out;
  for (const auto& m : models) {
    add(out, m.name, ": document ", std::to_string(m.document_id), ", ", query::doc_type_label(m.doc_type));
    if (!m.town.empty()) add(out, " of ", m.town);
    add(out, ", \"", (m.title.empty() ? m.url : m.title), "\" (", m.url, "), added ", query::date_label(m.added_at), "\n");
  }
  return out;
}

}  // namespace policyindex::render
