// Changes found in the catalog: what each document did since the change log last looked
// (change_state), the section diffs of changed ones, and the verdict changes of the towns
// they belong to. Recording them is one transaction.

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "changes/changes.h"
#include "corpus/change_log.h"

namespace policyindex::changes {
namespace {

using nlohmann::json;

using Pending = corpus::PendingDocument;

// Everything a version says, for telling a renamed document by its text.
std::string full_text(const std::vector<corpus::StoredSection>& sections) {
  std::string all;
  for (const auto& s : sections) {
    all += s.number + " " + s.heading + "\n" + s.text + "\n";
  }
  return all;
}

// Minimum text similarity for a document that went away and one that appeared in the same
// town to be reported as one renamed document.
constexpr double kMinRenameSimilarity = 0.8;


using Extraction = corpus::ExtractionStatus;

class Reader {
 public:
  explicit Reader(corpus::Catalog& catalog) : catalog_(catalog) {}

  Result<const std::vector<corpus::StoredSection>*> sections(int64_t version_id) {
    auto it = sections_.find(version_id);
    if (it == sections_.end()) {
      auto s = catalog_.sections_of(version_id);
      if (!s) return tl::make_unexpected(s.error());
      it = sections_.emplace(version_id, std::move(*s)).first;
    }
    return &it->second;
  }

  Result<Extraction> extraction(int64_t version_id) { return corpus::ChangeLog(catalog_).extraction_status(version_id); }

  Result<std::string> fetched_at(std::optional<int64_t> version_id) {
    if (!version_id) return std::string();
    auto v = catalog_.version(*version_id);
    if (!v) return tl::make_unexpected(v.error());
    return *v ? (*v)->fetched_at : std::string();
  }

 private:
  corpus::Catalog& catalog_;
  std::unordered_map<int64_t, std::vector<corpus::StoredSection>> sections_;
};

std::string hit_key(const corpus::StoredHit& h) { return h.provision + ":" + h.stance; }

// The provisions a version's sections carry, "provision:stance", sorted and unique.
std::vector<std::string> provisions_of(const std::vector<corpus::StoredSection>& sections) {
  std::set<std::string> keys;
  for (const auto& s : sections) {
    for (const auto& h : s.hits) keys.insert(hit_key(h));
  }
  return {keys.begin(), keys.end()};
}

void add_hits(const std::vector<corpus::StoredSection>& sections, int64_t document_id,
              std::vector<provisions::ScoredHit>& out) {
  for (const auto& s : sections) {
    for (const auto& h : s.hits) {
      provisions::ScoredHit sh;
      sh.provision = h.provision;
      sh.evidence.document = std::to_string(document_id);
      sh.evidence.section = s.number.empty() ? s.key : s.number;
      sh.evidence.heading = s.heading;
      sh.evidence.page = s.page ? static_cast<int>(*s.page) : 0;
      sh.evidence.text = h.evidence;
      sh.evidence.stance = provisions::parse_stance(h.stance).value_or(provisions::Stance::kNeutral);
      out.push_back(std::move(sh));
    }
  }
}

json evidence_json(const std::vector<provisions::Evidence>& ev) {
  json out = json::array();
  for (const auto& e : ev) {
    out.push_back({{"document_id", e.document},
                   {"section", e.section},
                   {"heading", e.heading},
                   {"page", e.page > 0 ? json(e.page) : json(nullptr)},
                   {"stance", provisions::stance_name(e.stance)},
                   {"text", e.text}});
  }
  return out;
}

json opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

json section_json(const SectionChange& c) {
  json j = {{"kind", c.kind}, {"label", c.label()}};
  if (c.kind != "added") {
    j["old"] = {{"key", c.old_key}, {"number", c.old_number}, {"heading", c.old_heading},
                {"page", opt(c.old_page)}};
  }
  if (c.kind != "removed") {
    j["new"] = {{"key", c.new_key}, {"number", c.new_number}, {"heading", c.new_heading},
                {"page", opt(c.new_page)}};
  }
  if (c.kind == "modified") {
    j["similarity"] = std::round(c.similarity * 1000) / 1000;
    j["words_added"] = c.words_added;
    j["words_removed"] = c.words_removed;
    json runs = json::array();
    for (const auto& r : c.words) {
      json run = {{"op", std::string(1, r.op)}, {"text", r.text}};
      if (r.elided) run["elided"] = r.elided;
      runs.push_back(std::move(run));
    }
    j["diff"] = std::move(runs);
  }
  json hits = json::array();
  for (const auto& h : c.hits) {
    hits.push_back({{"provision", h.provision}, {"stance", h.stance}, {"evidence", h.evidence},
                    {"change", h.added ? "added" : "removed"}});
  }
  j["provisions"] = std::move(hits);
  return j;
}

std::string count_phrase(int n, const char* what) {
  return std::to_string(n) + " " + what;
}

class TaxonomyScoring : public Scoring {
 public:
  explicit TaxonomyScoring(std::shared_ptr<const provisions::Taxonomy> taxonomy)
      : taxonomy_(std::move(taxonomy)) {}
  provisions::Scorecard score(const std::vector<provisions::ScoredHit>& hits) const override {
    return provisions::score(*taxonomy_, hits);
  }
  std::string label(std::string_view provision) const override {
    const auto* info = taxonomy_->find(provision);
    return info && !info->label.empty() ? info->label : std::string(provision);
  }

