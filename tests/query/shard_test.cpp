// Several databases searched as one: two shards (one local, one served by xapian-tcpsrv on
// loopback, or both through a stub file) give the same hits and facet counts as one
// combined database.
#include <signal.h>
#include <xapian.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "index/index.h"
#include "query/internal.h"
#include "tests/query/as_json.h"
#include "query/query.h"
#include "tests/index/fixture.h"
#include "tests/query/cache_rounds.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
using testing::TempDir;

// A xapian-tcpsrv child process on 127.0.0.1, killed on destruction.
class TcpServer {
 public:
  explicit TcpServer(const std::filesystem::path& db, const std::filesystem::path& dir) {
    std::mt19937 rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(time(nullptr)));
    for (int attempt = 0; attempt < 20 && !port_; ++attempt) {
      const int port = 20000 + static_cast<int>(rng() % 30000);
      const std::string pidfile = (dir / "tcpsrv.pid").string();
      std::string out;
      // xapian-tcpsrv signals its whole process group when it stops: give it its own.
      testing::run_command("(setsid xapian-tcpsrv --interface 127.0.0.1 --port " + std::to_string(port) + " " +
                               db.string() + " >/dev/null 2>&1 & echo $! > " + pidfile + ")",
                           &out);
      pid_ = static_cast<pid_t>(std::stol(testing::read_file(pidfile)));
      for (int i = 0; i < 200; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (::kill(pid_, 0) != 0) break;  // exited: port taken, try another
        try {
          Xapian::Remote::open("127.0.0.1", static_cast<unsigned>(port)).get_doccount();
          port_ = port;
          break;
        } catch (const Xapian::Error&) {
        }
      }
      if (!port_) stop();
    }
  }
  ~TcpServer() { stop(); }
  int port() const { return port_; }

 private:
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      pid_ = 0;
    }
  }
  pid_t pid_ = 0;
  int port_ = 0;
};

void build(const std::filesystem::path& data, int first, int step) {
  auto store = corpus::Store::open(data);
  ASSERT_OK(store);
  testing::build_random_corpus(*store, 40, 6, 3, first, step);
  ASSERT_OK(index::update_index(*store, {}));
}

// Hits identified across databases by town, document title and section number (document
// ids differ between the shards' catalogs and the combined one).
std::multiset<std::string> hit_keys(const json& r) {
  std::multiset<std::string> keys;
  for (const auto& h : r["hits"]) {
    keys.insert(h["town"].get<std::string>() + "|" + h["title"].get<std::string>() + "|" +
                h["number"].get<std::string>());
  }
  return keys;
}

TEST(ShardTest, LocalPlusRemoteShardEqualsOneCombinedDatabase) {
  TempDir dir;
  build(dir / "all", 0, 1);
  build(dir / "even", 0, 2);
  build(dir / "odd", 1, 2);
  TcpServer server(dir / "odd" / "xapian", dir.path());
  ASSERT_NE(server.port(), 0) << "xapian-tcpsrv did not start";
  const std::string remote = "tcp:127.0.0.1:" + std::to_string(server.port());

  // A stub file naming both shards works as well as --index twice.
  testing::write_file(dir / "shards.stub", "auto " + (dir / "even" / "xapian").string() + "\nremote " +
                                               "127.0.0.1:" + std::to_string(server.port()) + "\n");
  auto combined = query::open_api(dir / "all");
  auto sharded = query::open_api(dir / "all", {(dir / "even" / "xapian").string(), remote});
  auto stubbed = query::open_api(dir / "all", {(dir / "shards.stub").string()});
  ASSERT_OK(combined);
  ASSERT_OK(sharded);
  ASSERT_OK(stubbed);
  const auto& vocab = testing::random_vocabulary();
  std::mt19937 rng(7);
  for (int i = 0; i < 12; ++i) {
    query::SearchRequest r;
    r.query = vocab[rng() % vocab.size()] + (i % 2 ? " OR " : " ") + vocab[rng() % vocab.size()];
    if (i % 3 == 0) r.provisions = {testing::random_provisions()[rng() % testing::random_provisions().size()]};
    if (i == 11) r.query.clear();  // filters only
    if (i == 11) r.towns = {"Ashmere"};
    r.limit = 1000;
    auto a = as_json((*combined)->search(r));
    auto b = as_json((*sharded)->search(r));
    auto c = as_json((*stubbed)->search(r));
    ASSERT_OK(a);
    ASSERT_OK(b);
    ASSERT_OK(c);
    json ja = json::parse(*a), jb = json::parse(*b), jc = json::parse(*c);
    EXPECT_GT(ja["total"].get<int>(), 0) << r.query;
    EXPECT_EQ(ja["total"], jb["total"]) << r.query;
    EXPECT_EQ(ja["facets"], jb["facets"]) << r.query;
    EXPECT_EQ(hit_keys(ja), hit_keys(jb)) << r.query;
    EXPECT_EQ(ja["facets"], jc["facets"]) << r.query;
    EXPECT_EQ(hit_keys(ja), hit_keys(jc)) << r.query;
  }
  // Snippets come through the remote shard too.
  query::SearchRequest r;
  r.query = "harbor";
  r.limit = 1000;
  json j = json::parse(as_json(*(*sharded)->search(r)));
  size_t highlighted = 0;
  for (const auto& h : j["hits"]) highlighted += h["snippet"].get<std::string>().find("<b>harbor</b>") != std::string::npos;
  EXPECT_EQ(highlighted, j["hits"].size());
}

