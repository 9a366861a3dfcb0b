// The Api over a data directory: search through the index, scorecard, matrix, compare and
// taxonomy from the catalog (the source of truth) scored with provisions::score. Peers are
// in api_peers.cpp, history and documents in api_history.cpp.
#include <algorithm>
#include <cctype>
#include <set>

#include "index/index.h"
#include "query/catalog_api.h"

namespace policyindex::query::detail {

namespace ix = policyindex::index;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<SearchResult> CatalogApi::search(const SearchRequest& request) {
  if (!searcher_) {
    auto s = Searcher::open(index_paths_, context_);
    if (!s) return err(s);
    searcher_ = std::move(*s);
  }
  Resolvers r;
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
  auto result = searcher_->search(request, r);
  if (!result) return result;
  if (auto st = add_provenance(*result); !st) return tl::make_unexpected(st.error());
  return result;
}

// Every hit's version, sha256, fetched-at, section offsets and version URL, from the catalog.
Status CatalogApi::add_provenance(SearchResult& result) {
  std::vector<int64_t> ids;
  for (const auto& h : result.hits) {
    if (all_digits(h.record->document_id)) ids.push_back(std::stoll(h.record->document_id));
  }
  auto versions = reader().current_versions(ids);
  if (!versions) return tl::make_unexpected(versions.error());
  for (auto& h : result.hits) {
    const auto& rec = *h.record;
    if (!all_digits(rec.document_id)) continue;
    auto v = versions->find(std::stoll(rec.document_id));
    if (v == versions->end()) continue;
    HitProvenance& p = h.provenance;
    p.version_id = std::to_string(v->second.version_id);
    p.sha256 = v->second.sha256;
    p.fetched_at = v->second.fetched_at;
    p.status = corpus::policy_status_of(v->second.doc_type);
    const auto slash = rec.section_id.find('/');
    const std::string key = slash == std::string::npos ? "" : rec.section_id.substr(slash + 1);
    auto span = reader().section_span(v->second.version_id, key);
    if (!span) return tl::make_unexpected(span.error());
    if (*span) {
      p.start = (*span)->start;
      p.end = (*span)->end;
    }
    p.version_url = version_url(rec.document_id, p.version_id, key);
  }
  return {};
}

Result<Scorecard> CatalogApi::scorecard(std::string_view town_name) {
  auto town = resolve_town(store_.catalog(), town_name);
  if (!town) return err(town);
  auto docs = reader().documents_of(town->id, true);
  if (!docs) return err(docs);
  auto hits = reader().provision_hits(town->id);
  if (!hits) return err(hits);
  auto crawl = reader().town_crawls();
  if (!crawl) return err(crawl);
  Scorecard out;
  out.town = town->name;
  out.county = town->county;
  for (const auto& d : *docs) {
    if (d.listed()) out.documents.push_back(document_summary(d));
  }
  if (auto standings = corpus::current_standings(store_.catalog(), town->id)) {
    for (auto& s : out.documents) {
      auto it = standings->find(std::stoll(s.id));
      if (it != standings->end()) s.standing = standing_view(it->second);
    }
  }
  const auto active = std::count_if(docs->begin(), docs->end(), [](const corpus::DocumentInfo& d) {
    return d.listed() && d.current_version_id.has_value();
  });
  auto c = crawl->find(town->id);
  out.coverage = town_coverage(c == crawl->end() ? nullptr : &c->second, static_cast<int64_t>(active), *hits);
  out.entries = town_items(*taxonomy_, *hits, out.coverage);
  DocIndex by_id;
  for (const auto& d : *docs) by_id[d.id] = &d;
  add_other_text(out.entries, *hits, by_id);
  return out;
}

Result<std::vector<CatalogApi::TownCard>> CatalogApi::town_cards() {
  auto towns = store_.catalog().municipalities();
  if (!towns) return err(towns);
  auto counts = reader().active_document_counts();
  if (!counts) return err(counts);
  auto hits = reader().provision_hits(std::nullopt);
  if (!hits) return err(hits);
  auto crawl = reader().town_crawls();
  if (!crawl) return err(crawl);
  std::map<int64_t, std::vector<corpus::ProvisionHitRow>> by_town;
  for (auto& h : *hits) {
    if (h.municipality_id) by_town[*h.municipality_id].push_back(std::move(h));
  }
  auto sorted = *towns;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.name < b.second.name; });
  std::vector<TownCard> out;
  out.reserve(sorted.size());
  const std::vector<corpus::ProvisionHitRow> none;
  for (const auto& [id, m] : sorted) {
    TownCard card;
    card.town = m;
    auto n = counts->find(id);
    auto c = crawl->find(id);
    auto rows = by_town.find(id);
    const auto& mine = rows == by_town.end() ? none : rows->second;
    card.coverage = town_coverage(c == crawl->end() ? nullptr : &c->second, n == counts->end() ? 0 : n->second, mine);
    card.items = town_items(*taxonomy_, mine, card.coverage);
    out.push_back(std::move(card));
  }
  return out;
}

