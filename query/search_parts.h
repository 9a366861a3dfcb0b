// Private to query/: the pieces search.cpp is made of. search_facets.cpp: exact facet counts
// from per-revision in-memory tables, the decoded-record cache, and counting without the
// matcher. search_parse.cpp: query preprocessing, field processors, opening shards.
#pragma once

#include <xapian.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "index/index.h"
#include "query/internal.h"

namespace policyindex::query::detail {

// -- facets ---------------------------------------------------------------------------------

// The six facets, in the order of the JSON answer (kFacetNames), with the value slot each counts.
constexpr size_t kFacets = kFacetCount;
constexpr std::array<unsigned, kFacets> kFacetSlots = {
    index::kSlotFacetTown,      index::kSlotFacetCounty, index::kSlotFacetProvision,
    index::kSlotFacetStance,    index::kSlotFacetType,   index::kSlotFacetCite};

using FacetCounts = std::array<std::unordered_map<std::string, Xapian::doccount>, kFacets>;
// Each facet's (value, count) pairs in the answer's order.
using SortedFacets = std::array<std::vector<std::pair<std::string_view, size_t>>, kFacets>;

// Largest count first, ties by value (so that answers do not depend on hash order).
void sort_counts(std::vector<std::pair<std::string_view, size_t>>& v);
// Adds N documents holding the slot value JOINED (multi-values joined with
// kMultiValueSeparator) to OUT: each value of the joined string counts N.
void add_joined(std::string_view joined, Xapian::doccount n, std::unordered_map<std::string, Xapian::doccount>& out);

// The byte budget of decoded hit records shared by every RecordCache of one SearchContext,
// and the list of those caches (to empty the least recently used when full).
class RecordCache;
struct CacheBudget {
  std::atomic<size_t> budget{64u << 20};
  std::atomic<size_t> bytes{0};
  std::atomic<uint64_t> clock{0};
  std::mutex registry_mu;
  std::vector<RecordCache*> registry;  // guarded by registry_mu
};

// Decoded hit records of one shard at one revision (as Solr's documentCache), counted
// against the context's CacheBudget.
class RecordCache {
 public:
  explicit RecordCache(std::shared_ptr<CacheBudget> budget);
  RecordCache(const RecordCache&) = delete;
  RecordCache& operator=(const RecordCache&) = delete;
  ~RecordCache();
  std::shared_ptr<const index::SectionRecord> find(Xapian::docid id) const;
  size_t bytes() const;
  void insert(Xapian::docid id, std::shared_ptr<const index::SectionRecord> record);
  bool enabled() const { return budget_->budget.load(std::memory_order_relaxed) > 0; }

 private:
  void make_room(size_t size, size_t budget);
  static size_t footprint(const index::SectionRecord& r);

  std::shared_ptr<CacheBudget> budget_;
  mutable std::mutex mu_;
  mutable std::atomic<uint64_t> used_{0};
  std::unordered_map<Xapian::docid, std::shared_ptr<const index::SectionRecord>> records_;  // guarded by mu_
  size_t bytes_ = 0;                                                                       // guarded by mu_
};

struct FacetTable {
  explicit FacetTable(std::shared_ptr<CacheBudget> budget) : records(std::move(budget)) {}
  std::vector<std::array<uint16_t, kFacets>> docs;          // by docid; [facet] = value id
  std::array<std::vector<std::string>, kFacets> values;     // [facet][id]; id 0 = no value
  // The single values a joined slot value holds (add_joined's split, done once):
  // atoms[facet][atom] and value_atoms[facet][id] = the atoms of value id.
  std::array<std::vector<std::string>, kFacets> atoms;
  std::array<std::vector<std::vector<uint32_t>>, kFacets> value_atoms;
  mutable RecordCache records;  // the shard's decoded hit records at this revision
};

// The facet tables of one SearchContext, by database UUID and revision: built once per
// revision by the first searcher that needs it (others wait for it), the few most recently
// used kept.
class FacetTables {
 public:
  explicit FacetTables(std::shared_ptr<CacheBudget> budget) : budget_(std::move(budget)) {}
  // The table of SHARD at its current revision; null when facets must be counted another
  // way. Xapian errors from building (e.g. DatabaseModifiedError) propagate.
  std::shared_ptr<const FacetTable> get(const Xapian::Database& shard);

