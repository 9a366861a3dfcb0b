// The whole crawl (frontier, response policy, sink, catalog) on a fake engine and a fake
// clock: politeness, concurrency limits, retries with backoff and timeouts are checked in
// simulated time, without a network and without sleeping.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>

#include "corpus/corpus.h"
#include "corpus/crawl_ledger.h"
#include "corpus/site_status.h"
#include "corpus/sql.h"
#include "crawler/crawl.h"
#include "tests/crawler/fake_engine.h"
#include "tests/testing/testing.h"

namespace policyindex::crawler {
namespace {

using testing::FakeEngine;
using testing::FakeNet;
using testing::FakeReply;
using testing::path_of;
using testing::TempDir;


class CrawlSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = corpus::Store::open(dir_ / "data");
    ASSERT_OK(s);
    store_.emplace(std::move(*s));
    opts_.retry_base_ms = 1000;
    opts_.delay_ms = 0;
  }

  // Seeds for `paths` on `host`.
  void seed(const std::string& host, std::initializer_list<const char*> paths) {
    for (const char* p : paths) opts_.seeds.push_back({"http://" + host + p, "", "", "seed"});
  }

  Result<CrawlSummary> crawl() {
    return run_crawl(*store_, opts_, nullptr, std::make_unique<FakeEngine>(net_), net_.clock);
  }

  // Start times (fake ms) of the requests for URLs on `host` other than robots.txt.
  std::vector<int64_t> starts_on(const std::string& host) const {
    std::vector<int64_t> out;
    for (const auto& r : net_.requests) {
      if (r.url.find("//" + host + "/") != std::string::npos && path_of(r.url) != "/robots.txt") {
        out.push_back(r.start_ms);
      }
    }
    return out;
  }

  // (outcome, error) of the fetch-log rows of `url`, in order.
  std::vector<std::pair<std::string, std::string>> log_of(const std::string& url) {
    std::vector<std::pair<std::string, std::string>> out;
    corpus::CrawlLedger ledger(store_->catalog());
    auto rows = ledger.fetches_of(url);
    EXPECT_TRUE(rows.has_value()) << PI_RESULT_MESSAGE(rows);
    if (!rows) return out;
    for (const auto& f : *rows)
      out.emplace_back(std::string(corpus::to_string(f.outcome)), f.error);
    return out;
  }

  TempDir dir_;
  std::optional<corpus::Store> store_;
  CrawlOptions opts_;
  FakeNet net_;
};

FakeReply pdf(std::string body, int64_t latency_ms = 5) {
  FakeReply r;
  r.content_type = "application/pdf";
  r.body = std::move(body);
  r.latency_ms = latency_ms;
  return r;
}

FakeReply status(int code) {
  FakeReply r;
  r.status = code;
  r.body = "error " + std::to_string(code);
  return r;
}

