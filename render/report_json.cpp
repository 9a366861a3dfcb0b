// The advocate's report as JSON: the "report" object of `analyze --format json` (additive to
// the analyze shape of DESIGN.md), and the model list.
#include <nlohmann/json.hpp>

#include "render/report.h"

namespace policyindex::render {
namespace {

using J = nlohmann::ordered_json;

J page_json(const std::optional<int>& page) { return page ? J(*page) : J(nullptr); }

J model_json(const query::ModelComparison& m) {
  J changes = J::array();
  for (const auto& c : m.changes) {
    J diff = J::array();
    for (const auto& d : c.diff) diff.push_back({{"op", std::string(1, d.op)}, {"text", d.text}});
    changes.push_back({{"kind", c.kind},
                       {"provision", c.provision},
                       {"model_section", c.model_section},
                       {"town_section", c.town_section},
                       {"model_text", c.model_text},
                       {"town_text", c.town_text},
                       {"reason", c.reason},
                       {"similarity", c.similarity},
                       {"diff", std::move(diff)}});
  }
  return {{"name", m.name},         {"document", m.document}, {"url", m.url},
          {"town", m.town},         {"model_sentences", m.model_sentences},
          {"kept", m.kept},         {"changes", std::move(changes)}};
}

}  // namespace

std::string report_json(const query::Report& r) {
  J legend = J::array();
  for (const auto& l : r.legend)
    legend.push_back({{"key", l.key}, {"provision", l.provision}, {"label", l.label}, {"green", l.green},
                      {"mixed", l.mixed}, {"red", l.red}, {"absent", l.absent}});
  J items = J::array();
  for (const auto& q : r.items) {
    J quotes = J::array();
    for (const auto& x : q.quotes)
      quotes.push_back({{"section", x.section}, {"page", page_json(x.page)}, {"stance", x.stance}, {"text", x.text},
                        {"why", x.why}});
    J borrow = J::array();
    for (const auto& b : q.borrow)
      borrow.push_back({{"town", b.town},
                        {"county", b.county},
                        {"nearness", b.nearness},
                        {"similarity", b.similarity},
                        {"town_verdict", b.town_verdict},
                        {"document", b.document},
                        {"doc_type", b.doc_type},
                        {"document_id", b.document_id},
                        {"url", b.url},
                        {"section", b.section},
                        {"page", page_json(b.page)},
                        {"text", b.text},
                        {"shall", b.shall}});
    items.push_back({{"key", q.key},
                     {"provision", q.provision},
                     {"label", q.label},
                     {"verdict", q.verdict},
                     {"verdict_label", q.verdict_label},
                     {"meaning", q.meaning},
                     {"quotes", std::move(quotes)},
                     {"borrow", std::move(borrow)}});
  }
  J sections = J::array();
  for (const auto& s : r.sections)
    sections.push_back({{"label", s.label}, {"level", s.level}, {"page", page_json(s.page)},
                        {"page_end", page_json(s.page_end)}});
  J out = {{"summary", r.summary},
           {"counts",
            {{"questions", r.questions},
             {"protective", r.protective},
             {"mixed", r.mixed},
             {"permissive", r.permissive},
             {"not_addressed", r.not_addressed}}},
           {"legend", std::move(legend)},
           {"questions", std::move(items)},
           {"sections", std::move(sections)},
           {"citations", r.citations},
           {"borrow_note", r.borrow_note},
           {"model", r.model ? model_json(*r.model) : J(nullptr)}};
  return out.dump(-1, ' ', false, J::error_handler_t::replace);
}

std::string models_json(const std::vector<corpus::ModelRow>& models) {
  J out = J::array();
  for (const auto& m : models)
    out.push_back({{"name", m.name},
                   {"document_id", m.document_id},
                   {"title", m.title},
                   {"url", m.url},
                   {"doc_type", m.doc_type},
                   {"town", m.town},
                   {"added_at", m.added_at}});
  return J{{"models", std::move(out)}}.dump(2, ' ', false, J::error_handler_t::replace);
}

}  // namespace policyindex::render
