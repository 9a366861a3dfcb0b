// The incremental writer: catalog rows in, one Xapian document per section out.
//
// Protocol (crash safety): the documents to (re)index are those whose current version,
// status or extraction fingerprint differs from what the catalog says the index holds. A
// batch of documents is written inside one Xapian transaction (delete every section of the
// document by its XDOC term, then replace_document by each section's unique id term), and
// the catalog's indexed_* columns are updated only after the Xapian commit. A SIGKILL before
// the commit loses the batch (Xapian keeps the last committed revision); a SIGKILL between
// the commit and the catalog update makes the next run redo those documents, which is
// harmless because every write is an idempotent replace.
#include <xapian.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "index/index.h"

namespace policyindex::index {
namespace {

using nlohmann::json;

struct TownInfo {
  std::string name;
  std::string county;
  std::optional<int64_t> population;
};

struct PendingDoc {
  int64_t id = 0;
  std::string status;
  std::optional<int64_t> version_id;
  std::optional<int64_t> municipality_id;
  std::string url;
  std::string doc_type;
  std::string title;
  bool extracted = false;
  std::string fingerprint;
  std::string fetched_at;
  bool was_indexed = false;
};

constexpr std::string_view kFingerprintSql =
    "coalesce(e.extracted_at,'') || '|' || coalesce(e.tagger_version,'') || '|' || "
    "coalesce(e.status,'') || '|' || d.title || '|' || d.doc_type || '|' || "
    "coalesce(d.municipality_id,'') || '|' || coalesce(e.title,'')";

std::string join_sorted(std::set<std::string> values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += kMultiValueSeparator;
    out += v;
  }
  return out;
}

std::string pad(int64_t n, int width) {
  std::string s = std::to_string(n);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

class Writer {
 public:
  Writer(corpus::Store& store, const IndexOptions& options) : store_(store), options_(options) {}

  Result<IndexStats> run() {
    auto t0 = std::chrono::steady_clock::now();
    const auto dir = options_.index_dir.empty() ? store_.index_dir() : options_.index_dir;
    try {
      bool fresh = options_.rebuild || !std::filesystem::exists(dir);
      if (options_.rebuild) {
        // Forget what the catalog thinks the index holds before the index is dropped: a
        // kill between the two then re-indexes everything, which is what was asked for.
        if (auto st = forget_indexed(); !st) return tl::make_unexpected(st.error());
      }
      db_ = Xapian::WritableDatabase(dir.string(), options_.rebuild
                                                       ? Xapian::DB_CREATE_OR_OVERWRITE
                                                       : Xapian::DB_CREATE_OR_OPEN);
      // The catalog's indexed_* columns describe one particular database: a deleted,
      // replaced or foreign index directory has another UUID, and is filled from scratch.
      const std::string uuid = db_.get_uuid();
      auto known = meta("xapian_uuid");
      if (!known) return tl::make_unexpected(known.error());
      if (fresh || *known != uuid) {
        if (auto st = forget_indexed(); !st) return tl::make_unexpected(st.error());
        if (auto st = set_meta("xapian_uuid", uuid); !st) return tl::make_unexpected(st.error());
      }
      if (auto st = load_towns(); !st) return tl::make_unexpected(st.error());
      auto pending = load_pending();
      if (!pending) return tl::make_unexpected(pending.error());

      termgen_.set_stemmer(Xapian::Stem("english"));
      termgen_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
      if (options_.spelling) {
        termgen_.set_database(db_);
        termgen_.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
      }

      IndexProgress progress;
      progress.documents_total = pending->size();
      std::vector<const PendingDoc*> batch;
      size_t batch_sections = 0;
      bool in_txn = false;
      auto flush = [&]() -> Status {
        if (!in_txn) return {};
        db_.commit_transaction();
        in_txn = false;
        if (auto st = mark_indexed(batch); !st) return st;
        progress.documents_done += batch.size();
        progress.sections_added = stats_.sections_added;
        batch.clear();
        batch_sections = 0;
        if (options_.progress) options_.progress(progress);
        return {};
      };
      for (const auto& doc : *pending) {
        const bool gone = doc.status == "gone";
        if (!gone && (!doc.version_id || !doc.extracted)) {
          ++stats_.documents_pending;
          continue;
        }
        if (!in_txn) {
          db_.begin_transaction();
          in_txn = true;
        }
        db_.delete_document(std::string(kPrefixDocument) + std::to_string(doc.id));
        if (gone) {
          if (doc.was_indexed) ++stats_.documents_removed;
        } else {
          auto n = index_document(doc);
          if (!n) {
            db_.cancel_transaction();
            return tl::make_unexpected(n.error());
          }
          batch_sections += *n;
          ++stats_.documents_indexed;
        }
        batch.push_back(&doc);
        if (batch_sections >= options_.batch_sections) {
          if (auto st = flush(); !st) return tl::make_unexpected(st.error());
        }
      }
      if (auto st = flush(); !st) return tl::make_unexpected(st.error());
      db_.commit();
      stats_.sections_in_index = db_.get_doccount();
      db_.close();
    } catch (const Xapian::DatabaseLockError& e) {
      return make_error(ErrorCode::kBusy, dir.string() + ": another process is writing the index (" +
                                              e.get_msg() + ")");
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::kIndex, dir.string() + ": " + e.get_description());
    }
    stats_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return stats_;
  }

 private:
  Result<std::string> meta(std::string_view key) {
    auto stmt = store_.catalog().prepare("SELECT value FROM meta WHERE key=?1");
    if (!stmt) return tl::make_unexpected(stmt.error());
    stmt->bind(1, key);
    auto row = stmt->step();
    if (!row) return tl::make_unexpected(row.error());
    return *row ? stmt->text(0) : std::string();
  }

  Status set_meta(std::string_view key, std::string_view value) {
    auto stmt = store_.catalog().prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
    if (!stmt) return tl::make_unexpected(stmt.error());
    stmt->bind(1, key).bind(2, value);
    return stmt->run();
  }

  Status forget_indexed() {
    return store_.catalog().exec(
        "UPDATE documents SET indexed_version_id=NULL, indexed_status=NULL, "
        "indexed_fingerprint=NULL");
  }

  Status load_towns() {
    auto towns = store_.catalog().municipalities();
    if (!towns) return tl::make_unexpected(towns.error());
    for (auto& [id, m] : *towns) towns_[id] = TownInfo{m.name, m.county, m.population};
    return {};
  }

  Result<std::vector<PendingDoc>> load_pending() {
    const std::string fp(kFingerprintSql);
    auto stmt = store_.catalog().prepare(
        "SELECT d.id, d.status, d.current_version_id, d.municipality_id, d.url, d.doc_type, "
        "CASE WHEN d.title <> '' THEN d.title ELSE coalesce(e.title, '') END, "
        "e.version_id IS NOT NULL AND e.status = 'ok', " + fp + ", coalesce(v.fetched_at, ''), "
        "d.indexed_version_id IS NOT NULL AND d.indexed_status = 'active' "
        "FROM documents d LEFT JOIN extractions e ON e.version_id = d.current_version_id "
        "LEFT JOIN versions v ON v.id = d.current_version_id "
        "WHERE d.indexed_version_id IS NOT d.current_version_id "
        "OR d.indexed_status IS NOT d.status OR d.indexed_fingerprint IS NOT (" + fp + ") "
        "ORDER BY d.id");
    if (!stmt) return tl::make_unexpected(stmt.error());
    std::vector<PendingDoc> out;
    while (true) {
      auto row = stmt->step();
      if (!row) return tl::make_unexpected(row.error());
      if (!*row) break;
      PendingDoc d;
      d.id = stmt->int64(0);
      d.status = stmt->text(1);
      d.version_id = stmt->opt_int64(2);
      d.municipality_id = stmt->opt_int64(3);
      d.url = stmt->text(4);
      d.doc_type = stmt->text(5);
      d.title = stmt->text(6);
      d.extracted = stmt->int64(7) != 0;
      d.fingerprint = stmt->text(8);
      d.fetched_at = stmt->text(9);
      d.was_indexed = stmt->int64(10) != 0;
      out.push_back(std::move(d));
    }
    // A version whose extraction failed has no sections: it is "indexed" as empty.
    auto failed = store_.catalog().prepare("SELECT status FROM extractions WHERE version_id=?1");
    if (!failed) return tl::make_unexpected(failed.error());
    for (auto& d : out) {
      if (d.extracted || !d.version_id) continue;
      failed->bind(1, *d.version_id);
      auto row = failed->step();
      if (!row) return tl::make_unexpected(row.error());
      if (*row && failed->text(0) != "ok") d.extracted = true;  // index as empty
      failed->reset();
    }
    return out;
  }

  Result<size_t> index_document(const PendingDoc& doc) {
    auto sections = store_.catalog().sections_of(*doc.version_id);
    if (!sections) return tl::make_unexpected(sections.error());
    const TownInfo* town = nullptr;
    if (doc.municipality_id) {
      auto it = towns_.find(*doc.municipality_id);
      if (it != towns_.end()) town = &it->second;
    }
    const std::string town_name = town ? town->name : "";
    const std::string county = town ? town->county : "";
    const std::string title = doc.title.empty() ? doc.url : doc.title;
    const std::string date = doc.fetched_at.substr(0, 10);
    const std::string year = doc.fetched_at.substr(0, 4);
    std::set<std::string> seen_keys;
    for (const auto& s : *sections) {
      // (Built with append: GCC 12 warns falsely on "s" + std::to_string() here, PR 105329.)
      std::string key = s.key;
      if (key.empty()) key.append(1, 's').append(std::to_string(s.ord));
      if (!seen_keys.insert(key).second) key.append(1, '~').append(std::to_string(s.ord));
      const std::string skey = section_key(doc.id, key);

      Xapian::Document xdoc;
      termgen_.set_document(xdoc);
      if (!s.heading.empty()) {
        termgen_.index_text(fold_text(s.heading, false), 2);
        termgen_.increase_termpos();
      }
      if (!s.number.empty()) {
        termgen_.index_text(fold_text(s.number, false));
        termgen_.increase_termpos();
      }
      // Diacritics only: the TermGenerator folds case itself, and needs the capitals to see
      // acronyms ("U.S.C." -> usc, as the query parser does).
      termgen_.index_text(fold_text(s.text, false));
      for (const auto* part : {&s.heading, &s.text}) {
        for (const auto& tok : find_legal_tokens(*part)) {
          for (const auto& t : tok.terms) xdoc.add_term(std::string(kPrefixLegal) + t);
        }
      }

      xdoc.add_boolean_term(id_term(skey));
      xdoc.add_boolean_term(std::string(kPrefixDocument) + std::to_string(doc.id));
      if (!town_name.empty()) xdoc.add_boolean_term(std::string(kPrefixTown) + town_term(town_name));
      if (!county.empty()) xdoc.add_boolean_term(std::string(kPrefixCounty) + facet_term(county));
      if (!doc.doc_type.empty()) {
        xdoc.add_boolean_term(std::string(kPrefixType) + facet_term(doc.doc_type));
      }
      if (year.size() == 4) xdoc.add_boolean_term(std::string(kPrefixYear) + year);
      std::set<std::string> provisions, stances, cites;
      std::set<std::pair<std::string, std::string>> pairs;
      std::vector<std::pair<std::string, std::string>> prov;
      for (const auto& h : s.hits) {
        provisions.insert(h.provision);
        stances.insert(h.stance);
        if (pairs.emplace(h.provision, h.stance).second) {
          prov.emplace_back(h.provision, h.stance);
        }
        xdoc.add_boolean_term(std::string(kPrefixProvision) + facet_term(h.provision));
        xdoc.add_boolean_term(std::string(kPrefixStance) + facet_term(h.stance));
        xdoc.add_boolean_term(std::string(kPrefixProvisionStance) + facet_term(h.provision) + ":" +
                              facet_term(h.stance));
      }
      for (const auto& c : s.cites) {
        cites.insert(c);
        xdoc.add_boolean_term(std::string(kPrefixCite) + facet_term(c));
      }

      if (!date.empty()) xdoc.add_value(kSlotDate, date);
      if (town && town->population) {
        xdoc.add_value(kSlotPopulation,
                       Xapian::sortable_serialise(static_cast<double>(*town->population)));
      }
      std::string sort_key = town_term(town_name);
      sort_key.append(1, '\x1f').append(pad(doc.id, 12)).append(1, '\x1f').append(pad(s.ord, 8));
      xdoc.add_value(kSlotSortKey, sort_key);
      if (!town_name.empty()) xdoc.add_value(kSlotFacetTown, town_name);
      if (!county.empty()) xdoc.add_value(kSlotFacetCounty, county);
      if (!doc.doc_type.empty()) xdoc.add_value(kSlotFacetType, doc.doc_type);
      if (!provisions.empty()) xdoc.add_value(kSlotFacetProvision, join_sorted(provisions));
      if (!stances.empty()) xdoc.add_value(kSlotFacetStance, join_sorted(stances));
      if (!cites.empty()) xdoc.add_value(kSlotFacetCite, join_sorted(cites));

      SectionRecord data{skey, std::to_string(doc.id), town_name, county, doc.doc_type, title, doc.url,
                         s.number, s.heading, s.page, s.text, std::move(prov), s.cites};
      xdoc.set_data(encode_section_record(data));
      db_.replace_document(id_term(skey), xdoc);
      ++stats_.sections_added;
    }
    return sections->size();
  }

  Status mark_indexed(const std::vector<const PendingDoc*>& batch) {
    auto& cat = store_.catalog();
    if (auto st = cat.begin(); !st) return st;
    auto stmt = cat.prepare(
        "UPDATE documents SET indexed_version_id=?1, indexed_status=?2, indexed_fingerprint=?3 "
        "WHERE id=?4");
    if (!stmt) {
      cat.rollback();
      return tl::make_unexpected(stmt.error());
    }
    for (const auto* d : batch) {
      stmt->bind(1, d->version_id).bind(2, std::string_view(d->status));
      stmt->bind(3, std::string_view(d->fingerprint)).bind(4, d->id);
      if (auto st = stmt->run(); !st) {
        cat.rollback();
        return st;
      }
      stmt->reset();
    }
    return cat.commit();
  }

  corpus::Store& store_;
  const IndexOptions& options_;
  Xapian::WritableDatabase db_;
  Xapian::TermGenerator termgen_;
  std::map<int64_t, TownInfo> towns_;
  IndexStats stats_;
};

}  // namespace

Result<IndexStats> update_index(corpus::Store& store, const IndexOptions& options) {
  Writer writer(store, options);
  return writer.run();
}

}  // namespace policyindex::index
