// Adaptive revisit (crawler/revisit.h): the schedule's arithmetic, the dates it reads, and
// whole refreshes night after night on the fake engine, with the wall time of each night
// given by RevisitOptions::now_s: unchanged documents wait until they are due, a listing is
// read every night and a new link on it is followed the same night, --full re-checks
// everything, a change brings a document back to daily checks, and sitemaps' <lastmod>
// holds documents back or brings them in.

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <set>

#include "corpus/corpus.h"
#include "corpus/revisit.h"
#include "crawler/crawl.h"
#include "crawler/revisit.h"
#include "tests/crawler/fake_engine.h"
#include "tests/testing/testing.h"

namespace policyindex::crawler {
namespace {

using corpus::RevisitRole;
using corpus::RevisitState;
using testing::FakeEngine;
using testing::FakeNet;
using testing::FakeReply;
using testing::TempDir;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1767236400;  // 2026-01-01T03:00:00Z: the first night's crawl

// -- the schedule ----------------------------------------------------------------------------

RevisitCheck unchanged() { return RevisitCheck{}; }
RevisitCheck changed(std::optional<int64_t> last_modified = std::nullopt) {
  RevisitCheck c;
  c.result = RevisitCheck::Result::kChanged;
  c.last_modified_s = last_modified;
  return c;
}

TEST(RevisitScheduleTest, TheIntervalDoublesWithEachUnchangedCheckUpToTheCap) {
  RevisitOptions o;
  o.spread = 0;
  auto s = next_revisit_state(o, std::nullopt, 1, "http://a.test/x.pdf", changed(), kT0);
  EXPECT_EQ(s.next_due_s - kT0, kDay) << "a new document is checked again the next day";
  int64_t now = kT0;
  std::vector<int64_t> intervals;
  for (int i = 0; i < 8; ++i) {
    now = s.next_due_s;
    s = next_revisit_state(o, s, 1, "http://a.test/x.pdf", unchanged(), now);
    intervals.push_back((s.next_due_s - now) / kDay);
    EXPECT_EQ(s.unchanged_checks, i + 1);
    EXPECT_EQ(s.checked_s, now);
    EXPECT_EQ(s.changed_s, kT0);
  }
  // 2, 4, 8, 16 days; then the cap (and the age heuristic: a tenth of the time since the
  // change never exceeds the doubling here).
  EXPECT_EQ(intervals, (std::vector<int64_t>{2, 4, 8, 16, 30, 30, 30, 30}));

  // A change resets it to one day.
  now += 3 * kDay;
  s = next_revisit_state(o, s, 1, "http://a.test/x.pdf", changed(), now);
  EXPECT_EQ(s.unchanged_checks, 0);
  EXPECT_EQ(s.changed_s, now);
  EXPECT_EQ(s.next_due_s - now, kDay);
}

TEST(RevisitScheduleTest, AnOldDocumentStartsLongAndEachFirstScheduleIsSpread) {
  RevisitOptions o;
  const int64_t two_years_ago = kT0 - 730 * kDay;
  std::set<int64_t> nights;
  for (int i = 0; i < 100; ++i) {
    const std::string url = "http://a.test/old-" + std::to_string(i) + ".pdf";
    auto s = next_revisit_state(o, std::nullopt, i, url, changed(two_years_ago), kT0);
    EXPECT_EQ(s.changed_s, two_years_ago) << "the server's date of a new document is kept";
    EXPECT_GE(s.next_due_s - kT0, kDay);
    EXPECT_LE(s.next_due_s - kT0, 30 * kDay);
    nights.insert((s.next_due_s - kT0) / kDay);
    // Later intervals stay within the spread below the cap.
    auto later = next_revisit_state(o, s, i, url, unchanged(), s.next_due_s);
    EXPECT_GE(later.next_due_s - s.next_due_s, 27 * kDay);
    EXPECT_LE(later.next_due_s - s.next_due_s, 30 * kDay);
  }
  EXPECT_GE(nights.size(), 20u) << "a hundred old documents found on one night fall due on "
                                   "many different nights";
}

TEST(RevisitScheduleTest, LastModifiedIsTrustedOnlyWhereItIsPlausible) {
  RevisitOptions o;
  o.spread = 0;
  auto s = next_revisit_state(o, std::nullopt, 1, "u", changed(kT0 + 5 * kDay), kT0);
  EXPECT_EQ(s.changed_s, kT0) << "a date in the future is not believed";
  auto t = next_revisit_state(o, s, 1, "u", changed(kT0 - kDay), kT0 + 10 * kDay);
  EXPECT_EQ(t.changed_s, kT0 + 10 * kDay) << "a change cannot predate the last check";
  auto u = next_revisit_state(o, s, 1, "u", changed(kT0 + 4 * kDay), kT0 + 10 * kDay);
  EXPECT_EQ(u.changed_s, kT0 + 4 * kDay);
}

TEST(RevisitScheduleTest, ListingsAreAlwaysDueAndSitemapDatesDecide) {
  RevisitOptions o;
  RevisitState s;
  s.checked_s = kT0;
  s.next_due_s = kT0 + 20 * kDay;
  EXPECT_FALSE(revisit_due(o, s, kT0 + kDay));
  EXPECT_TRUE(revisit_due(o, s, kT0 + 20 * kDay - 3600)) << "due within the night's slack";
  s.role = RevisitRole::kListing;
  EXPECT_TRUE(revisit_due(o, s, kT0 + kDay));
  s.role = RevisitRole::kDocument;
  s.sitemap_lastmod_s = kT0 + 3600;
  EXPECT_TRUE(revisit_due(o, s, kT0 + kDay)) << "the sitemap says it changed after the check";
  s.sitemap_lastmod_s = kT0 - kDay;
  s.next_due_s = kT0 + kDay;
  EXPECT_FALSE(revisit_due(o, s, kT0 + 2 * kDay)) << "the sitemap says it did not change";
  EXPECT_TRUE(revisit_due(o, s, kT0 + 30 * kDay)) << "but not for longer than the cap";
}

TEST(RevisitDatesTest, HttpDatesInTheirThreeForms) {
  const int64_t t = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), t);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), t);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), t);
  EXPECT_EQ(parse_http_date("yesterday"), std::nullopt);
  EXPECT_EQ(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(parse_http_date(""), std::nullopt);
}

