// Exact facet counts: per-revision in-memory facet tables, the decoded-record cache, and
// counting the match set from posting lists without the matcher.
#include <algorithm>
#include <cstring>
#include <limits>

#include "query/search_parts.h"

namespace policyindex::query::detail {

namespace ix = policyindex::index;

void sort_counts(std::vector<std::pair<std::string_view, size_t>>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
}

void add_joined(std::string_view joined, Xapian::doccount n, std::unordered_map<std::string, Xapian::doccount>& out) {
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find(ix::kMultiValueSeparator, start);
    if (end == std::string_view::npos) end = joined.size();
    if (end > start) out[std::string(joined.substr(start, end - start))] += n;
    start = end + 1;
  }
}

// ---------------------------------------------------------------------------------------
// Exact facets from an in-memory table.
//
// For every local database (shard) at a given revision, FacetTable holds for each docid a
// small integer per facet: the id of the document's slot value (the joined multi-values as
// one string, as the writer stores them), 0 for none. It is read once from the six value
// streams when a reader first sees the revision, and shared by every Searcher of one
// SearchContext. Counting a match is then six array increments on its docid (FacetSpy), with no
// value read and no string: the strings are only looked at for the few distinct slot
// values at the end. The counts are those of Xapian's ValueCountMatchSpy over the same
// slots, which the remote backend still uses.

// ---------------------------------------------------------------------------------------
// Decoded hit records, per shard and revision (as Solr's documentCache): a hit's record
// costs Xapian a B-tree lookup, an 8 KB block read and zlib's inflate (6 µs, a third of a
// hit's cost), the same again for every search it appears in. Records decoded once are
// kept in memory up to the SearchContext's byte budget (set_record_cache_bytes; 0 turns
// it off). A new revision has a new table, so a cached record is never stale. When the budget
// is full, whole caches are emptied, the least recently used first (an old revision's
// before the current one's), and filled again: no per-hit bookkeeping of recency.

RecordCache::RecordCache(std::shared_ptr<CacheBudget> budget) : budget_(std::move(budget)) {
  std::lock_guard lock(budget_->registry_mu);
  budget_->registry.push_back(this);
}

RecordCache::~RecordCache() {
  std::lock_guard lock(budget_->registry_mu);  // not while make_room() is clearing it
  std::erase(budget_->registry, this);
  budget_->bytes -= bytes_;
}

