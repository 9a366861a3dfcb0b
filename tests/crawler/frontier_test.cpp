// The frontier alone, with a recording dispatcher and explicit times.

#include "crawler/frontier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace policyindex::crawler {
namespace {

using namespace std::chrono_literals;

class Recorder final : public Dispatcher {
 public:
  bool has_capacity() const override { return in_flight < capacity; }
  bool budget_spent() const override { return budget_left <= 0; }
  void fetch_robots(Host& h) override {
    ++robots;
    h.robots_state = RobotsState::kReady;  // as if robots.txt answered 404 at once
  }
  void start(Host&, Item it) override {
    ++in_flight;
    --budget_left;
    started.push_back(it.url);
  }
  void drop(Item it, Disposition, corpus::FetchOutcome, std::string reason) override {
    dropped.push_back(it.url + ": " + reason);
  }

  int capacity = 100;
  int in_flight = 0;
  int budget_left = 1000;
  int robots = 0;
  std::vector<std::string> started, dropped;
};

Item item(const std::string& url, ItemKind kind = ItemKind::kPage) {
  Item it;
  it.url = it.fetch_url = url;
  it.kind = kind;
  return it;
}

class FrontierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    opts_.per_host = 1;
    opts_.delay_ms = 1000;
    opts_.host_failure_limit = 2;
  }
  CrawlOptions opts_;
  Recorder d_;
  const Clock::TimePoint t0_{std::chrono::hours(1)};
};

TEST_F(FrontierTest, ServesHostsRoundRobinAndHoldsEachBackByItsDelay) {
  opts_.per_host = 5;
  Frontier f(opts_, d_);
  for (auto u : {"http://a.test/1", "http://a.test/2", "http://b.test/1"}) f.enqueue(item(u));
  auto wake = f.schedule(t0_);
  EXPECT_EQ(d_.robots, 2);
  // One from each host (which first depends on the round-robin position).
  auto first = d_.started;
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, (std::vector<std::string>{"http://a.test/1", "http://b.test/1"}));
  ASSERT_TRUE(wake.has_value());
  EXPECT_EQ(*wake, t0_ + 1000ms);  // a.test's next start
  f.schedule(t0_ + 999ms);
  EXPECT_EQ(d_.started.size(), 2u) << "one millisecond early";
  f.schedule(t0_ + 1000ms);
  EXPECT_EQ(d_.started.back(), "http://a.test/2");
  EXPECT_FALSE(f.has_work());
}

TEST_F(FrontierTest, KeepsThePerHostLimitUntilATransferEnds) {
  opts_.delay_ms = 0;
  Frontier f(opts_, d_);
  f.enqueue(item("http://a.test/1"));
  f.enqueue(item("http://a.test/2"));
  f.schedule(t0_);
  ASSERT_EQ(d_.started.size(), 1u);
  f.schedule(t0_ + 5s);
  EXPECT_EQ(d_.started.size(), 1u) << "per_host 1: the second waits";
  Url u = *parse_url("http://a.test/1");
  f.ended(f.host_of(u));
  f.schedule(t0_ + 5s);
  EXPECT_EQ(d_.started.size(), 2u);
}

TEST_F(FrontierTest, RetriesWaitForTheirBackoffAndGoFirst) {
  opts_.delay_ms = 0;
  opts_.per_host = 2;
  Frontier f(opts_, d_);
  f.enqueue(item("http://a.test/next"));
  Url u = *parse_url("http://a.test/again");
  Host& h = f.host_of(u);
  h.robots_state = RobotsState::kReady;
  Item retry = item("http://a.test/again");
  retry.not_before = t0_ + 3s;
  f.retry_later(h, retry);
  auto wake = f.schedule(t0_);
  EXPECT_EQ(d_.started, (std::vector<std::string>{"http://a.test/next"}));
  ASSERT_TRUE(wake.has_value());
  EXPECT_EQ(*wake, t0_ + 3s);
  EXPECT_TRUE(f.has_work());
  f.schedule(t0_ + 3s);
  EXPECT_EQ(d_.started.back(), "http://a.test/again");
}

