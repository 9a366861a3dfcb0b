// Search: Xapian's QueryParser with field prefixes, exact facet counts over the whole match
// set (multi-valued facets included), snippets, paging, several databases as one. The
// facet tables and record cache are in search_facets.cpp, parsing and opening in
// search_parse.cpp; the answer is a typed SearchResult (render/ writes its JSON).
#include <xapian.h>

#include <algorithm>
#include <cctype>

#include "index/index.h"
#include "query/internal.h"
#include "query/search_parts.h"
#include "query/snippet.h"

namespace policyindex::query {

SearchContext::SearchContext(size_t record_cache_bytes) : impl_(std::make_unique<Impl>()) {
  impl_->budget->budget = record_cache_bytes;
}
SearchContext::~SearchContext() = default;
void SearchContext::set_record_cache_bytes(size_t bytes) { impl_->budget->budget = bytes; }
size_t SearchContext::record_cache_bytes() const { return impl_->budget->budget.load(); }

}  // namespace policyindex::query

namespace policyindex::query::detail {
namespace {

namespace ix = policyindex::index;

// The English stemmer with a memo: MSet::snippet stems every word of every hit's text, and
// Snowball stemming is most of its cost; a searcher sees the same words again and again.
// Owned by one Searcher (not thread-safe, as the Searcher).
class CachingStemmer : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override {
    if (auto it = memo_.find(word); it != memo_.end()) return it->second;
    if (memo_.size() >= kMaxWords) memo_.clear();
    std::string stem = english_(word);
    memo_.emplace(word, stem);
    return stem;
  }
  std::string get_description() const override { return "english (memoised)"; }

 private:
  static constexpr size_t kMaxWords = 100000;
  Xapian::Stem english_{"english"};
  std::unordered_map<std::string, std::string> memo_;
};

// The records of a search's hits: from the shards' record caches when every shard is
// local (TABLES, one per shard, in the combined database's order), else from Xapian.
class HitRecords {
 public:
  explicit HitRecords(const std::vector<std::shared_ptr<const FacetTable>>& tables) : tables_(tables) {}

  // The record of the hit at IT; null when its data is neither record format (skipped).
  std::shared_ptr<const ix::SectionRecord> get(const Xapian::MSetIterator& it) const {
    const bool cached = !tables_.empty() && tables_.front()->records.enabled();
    const Xapian::docid id = *it;
    const FacetTable* table = nullptr;
    Xapian::docid local = id;
    if (cached) {
      // Xapian interleaves the shards' docids: shard (id - 1) % n holds (id - 1) / n + 1.
      const auto n = static_cast<Xapian::docid>(tables_.size());
      table = tables_[(id - 1) % n].get();
      local = (id - 1) / n + 1;
      if (auto hit = table->records.find(local)) return hit;
    }
    auto record = std::make_shared<ix::SectionRecord>();
    if (!ix::decode_section_record(it.get_document().get_data(), *record)) return nullptr;
    if (table) table->records.insert(local, record);
    return record;
  }

 private:
  const std::vector<std::shared_ptr<const FacetTable>>& tables_;
};

// Fills OUT's hits from MSET: records from the shards' caches (TABLES, when given and every
// shard is local), snippets by the Snipper; with TABLES null, the reference computation
// (every record decoded, Xapian's own MSet::snippet).
void add_hits(SearchResult& out, const Xapian::MSet& mset, const Xapian::Query& query, bool ranked,
              const Xapian::Stem& stemmer, const std::vector<std::shared_ptr<const FacetTable>>* tables) {
  out.hits.reserve(mset.size());
  if (tables == nullptr) {
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      auto rec = std::make_shared<ix::SectionRecord>();
      if (!ix::decode_section_record(it.get_document().get_data(), *rec)) continue;
      std::string snippet =
          mset.snippet(rec->text, 300, stemmer, Xapian::MSet::SNIPPET_EXHAUSTIVE, "<b>", "</b>", "…");
      out.hits.push_back({std::move(rec), std::move(snippet), it.get_rank() + 1, ranked ? static_cast<unsigned>(it.get_percent()) : 0u, {}});
    }
    return;
  }
  Snipper snipper(mset, query, stemmer);
  HitRecords records(*tables);
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto record = records.get(it);
    if (!record) continue;
    std::string snippet = snipper(record->text);
    out.hits.push_back({std::move(record), std::move(snippet), it.get_rank() + 1,
                        ranked ? static_cast<unsigned>(it.get_percent()) : 0u, {}});
  }
}

}  // namespace
}  // namespace policyindex::query::detail