TEST_F(CrawlSimTest, WaitsTheDelayBetweenTwoStartsOnOneHost) {
  opts_.delay_ms = 2000;
  opts_.per_host = 4;  // the delay, not the concurrency limit, spaces the requests
  seed("alpha.test", {"/a.pdf", "/b.pdf", "/c.pdf", "/d.pdf"});
  seed("beta.test", {"/e.pdf"});
  net_.handler = [](const HttpRequest& req) {
    return path_of(req.url) == "/robots.txt" ? status(404) : pdf("%PDF " + req.url);
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(s->new_documents.size(), 5u) << summary_json(*s);

  auto alpha = starts_on("alpha.test");
  ASSERT_EQ(alpha.size(), 4u);
  // robots.txt starts the host's clock too: the first document waits one delay after it.
  auto robots = net_.to("alpha.test/robots.txt");
  ASSERT_EQ(robots.size(), 1u);
  EXPECT_GE(alpha[0] - robots[0].start_ms, 2000);
  for (size_t i = 1; i < alpha.size(); ++i) {
    EXPECT_GE(alpha[i] - alpha[i - 1], 2000) << "request " << i;
    EXPECT_LE(alpha[i] - alpha[i - 1], 2100) << "request " << i << ": no needless waiting";
  }
  // Hosts do not wait for each other.
  auto beta = starts_on("beta.test");
  ASSERT_EQ(beta.size(), 1u);
  EXPECT_LT(beta[0], alpha[1]);
}

TEST_F(CrawlSimTest, RobotsCrawlDelayRaisesTheHostsDelay) {
  opts_.delay_ms = 500;
  seed("alpha.test", {"/a.pdf", "/b.pdf", "/c.pdf"});
  net_.handler = [](const HttpRequest& req) {
    if (path_of(req.url) == "/robots.txt") {
      FakeReply r;
      r.content_type = "text/plain";
      r.body = "User-agent: *\nCrawl-delay: 4\n";
      return r;
    }
    return pdf("%PDF " + req.url);
  };
  ASSERT_OK(crawl());
  auto starts = starts_on("alpha.test");
  ASSERT_EQ(starts.size(), 3u);
  for (size_t i = 1; i < starts.size(); ++i) EXPECT_GE(starts[i] - starts[i - 1], 4000);
}

TEST_F(CrawlSimTest, KeepsPerHostAndTotalConcurrencyLimits) {
  opts_.per_host = 2;
  opts_.concurrency = 3;
  seed("alpha.test", {"/1.pdf", "/2.pdf", "/3.pdf", "/4.pdf", "/5.pdf", "/6.pdf"});
  seed("beta.test", {"/1.pdf", "/2.pdf", "/3.pdf", "/4.pdf"});
  net_.handler = [](const HttpRequest& req) {
    return path_of(req.url) == "/robots.txt" ? status(404) : pdf("%PDF " + req.url, 1000);
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(s->new_documents.size(), 10u);
  EXPECT_EQ(net_.max_host_in_flight["http://alpha.test"], 2);
  EXPECT_EQ(net_.max_host_in_flight["http://beta.test"], 2);
  EXPECT_EQ(net_.max_in_flight, 3);
  // 10 slow answers, 3 at a time: four rounds of a second, not ten.
  EXPECT_LT(net_.clock.ms(), 4 * 1000 + 500);
  EXPECT_GE(net_.clock.ms(), 4 * 1000);
}

TEST_F(CrawlSimTest, RetriesAfterAGrowingBackoff) {
  opts_.retries = 3;
  seed("alpha.test", {"/flaky.pdf"});
  int calls = 0;
  net_.handler = [&](const HttpRequest& req) {
    if (path_of(req.url) == "/robots.txt") return status(404);
    return ++calls <= 2 ? status(503) : pdf("%PDF flaky");
  };
  auto s = crawl();
  ASSERT_OK(s);
  ASSERT_EQ(s->new_documents.size(), 1u) << summary_json(*s);
  EXPECT_EQ(s->retries, 2);
  auto tries = net_.to("/flaky.pdf");
  ASSERT_EQ(tries.size(), 3u);
  // First backoff: the base (1 s) plus up to half of it as jitter; then twice the base.
  const int64_t wait1 = tries[1].start_ms - tries[0].end_ms;
  const int64_t wait2 = tries[2].start_ms - tries[1].end_ms;
  EXPECT_GE(wait1, 1000);
  EXPECT_LE(wait1, 1500 + 2);
  EXPECT_GE(wait2, 2000);
  EXPECT_LE(wait2, 2500 + 2);
  // One row per attempt (a batch writes its final results before its retry rows, so the
  // rows are compared as a set).
  auto log = log_of("http://alpha.test/flaky.pdf");
  std::sort(log.begin(), log.end());
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].first, "fetched");
  EXPECT_EQ(log[1].first, "retry");
  EXPECT_EQ(log[1].second.rfind("HTTP 503 (retry 1 in ", 0), 0u) << log[1].second;
  EXPECT_EQ(log[2].first, "retry");
  EXPECT_EQ(log[2].second.rfind("HTTP 503 (retry 2 in ", 0), 0u) << log[2].second;
}