Result<Matrix> CatalogApi::matrix() {
  auto cards = town_cards();
  if (!cards) return err(cards);
  Matrix out;
  for (const auto& e : town_items(*taxonomy_, {}, {})) out.columns.push_back({e.key, e.provision, e.label});
  out.state_counts.assign(out.columns.size(), {});
  for (auto& card : *cards) {
    MatrixRow row;
    row.town = card.town.name;
    row.county = card.town.county;
    row.documents = card.coverage.documents;
    for (size_t i = 0; i < out.columns.size() && i < card.items.size(); ++i) {
      const ScoreItem& item = card.items[i];
      row.cells.push_back(row.documents == 0 ? "no document" : item.verdict);
      row.states.push_back(item.state);
      for (size_t k = 0; k < kCoverageStates.size(); ++k) {
        if (item.state == kCoverageStates[k]) ++out.state_counts[i][k];
      }
    }
    row.coverage = card.coverage;
    out.rows.push_back(std::move(row));
  }
  return out;
}

namespace {

LongRow long_row(const corpus::Municipality& town, const ScoreItem& item, const EvidenceItem* ev) {
  LongRow r;
  r.town = town.name;
  r.county = town.county;
  r.key = item.key;
  r.provision = item.provision;
  r.question = item.question;
  r.verdict = item.verdict;
  r.state = item.state;
  r.state_detail = item.state_detail;
  r.evidence_count = static_cast<int64_t>(item.evidence.size());
  if (ev) {
    r.stance = ev->stance;
    r.status = ev->status;
    r.quote = ev->text;
    r.document_id = ev->document_id;
    r.title = ev->document;
    r.doc_type = ev->doc_type;
    r.url = ev->url;
    r.version_id = ev->version_id;
    r.version_url = ev->version_url;
    r.sha256 = ev->sha256;
    r.section = ev->section;
    r.section_key = ev->section_key;
    r.heading = ev->heading;
    r.page = ev->page;
    r.start = ev->start;
    r.end = ev->end;
    r.fetched_at = ev->fetched_at;
  }
  return r;
}

}  // namespace

Result<MatrixLong> CatalogApi::matrix_long(std::string_view by) {
  if (by != "question" && by != "provision" && by != "evidence") {
    return make_error(ErrorCode::kInvalidArgument,
                      "unknown long-matrix grouping '" + std::string(by) + "'; known: question, provision, evidence");
  }
  auto cards = town_cards();
  if (!cards) return err(cards);
  MatrixLong out;
  out.by = std::string(by);
  for (const auto& card : *cards) {
    for (const auto& item : card.items) {
      if (by == "question" && item.question.empty()) continue;
      if (by == "evidence" && !item.evidence.empty()) {
        for (const auto& ev : item.evidence) {
          out.rows.push_back(long_row(card.town, item, &ev));
          out.rows.back().evidence_count = 1;
        }
        continue;
      }
      out.rows.push_back(long_row(card.town, item, item.evidence.empty() ? nullptr : &item.evidence.front()));
    }
  }
  return out;
}

