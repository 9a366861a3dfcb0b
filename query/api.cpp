// The Api over a data directory: search through the index, everything else from the
// catalog (the source of truth) scored with provisions::score.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "index/index.h"
#include "provisions/provisions.h"
#include "query/internal.h"

namespace policyindex::query {
namespace {

using detail::Json;
namespace pv = policyindex::provisions;
namespace ix = policyindex::index;

template <class T>
tl::unexpected<Error> err(const Result<T>& r) {
  return tl::make_unexpected(r.error());
}

// One provision hit of a current section of an active document, with where it was found.
struct HitRow {
  int64_t document_id = 0;
  std::optional<int64_t> town_id;
  std::string provision, stance, evidence;
  std::string section, heading;
  std::optional<int64_t> page;
};

struct DocInfo {
  int64_t id = 0;
  std::optional<int64_t> town_id;
  std::string title, url, doc_type, status;
  std::optional<int64_t> current_version_id;
};

int verdict_strength(std::string_view v) {
  if (v == "green") return 3;
  if (v == "mixed") return 2;
  if (v == "red") return 0;
  return 1;  // absent, no document
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }
Json opt_text(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

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

class ApiImpl : public Api {
 public:
  ApiImpl(corpus::Store store, std::shared_ptr<const pv::Taxonomy> taxonomy,
          std::vector<std::string> index_paths)
      : store_(std::move(store)), taxonomy_(std::move(taxonomy)), index_paths_(std::move(index_paths)) {}

  Result<std::string> search(const SearchRequest& request) override {
    if (!searcher_) {
      auto s = detail::Searcher::open(index_paths_);
      if (!s) return err(s);
      searcher_ = std::move(*s);
    }
    detail::Resolvers r;
    r.town = [this](std::string_view name) -> Result<std::string> {
      auto t = resolve_town(store_.catalog(), name);
      if (!t) return err(t);
      return ix::town_term(t->name);
    };
    r.county = [this](std::string_view name) -> Result<std::string> { return resolve_county(name); };
    r.provision = [this](std::string_view p) -> Result<std::string> {
      auto id = resolve_provision(p);
      if (!id) return err(id);
      return ix::facet_term(*id);
    };
    return searcher_->search(request, r);
  }

  Result<std::string> scorecard(std::string_view town_name) override {
    auto town = resolve_town(store_.catalog(), town_name);
    if (!town) return err(town);
    auto docs = documents_of(town->id, true);
    if (!docs) return err(docs);
    auto hits = hit_rows(town->id);
    if (!hits) return err(hits);
    Json out;
    out["town"] = town->name;
    out["county"] = town->county;
    Json documents = Json::array();
    for (const auto& d : *docs) documents.push_back(document_summary(d));
    out["documents"] = documents;
    std::map<int64_t, const DocInfo*> by_id;
    for (const auto& d : *docs) by_id[d.id] = &d;
    auto card = score_hits(*hits);
    for (const auto& e : card.entries) {
      out[entry_key(e)] = entry_json(e, by_id);
    }
    return out.dump();
  }

  Result<std::string> matrix() override {
    auto towns = store_.catalog().municipalities();
    if (!towns) return err(towns);
    auto counts = document_counts();
    if (!counts) return err(counts);
    auto hits = hit_rows(std::nullopt);
    if (!hits) return err(hits);
    std::map<int64_t, std::vector<HitRow>> by_town;
    for (auto& h : *hits) {
      if (h.town_id) by_town[*h.town_id].push_back(std::move(h));
    }
    auto empty = score_hits({});
    Json out;
    Json columns = Json::array();
    Json labels = Json::object();
    Json titles = Json::object();
    for (const auto& e : empty.entries) {
      columns.push_back(entry_key(e));
      labels[entry_key(e)] = e.provision;
      titles[entry_key(e)] = label_of(e.provision);
    }
    out["columns"] = columns;
    out["labels"] = labels;
    out["titles"] = titles;
    Json rows = Json::array();
    auto sorted = *towns;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second.name < b.second.name; });
    for (const auto& [id, m] : sorted) {
      Json row;
      row["town"] = m.name;
      row["county"] = m.county;
      auto c = counts->find(id);
      int64_t n = c == counts->end() ? 0 : c->second;
      row["documents"] = n;
      Json cells = Json::object();
      if (n == 0) {
        for (const auto& e : empty.entries) cells[entry_key(e)] = "no document";
      } else {
        auto card = score_hits(by_town[id]);
        for (const auto& e : card.entries) cells[entry_key(e)] = std::string(pv::verdict_name(e.verdict));
      }
      row["cells"] = cells;
      rows.push_back(row);
    }
    out["rows"] = rows;
    return out.dump();
  }

