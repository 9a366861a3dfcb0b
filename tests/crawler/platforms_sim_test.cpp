// Platforms in the whole crawl on the fake engine: a registry's code_host and a sources.tsv
// Municode landing page are read through the adapter (https, the real API host), with the
// adapter's headers; an unknown adapter in a resumed frontier row is a recorded problem.

#include <gtest/gtest.h>

#include "corpus/corpus.h"
#include "corpus/crawl_ledger.h"
#include "corpus/sql.h"
#include "crawler/crawl.h"
#include "tests/crawler/fake_engine.h"
#include "tests/testing/testing.h"

namespace policyindex::crawler {
namespace {

using testing::FakeEngine;
using testing::FakeNet;
using testing::FakeReply;

FakeReply not_found() {
  FakeReply r;
  r.status = 404;
  r.body = "not found";
  return r;
}

FakeReply json(std::string body) {
  FakeReply r;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

// The Municode API of one fictional client, "ashby-falls" (ClientID 77).
FakeReply municode_api(const HttpRequest& req) {
  const std::string& u = req.url;
  auto ends = [&](std::string_view s) {
    return u.size() >= s.size() && u.compare(u.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("/robots.txt")) return not_found();
  if (ends("/Clients/name?clientName=ashby-falls&stateAbbr=ma")) return json(R"({"ClientID": 77})");
  if (ends("/ClientContent/77")) return json(R"({"codes": [{"productId": 12, "productName": "General Bylaws"}]})");
  if (ends("/Jobs/latest/12")) return json(R"({"Id": 3400})");
  if (ends("/codesToc?jobId=3400&productId=12")) {
    return json(R"({"Children": [{"Id": "CH7", "Heading": "Chapter 7 Welcoming Community", "HasChildren": false}]})");
  }
  if (ends("/CodesContent?jobId=3400&nodeId=CH7&productId=12")) {
    return json(R"({"Docs": [{"Id": "CH7", "Title": "Chapter 7 Welcoming Community", "Content": "<p>Ashby Falls shall not ask about immigration status.</p>"}]})");
  }
  return not_found();
}

class PlatformsSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = corpus::Store::open(dir_ / "data");
    ASSERT_OK(s);
    store_.emplace(std::move(*s));
    opts_.delay_ms = 0;
    net_.handler = municode_api;
  }
  Result<CrawlSummary> crawl() {
    return run_crawl(*store_, opts_, nullptr, std::make_unique<FakeEngine>(net_), net_.clock);
  }
  void write_registry(const std::string& code_host, const std::string& sources) {
    std::filesystem::create_directories(dir_ / "reg");
    testing::write_file(dir_ / "reg" / "municipalities.tsv",
                        "name\tcounty\tkind\tpopulation\twebsite\tcode_host\n"
                        "Ashby Falls\tMiddlesex\ttown\t1200\t\t" + code_host + "\n");
    if (!sources.empty()) {
      testing::write_file(dir_ / "reg" / "sources.tsv",
                          "municipality\turl\tdoc_type\tnote\nAshby Falls\t" + sources + "\tbylaw\t\n");
    }
    opts_.registry = dir_ / "reg";
    opts_.verify_sites = false;  // fictional home pages; the site check has its own tests
  }

  testing::TempDir dir_;
  std::optional<corpus::Store> store_;
  CrawlOptions opts_;
  FakeNet net_;
};

constexpr const char* kNode =
    "https://library.municode.com/ma/ashby-falls/codes/general_bylaws?nodeId=CH7";

TEST_F(PlatformsSimTest, ARegistryCodeHostIsReadThroughItsAdapter) {
  write_registry("municode:ashby-falls", "");
  auto s = crawl();
  ASSERT_OK(s);
  ASSERT_EQ(s->new_documents.size(), 1u) << summary_json(*s);
  EXPECT_EQ(s->new_documents[0].url, kNode);
  EXPECT_EQ(s->new_documents[0].doc_type, "ordinance");
  auto town = store_->catalog().find_municipality("Ashby Falls");
  ASSERT_TRUE(town && *town);
  EXPECT_EQ(s->new_documents[0].municipality_id, **town);
  // Every API request asked for JSON.
  size_t api = 0;
  for (const auto& r : net_.requests) {
    if (r.url.find("https://api.municode.com/") != 0 || r.url.find("robots.txt") != std::string::npos) continue;
    ++api;
    EXPECT_NE(std::find(r.headers.begin(), r.headers.end(), "Accept: application/json"), r.headers.end()) << r.url;
  }
  EXPECT_EQ(api, 5u);
  // The library's landing page itself is never fetched: the app needs JavaScript.
  for (const auto& r : net_.requests) EXPECT_EQ(r.url.find("https://library.municode.com/"), std::string::npos) << r.url;
}

TEST_F(PlatformsSimTest, ASourcesLandingPageIsReadThroughItsAdapter) {
  write_registry("", "https://library.municode.com/ma/ashby-falls/codes/general_bylaws");
  auto s = crawl();
  ASSERT_OK(s);
  ASSERT_EQ(s->new_documents.size(), 1u) << summary_json(*s);
  EXPECT_EQ(s->new_documents[0].url, kNode);
  EXPECT_EQ(s->new_documents[0].doc_type, "ordinance");
  // The source stays recorded for refreshes, and a refresh reads it the same way.
  opts_.registry.clear();
  opts_.refresh = true;
  opts_.revisit.full = true;  // every known document, not only those due tonight
  auto again = crawl();
  ASSERT_OK(again);
  ASSERT_EQ(again->unchanged.size(), 1u) << summary_json(*again);
  EXPECT_EQ(again->unchanged[0].url, kNode);
}

TEST_F(PlatformsSimTest, AFrontierRowOfAnUnknownAdapterIsARecordedProblem) {
  write_registry("municode:ashby-falls", "");
  ASSERT_OK(crawl());
  auto& cat = store_->catalog();
  ASSERT_OK(corpus::sql::exec(cat, "UPDATE crawl_runs SET finished_at=NULL"));
  ASSERT_OK(corpus::sql::exec(cat, std::string("UPDATE frontier SET state='queued', adapter='retired-platform' WHERE url='") + kNode + "'"));
  opts_.registry.clear();
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_TRUE(s->resumed);
  ASSERT_EQ(s->failed.size(), 1u) << summary_json(*s);
  EXPECT_NE(s->failed[0].reason.find("no platform adapter named 'retired-platform'"), std::string::npos)
      << s->failed[0].reason;
  // Nothing already stored is lost.
  auto d = cat.document_by_url(kNode);
  ASSERT_TRUE(d && *d);
  EXPECT_TRUE((*d)->current_version_id);
}

TEST_F(PlatformsSimTest, RobotsTxtOfThePlatformsHostAppliesToTheUrlFetched) {
  write_registry("municode:ashby-falls", "");
  net_.handler = [](const HttpRequest& req) {
    if (req.url == "https://api.municode.com/robots.txt") {
      FakeReply r;
      r.content_type = "text/plain";
      r.body = "User-agent: *\nDisallow: /CodesContent\n";
      return r;
    }
    return municode_api(req);
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_TRUE(s->new_documents.empty()) << summary_json(*s);
  ASSERT_EQ(s->disallowed.size(), 1u) << summary_json(*s);
  EXPECT_EQ(s->disallowed[0].url, kNode);  // reported under the document's URL
  for (const auto& r : net_.requests) EXPECT_EQ(r.url.find("/CodesContent"), std::string::npos) << r.url;
  EXPECT_EQ(net_.to("api.municode.com/robots.txt").size(), 1u);
}

}  // namespace
}  // namespace policyindex::crawler
