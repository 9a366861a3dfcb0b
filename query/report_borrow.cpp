// What to borrow: in-force, operative, protective sentences from other towns' documents, for
// every question the analyzed file does not answer protectively.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "corpus/models.h"
#include "corpus/towns.h"
#include "query/report.h"

namespace policyindex::query {
namespace {

namespace pv = policyindex::provisions;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool has_word(std::string_view lowered, std::string_view word) {
  for (size_t pos = lowered.find(word); pos != std::string_view::npos; pos = lowered.find(word, pos + 1)) {
    const bool left = pos == 0 || !std::isalpha(static_cast<unsigned char>(lowered[pos - 1]));
    const size_t end = pos + word.size();
    const bool right = end >= lowered.size() || !std::isalpha(static_cast<unsigned char>(lowered[end]));
    if (left && right) return true;
  }
  return false;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (cur.size() >= 3) out.push_back(cur);
      cur.clear();
    }
  }
  if (cur.size() >= 3) out.push_back(cur);
  return out;
}

using Vector = std::unordered_map<std::string, double>;

// TF-IDF cosine of TEXT with each town's text.
std::map<int64_t, double> similarities(std::string_view text, const std::map<int64_t, Vector>& towns) {
  std::map<int64_t, double> out;
  Vector mine;
  for (auto& w : words_of(text)) mine[w] += 1;
  if (mine.empty()) return out;
  Vector df;
  for (const auto& [t, v] : towns)
    for (const auto& [w, n] : v) df[w] += 1;
  for (const auto& [w, n] : mine) df[w] += 1;
  const double n_docs = static_cast<double>(towns.size() + 1);
  auto weigh = [&](const Vector& v) {
    Vector w;
    double norm = 0;
    for (const auto& [term, n] : v) {
      const double x = (1 + std::log(n)) * std::log(1 + n_docs / df[term]);
      w[term] = x;
      norm += x * x;
    }
    norm = std::sqrt(norm);
    if (norm > 0)
      for (auto& [term, x] : w) x /= norm;
    return w;
  };
  const Vector a = weigh(mine);
  for (const auto& [t, v] : towns) {
    const Vector b = weigh(v);
    double dot = 0;
    for (const auto& [term, x] : a)
      if (auto it = b.find(term); it != b.end()) dot += x * it->second;
    out[t] = dot;
  }
  return out;
}

}  // namespace

bool counts_as_in_force(std::string_view doc_type, std::string_view status, std::string_view genre,
                        std::string_view doc_status) {
  if (status != "active") return false;
  // The document's status (provisions/status.h) decides when it has one; before statuses,
  // the document type and genre stand in.
  if (!doc_status.empty()) return doc_status == "in_force";
  for (std::string_view t : {"draft", "minutes", "webpage"})
    if (doc_type == t) return false;
  for (std::string_view g : {"news", "guidance", "minutes", "warrant_article"})
    if (genre == g) return false;
  return true;
}

bool is_recital(const pv::Tagger& tagger, std::string_view provision, std::string_view heading,
                std::string_view sentence) {
  const std::string h = lower(heading);
  for (std::string_view w : {"purpose", "finding", "intent", "preamble", "whereas", "recital", "definition", "background"})
    if (h.find(w) != std::string::npos) return true;
  std::string s = lower(sentence);
  s.erase(0, s.find_first_not_of(" \t\n\"'(-*"));
  for (std::string_view w : {"whereas", "the purpose", "purpose", "the intent", "it is the purpose", "it is the intent",
                             "it is the policy", "findings", "the town finds", "the city finds", "in order to",
                             "be it resolved", "now, therefore"})
    if (s.rfind(w, 0) == 0) return true;
  if (s.find("the purpose of this") != std::string::npos || s.find("is intended to") != std::string::npos) return true;
  // The clause analyser's own judgement of the sentence on its own.
  const pv::Tagged t = tagger.tag(pv::SectionInput{heading, {}, sentence});
  const auto of = [&](const std::vector<pv::Hit>& hits) {
    return std::any_of(hits.begin(), hits.end(), [&](const pv::Hit& x) { return x.provision == provision; });
  };
  return !of(t.hits) && of(t.context);
}

struct Borrower::Impl {
  corpus::Catalog catalog;
  std::shared_ptr<const pv::Taxonomy> taxonomy;
  pv::Tagger tagger;
};

