// The index schema, legal-token normalisation and the incremental writer.
#include <signal.h>
#include <xapian.h>

#include <chrono>
#include <thread>

#include "index/index.h"
#include "tests/index/fixture.h"
#include "tests/testing/testing.h"
#include "corpus/sql.h"

namespace policyindex {
namespace {

using testing::TempDir;

std::vector<std::string> legal_terms(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& t : index::find_legal_tokens(text)) out.insert(out.end(), t.terms.begin(), t.terms.end());
  return out;
}

TEST(LegalTokensTest, NormalizesCitationsAsPeopleTypeThem) {
  struct Case {
    const char* text;
    std::vector<std::string> terms;
  } cases[] = {
      {"any 287(g) agreement", {"287g"}},
      {"a 287 (g) agreement", {"287g"}},
      {"under 1357(g)", {"1357g"}},
      {"8 U.S.C. \xC2\xA7 1357(g)", {"8usc1357g", "1357g"}},
      {"8 USC 1373", {"8usc1373", "1373"}},
      {"8 u.s.c. sec. 1373", {"8usc1373", "1373"}},
      {"section 1373 of Title 8", {"8usc1373", "1373"}},
      {"form I-247A", {"i247a"}},
      {"an I-247D request", {"i247d"}},
      {"G.L. c. 66, \xC2\xA7 10", {"c66", "c66s10"}},
      {"chapter 258B", {"c258b"}},
      {"no legal token here, 42 cows", {}},
  };
  for (const auto& c : cases) EXPECT_EQ(legal_terms(c.text), c.terms) << c.text;
}

TEST(LegalTokensTest, OffsetsPointAtTheTokenAsWritten) {
  std::string text = "Never sign a 287(g) deal.";
  auto t = index::find_legal_tokens(text);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(text.substr(t[0].begin, t[0].end - t[0].begin), "287(g)");
}

TEST(FoldTextTest, StripsDiacriticsAndOptionallyCase) {
  EXPECT_EQ(index::fold_text("Caf\xC3\xA9 Cr\xC3\xA8me", true), "cafe creme");
  EXPECT_EQ(index::fold_text("Caf\xC3\xA9 AND Cr\xC3\xA8me", false), "Cafe AND Creme");
  EXPECT_EQ(index::town_term("Town of Manchester-by-the-Sea"), "manchester-by-the-sea");
}

TEST(IdTermTest, LongKeysAreHashedUnderTheTermLimit) {
  std::string a(400, 'a'), b = a;
  b.back() = 'b';
  EXPECT_LE(index::id_term(a).size(), 240u);
  EXPECT_NE(index::id_term(a), index::id_term(b));
  EXPECT_EQ(index::id_term("17/s3"), "Q17/s3");
}

struct Indexed {
  TempDir dir;
  corpus::Store store = *corpus::Store::open(dir / "data");
};

size_t doccount(const std::filesystem::path& p) { return Xapian::Database(p.string()).get_doccount(); }
size_t termfreq(const std::filesystem::path& p, const std::string& term) {
  return Xapian::Database(p.string()).get_termfreq(term);
}

int64_t count_sql(corpus::Catalog& cat, const std::string& sql) {
  auto s = corpus::sql::prepare(cat, sql);
  EXPECT_TRUE(s.has_value());
  EXPECT_TRUE(*s->step());
  return s->int64(0);
}

// Sections of current versions of active documents: what the index must hold.
int64_t live_sections(corpus::Catalog& cat) {
  return count_sql(cat,
                   "SELECT count(*) FROM documents d JOIN sections s ON s.version_id=d.current_version_id "
                   "WHERE d.status='active'");
}

TEST(IndexWriterTest, IndexesOnlyWhatChangedAndRemovesGoneDocuments) {
  Indexed f;
  testing::build_small_corpus(f.store);
  const auto db = f.store.index_dir();
  auto first = index::update_index(f.store, {});
  ASSERT_OK(first);
  EXPECT_EQ(first->documents_indexed, 4u);  // the gone Marrow Falls bylaw is not indexed
  EXPECT_EQ(static_cast<int64_t>(doccount(db)), live_sections(f.store.catalog()));
  EXPECT_EQ(first->sections_in_index, doccount(db));
  EXPECT_EQ(termfreq(db, "XTOWNport-tessaly"), 4u);  // the second version's four sections
  EXPECT_EQ(termfreq(db, "XTOWNmarrow-falls"), 0u);
  EXPECT_EQ(termfreq(db, "XPROV287g"), 1u);
  EXPECT_EQ(termfreq(db, "XPSinfo_sharing:protective"), 2u);
  EXPECT_EQ(termfreq(db, "XCITE8usc1373"), 2u);
  EXPECT_EQ(termfreq(db, "XL287g"), 1u);  // heading "287(g) agreements" and its text
  EXPECT_EQ(termfreq(db, "XL8usc1373"), 2u);  // "section 1373 of Title 8" and "8 USC 1373"
  EXPECT_EQ(termfreq(db, "XCOUNTYbrackett"), 8u);
  EXPECT_GT(termfreq(db, "Zcafe"), 0u);  // accents folded at index time

  // Nothing changed: nothing written.
  auto again = index::update_index(f.store, {});
  ASSERT_OK(again);
  EXPECT_EQ(again->documents_indexed, 0u);
  EXPECT_EQ(again->sections_added, 0u);

  // A new version of one document replaces its sections; others stay.
  testing::add_document(f.store, "Ashmere", "https://ashmere.example/trust.pdf", "ordinance",
                        "Ashmere Trust Ordinance", {{"1", "Inquiries", "Officers will not ask. Kestrel.", 3, {}, {}}},
                        "2026-01-01T00:00:00Z");
  auto changed = index::update_index(f.store, {});
  ASSERT_OK(changed);
  EXPECT_EQ(changed->documents_indexed, 1u);
  EXPECT_EQ(changed->sections_added, 1u);
  EXPECT_EQ(termfreq(db, "XTOWNashmere"), 1u);
  EXPECT_EQ(termfreq(db, "Zkestrel"), 1u);
  EXPECT_EQ(termfreq(db, "Zcafe"), 0u);
  EXPECT_EQ(static_cast<int64_t>(doccount(db)), live_sections(f.store.catalog()));

  // Gone: removed.
  auto ash = f.store.catalog().document_by_url("https://ashmere.example/trust.pdf");
  ASSERT_OK(f.store.catalog().set_document_status((*ash)->id, "gone"));
  auto removed = index::update_index(f.store, {});
  ASSERT_OK(removed);
  EXPECT_EQ(removed->documents_removed, 1u);
  EXPECT_EQ(termfreq(db, "XTOWNashmere"), 0u);

  // Re-extraction of the same version (a new tagger) is picked up too.
  auto q = f.store.catalog().document_by_url("https://quillfield.example/welcoming.pdf");
  auto secs = f.store.catalog().sections_of(*(*q)->current_version_id);
  corpus::ExtractionRecord rec;
  rec.version_id = *(*q)->current_version_id;
  rec.type = "text";
  rec.status = "ok";
  rec.tagger_version = "fixture-2";
  rec.sections = *secs;
  rec.sections[0].hits.push_back({"reporting", "protective", "x", 0, 1, "r"});
  ASSERT_OK(f.store.catalog().store_extraction(rec));
  auto retagged = index::update_index(f.store, {});
  ASSERT_OK(retagged);
  EXPECT_EQ(retagged->documents_indexed, 1u);
  EXPECT_EQ(termfreq(db, "XPROVreporting"), 2u);  // Port Tessaly 12 and the re-tagged section
  EXPECT_EQ(static_cast<int64_t>(doccount(db)), live_sections(f.store.catalog()));
}

TEST(IndexWriterTest, RedoesDocumentsWhoseCatalogUpdateWasLost) {
  // The window between the Xapian commit and the catalog update: the catalog still says
  // "not indexed", so the next run writes those documents again, without duplicates.
  Indexed f;
  testing::build_small_corpus(f.store);
  ASSERT_OK(index::update_index(f.store, {}));
  const size_t before = doccount(f.store.index_dir());
  ASSERT_OK(corpus::sql::exec(f.store.catalog(), 
      "UPDATE documents SET indexed_version_id=NULL, indexed_status=NULL, indexed_fingerprint=NULL"));
  auto again = index::update_index(f.store, {});
  ASSERT_OK(again);
  EXPECT_EQ(again->documents_indexed, 4u);
  EXPECT_EQ(doccount(f.store.index_dir()), before);
}

TEST(IndexWriterTest, RebuildAndAVanishedIndexDirectoryGiveTheSameIndex) {
  Indexed f;
  testing::build_small_corpus(f.store);
  ASSERT_OK(index::update_index(f.store, {}));
  const size_t before = doccount(f.store.index_dir());
  index::IndexOptions o;
  o.rebuild = true;
  auto rebuilt = index::update_index(f.store, o);
  ASSERT_OK(rebuilt);
  EXPECT_EQ(rebuilt->documents_indexed, 4u);
  EXPECT_EQ(doccount(f.store.index_dir()), before);
  std::filesystem::remove_all(f.store.index_dir());
  auto refilled = index::update_index(f.store, {});
  ASSERT_OK(refilled);
  EXPECT_EQ(refilled->documents_indexed, 4u);
  EXPECT_EQ(doccount(f.store.index_dir()), before);
}

TEST(IndexWriterTest, ASecondWriterIsToldTheIndexIsBusy) {
  Indexed f;
  testing::build_small_corpus(f.store);
  Xapian::WritableDatabase holder(f.store.index_dir().string(), Xapian::DB_CREATE_OR_OPEN);
  auto r = index::update_index(f.store, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kBusy);
  EXPECT_NE(r.error().message.find("another process"), std::string::npos) << r.error().message;
}

TEST(IndexWriterTest, TheIndexIsAnOrdinaryXapianDatabase) {
  Indexed f;
  testing::build_small_corpus(f.store);
  ASSERT_OK(index::update_index(f.store, {}));
  const std::string db = f.store.index_dir().string();
  std::string out, err;
  // xapian-delve lists the documents holding a term.
  ASSERT_EQ(testing::run_command("xapian-delve -t XPROV287g " + db, &out, &err), 0) << err;
  EXPECT_NE(out.find("termfreq 1"), std::string::npos) << out;
  ASSERT_EQ(testing::run_command("xapian-delve -t XTOWNport-tessaly " + db, &out, &err), 0) << err;
  EXPECT_NE(out.find("termfreq 4"), std::string::npos) << out;
  // quest parses and runs queries with our prefixes and stemming.
  ASSERT_EQ(testing::run_command("quest -d " + db +
                                     " -s english --boolean-prefix=provision:XPROV --boolean-prefix=town:XTOWN"
                                     " 'share provision:info_sharing'",
                                 &out, &err),
            0)
      << err;
  EXPECT_NE(out.find("MSet:"), std::string::npos) << out;
  EXPECT_NE(out.find("Exactly 3 matches"), std::string::npos) << out;  // N. Quillfield, Ashmere, Port Tessaly
  EXPECT_NE(out.find("release dates"), std::string::npos) << out;  // the stored data shows
}

TEST(IndexWriterTest, SurvivesSigkillMidIndexAndTheNextRunCompletes) {
  TempDir dir;
  const auto data = dir / "data";
  int64_t total = 0;
  {
    auto store = corpus::Store::open(data);
    ASSERT_OK(store);
    testing::build_random_corpus(*store, 300, 10, 5);
    total = live_sections(store->catalog());
  }
  const std::string bin = testing::policyindex_binary().string();
  const std::string pidfile = (dir / "pid").string();
  // Small transactions, so that the kill lands between commits (and sometimes between a
  // Xapian commit and the catalog update).
  std::string out;
  ASSERT_EQ(testing::run_command("(" + bin + " --quiet --data " + data.string() +
                                     " index --batch 20 >/dev/null 2>&1 & echo $! > " + pidfile + ")",
                                 &out),
            0);
  const pid_t pid = static_cast<pid_t>(std::stol(testing::read_file(pidfile)));
  bool killed = false;
  for (int i = 0; i < 3000 && !killed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto store = corpus::Store::open(data);
    if (!store) continue;
    auto s = corpus::sql::prepare(store->catalog(), "SELECT count(*) FROM documents WHERE indexed_version_id IS NOT NULL");
    if (!s || !*s->step()) continue;
    if (s->int64(0) >= 10) {
      killed = ::kill(pid, SIGKILL) == 0;
    }
  }
  ASSERT_TRUE(killed) << "the indexer finished before it could be killed";
  for (int i = 0; i < 200 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // The database opens and holds part of the corpus.
  const size_t partial = doccount(data / "xapian");
  EXPECT_LT(static_cast<int64_t>(partial), total);
  // The next run completes it, without duplicates.
  std::string err;
  ASSERT_EQ(testing::run_command(bin + " --data " + data.string() + " index --format json", &out, &err), 0) << err;
  EXPECT_EQ(static_cast<int64_t>(doccount(data / "xapian")), total);
  auto store = corpus::Store::open(data);
  ASSERT_OK(store);
  EXPECT_EQ(count_sql(store->catalog(), "SELECT count(*) FROM documents WHERE indexed_version_id IS NOT current_version_id"), 0);
  ASSERT_EQ(testing::run_command(bin + " --data " + data.string() + " index --format json", &out, &err), 0) << err;
  EXPECT_NE(out.find("\"documents_indexed\": 0"), std::string::npos) << out;
}

}  // namespace
}  // namespace policyindex