TEST_F(CrawlSimTest, HonoursRetryAfterUpToItsCap) {
  opts_.retries = 2;
  opts_.retry_after_cap_ms = 20000;
  seed("alpha.test", {"/busy.pdf", "/greedy.pdf"});
  std::map<std::string, int> calls;
  net_.handler = [&](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return status(404);
    if (++calls[p] > 1) return pdf("%PDF " + p);
    FakeReply r = status(429);
    r.retry_after = p == "/busy.pdf" ? "7" : "3600";  // the second one is capped
    return r;
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(s->new_documents.size(), 2u) << summary_json(*s);
  auto busy = net_.to("/busy.pdf");
  ASSERT_EQ(busy.size(), 2u);
  EXPECT_GE(busy[1].start_ms - busy[0].end_ms, 7000);
  EXPECT_LE(busy[1].start_ms - busy[0].end_ms, 7000 + 2);
  auto greedy = net_.to("/greedy.pdf");
  ASSERT_EQ(greedy.size(), 2u);
  EXPECT_GE(greedy[1].start_ms - greedy[0].end_ms, 20000);
  EXPECT_LE(greedy[1].start_ms - greedy[0].end_ms, 20000 + 2);
}

TEST_F(CrawlSimTest, AHangingServerTimesOutIsRetriedAndLoggedAsTimeout) {
  opts_.retries = 1;
  opts_.timeout_ms = 30000;
  seed("alpha.test", {"/hang.pdf", "/ok.pdf"});
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return status(404);
    if (p == "/hang.pdf") {
      FakeReply r;
      r.fault = FakeReply::Fault::kHang;
      return r;
    }
    return pdf("%PDF ok");
  };
  auto s = crawl();
  ASSERT_OK(s);
  ASSERT_EQ(s->failed.size(), 1u) << summary_json(*s);
  EXPECT_EQ(s->failed[0].reason.rfind("timeout: ", 0), 0u) << s->failed[0].reason;
  EXPECT_EQ(s->new_documents.size(), 1u);
  auto tries = net_.to("/hang.pdf");
  ASSERT_EQ(tries.size(), 2u);
  for (const auto& t : tries) EXPECT_EQ(t.end_ms - t.start_ms, 30000);
  auto log = log_of("http://alpha.test/hang.pdf");
  std::sort(log.begin(), log.end());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].first, "retry");
  EXPECT_EQ(
      log[0].second.rfind("timeout: Operation timed out after 30000 milliseconds (retry 1 in ", 0),
      0u)
      << log[0].second;
  EXPECT_EQ(log[1].first, "timeout");
  // A minute of simulated waiting, and the other document did not wait for it.
  EXPECT_GE(net_.clock.ms(), 60000);
  auto ok = net_.to("/ok.pdf");
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_LT(ok[0].start_ms, 1000);
}

TEST_F(CrawlSimTest, ParksAHostAfterConsecutiveFailures) {
  opts_.retries = 0;
  opts_.host_failure_limit = 3;
  opts_.per_host = 1;
  seed("down.test", {"/1.pdf", "/2.pdf", "/3.pdf", "/4.pdf", "/5.pdf"});
  net_.handler = [](const HttpRequest& req) {
    if (path_of(req.url) == "/robots.txt") return status(404);
    FakeReply r;
    r.fault = FakeReply::Fault::kReset;
    return r;
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(starts_on("down.test").size(), 3u) << "the host is left alone after 3 failures";
  ASSERT_EQ(s->parked_hosts.size(), 1u);
  EXPECT_EQ(s->parked_hosts[0].host, "http://down.test");
  EXPECT_EQ(s->parked_hosts[0].urls_skipped, 2);
  EXPECT_EQ(s->failed.size(), 5u);
}

TEST_F(CrawlSimTest, AnUnreachableRobotsTxtParksTheHost) {
  seed("alpha.test", {"/a.pdf"});
  seed("beta.test", {"/b.pdf"});
  net_.handler = [](const HttpRequest& req) {
    if (req.url == "http://alpha.test/robots.txt") return status(503);
    if (path_of(req.url) == "/robots.txt") return status(404);
    return pdf("%PDF " + req.url);
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_TRUE(net_.to("/a.pdf").empty());
  EXPECT_EQ(net_.to("/b.pdf").size(), 1u);
  ASSERT_EQ(s->parked_hosts.size(), 1u);
  EXPECT_NE(s->parked_hosts[0].reason.find("robots.txt unreachable"), std::string::npos);
  EXPECT_EQ(log_of("http://alpha.test/robots.txt").at(0).first, "robots_unreachable");
}

TEST_F(CrawlSimTest, ASecondCrawlAsksConditionallyAndRecordsNotModified) {
  seed("alpha.test", {"/a.pdf"});
  net_.handler = [](const HttpRequest& req) {
    if (path_of(req.url) == "/robots.txt") return status(404);
    for (const auto& h : req.headers) {
      if (h == "If-None-Match: \"v1\"") return status(304);
    }
    FakeReply r = pdf("%PDF a");
    r.etag = "\"v1\"";
    return r;
  };
  auto first = crawl();
  ASSERT_OK(first);
  ASSERT_EQ(first->new_documents.size(), 1u);
  auto second = crawl();
  ASSERT_OK(second);
  EXPECT_EQ(second->conditional, 1);
  ASSERT_EQ(second->unchanged.size(), 1u) << summary_json(*second);
  auto log = log_of("http://alpha.test/a.pdf");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].first, "fetched");
  EXPECT_EQ(log[1].first, "not_modified");
}

