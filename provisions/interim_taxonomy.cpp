// INTERIM (branch index only): a minimal Taxonomy and score() so that query/ links and
// can be tested before the provisions branch lands. Deleted when `provisions` is merged;
// the real implementation reads provisions/taxonomy.toml.
#include <algorithm>
#include <cctype>

#include "provisions/provisions.h"

namespace policyindex::provisions {

struct Taxonomy::Impl {
  std::vector<ProvisionInfo> provisions;
  std::string version = "interim-1";
};

Taxonomy::Taxonomy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Taxonomy::~Taxonomy() = default;

Result<std::shared_ptr<const Taxonomy>> Taxonomy::builtin() {
  auto impl = std::make_unique<Impl>();
  const char* rows[][3] = {
      {"status_inquiry", "Q1", "Immigration status inquiries"},
      {"info_sharing", "Q2", "Sharing information with ICE"},
      {"detention_on_detainer", "Q3", "Holding people on ICE detainers"},
      {"detainer_notice", "Q4", "Notice of detainers"},
      {"enforcement_operations", "Q5", "Joining ICE operations"},
      {"local_resources", "Q6", "Local resources for immigration enforcement"},
      {"287g", "Q7", "287(g) agreements"},
      {"facility_access", "", "ICE access to facilities"},
      {"equal_treatment", "", "Equal treatment"},
      {"u_visa", "", "U and T visa certification"},
      {"school_records", "", "School records"},
      {"unlicensed_driving", "", "Unlicensed driving"},
      {"registry_programs", "", "Registry programs"},
      {"complaints", "", "Complaints"},
      {"reporting", "", "Public reporting"},
      {"federal_law_compliance", "", "Federal law compliance"},
  };
  for (auto& r : rows) impl->provisions.push_back({r[0], r[2], r[1], r[2]});
  return std::make_shared<const Taxonomy>(std::move(impl));
}

const std::vector<ProvisionInfo>& Taxonomy::provisions() const { return impl_->provisions; }
const ProvisionInfo* Taxonomy::find(std::string_view id) const {
  for (const auto& p : impl_->provisions) if (p.id == id) return &p;
  return nullptr;
}
const ProvisionInfo* Taxonomy::by_question(std::string_view q) const {
  for (const auto& p : impl_->provisions) {
    if (!p.question.empty() && p.question.size() == q.size() &&
        std::equal(q.begin(), q.end(), p.question.begin(),
                   [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; })) {
      return &p;
    }
  }
  return nullptr;
}
const std::string& Taxonomy::version() const { return impl_->version; }

Scorecard score(const Taxonomy& taxonomy, const std::vector<ScoredHit>& hits) {
  Scorecard card;
  std::vector<const ProvisionInfo*> order;
  for (int q = 1; q <= 7; ++q) {
    if (auto* p = taxonomy.by_question("Q" + std::to_string(q))) order.push_back(p);
  }
  for (const auto& p : taxonomy.provisions()) if (p.question.empty()) order.push_back(&p);
  for (const auto* p : order) {
    ScoreEntry e{p->id, p->question, Verdict::kAbsent, {}};
    bool prot = false, perm = false;
    for (const auto& h : hits) {
      if (h.provision != p->id) continue;
      prot |= h.evidence.stance == Stance::kProtective;
      perm |= h.evidence.stance == Stance::kPermissive;
      e.evidence.push_back(h.evidence);
    }
    e.verdict = verdict_from(prot, perm);
    card.entries.push_back(std::move(e));
  }
  return card;
}

}  // namespace policyindex::provisions
