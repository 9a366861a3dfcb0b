#include "tests/changes/fixtures.h"

namespace policyindex::refresh_testing {

namespace {
const std::vector<std::pair<std::string, std::string>> kQuestions = {
    {"Q1", "status_inquiry"},     {"Q2", "info_sharing"},         {"Q3", "detention_on_detainer"},
    {"Q4", "detainer_notice"},    {"Q5", "enforcement_operations"}, {"Q6", "local_resources"},
    {"Q7", "287g"}};
}

provisions::Scorecard QuestionScoring::score(const std::vector<provisions::ScoredHit>& hits) const {
  provisions::Scorecard card;
  std::vector<std::string> ids;
  for (const auto& [q, p] : kQuestions) ids.push_back(p);
  for (const auto& h : hits) {
    if (std::find(ids.begin(), ids.end(), h.provision) == ids.end()) ids.push_back(h.provision);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    provisions::ScoreEntry e;
    e.provision = ids[i];
    e.question = i < kQuestions.size() ? kQuestions[i].first : "";
    bool prot = false, perm = false;
    for (const auto& h : hits) {
      if (h.provision != e.provision) continue;
      prot |= h.evidence.stance == provisions::Stance::kProtective;
      perm |= h.evidence.stance == provisions::Stance::kPermissive;
      e.evidence.push_back(h.evidence);
    }
    e.verdict = provisions::verdict_from(prot, perm);
    card.entries.push_back(std::move(e));
  }
  return card;
}

std::string QuestionScoring::label(std::string_view provision) const {
  if (provision == "287g") return "287(g)";
  if (provision == "info_sharing") return "information sharing";
  return std::string(provision);
}

std::vector<corpus::StoredSection> stored(const std::vector<Sec>& sections) {
  std::vector<corpus::StoredSection> out;
  int ord = 0;
  for (const auto& s : sections) {
    corpus::StoredSection x;
    x.ord = ord++;
    x.number = s.number;
    x.heading = s.heading;
    x.key = s.number.empty() ? "s" + std::to_string(x.ord) : "n" + s.number;
    x.text = s.text;
    x.page = 1;
    for (const auto& h : s.hits) {
      auto a = h.find(':');
      auto b = h.find(':', a + 1);
      corpus::StoredHit hit;
      hit.provision = h.substr(0, a);
      hit.stance = h.substr(a + 1, b - a - 1);
      hit.evidence = h.substr(b + 1);
      hit.rule = "fixture";
      x.hits.push_back(hit);
    }
    out.push_back(std::move(x));
  }
  return out;
}

Fixture::Fixture() {
  auto s = corpus::Store::open(dir_.path() / "data");
  if (!s) throw std::runtime_error(s.error().message);
  store_.emplace(std::move(*s));
  std::vector<corpus::Municipality> towns = {{"Fictionville", "Middlesex", "town", 12000, ""},
                                             {"Lakeshire", "Hampden", "town", 8000, ""}};
  if (auto st = catalog().upsert_municipalities(towns); !st) throw std::runtime_error(st.error().message);
}

int64_t Fixture::town(const std::string& name) {
  auto id = catalog().find_municipality(name);
  if (!id || !*id) throw std::runtime_error("no town " + name);
  return **id;
}

int64_t Fixture::document(const std::string& url, const std::string& town_name,
                          const std::string& title) {
  auto id = catalog().ensure_document(url, town(town_name), "ordinance", title, "crawl");
  if (!id) throw std::runtime_error(id.error().message);
  return *id;
}

int64_t Fixture::version(int64_t document_id, const std::string& bytes,
                         const std::vector<Sec>& sections, const std::string& at, bool do_extract) {
  auto sha = store().blobs().put(bytes);
  if (!sha) throw std::runtime_error(sha.error().message);
  corpus::VersionInput v;
  v.document_id = document_id;
  v.sha256 = *sha;
  v.size = bytes.size();
  v.fetched_at = at;
  v.http_status = 200;
  v.content_type = "application/pdf";
  auto r = catalog().add_version(v);
  if (!r) throw std::runtime_error(r.error().message);
  if (do_extract) extract(r->version_id, sections);
  return r->version_id;
}

void Fixture::extract(int64_t version_id, const std::vector<Sec>& sections) {
  corpus::ExtractionRecord rec;
  rec.version_id = version_id;
  rec.type = "pdf";
  rec.status = "ok";
  rec.tagger_version = "fixture";
  rec.sections = stored(sections);
  if (auto st = catalog().store_extraction(rec); !st) throw std::runtime_error(st.error().message);
}

}  // namespace policyindex::refresh_testing