TEST(RevisitDatesTest, SitemapDatesInEveryW3cPrecision) {
  EXPECT_EQ(parse_w3c_datetime("2026-01-01"), kT0 - 3 * 3600);
  EXPECT_EQ(parse_w3c_datetime("2026-01-01T03:00:00Z"), kT0);
  EXPECT_EQ(parse_w3c_datetime("2026-01-01T03:00Z"), kT0);
  EXPECT_EQ(parse_w3c_datetime("2026-01-01T03:00:00.25Z"), kT0);
  EXPECT_EQ(parse_w3c_datetime("2025-12-31T22:00:00-05:00"), kT0);
  EXPECT_EQ(parse_w3c_datetime("2026-01-01T04:00:00+01:00"), kT0);
  EXPECT_EQ(parse_w3c_datetime("2026"), parse_w3c_datetime("2026-01-01"));
  EXPECT_EQ(parse_w3c_datetime("2026-01-01T03:00:00"), std::nullopt) << "no time zone";
  EXPECT_EQ(parse_w3c_datetime("2026-13-01"), std::nullopt);
  EXPECT_EQ(parse_w3c_datetime("01/02/2026"), std::nullopt);
  EXPECT_EQ(corpus::unix_from_iso8601(corpus::iso8601_from_unix(kT0)), kT0);
}

TEST(RevisitDatesTest, SitemapEntriesWithTheirLastmod) {
  auto v = parse_sitemap_lastmods(
      "<?xml version='1.0'?><urlset>"
      "<url><loc>http://a.test/a.pdf?x=1&amp;y=2</loc><lastmod>2026-01-01</lastmod></url>"
      "<url><loc>http://a.test/b.pdf</loc></url>"
      "<url><lastmod>2026-01-01</lastmod><loc> <![CDATA[http://a.test/c.pdf]]> </loc></url>"
      "<url><loc>http://a.test/d.pdf</loc><lastmod>soon</lastmod></url>"
      "</urlset>");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].first, "http://a.test/a.pdf?x=1&y=2");
  EXPECT_EQ(v[1].first, "http://a.test/c.pdf");
  EXPECT_EQ(v[1].second, kT0 - 3 * 3600);
}

TEST(RevisitListingTest, APageThatLinksDocumentsIsAListing) {
  Item page;
  page.url = page.fetch_url = "http://a.test/police";
  EXPECT_TRUE(looks_like_listing(page, "<a href='/go-1.pdf'>General Order 1</a>"));
  EXPECT_FALSE(looks_like_listing(page, "<a href='/about'>About the department</a>"));
  EXPECT_FALSE(looks_like_listing(page, "<a href='/menu.pdf'>Lunch menu</a>"))
      << "a document the crawl would not fetch from this page";
  page.policy = true;
  EXPECT_TRUE(looks_like_listing(page, "<a href='/menu.pdf'>Lunch menu</a>"));
}

