// The blocks and site_checks tables (corpus/site_status.h): a block outcome logged by the
// crawl ledger lands in blocks under its town and host; counts add up per (town, host,
// kind); site checks are replaced per (town, host); the outcome names stay fixed.

#include <gtest/gtest.h>

#include "corpus/corpus.h"
#include "corpus/crawl_ledger.h"
#include "corpus/fetch_outcome.h"
#include "corpus/site_status.h"
#include "tests/testing/testing.h"

namespace policyindex::corpus {
namespace {

using testing::TempDir;

TEST(FetchOutcomeTest, StoredNamesRoundTripAndBlocksAreKnown) {
  // The twelve names stored before issue 18 are unchanged; the block outcomes are new.
  const char* names[] = {"fetched", "not_modified", "unchanged", "http_error", "disallowed",
                         "timeout", "failed", "too_large", "retry", "redirect", "robots",
                         "robots_unreachable", "login_wall", "challenge"};
  for (const char* n : names) {
    auto o = fetch_outcome_from_string(n);
    ASSERT_TRUE(o.has_value()) << n;
    EXPECT_EQ(to_string(*o), n);
  }
  EXPECT_FALSE(fetch_outcome_from_string("blocked").has_value());
  EXPECT_TRUE(is_block(FetchOutcome::kLoginWall));
  EXPECT_TRUE(is_block(FetchOutcome::kChallenge));
  EXPECT_TRUE(is_block(FetchOutcome::kDisallowed));
  EXPECT_TRUE(is_block(FetchOutcome::kRobotsUnreachable));
  EXPECT_FALSE(is_block(FetchOutcome::kHttpError));
  EXPECT_FALSE(is_block(FetchOutcome::kFailed));
}

class SiteStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::open(dir_ / "data");
    ASSERT_OK(s);
    store_.emplace(std::move(*s));
    Municipality a, b;
    a.name = "Alderbrook";
    a.county = "Essex";
    b.name = "Brindle Falls";
    b.county = "Worcester";
    ASSERT_OK(store_->catalog().upsert_municipalities({a, b}));
    auto ia = store_->catalog().find_municipality("Alderbrook");
    auto ib = store_->catalog().find_municipality("Brindle Falls");
    ASSERT_OK(ia);
    ASSERT_OK(ib);
    alder_ = **ia;
    brindle_ = **ib;
  }
  TempDir dir_;
  std::optional<Store> store_;
  int64_t alder_ = 0, brindle_ = 0;
};

TEST_F(SiteStatusTest, BlockOutcomesAreRecordedPerTownHostAndKind) {
  CrawlLedger ledger(store_->catalog());
  ASSERT_OK(ledger.start_run({}));
  ASSERT_OK(ledger.begin_batch());
  auto log = [&](std::optional<int64_t> town, const char* url, FetchOutcome o, const char* why,
                 std::optional<int64_t> status) {
    FetchRecord f;
    f.url = url;
    f.outcome = o;
    f.error = why;
    f.http_status = status;
    f.municipality_id = town;
    ASSERT_OK(ledger.log_fetch(f, "2026-12-07T17:00:00Z"));
  };
  log(alder_, "https://www.alderbrook.test/a", FetchOutcome::kChallenge, "cloudflare challenge", 403);
  log(alder_, "https://www.alderbrook.test/b", FetchOutcome::kChallenge, "cloudflare challenge", 503);
  log(alder_, "https://records.alderbrook.test/x", FetchOutcome::kLoginWall, "HTTP 401", 401);
  log(brindle_, "http://brindle.test/search?q=1", FetchOutcome::kDisallowed, "robots.txt disallows /search?q=1",
      std::nullopt);
  log(std::nullopt, "https://elsewhere.test/", FetchOutcome::kRobotsUnreachable, "HTTP 503", 503);
  log(alder_, "https://www.alderbrook.test/c", FetchOutcome::kHttpError, "HTTP 404", 404);  // no block
  ASSERT_OK(ledger.commit_batch());

  SiteStatus st(store_->catalog());
  auto a = st.blocks(alder_);
  ASSERT_OK(a);
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].host, "records.alderbrook.test");
  EXPECT_EQ((*a)[0].kind, FetchOutcome::kLoginWall);
  EXPECT_EQ((*a)[1].host, "www.alderbrook.test");
  EXPECT_EQ((*a)[1].kind, FetchOutcome::kChallenge);
  EXPECT_EQ((*a)[1].count, 2);
  EXPECT_EQ((*a)[1].url, "https://www.alderbrook.test/b");
  EXPECT_EQ((*a)[1].http_status, 503);
  EXPECT_EQ((*a)[1].town, "Alderbrook");
  EXPECT_EQ((*a)[1].run_id, ledger.run_id());

  auto towns = st.blocks_by_town();
  ASSERT_OK(towns);
  ASSERT_EQ(towns->size(), 3u);
  EXPECT_EQ((*towns)[0].town, "Alderbrook");
  EXPECT_EQ((*towns)[1].town, "Brindle Falls");
  EXPECT_EQ((*towns)[1].blocks[0].reason, "robots.txt disallows /search?q=1");
  EXPECT_EQ((*towns)[2].municipality_id, 0);  // no known town: last
  EXPECT_EQ((*towns)[2].blocks[0].kind, FetchOutcome::kRobotsUnreachable);

  EXPECT_FALSE(st.record_block(alder_, "https://x.test/", FetchOutcome::kFetched, "", std::nullopt,
                               std::nullopt, "now")
                   .has_value());
}

TEST_F(SiteStatusTest, SiteChecksAreReplacedPerTownAndHost) {
  CrawlLedger ledger(store_->catalog());
  ASSERT_OK(ledger.start_run({}));
  SiteCheck c;
  c.municipality_id = alder_;
  c.host = "www.alderbrook.test";
  c.url = "https://www.alderbrook.test/";
  c.verdict = SiteVerdict::kMismatch;
  c.reason = "the home page names Alderbrook, Oregon";
  c.checked_at = "2026-12-07T17:00:00Z";
  ASSERT_OK(ledger.record_site_check(c));
  c.verdict = SiteVerdict::kVerified;
  c.reason = "";
  c.final_url = "https://alderbrook.test/home";
  ASSERT_OK(ledger.record_site_check(c));
  SiteStatus st(store_->catalog());
  auto checks = st.site_checks();
  ASSERT_OK(checks);
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_EQ((*checks)[0].verdict, SiteVerdict::kVerified);
  EXPECT_EQ((*checks)[0].final_url, "https://alderbrook.test/home");
  EXPECT_EQ((*checks)[0].town, "Alderbrook");
  EXPECT_EQ((*checks)[0].run_id, ledger.run_id());
  auto none = st.site_checks(brindle_);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  for (auto v : {SiteVerdict::kVerified, SiteVerdict::kMismatch, SiteVerdict::kUnreachable,
                 SiteVerdict::kBlocked}) {
    EXPECT_EQ(site_verdict_from_string(to_string(v)), v);
  }
}

}  // namespace
}  // namespace policyindex::corpus
