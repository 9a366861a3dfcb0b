// The advocate's report of one analyzed file, built from its sections, tags and scorecard.
#include <set>

#include "query/report.h"

namespace policyindex::query {
namespace {

namespace pv = policyindex::provisions;

// The rule in words: what the stance means, then the tagger's reasons (cues, lead-ins,
// exceptions), else the rule's name.
std::string why_in_words(const pv::Hit& h) {
  std::string out;
  switch (h.stance) {
    case pv::Stance::kProtective: out = "Protective because the sentence protects people or limits cooperation"; break;
    case pv::Stance::kPermissive: out = "Permissive because the sentence allows or invites cooperation"; break;
    case pv::Stance::kNeutral: out = "Neutral: the sentence mentions this without limiting or widening it"; break;
  }
  const std::string& reason = h.why.empty() ? h.rule : h.why;
  if (!reason.empty()) {
    out += " (";
    out += reason;
    out += ")";
  }
  out += ".";
  return out;
}

}  // namespace

std::string summary_line(int questions, int protective, int mixed, int permissive, int not_addressed) {
  std::string out = std::to_string(protective) + " of " + std::to_string(questions) + " questions protective";
  if (mixed > 0) out += ", " + std::to_string(mixed) + " mixed";
  out += ", " + std::to_string(permissive) + " permissive";
  out += ", " + std::to_string(not_addressed) + " not addressed";
  return out;
}

Report make_report(const ReportInput& input, const pv::Taxonomy& taxonomy) {
  Report r;
  r.file = input.file;
  r.type = input.type;
  r.title = input.title;
  r.pages = input.pages;
  r.ocr_pages = input.ocr_pages;
  r.warnings = input.warnings;
  r.borrow_note = "Borrowing was not looked up.";
  std::set<std::string> seen_cites;
  for (const auto& s : input.sections) {
    ReportSection rs;
    rs.label = section_label(s.number, s.heading, s.page > 0 ? std::optional<int>(s.page) : std::nullopt);
    rs.level = s.level;
    if (s.page > 0) rs.page = s.page;
    if (s.page_end > s.page) rs.page_end = s.page_end;
    r.sections.push_back(std::move(rs));
    if (!s.tags) continue;
    for (const auto& c : s.tags->cites) {
      if (seen_cites.insert(c).second) r.citations.push_back(citation_label(c));
    }
  }
  if (!input.scorecard) return r;
  for (const pv::ScoreEntry& e : input.scorecard->entries) {
    const bool question = !e.question.empty();
    if (!question && !e.present) continue;
    const pv::ProvisionInfo* info = taxonomy.find(e.provision);
    pv::ProvisionInfo fallback{e.provision, e.provision, e.question, ""};
    const LegendEntry legend = legend_for(info ? *info : fallback);
    ReportQuestion q;
    q.key = legend.key;
    q.provision = e.provision;
    q.label = legend.label;
    q.verdict = std::string(pv::verdict_name(e.verdict));
    q.verdict_label = verdict_label(q.verdict);
    q.meaning = e.verdict == pv::Verdict::kGreen   ? legend.green
                : e.verdict == pv::Verdict::kRed   ? legend.red
                : e.verdict == pv::Verdict::kMixed ? legend.mixed
                                                   : legend.absent;
    for (const auto& s : input.sections) {
      if (!s.tags) continue;
      for (const pv::Hit& h : s.tags->hits) {
        if (h.provision != e.provision) continue;
        ReportQuote quote;
        quote.section = section_label(s.number, s.heading, s.page > 0 ? std::optional<int>(s.page) : std::nullopt);
        if (s.page > 0) quote.page = s.page;
        quote.stance = std::string(pv::stance_name(h.stance));
        quote.text = h.evidence;
        quote.why = why_in_words(h);
        q.quotes.push_back(std::move(quote));
      }
    }
    if (question) {
      r.legend.push_back(legend);
      ++r.questions;
      switch (e.verdict) {
        case pv::Verdict::kGreen: ++r.protective; break;
        case pv::Verdict::kRed: ++r.permissive; break;
        case pv::Verdict::kMixed: ++r.mixed; break;
        case pv::Verdict::kAbsent: ++r.not_addressed; break;
      }
    }
    r.items.push_back(std::move(q));
  }
  r.summary = summary_line(r.questions, r.protective, r.mixed, r.permissive, r.not_addressed);
  return r;
}

}  // namespace policyindex::query