 private:
  static constexpr size_t kMaxEntries = 4;
  struct Entry {
    std::string key;
    std::shared_future<std::shared_ptr<const FacetTable>> table;
    uint64_t used;
  };
  std::shared_ptr<CacheBudget> budget_;
  std::mutex mu_;
  std::vector<Entry> entries_;
  uint64_t clock_ = 0;
};

// Counts the facets of every match from one database's table. (With several databases
// searched as one, Xapian 1.4 hands match spies the shard's own docid without saying
// which shard it is: so each shard is counted by an Enquire of its own.)
class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(std::shared_ptr<const FacetTable> table);
  void operator()(const Xapian::Document& doc, double) override { count(doc.get_docid()); }
  void count(Xapian::docid id) {
    if (id >= table_->docs.size()) return;  // cannot happen at the table's revision
    const auto& row = table_->docs[id];
    for (size_t f = 0; f < kFacets; ++f) ++counts_[f][row[f]];
  }
  Xapian::docid docid_limit() const { return static_cast<Xapian::docid>(table_->docs.size()); }
  // The counts per single value, largest first (ties by value), pointing into the table's
  // atoms, without a string built per value and search.
  void sorted(SortedFacets& out) const;
  void add_to(FacetCounts& out) const;
  const std::shared_ptr<const FacetTable>& table() const { return table_; }

 private:
  std::shared_ptr<const FacetTable> table_;
  std::array<std::vector<Xapian::doccount>, kFacets> counts_;  // [facet][value id]
};

// Whether the ranked pass of Q can stop early once the facets are counted.
bool prunes_well(const Xapian::Query& q, int depth = 0);
// Counts the facets of every match of QUERY on SHARD into SPY, without the matcher; the
// number of matches, or nullopt when the query is not plain set algebra over terms.
std::optional<Xapian::doccount> count_without_matcher(const Xapian::Database& shard, const Xapian::Query& query,
                                                      FacetSpy& spy);

// -- parsing and opening --------------------------------------------------------------------

// Field values go through a FieldProcessor so that town names are matched forgivingly and
// unknown values become errors rather than silent empty results. Xapian's parser cannot
// carry our error out, so the processor records it and the caller checks afterwards.
class ResolvingProcessor : public Xapian::FieldProcessor {
 public:
  using Fn = std::function<Result<std::string>(std::string_view)>;
  ResolvingProcessor(std::string prefix, Fn fn, std::optional<Error>* error)
      : prefix_(std::move(prefix)), fn_(std::move(fn)), error_(error) {}
  Xapian::Query operator()(const std::string& value) override;

 private:
  std::string prefix_;
  Fn fn_;
  std::optional<Error>* error_;
};

Result<std::string> plain_value(std::string_view v);
Result<std::string> stance_value(std::string_view v);
Result<std::string> legal_value(std::string_view v);

struct Shard {
  Xapian::Database db;
  bool local = false;  // one local glass/chert database: has a revision, a facet table
};

// Opens SPEC as one or more shards: a database directory, "tcp:HOST:PORT" (a remote
// database served by xapian-tcpsrv), or a Xapian stub file, whose lines (auto/glass/chert
// PATH, remote HOST:PORT) become shards of their own so that local ones get facet tables.
void open_shards(const std::string& spec, std::vector<Shard>& out, int depth = 0);

}  // namespace policyindex::query::detail

namespace policyindex::query {

// What every Api of a SearchContext shares: the facet tables and the record cache.
struct SearchContext::Impl {
  std::shared_ptr<detail::CacheBudget> budget = std::make_shared<detail::CacheBudget>();
  detail::FacetTables tables{budget};
};

}  // namespace policyindex::query