// -- night after night -----------------------------------------------------------------------

// A fictional town site: an index page (the seed) linking PDFs, each with its version.
class Site {
 public:
  struct Doc {
    std::string body;
    int version = 1;
    std::optional<int64_t> last_modified;  // sent as Last-Modified when set
    bool linked = true;
  };
  static Doc doc(std::string body, std::optional<int64_t> last_modified = std::nullopt) {
    Doc d;
    d.body = std::move(body);
    d.last_modified = last_modified;
    return d;
  }
  std::map<std::string, Doc> docs;  // by path
  std::string sitemap;              // served at /sitemap.xml (named in robots.txt) when set
  int index_version = 1;

  std::string index() const {
    std::string h = "<html><body><h1>Police department</h1>";
    for (const auto& [path, d] : docs) {
      if (d.linked) h += "<a href='" + path + "'>General Order " + path + "</a>\n";
    }
    return h + "</body></html>";
  }

  FakeReply answer(const HttpRequest& req) {
    const std::string path = req.url.substr(req.url.find('/', req.url.find("://") + 3));
    FakeReply r;
    if (path == "/robots.txt") {
      r.content_type = "text/plain";
      r.body = "User-agent: *\nAllow: /\n";
      if (!sitemap.empty()) r.body += "Sitemap: http://alpha.test/sitemap.xml\n";
      return r;
    }
    if (path == "/sitemap.xml" && !sitemap.empty()) {
      r.content_type = "application/xml";
      r.body = sitemap;
      return r;
    }
    std::string etag;
    if (path == "/") {
      r.body = index();
      etag = "\"i" + std::to_string(std::hash<std::string>{}(r.body)) + "\"";
    } else if (auto d = docs.find(path); d != docs.end()) {
      r.content_type = "application/pdf";
      r.body = d->second.body + " v" + std::to_string(d->second.version);
      etag = "\"" + std::to_string(d->second.version) + "\"";
      if (d->second.last_modified) {
        std::time_t t = static_cast<std::time_t>(*d->second.last_modified);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[64];
        std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        r.last_modified = buf;
      }
    } else {
      r.status = 404;
      r.body = "not found";
      return r;
    }
    for (const auto& h : req.headers) {
      if (h == "If-None-Match: " + etag) {
        FakeReply nm;
        nm.status = 304;
        return nm;
      }
    }
    r.etag = etag;
    return r;
  }
};

class RevisitSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = corpus::Store::open(dir_ / "data");
    ASSERT_OK(s);
    store_.emplace(std::move(*s));
    net_.handler = [this](const HttpRequest& req) { return site_.answer(req); };
  }

  // Night 0: the first crawl, from the seed.
  void crawl_night0() {
    CrawlOptions o = options(0);
    o.seeds.push_back({"http://alpha.test/", "", "", "seed"});
    auto s = run_crawl(*store_, o, nullptr, std::make_unique<FakeEngine>(net_), net_.clock);
    ASSERT_OK(s);
    ASSERT_EQ(s->failed.size(), 0u) << summary_json(*s);
  }

  // The refresh of night N: the paths requested (robots.txt aside), in order.
  std::vector<std::string> refresh(int night, bool full = false) {
    CrawlOptions o = options(night);
    o.refresh = true;
    o.revisit.full = full;
    net_.requests.clear();
    auto s = run_crawl(*store_, o, nullptr, std::make_unique<FakeEngine>(net_), net_.clock);
    EXPECT_TRUE(s.has_value()) << PI_RESULT_MESSAGE(s);
    if (s) {
      EXPECT_EQ(s->failed.size(), 0u) << summary_json(*s);
      last_ = *s;
    }
    std::vector<std::string> paths;
    for (const auto& r : net_.requests) {
      std::string p = r.url.substr(r.url.find('/', r.url.find("://") + 3));
      if (p != "/robots.txt") paths.push_back(p);
    }
    return paths;
  }

  CrawlOptions options(int night) {
    CrawlOptions o;
    o.verify_sites = false;  // fictional home pages; the site check has its own tests
    o.delay_ms = 0;
    o.depth = 2;
    o.revisit = revisit_;
    o.revisit.now_s = kT0 + night * kDay;
    return o;
  }

  static bool has(const std::vector<std::string>& v, const std::string& p) {
    return std::find(v.begin(), v.end(), p) != v.end();
  }

  TempDir dir_;
  std::optional<corpus::Store> store_;
  FakeNet net_;
  Site site_;
  RevisitOptions revisit_;
  CrawlSummary last_;
};