FakeReply html(std::string body) {
  FakeReply r;
  r.body = std::move(body);
  return r;
}

FakeReply robots_txt(std::string body) {
  FakeReply r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

// issue 18 item 7: a link is requested, and checked against robots.txt, exactly as written;
// the canonical (query-sorted) URL is only its key.
TEST_F(CrawlSimTest, RobotsIsCheckedOnTheUrlAsWritten) {
  seed("alpha.test", {"/"});
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return robots_txt("User-agent: *\nDisallow: /search?q=\n");
    if (p == "/") {
      return html("<a href='/search?q=ice&amp;lang=en'>Immigration policy search</a>"
                  "<a href='/policies?b=2&amp;a=1'>Police policies</a>");
    }
    return html("<p>policies</p>");
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_TRUE(net_.to("/search?q=ice&lang=en").empty()) << "a disallowed link was fetched";
  EXPECT_TRUE(net_.to("/search?lang=en&q=ice").empty());
  ASSERT_EQ(s->disallowed.size(), 1u) << summary_json(*s);
  auto log = log_of("http://alpha.test/search?q=ice&lang=en");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].first, "disallowed");
  EXPECT_EQ(log[0].second, "robots.txt disallows /search?q=ice&lang=en");
  // The allowed link is requested in its own parameter order, stored under its key.
  EXPECT_EQ(net_.to("/policies?b=2&a=1").size(), 1u);
  EXPECT_TRUE(net_.to("/policies?a=1&b=2").empty());
  bool stored = false;
  for (const auto& d : s->new_documents) stored |= d.url == "http://alpha.test/policies?a=1&b=2";
  EXPECT_TRUE(stored) << summary_json(*s);
}

// RFC 9309 §2.3.1.4: a 429 for robots.txt is "unreachable": nothing of the host is fetched.
TEST_F(CrawlSimTest, ARobotsTxt429DisallowsTheHost) {
  seed("alpha.test", {"/a.pdf"});
  net_.handler = [](const HttpRequest& req) {
    return path_of(req.url) == "/robots.txt" ? status(429) : pdf("%PDF " + req.url);
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_TRUE(net_.to("/a.pdf").empty());
  EXPECT_TRUE(s->new_documents.empty());
  auto log = log_of("http://alpha.test/robots.txt");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].first, "robots_unreachable");
  EXPECT_EQ(log[0].second, "HTTP 429");
}

