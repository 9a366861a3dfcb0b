// Search: Xapian's QueryParser with field prefixes, exact facet counts over the whole match
// set (multi-valued facets included), snippets, paging, several databases as one.
#include <xapian.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/utf8.h"
#include "index/index.h"
#include "query/internal.h"
#include "query/snippet.h"

namespace policyindex::query::detail {
namespace {

namespace ix = policyindex::index;

constexpr std::string_view kKnownFields[] = {"town", "county", "provision", "stance", "type",
                                              "cites", "cite", "year", "date", "population", "legal"};

bool is_known_field(std::string_view f) {
  return std::find(std::begin(kKnownFields), std::end(kKnownFields), f) != std::end(kKnownFields);
}

std::string known_fields_list() {
  std::string s;
  for (auto f : kKnownFields) {
    if (f == "cite" || f == "legal") continue;
    if (!s.empty()) s += " ";
    s += std::string(f) + ":";
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Field values go through a FieldProcessor so that town names are matched forgivingly and
// unknown values become errors rather than silent empty results. Xapian's parser cannot
// carry our error out, so the processor records it and the caller checks afterwards.
class ResolvingProcessor : public Xapian::FieldProcessor {
 public:
  using Fn = std::function<Result<std::string>(std::string_view)>;
  ResolvingProcessor(std::string prefix, Fn fn, std::optional<Error>* error)
      : prefix_(std::move(prefix)), fn_(std::move(fn)), error_(error) {}
  Xapian::Query operator()(const std::string& value) override {
    auto r = fn_(value);
    if (!r) {
      if (!*error_) *error_ = r.error();
      return Xapian::Query(prefix_ + value);
    }
    return Xapian::Query(prefix_ + *r);
  }

 private:
  std::string prefix_;
  Fn fn_;
  std::optional<Error>* error_;
};

Result<std::string> plain_value(std::string_view v) {
  if (v.empty()) return make_error(ErrorCode::kInvalidArgument, "empty field value");
  return ix::facet_term(v);
}

Result<std::string> stance_value(std::string_view v) {
  std::string s = lower(v);
  if (s == "protective" || s == "permissive" || s == "neutral") return s;
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown stance '" + std::string(v) + "'; use protective, permissive or neutral");
}

Result<std::string> legal_value(std::string_view v) {
  std::string s;
  for (char c : v) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (s.empty()) return make_error(ErrorCode::kInvalidArgument, "empty legal: value");
  return s;
}

// The six facets, in the order of the JSON answer, with the value slot each counts.
constexpr size_t kFacets = 6;
constexpr std::array<unsigned, kFacets> kFacetSlots = {ix::kSlotFacetTown,      ix::kSlotFacetCounty,
                                                       ix::kSlotFacetProvision, ix::kSlotFacetStance,
                                                       ix::kSlotFacetType,      ix::kSlotFacetCite};
constexpr std::array<const char*, kFacets> kFacetNames = {"town", "county", "provision", "stance", "doc_type", "cites"};

using FacetCounts = std::array<std::unordered_map<std::string, Xapian::doccount>, kFacets>;
// Each facet's (value, count) pairs in the answer's order.
using SortedFacets = std::array<std::vector<std::pair<std::string_view, Xapian::doccount>>, kFacets>;

// Largest count first, ties by value (so that answers do not depend on hash order).
void sort_counts(std::vector<std::pair<std::string_view, Xapian::doccount>>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
}

// Adds N documents holding the slot value JOINED (multi-values joined with
// kMultiValueSeparator) to OUT: each value of the joined string counts N.
void add_joined(std::string_view joined, Xapian::doccount n, std::unordered_map<std::string, Xapian::doccount>& out) {
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find(ix::kMultiValueSeparator, start);
    if (end == std::string_view::npos) end = joined.size();
    if (end > start) out[std::string(joined.substr(start, end - start))] += n;
    start = end + 1;
  }
}

// Counts, largest first (ties by value, so that answers do not depend on hash order), as a
// JSON object. Built through the object's vector: ordered_json's operator[] searches the
// keys linearly, which is quadratic over 351 towns.
Json facet_json(const std::unordered_map<std::string, Xapian::doccount>& counts) {
  std::vector<std::pair<std::string_view, Xapian::doccount>> v(counts.begin(), counts.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  Json o = Json::object();
  auto& items = static_cast<Json::object_t::Container&>(*o.get_ptr<Json::object_t*>());
  items.reserve(v.size());
  for (const auto& [k, n] : v) items.emplace_back(std::string(k), Json(n));
  return o;
}

// ---------------------------------------------------------------------------------------
// Exact facets from an in-memory table.
//
// For every local database (shard) at a given revision, FacetTable holds for each docid a
// small integer per facet: the id of the document's slot value (the joined multi-values as
// one string, as the writer stores them), 0 for none. It is read once from the six value
// streams when a reader first sees the revision, and shared by every Searcher in the
// process. Counting a match is then six array increments on its docid (FacetSpy), with no
// value read and no string: the strings are only looked at for the few distinct slot
// values at the end. The counts are those of Xapian's ValueCountMatchSpy over the same
// slots, which the remote backend still uses.

// ---------------------------------------------------------------------------------------
// Decoded hit records, per shard and revision (as Solr's documentCache): a hit's record
// costs Xapian a B-tree lookup, an 8 KB block read and zlib's inflate (6 µs, a third of a
// hit's cost), the same again for every search it appears in. Records decoded once are
// kept in memory up to a process-wide byte budget (set_record_cache_bytes; 0 turns it
// off). A new revision has a new table, so a cached record is never stale. When the budget
// is full, whole caches are emptied, the least recently used first (an old revision's
// before the current one's), and filled again: no per-hit bookkeeping of recency.

std::atomic<size_t> g_record_budget{64u << 20};
std::atomic<size_t> g_record_bytes{0};
std::atomic<uint64_t> g_record_clock{0};
class RecordCache;
std::mutex g_registry_mu;
std::vector<RecordCache*> g_registry;

class RecordCache {
 public:
  RecordCache() {
    std::lock_guard lock(registry_mu());
    registry().push_back(this);
  }
  RecordCache(const RecordCache&) = delete;
  RecordCache& operator=(const RecordCache&) = delete;
  ~RecordCache() {
    std::lock_guard lock(registry_mu());  // not while make_room() is clearing it
    std::erase(registry(), this);
    g_record_bytes -= bytes_;
  }

  std::shared_ptr<const ix::SectionRecord> find(Xapian::docid id) const {
    used_.store(tick(), std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    auto it = records_.find(id);
    return it == records_.end() ? nullptr : it->second;
  }

  size_t bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
  }

  void insert(Xapian::docid id, std::shared_ptr<const ix::SectionRecord> record) {
    const size_t budget = g_record_budget.load(std::memory_order_relaxed);
    const size_t size = footprint(*record);
    if (size > budget) return;
    if (g_record_bytes.load(std::memory_order_relaxed) + size > budget) make_room(size, budget);
    std::lock_guard lock(mu_);
    if (g_record_bytes.load(std::memory_order_relaxed) + size > budget) return;  // others filled it again
    if (records_.emplace(id, std::move(record)).second) {
      bytes_ += size;
      g_record_bytes += size;
    }
  }

 private:
  // Every live cache, guarded by g_registry_mu: constant-initialised, so they outlive the
  // static FacetTables whose tables hold caches.
  static std::mutex& registry_mu() { return g_registry_mu; }
  static std::vector<RecordCache*>& registry() { return g_registry; }
  static uint64_t tick() { return ++g_record_clock; }

  // Empties whole caches, the least recently used first (old revisions, idle shards), until
  // SIZE more bytes fit the budget.
  static void make_room(size_t size, size_t budget) {
    std::lock_guard reg(registry_mu());
    std::vector<RecordCache*> order = registry();
    std::sort(order.begin(), order.end(), [](const RecordCache* a, const RecordCache* b) {
      return a->used_.load(std::memory_order_relaxed) < b->used_.load(std::memory_order_relaxed);
    });
    for (RecordCache* cache : order) {
      if (g_record_bytes.load(std::memory_order_relaxed) + size <= budget) break;
      std::lock_guard lock(cache->mu_);
      g_record_bytes -= cache->bytes_;
      cache->bytes_ = 0;
      cache->records_.clear();
    }
  }

  static size_t footprint(const ix::SectionRecord& r) {
    size_t n = sizeof r + 64;  // the record, its node and shared_ptr block
    for (const auto* str : {&r.section_id, &r.document_id, &r.town, &r.county, &r.doc_type, &r.title, &r.url,
                            &r.number, &r.heading, &r.text}) {
      n += str->capacity();
    }
    for (const auto& [p, st] : r.provisions) n += sizeof p * 2 + p.capacity() + st.capacity();
    for (const auto& c : r.cites) n += sizeof c + c.capacity();
    return n;
  }

  mutable std::mutex mu_;
  mutable std::atomic<uint64_t> used_{0};
  std::unordered_map<Xapian::docid, std::shared_ptr<const ix::SectionRecord>> records_;  // guarded by mu_
  size_t bytes_ = 0;                                                                    // guarded by mu_
};

struct FacetTable {
  std::vector<std::array<uint16_t, kFacets>> docs;          // by docid; [facet] = value id
  std::array<std::vector<std::string>, kFacets> values;     // [facet][id]; id 0 = no value
  // The single values a joined slot value holds (add_joined's split, done once):
  // atoms[facet][atom] and value_atoms[facet][id] = the atoms of value id.
  std::array<std::vector<std::string>, kFacets> atoms;
  std::array<std::vector<std::vector<uint32_t>>, kFacets> value_atoms;
  mutable RecordCache records;  // the shard's decoded hit records at this revision
};

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
std::shared_ptr<const FacetTable> build_facet_table(const Xapian::Database& shard) {
  auto table = std::make_shared<FacetTable>();
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

// The facet tables of the process, by database UUID and revision: built once per revision
// by the first searcher that needs it (others wait for it), the few most recently used kept.
class FacetTables {
 public:
  static FacetTables& instance() {
    static FacetTables tables;
    return tables;
  }

  // The table of SHARD at its current revision; null when facets must be counted another
  // way. Xapian errors from building (e.g. DatabaseModifiedError) propagate.
  std::shared_ptr<const FacetTable> get(const Xapian::Database& shard) {
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
        promise.set_value(build_facet_table(shard));
      } catch (...) {
        promise.set_exception(std::current_exception());
        std::lock_guard<std::mutex> lock(mu_);
        std::erase_if(entries_, [&](const Entry& e) { return e.key == key; });  // the next search tries again
      }
    }
    return future.get();
  }

 private:
  static constexpr size_t kMaxEntries = 4;
  struct Entry {
    std::string key;
    std::shared_future<std::shared_ptr<const FacetTable>> table;
    uint64_t used;
  };
  std::mutex mu_;
  std::vector<Entry> entries_;
  uint64_t clock_ = 0;
};

// Counts the facets of every match from one database's table. (With several databases
// searched as one, Xapian 1.4 hands match spies the shard's own docid without saying
// which shard it is: so each shard is counted by an Enquire of its own.)
class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(std::shared_ptr<const FacetTable> table) : table_(std::move(table)) {
    for (size_t f = 0; f < kFacets; ++f) counts_[f].assign(table_->values[f].size(), 0);
  }

  void operator()(const Xapian::Document& doc, double) override { count(doc.get_docid()); }

  void count(Xapian::docid id) {
    if (id >= table_->docs.size()) return;  // cannot happen at the table's revision
    const auto& row = table_->docs[id];
    for (size_t f = 0; f < kFacets; ++f) ++counts_[f][row[f]];
  }

  Xapian::docid docid_limit() const { return static_cast<Xapian::docid>(table_->docs.size()); }

  // The counts per single value, largest first (ties by value): what facet_json makes of
  // add_to's maps, without a string built per value and search.
  void sorted(SortedFacets& out) const {
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

  void add_to(FacetCounts& out) const {
    for (size_t f = 0; f < kFacets; ++f) {
      const auto& c = counts_[f];
      for (size_t v = 1; v < c.size(); ++v) {
        if (c[v] != 0) add_joined(table_->values[f][v], c[v], out[f]);
      }
    }
  }

 private:
  std::shared_ptr<const FacetTable> table_;
  std::array<std::vector<Xapian::doccount>, kFacets> counts_;  // [facet][value id]
};

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

// Whether the ranked pass of Q can stop early once the facets are counted: Xapian's
// max-weight pruning ends a single term's scan, and turns OR into AND_MAYBE, once the page
// is full of documents no remaining one can beat. Over AND, phrases and NOT it saves little
// and the pruning's bookkeeping costs more (bench_search): those count in the ranked pass.
bool prunes_well(const Xapian::Query& q, int depth = 0) {
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

// ---------------------------------------------------------------------------------------
// Opening databases

struct Shard {
  Xapian::Database db;
  bool local = false;  // one local glass/chert database: has a revision, a facet table
};

Xapian::Database open_remote(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("remote shard '" + host_port + "' is not HOST:PORT");
  std::string host = host_port.substr(0, colon);
  unsigned port = static_cast<unsigned>(std::stoul(host_port.substr(colon + 1)));
  return Xapian::Remote::open(host, port);
}

// Opens SPEC as one or more shards: a database directory, "tcp:HOST:PORT" (a remote
// database served by xapian-tcpsrv), or a Xapian stub file, whose lines (auto/glass/chert
// PATH, remote HOST:PORT) become shards of their own so that local ones get facet tables.
void open_shards(const std::string& spec, std::vector<Shard>& out, int depth = 0) {
  if (spec.rfind("tcp:", 0) == 0) {
    out.push_back({open_remote(spec.substr(4)), false});
    return;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(spec, ec) || depth > 4) {
    out.push_back({Xapian::Database(spec), fs::is_directory(spec, ec)});
    return;
  }
  Xapian::Database whole(spec);  // Xapian's own reading of the stub: errors, and the shard count
  std::vector<Shard> parts;
  std::ifstream in(spec);
  std::string line;
  bool understood = true;
  while (understood && std::getline(in, line)) {
    std::istringstream words(line);
    std::string type, rest;
    if (!(words >> type) || type[0] == '#') continue;
    std::getline(words >> std::ws, rest);
    if (type == "auto" || type == "glass" || type == "chert") {
      fs::path p(rest);
      if (p.is_relative()) p = fs::path(spec).parent_path() / p;
      open_shards(p.string(), parts, depth + 1);
    } else if (type == "remote" && !rest.empty() && rest[0] != ':') {
      parts.push_back({open_remote(rest), false});
    } else {
      understood = false;
    }
  }
  if (understood && parts.size() == whole.size()) {
    for (auto& p : parts) out.push_back(std::move(p));
  } else {
    out.push_back({whole, false});  // searched as Xapian opened it; facets by value spies
  }
}

}  // namespace

Result<std::string> preprocess_query(std::string_view input) {
  // Curly quotes are what word processors and phones type.
  std::string q;
  for (size_t i = 0; i < input.size(); ++i) {
    if (input.compare(i, 3, "\xE2\x80\x9C") == 0 || input.compare(i, 3, "\xE2\x80\x9D") == 0) {
      q += '"';
      i += 2;
    } else {
      q += input[i];
    }
  }
  if (std::count(q.begin(), q.end(), '"') % 2 != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "bad query '" + std::string(input) + "': unbalanced quotes");
  }
  // Legal tokens outside phrases become legal:TOKEN (ORed with the words of the token, so
  // that the section text written differently still matches through the normalized term).
  std::string out;
  auto tokens = ix::find_legal_tokens(q);
  size_t pos = 0;
  for (const auto& t : tokens) {
    size_t quotes_before = static_cast<size_t>(std::count(q.begin(), q.begin() + static_cast<long>(t.begin), '"'));
    if (quotes_before % 2 != 0) continue;  // inside a phrase: leave as typed
    // Only whole words: the token must not be glued to a field prefix ("town:...").
    if (t.begin > 0 && q[t.begin - 1] == ':') continue;
    out.append(q, pos, t.begin - pos);
    out += "legal:" + t.terms.front();
    pos = t.end;
  }
  out.append(q, pos, std::string::npos);
  // Unknown field prefixes and unbalanced parentheses, outside phrases.
  bool in_phrase = false;
  int depth = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (c == '"') {
      in_phrase = !in_phrase;
      continue;
    }
    if (in_phrase) continue;
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) break;
    if (c == ':' && i > 0 && std::isalpha(static_cast<unsigned char>(out[i - 1]))) {
      size_t b = i;
      while (b > 0 && (std::isalnum(static_cast<unsigned char>(out[b - 1])) || out[b - 1] == '_')) --b;
      std::string field = out.substr(b, i - b);
      bool at_word_start = b == 0 || std::isspace(static_cast<unsigned char>(out[b - 1])) ||
                           out[b - 1] == '(' || out[b - 1] == '+' || out[b - 1] == '-';
      if (at_word_start && !is_known_field(lower(field))) {
        return make_error(ErrorCode::kInvalidArgument,
                          "bad query '" + std::string(input) + "': unknown field '" + field +
                              ":'; known fields: " + known_fields_list());
      }
      if (i + 1 >= out.size() || std::isspace(static_cast<unsigned char>(out[i + 1]))) {
        return make_error(ErrorCode::kInvalidArgument,
                          "bad query '" + std::string(input) + "': '" + field + ":' needs a value");
      }
    }
  }
  if (depth != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "bad query '" + std::string(input) + "': unbalanced parentheses");
  }
  return ix::fold_text(out, false);
}

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