std::shared_ptr<const ix::SectionRecord> RecordCache::find(Xapian::docid id) const {
  used_.store(++budget_->clock, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  return it == records_.end() ? nullptr : it->second;
}

size_t RecordCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

void RecordCache::insert(Xapian::docid id, std::shared_ptr<const ix::SectionRecord> record) {
  const size_t budget = budget_->budget.load(std::memory_order_relaxed);
  const size_t size = footprint(*record);
  if (size > budget) return;
  if (budget_->bytes.load(std::memory_order_relaxed) + size > budget) make_room(size, budget);
  std::lock_guard lock(mu_);
  if (budget_->bytes.load(std::memory_order_relaxed) + size > budget) return;  // others filled it again
  if (records_.emplace(id, std::move(record)).second) {
    bytes_ += size;
    budget_->bytes += size;
  }
}

// Empties whole caches, the least recently used first (old revisions, idle shards), until
// SIZE more bytes fit the budget.
void RecordCache::make_room(size_t size, size_t budget) {
  std::lock_guard reg(budget_->registry_mu);
  std::vector<RecordCache*> order = budget_->registry;
  std::sort(order.begin(), order.end(), [](const RecordCache* a, const RecordCache* b) {
    return a->used_.load(std::memory_order_relaxed) < b->used_.load(std::memory_order_relaxed);
  });
  for (RecordCache* cache : order) {
    if (budget_->bytes.load(std::memory_order_relaxed) + size <= budget) break;
    std::lock_guard lock(cache->mu_);
    budget_->bytes -= cache->bytes_;
    cache->bytes_ = 0;
    cache->records_.clear();
  }
}

size_t RecordCache::footprint(const ix::SectionRecord& r) {
  size_t n = sizeof r + 64;  // the record, its node and shared_ptr block
  for (const auto* str : {&r.section_id, &r.document_id, &r.town, &r.county, &r.doc_type, &r.title, &r.url,
                          &r.number, &r.heading, &r.text}) {
    n += str->capacity();
  }
  for (const auto& [p, st] : r.provisions) n += sizeof p * 2 + p.capacity() + st.capacity();
  for (const auto& c : r.cites) n += sizeof c + c.capacity();
  return n;
}

namespace {

// Splits every joined value of TABLE into its atoms (as add_joined counts them).
void split_atoms(FacetTable& table) {
  for (size_t f = 0; f < kFacets; ++f) {
    std::unordered_map<std::string, uint32_t> ids;
    auto& atoms = table.atoms[f];
    auto& value_atoms = table.value_atoms[f];
    value_atoms.resize(table.values[f].size());
    for (size_t v = 1; v < table.values[f].size(); ++v) {
      std::unordered_map<std::string, Xapian::doccount> parts;
      add_joined(table.values[f][v], 1, parts);
      for (const auto& [part, n] : parts) {
        auto found = ids.find(part);
        if (found == ids.end()) {
          found = ids.emplace(part, static_cast<uint32_t>(atoms.size())).first;
          atoms.push_back(part);
        }
        // A part repeated inside one joined value counts once per repeat, as add_joined.
        for (Xapian::doccount k = 0; k < n; ++k) value_atoms[v].push_back(found->second);
      }
    }
  }
}


// Reads the six facet value streams of SHARD (one sub-database). Null when a facet has more
// distinct slot values than fit a uint16 (the caller counts with value spies then).
std::shared_ptr<const FacetTable> build_facet_table(const Xapian::Database& shard, std::shared_ptr<CacheBudget> budget) {
  auto table = std::make_shared<FacetTable>(std::move(budget));
  table->docs.assign(static_cast<size_t>(shard.get_lastdocid()) + 1, {});
  for (size_t f = 0; f < kFacets; ++f) {
    auto& values = table->values[f];
    values.emplace_back();
    std::unordered_map<std::string, uint16_t> ids;
    const unsigned slot = kFacetSlots[f];
    for (auto it = shard.valuestream_begin(slot); it != shard.valuestream_end(slot); ++it) {
      const Xapian::docid id = it.get_docid();
      std::string value = *it;
      if (value.empty() || id >= table->docs.size()) continue;
      auto found = ids.find(value);
      if (found == ids.end()) {
        if (values.size() > 0xFFFF) return nullptr;
        found = ids.emplace(value, static_cast<uint16_t>(values.size())).first;
        values.push_back(std::move(value));
      }
      table->docs[id][f] = found->second;
    }
  }
  table->docs.shrink_to_fit();
  split_atoms(*table);
  return table;
}

}  // namespace

std::shared_ptr<const FacetTable> FacetTables::get(const Xapian::Database& shard) {
  const std::string key = shard.get_uuid() + ":" + std::to_string(shard.get_revision());
  std::promise<std::shared_ptr<const FacetTable>> promise;
  std::shared_future<std::shared_ptr<const FacetTable>> future;
  bool build = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
    if (it == entries_.end()) {
      if (entries_.size() >= kMaxEntries) {
        entries_.erase(std::min_element(entries_.begin(), entries_.end(),
                                        [](const Entry& a, const Entry& b) { return a.used < b.used; }));
      }
      entries_.push_back({key, promise.get_future().share(), 0});
      it = std::prev(entries_.end());
      build = true;
    }
    it->used = ++clock_;
    future = it->table;
  }
  if (build) {
    try {
      promise.set_value(build_facet_table(shard, budget_));
    } catch (...) {
      promise.set_exception(std::current_exception());
      std::lock_guard<std::mutex> lock(mu_);
      std::erase_if(entries_, [&](const Entry& e) { return e.key == key; });  // the next search tries again
    }
  }
  return future.get();
}


FacetSpy::FacetSpy(std::shared_ptr<const FacetTable> table) : table_(std::move(table)) {
  for (size_t f = 0; f < kFacets; ++f) counts_[f].assign(table_->values[f].size(), 0);
}

void FacetSpy::sorted(SortedFacets& out) const {
  for (size_t f = 0; f < kFacets; ++f) {
    const auto& c = counts_[f];
    std::vector<Xapian::doccount> atom_counts(table_->atoms[f].size(), 0);
    for (size_t v = 1; v < c.size(); ++v) {
      if (c[v] == 0) continue;
      for (uint32_t a : table_->value_atoms[f][v]) atom_counts[a] += c[v];
    }
    out[f].clear();
    for (size_t a = 0; a < atom_counts.size(); ++a) {
      if (atom_counts[a] != 0) out[f].emplace_back(table_->atoms[f][a], atom_counts[a]);
    }
    sort_counts(out[f]);
  }
}

