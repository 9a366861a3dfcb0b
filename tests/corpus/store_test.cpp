#include <map>

#include "corpus/corpus.h"
#include "corpus/sql.h"
#include "tests/testing/testing.h"

namespace policyindex::corpus {
namespace {

using testing::TempDir;

TEST(BlobStoreTest, RoundTripsBytesUnderTheirSha256) {
  TempDir dir;
  auto blobs = BlobStore::open(dir.path());
  ASSERT_OK(blobs);
  std::string bytes("hello\0world\xff", 12);
  auto sha = blobs->put(bytes);
  ASSERT_OK(sha);
  EXPECT_EQ(*sha, sha256_hex(bytes));
  EXPECT_TRUE(blobs->contains(*sha));
  auto back = blobs->read(*sha);
  ASSERT_OK(back);
  EXPECT_EQ(*back, bytes);
  EXPECT_EQ(blobs->path_for(*sha).parent_path().filename(), sha->substr(0, 2));
}

TEST(BlobStoreTest, KnownSha256) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(BlobStoreTest, IdenticalBytesAreStoredOnce) {
  TempDir dir;
  auto blobs = BlobStore::open(dir.path());
  ASSERT_OK(blobs);
  auto a = blobs->put("same bytes");
  auto b = blobs->put("same bytes");
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_EQ(*a, *b);
  size_t files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(blobs->dir())) {
    if (e.is_regular_file()) ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(BlobStoreTest, StreamingWriterMatchesOneShotPut) {
  TempDir dir;
  auto blobs = BlobStore::open(dir.path());
  ASSERT_OK(blobs);
  auto w = blobs->begin();
  ASSERT_OK(w);
  std::string all;
  for (int i = 0; i < 100; ++i) {
    std::string chunk(1000 + i, static_cast<char>('a' + i % 26));
    all += chunk;
    ASSERT_OK(w->append(chunk));
  }
  EXPECT_EQ(w->size(), all.size());
  auto sha = w->commit();
  ASSERT_OK(sha);
  EXPECT_EQ(*sha, sha256_hex(all));
  EXPECT_EQ(*blobs->read(*sha), all);
  // Nothing is left in tmp.
  EXPECT_TRUE(std::filesystem::is_empty(blobs->dir() / "tmp"));
}

TEST(BlobStoreTest, AbortedWriterLeavesNothing) {
  TempDir dir;
  auto blobs = BlobStore::open(dir.path());
  ASSERT_OK(blobs);
  {
    auto w = blobs->begin();
    ASSERT_OK(w);
    ASSERT_OK(w->append("partial"));
  }  // destroyed without commit
  EXPECT_TRUE(std::filesystem::is_empty(blobs->dir() / "tmp"));
  EXPECT_FALSE(blobs->contains(sha256_hex("partial")));
}

TEST(BlobStoreTest, ReadOfMissingOrInvalidShaFails) {
  TempDir dir;
  auto blobs = BlobStore::open(dir.path());
  ASSERT_OK(blobs);
  EXPECT_FALSE(blobs->read("../../etc/passwd").has_value());
  auto missing = blobs->read(sha256_hex("never stored"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::open(dir_.path());
    ASSERT_OK(s);
    store_.emplace(std::move(*s));
  }
  Catalog& cat() { return store_->catalog(); }
  TempDir dir_;
  std::optional<Store> store_;
};

TEST_F(CatalogTest, NewStoreKnowsTheMassachusettsMunicipalities) {
  auto towns = cat().municipalities();
  ASSERT_OK(towns);
  EXPECT_EQ(towns->size(), 351u);
  auto medford = cat().find_municipality("City of Medford");
  ASSERT_OK(medford);
  EXPECT_TRUE(medford->has_value());
  auto manchester = cat().find_municipality("manchester by the sea");
  ASSERT_OK(manchester);
  EXPECT_TRUE(manchester->has_value());
}

TEST_F(CatalogTest, SchemaIsVersionedAndWal) {
  auto v = sql::prepare(cat(), "PRAGMA user_version");
  ASSERT_OK(v);
  ASSERT_TRUE(*v->step());
  EXPECT_EQ(v->int64(0), Catalog::schema_version());
  auto mode = sql::prepare(cat(), "PRAGMA journal_mode");
  ASSERT_OK(mode);
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->text(0), "wal");
}

TEST_F(CatalogTest, RefusesACatalogFromANewerProgram) {
  ASSERT_OK(sql::exec(cat(), "PRAGMA user_version=99"));
  store_.reset();
  auto again = Catalog::open(dir_ / "catalog.sqlite");
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().message.find("newer"), std::string::npos);
}

TEST_F(CatalogTest, VersionRoundTripAndNewVersionOnlyWhenBytesDiffer) {
  auto town = cat().find_municipality("Medford");
  ASSERT_OK(town);
  auto doc = cat().ensure_document("https://example.org/a.pdf", **town, "ordinance", "A", "crawl");
  ASSERT_OK(doc);
  auto doc_again = cat().ensure_document("https://example.org/a.pdf", std::nullopt, "", "", "crawl");
  ASSERT_OK(doc_again);
  EXPECT_EQ(*doc, *doc_again);

  auto put = [&](std::string bytes, std::string etag) {
    auto sha = store_->blobs().put(bytes);
    EXPECT_OK(sha);
    VersionInput v;
    v.document_id = *doc;
    v.sha256 = *sha;
    v.size = bytes.size();
    v.http_status = 200;
    v.etag = etag;
    v.content_type = "application/pdf";
    return cat().add_version(v);
  };
  auto v1 = put("version one", "\"e1\"");
  ASSERT_OK(v1);
  EXPECT_TRUE(v1->created);
  auto same = put("version one", "\"e1\"");
  ASSERT_OK(same);
  EXPECT_FALSE(same->created);
  EXPECT_EQ(same->version_id, v1->version_id);
  auto v2 = put("version two", "\"e2\"");
  ASSERT_OK(v2);
  EXPECT_TRUE(v2->created);
  EXPECT_NE(v2->version_id, v1->version_id);

  auto versions = cat().versions_of(*doc);
  ASSERT_OK(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].sha256, sha256_hex("version one"));
  EXPECT_EQ((*versions)[1].content_type, "application/pdf");
  auto row = cat().document(*doc);
  ASSERT_OK(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->current_version_id, v2->version_id);
  EXPECT_EQ((*row)->etag, "\"e2\"");
  EXPECT_EQ((*row)->doc_type, "ordinance");
}

TEST_F(CatalogTest, ExtractionReplacesSectionsHitsAndCites) {
  auto doc = cat().ensure_document("file:///x.txt", std::nullopt, "policy", "", "add");
  ASSERT_OK(doc);
  auto sha = store_->blobs().put("text");
  ASSERT_OK(sha);
  auto v = cat().add_version({*doc, *sha, 4, "", 200, {}, {}, {}});
  ASSERT_OK(v);
  auto pending = cat().versions_to_extract("t1");
  ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 1u);