TEST_F(FrontierTest, TheBudgetHoldsDocumentsButNotSitemaps) {
  opts_.delay_ms = 0;
  opts_.per_host = 5;
  d_.budget_left = 1;
  Frontier f(opts_, d_);
  f.enqueue(item("http://a.test/1"));
  f.enqueue(item("http://a.test/sitemap.xml", ItemKind::kSitemap));
  f.enqueue(item("http://a.test/2"));
  f.schedule(t0_);
  EXPECT_EQ(d_.started, (std::vector<std::string>{"http://a.test/1", "http://a.test/sitemap.xml"}));
  EXPECT_TRUE(f.limit_reached());
  EXPECT_FALSE(f.has_work()) << "at the limit, queued URLs no longer keep the crawl going";
  EXPECT_EQ(f.queued(), 1);
}

TEST_F(FrontierTest, RobotsRulesAndParkedHostsDropURLs) {
  opts_.delay_ms = 0;
  opts_.per_host = 5;
  Frontier f(opts_, d_);
  Host& a = f.host_of(*parse_url("http://a.test/"));
  a.robots = Robots::parse("User-agent: *\nDisallow: /private\n", "policyindex");
  a.robots_state = RobotsState::kReady;
  f.enqueue(item("http://a.test/private/x"));
  f.enqueue(item("http://a.test/public"));
  Host& b = f.host_of(*parse_url("http://b.test/"));
  f.enqueue(item("http://b.test/1"));
  f.enqueue(item("http://b.test/2"));
  f.count_failure(b);
  f.park_if_failing(b, "HTTP 503");
  EXPECT_FALSE(b.parked) << "one failure of two";
  f.count_failure(b);
  f.park_if_failing(b, "HTTP 503");
  EXPECT_TRUE(b.parked);
  f.schedule(t0_);
  EXPECT_EQ(d_.started, (std::vector<std::string>{"http://a.test/public"}));
  ASSERT_EQ(d_.dropped.size(), 3u);
  EXPECT_EQ(d_.dropped[0], "http://b.test/1: host parked: 2 consecutive failures (last: HTTP 503)");
  EXPECT_EQ(d_.dropped[2], "http://a.test/private/x: robots.txt disallows /private/x");
  auto parked = f.parked_hosts();
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].urls_skipped, 2);
}

Item at_depth(const std::string& url, int depth, ItemKind kind = ItemKind::kPage) {
  Item it = item(url, kind);
  it.depth = depth;
  return it;
}

TEST_F(FrontierTest, EachHostIsServedBestFirstThenByDepthThenInOrder) {
  opts_.delay_ms = 0;
  opts_.per_host = 100;
  Frontier f(opts_, d_);
  f.enqueue(at_depth("http://a.test/news", 1), 0);
  f.enqueue(at_depth("http://a.test/deep-weak", 3), 100);
  f.enqueue(at_depth("http://a.test/shallow-weak", 1), 100);
  f.enqueue(at_depth("http://a.test/trust-act.pdf", 2, ItemKind::kDocument), 305);
  f.enqueue(at_depth("http://a.test/police", 1), 100);
  f.enqueue(item("http://a.test/", ItemKind::kSeed));  // seeds before everything
  f.schedule(t0_);
  EXPECT_EQ(d_.started,
            (std::vector<std::string>{"http://a.test/", "http://a.test/trust-act.pdf",
                                      "http://a.test/shallow-weak", "http://a.test/police",
                                      "http://a.test/deep-weak", "http://a.test/news"}));
}

TEST_F(FrontierTest, RedirectHopsAndRetriesGoBeforeBetterItems) {
  opts_.delay_ms = 0;
  Frontier f(opts_, d_);
  f.enqueue(item("http://a.test/ordinance"), 200);
  Host& h = f.host_of(*parse_url("http://a.test/"));
  f.requeue_front(h, item("http://a.test/moved"));
  f.schedule(t0_);
  ASSERT_EQ(d_.started.size(), 1u);
  EXPECT_EQ(d_.started[0], "http://a.test/moved");
}

TEST_F(FrontierTest, DefaultRelevanceComesFromTheWords) {
  auto doc = [](const char* url) { return item(url, ItemKind::kDocument); };
  EXPECT_GT(Frontier::default_relevance(doc("http://a.test/sanctuary-policy.pdf")),
            Frontier::default_relevance(doc("http://a.test/general-bylaws.pdf")));
  EXPECT_GT(Frontier::default_relevance(doc("http://a.test/general-bylaws.pdf")),
            Frontier::default_relevance(item("http://a.test/news/fireworks")));
  EXPECT_EQ(Frontier::default_relevance(item("http://a.test/", ItemKind::kSource)), kRelevanceSeed);
}