Result<Comparison> CatalogApi::compare(const std::vector<std::string>& town_names, std::string_view provision) {
  if (town_names.empty()) return make_error(ErrorCode::kInvalidArgument, "compare: name at least one town");
  std::optional<std::string> only;
  if (!provision.empty()) {
    auto p = resolve_provision(provision);
    if (!p) return err(p);
    only = *p;
  }
  auto crawl = reader().town_crawls();
  if (!crawl) return err(crawl);
  struct Col {
    TownRef town;
    int64_t documents;
    std::vector<ScoreItem> items;
  };
  std::vector<Col> cols;
  for (const auto& name : town_names) {
    auto t = resolve_town(store_.catalog(), name);
    if (!t) return err(t);
    auto docs = reader().documents_of(t->id, true);
    if (!docs) return err(docs);
    auto hits = reader().provision_hits(t->id);
    if (!hits) return err(hits);
    const auto active = std::count_if(docs->begin(), docs->end(), [](const corpus::DocumentInfo& d) {
      return d.status == "active" && d.current_version_id && d.listed();
    });
    auto c = crawl->find(t->id);
    const TownCoverage coverage =
        town_coverage(c == crawl->end() ? nullptr : &c->second, static_cast<int64_t>(active), *hits);
    cols.push_back(Col{*t, static_cast<int64_t>(active), town_items(*taxonomy_, *hits, coverage)});
  }
  Comparison out;
  for (const auto& c : cols) out.towns.push_back({c.town.name, c.town.county, c.documents});
  for (size_t i = 0; i < cols.front().items.size(); ++i) {
    const ScoreItem& e0 = cols.front().items[i];
    if (only && e0.provision != *only) continue;
    CompareRow row{e0.provision, e0.question, e0.label, {}};
    for (const auto& c : cols) {
      const ScoreItem& e = c.items[i];
      CompareCell cell;
      cell.town = c.town.name;
      cell.verdict = c.documents == 0 ? "no document" : e.verdict;
      cell.evidence = e.evidence;
      cell.state = e.state;
      row.cells.push_back(std::move(cell));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

Result<TaxonomyView> CatalogApi::taxonomy() {
  TaxonomyView out;
  for (const auto& p : taxonomy_->provisions()) out.provisions.push_back({p.id, p.label, p.question, p.description});
  auto towns = store_.catalog().municipalities();
  if (!towns) return err(towns);
  auto sorted = *towns;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.name < b.second.name; });
  auto counts = reader().active_document_counts();
  if (!counts) return err(counts);
  for (const auto& [id, m] : sorted) {
    auto c = counts->find(id);
    out.municipalities.push_back({m.name, m.county, m.kind, c == counts->end() ? 0 : c->second});
  }
  return out;
}

// -- resolution -----------------------------------------------------------------------------

Result<std::string> CatalogApi::resolve_provision(std::string_view p) {
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

// The counties are read once per Api (they are reference data; an Api lives until the index
// changes or for --refresh-seconds): a search naming a county costs no catalog query.
Result<std::string> CatalogApi::resolve_county(std::string_view name) {
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

std::string CatalogApi::label_of(const std::string& provision) const {
  const auto* info = taxonomy_->find(provision);
  return info ? info->label : provision;
}

// -- catalog reads --------------------------------------------------------------------------

std::string CatalogApi::town_name(const std::optional<int64_t>& id) {
  if (!id) return "";
  load_towns();
  auto it = towns_.find(*id);
  return it == towns_.end() ? "" : it->second.name;
}

std::string CatalogApi::county_of(const std::optional<int64_t>& id) {
  if (!id) return "";
  load_towns();
  auto it = towns_.find(*id);
  return it == towns_.end() ? "" : it->second.county;
}

void CatalogApi::load_towns() {
  if (!towns_.empty()) return;
  auto t = store_.catalog().municipalities();
  if (t) towns_ = std::map<int64_t, corpus::Municipality>(t->begin(), t->end());
}

pv::Scorecard CatalogApi::score_hits_by_status(const std::vector<corpus::ProvisionHitRow>& rows, Hits which) {
  std::vector<pv::ScoredHit> hits;
  hits.reserve(rows.size());
  for (const auto& r : rows) {
    const bool in_force = r.doc_status.empty() || r.doc_status == "in_force";
    if (which == Hits::kInForce ? !in_force : which == Hits::kProposed ? r.doc_status != "proposed" : in_force) {
      continue;
    }
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

void CatalogApi::add_other_text(std::vector<ScoreItem>& items, const std::vector<corpus::ProvisionHitRow>& rows,
                                const DocIndex& docs) {
  const bool any = std::any_of(rows.begin(), rows.end(), [](const corpus::ProvisionHitRow& r) {
    return !r.doc_status.empty() && r.doc_status != "in_force";
  });
  if (!any) return;
  const pv::Scorecard proposed = score_hits_by_status(rows, Hits::kProposed);
  const pv::Scorecard other = score_hits_by_status(rows, Hits::kNotInForce);
  for (auto& item : items) {
    if (const pv::ScoreEntry* p = proposed.find(item.provision); p && p->verdict != pv::Verdict::kAbsent) {
      item.proposed_verdict = std::string(pv::verdict_name(p->verdict));
    }
    if (const pv::ScoreEntry* o = other.find(item.provision)) item.other_evidence = other_evidence_items(o->evidence, docs);
  }
}

StandingView CatalogApi::standing_view(const corpus::Standing& s) {
  StandingView v;
  v.status = s.status;
  v.reason = s.reason;
  v.presumed = s.presumed;
  for (const auto& d : s.dates) v.dates.push_back({d.kind, d.date, d.text});
  v.conflicts = s.conflicts;
  v.genre = s.genre;
  v.title_source = s.title_source;
  return v;
}

DocumentSummary CatalogApi::document_summary(const corpus::DocumentInfo& d) {
  DocumentSummary s;
  s.id = std::to_string(d.id);
  s.title = d.title.empty() ? d.url : d.title;
  s.url = d.url;
  s.doc_type = d.doc_type;
  s.status = d.status;
  // A failed read shows as no versions, as the page has always shown it.
  if (auto v = reader().version_summary(d.id, d.current_version_id)) {
    s.versions = v->first;
    s.fetched_at = v->second;
  }
  return s;
}

std::vector<EvidenceItem> CatalogApi::other_evidence_items(const std::vector<pv::Evidence>& evidence, const DocIndex& docs) {
  std::vector<EvidenceItem> list;
  list.reserve(evidence.size());
  for (const auto& ev : evidence) {
    const corpus::DocumentInfo* d = nullptr;
    if (all_digits(ev.document)) {
      auto it = docs.find(std::stoll(ev.document));
      if (it != docs.end()) d = it->second;
    }
    EvidenceItem j = d ? evidence_item(ev, ev.document, d->title, d->url) : evidence_item(ev, ev.document, ev.document, "");
    if (d) j.status = d->doc_status;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace policyindex::query::detail

namespace policyindex::query {

Result<std::unique_ptr<Api>> open_api(const std::filesystem::path& data_dir, const std::vector<std::string>& index_paths,
                                      std::shared_ptr<SearchContext> context) {
  if (!std::filesystem::exists(data_dir / "catalog.sqlite")) {
    return make_error(ErrorCode::kNotFound,
                      data_dir.string() + ": no corpus here (no catalog.sqlite); crawl or add documents first");
  }
  auto store = corpus::Store::open(data_dir);
  if (!store) return detail::err(store);
  auto taxonomy = provisions::Taxonomy::builtin();
  if (!taxonomy) return detail::err(taxonomy);
  std::vector<std::string> paths = index_paths;
  if (paths.empty()) paths.push_back(store->index_dir().string());
  if (!context) context = std::make_shared<SearchContext>();
  return std::unique_ptr<Api>(
      new detail::CatalogApi(std::move(*store), std::move(*taxonomy), std::move(paths), std::move(context)));
}

}  // namespace policyindex::query