void FacetSpy::add_to(FacetCounts& out) const {
  for (size_t f = 0; f < kFacets; ++f) {
    const auto& c = counts_[f];
    for (size_t v = 1; v < c.size(); ++v) {
      if (c[v] != 0) add_joined(table_->values[f][v], c[v], out[f]);
    }
  }
}

namespace {
// ---------------------------------------------------------------------------------------
// The match set without the matcher.
//
// Exact facets and totals need every match; Xapian's matcher spends ~100 ns on each (a
// Document object for the match spy, virtual calls, the weight), even with BoolWeight. For
// queries built only of terms and the boolean operators (AND, OR, AND_NOT, FILTER, ...),
// the match set is the same set algebra over the terms' posting lists, read straight into a
// bitmap by docid: a few ns per posting. The ranked pass then only needs its page, and
// Xapian's max-weight pruning may stop it early. Phrases, NEAR, wildcards, ranges and
// anything else return nullopt: those are counted by the spy in the ranked pass.

using DocBits = std::vector<uint64_t>;

// A restricted term looks its candidates up with skip_to when it has more postings than
// there are candidates, else reads its whole posting list (measured: bench_search).
constexpr size_t kSkipRatio = 1;

size_t count_bits(const DocBits& bits) {
  size_t n = 0;
  for (uint64_t w : bits) n += static_cast<size_t>(__builtin_popcountll(w));
  return n;
}

// A cheap upper estimate of how many documents Q matches on SHARD (to take rare parts first).
Xapian::doccount estimate_matches(const Xapian::Database& shard, const Xapian::Query& q, int depth = 0) {
  const Xapian::doccount all = shard.get_doccount();
  if (depth > 64) return all;
  switch (q.get_type()) {
    case Xapian::Query::LEAF_MATCH_NOTHING:
      return 0;
    case Xapian::Query::LEAF_TERM:
      if (q.get_terms_begin() != q.get_terms_end()) return shard.get_termfreq(*q.get_terms_begin());
      return all;
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER: {
      Xapian::doccount n = all;
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) n = std::min(n, estimate_matches(shard, q.get_subquery(i), depth + 1));
      return n;
    }
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX: {
      uint64_t n = 0;
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) n += estimate_matches(shard, q.get_subquery(i), depth + 1);
      return static_cast<Xapian::doccount>(std::min<uint64_t>(n, all));
    }
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_SCALE_WEIGHT:
      if (q.get_num_subqueries() > 0) return estimate_matches(shard, q.get_subquery(0), depth + 1);
      return all;
    default:
      return all;
  }
}