TEST_F(FrontierTest, ThePageBudgetStopsPagesNotDocuments) {
  opts_.delay_ms = 0;
  opts_.per_host = 100;
  opts_.max_pages_per_host = 2;
  Frontier f(opts_, d_);
  f.enqueue(item("http://a.test/", ItemKind::kSeed));
  for (auto u : {"http://a.test/p1", "http://a.test/p2", "http://a.test/p3"}) {
    f.enqueue(item(u), 100);
  }
  f.enqueue(item("http://a.test/bylaws.pdf", ItemKind::kDocument), 50);
  f.enqueue(item("http://b.test/p1"), 100);  // another host has its own budget
  f.schedule(t0_);
  auto started = d_.started;
  std::sort(started.begin(), started.end());
  EXPECT_EQ(started, (std::vector<std::string>{"http://a.test/", "http://a.test/bylaws.pdf",
                                               "http://a.test/p1", "http://a.test/p2",
                                               "http://b.test/p1"}));
  ASSERT_EQ(d_.dropped.size(), 1u);
  EXPECT_EQ(d_.dropped[0],
            "http://a.test/p3: over the page budget of http://a.test (--max-pages-per-host 2)");
  EXPECT_FALSE(f.has_work());
}

TEST_F(FrontierTest, IisPathsDifferingInCaseAreOneUrl) {
  Frontier f(opts_, d_);
  f.enqueue(item("http://iis.test/Police/Policies.aspx"));
  EXPECT_TRUE(f.seen("http://iis.test/police/policies.aspx"));
  EXPECT_TRUE(f.seen("http://iis.test/POLICE/POLICIES.ASPX")) << "any spelling of the path";
  EXPECT_FALSE(f.seen("http://iis.test/police/policies.aspx?id=2")) << "the query still counts";
  // Once the host is known to be IIS, its other paths fold too.
  f.enqueue(item("http://iis.test/Docs/Bylaws.pdf"));
  EXPECT_TRUE(f.seen("http://iis.test/docs/bylaws.pdf"));
  // Other hosts keep case-sensitive paths.
  f.enqueue(item("http://unix.test/Docs/Bylaws.pdf"));
  EXPECT_FALSE(f.seen("http://unix.test/docs/bylaws.pdf"));
  f.mark_case_insensitive("unix.test");
  EXPECT_TRUE(f.seen("http://unix.test/docs/bylaws.pdf")) << "marked by its Server header";
}

TEST_F(FrontierTest, VariantsOfOnePatternAreCapped) {
  Frontier f(opts_, d_);
  int calendar = 0, facets = 0, pages = 0, docs = 0;
  for (int m = 0; m < 500; ++m) {
    const int year = 2024 + m / 12, month = 1 + m % 12;
    calendar += f.admit_variant(*parse_url("http://a.test/calendar?month=" + std::to_string(month) +
                                           "&year=" + std::to_string(year)));
    facets += f.admit_variant(*parse_url("http://a.test/search?dept=" + std::to_string(m % 7) +
                                         "&type=" + std::to_string(m % 11) + "&sort=" +
                                         std::to_string(m % 3)));
    pages += f.admit_variant(*parse_url("http://a.test/news?page=" + std::to_string(m)));
    docs += f.admit_variant(*parse_url("http://a.test/DocumentCenter/View/" + std::to_string(m)));
  }
  EXPECT_EQ(calendar, Frontier::kMaxDateVariants);
  EXPECT_EQ(facets, Frontier::kMaxDateVariants);
  EXPECT_EQ(pages, Frontier::kMaxQueryVariants);
  EXPECT_EQ(docs, 500) << "distinct paths are not variants";
  // Every query shape of one path together.
  int shapes = 0;
  for (int k = 0; k < 100; ++k) {
    shapes += f.admit_variant(*parse_url("http://a.test/list?f" + std::to_string(k) + "=1"));
  }
  EXPECT_EQ(shapes, Frontier::kMaxVariantsPerPath);
}

}  // namespace
}  // namespace policyindex::crawler
