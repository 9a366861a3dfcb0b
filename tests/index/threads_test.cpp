// The threaded writer and the sharded bulk build write the same index as one thread: the
// same documents (ids, terms, wdf, positions, values, data), the same spelling data (and
// that spelling data is what Xapian's own FLAG_SPELLING writes), the same search results and
// facet counts.
#include <xapian.h>

#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "index/index.h"
#include "query/query.h"
#include "render/render.h"
#include "tests/index/fixture.h"
#include "tests/testing/testing.h"
#include "corpus/sql.h"

namespace policyindex {
namespace {

using testing::TempDir;

std::string spelling_of(const Xapian::Database& db) {
  std::ostringstream out;
  for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s) {
    out << "spelling " << *s << " " << s.get_termfreq() << "\n";
  }
  return out.str();
}

// Everything a Xapian database holds that a search can see, as text.
std::string dump_database(const std::filesystem::path& path) {
  Xapian::Database db(path.string());
  std::ostringstream out;
  out << "doccount " << db.get_doccount() << " lastdocid " << db.get_lastdocid() << " total length "
      << db.get_total_length() << "\n";
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    const Xapian::docid id = *it;
    Xapian::Document doc = db.get_document(id);
    out << "doc " << id << " length " << db.get_doclength(id) << "\n";
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      out << " term " << *t << " wdf " << t.get_wdf() << " at";
      for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) out << " " << *p;
      out << "\n";
    }
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
      out << " value " << v.get_valueno() << " " << *v << "\n";
    }
    out << " data " << doc.get_data() << "\n";
  }
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    out << "term " << *t << " " << t.get_termfreq() << " " << db.get_collection_freq(*t) << "\n";
  }
  for (Xapian::valueno slot :
       {index::kSlotDate, index::kSlotFacetTown, index::kSlotFacetProvision}) {
    out << "slot " << slot << " " << db.get_value_freq(slot) << " "
        << db.get_value_lower_bound(slot) << " " << db.get_value_upper_bound(slot) << "\n";
  }
  out << spelling_of(db);
  return out.str();
}

