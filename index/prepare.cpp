// Sections into Xapian documents: text with positions (English stemmer), legal tokens,
// boolean facet terms, values for sorting and facet counts, and each hit's display record.
// Spelling words are counted by the stemmer (see writer.cpp).

#include <set>

#include "index/writer_internal.h"

namespace policyindex::index::detail {
namespace {

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

}  // namespace

// The English stemmer behind a cache (a corpus repeats its words: most calls are hits),
// counting the words it is asked for: with STEM_ALL_Z, no stopper and no prefix, the
// TermGenerator stems exactly the words that FLAG_SPELLING would pass to add_spelling.
class CountingStemmer : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override {
    if (counts_ != nullptr) ++(*counts_)[word];
    auto it = cache_.find(word);
    if (it != cache_.end()) return it->second;
    std::string stem = english_(word);
    if (cache_.size() >= kMaxCached) cache_.clear();
    cache_.emplace(word, stem);
    return stem;
  }
  std::string get_description() const override { return "english, cached"; }
  void count_into(SpellingCounts* counts) { counts_ = counts; }

 private:
  static constexpr size_t kMaxCached = size_t{1} << 18;
  Xapian::Stem english_{"english"};
  std::unordered_map<std::string, std::string> cache_;
  SpellingCounts* counts_ = nullptr;
};

Preparer::Preparer(const std::map<int64_t, TownInfo>& towns, bool spelling)
    : towns_(towns), spelling_(spelling), stemmer_(new CountingStemmer) {
  termgen_.set_stemmer(Xapian::Stem(stemmer_));  // the Stem owns (reference counts) it
  termgen_.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
}

void Preparer::prepare(Job& job) noexcept {
  try {
    stemmer_->count_into(spelling_ ? &job.spelling : nullptr);
    index_document(*job.doc, job.sections, job.xdocs);
  } catch (const Xapian::Error& e) {
    job.error = e.get_description();
  } catch (const std::exception& e) {
    job.error = e.what();
  }
  stemmer_->count_into(nullptr);
  // Xapian's reference counts are not atomic: keep no handle on a document handed over.
  termgen_.set_document(blank_);
}

void Preparer::index_document(const PendingDoc& doc,
                              const std::vector<corpus::StoredSection>& sections,
                              std::vector<Xapian::Document>& out) {
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
  for (const auto& s : sections) {
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
    out.push_back(std::move(xdoc));
  }
}

PreparePool::PreparePool(const std::map<int64_t, TownInfo>& towns, bool spelling,
                         unsigned threads) {
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this, &towns, spelling] {
      Preparer preparer(towns, spelling);  // Xapian objects of this thread only
      work(preparer);
    });
  }
}

PreparePool::~PreparePool() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void PreparePool::submit(Job* job) {
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(job);
  }
  work_cv_.notify_one();
}

void PreparePool::wait(const Job& job) {
  std::unique_lock lock(mutex_);
  done_cv_.wait(lock, [&] { return job.ready; });
}

void PreparePool::work(Preparer& preparer) {
  while (true) {
    Job* job = nullptr;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return stop_ || !queued_.empty(); });
      if (stop_) return;
      job = queued_.front();
      queued_.pop_front();
    }
    preparer.prepare(*job);
    {
      std::lock_guard lock(mutex_);
      job->ready = true;
    }
    done_cv_.notify_all();
  }
}

}  // namespace policyindex::index::detail