// A crawl-delay between two user-agent lines does not end the group: our agent is bound by
// the rules below the second agent line, and by its delay.
TEST_F(CrawlSimTest, ACrawlDelayBetweenUserAgentLinesKeepsTheGroup) {
  seed("alpha.test", {"/private/a.pdf", "/b.pdf", "/c.pdf"});
  net_.handler = [](const HttpRequest& req) {
    if (path_of(req.url) == "/robots.txt") {
      return robots_txt("User-agent: policyindex\nCrawl-delay: 3\nUser-agent: otherbot\n"
                        "Disallow: /private/\n\nUser-agent: *\nDisallow: /\n");
    }
    return pdf("%PDF " + req.url);
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_TRUE(net_.to("/private/a.pdf").empty());
  EXPECT_EQ(s->disallowed.size(), 1u);
  EXPECT_EQ(s->new_documents.size(), 2u) << "the '*' group (Disallow: /) must not apply";
  auto starts = starts_on("alpha.test");
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_GE(starts[1] - starts[0], 3000);
}

const char* kChallenge =
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<script>window._cf_chl_opt={cvId:'3'};</script></body></html>";

// issue 18 item 5: a firewall challenge (200 or 503) and a login wall are recorded as blocks
// for the town: not stored, not retried, in the blocks table.
TEST_F(CrawlSimTest, ChallengePagesAndLoginWallsAreBlocksNotDocuments) {
  opts_.seeds.push_back({"http://alpha.test/", "Salem", "", "seed"});
  opts_.seeds.push_back({"http://alpha.test/a.pdf", "Salem", "", "seed"});
  opts_.seeds.push_back({"http://alpha.test/b.pdf", "Salem", "", "seed"});
  opts_.seeds.push_back({"http://alpha.test/c.pdf", "Salem", "", "seed"});
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return status(404);
    FakeReply r;
    if (p == "/") {
      r.body = kChallenge;  // 200
    } else if (p == "/a.pdf") {
      r.status = 503;
      r.body = kChallenge;
    } else if (p == "/b.pdf") {
      r.status = 302;
      r.location = "/Account/Login?ReturnUrl=%2Fb.pdf";
    } else if (p == "/c.pdf") {
      r.status = 401;
      r.body = "Unauthorized";
    } else {
      r = pdf("%PDF " + req.url);
    }
    return r;
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_TRUE(s->new_documents.empty()) << summary_json(*s);
  ASSERT_EQ(s->blocked.size(), 4u) << summary_json(*s);
  EXPECT_EQ(net_.to("/a.pdf").size(), 1u) << "a challenge is not retried";
  EXPECT_TRUE(net_.to("/Account/Login?ReturnUrl=%2Fb.pdf").empty()) << "a login page is not fetched";
  EXPECT_EQ(s->retries, 0);
  auto log = log_of("http://alpha.test/");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].first, "challenge");
  EXPECT_EQ(log[0].second, "challenge: Cloudflare (\"just a moment...\"), HTTP 200");
  log = log_of("http://alpha.test/b.pdf");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].first, "login_wall");

  corpus::SiteStatus st(store_->catalog());
  auto town = store_->catalog().find_municipality("Salem");
  ASSERT_OK(town);
  auto blocks = st.blocks(**town);
  ASSERT_OK(blocks);
  ASSERT_EQ(blocks->size(), 2u);
  EXPECT_EQ((*blocks)[0].host, "alpha.test");
  EXPECT_EQ((*blocks)[0].kind, corpus::FetchOutcome::kChallenge);  // by kind name
  EXPECT_EQ((*blocks)[0].count, 2);
  EXPECT_EQ((*blocks)[1].kind, corpus::FetchOutcome::kLoginWall);
  EXPECT_EQ((*blocks)[1].count, 2);
  // Nothing of it became a document.
  corpus::CrawlLedger ledger(store_->catalog());
  auto head = ledger.document_head("http://alpha.test/");
  ASSERT_OK(head);
  EXPECT_FALSE(head->has_value());
}

// issue 18 item 6: a registry website is checked; one that names a same-named town of
// another state is not crawled beyond its home page, and the verdict is recorded.
class SiteCheckSimTest : public CrawlSimTest {
 protected:
  void serve(std::string home) {
    net_.handler = [home](const HttpRequest& req) {
      const std::string p = path_of(req.url);
      if (p == "/robots.txt") return status(404);
      if (p == "/") return html(home);
      return pdf("%PDF " + req.url);
    };
  }
  std::vector<corpus::SiteCheck> stored_checks() {
    corpus::SiteStatus st(store_->catalog());
    auto c = st.site_checks();
    EXPECT_TRUE(c.has_value());
    return c ? *c : std::vector<corpus::SiteCheck>{};
  }
};