// What Xapian's TermGenerator with FLAG_SPELLING records for the current sections (the
// index's text as index/writer.cpp gives it: heading, number, text, diacritics folded).
std::string reference_spelling(corpus::Store& store, const std::filesystem::path& scratch) {
  Xapian::WritableDatabase db(scratch.string(), Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator tg;
  tg.set_stemmer(Xapian::Stem("english"));
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  tg.set_database(db);
  tg.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
  auto stmt = corpus::sql::prepare(store.catalog(), 
      "SELECT s.heading, s.number, s.text FROM documents d JOIN sections s "
      "ON s.version_id = d.current_version_id WHERE d.status = 'active' ORDER BY s.id");
  EXPECT_TRUE(stmt.has_value());
  while (*stmt->step()) {
    Xapian::Document doc;
    tg.set_document(doc);
    for (int i = 0; i < 3; ++i) {
      const std::string text = stmt->text(i);
      if (i < 2 && text.empty()) continue;
      tg.index_text(index::fold_text(text, false));
      tg.increase_termpos();
    }
  }
  db.commit();
  return spelling_of(db);
}

struct Corpus {
  TempDir dir;
  corpus::Store store = *corpus::Store::open(dir / "data");
  Corpus() {
    testing::build_small_corpus(store);
    testing::build_random_corpus(store, 40, 12, 11);
  }
  std::filesystem::path build(const std::string& name, int threads, size_t bulk_min_sections,
                              size_t expect_shards) {
    index::IndexOptions o;
    o.index_dir = dir / name;
    o.threads = threads;
    o.bulk_min_sections = bulk_min_sections;
    o.batch_sections = 100;
    auto stats = index::update_index(store, o);
    EXPECT_OK(stats);
    if (stats) {
      EXPECT_EQ(stats->shards, expect_shards) << name;
    }
    return o.index_dir;
  }
};

TEST(IndexThreadsTest, ThreadsAndShardsWriteWhatOneThreadWrites) {
  Corpus c;
  constexpr size_t kNever = std::numeric_limits<size_t>::max();
  const auto one = c.build("one", 0, kNever, 0);        // prepared and written on this thread
  const auto piped = c.build("piped", 2, kNever, 0);    // prepared on two threads
  const auto sharded = c.build("sharded", 2, 1, 3);     // three shards, merged
  const auto two = c.build("two", 1, 1, 2);             // two shards
  const std::string expected = dump_database(one);
  ASSERT_GT(Xapian::Database(one.string()).get_doccount(), 400u);
  EXPECT_NE(expected.find("spelling "), std::string::npos);
  EXPECT_EQ(dump_database(piped), expected);
  EXPECT_EQ(dump_database(sharded), expected);
  EXPECT_EQ(dump_database(two), expected);
  // No shard or swap directory is left behind.
  for (const auto& e : std::filesystem::directory_iterator(c.dir.path())) {
    const std::string name = e.path().filename().string();
    EXPECT_EQ(name.find(".shard"), std::string::npos) << name;
    EXPECT_EQ(name.find(".new"), std::string::npos) << name;
    EXPECT_EQ(name.find(".old"), std::string::npos) << name;
  }

  // The same answers, facet counts included, from the one-thread and the sharded index.
  auto a = query::open_api(c.dir / "data", {one.string()});
  auto b = query::open_api(c.dir / "data", {sharded.string()});
  ASSERT_OK(a);
  ASSERT_OK(b);
  std::vector<query::SearchRequest> requests(5);
  requests[0].towns = testing::fictional_towns();  // everything, by the browsing order
  requests[0].limit = 1000;
  requests[1].query = "officers";
  requests[2].query = "share";
  requests[2].provisions = {"info_sharing"};
  requests[3].query = "\"release dates\" OR detainer";
  requests[4].query = "town:quillfield OR county:coldwater";
  requests[4].offset = 3;
  for (const auto& r : requests) {
    auto xr = (*a)->search(r);
    auto yr = (*b)->search(r);
    ASSERT_OK(xr);
    ASSERT_OK(yr);
    const std::string x = render::json(*xr), y = render::json(*yr);
    EXPECT_EQ(x, y) << r.query;
    auto j = nlohmann::json::parse(x);
    EXPECT_GT(j.at("total").get<int64_t>(), 0) << r.query;
    EXPECT_FALSE(j.at("facets").empty()) << r.query;
  }
}

TEST(IndexThreadsTest, SpellingDataIsWhatTheTermGeneratorWrites) {
  // The writer counts the words the stemmer is asked for instead of letting the
  // TermGenerator call add_spelling: this holds that to Xapian's own behaviour.
  Corpus c;
  const auto piped = c.build("piped", 2, std::numeric_limits<size_t>::max(), 0);
  const auto sharded = c.build("sharded", 1, 1, 2);
  const std::string expected = reference_spelling(c.store, c.dir / "reference");
  ASSERT_NE(expected.find("spelling "), std::string::npos);
  EXPECT_EQ(spelling_of(Xapian::Database(piped.string())), expected);
  EXPECT_EQ(spelling_of(Xapian::Database(sharded.string())), expected);
  // And suggestions work: a misspelt word of the fixture gets its correction.
  Xapian::Database db(sharded.string());
  EXPECT_EQ(db.get_spelling_suggestion("oficers"), "officers");
}

TEST(IndexThreadsTest, AShardedIndexTakesIncrementalUpdatesAndStaleShardsAreRemoved) {
  Corpus c;
  const auto dir = c.store.index_dir();
  const auto parent = dir.parent_path();
  // What a run killed during a bulk build leaves: its working directory beside the index.
  const auto work = parent / ".xapian.policyindex-build";
  for (const char* stale : {"shard0", "shard7", "new", "old"}) testing::write_file(work / stale / "junk", "x");
  // A user's own folders beside the index, named like ours were once: not ours to delete.
  for (const char* mine : {"xapian.old", "xapian.shard1", "xapian.new"}) testing::write_file(parent / mine / "keep", "y");
  index::IndexOptions o;
  o.threads = 1;
  o.bulk_min_sections = 1;
  auto first = index::update_index(c.store, o);
  ASSERT_OK(first);
  EXPECT_EQ(first->shards, 2u);
  EXPECT_FALSE(std::filesystem::exists(work));
  for (const char* mine : {"xapian.old", "xapian.shard1", "xapian.new"}) {
    EXPECT_EQ(testing::read_file(parent / mine / "keep"), "y") << mine;
  }
  const size_t before = Xapian::Database(dir.string()).get_doccount();
  EXPECT_EQ(before, first->sections_in_index);

  // Incremental from here: one new version, one gone document.
  testing::add_document(c.store, "Ashmere", "https://ashmere.example/trust.pdf", "ordinance",
                        "Ashmere Trust Ordinance",
                        {{"1", "Inquiries", "Officers will not ask. Kestrel.", 3, {}, {}}},
                        "2026-01-01T00:00:00Z");
  auto q = c.store.catalog().document_by_url("https://random.example/doc3");
  ASSERT_OK(q);
  ASSERT_TRUE(q->has_value());
  ASSERT_OK(c.store.catalog().set_document_status((*q)->id, "gone"));
  auto second = index::update_index(c.store, o);
  ASSERT_OK(second);
  EXPECT_EQ(second->shards, 0u);  // the index is not empty: written in place
  EXPECT_EQ(second->documents_indexed, 1u);
  EXPECT_EQ(second->documents_removed, 1u);
  Xapian::Database db(dir.string());
  EXPECT_EQ(db.get_termfreq("Zkestrel"), 1u);
  EXPECT_EQ(db.get_termfreq("XDOC" + std::to_string((*q)->id)), 0u);
  EXPECT_EQ(db.get_doccount(), second->sections_in_index);
  auto live = corpus::sql::prepare(c.store.catalog(), 
      "SELECT count(*) FROM documents d JOIN sections s ON s.version_id=d.current_version_id "
      "WHERE d.status='active'");
  ASSERT_OK(live);
  ASSERT_TRUE(*live->step());
  EXPECT_EQ(static_cast<int64_t>(db.get_doccount()), live->int64(0));
}

// "--index out/idx/" (a shell completes folders with a slash) names the folder out/idx: the
// bulk build's working directory goes beside it, and the merged database takes its place.
TEST(IndexThreadsTest, AnIndexPathWithATrailingSlashIsTheFolder) {
  Corpus c;
  index::IndexOptions o;
  o.index_dir = (c.dir / "out" / "idx").string() + "/";
  o.threads = 1;
  o.bulk_min_sections = 1;
  auto stats = index::update_index(c.store, o);
  ASSERT_OK(stats);
  EXPECT_EQ(stats->shards, 2u);
  EXPECT_GT(stats->sections_in_index, 0u);
  EXPECT_EQ(Xapian::Database((c.dir / "out" / "idx").string()).get_doccount(), stats->sections_in_index);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(c.dir / "out")) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"idx"});
  // Run again: nothing to do, the same database.
  auto again = index::update_index(c.store, o);
  ASSERT_OK(again);
  EXPECT_EQ(again->documents_indexed, 0u);
  EXPECT_EQ(again->sections_in_index, stats->sections_in_index);
}

TEST(IndexThreadsTest, TheCommandLineTakesThreads) {
  TempDir dir;
  {
    auto store = corpus::Store::open(dir / "data");
    ASSERT_OK(store);
    testing::build_small_corpus(*store);
  }
  std::string out, err;
  const std::string bin = testing::policyindex_binary().string();
  ASSERT_EQ(testing::run_command(bin + " --data " + (dir / "data").string() +
                                     " index --threads 0 --format json",
                                 &out, &err),
            0)
      << err;
  EXPECT_NE(out.find("\"shards\": 0"), std::string::npos) << out;
  EXPECT_EQ(testing::run_command(bin + " --data " + (dir / "data").string() + " index --threads -2",
                                 &out, &err),
            2);
}

}  // namespace
}  // namespace policyindex