namespace policyindex::query::detail {

struct Searcher::Impl {
  std::vector<std::string> paths;
  std::vector<Shard> shards;  // each shares its sub-database with db (reopened with it)
  Xapian::Database db;        // all shards searched as one
  Xapian::Stem stemmer{new CachingStemmer()};
  bool remote = false;        // some shard is remote (no spelling table)
  bool facet_tables = true;   // count facets from FacetTables where every shard is local
  bool last_with_tables = false;
  bool reference_output = false;  // the reference computation (tests)
  std::shared_ptr<SearchContext> context;
  CountPasses count_passes = CountPasses::kPostings;
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::open(const std::vector<std::string>& paths,
                                                 std::shared_ptr<SearchContext> context) {
  auto impl = std::make_unique<Impl>();
  impl->paths = paths;
  impl->context = context ? std::move(context) : std::make_shared<SearchContext>();
  for (const auto& p : paths) {
    try {
      const size_t first = impl->shards.size();
      open_shards(p, impl->shards);
      for (size_t i = first; i < impl->shards.size(); ++i) {
        impl->db.add_database(impl->shards[i].db);
        if (!impl->shards[i].local) impl->remote = true;
      }
    } catch (const Xapian::DatabaseOpeningError& e) {
      return make_error(ErrorCode::kNotFound, p + ": no index here (run `policyindex index`): " + e.get_msg());
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::kIndex, p + ": " + e.get_description());
    } catch (const std::exception& e) {
      return make_error(ErrorCode::kInvalidArgument, p + ": " + e.what());
    }
  }
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

void Searcher::set_facet_tables(bool on) { impl_->facet_tables = on; }
void Searcher::set_reference_output(bool on) { impl_->reference_output = on; }
bool Searcher::last_counted_with_tables() const { return impl_->last_with_tables; }
void Searcher::set_count_passes(CountPasses passes) { impl_->count_passes = passes; }
size_t Searcher::cached_record_bytes() {
  size_t n = 0;
  for (const auto& shard : impl_->shards) {
    if (!shard.local) continue;
    impl_->db.reopen();
    if (auto table = impl_->context->impl().tables.get(shard.db)) n += table->records.bytes();
  }
  return n;
}

Result<SearchResult> Searcher::search(const SearchRequest& req, const Resolvers& resolvers) {
  constexpr unsigned kFlags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PURE_NOT |
                              Xapian::QueryParser::FLAG_WILDCARD;
  std::string trimmed = req.query;
  trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
  trimmed.erase(trimmed.find_last_not_of(" \t\r\n") + 1);
  const bool any_filter = !req.towns.empty() || !req.counties.empty() || !req.provisions.empty() ||
                          !req.stances.empty() || !req.types.empty() || !req.cites.empty();
  if (trimmed.empty() && !any_filter) {
    return make_error(ErrorCode::kInvalidArgument,
                      "empty query: give search words or a filter (town, county, provision, "
                      "stance, type, cites)");
  }
  if (req.limit > 1000) {
    return make_error(ErrorCode::kInvalidArgument, "limit " + std::to_string(req.limit) + " is over 1000");
  }
  std::string text;
  if (!trimmed.empty()) {
    auto pre = preprocess_query(trimmed);
    if (!pre) return tl::make_unexpected(pre.error());
    text = *pre;
  }

  // Filters from the request: OR within a facet, AND across facets.
  std::vector<Xapian::Query> filters;
  auto add_filter = [&](const std::vector<std::string>& values, std::string_view prefix,
                        const std::function<Result<std::string>(std::string_view)>& fn) -> Status {
    if (values.empty()) return {};
    std::vector<Xapian::Query> terms;
    for (const auto& v : values) {
      auto r = fn(v);
      if (!r) return tl::make_unexpected(r.error());
      terms.emplace_back(std::string(prefix) + *r);
    }
    filters.emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
    return {};
  };
  if (auto st = add_filter(req.towns, ix::kPrefixTown, resolvers.town); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.counties, ix::kPrefixCounty, resolvers.county); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.provisions, ix::kPrefixProvision, resolvers.provision); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.stances, ix::kPrefixStance, stance_value); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.types, ix::kPrefixType, plain_value); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.cites, ix::kPrefixCite, plain_value); !st) return tl::make_unexpected(st.error());

  auto& db = impl_->db;
  for (int attempt = 0;; ++attempt) {
    try {
      // A long-lived reader (the HTTP server) sees what `policyindex index` committed since
      // the last search; reopen() only checks the revision when nothing changed.
      if (attempt == 0) db.reopen();
      std::optional<Error> field_error;
      // The parser (with its field processors) only for a query with words: filter-only
      // listings do without it.
      std::optional<Xapian::QueryParser> qp;
      if (!text.empty()) {
        qp.emplace();
        qp->set_stemmer(impl_->stemmer);
        qp->set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);
        qp->set_default_op(Xapian::Query::OP_AND);
        qp->set_database(db);
        auto proc = [&](std::string_view prefix, ResolvingProcessor::Fn fn) {
          return (new ResolvingProcessor(std::string(prefix), std::move(fn), &field_error))->release();
        };
        qp->add_boolean_prefix("town", proc(ix::kPrefixTown, resolvers.town));
        qp->add_boolean_prefix("county", proc(ix::kPrefixCounty, resolvers.county));
        qp->add_boolean_prefix("provision", proc(ix::kPrefixProvision, resolvers.provision));
        qp->add_boolean_prefix("stance", proc(ix::kPrefixStance, stance_value));
        qp->add_boolean_prefix("type", proc(ix::kPrefixType, plain_value));
        qp->add_boolean_prefix("cites", proc(ix::kPrefixCite, plain_value));
        qp->add_boolean_prefix("cite", proc(ix::kPrefixCite, plain_value));
        qp->add_boolean_prefix("year", proc(ix::kPrefixYear, plain_value));
        qp->add_prefix("legal", proc(ix::kPrefixLegal, legal_value));
        // Ranges over value slots: date:2024-01-01..2025-06-30 (ISO dates compare as strings),
        // population:..20000.
        qp->add_rangeprocessor((new Xapian::RangeProcessor(ix::kSlotDate, "date:"))->release());
        qp->add_rangeprocessor((new Xapian::NumberRangeProcessor(ix::kSlotPopulation, "population:"))->release());
      }
      // Not Xapian::Query::MatchAll: that is one static object whose reference count is not
      // atomic, and searches on several threads copying it corrupt it (a use-after-free
      // under load). The empty term is the same query, built per search.
      const Xapian::Query match_all{std::string()};
      Xapian::Query query = match_all;
      bool ranked = false;
      std::string corrected;
      if (!text.empty()) {
        query = qp->parse_query(text, kFlags);
        if (field_error) {
          return make_error(ErrorCode::kInvalidArgument,
                            "bad query '" + req.query + "': " + field_error->message);
        }
        if (query.empty()) {
          if (!any_filter) {
            return make_error(ErrorCode::kInvalidArgument,
                              "bad query '" + req.query + "': no searchable words in it");
          }
          query = match_all;
        }
        for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
          const std::string term = *t;
          if (term.empty() || term[0] == 'Z' || term.rfind(ix::kPrefixLegal, 0) == 0 ||
              std::islower(static_cast<unsigned char>(term[0]))) {
            ranked = true;
          }
        }
      }
      if (!filters.empty()) {
        query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                              Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
      }

      Xapian::Enquire enquire(db);
      enquire.set_query(query);
      if (!ranked) enquire.set_sort_by_value(ix::kSlotSortKey, false);
      // Exact facets: from the shards' facet tables when every shard is local, else with
      // Xapian's value spies (the remote backend runs those on the server).
      std::vector<std::shared_ptr<const FacetTable>> tables;
      if (impl_->facet_tables) {
        for (const auto& shard : impl_->shards) {
          auto t = shard.local ? impl_->context->impl().tables.get(shard.db) : nullptr;
          if (!t) {
            tables.clear();
            break;
          }
          tables.push_back(std::move(t));
        }
      }
      const auto record_tables = tables;  // (the spies below take TABLES over)
      // One shard: its spy sees every match of the search itself. Several: each shard is
      // matched once more by a plain boolean Enquire that only counts (every match, so the
      // total is exact too), and the search itself need not look beyond its page.
      std::vector<std::unique_ptr<FacetSpy>> table_spies;
      std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> value_spies;
      Xapian::doccount counted_total = 0;
      const Xapian::doccount all = std::max<Xapian::doccount>(db.get_doccount(), 1);
      Xapian::doccount check_at_least = all;
      if (!ranked) {
        // Sorted by value, not by weight (scores are reported as 0): no weights to compute.
        enquire.set_weighting_scheme(Xapian::BoolWeight());
      }
      // Facets and total counted before the ranked pass, shard by shard: from the posting
      // lists (plain boolean queries), else by a boolean Enquire that only counts. Then the
      // search itself need not look beyond its page. With one shard and kOnePass (or a query
      // the posting lists cannot count under kPostings), the ranked pass counts with its spy.
      const auto passes = impl_->count_passes;
      bool counted_first = false;
      if (!tables.empty() && (tables.size() > 1 || passes != CountPasses::kOnePass)) {
        std::vector<std::unique_ptr<FacetSpy>> spies;
        Xapian::doccount sum = 0;
        for (size_t i = 0; i < tables.size(); ++i) {
          auto spy = std::make_unique<FacetSpy>(tables[i]);
          const Xapian::Database& shard = impl_->shards[i].db;
          std::optional<Xapian::doccount> n;
          if (passes == CountPasses::kAllPostings ||
              (passes == CountPasses::kPostings && (tables.size() > 1 || (ranked && prunes_well(query))))) {
            n = count_without_matcher(shard, query, *spy);
          }
          if (!n && (tables.size() > 1 || passes == CountPasses::kTwoPass)) {
            Xapian::Enquire counter(shard);
            counter.set_query(query);
            counter.set_weighting_scheme(Xapian::BoolWeight());
            counter.set_docid_order(Xapian::Enquire::DONT_CARE);
            counter.add_matchspy(spy.get());
            const auto shard_all = std::max<Xapian::doccount>(shard.get_doccount(), 1);
            n = counter.get_mset(0, 0, shard_all).get_matches_estimated();
          }
          if (!n) break;
          sum += *n;
          spies.push_back(std::move(spy));
        }
        if (spies.size() == tables.size()) {
          table_spies = std::move(spies);
          counted_total = sum;
          counted_first = true;
          check_at_least = static_cast<Xapian::doccount>(std::min<size_t>(req.offset + req.limit, all));
        }
      }
      if (!tables.empty() && !counted_first) {
        table_spies.push_back(std::make_unique<FacetSpy>(std::move(tables.front())));
        enquire.add_matchspy(table_spies.back().get());
      } else if (tables.empty()) {
        for (unsigned slot : kFacetSlots) {
          value_spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(slot));
          enquire.add_matchspy(value_spies.back().get());
        }
      }
      // checkatleast = the whole database: the matcher examines every match, so the spies
      // see the whole match set and the counts (and the total) are exact, not sampled.
      Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(req.offset),
                                           static_cast<Xapian::doccount>(req.limit), check_at_least);
      const Xapian::doccount total = counted_first ? counted_total : mset.get_matches_estimated();

      // Spelling suggestions cost a lookup per word: only when nothing matched (and not
      // over the remote backend, which has no spelling table).
      if (total == 0 && !text.empty() && !impl_->remote) {
        qp->parse_query(text, kFlags | Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
        corrected = qp->get_corrected_query_string();
      }
      const std::string suggestion = (!corrected.empty() && corrected != text) ? corrected : std::string();
      SearchResult out;
      out.query = req.query;
      out.total = total;
      out.offset = req.offset;
      out.limit = req.limit;
      out.suggestion = suggestion;
      if (table_spies.size() == 1 && !impl_->reference_output) {
        // The facet values point into the table's atoms: no string per value and search.
        table_spies.front()->sorted(out.facets);
        out.keep_alive.push_back(table_spies.front()->table());
      } else {
        auto counts = std::make_shared<FacetCounts>();  // by value (several shards, value spies, the reference)
        if (!table_spies.empty()) {
          for (const auto& spy : table_spies) spy->add_to(*counts);
        } else {
          for (size_t f = 0; f < kFacets; ++f) {
            for (auto it = value_spies[f]->values_begin(); it != value_spies[f]->values_end(); ++it) {
              add_joined(*it, it.get_termfreq(), (*counts)[f]);
            }
          }
        }
        for (size_t f = 0; f < kFacets; ++f) {
          out.facets[f].assign((*counts)[f].begin(), (*counts)[f].end());
          sort_counts(out.facets[f]);
        }
        out.keep_alive.push_back(std::move(counts));
      }
      add_hits(out, mset, query, ranked, impl_->stemmer, impl_->reference_output ? nullptr : &record_tables);
      impl_->last_with_tables = !table_spies.empty();
      return out;
    } catch (const Xapian::DatabaseModifiedError&) {
      // A writer committed while we read: reopen at the new revision and run again.
      if (attempt >= 3) return make_error(ErrorCode::kIndex, "the index kept changing while searching");
      db.reopen();
    } catch (const Xapian::QueryParserError& e) {
      return make_error(ErrorCode::kInvalidArgument, "bad query '" + req.query + "': " + e.get_msg());
    } catch (const Xapian::NetworkError& e) {
      return make_error(ErrorCode::kNetwork, "remote index: " + e.get_description());
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::kIndex, "search '" + req.query + "': " + e.get_description());
    }
  }
}

}  // namespace policyindex::query::detail
