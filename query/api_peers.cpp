// Peers: towns with stronger language on a provision, nearest first (same county, then
// TF-IDF cosine similarity of their current text).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "index/index.h"
#include "query/catalog_api.h"

namespace policyindex::query::detail {
namespace {

namespace ix = policyindex::index;

int verdict_strength(std::string_view v) {
  if (v == "green") return 3;
  if (v == "mixed") return 2;
  if (v == "red") return 0;
  return 1;  // absent, no document
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string folded = ix::fold_text(text, true);
  std::string cur;
  for (char c : folded) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur += c;
    } else {
      if (cur.size() >= 3) out.push_back(cur);
      cur.clear();
    }
  }
  if (cur.size() >= 3) out.push_back(cur);
  return out;
}

}  // namespace

Result<Peers> CatalogApi::peers(std::string_view town_name, std::string_view provision) {
  auto town = resolve_town(store_.catalog(), town_name);
  if (!town) return err(town);
  std::optional<std::string> only;
  if (!provision.empty()) {
    auto p = resolve_provision(provision);
    if (!p) return err(p);
    only = *p;
  }
  auto towns = store_.catalog().municipalities();
  if (!towns) return err(towns);
  std::map<int64_t, corpus::Municipality> town_info(towns->begin(), towns->end());
  auto counts = reader().active_document_counts();
  if (!counts) return err(counts);
  auto hits = reader().provision_hits(std::nullopt);
  if (!hits) return err(hits);
  std::map<int64_t, std::vector<corpus::ProvisionHitRow>> by_town;
  for (auto& h : *hits) {
    // Peers borrow in-force language only.
    if (h.municipality_id && h.policy_status == "in_force") by_town[*h.municipality_id].push_back(std::move(h));
  }
  std::map<int64_t, pv::Scorecard> cards;
  for (auto& [id, rows] : by_town) cards[id] = score_hits(rows);
  const bool has_docs = counts->count(town->id) && counts->at(town->id) > 0;
  pv::Scorecard mine = cards.count(town->id) ? cards[town->id] : score_hits({});

  // Which provisions to look at: the one asked for, else every question not green.
  std::vector<const pv::ScoreEntry*> targets;
  for (const auto& e : mine.entries) {
    if (only ? e.provision == *only : (!e.question.empty() && e.verdict != pv::Verdict::kGreen)) {
      targets.push_back(&e);
    }
  }
  auto similarity = town_similarity(town->id, by_town);
  if (!similarity) return err(similarity);

  Peers out;
  out.town = town->name;
  out.county = town->county;
  out.documents = has_docs ? counts->at(town->id) : 0;
  for (const auto* e : targets) {
    const std::string my_verdict = has_docs ? std::string(pv::verdict_name(e->verdict)) : "no document";
    struct Candidate {
      int64_t id;
      bool same_county;
      double sim;
      const pv::ScoreEntry* entry;
    };
    std::vector<Candidate> candidates;
    for (const auto& [id, card] : cards) {
      if (id == town->id) continue;
      const pv::ScoreEntry* pe = card.find(e->provision);
      if (!pe) continue;
      if (pe->verdict != pv::Verdict::kGreen && pe->verdict != pv::Verdict::kMixed) continue;
      if (verdict_strength(pv::verdict_name(pe->verdict)) <= verdict_strength(my_verdict)) continue;
      auto s = similarity->find(id);
      candidates.push_back({id, town_info[id].county == town->county, s == similarity->end() ? 0.0 : s->second, pe});
    }
    std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
      if (a.same_county != b.same_county) return a.same_county;
      if (a.sim != b.sim) return a.sim > b.sim;
      return town_info[a.id].name < town_info[b.id].name;
    });
    PeerProvision p;
    p.provision = e->provision;
    p.question = e->question;
    p.label = label_of(e->provision);
    p.verdict = my_verdict;
    for (const auto& c : candidates) {
      std::vector<pv::Evidence> protective;
      for (const auto& ev : c.entry->evidence) {
        if (ev.stance == pv::Stance::kProtective) protective.push_back(ev);
      }
      Peer peer;
      peer.town = town_info[c.id].name;
      peer.county = town_info[c.id].county;
      peer.same_county = c.same_county;
      peer.similarity = std::round(c.sim * 1000) / 1000;
      peer.verdict = std::string(pv::verdict_name(c.entry->verdict));
      peer.evidence = evidence_items(protective, by_town[c.id]);
      p.peers.push_back(std::move(peer));
    }
    out.provisions.push_back(std::move(p));
  }
  return out;
}

// TF-IDF cosine similarity between the asking town's current text and every other town's
// (towns with provision hits only: the only candidates a peer list can name).
Result<std::map<int64_t, double>> CatalogApi::town_similarity(
    int64_t town_id, const std::map<int64_t, std::vector<corpus::ProvisionHitRow>>& candidates) {
  std::map<int64_t, double> out;
  std::map<int64_t, std::unordered_map<std::string, double>> tf;
  auto st = reader().for_each_current_section([&](int64_t t, std::string_view text) {
    if (t != town_id && !candidates.count(t)) return;
    for (auto& w : words_of(text)) tf[t][w] += 1;
  });
  if (!st) return err(st);
  if (!tf.count(town_id)) return out;  // nothing to compare with: similarity 0
  std::unordered_map<std::string, double> df;
  for (const auto& [t, v] : tf) {
    for (const auto& [w, n] : v) df[w] += 1;
  }
  const double n_towns = static_cast<double>(tf.size());
  auto weigh = [&](const std::unordered_map<std::string, double>& v) {
    std::unordered_map<std::string, double> w;
    double norm = 0;
    for (const auto& [term, n] : v) {
      double x = (1 + std::log(n)) * std::log(1 + n_towns / df[term]);
      w[term] = x;
      norm += x * x;
    }
    norm = std::sqrt(norm);
    if (norm > 0) {
      for (auto& [term, x] : w) x /= norm;
    }
    return w;
  };
  auto mine = weigh(tf[town_id]);
  for (const auto& [t, v] : tf) {
    if (t == town_id) continue;
    auto other = weigh(v);
    double dot = 0;
    for (const auto& [term, x] : mine) {
      auto it = other.find(term);
      if (it != other.end()) dot += x * it->second;
    }
    out[t] = dot;
  }
  return out;
}

}  // namespace policyindex::query::detail