// The matches of Q on SHARD as a bitmap of WORDS words. WITHIN, when given, is a set the
// caller intersects the result with anyway: the result may leave out anything outside it
// (a rare term restricts a common one to skip_to's on the candidates).
std::optional<DocBits> match_bits(const Xapian::Database& shard, const Xapian::Query& q, size_t words,
                                  const DocBits* within, int depth = 0) {
  if (depth > 64) return std::nullopt;
  const auto limit = static_cast<Xapian::docid>(words * 64);
  auto read_postings = [&](const std::string& term) {
    DocBits bits(words, 0);
    if (within != nullptr && count_bits(*within) * kSkipRatio < shard.get_termfreq(term)) {
      // Few candidates against a long posting list: look each candidate up.
      auto it = shard.postlist_begin(term);
      const auto end = shard.postlist_end(term);
      for (size_t w = 0; w < words && it != end; ++w) {
        for (uint64_t b = (*within)[w]; b != 0 && it != end; b &= b - 1) {
          const auto id = static_cast<Xapian::docid>(w * 64 + static_cast<size_t>(__builtin_ctzll(b)));
          it.skip_to(id);
          if (it != end && *it == id) bits[w] |= uint64_t{1} << (id & 63);
        }
      }
      return bits;
    }
    for (auto it = shard.postlist_begin(term); it != shard.postlist_end(term); ++it) {
      const Xapian::docid id = *it;
      if (id < limit) bits[id >> 6] |= uint64_t{1} << (id & 63);
    }
    return bits;
  };
  const auto type = q.get_type();
  switch (type) {
    case Xapian::Query::LEAF_MATCH_NOTHING:
      return DocBits(words, 0);
    case Xapian::Query::LEAF_MATCH_ALL:
      if (within != nullptr) return *within;  // every candidate is a document
      return read_postings(std::string());
    case Xapian::Query::LEAF_TERM: {
      auto t = q.get_terms_begin();
      if (t == q.get_terms_end()) return within != nullptr ? *within : read_postings(std::string());
      return read_postings(*t);
    }
    case Xapian::Query::OP_SCALE_WEIGHT:
    case Xapian::Query::OP_AND_MAYBE:  // the optional side changes weights, not the set
      if (q.get_num_subqueries() == 0) return std::nullopt;
      return match_bits(shard, q.get_subquery(0), words, within, depth + 1);
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER: {
      // Rarest terms first; each next part only looks at what is left.
      std::vector<std::pair<Xapian::doccount, Xapian::Query>> parts;
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
        Xapian::Query sub = q.get_subquery(i);
        if (sub.get_type() == Xapian::Query::LEAF_MATCH_ALL ||
            (sub.get_type() == Xapian::Query::LEAF_TERM && sub.get_terms_begin() == sub.get_terms_end())) {
          continue;  // all documents: the other parts decide (one at least is kept below)
        }
        const Xapian::doccount freq = estimate_matches(shard, sub, depth + 1);
        parts.emplace_back(freq, std::move(sub));
      }
      if (parts.empty()) {
        if (q.get_num_subqueries() == 0) return std::nullopt;
        return match_bits(shard, q.get_subquery(0), words, within, depth + 1);
      }
      std::stable_sort(parts.begin(), parts.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
      std::optional<DocBits> acc;
      for (const auto& [freq, sub] : parts) {
        auto bits = match_bits(shard, sub, words, acc ? &*acc : within, depth + 1);
        if (!bits) return std::nullopt;
        if (!acc) {
          acc = std::move(bits);
        } else {
          for (size_t w = 0; w < words; ++w) (*acc)[w] &= (*bits)[w];
        }
      }
      return acc;
    }
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
    case Xapian::Query::OP_AND_NOT: {
      const size_t n = q.get_num_subqueries();
      if (n == 0) return std::nullopt;
      auto acc = match_bits(shard, q.get_subquery(0), words, within, depth + 1);
      if (!acc) return std::nullopt;
      for (size_t i = 1; i < n; ++i) {
        const bool minus = type == Xapian::Query::OP_AND_NOT;
        auto sub = match_bits(shard, q.get_subquery(i), words, minus ? &*acc : within, depth + 1);
        if (!sub) return std::nullopt;
        for (size_t w = 0; w < words; ++w) {
          if (minus) {
            (*acc)[w] &= ~(*sub)[w];
          } else {
            (*acc)[w] |= (*sub)[w];
          }
        }
      }
      return acc;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

// Whether the ranked pass of Q can stop early once the facets are counted: Xapian's
// max-weight pruning ends a single term's scan, and turns OR into AND_MAYBE, once the page
// is full of documents no remaining one can beat. Over AND, phrases and NOT it saves little
// and the pruning's bookkeeping costs more (bench_search): those count in the ranked pass.
bool prunes_well(const Xapian::Query& q, int depth) {
  if (depth > 64) return false;
  switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
      return true;
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SCALE_WEIGHT:
      return q.get_num_subqueries() > 0 && prunes_well(q.get_subquery(0), depth + 1);
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
      for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
        if (q.get_subquery(i).get_type() != Xapian::Query::LEAF_TERM) return false;
      }
      return q.get_num_subqueries() > 0;
    default:
      return false;
  }
}

// Counts the facets of every match of QUERY on SHARD into SPY, without the matcher; the
// number of matches, or nullopt when the query is not plain set algebra over terms.
std::optional<Xapian::doccount> count_without_matcher(const Xapian::Database& shard, const Xapian::Query& query,
                                                      FacetSpy& spy) {
  const size_t words = (static_cast<size_t>(spy.docid_limit()) + 63) / 64;
  auto bits = match_bits(shard, query, words, nullptr);
  if (!bits) return std::nullopt;
  Xapian::doccount n = 0;
  for (size_t w = 0; w < words; ++w) {
    for (uint64_t b = (*bits)[w]; b != 0; b &= b - 1) {
      spy.count(static_cast<Xapian::docid>(w * 64 + static_cast<size_t>(__builtin_ctzll(b))));
      ++n;
    }
  }
  return n;
}

}  // namespace policyindex::query::detail