Borrower::Borrower(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Borrower::Borrower(Borrower&&) noexcept = default;
Borrower& Borrower::operator=(Borrower&&) noexcept = default;
Borrower::~Borrower() = default;

Result<Borrower> Borrower::open(const std::filesystem::path& data_dir, std::shared_ptr<const pv::Taxonomy> taxonomy) {
  const auto path = data_dir / "catalog.sqlite";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return make_error(ErrorCode::kNotFound, "no corpus in " + data_dir.string() + " (no catalog.sqlite there)");
  auto catalog = corpus::Catalog::open(path);
  if (!catalog) return tl::make_unexpected(catalog.error());
  pv::Tagger tagger(taxonomy);
  return Borrower(std::unique_ptr<Impl>(new Impl{std::move(*catalog), std::move(taxonomy), std::move(tagger)}));
}

Status Borrower::fill(Report& report, std::string_view town, std::string_view text, size_t per_question) {
  corpus::ReportReader reader(impl_->catalog);
  std::optional<corpus::TownRef> me;
  if (!town.empty()) {
    auto t = corpus::resolve_town(impl_->catalog, town);
    if (!t) return tl::make_unexpected(t.error());
    me = *t;
  }
  std::optional<std::map<int64_t, double>> sim;
  auto similarity = [&]() -> Result<const std::map<int64_t, double>*> {
    if (!sim) {
      std::map<int64_t, Vector> towns;
      auto st = reader.for_each_town_text([&](int64_t id, std::string_view, std::string_view t) {
        for (auto& w : words_of(t)) towns[id][w] += 1;
      });
      if (!st) return tl::make_unexpected(st.error());
      sim = similarities(text, towns);
    }
    return &*sim;
  };
  for (ReportQuestion& q : report.items) {
    if (q.key.empty() || q.key[0] != 'Q' || q.verdict == "green") continue;
    auto rows = reader.borrow_rows(q.provision, "protective");
    if (!rows) return tl::make_unexpected(rows.error());
    auto against = reader.borrow_rows(q.provision, "permissive");
    if (!against) return tl::make_unexpected(against.error());
    std::set<int64_t> permissive_towns;
    for (const auto& r : *against)
      if (counts_as_in_force(r.doc_type, r.status, r.genre, r.doc_status)) permissive_towns.insert(r.municipality_id);
    auto sims = similarity();
    if (!sims) return tl::make_unexpected(sims.error());
    std::set<std::string> seen;
    struct Ranked {
      BorrowItem item;
      int64_t town_id;
    };
    std::vector<Ranked> ranked;
    for (const auto& r : *rows) {
      if (me && r.municipality_id == me->id) continue;
      if (!counts_as_in_force(r.doc_type, r.status, r.genre, r.doc_status)) continue;
      if (is_recital(impl_->tagger, q.provision, r.heading, r.evidence)) continue;
      if (!seen.insert(r.town + "\n" + r.evidence).second) continue;
      BorrowItem b;
      b.town = r.town;
      b.county = r.county;
      const bool same = me && !me->county.empty() && r.county == me->county;
      b.nearness = same ? "same county" : "statewide";
      auto s = (*sims)->find(r.municipality_id);
      b.similarity = s == (*sims)->end() ? 0.0 : std::round(s->second * 1000) / 1000;
      b.town_verdict = permissive_towns.count(r.municipality_id) ? "mixed" : "green";
      b.document = r.title.empty() ? r.url : r.title;
      b.doc_type = doc_type_label(r.doc_type);
      b.document_id = std::to_string(r.document_id);
      b.url = r.url;
      b.section = section_label(r.number, r.heading, r.page ? std::optional<int>(static_cast<int>(*r.page)) : std::nullopt);
      if (r.page) b.page = static_cast<int>(*r.page);
      b.text = r.evidence;
      b.shall = has_word(lower(r.evidence), "shall");
      ranked.push_back({std::move(b), r.municipality_id});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
      if (a.item.town_verdict != b.item.town_verdict) return a.item.town_verdict == "green";
      if (a.item.nearness != b.item.nearness) return a.item.nearness == "same county";
      if (a.item.similarity != b.item.similarity) return a.item.similarity > b.item.similarity;
      if (a.item.town != b.item.town) return a.item.town < b.item.town;
      return a.item.shall && !b.item.shall;
    });
    std::map<int64_t, size_t> per_town;
    for (auto& r : ranked) {
      if (q.borrow.size() >= per_question) break;
      if (per_town[r.town_id]++ >= 2) continue;
      q.borrow.push_back(std::move(r.item));
    }
  }
  report.borrow_note.clear();
  return {};
}

}  // namespace policyindex::query
