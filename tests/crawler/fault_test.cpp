// The crawler against a server that misbehaves on purpose. Each fault gets a correct
// result or a recorded error with a clear reason; nothing else is lost and the crawl goes on.

#include <gtest/gtest.h>

#include <map>

#include "corpus/corpus.h"
#include "corpus/sql.h"
#include "crawler/crawler.h"
#include "tests/crawler/fault_server.h"
#include "tests/testing/testing.h"

namespace policyindex::crawler {
namespace {

const UrlOutcome* find(const std::vector<UrlOutcome>& v, const std::string& suffix) {
  for (const auto& o : v) {
    if (o.url.size() >= suffix.size() && o.url.compare(o.url.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return &o;
    }
  }
  return nullptr;
}

TEST(CrawlFaultTest, EveryFaultGetsAResultOrAReasonAndTheCrawlGoesOn) {
  testing::TempDir tmp;
  testing::FaultServer server;
  testing::FaultServer stalled(/*stall_robots=*/true);
  auto store = corpus::Store::open(tmp / "data");
  ASSERT_TRUE(store) << store.error().message;
  CrawlOptions o;
  o.seeds.push_back({server.base() + "/", "", "police_policy", "source"});
  o.seeds.push_back({stalled.base() + "/", "", "", "seed"});
  o.delay_ms = 0;
  o.per_host = 4;
  o.retries = 1;
  o.retry_base_ms = 100;
  o.timeout_ms = 3000;
  o.low_speed_bytes = 100;
  o.low_speed_seconds = 1;
  o.max_bytes = 4u << 20;
  auto s = crawl(*store, o);
  ASSERT_TRUE(s) << s.error().message;
  const std::string json = summary_json(*s);

  // Correct results.
  for (const char* ok : {"/good1.pdf", "/good2.pdf", "/slow.pdf", "/flaky503.pdf", "/rate429.pdf",
                         "/moved.pdf", "/latin1.html", "/latin1-bylaw.pdf",
                         "/ElectronicFile.aspx?id=9"}) {
    EXPECT_NE(find(s->new_documents, ok), nullptr) << ok << "\n" << json;
  }
  auto& cat = store->catalog();
  auto slow = cat.document_by_url(server.base() + "/slow.pdf");
  ASSERT_TRUE(slow && *slow);
  EXPECT_EQ((*cat.version(*(*slow)->current_version_id))->size, 20000u);
  auto latin = cat.document_by_url(server.base() + "/latin1.html");
  ASSERT_TRUE(latin && *latin);
  auto bytes = store->blobs().read((*cat.version(*(*latin)->current_version_id))->sha256);
  EXPECT_EQ(*bytes, testing::FaultServer::latin1_page());
  // The redirect target was stored under the URL the site links to.
  auto moved = cat.document_by_url(server.base() + "/moved.pdf");
  ASSERT_TRUE(moved && *moved);

  // Retry-After was honoured: the second request came at least a second later.
  std::map<std::string, std::vector<double>> at;
  for (const auto& h : server.hits()) at[h.path].push_back(h.at);
  for (const char* p : {"/flaky503.pdf", "/rate429.pdf"}) {
    ASSERT_EQ(at[p].size(), 2u) << p;
    EXPECT_GE(at[p][1] - at[p][0], 0.95) << p;
  }
  // No retries on redirects to other schemes; one retry (then failure) on 500.
  EXPECT_EQ(at["/always500.pdf"].size(), 2u);
  EXPECT_EQ(at["/to-file.pdf"].size(), 1u);

  // Recorded errors with clear reasons.
  struct Want {
    const char* path;
    const char* reason;
  } wants[] = {
      {"/stall.pdf", "timeout"},
      {"/reset.pdf", "network"},
      {"/always500.pdf", "HTTP 500"},
      {"/loop-a", "redirect loop"},
      {"/to-file.pdf", "scheme 'file'"},
      {"/to-ftp.pdf", "scheme 'ftp'"},
      {"/wrong-length.pdf", "network"},
      {"/huge.pdf", "too_large"},
      {"/huge-noclen.pdf", "too_large"},
      {"/bomb.pdf", "too_large"},
      {"/2gb.pdf", "too_large"},
  };
  for (const auto& w : wants) {
    const UrlOutcome* f = find(s->failed, w.path);
    ASSERT_NE(f, nullptr) << w.path << "\n" << json;
    EXPECT_NE(f->reason.find(w.reason), std::string::npos) << w.path << ": " << f->reason;
  }
  EXPECT_EQ(s->failed.size(), std::size(wants) + 1) << json;  // + the stalled host's seed
  // The cap holds on the wire too: the huge body was not read to the end.
  EXPECT_LT(server.sent("/huge-noclen.pdf"), 64ull << 20);
  EXPECT_LT(server.sent("/2gb.pdf"), 64ull << 20);
  // A 200 challenge page is a block, not a document; a PDF served as octet-stream from an
  // .aspx URL is a PDF, named by its Content-Disposition.
  const UrlOutcome* challenge = find(s->blocked, "/challenge.pdf");
  ASSERT_NE(challenge, nullptr) << json;
  EXPECT_EQ(challenge->reason.rfind("challenge: Cloudflare", 0), 0u) << challenge->reason;
  EXPECT_EQ(s->blocked.size(), 1u) << json;
  auto aspx = cat.document_by_url(server.base() + "/ElectronicFile.aspx?id=9");
  ASSERT_TRUE(aspx && *aspx);
  EXPECT_EQ((*cat.version(*(*aspx)->current_version_id))->content_type.value_or(""), "application/pdf");

  // The host whose robots.txt times out is parked and nothing else is asked of it.
  ASSERT_EQ(s->parked_hosts.size(), 1u) << json;
  EXPECT_NE(s->parked_hosts[0].reason.find("robots.txt unreachable"), std::string::npos);
  auto stalled_hits = stalled.hits();
  ASSERT_EQ(stalled_hits.size(), 1u);
  EXPECT_EQ(stalled_hits[0].path, "/robots.txt");

  // A fetch-log row for every attempt, with the reason.
  auto rows = corpus::sql::prepare(cat, "SELECT count(*) FROM fetch_log WHERE outcome='retry'");
  ASSERT_TRUE(rows && *rows->step());
  EXPECT_GE(rows->int64(0), 5);
  auto bomb = corpus::sql::prepare(cat, "SELECT error FROM fetch_log WHERE url LIKE '%/bomb.pdf'");
  ASSERT_TRUE(bomb && *bomb->step());
  EXPECT_NE(bomb->text(0).find("too_large"), std::string::npos);
}

}  // namespace
}  // namespace policyindex::crawler