  ExtractionRecord rec;
  rec.version_id = v->version_id;
  rec.type = "text";
  rec.status = "ok";
  rec.tagger_version = "t1";
  rec.struck = {"deleted \"words\""};
  StoredSection s;
  s.ord = 0;
  s.key = "s1";
  s.number = "1";
  s.heading = "Order";
  s.text = "No officer shall ask.";
  s.hits = {{"status_inquiry", "protective", "No officer shall ask.", 0, 21, "r1"}};
  s.cites = {"lunn", "8usc1373"};
  rec.sections = {s, s};
  rec.sections[1].ord = 1;
  rec.sections[1].key = "s2";
  ASSERT_OK(cat().store_extraction(rec));
  EXPECT_TRUE(cat().versions_to_extract("t1")->empty());
  EXPECT_EQ(cat().versions_to_extract("t2")->size(), 1u);  // a new tagger re-tags

  // Storing again replaces, never duplicates.
  rec.sections.resize(1);
  ASSERT_OK(cat().store_extraction(rec));
  auto back = cat().sections_of(v->version_id);
  ASSERT_OK(back);
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].heading, "Order");
  ASSERT_EQ((*back)[0].hits.size(), 1u);
  EXPECT_EQ((*back)[0].hits[0].provision, "status_inquiry");
  EXPECT_EQ((*back)[0].cites, (std::vector<std::string>{"8usc1373", "lunn"}));
  auto hits = sql::prepare(cat(), "SELECT count(*) FROM provision_hits");
  ASSERT_OK(hits);
  ASSERT_TRUE(*hits->step());
  EXPECT_EQ(hits->int64(0), 1);
}

TEST_F(CatalogTest, FetchLogAndChangesAreRecorded) {
  FetchRecord f;
  f.url = "https://example.org/x";
  f.outcome = FetchOutcome::kTimeout;
  f.error = "no response in 30 s";
  ASSERT_OK(cat().log_fetch(f));
  ChangeRecord c;
  c.kind = "new_document";
  c.summary = "new";
  auto id = cat().add_change(c);
  ASSERT_OK(id);
  EXPECT_GT(*id, 0);
  auto q = sql::prepare(cat(), "SELECT outcome, error FROM fetch_log");
  ASSERT_OK(q);
  ASSERT_TRUE(*q->step());
  EXPECT_EQ(q->text(0), "timeout");
  EXPECT_EQ(q->text(1), "no response in 30 s");
}

}  // namespace
}  // namespace policyindex::corpus
