// Issue 20 items 5-7 on the pages: the town page tells silent from nothing found from blocked,
// evidence links to its exact version with its hash, the version page shows that version,
// the statewide page counts each state, and the long matrix downloads with the CSV guard.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "serve/http_handler.h"
#include "serve/web.h"
#include "tests/web/fake_api.h"
#include "tests/web/html_check.h"

namespace policyindex {
namespace {

using serve::HttpRequest;
using serve::HttpResponse;
using testing::FakeApi;

HttpResponse get(FakeApi& api, const std::string& target) {
  return serve::handle_request(HttpRequest{"GET", target, {}, ""}, api);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(EvidencePagesTest, TownPageNamesEachStateAndCitesTheVersion) {
  FakeApi api;
  HttpResponse r = get(api, "/town/Quillfield");
  ASSERT_EQ(r.status, 200);
  // Silent (an in-force document that says nothing) and proposed only, each in words.
  EXPECT_TRUE(contains(r.body, "data-state=\"not_addressed\">Silent: detail &lt;script&gt;")) << r.body;
  EXPECT_TRUE(contains(r.body, "data-state=\"proposed_only\">Proposed only: "));
  EXPECT_TRUE(contains(r.body, "1 in-force document of Quillfield with relevant language"));
  // The citation: version, sha256, offsets, fetched-at.
  EXPECT_TRUE(contains(r.body, "version 30 · sha256 <code title=\"5a1b2c3d4e5f60718293a4b5c6d7e8f9\">5a1b2c3d4e5f…</code>"))
      << r.body;
  EXPECT_TRUE(contains(r.body, "bytes 6–53"));
  for (const auto& p : testing::check_html(r.body).list) ADD_FAILURE() << p;
}

TEST(EvidencePagesTest, VersionPageShowsThatVersion) {
  FakeApi api;
  HttpResponse r = get(api, "/documents/17?version=30");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(api.last_version.has_value());
  EXPECT_EQ(*api.last_version, 30);
  EXPECT_TRUE(contains(r.body, "You are reading version 30")) << r.body;
  EXPECT_TRUE(contains(r.body, "cafe30"));
  EXPECT_TRUE(contains(r.body, "the current version is 31"));
  EXPECT_TRUE(contains(r.body, "Officers shall not ask about immigration status</mark>"));
  HttpResponse cur = get(api, "/documents/17");
  EXPECT_FALSE(api.last_version.has_value());
  EXPECT_TRUE(contains(cur.body, "Current version 31"));
  EXPECT_EQ(get(api, "/documents/17?version=99").status, 404);
  EXPECT_EQ(get(api, "/documents/17?version=abc").status, 400);
  HttpResponse j = get(api, "/api/documents/17?version=30");
  ASSERT_EQ(j.status, 200);
  auto doc = nlohmann::json::parse(j.body);
  EXPECT_EQ(doc["version"], "30");
  EXPECT_EQ(doc["version_sha256"], "cafe30");
  EXPECT_EQ(doc["current_version"], "31");
}

TEST(EvidencePagesTest, StatewidePageCountsEveryState) {
  FakeApi api;
  HttpResponse r = get(api, "/state");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "Statewide counts"));
  EXPECT_TRUE(contains(r.body, "<td>42</td>")) << "the blocked count of Q1";
  for (const char* word : {"Proposed only", "Silent", "Nothing found", "Blocked", "Not crawled"}) {
    EXPECT_TRUE(contains(r.body, word)) << word;
  }
  EXPECT_TRUE(contains(r.body, "href=\"/matrix.csv?long=1\""));
  for (const auto& p : testing::check_html(r.body).list) ADD_FAILURE() << p;
}

TEST(EvidencePagesTest, LongMatrixDownloadsGuarded) {
  FakeApi api;
  HttpResponse m = get(api, "/matrix.csv?long=1&by=provision");
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.body.rfind("town,county,key,provision,question,verdict,state,", 0), 0u) << m.body;
  EXPECT_TRUE(contains(m.body, "\"'=HYPERLINK(\"\"x\"\")\"")) << m.body;
  EXPECT_TRUE(contains(m.body, ",'+cmd|' /C calc'!A0,")) << m.body;
  HttpResponse j = get(api, "/api/matrix?long=1");
  ASSERT_EQ(j.status, 200);
  auto doc = nlohmann::json::parse(j.body);
  EXPECT_EQ(doc["by"], "question");
  EXPECT_EQ(doc["total"], 1);
  EXPECT_EQ(doc["omitted"], 0);
  EXPECT_EQ(get(api, "/matrix.csv?by=provision").status, 400) << "by= without long=1";
  EXPECT_EQ(get(api, "/api/matrix?long=2").status, 400);
}

TEST(EvidencePagesTest, SearchCsvSaysWhatItLeftOut) {
  FakeApi api;
  HttpResponse s = get(api, "/search.csv?q=detainer&limit=1");
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(s.header("X-Total-Count"), "45");
  EXPECT_EQ(s.header("X-Omitted"), "43") << "45 matches, 2 written";
  EXPECT_TRUE(contains(s.header("X-Note"), "43 left out; add offset=2")) << s.header("X-Note");
}

}  // namespace
}  // namespace policyindex