// Local shards only (facets from each shard's facet table, docids interleaved): the same
// totals, hits and facet counts as one combined database, as two --index paths and through
// a stub file with a relative path.
TEST(ShardTest, SeveralLocalShardsEqualOneCombinedDatabase) {
  TempDir dir;
  build(dir / "all", 0, 1);
  build(dir / "even", 0, 2);
  build(dir / "odd", 1, 2);
  testing::write_file(dir / "shards.stub", "# two local shards\nauto even/xapian\nglass " +
                                               (dir / "odd" / "xapian").string() + "\n");
  auto combined = query::open_api(dir / "all");
  auto sharded = query::open_api(dir / "all", {(dir / "even" / "xapian").string(), (dir / "odd" / "xapian").string()});
  auto stubbed = query::open_api(dir / "all", {(dir / "shards.stub").string()});
  ASSERT_OK(combined);
  ASSERT_OK(sharded);
  ASSERT_OK(stubbed);
  const auto& vocab = testing::random_vocabulary();
  std::mt19937 rng(11);
  for (int i = 0; i < 16; ++i) {
    query::SearchRequest r;
    r.query = vocab[rng() % vocab.size()] + (i % 2 ? " OR " : " ") + vocab[rng() % vocab.size()];
    if (i % 3 == 0) r.provisions = {testing::random_provisions()[rng() % testing::random_provisions().size()]};
    if (i % 5 == 4) r.query.clear();
    if (i % 5 == 4) r.stances = {"protective"};
    r.limit = 1000;
    auto a = as_json((*combined)->search(r));
    auto b = as_json((*sharded)->search(r));
    auto c = as_json((*stubbed)->search(r));
    ASSERT_OK(a);
    ASSERT_OK(b);
    ASSERT_OK(c);
    json ja = json::parse(*a), jb = json::parse(*b), jc = json::parse(*c);
    EXPECT_GT(ja["total"].get<int>(), 0) << r.query;
    EXPECT_EQ(ja["total"], jb["total"]) << r.query;
    EXPECT_EQ(ja["facets"], jb["facets"]) << r.query;
    EXPECT_EQ(hit_keys(ja), hit_keys(jb)) << r.query;
    EXPECT_EQ(ja["total"], jc["total"]) << r.query;
    EXPECT_EQ(ja["facets"], jc["facets"]) << r.query;
    EXPECT_EQ(hit_keys(ja), hit_keys(jc)) << r.query;
  }
  // The stub was split into its two local shards, so facets came from their tables.
  auto searcher = query::detail::Searcher::open({(dir / "shards.stub").string()});
  ASSERT_OK(searcher);
  query::detail::Resolvers res;
  res.provision = [](std::string_view v) -> Result<std::string> { return index::facet_term(v); };
  query::SearchRequest r;
  r.query = vocab[0];
  ASSERT_OK(as_json((*searcher)->search(r, res)));
  EXPECT_TRUE((*searcher)->last_counted_with_tables());
}

// The hits' records cached per shard: a hit of the combined search is found under its own
// shard's docid (Xapian interleaves the shards' docids), warm or cold, as when read from
// the index each time.
TEST(ShardTest, CachedHitRecordsOfSeveralShardsAreTheirOwn) {
  TempDir dir;
  build(dir / "even", 0, 2);
  build(dir / "odd", 1, 2);
  const std::vector<std::string> paths = {(dir / "even" / "xapian").string(), (dir / "odd" / "xapian").string()};
  query::detail::Resolvers res;
  res.provision = [](std::string_view v) -> Result<std::string> { return index::facet_term(v); };
  const auto& vocab = testing::random_vocabulary();
  std::vector<query::SearchRequest> requests(10);
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].query = vocab[i % vocab.size()] + " OR " + vocab[(i + 3) % vocab.size()];
    requests[i].limit = 12;
  }
  auto run_all = [&](size_t budget) { return testing::search_two_rounds(paths, requests, res, budget); };
  const auto uncached = run_all(0);
  size_t hits = 0;
  for (const auto& a : uncached) hits += json::parse(a)["hits"].size();
  EXPECT_GE(hits, 100u);
  EXPECT_EQ(run_all(64u << 20), uncached);
}

TEST(ShardTest, AnUnreachableShardIsAClearError) {
  TempDir dir;
  build(dir / "all", 0, 1);
  auto api = query::open_api(dir / "all", {"tcp:127.0.0.1:1"});
  ASSERT_OK(api);
  query::SearchRequest r;
  r.query = "harbor";
  auto out = as_json((*api)->search(r));
  ASSERT_FALSE(out.has_value());
  EXPECT_NE(out.error().message.find("tcp:127.0.0.1:1"), std::string::npos) << out.error().message;
}

}  // namespace
}  // namespace policyindex