// Bodies differ per document: equal bytes within a town are one document (aliases).
TEST_F(RevisitSimTest, UnchangedDocumentsWaitUntilDueWhileTheListingIsReadEveryNight) {
  // Five documents without a date (their age is unknown: checked after 1, 2, 4, ... days)
  // and twenty whose server says they are two years old (spread over the first month).
  for (int i = 0; i < 5; ++i) site_.docs["/new-" + std::to_string(i) + ".pdf"] = Site::doc("%PDF new " + std::to_string(i));
  for (int i = 0; i < 20; ++i) {
    site_.docs["/old-" + std::to_string(i) + ".pdf"] = Site::doc("%PDF old " + std::to_string(i), kT0 - 730 * kDay);
  }
  crawl_night0();
  ASSERT_FALSE(HasFatalFailure());

  std::map<std::string, std::vector<int>> nights;  // path -> nights it was requested
  int64_t requests = 0;
  for (int night = 1; night <= 60; ++night) {
    auto paths = refresh(night);
    EXPECT_TRUE(has(paths, "/")) << "the listing is read every night (night " << night << ")";
    for (const auto& p : paths) nights[p].push_back(night);
    requests += static_cast<int64_t>(paths.size());
    EXPECT_EQ(last_.new_versions.size() + last_.new_documents.size(), 0u);
  }
  for (int i = 0; i < 5; ++i) {
    // 1 day, then 2, 4, 8, ... (+-10%), never before due.
    const auto& n = nights["/new-" + std::to_string(i) + ".pdf"];
    ASSERT_GE(n.size(), 4u) << i;
    EXPECT_EQ(n[0], 1);
    EXPECT_EQ(n[1], 3);
    EXPECT_EQ(n[2], 7);
    EXPECT_NEAR(n[3], 15, 1);
    for (size_t k = 2; k < n.size(); ++k) EXPECT_GE(n[k] - n[k - 1], n[k - 1] - n[k - 2]) << i;
  }
  std::set<int> first_nights;
  for (int i = 0; i < 20; ++i) {
    const auto& n = nights["/old-" + std::to_string(i) + ".pdf"];
    ASSERT_GE(n.size(), 2u) << i;
    EXPECT_LE(n.size(), 3u) << i;
    EXPECT_LE(n[0], 30);
    first_nights.insert(n[0]);
    for (size_t k = 1; k < n.size(); ++k) {
      EXPECT_GE(n[k] - n[k - 1], 26) << "an old document stays unchecked for about a month";
      EXPECT_LE(n[k] - n[k - 1], 30);
    }
  }
  EXPECT_GE(first_nights.size(), 8u) << "old documents do not all fall due on one night";
  // 26 URLs a night for a recheck-everything refresh; far fewer here.
  EXPECT_LT(requests, 60 * 26 / 5) << requests;
}

TEST_F(RevisitSimTest, ANewLinkOnAListingIsFollowedTheSameNight) {
  for (int i = 0; i < 10; ++i) {
    site_.docs["/go-" + std::to_string(i) + ".pdf"] = Site::doc("%PDF " + std::to_string(i), kT0 - 400 * kDay);
  }
  crawl_night0();
  ASSERT_FALSE(HasFatalFailure());
  auto n1 = refresh(1);
  site_.docs["/go-new.pdf"] = Site::doc("%PDF brand new");
  auto n2 = refresh(2);
  EXPECT_TRUE(has(n2, "/go-new.pdf")) << "found the night its link appeared";
  ASSERT_EQ(last_.new_documents.size(), 1u) << summary_json(last_);
  EXPECT_EQ(last_.new_documents[0].url, "http://alpha.test/go-new.pdf");
  // The old documents not due tonight were not fetched although the listing links them.
  int old = 0;
  for (const auto& p : n2) old += p.starts_with("/go-") && p != "/go-new.pdf";
  EXPECT_LE(old, 2);
  EXPECT_GE(last_.not_due, 8);
}

TEST_F(RevisitSimTest, FullRechecksEveryKnownDocument) {
  for (int i = 0; i < 10; ++i) {
    site_.docs["/go-" + std::to_string(i) + ".pdf"] = Site::doc("%PDF " + std::to_string(i), kT0 - 400 * kDay);
  }
  crawl_night0();
  ASSERT_FALSE(HasFatalFailure());
  auto full = refresh(1, true);
  EXPECT_EQ(full.size(), 11u);
  EXPECT_EQ(last_.not_due, 0);
  EXPECT_EQ(last_.conditional, 11);
  // The schedule goes on after a full refresh: the next night, only the listing.
  auto next = refresh(2);
  EXPECT_EQ(next, std::vector<std::string>{"/"});
}