// ---------------------------------------------------------------------------------------
// The answer's JSON, written straight into one string (no DOM): the bytes are those of
// nlohmann's dump() of the object reference_json builds (tests compare the two).


// A JSON string as nlohmann's dump() writes it (UTF-8 kept, control characters escaped);
// invalid UTF-8, which dump() refuses, becomes U+FFFD as with its `replace` handler.
void put_string(std::string& out, std::string_view s) {
  const size_t start = out.size();
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    if (i + 8 <= n) {
      // Eight bytes at a time while none is non-ASCII, a control character, '"' or '\\'.
      constexpr uint64_t k01 = 0x0101010101010101ULL, k80 = 0x8080808080808080ULL;
      uint64_t v;
      std::memcpy(&v, s.data() + i, 8);
      const uint64_t quote = v ^ (k01 * '"'), backslash = v ^ (k01 * '\\');
      if (((v | ((v - k01 * 0x20) & ~v) | ((quote - k01) & ~quote) | ((backslash - k01) & ~backslash)) & k80) == 0) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = utf8_sequence(s, i);
      if (len == 0) {
        out.resize(start);
        out += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
        return;
      }
      i += len;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    run = ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out.append(s.data() + run, n - run);
  out.push_back('"');
}

template <class Int>
void put_int(std::string& out, Int v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// `"key":` (KEY needs no escaping).
void put_key(std::string& out, std::string_view key) {
  out.push_back('"');
  out.append(key);
  out.append("\":", 2);
}

std::string hit_snippet(const Xapian::MSet& mset, const std::string& text, const Xapian::Stem& stemmer) {
  return mset.snippet(text, 300, stemmer, Xapian::MSet::SNIPPET_EXHAUSTIVE, "<b>", "</b>", "…");
}

// The records of a search's hits: from the shards' record caches when every shard is
// local (TABLES, one per shard, in the combined database's order), else from Xapian.
class HitRecords {
 public:
  explicit HitRecords(const std::vector<std::shared_ptr<const FacetTable>>& tables) : tables_(tables) {}

  // The record of the hit at IT; null when its data is neither record format (skipped).
  std::shared_ptr<const ix::SectionRecord> get(const Xapian::MSetIterator& it) const {
    const bool cached = !tables_.empty() && g_record_budget.load(std::memory_order_relaxed) > 0;
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

std::string write_json(const SearchRequest& req, Xapian::doccount total, const std::string& suggestion,
                       const Xapian::MSet& mset, const Xapian::Query& query, bool ranked,
                       const Xapian::Stem& stemmer, const SortedFacets& facets, const HitRecords& records) {
  Snipper snipper(mset, query, stemmer);
  std::string out;
  out.reserve(2048 + 1024 * mset.size());
  out += "{\"query\":";
  put_string(out, req.query);
  out += ",\"total\":";
  put_int(out, total);
  out += ",\"offset\":";
  put_int(out, req.offset);
  out += ",\"limit\":";
  put_int(out, req.limit);
  out += ",\"suggestion\":";
  put_string(out, suggestion);
  out += ",\"hits\":[";
  bool first_hit = true;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const auto record = records.get(it);
    if (!record) continue;
    const ix::SectionRecord& rec = *record;
    if (!first_hit) out.push_back(',');
    first_hit = false;
    out.push_back('{');
    const std::pair<std::string_view, const std::string*> fields[] = {
        {"section_id", &rec.section_id}, {"document_id", &rec.document_id}, {"town", &rec.town},
        {"county", &rec.county},         {"doc_type", &rec.doc_type},       {"title", &rec.title},
        {"url", &rec.url},               {"number", &rec.number},           {"heading", &rec.heading}};
    for (const auto& [key, value] : fields) {
      put_key(out, key);
      put_string(out, *value);
      out.push_back(',');
    }
    put_key(out, "page");
    if (rec.page) {
      put_int(out, *rec.page);
    } else {
      out += "null";
    }
    out.push_back(',');
    put_key(out, "snippet");
    put_string(out, snipper(rec.text));
    out += ",\"provisions\":[";
    for (size_t i = 0; i < rec.provisions.size(); ++i) {
      if (i) out.push_back(',');
      out += "{\"provision\":";
      put_string(out, rec.provisions[i].first);
      out += ",\"stance\":";
      put_string(out, rec.provisions[i].second);
      out.push_back('}');
    }
    out += "],\"cites\":[";
    for (size_t i = 0; i < rec.cites.size(); ++i) {
      if (i) out.push_back(',');
      put_string(out, rec.cites[i]);
    }
    out += "],\"rank\":";
    put_int(out, it.get_rank() + 1);
    out += ",\"score\":";
    put_int(out, ranked ? it.get_percent() : 0);
    out.push_back('}');
  }
  out += "],\"facets\":{";
  for (size_t f = 0; f < kFacets; ++f) {
    if (f) out.push_back(',');
    put_key(out, kFacetNames[f]);
    out.push_back('{');
    bool first = true;
    for (const auto& [value, n] : facets[f]) {
      if (!first) out.push_back(',');
      first = false;
      put_string(out, value);
      out.push_back(':');
      put_int(out, n);
    }
    out.push_back('}');
  }
  out += "}}";
  return out;
}

// The same answer built as an nlohmann DOM and dumped: the reference write_json is checked
// against (Searcher::set_reference_output).
std::string reference_json(const SearchRequest& req, Xapian::doccount total, const std::string& suggestion,
                           const Xapian::MSet& mset, bool ranked, const Xapian::Stem& stemmer,
                           const FacetCounts& counts) {
  Json out;
  out["query"] = req.query;
  out["total"] = total;
  out["offset"] = req.offset;
  out["limit"] = req.limit;
  out["suggestion"] = suggestion;
  Json hits = Json::array();
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    ix::SectionRecord rec;
    if (!ix::decode_section_record(it.get_document().get_data(), rec)) continue;
    Json hit;
    hit["section_id"] = rec.section_id;
    hit["document_id"] = rec.document_id;
    hit["town"] = rec.town;
    hit["county"] = rec.county;
    hit["doc_type"] = rec.doc_type;
    hit["title"] = rec.title;
    hit["url"] = rec.url;
    hit["number"] = rec.number;
    hit["heading"] = rec.heading;
    hit["page"] = rec.page ? Json(*rec.page) : Json(nullptr);
    hit["snippet"] = hit_snippet(mset, rec.text, stemmer);
    Json provs = Json::array();
    for (const auto& [p, st] : rec.provisions) provs.push_back({{"provision", p}, {"stance", st}});
    hit["provisions"] = std::move(provs);
    hit["cites"] = rec.cites;
    hit["rank"] = it.get_rank() + 1;
    hit["score"] = ranked ? it.get_percent() : 0;
    hits.push_back(std::move(hit));
  }
  out["hits"] = std::move(hits);
  Json facets = Json::object();
  for (size_t f = 0; f < kFacets; ++f) facets[kFacetNames[f]] = facet_json(counts[f]);
  out["facets"] = std::move(facets);
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace policyindex::query::detail

namespace policyindex::query {
void set_record_cache_bytes(size_t bytes) { detail::g_record_budget = bytes; }
}  // namespace policyindex::query

namespace policyindex::query::detail {

struct Searcher::Impl {
  std::vector<std::string> paths;
  std::vector<Shard> shards;  // each shares its sub-database with db (reopened with it)
  Xapian::Database db;        // all shards searched as one
  Xapian::Stem stemmer{new CachingStemmer()};
  bool remote = false;        // some shard is remote (no spelling table)
  bool facet_tables = true;   // count facets from FacetTables where every shard is local
  bool last_with_tables = false;
  bool reference_output = false;  // build the answer as an nlohmann DOM (tests)
  CountPasses count_passes = CountPasses::kPostings;
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::open(const std::vector<std::string>& paths) {
  auto impl = std::make_unique<Impl>();
  impl->paths = paths;
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
    if (auto table = FacetTables::instance().get(shard.db)) n += table->records.bytes();
  }
  return n;
}

Result<std::string> Searcher::search(const SearchRequest& req, const Resolvers& resolvers) {
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
          auto t = shard.local ? FacetTables::instance().get(shard.db) : nullptr;
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
      FacetCounts counts;  // by value (several shards, value spies, the reference)
      SortedFacets facets;
      if (table_spies.size() == 1 && !impl_->reference_output) {
        table_spies.front()->sorted(facets);
      } else {
        if (!table_spies.empty()) {
          for (const auto& spy : table_spies) spy->add_to(counts);
        } else {
          for (size_t f = 0; f < kFacets; ++f) {
            for (auto it = value_spies[f]->values_begin(); it != value_spies[f]->values_end(); ++it) {
              add_joined(*it, it.get_termfreq(), counts[f]);
            }
          }
        }
        for (size_t f = 0; f < kFacets; ++f) {
          facets[f].assign(counts[f].begin(), counts[f].end());
          sort_counts(facets[f]);
        }
      }
      std::string out = impl_->reference_output
                            ? reference_json(req, total, suggestion, mset, ranked, impl_->stemmer, counts)
                            : write_json(req, total, suggestion, mset, query, ranked, impl_->stemmer, facets,
                                         HitRecords(record_tables));
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