  Result<std::string> compare(const std::vector<std::string>& town_names,
                              std::string_view provision) override {
    if (town_names.empty()) return make_error(ErrorCode::kInvalidArgument, "compare: name at least one town");
    std::optional<std::string> only;
    if (!provision.empty()) {
      auto p = resolve_provision(provision);
      if (!p) return err(p);
      only = *p;
    }
    struct Col {
      TownRef town;
      int64_t documents;
      pv::Scorecard card;
      std::map<int64_t, DocInfo> docs;
    };
    std::vector<Col> cols;
    for (const auto& name : town_names) {
      auto t = resolve_town(store_.catalog(), name);
      if (!t) return err(t);
      auto docs = documents_of(t->id, true);
      if (!docs) return err(docs);
      auto hits = hit_rows(t->id);
      if (!hits) return err(hits);
      Col c{*t, static_cast<int64_t>(active_count(*docs)), score_hits(*hits), {}};
      for (auto& d : *docs) c.docs[d.id] = d;
      cols.push_back(std::move(c));
    }
    Json out;
    Json towns = Json::array();
    for (const auto& c : cols) {
      towns.push_back({{"town", c.town.name}, {"county", c.town.county}, {"documents", c.documents}});
    }
    out["towns"] = towns;
    Json rows = Json::array();
    for (size_t i = 0; i < cols.front().card.entries.size(); ++i) {
      const auto& e0 = cols.front().card.entries[i];
      if (only && e0.provision != *only) continue;
      Json row;
      row["provision"] = e0.provision;
      row["question"] = e0.question;
      row["label"] = label_of(e0.provision);
      Json cells = Json::array();
      for (const auto& c : cols) {
        const pv::ScoreEntry* e = c.card.find(e0.provision);
        std::map<int64_t, const DocInfo*> by_id;
        for (const auto& [id, d] : c.docs) by_id[id] = &d;
        Json cell;
        cell["town"] = c.town.name;
        cell["verdict"] = c.documents == 0 ? "no document"
                                           : std::string(pv::verdict_name(e ? e->verdict : pv::Verdict::kAbsent));
        cell["evidence"] = e ? evidence_json(e->evidence, by_id) : Json::array();
        cells.push_back(cell);
      }
      row["cells"] = cells;
      rows.push_back(row);
    }
    out["rows"] = rows;
    return out.dump();
  }