TEST_F(RevisitSimTest, AChangeBringsADocumentBackToDailyChecks) {
  site_.docs["/a.pdf"] = Site::doc("%PDF a");
  crawl_night0();
  ASSERT_FALSE(HasFatalFailure());
  std::vector<int> seen;
  for (int night = 1; night <= 12; ++night) {
    if (night == 5) ++site_.docs["/a.pdf"].version;  // changes between checks
    if (has(refresh(night), "/a.pdf")) seen.push_back(night);
    if (night == 7) {
      EXPECT_EQ(last_.new_versions.size(), 1u) << "the change is found when it falls due";
    }
  }
  // 1, 3, 7 (changed: back to one day), 8, 10.
  EXPECT_EQ(seen, (std::vector<int>{1, 3, 7, 8, 10}));
}

TEST_F(RevisitSimTest, SitemapLastmodHoldsDocumentsBackOrBringsThemIn) {
  site_.docs["/a.pdf"] = Site::doc("%PDF a");
  site_.docs["/b.pdf"] = Site::doc("%PDF b");
  auto write_sitemap = [&](int64_t a_lastmod) {
    site_.sitemap = "<urlset><url><loc>http://alpha.test/a.pdf</loc><lastmod>" +
                    corpus::iso8601_from_unix(a_lastmod) +
                    "</lastmod></url><url><loc>http://alpha.test/b.pdf</loc><lastmod>2025-06-01"
                    "</lastmod></url></urlset>";
  };
  write_sitemap(kT0 - 100 * kDay);
  crawl_night0();
  ASSERT_FALSE(HasFatalFailure());
  // Night 1: due (a new document), and the sitemap's dates are kept.
  auto n1 = refresh(1);
  EXPECT_TRUE(has(n1, "/a.pdf"));
  EXPECT_TRUE(has(n1, "/sitemap.xml"));
  corpus::RevisitStore rs(store_->catalog());
  auto all = rs.load_all();
  ASSERT_OK(all);
  int with_lastmod = 0;
  for (const auto& [id, s] : *all) with_lastmod += s.sitemap_lastmod_s.has_value();
  EXPECT_EQ(with_lastmod, 2);
  // Nights 2-8: without the sitemap a would be checked on night 3 and 7; the sitemap says
  // neither changed since the check, so neither is fetched.
  for (int night = 2; night <= 8; ++night) {
    auto n = refresh(night);
    EXPECT_FALSE(has(n, "/a.pdf")) << night;
    EXPECT_FALSE(has(n, "/b.pdf")) << night;
  }
  // Night 9: a changed an hour ago, and tonight's sitemap says so: fetched tonight.
  ++site_.docs["/a.pdf"].version;
  write_sitemap(kT0 + 9 * kDay - 3600);
  auto n9 = refresh(9);
  EXPECT_TRUE(has(n9, "/a.pdf"));
  EXPECT_FALSE(has(n9, "/b.pdf"));
  ASSERT_EQ(last_.new_versions.size(), 1u) << summary_json(last_);
  EXPECT_EQ(last_.new_versions[0].url, "http://alpha.test/a.pdf");
}

TEST_F(RevisitSimTest, ANightChecksNoMoreThanItsBudgetAndCatchesUpAfter) {
  // Forty new documents all due the night after the crawl; a budget of a tenth of the 41
  // known URLs (the listing is not counted against it): 5 a night, the most overdue first.
  revisit_.max_share = 0.1;
  revisit_.min_budget = 0;
  for (int i = 0; i < 40; ++i) site_.docs["/d-" + std::to_string(i) + ".pdf"] = Site::doc("%PDF " + std::to_string(i));
  crawl_night0();
  ASSERT_FALSE(HasFatalFailure());
  std::set<std::string> checked;
  for (int night = 1; night <= 10; ++night) {
    auto paths = refresh(night);
    EXPECT_TRUE(has(paths, "/")) << night;
    EXPECT_EQ(paths.size(), 6u) << "the listing and five documents, night " << night;
    checked.insert(paths.begin(), paths.end());
  }
  EXPECT_EQ(checked.size(), 41u) << "every document had its turn within ten nights";
  EXPECT_GE(last_.not_due, 30);
}

}  // namespace
}  // namespace policyindex::crawler
