#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "provisions/provisions.h"

namespace policyindex::provisions {

std::string_view stance_name(Stance s) {
  switch (s) {
    case Stance::kProtective: return "protective";
    case Stance::kPermissive: return "permissive";
    case Stance::kNeutral: return "neutral";
  }
  return "neutral";
}

std::optional<Stance> parse_stance(std::string_view s) {
  if (s == "protective") return Stance::kProtective;
  if (s == "permissive") return Stance::kPermissive;
  if (s == "neutral") return Stance::kNeutral;
  return std::nullopt;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kGreen: return "green";
    case Verdict::kRed: return "red";
    case Verdict::kMixed: return "mixed";
    case Verdict::kAbsent: return "absent";
  }
  return "absent";
}

Verdict verdict_from(bool protective, bool permissive) {
  if (protective && permissive) return Verdict::kMixed;
  if (protective) return Verdict::kGreen;
  if (permissive) return Verdict::kRed;
  return Verdict::kAbsent;
}

const ScoreEntry* Scorecard::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.provision == key) return &e;
    if (!e.question.empty() && e.question.size() == key.size() &&
        std::equal(key.begin(), key.end(), e.question.begin(), [](char a, char b) {
          return std::toupper(static_cast<unsigned char>(a)) == b;
        })) {
      return &e;
    }
  }
  return nullptr;
}

Scorecard score(const Taxonomy& taxonomy, const std::vector<ScoredHit>& hits) {
  Scorecard card;
  std::vector<const ProvisionInfo*> order;
  for (const auto& p : taxonomy.provisions()) {
    if (!p.question.empty()) order.push_back(&p);
  }
  std::stable_sort(order.begin(), order.end(), [](const ProvisionInfo* a, const ProvisionInfo* b) {
    auto num = [](const std::string& q) { return std::atoi(q.c_str() + 1); };
    return num(a->question) < num(b->question);
  });
  for (const auto& p : taxonomy.provisions()) {
    if (p.question.empty()) order.push_back(&p);
  }
  for (const ProvisionInfo* p : order) {
    ScoreEntry e;
    e.provision = p->id;
    e.question = p->question;
    bool protective = false, permissive = false;
    for (int pass = 0; pass < 3; ++pass) {
      Stance want = pass == 0 ? Stance::kProtective : pass == 1 ? Stance::kPermissive : Stance::kNeutral;
      for (const auto& h : hits) {
        if (h.provision != p->id || h.evidence.stance != want) continue;
        e.evidence.push_back(h.evidence);
        protective = protective || want == Stance::kProtective;
        permissive = permissive || want == Stance::kPermissive;
      }
    }
    e.present = !e.evidence.empty();
    e.verdict = verdict_from(protective, permissive);
    card.entries.push_back(std::move(e));
  }
  return card;
}

std::vector<ScoredHit> scored_hits(std::string_view document, const std::vector<TaggedSection>& sections) {
  std::vector<ScoredHit> out;
  for (const auto& s : sections) {
    if (!s.tagged) continue;
    for (const auto& h : s.tagged->hits) {
      ScoredHit sh;
      sh.provision = h.provision;
      sh.evidence.document = std::string(document);
      sh.evidence.section = s.number;
      sh.evidence.heading = s.heading;
      sh.evidence.page = s.page;
      sh.evidence.text = h.evidence;
      sh.evidence.stance = h.stance;
      out.push_back(std::move(sh));
    }
  }
  return out;
}

}  // namespace policyindex::provisions