  Result<std::string> peers(std::string_view town_name, std::string_view provision) override {
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
    auto counts = document_counts();
    if (!counts) return err(counts);
    auto hits = hit_rows(std::nullopt);
    if (!hits) return err(hits);
    std::map<int64_t, std::vector<HitRow>> by_town;
    for (auto& h : *hits) {
      if (h.town_id) by_town[*h.town_id].push_back(std::move(h));
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
    auto docs = all_documents();
    if (!docs) return err(docs);
    std::map<int64_t, const DocInfo*> by_id;
    for (const auto& d : *docs) by_id[d.id] = &d;

    Json out;
    out["town"] = town->name;
    out["county"] = town->county;
    out["documents"] = has_docs ? counts->at(town->id) : 0;
    Json provs = Json::array();
    for (const auto* e : targets) {
      const std::string my_verdict = has_docs ? std::string(pv::verdict_name(e->verdict)) : "no document";
      struct Peer {
        int64_t id;
        bool same_county;
        double sim;
        const pv::ScoreEntry* entry;
      };
      std::vector<Peer> peers;
      for (const auto& [id, card] : cards) {
        if (id == town->id) continue;
        const pv::ScoreEntry* pe = card.find(e->provision);
        if (!pe) continue;
        if (pe->verdict != pv::Verdict::kGreen && pe->verdict != pv::Verdict::kMixed) continue;
        if (verdict_strength(pv::verdict_name(pe->verdict)) <= verdict_strength(my_verdict)) continue;
        auto s = similarity->find(id);
        peers.push_back({id, town_info[id].county == town->county, s == similarity->end() ? 0.0 : s->second, pe});
      }
      std::sort(peers.begin(), peers.end(), [&](const Peer& a, const Peer& b) {
        if (a.same_county != b.same_county) return a.same_county;
        if (a.sim != b.sim) return a.sim > b.sim;
        return town_info[a.id].name < town_info[b.id].name;
      });
      Json p;
      p["provision"] = e->provision;
      p["question"] = e->question;
      p["label"] = label_of(e->provision);
      p["verdict"] = my_verdict;
      Json list = Json::array();
      for (const auto& peer : peers) {
        std::vector<pv::Evidence> protective;
        for (const auto& ev : peer.entry->evidence) {
          if (ev.stance == pv::Stance::kProtective) protective.push_back(ev);
        }
        Json j;
        j["town"] = town_info[peer.id].name;
        j["county"] = town_info[peer.id].county;
        j["same_county"] = peer.same_county;
        j["similarity"] = std::round(peer.sim * 1000) / 1000;
        j["verdict"] = std::string(pv::verdict_name(peer.entry->verdict));
        j["evidence"] = evidence_json(protective, by_id);
        list.push_back(j);
      }
      p["peers"] = list;
      provs.push_back(p);
    }
    out["provisions"] = provs;
    return out.dump();
  }

  Result<std::string> history(std::string_view town_or_document) override {
    Json out;
    std::vector<DocInfo> docs;
    std::optional<int64_t> town_id;
    if (all_digits(town_or_document)) {
      auto d = store_.catalog().document(std::stoll(std::string(town_or_document)));
      if (!d) return err(d);
      if (!*d) return make_error(ErrorCode::kNotFound, "no document " + std::string(town_or_document));
      docs.push_back(to_info(**d));
      auto name = town_name((*d)->municipality_id);
      out["town"] = name;
    } else {
      auto t = resolve_town(store_.catalog(), town_or_document);
      if (!t) return err(t);
      town_id = t->id;
      out["town"] = t->name;
      out["county"] = t->county;
      auto d = documents_of(t->id, false);
      if (!d) return err(d);
      docs = std::move(*d);
    }
    Json documents = Json::array();
    for (const auto& d : docs) {
      Json j = document_summary(d);
      auto versions = versions_json(d.id, true);
      if (!versions) return err(versions);
      j["versions"] = *versions;
      documents.push_back(j);
    }
    out["documents"] = documents;
    std::string where = town_id ? "c.municipality_id=?1" : "c.document_id=?1";
    auto changes = changes_json(where, town_id ? *town_id : docs.front().id, "", 1000);
    if (!changes) return err(changes);
    out["changes"] = *changes;
    return out.dump();
  }

  Result<std::string> document(int64_t id) override {
    auto d = store_.catalog().document(id);
    if (!d) return err(d);
    if (!*d) return make_error(ErrorCode::kNotFound, "no document " + std::to_string(id));
    DocInfo info = to_info(**d);
    Json out;
    out["id"] = std::to_string(id);
    out["town"] = town_name(info.town_id);
    out["county"] = county_of(info.town_id);
    out["title"] = info.title;
    out["url"] = info.url;
    out["doc_type"] = info.doc_type;
    out["status"] = info.status;
    auto versions = versions_json(id, false);
    if (!versions) return err(versions);
    out["versions"] = *versions;
    out["current_version"] = info.current_version_id ? Json(std::to_string(*info.current_version_id)) : Json(nullptr);
    out["type"] = nullptr;
    out["pages"] = nullptr;
    Json sections = Json::array();
    if (info.current_version_id) {
      auto ext = store_.catalog().prepare("SELECT type, pages, status, error FROM extractions WHERE version_id=?1");
      if (!ext) return err(ext);
      ext->bind(1, *info.current_version_id);
      auto row = ext->step();
      if (!row) return err(row);
      if (*row) {
        out["type"] = ext->text(0);
        out["pages"] = opt(ext->opt_int64(1));
        out["extraction_status"] = ext->text(2);
        out["extraction_error"] = ext->text(3);
      }
      auto secs = store_.catalog().sections_of(*info.current_version_id);
      if (!secs) return err(secs);
      for (const auto& s : *secs) {
        Json sj;
        sj["id"] = ix::section_key(id, s.key.empty() ? "s" + std::to_string(s.ord) : s.key);
        sj["number"] = s.number;
        sj["heading"] = s.heading;
        sj["level"] = s.level;
        sj["page"] = opt(s.page);
        sj["text"] = s.text;
        Json hits = Json::array();
        for (const auto& h : s.hits) {
          hits.push_back({{"provision", h.provision}, {"stance", h.stance}, {"evidence", h.evidence},
                          {"start", h.start}, {"end", h.end}, {"rule", h.rule}});
        }
        sj["provisions"] = hits;
        sj["cites"] = s.cites;
        sections.push_back(sj);
      }
    }
    out["sections"] = sections;
    return out.dump();
  }

  Result<std::string> changes(std::string_view town, std::string_view provision, size_t limit) override {
    std::string where = "1=1";
    int64_t town_id = 0;
    if (!town.empty()) {
      auto t = resolve_town(store_.catalog(), town);
      if (!t) return err(t);
      town_id = t->id;
      where = "c.municipality_id=?1";
    }
    std::string prov;
    if (!provision.empty()) {
      auto p = resolve_provision(provision);
      if (!p) return err(p);
      prov = *p;
    }
    auto list = changes_json(where, town_id, prov, limit == 0 ? 100 : limit);
    if (!list) return err(list);
    Json out;
    out["changes"] = *list;
    return out.dump();
  }

  Result<std::string> taxonomy() override {
    Json out;
    Json provs = Json::array();
    for (const auto& p : taxonomy_->provisions()) {
      provs.push_back({{"id", p.id}, {"label", p.label}, {"question", p.question}, {"description", p.description}});
    }
    out["provisions"] = provs;
    auto towns = store_.catalog().municipalities();
    if (!towns) return err(towns);
    auto sorted = *towns;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.name < b.second.name; });
    auto counts = document_counts();
    if (!counts) return err(counts);
    Json list = Json::array();
    for (const auto& [id, m] : sorted) {
      auto c = counts->find(id);
      list.push_back({{"name", m.name}, {"county", m.county}, {"kind", m.kind},
                      {"documents", c == counts->end() ? 0 : c->second}});
    }
    out["municipalities"] = list;
    return out.dump();
  }

