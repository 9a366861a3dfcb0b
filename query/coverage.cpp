#include "query/coverage.h"

#include <set>

namespace policyindex::query {

namespace pv = policyindex::provisions;

namespace {

std::string plural(int64_t n, std::string_view word) {
  std::string out = std::to_string(n);
  out += ' ';
  out += word;
  if (n != 1) out += 's';
  return out;
}

std::string day_of(const std::string& iso) { return iso.substr(0, 10); }

std::string blocked_words(const std::string& reason) {
  if (reason == "robots") return "robots.txt refused the crawler";
  if (reason == "login") return "a login wall kept the crawler out";
  if (reason == "firewall") return "a firewall refused the crawler";
  return "the crawler was kept out";
}

}  // namespace

std::pair<std::string, std::string> coverage_state(std::string_view in_force_verdict, bool proposed,
                                                   const TownCoverage& c) {
  if (in_force_verdict == "green" || in_force_verdict == "red" || in_force_verdict == "mixed") {
    return {std::string(in_force_verdict), ""};
  }
  if (proposed) return {"proposed_only", "only proposed (not adopted) text addresses this"};
  if (c.documents_in_force > 0) {
    return {"not_addressed", plural(c.documents_in_force, "in-force relevant document") + " found, silent on this"};
  }
  std::string blocked_note;
  if (c.blocked > 0) {
    blocked_note = "; " + plural(c.blocked, "URL") + " refused (" + c.blocked_reason + ")";
  }
  if (c.pages_fetched > 0) {
    return {"no_document", "crawled " + day_of(c.last_crawled) + ", " + plural(c.pages_fetched, "page") +
                               ", nothing relevant in force" + blocked_note};
  }
  if (c.documents > 0) {
    return {"no_document", plural(c.documents, "document") + " in the collection, nothing relevant in force" + blocked_note};
  }
  if (c.blocked > 0) {
    return {"blocked", blocked_words(c.blocked_reason) + " (" + plural(c.blocked, "URL") + ", last tried " +
                           day_of(c.last_crawled) + ")"};
  }
  if (c.website_known) {
    return {"not_crawled", c.last_crawled.empty() ? "a website is known but nothing was fetched yet"
                                                  : "every fetch failed (last tried " + day_of(c.last_crawled) + ")"};
  }
  return {"not_crawled", "no website or source known"};
}

TownCoverage town_coverage(const corpus::TownCrawl* crawl, int64_t documents,
                           const std::vector<corpus::ProvisionHitRow>& rows) {
  TownCoverage c;
  if (crawl) {
    c.website_known = crawl->website_known;
    c.pages_fetched = crawl->pages_fetched;
    c.blocked = crawl->blocked;
    c.blocked_reason = crawl->blocked_reason;
    c.last_crawled = crawl->last_crawled;
  }
  c.documents = documents;
  std::set<int64_t> in_force, other;
  for (const auto& r : rows) (r.policy_status == "in_force" ? in_force : other).insert(r.document_id);
  c.documents_in_force = static_cast<int64_t>(in_force.size());
  c.documents_proposed = static_cast<int64_t>(other.size());
  return c;
}

std::string version_url(std::string_view document_id, std::string_view version_id, std::string_view section_key) {
  std::string u = "/documents/";
  u += document_id;
  if (!version_id.empty()) {
    u += "?version=";
    u += version_id;
  }
  if (!section_key.empty()) {
    u += "#s-";
    for (char ch : section_key) {  // serve/'s anchor(): [A-Za-z0-9_-], others '-'
      const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
      u += ok ? ch : '-';
    }
  }
  return u;
}

EvidenceItem evidence_item(const pv::Evidence& ev, std::string document_id, std::string_view title,
                           std::string_view url) {
  EvidenceItem j;
  j.document_id = std::move(document_id);
  j.document = std::string(title.empty() ? url : title);
  j.url = std::string(url);
  j.section = ev.section;
  j.heading = ev.heading;
  if (ev.page > 0) j.page = ev.page;
  j.stance = std::string(pv::stance_name(ev.stance));
  j.text = ev.text;
  return j;
}

std::vector<EvidenceItem> evidence_items(const std::vector<pv::Evidence>& evidence,
                                         const std::vector<corpus::ProvisionHitRow>& rows) {
  std::vector<EvidenceItem> list;
  list.reserve(evidence.size());
  for (const auto& ev : evidence) {
    const corpus::ProvisionHitRow* r = nullptr;
    size_t at = 0;
    bool digits = !ev.document.empty();
    for (char ch : ev.document) digits = digits && ch >= '0' && ch <= '9';
    if (digits) at = static_cast<size_t>(std::stoull(ev.document));
    if (digits && at < rows.size()) r = &rows[at];
    EvidenceItem j = r ? evidence_item(ev, std::to_string(r->document_id), r->title, r->url)
                       : evidence_item(ev, ev.document, ev.document, "");
    if (r) {
      j.version_id = std::to_string(r->version_id);
      j.sha256 = r->sha256;
      j.fetched_at = r->fetched_at;
      j.section_key = r->section_key;
      j.start = r->start;
      j.end = r->end;
      j.doc_type = r->doc_type;
      j.status = r->policy_status;
      j.version_url = version_url(j.document_id, j.version_id, r->section_key);
    }
    list.push_back(std::move(j));
  }
  return list;
}

pv::Scorecard score_rows(const pv::Taxonomy& taxonomy, const std::vector<corpus::ProvisionHitRow>& rows) {
  std::vector<pv::ScoredHit> hits;
  hits.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    pv::ScoredHit h;
    h.provision = r.provision;
    h.evidence.document = std::to_string(i);
    h.evidence.section = r.section;
    h.evidence.heading = r.heading;
    h.evidence.page = r.page ? static_cast<int>(*r.page) : 0;
    h.evidence.text = r.evidence;
    h.evidence.stance = pv::parse_stance(r.stance).value_or(pv::Stance::kNeutral);
    hits.push_back(std::move(h));
  }
  return pv::score(taxonomy, hits);
}

std::vector<ScoreItem> town_items(const pv::Taxonomy& taxonomy, const std::vector<corpus::ProvisionHitRow>& rows,
                                  const TownCoverage& coverage) {
  std::vector<corpus::ProvisionHitRow> in_force, proposed;
  for (const auto& r : rows) {
    if (r.policy_status == "in_force") {
      in_force.push_back(r);
    } else if (r.policy_status == "proposed") {
      proposed.push_back(r);
    }
  }
  const pv::Scorecard card = score_rows(taxonomy, in_force);
  const pv::Scorecard draft = score_rows(taxonomy, proposed);
  std::vector<ScoreItem> out;
  out.reserve(card.entries.size());
  for (const auto& e : card.entries) {
    ScoreItem j;
    j.key = e.question.empty() ? e.provision : e.question;
    j.provision = e.provision;
    j.question = e.question;
    const auto* info = taxonomy.find(e.provision);
    j.label = info ? info->label : e.provision;
    j.verdict = std::string(pv::verdict_name(e.verdict));
    j.present = e.present;
    j.evidence = evidence_items(e.evidence, in_force);
    const pv::ScoreEntry* d = draft.find(e.provision);
    const bool by_draft = d && d->verdict != pv::Verdict::kAbsent;
    auto [state, detail] = coverage_state(j.verdict, by_draft, coverage);
    j.state = std::move(state);
    j.state_detail = std::move(detail);
    if (j.state == "proposed_only") j.evidence = evidence_items(d->evidence, proposed);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace policyindex::query
