// The Google Drive adapter on recorded answers (fictional files, real shapes).

#include <gtest/gtest.h>

#include "corpus/fetch_outcome.h"
#include "crawler/platforms/platform.h"
#include "tests/crawler/platforms/recorded.h"

namespace policyindex::crawler::platforms {
namespace {

using testing::answer;
using testing::claim_of;
using testing::claims;
using testing::html_answer;

const Adapter& gdrive() {
  const Adapter* a = find_adapter("gdrive");
  EXPECT_NE(a, nullptr);
  return *a;
}

constexpr std::string_view kId = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345";

TEST(GoogleDriveTest, ViewerLinksBecomeExportLinksKeptUnderTheViewerUrl) {
  const Adapter& g = gdrive();
  const std::string view = "https://drive.google.com/file/d/" + std::string(kId) + "/view";
  const std::string download = "https://drive.google.com/uc?export=download&id=" + std::string(kId);
  for (const std::string& link :
       {view, "https://drive.google.com/file/d/" + std::string(kId) + "/edit?usp=sharing",
        "https://drive.google.com/open?id=" + std::string(kId),
        "https://drive.google.com/uc?id=" + std::string(kId) + "&export=download"}) {
    auto reqs = claim_of(g, link, "Welcoming Town Policy");
    ASSERT_EQ(reqs.size(), 1u) << link;
    EXPECT_EQ(reqs[0].fetch_url, download) << link;
    EXPECT_EQ(reqs[0].human_url, view) << link;
    EXPECT_EQ(reqs[0].role, Role::kDocument);
    EXPECT_EQ(reqs[0].relevance, 3);
  }
  auto doc = claim_of(g, "https://docs.google.com/document/d/" + std::string(kId) + "/edit");
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0].fetch_url,
            "https://docs.google.com/document/d/" + std::string(kId) + "/export?format=pdf");
  EXPECT_EQ(doc[0].human_url, "https://docs.google.com/document/d/" + std::string(kId) + "/edit");

  EXPECT_FALSE(claims(g, "https://drive.google.com/drive/folders/" + std::string(kId)));
  EXPECT_FALSE(claims(g, "https://drive.google.com/file/d/short/view"));
  EXPECT_FALSE(claims(g, "https://docs.google.com/forms/d/" + std::string(kId) + "/viewform"));
}

TEST(GoogleDriveTest, TheFileIsStoredTheInterstitialIsAProblem) {
  const Adapter& g = gdrive();
  auto req = claim_of(g, "https://drive.google.com/file/d/" + std::string(kId) + "/view")[0];
  auto r = g.read(req, answer(200, "application/pdf", "%PDF-1.7\n1 0 obj\n"));
  EXPECT_TRUE(r.store);
  EXPECT_TRUE(r.problem.empty());

  r = g.read(req, html_answer(R"(<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head>
    <body><p>Google Drive can't scan this file for viruses.</p>
    <form id="download-form" action="https://drive.usercontent.google.com/download" method="get">
    <input type="hidden" name="id" value="x"><input type="hidden" name="confirm" value="t">
    </form></body></html>)"));
  EXPECT_FALSE(r.store);
  EXPECT_NE(r.problem.find("virus-scan warning"), std::string::npos) << r.problem;

  r = g.read(req, html_answer(R"(<html><head><title>Google Drive: Sign-in</title></head><body>
      <a href="https://accounts.google.com/ServiceLogin">Sign in</a></body></html>)"));
  EXPECT_NE(r.problem.find("not shared publicly"), std::string::npos) << r.problem;
  EXPECT_EQ(g.read(req, answer(404, "text/html", "<html></html>")).problem, "HTTP 404");
  EXPECT_NE(g.read(req, answer(200, "application/pdf", "")).problem.find("empty"), std::string::npos);
}

TEST(PlatformRegistryTest, EveryAdapterIsFoundByNameAndRolesRoundTrip) {
  for (const Adapter* a : adapters()) EXPECT_EQ(find_adapter(a->name()), a);
  EXPECT_EQ(find_adapter("no-such-platform"), nullptr);
  for (Role r : {Role::kListing, Role::kDocument, Role::kPage}) {
    EXPECT_EQ(role_from_string(to_string(r)), r);
  }
  auto u = parse_url("https://library.municode.com/ma/maplewood");
  ASSERT_TRUE(u);
  auto claim = claim_link(*u, "");
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->adapter->name(), "municode");
  u = parse_url("https://www.maplewood-ma.gov/bylaws");
  EXPECT_FALSE(claim_link(*u, "General Bylaws"));
  // The outcome a platform problem is stored as.
  EXPECT_EQ(corpus::to_string(corpus::FetchOutcome::kPlatformProblem), "platform_problem");
  EXPECT_EQ(corpus::fetch_outcome_from_string("platform_problem"),
            corpus::FetchOutcome::kPlatformProblem);
}

}  // namespace
}  // namespace policyindex::crawler::platforms