 private:
  // -- resolution ---------------------------------------------------------------------------
  Result<std::string> resolve_provision(std::string_view p) {
    std::string key(p);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (const auto* info = taxonomy_->find(key)) return info->id;
    if (const auto* info = taxonomy_->by_question(key)) return info->id;
    // "287(g)" as typed
    std::string compact;
    for (char c : key) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') compact += c;
    }
    if (const auto* info = taxonomy_->find(compact)) return info->id;
    std::string known;
    for (const auto& info : taxonomy_->provisions()) {
      if (!known.empty()) known += ", ";
      known += info.id;
      if (!info.question.empty()) known += " (" + info.question + ")";
    }
    return make_error(ErrorCode::kInvalidArgument, "unknown provision '" + std::string(p) + "'; known: " + known);
  }

  // The counties are read once per Api (they are reference data; an Api lives until the
  // index changes or for --refresh-seconds): a search naming a county costs no catalog query.
  Result<std::string> resolve_county(std::string_view name) {
    if (!counties_) {
      auto towns = store_.catalog().municipalities();
      if (!towns) return err(towns);
      std::map<std::string, std::string> by_term;  // facet term -> county as written
      for (const auto& [id, m] : *towns) by_term.emplace(ix::facet_term(m.county), m.county);
      counties_ = std::move(by_term);
    }
    const std::string key = ix::facet_term(name);
    for (const auto& [term, county] : *counties_) {
      if (term == key || term == key + "_county") return term;
    }
    std::set<std::string> counties;
    for (const auto& [term, county] : *counties_) counties.insert(county);
    std::string list;
    for (const auto& c : counties) list += (list.empty() ? "" : ", ") + c;
    return make_error(ErrorCode::kInvalidArgument, "unknown county '" + std::string(name) + "'; known: " + list);
  }

  std::string label_of(const std::string& provision) const {
    const auto* info = taxonomy_->find(provision);
    return info ? info->label : provision;
  }

  static std::string entry_key(const pv::ScoreEntry& e) { return e.question.empty() ? e.provision : e.question; }

  // -- catalog reads -----------------------------------------------------------------------
  static DocInfo to_info(const corpus::DocumentRow& d) {
    return DocInfo{d.id, d.municipality_id, d.title, d.url, d.doc_type, d.status, d.current_version_id};
  }

  std::string town_name(const std::optional<int64_t>& id) {
    if (!id) return "";
    load_towns();
    auto it = towns_.find(*id);
    return it == towns_.end() ? "" : it->second.name;
  }
  std::string county_of(const std::optional<int64_t>& id) {
    if (!id) return "";
    load_towns();
    auto it = towns_.find(*id);
    return it == towns_.end() ? "" : it->second.county;
  }
  void load_towns() {
    if (!towns_.empty()) return;
    auto t = store_.catalog().municipalities();
    if (t) towns_ = std::map<int64_t, corpus::Municipality>(t->begin(), t->end());
  }

  Result<std::vector<DocInfo>> query_documents(const std::string& where, std::optional<int64_t> bind) {
    auto stmt = store_.catalog().prepare(
        "SELECT d.id, d.municipality_id, CASE WHEN d.title <> '' THEN d.title ELSE "
        "coalesce((SELECT e.title FROM extractions e WHERE e.version_id=d.current_version_id), '') END, "
        "d.url, d.doc_type, d.status, d.current_version_id FROM documents d WHERE " + where +
        " ORDER BY d.id");
    if (!stmt) return err(stmt);
    if (bind) stmt->bind(1, *bind);
    std::vector<DocInfo> out;
    while (true) {
      auto row = stmt->step();
      if (!row) return err(row);
      if (!*row) break;
      out.push_back(DocInfo{stmt->int64(0), stmt->opt_int64(1), stmt->text(2), stmt->text(3),
                            stmt->text(4), stmt->text(5), stmt->opt_int64(6)});
    }
    return out;
  }

  Result<std::vector<DocInfo>> documents_of(int64_t town_id, bool active_only) {
    return query_documents(active_only ? "d.municipality_id=?1 AND d.status='active'" : "d.municipality_id=?1",
                           town_id);
  }
  Result<std::vector<DocInfo>> all_documents() { return query_documents("1=1", std::nullopt); }

  static size_t active_count(const std::vector<DocInfo>& docs) {
    return static_cast<size_t>(std::count_if(docs.begin(), docs.end(), [](const DocInfo& d) {
      return d.status == "active" && d.current_version_id;
    }));
  }

  // Active documents with a version, per municipality.
  Result<std::map<int64_t, int64_t>> document_counts() {
    auto stmt = store_.catalog().prepare(
        "SELECT municipality_id, count(*) FROM documents WHERE status='active' AND "
        "current_version_id IS NOT NULL AND municipality_id IS NOT NULL GROUP BY municipality_id");
    if (!stmt) return err(stmt);
    std::map<int64_t, int64_t> out;
    while (true) {
      auto row = stmt->step();
      if (!row) return err(row);
      if (!*row) break;
      out[stmt->int64(0)] = stmt->int64(1);
    }
    return out;
  }

  Result<std::vector<HitRow>> hit_rows(std::optional<int64_t> town_id) {
    auto stmt = store_.catalog().prepare(
        std::string("SELECT d.id, d.municipality_id, h.provision, h.stance, h.evidence, "
                    "CASE WHEN s.number <> '' THEN s.number ELSE s.key END, s.heading, s.page "
                    "FROM documents d JOIN sections s ON s.version_id = d.current_version_id "
                    "JOIN provision_hits h ON h.section_id = s.id WHERE d.status='active' ") +
        (town_id ? "AND d.municipality_id=?1 " : "") + "ORDER BY d.id, s.ord, h.start_offset, h.id");
    if (!stmt) return err(stmt);
    if (town_id) stmt->bind(1, *town_id);
    std::vector<HitRow> out;
    while (true) {
      auto row = stmt->step();
      if (!row) return err(row);
      if (!*row) break;
      out.push_back(HitRow{stmt->int64(0), stmt->opt_int64(1), stmt->text(2), stmt->text(3),
                           stmt->text(4), stmt->text(5), stmt->text(6), stmt->opt_int64(7)});
    }
    return out;
  }

  pv::Scorecard score_hits(const std::vector<HitRow>& rows) {
    std::vector<pv::ScoredHit> hits;
    hits.reserve(rows.size());
    for (const auto& r : rows) {
      pv::ScoredHit h;
      h.provision = r.provision;
      h.evidence.document = std::to_string(r.document_id);
      h.evidence.section = r.section;
      h.evidence.heading = r.heading;
      h.evidence.page = r.page ? static_cast<int>(*r.page) : 0;
      h.evidence.text = r.evidence;
      h.evidence.stance = pv::parse_stance(r.stance).value_or(pv::Stance::kNeutral);
      hits.push_back(std::move(h));
    }
    return pv::score(*taxonomy_, hits);
  }

  Json document_summary(const DocInfo& d) {
    Json j;
    j["id"] = std::to_string(d.id);
    j["title"] = d.title.empty() ? d.url : d.title;
    j["url"] = d.url;
    j["doc_type"] = d.doc_type;
    j["status"] = d.status;
    int64_t versions = 0;
    std::string fetched_at;
    auto stmt = store_.catalog().prepare(
        "SELECT count(*), (SELECT fetched_at FROM versions WHERE id=?2) FROM versions WHERE document_id=?1");
    if (stmt) {
      stmt->bind(1, d.id);
      if (d.current_version_id) stmt->bind(2, *d.current_version_id); else stmt->bind_null(2);
      if (auto row = stmt->step(); row && *row) {
        versions = stmt->int64(0);
        fetched_at = stmt->text(1);
      }
    }
    j["fetched_at"] = fetched_at;
    j["versions"] = versions;
    return j;
  }

  Json evidence_json(const std::vector<pv::Evidence>& evidence, const std::map<int64_t, const DocInfo*>& docs) {
    Json list = Json::array();
    for (const auto& ev : evidence) {
      Json j;
      j["document_id"] = ev.document;
      const DocInfo* d = nullptr;
      if (all_digits(ev.document)) {
        auto it = docs.find(std::stoll(ev.document));
        if (it != docs.end()) d = it->second;
      }
      j["document"] = d ? (d->title.empty() ? d->url : d->title) : ev.document;
      j["url"] = d ? d->url : "";
      j["section"] = ev.section;
      j["heading"] = ev.heading;
      j["page"] = ev.page > 0 ? Json(ev.page) : Json(nullptr);
      j["stance"] = std::string(pv::stance_name(ev.stance));
      j["text"] = ev.text;
      list.push_back(j);
    }
    return list;
  }

  Json entry_json(const pv::ScoreEntry& e, const std::map<int64_t, const DocInfo*>& docs) {
    Json j;
    j["provision"] = e.provision;
    j["question"] = e.question;
    j["label"] = label_of(e.provision);
    j["verdict"] = std::string(pv::verdict_name(e.verdict));
    j["present"] = e.present;  // any hit, neutral ones (a savings clause) included
    j["evidence"] = evidence_json(e.evidence, docs);
    return j;
  }

  // Versions of a document, oldest first; with DIFF, what changed in sections and
  // provisions against the previous extracted version.
  Result<Json> versions_json(int64_t document_id, bool diff) {
    auto versions = store_.catalog().versions_of(document_id);
    if (!versions) return err(versions);
    std::sort(versions->begin(), versions->end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    Json list = Json::array();
    std::optional<std::vector<corpus::StoredSection>> previous;
    for (const auto& v : *versions) {
      Json j;
      j["id"] = std::to_string(v.id);
      j["fetched_at"] = v.fetched_at;
      j["sha256"] = v.sha256;
      j["size"] = v.size;
      j["http_status"] = opt(v.http_status);
      j["content_type"] = opt_text(v.content_type);
      if (diff) {
        auto secs = store_.catalog().sections_of(v.id);
        if (!secs) return err(secs);
        if (secs->empty()) {
          j["changes"] = nullptr;  // not extracted (or nothing in it)
        } else {
          if (previous) j["changes"] = section_diff(*previous, *secs);
          previous = std::move(*secs);
        }
      }
      list.push_back(j);
    }
    return list;
  }

  static Json section_diff(const std::vector<corpus::StoredSection>& a, const std::vector<corpus::StoredSection>& b) {
    auto label = [](const corpus::StoredSection& s) {
      std::string l = s.number.empty() ? s.key : s.number;
      if (!s.heading.empty()) l += " " + s.heading;
      return l;
    };
    std::map<std::string, const corpus::StoredSection*> old_by, new_by;
    for (const auto& s : a) old_by[s.key] = &s;
    for (const auto& s : b) new_by[s.key] = &s;
    Json added = Json::array(), removed = Json::array(), changed = Json::array();
    std::set<std::string> old_prov, new_prov;
    for (const auto& s : a) for (const auto& h : s.hits) old_prov.insert(h.provision + ":" + h.stance);
    for (const auto& s : b) for (const auto& h : s.hits) new_prov.insert(h.provision + ":" + h.stance);
    for (const auto& [k, s] : new_by) {
      auto it = old_by.find(k);
      if (it == old_by.end()) added.push_back(label(*s));
      else if (it->second->text != s->text || it->second->heading != s->heading) changed.push_back(label(*s));
    }
    for (const auto& [k, s] : old_by) {
      if (!new_by.count(k)) removed.push_back(label(*s));
    }
    Json pa = Json::array(), pr = Json::array();
    for (const auto& p : new_prov) if (!old_prov.count(p)) pa.push_back(p);
    for (const auto& p : old_prov) if (!new_prov.count(p)) pr.push_back(p);
    return {{"sections_added", added}, {"sections_removed", removed}, {"sections_changed", changed},
            {"provisions_added", pa}, {"provisions_removed", pr}};
  }

  Result<Json> changes_json(const std::string& where, int64_t bind, const std::string& provision, size_t limit) {
    std::string sql =
        "SELECT c.id, c.detected_at, c.kind, c.document_id, coalesce(m.name, ''), coalesce(d.url, ''), "
        "c.summary, c.detail, c.old_version_id, c.new_version_id FROM changes c "
        "LEFT JOIN municipalities m ON m.id = c.municipality_id LEFT JOIN documents d ON d.id = c.document_id "
        "WHERE " + where;
    if (!provision.empty()) sql += " AND (instr(c.detail, ?2) > 0 OR instr(c.summary, ?3) > 0)";
    sql += " ORDER BY c.detected_at DESC, c.id DESC LIMIT " + std::to_string(limit);
    auto stmt = store_.catalog().prepare(sql);
    if (!stmt) return err(stmt);
    if (where.find("?1") != std::string::npos) stmt->bind(1, bind);
    if (!provision.empty()) {
      stmt->bind(2, std::string_view("\"" + provision + "\"")).bind(3, std::string_view(provision));
    }
    Json list = Json::array();
    while (true) {
      auto row = stmt->step();
      if (!row) return err(row);
      if (!*row) break;
      Json j;
      j["id"] = std::to_string(stmt->int64(0));
      j["detected_at"] = stmt->text(1);
      j["kind"] = stmt->text(2);
      auto doc = stmt->opt_int64(3);
      j["document_id"] = doc ? Json(std::to_string(*doc)) : Json(nullptr);
      j["town"] = stmt->text(4);
      j["url"] = stmt->text(5);
      j["summary"] = stmt->text(6);
      Json detail = Json::parse(stmt->text(7), nullptr, false);
      j["detail"] = detail.is_discarded() ? Json(stmt->text(7)) : detail;
      auto ov = stmt->opt_int64(8), nv = stmt->opt_int64(9);
      j["old_version_id"] = ov ? Json(std::to_string(*ov)) : Json(nullptr);
      j["new_version_id"] = nv ? Json(std::to_string(*nv)) : Json(nullptr);
      list.push_back(j);
    }
    return list;
  }

  // TF-IDF cosine similarity between the asking town's current text and every other
  // town's (towns with provision hits only: the only candidates a peer list can name).
  Result<std::map<int64_t, double>> town_similarity(int64_t town_id, const std::map<int64_t, std::vector<HitRow>>& candidates) {
    std::map<int64_t, double> out;
    auto stmt = store_.catalog().prepare(
        "SELECT d.municipality_id, s.text FROM documents d JOIN sections s ON s.version_id = d.current_version_id "
        "WHERE d.status='active' AND d.municipality_id IS NOT NULL");
    if (!stmt) return err(stmt);
    std::map<int64_t, std::unordered_map<std::string, double>> tf;
    while (true) {
      auto row = stmt->step();
      if (!row) return err(row);
      if (!*row) break;
      int64_t t = stmt->int64(0);
      if (t != town_id && !candidates.count(t)) continue;
      for (auto& w : words_of(stmt->text(1))) tf[t][w] += 1;
    }
    if (!tf.count(town_id)) return out;  // nothing to compare with: similarity 0
    std::unordered_map<std::string, double> df;
    for (const auto& [t, v] : tf) for (const auto& [w, n] : v) df[w] += 1;
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
      if (norm > 0) for (auto& [term, x] : w) x /= norm;
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

  corpus::Store store_;
  std::shared_ptr<const pv::Taxonomy> taxonomy_;
  std::vector<std::string> index_paths_;
  std::unique_ptr<detail::Searcher> searcher_;
  std::optional<std::map<std::string, std::string>> counties_;
  std::map<int64_t, corpus::Municipality> towns_;
};

}  // namespace

Result<std::unique_ptr<Api>> open_api(const std::filesystem::path& data_dir,
                                      const std::vector<std::string>& index_paths) {
  if (!std::filesystem::exists(data_dir / "catalog.sqlite")) {
    return make_error(ErrorCode::kNotFound,
                      data_dir.string() + ": no corpus here (no catalog.sqlite); crawl or add documents first");
  }
  auto store = corpus::Store::open(data_dir);
  if (!store) return err(store);
  auto taxonomy = pv::Taxonomy::builtin();
  if (!taxonomy) return err(taxonomy);
  std::vector<std::string> paths = index_paths;
  if (paths.empty()) paths.push_back(store->index_dir().string());
  return std::unique_ptr<Api>(new ApiImpl(std::move(*store), std::move(*taxonomy), std::move(paths)));
}

}  // namespace policyindex::query