TEST_F(SiteCheckSimTest, AMismatchedSiteIsNotCrawled) {
  opts_.seeds.push_back({"http://salem.test/", "Salem", "", "website"});
  serve("<h1>City of Salem, Oregon</h1><a href='/police/policy.pdf'>Police policy manual</a>");
  auto s = crawl();
  ASSERT_OK(s);
  ASSERT_EQ(s->site_checks.size(), 1u);
  EXPECT_EQ(s->site_checks[0].verdict, corpus::SiteVerdict::kMismatch);
  EXPECT_EQ(s->site_checks[0].reason, "the home page names Salem, oregon, not Massachusetts");
  EXPECT_TRUE(net_.to("/police/policy.pdf").empty());
  auto checks = stored_checks();
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].town, "Salem");
  EXPECT_EQ(checks[0].verdict, corpus::SiteVerdict::kMismatch);
  EXPECT_NE(summary_json(*s).find("\"sites_not_verified\": 1"), std::string::npos);
}

TEST_F(SiteCheckSimTest, NoVerifyCrawlsAndStillRecords) {
  opts_.verify_sites = false;
  opts_.seeds.push_back({"http://salem.test/", "Salem", "", "website"});
  serve("<h1>City of Salem, Oregon</h1><a href='/police/policy.pdf'>Police policy manual</a>");
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(net_.to("/police/policy.pdf").size(), 1u);
  ASSERT_EQ(s->site_checks.size(), 1u);
  EXPECT_EQ(s->site_checks[0].verdict, corpus::SiteVerdict::kMismatch);
}

TEST_F(SiteCheckSimTest, AVerifiedSiteIsCrawled) {
  opts_.seeds.push_back({"http://salem.test/", "Salem", "", "website"});
  serve("<h1>City of Salem</h1><p>Salem, MA 01970</p>"
        "<a href='/police/policy.pdf'>Police policy manual</a>");
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(net_.to("/police/policy.pdf").size(), 1u);
  ASSERT_EQ(s->site_checks.size(), 1u);
  EXPECT_EQ(s->site_checks[0].verdict, corpus::SiteVerdict::kVerified);
  EXPECT_EQ(stored_checks().at(0).verdict, corpus::SiteVerdict::kVerified);
}

TEST_F(SiteCheckSimTest, BlockedAndUnreachableSites) {
  opts_.retries = 0;
  opts_.seeds.push_back({"http://salem.test/", "Salem", "", "website"});
  opts_.seeds.push_back({"http://andover.test/", "Andover", "", "website"});
  net_.handler = [](const HttpRequest& req) {
    if (path_of(req.url) == "/robots.txt") return status(404);
    if (req.url.find("salem.test") != std::string::npos) return html(kChallenge);
    return status(500);
  };
  auto s = crawl();
  ASSERT_OK(s);
  auto checks = stored_checks();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].town, "Andover");
  EXPECT_EQ(checks[0].verdict, corpus::SiteVerdict::kUnreachable);
  EXPECT_EQ(checks[0].reason, "HTTP 500");
  EXPECT_EQ(checks[1].town, "Salem");
  EXPECT_EQ(checks[1].verdict, corpus::SiteVerdict::kBlocked);
}