 private:
  std::shared_ptr<const provisions::Taxonomy> taxonomy_;
};

}  // namespace

std::unique_ptr<Scoring> taxonomy_scoring(std::shared_ptr<const provisions::Taxonomy> taxonomy) {
  return std::make_unique<TaxonomyScoring>(std::move(taxonomy));
}

int ChangeSet::count(std::string_view kind) const {
  return static_cast<int>(std::count_if(documents.begin(), documents.end(),
                                        [&](const DocumentChange& d) { return d.kind == kind; }));
}

std::string VerdictChange::summary() const {
  std::string name = question.empty() ? label : question + " " + label;
  return name + ": " + before + " → " + after;
}

std::string LanguageChange::summary() const {
  if (hit.added) return "new " + hit.stance + " " + hit.provision + " language in " + section;
  return hit.stance + " " + hit.provision + " language removed from " + section;
}

std::string DocumentChange::summary() const {
  const std::string name = title.empty() ? url : title;
  if (kind == "new_document") return "new document: " + name;
  if (kind == "moved") return "moved: " + name + ", from " + moved_from + " to " + location + " (no change in content)";
  if (kind == "gone") return "gone: " + name + " (kept; last version " +
                             (old_version_id ? std::to_string(*old_version_id) : "none") + ")";
  if (kind == "no_content_change") return "new version, no change in content: " + name;
  std::string s = (kind == "returned" ? "back online: " : "changed: ") + name;
  if (!moved_from.empty()) s += " (moved from " + moved_from + ")";
  if (!extraction_error.empty()) return s + " (new version could not be extracted: " + extraction_error + ")";
  std::vector<std::string> parts;
  if (int n = diff.count("modified")) parts.push_back(count_phrase(n, "modified"));
  if (int n = diff.count("added")) parts.push_back(count_phrase(n, "added"));
  if (int n = diff.count("removed")) parts.push_back(count_phrase(n, "removed"));
  if (int n = diff.count("renumbered")) parts.push_back(count_phrase(n, "renumbered"));
  if (parts.empty()) return s;
  s += " (sections: ";
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
  return s + ")";
}

std::string detail_json(const DocumentChange& c) {
  json j = {{"kind", c.kind},
            {"url", c.url},
            {"title", c.title},
            {"doc_type", c.doc_type},
            {"town", c.town},
            {"old_version_id", opt(c.old_version_id)},
            {"new_version_id", c.kind == "gone" ? json(nullptr) : opt(c.new_version_id)},
            {"old_fetched_at", c.old_fetched_at},
            {"fetched_at", c.fetched_at}};
  if (c.kind == "new_document") j["provisions"] = c.provisions;
  if (!c.extraction_error.empty()) j["extraction_error"] = c.extraction_error;
  if (!c.location.empty()) j["location"] = c.location;
  if (!c.moved_from.empty()) {
    j["moved_from"] = c.moved_from;
    j["moved_from_document_id"] = opt(c.moved_from_document_id);
  }
  if (c.kind == "changed" || c.kind == "returned" || c.kind == "no_content_change" || c.kind == "moved") {
    j["returned"] = c.kind == "returned";
    j["same_text"] = c.diff.same_text;
    j["sections_before"] = c.diff.sections_before;
    j["sections_after"] = c.diff.sections_after;
    j["unchanged"] = c.diff.unchanged;
    json sections = json::array();
    for (const auto& s : c.diff.changes) sections.push_back(section_json(s));
    j["sections"] = std::move(sections);
  }
  return j.dump();
}

Result<ChangeSet> compute_changes(corpus::Catalog& catalog, const Scoring& scoring,
                                  const DiffOptions& options) {
  auto pending_rows = corpus::ChangeLog(catalog).pending_documents();
  if (!pending_rows) return tl::make_unexpected(pending_rows.error());
  const std::vector<Pending>& rows = *pending_rows;

  Reader reader(catalog);
  ChangeSet set;
  for (const auto& p : rows) {
    if (!p.current_version_id) continue;  // never fetched: nothing to report yet
    DocumentChange c;
    c.document_id = p.document_id;
    c.municipality_id = p.municipality_id;
    c.town = p.town;
    c.url = p.url;
    c.title = p.title;
    c.doc_type = p.doc_type;
    c.old_version_id = p.reported_version_id;
    c.new_version_id = p.current_version_id;
    auto fa = reader.fetched_at(p.current_version_id);
    if (!fa) return tl::make_unexpected(fa.error());
    c.fetched_at = *fa;
    auto ofa = reader.fetched_at(p.reported_version_id);
    if (!ofa) return tl::make_unexpected(ofa.error());
    c.old_fetched_at = *ofa;
    c.status = p.status;
    c.location = p.location.value_or("");
    // Navigation pages (the crawler's way to the documents) keep no sections unless they
    // carry policy language themselves; their comings and goings are not news.
    auto navigation = [&](std::optional<int64_t> version) -> Result<bool> {
      if (p.doc_type != "webpage") return false;
      if (!version) return true;
      auto sections = reader.sections(*version);
      if (!sections) return tl::make_unexpected(sections.error());
      return (*sections)->empty();
    };

    const bool gone_now = p.status == "gone";
    const bool was_gone = p.reported && p.reported_status == "gone";
    if (gone_now) {
      auto nav = navigation(p.reported_version_id);
      if (!nav) return tl::make_unexpected(nav.error());
      if (!p.reported || was_gone || *nav) {
        // Never reported as present, already reported gone, or a navigation page: only the
        // state moves.
        c.kind = "state_only";
      } else {
        c.kind = "gone";  // new_version_id stays the current one, for change_state
      }
      set.documents.push_back(std::move(c));
      continue;
    }
    // Present: its current version must be extracted before anything can be said.
    auto ext = reader.extraction(*p.current_version_id);
    if (!ext) return tl::make_unexpected(ext.error());
    if (!ext->exists) {
      set.pending.push_back(p.document_id);
      continue;
    }
    if (ext->status != "ok") c.extraction_error = ext->error.empty() ? ext->status : ext->error;
    auto after = reader.sections(*p.current_version_id);
    if (!after) return tl::make_unexpected(after.error());
    if (!p.reported) {
      c.kind = (*after)->empty() && p.doc_type == "webpage" ? "state_only" : "new_document";
      c.old_version_id.reset();
      c.old_fetched_at.clear();
      c.provisions = provisions_of(**after);
      set.documents.push_back(std::move(c));
      continue;
    }
    // Its URL now redirects somewhere else (or back): the document moved.
    const bool moved = p.reported_location && p.location && *p.location != *p.reported_location;
    if (moved) c.moved_from = *p.reported_location;
    c.kind = was_gone ? "returned" : "changed";
    if (p.reported_version_id && *p.reported_version_id != *p.current_version_id && c.extraction_error.empty()) {
      auto before = reader.sections(*p.reported_version_id);
      if (!before) return tl::make_unexpected(before.error());
      c.diff = diff_sections(**before, **after, options);
      if (c.diff.same_text && !was_gone) c.kind = moved ? "moved" : "no_content_change";
    } else if (p.reported_version_id && *p.reported_version_id == *p.current_version_id) {
      c.diff.same_text = true;  // back online with the bytes it had, or only its place changed
      if (!was_gone) c.kind = moved ? "moved" : "state_only";
    }
    if (c.kind == "no_content_change" || c.kind == "changed") {
      auto nav = navigation(p.reported_version_id);
      if (!nav) return tl::make_unexpected(nav.error());
      if (*nav && (*after)->empty()) c.kind = "state_only";
    }
    set.documents.push_back(std::move(c));
  }

  // Renamed documents: one went away and another appeared in the same town with the same or
  // nearly the same text (a town renames a PDF and updates its links). Reported once, as a
  // move, with the diff against the old document's last version.
  {
    struct Candidate {
      double similarity;
      size_t gone, added;
    };
    std::vector<Candidate> pairs;
    std::unordered_map<size_t, std::string> texts;
    auto text_of = [&](size_t i, std::optional<int64_t> version) -> Result<const std::string*> {
      auto it = texts.find(i);
      if (it == texts.end()) {
        auto sections = reader.sections(*version);
        if (!sections) return tl::make_unexpected(sections.error());
        it = texts.emplace(i, full_text(**sections)).first;
      }
      return &it->second;
    };
    for (size_t g = 0; g < set.documents.size(); ++g) {
      const auto& gone = set.documents[g];
      if (gone.kind != "gone" || !gone.old_version_id) continue;
      for (size_t n = 0; n < set.documents.size(); ++n) {
        const auto& added = set.documents[n];
        if (added.kind != "new_document" || added.municipality_id != gone.municipality_id ||
            !added.extraction_error.empty() || !added.new_version_id) {
          continue;
        }
        auto a = text_of(g, gone.old_version_id);
        if (!a) return tl::make_unexpected(a.error());
        auto b = text_of(n, added.new_version_id);
        if (!b) return tl::make_unexpected(b.error());
        if ((*a)->empty() || (*b)->empty()) continue;
        double sim = text_similarity(**a, **b);
        if (sim >= kMinRenameSimilarity) pairs.push_back({sim, g, n});
      }
    }
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const Candidate& x, const Candidate& y) { return x.similarity > y.similarity; });
    std::set<size_t> used;
    for (const auto& pair : pairs) {
      if (used.count(pair.gone) || used.count(pair.added)) continue;
      used.insert(pair.gone);
      used.insert(pair.added);
      auto& gone = set.documents[pair.gone];
      auto& added = set.documents[pair.added];
      auto before = reader.sections(*gone.old_version_id);
      if (!before) return tl::make_unexpected(before.error());
      auto after = reader.sections(*added.new_version_id);
      if (!after) return tl::make_unexpected(after.error());
      added.diff = diff_sections(**before, **after, options);
      added.kind = added.diff.same_text ? "moved" : "changed";
      added.moved_from = gone.url;
      added.moved_from_document_id = gone.document_id;
      added.old_version_id = gone.old_version_id;
      added.old_fetched_at = gone.old_fetched_at;
      added.provisions.clear();
      gone.kind = "state_only";  // recorded as gone without a report of its own
    }
  }

  // Verdict changes, per town touched by a reported document change.
  std::map<int64_t, TownChanges> towns;
  std::set<int64_t> touched;
  std::set<int64_t> pending(set.pending.begin(), set.pending.end());
  for (const auto& c : set.documents) {
    if (c.municipality_id && c.kind != "state_only" && c.kind != "no_content_change" &&
        c.kind != "moved") {
      touched.insert(*c.municipality_id);
    }
  }
  for (int64_t town_id : touched) {
    auto docs = corpus::ChangeLog(catalog).town_documents(town_id);
    if (!docs) return tl::make_unexpected(docs.error());
    std::vector<provisions::ScoredHit> hits_before, hits_after;
    TownChanges tc;
    tc.municipality_id = town_id;
    for (const auto& d : *docs) {
      const int64_t doc = d.document_id;
      const std::string& status = d.status;
      const auto current = d.current_version_id;
      const bool reported = d.reported;
      const auto reported_version = d.reported_version_id;
      const std::string& reported_status = d.reported_status;
      tc.town = d.town;
      tc.county = d.county;
      // Before: what the change log last reported. After: what this change set reports;
      // a pending document (not extracted yet) still counts as it was.
      std::optional<int64_t> v_before, v_after;
      if (reported && reported_status == "active") v_before = reported_version;
      if (pending.count(doc)) {
        v_after = v_before;
      } else if (status == "active") {
        v_after = current;
      }
      for (auto [v, out] : {std::pair{v_before, &hits_before}, std::pair{v_after, &hits_after}}) {
        if (!v) continue;
        auto sections = reader.sections(*v);
        if (!sections) return tl::make_unexpected(sections.error());
        add_hits(**sections, doc, *out);
      }
    }
    auto card_before = scoring.score(hits_before);
    auto card_after = scoring.score(hits_after);
    for (const auto& entry : card_after.entries) {
      const auto* old_entry = card_before.find(entry.provision);
      auto old_verdict = old_entry ? old_entry->verdict : provisions::Verdict::kAbsent;
      if (old_verdict == entry.verdict) continue;
      VerdictChange vc;
      vc.question = entry.question;
      vc.provision = entry.provision;
      vc.label = scoring.label(entry.provision);
      vc.before = provisions::verdict_name(old_verdict);
      vc.after = provisions::verdict_name(entry.verdict);
      if (old_entry) vc.evidence_before = old_entry->evidence;
      vc.evidence_after = entry.evidence;
      tc.verdicts.push_back(std::move(vc));
    }
    // A provision the scorer no longer lists at all went absent.
    for (const auto& entry : card_before.entries) {
      if (entry.verdict == provisions::Verdict::kAbsent || card_after.find(entry.provision)) continue;
      VerdictChange vc;
      vc.question = entry.question;
      vc.provision = entry.provision;
      vc.label = scoring.label(entry.provision);
      vc.before = provisions::verdict_name(entry.verdict);
      vc.after = provisions::verdict_name(provisions::Verdict::kAbsent);
      vc.evidence_before = entry.evidence;
      tc.verdicts.push_back(std::move(vc));
    }
    towns.emplace(town_id, std::move(tc));
  }
  // Language changes of changed documents (new documents are summed up by their verdicts).
  for (const auto& c : set.documents) {
    if (!c.municipality_id || (c.kind != "changed" && c.kind != "returned")) continue;
    for (const auto& s : c.diff.changes) {
      for (const auto& h : s.hits) {
        auto& tc = towns[*c.municipality_id];
        tc.municipality_id = *c.municipality_id;
        if (tc.town.empty()) tc.town = c.town;
        tc.language.push_back({c.document_id, s.label(), h});
      }
    }
  }
  for (auto& [id, tc] : towns) {
    if (!tc.verdicts.empty() || !tc.language.empty()) set.towns.push_back(std::move(tc));
  }
  return set;
}

