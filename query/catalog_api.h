// Private to query/: the Api over a data directory. Search goes through the index
// (search.cpp); everything else is read from the catalog (the source of truth) through
// corpus::Reader and scored with provisions::score. Split by concern: api.cpp (search,
// scorecard, matrix, compare, taxonomy, resolution), api_peers.cpp (peers and town
// similarity), api_history.cpp (history, documents, versions, changes).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "corpus/reader.h"
#include "corpus/standing.h"
#include "provisions/provisions.h"
#include "query/internal.h"
#include "query/coverage.h"

namespace policyindex::query::detail {

namespace pv = policyindex::provisions;

template <class T>
tl::unexpected<Error> err(const Result<T>& r) {
  return tl::make_unexpected(r.error());
}

bool all_digits(std::string_view s);

class CatalogApi : public Api {
 public:
  CatalogApi(corpus::Store store, std::shared_ptr<const pv::Taxonomy> taxonomy,
             std::vector<std::string> index_paths, std::shared_ptr<SearchContext> context)
      : store_(std::move(store)),
        taxonomy_(std::move(taxonomy)),
        index_paths_(std::move(index_paths)),
        context_(std::move(context)) {}

  Result<SearchResult> search(const SearchRequest& request) override;
  Result<Scorecard> scorecard(std::string_view town) override;
  Result<Matrix> matrix() override;
  Result<MatrixLong> matrix_long(std::string_view by) override;
  Result<Comparison> compare(const std::vector<std::string>& towns, std::string_view provision) override;
  Result<Peers> peers(std::string_view town, std::string_view provision) override;
  Result<History> history(std::string_view town_or_document) override;
  Result<Document> document(int64_t id, std::optional<int64_t> version = std::nullopt) override;
  Result<ChangeList> changes(std::string_view town, std::string_view provision, size_t limit) override;
  Result<TaxonomyView> taxonomy() override;

 private:
  using DocIndex = std::map<int64_t, const corpus::DocumentInfo*>;

  corpus::Reader reader() { return corpus::Reader(store_.catalog()); }
  Status add_provenance(SearchResult& result);
  Result<std::string> resolve_provision(std::string_view p);
  Result<std::string> resolve_county(std::string_view name);
  std::string label_of(const std::string& provision) const;
  static std::string entry_key(const pv::ScoreEntry& e) { return e.question.empty() ? e.provision : e.question; }

  std::string town_name(const std::optional<int64_t>& id);
  std::string county_of(const std::optional<int64_t>& id);
  void load_towns();

  // Scores ROWS (query/coverage.h score_rows): each Evidence's `document` is the index of
  // its row in ROWS, which evidence_items turns back into a citable EvidenceItem.
  pv::Scorecard score_hits(const std::vector<corpus::ProvisionHitRow>& rows) { return score_rows(*taxonomy_, rows); }
  // Which hits a scorecard is built from: in-force text (the verdicts; hits of documents
  // not classified yet count as in force), proposed text alone, or everything not in force.
  enum class Hits { kInForce, kProposed, kNotInForce };
  pv::Scorecard score_hits_by_status(const std::vector<corpus::ProvisionHitRow>& rows, Hits which);
  // Adds the proposed verdict and the labelled not-in-force evidence to ITEMS (in entry order).
  void add_other_text(std::vector<ScoreItem>& items, const std::vector<corpus::ProvisionHitRow>& rows,
                      const DocIndex& docs);
  // Evidence of scored hits whose `document` is a document id (add_other_text), as items.
  std::vector<EvidenceItem> other_evidence_items(const std::vector<pv::Evidence>& evidence, const DocIndex& docs);
  static StandingView standing_view(const corpus::Standing& s);
  static std::vector<TimelineEntry> timeline(const std::vector<corpus::DocumentInfo>& docs,
                                             const std::map<int64_t, corpus::Standing>& standings);
  DocumentSummary document_summary(const corpus::DocumentInfo& d);
  // Every municipality (by name) with its coverage facts and scored items, for the matrices.
  struct TownCard {
    corpus::Municipality town;
    TownCoverage coverage;
    std::vector<ScoreItem> items;
  };
  Result<std::vector<TownCard>> town_cards();
  Result<std::vector<VersionItem>> version_items(int64_t document_id, bool diff);
  Result<std::vector<ChangeItem>> change_items(const corpus::ChangeFilter& filter);
  Result<std::map<int64_t, double>> town_similarity(
      int64_t town_id, const std::map<int64_t, std::vector<corpus::ProvisionHitRow>>& candidates);

  corpus::Store store_;
  std::shared_ptr<const pv::Taxonomy> taxonomy_;
  std::vector<std::string> index_paths_;
  std::shared_ptr<SearchContext> context_;
  std::unique_ptr<Searcher> searcher_;
  std::optional<std::map<std::string, std::string>> counties_;
  std::map<int64_t, corpus::Municipality> towns_;
};

}  // namespace policyindex::query::detail