// A resumed run checks the registry websites it has not checked: one still queued when the
// crawl was killed, and one fetched without a verdict of the run; a verdict the run already
// recorded holds (the mismatched site's queued pages stay out).
TEST_F(SiteCheckSimTest, AResumedRunChecksTheWebsitesItHasNotChecked) {
  opts_.seeds.push_back({"http://salem.test/", "Salem", "", "website"});
  opts_.seeds.push_back({"http://andover.test/", "Andover", "", "website"});
  opts_.seeds.push_back({"http://lowell.test/", "Lowell", "", "website"});
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return status(404);
    if (req.url.find("salem.test/") != std::string::npos && p == "/") {
      return html("<h1>City of Salem</h1><p>Salem, MA 01970</p>"
                  "<a href='/police/policy.pdf'>Police policy manual</a>");
    }
    if (req.url.find("andover.test/") != std::string::npos && p == "/") {
      return html("<h1>City of Andover, Kansas</h1><a href='/police/policy.pdf'>Police policy manual</a>");
    }
    if (req.url.find("lowell.test/") != std::string::npos && p == "/") {
      return html("<h1>City of Lowell, Michigan</h1><a href='/police/policy.pdf'>Police policy manual</a>");
    }
    return pdf("%PDF " + req.url);
  };
  ASSERT_OK(crawl());
  ASSERT_EQ(stored_checks().size(), 3u);
  EXPECT_TRUE(net_.to("andover.test/police/policy.pdf").empty());
  // As if killed: Salem's home page was never answered, Lowell's verdict was lost, and a
  // page of Andover (which failed its check in this run) is still queued.
  auto& cat = store_->catalog();
  ASSERT_OK(corpus::sql::exec(cat, "UPDATE crawl_runs SET finished_at=NULL"));
  ASSERT_OK(corpus::sql::exec(cat, "UPDATE frontier SET state='queued' WHERE url='http://salem.test/'"));
  ASSERT_OK(corpus::sql::exec(cat, "DELETE FROM site_checks WHERE host IN ('salem.test', 'lowell.test')"));
  ASSERT_OK(corpus::sql::exec(
      cat, "INSERT INTO frontier(url, run_id, depth, kind, state) SELECT "
           "'http://andover.test/police/policy.pdf', max(id), 1, 'document', 'queued' FROM crawl_runs"));
  const size_t before = net_.requests.size();

  CrawlOptions again = opts_;
  again.seeds.clear();  // no seeds: the unfinished run is resumed
  auto s = run_crawl(*store_, again, nullptr, std::make_unique<FakeEngine>(net_), net_.clock);
  ASSERT_OK(s);
  EXPECT_TRUE(s->resumed);
  std::vector<std::string> urls;
  for (size_t i = before; i < net_.requests.size(); ++i) urls.push_back(net_.requests[i].url);
  auto asked = [&](const std::string& u) {
    return std::find(urls.begin(), urls.end(), u) != urls.end();
  };
  EXPECT_TRUE(asked("http://salem.test/"));
  EXPECT_TRUE(asked("http://lowell.test/"));
  EXPECT_FALSE(asked("http://andover.test/"));  // its verdict of this run holds ...
  EXPECT_FALSE(asked("http://andover.test/police/policy.pdf"));  // ... and keeps it out
  std::map<std::string, corpus::SiteVerdict> verdicts;
  for (const auto& c : s->site_checks) verdicts[c.host] = c.verdict;
  EXPECT_EQ(verdicts.size(), 2u);
  EXPECT_EQ(verdicts["salem.test"], corpus::SiteVerdict::kVerified);
  EXPECT_EQ(verdicts["lowell.test"], corpus::SiteVerdict::kMismatch);
  EXPECT_EQ(stored_checks().size(), 3u);
  bool kept_out = false;
  for (const auto& f : s->failed) {
    kept_out = kept_out || (f.url == "http://andover.test/police/policy.pdf" &&
                            f.reason.find("site not verified") != std::string::npos);
  }
  EXPECT_TRUE(kept_out) << summary_json(*s);
}