Status record_changes(corpus::Catalog& catalog, const ChangeSet& set,
                      std::optional<int64_t> run_id) {
  if (auto st = catalog.begin(); !st) return st;
  auto fail = [&catalog](const Error& e) -> Status {
    catalog.rollback();
    return tl::make_unexpected(e);
  };
  const std::string now = corpus::now_iso8601();
  std::vector<corpus::ChangeStateRow> states;
  // The document whose change caused a town's verdict changes, when there is exactly one.
  std::map<int64_t, std::set<int64_t>> town_docs;
  for (const auto& c : set.documents) {
    if (c.kind != "state_only") {
      corpus::ChangeRecord r;
      r.run_id = run_id;
      r.municipality_id = c.municipality_id;
      r.document_id = c.document_id;
      r.old_version_id = c.old_version_id;
      r.new_version_id = c.kind == "gone" ? std::nullopt : c.new_version_id;
      r.kind = c.kind == "returned" ? "changed" : c.kind;
      r.summary = c.summary();
      r.detail = detail_json(c);
      r.detected_at = now;
      if (auto id = catalog.add_change(r); !id) return fail(id.error());
      if (c.municipality_id && c.kind != "no_content_change" && c.kind != "moved") {
        town_docs[*c.municipality_id].insert(c.document_id);
      }
    }
    // A gone document keeps its last version in the state, so that a return diffs against it.
    const bool gone = c.kind == "gone" || (c.kind == "state_only" && c.status == "gone");
    std::optional<std::string> location;
    if (!c.location.empty()) location = c.location;
    states.push_back({c.document_id, c.new_version_id, gone ? "gone" : "active", now, location});
  }
  for (const auto& tc : set.towns) {
    std::optional<int64_t> doc;
    if (auto it = town_docs.find(tc.municipality_id); it != town_docs.end() && it->second.size() == 1) {
      doc = *it->second.begin();
    }
    for (const auto& v : tc.verdicts) {
      corpus::ChangeRecord r;
      r.run_id = run_id;
      r.municipality_id = tc.municipality_id;
      r.document_id = doc;
      r.kind = "provision_change";
      r.summary = v.summary();
      r.detail = json{{"type", "verdict"},
                      {"town", tc.town},
                      {"question", v.question},
                      {"provision", v.provision},
                      {"label", v.label},
                      {"before", v.before},
                      {"after", v.after},
                      {"evidence_before", evidence_json(v.evidence_before)},
                      {"evidence_after", evidence_json(v.evidence_after)}}
                     .dump();
      r.detected_at = now;
      if (auto id = catalog.add_change(r); !id) return fail(id.error());
    }
    for (const auto& l : tc.language) {
      corpus::ChangeRecord r;
      r.run_id = run_id;
      r.municipality_id = tc.municipality_id;
      r.document_id = l.document_id;
      r.kind = "provision_change";
      r.summary = l.summary();
      r.detail = json{{"type", "language"},
                      {"town", tc.town},
                      {"provision", l.hit.provision},
                      {"stance", l.hit.stance},
                      {"evidence", l.hit.evidence},
                      {"section", l.section},
                      {"change", l.hit.added ? "added" : "removed"}}
                     .dump();
      r.detected_at = now;
      if (auto id = catalog.add_change(r); !id) return fail(id.error());
    }
  }
  if (auto st = corpus::ChangeLog(catalog).save_states(states); !st) return fail(st.error());
  if (auto st = catalog.commit(); !st) return fail(st.error());
  return {};
}

Result<int64_t> ensure_change_baseline(corpus::Catalog& catalog) {
  if (auto st = catalog.begin(); !st) return tl::make_unexpected(st.error());
  auto fail = [&catalog](const Error& e) -> Result<int64_t> {
    catalog.rollback();
    return tl::make_unexpected(e);
  };
  corpus::ChangeLog log(catalog);
  auto has = log.has_baseline();
  if (!has) return fail(has.error());
  if (*has) {
    catalog.rollback();
    return int64_t{0};
  }
  auto marked = log.mark_baseline(corpus::now_iso8601());
  if (!marked) return fail(marked.error());
  if (auto st = catalog.commit(); !st) return fail(st.error());
  return *marked;
}

}  // namespace policyindex::changes