// The per-town share of a platform adapter's requests holds across a resume: the requests
// the run already made count, so a killed and resumed crawl cannot double a listing's share.
TEST_F(CrawlSimTest, AResumedRunCountsThePlatformRequestsItsRunMade) {
  seed("alpha.test", {"/"});
  net_.handler = [](const HttpRequest& req) {
    if (path_of(req.url) == "/robots.txt") return status(404);
    return html("<p>Town page</p>");
  };
  ASSERT_OK(crawl());
  auto& cat = store_->catalog();
  ASSERT_OK(corpus::sql::exec(cat, "UPDATE crawl_runs SET finished_at=NULL"));
  // The run had made its share of Drive requests for no town, and one more is queued.
  const int share = platforms::kMaxRequestsPerAdapterPerTown;
  for (int i = 0; i < share; ++i) {
    ASSERT_OK(corpus::sql::exec(
        cat, "INSERT INTO frontier(url, run_id, depth, kind, state, adapter, role) SELECT "
             "'http://drive.google.com/file/d/done" + std::to_string(i) +
             "/view', max(id), 1, 'platform', 'done', 'gdrive', 'document' FROM crawl_runs"));
  }
  const std::string queued = "http://drive.google.com/file/d/1QueuedFile0123456789/view";
  ASSERT_OK(corpus::sql::exec(
      cat, "INSERT INTO frontier(url, run_id, depth, kind, state, fetch_url, adapter, role) "
           "SELECT '" + queued + "', max(id), 1, 'platform', 'queued', "
           "'http://drive.google.com/uc?export=download&id=1QueuedFile0123456789', 'gdrive', "
           "'document' FROM crawl_runs"));
  const size_t before = net_.requests.size();
  CrawlOptions again = opts_;
  again.seeds.clear();
  auto s = run_crawl(*store_, again, nullptr, std::make_unique<FakeEngine>(net_), net_.clock);
  ASSERT_OK(s);
  EXPECT_TRUE(s->resumed);
  for (size_t i = before; i < net_.requests.size(); ++i) {
    EXPECT_EQ(net_.requests[i].url.find("uc?export=download"), std::string::npos)
        << net_.requests[i].url;
  }
  bool refused = false;
  for (const auto& f : s->failed) {
    refused = refused || (f.url == queued &&
                          f.reason.find("more than " + std::to_string(share) + " requests") !=
                              std::string::npos);
  }
  EXPECT_TRUE(refused) << summary_json(*s);
}

// issue 18 item 4: typed by content. A PDF served as octet-stream from an .aspx URL is
// recorded as application/pdf with its Content-Disposition name as its title; a page served
// as octet-stream is still read for links.
TEST_F(CrawlSimTest, TypesByContentNotByTheServersWord) {
  seed("alpha.test", {"/"});
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    FakeReply r;
    if (p == "/robots.txt") return status(404);
    if (p == "/") {
      r.content_type = "application/octet-stream";
      r.body = "<!DOCTYPE html><a href='/ElectronicFile.aspx?docid=7'>Police policy manual</a>";
    } else {
      r.content_type = "application/octet-stream";
      r.content_disposition = "attachment; filename*=UTF-8''Policy%20412%20-%20Immigration.pdf";
      r.body = "%PDF-1.4\nbody";
    }
    return r;
  };
  auto s = crawl();
  ASSERT_OK(s);
  ASSERT_EQ(net_.to("/ElectronicFile.aspx?docid=7").size(), 1u) << summary_json(*s);
  auto q = corpus::sql::prepare(store_->catalog(),
                                "SELECT d.title, v.content_type FROM documents d JOIN versions v "
                                "ON v.id = d.current_version_id WHERE d.url LIKE '%docid=7'");
  ASSERT_OK(q);
  auto row = q->step();
  ASSERT_OK(row);
  ASSERT_TRUE(*row);
  EXPECT_EQ(q->text(1), "application/pdf");
  EXPECT_EQ(q->text(0), "Police policy manual");  // the anchor first
  auto q2 = corpus::sql::prepare(store_->catalog(),
                                 "SELECT v.content_type FROM documents d JOIN versions v "
                                 "ON v.id = d.current_version_id WHERE d.url = 'http://alpha.test/'");
  ASSERT_OK(q2);
  ASSERT_TRUE(*q2->step());
  EXPECT_EQ(q2->text(0), "text/html");
}

TEST_F(CrawlSimTest, AContentDispositionNameIsTheTitleWithoutAnchorText) {
  seed("alpha.test", {"/download.aspx?id=3"});
  net_.handler = [](const HttpRequest& req) {
    if (path_of(req.url) == "/robots.txt") return status(404);
    FakeReply r;
    r.content_type = "application/octet-stream";
    r.content_disposition = "attachment; filename=\"Trust Act.pdf\"";
    r.body = "%PDF-1.4\nbody";
    return r;
  };
  ASSERT_OK(crawl());
  auto q = corpus::sql::prepare(store_->catalog(),
                                "SELECT d.title, v.content_type FROM documents d JOIN versions v "
                                "ON v.id = d.current_version_id");
  ASSERT_OK(q);
  ASSERT_TRUE(*q->step());
  EXPECT_EQ(q->text(0), "Trust Act.pdf");
  EXPECT_EQ(q->text(1), "application/pdf");
}

}  // namespace
}  // namespace policyindex::crawler
