// Records and police-policy platforms: Laserfiche WebLink, PowerDMS, Lexipol; and the
// registry's order for links more than one adapter could read.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/crawler/platforms/records_fixture.h"

namespace policyindex::crawler::platforms {
namespace {

using namespace testing;

bool has_substr(const std::vector<std::string>& v, std::string_view s) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& x) { return x.find(s) != std::string::npos; });
}

// ---------------------------------------------------------------------------------------
// Laserfiche WebLink

TEST(LaserficheTest, Claims) {
  Request doc = claim_one(
      "laserfiche",
      "https://records.marrowfield-ma.gov/WebLink/DocView.aspx?id=4022&dbid=0&repo=Marrowfield",
      "General Order 4.12");
  EXPECT_EQ(doc.role, Role::kDocument);
  EXPECT_EQ(doc.fetch_url,
            "https://records.marrowfield-ma.gov/WebLink/"
            "ElectronicFile.aspx?docid=4022&dbid=0&repo=Marrowfield");
  EXPECT_EQ(
      doc.human_url,
      "https://records.marrowfield-ma.gov/WebLink/DocView.aspx?id=4022&dbid=0&repo=Marrowfield");
  Request file =
      claim_one("laserfiche",
                "https://records.marrowfield-ma.gov/weblink/ElectronicFile.aspx?docid=7&dbid=0");
  EXPECT_EQ(file.human_url, "https://records.marrowfield-ma.gov/weblink/DocView.aspx?id=7&dbid=0");
  EXPECT_EQ(claim_one("laserfiche",
                      "https://lf.quillbrook.example.gov/WebLink8/Browse.aspx?startid=100&dbid=0")
                .role,
            Role::kListing);
  EXPECT_EQ(
      claim_one("laserfiche", "https://lf.quillbrook.example.gov/Public/Browse.aspx?id=5&dbid=0")
          .role,
      Role::kListing);  // no "WebLink" in the path, but WebLink's dbid
  EXPECT_EQ(claim_one("laserfiche",
                      "https://lf.quillbrook.example.gov/WebLink/0/edoc/812/Trust%20Act.pdf")
                .role,
            Role::kDocument);
  EXPECT_FALSE(claim("laserfiche", "https://www.quillbrook.example.gov/Browse.aspx?id=5"));
  EXPECT_FALSE(
      claim("laserfiche", "https://lf.quillbrook.example.gov/WebLink/Welcome.aspx?dbid=0"));
  EXPECT_FALSE(
      claim("laserfiche", "https://lf.quillbrook.example.gov/WebLink/DocView.aspx?id=abc&dbid=0"));
}

TEST(LaserficheTest, FolderGivesDocumentsAndFoldersBestFirst) {
  Request folder = claim_one(
      "laserfiche", "https://lf.marrowfield-ma.gov/WebLink8/Browse.aspx?startid=100&dbid=0");
  Reading r = read("laserfiche", folder, recorded("laserfiche_browse.html"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  auto urls = fetch_urls(r.requests);
  // The immigration general order, then the police policies folder, ...
  EXPECT_EQ(urls[0],
            "https://lf.marrowfield-ma.gov/WebLink8/ElectronicFile.aspx?docid=4022&dbid=0");
  EXPECT_EQ(r.requests[0].human_url,
            "https://lf.marrowfield-ma.gov/WebLink8/DocView.aspx?id=4022&dbid=0");
  EXPECT_EQ(r.requests[0].title, "General Order 4.12 - Immigration Status and Civil Detainers");
  EXPECT_EQ(r.requests[1].role, Role::kListing);
  EXPECT_NE(urls[1].find("startid=150"), std::string::npos);
  auto has = [&](const char* u) { return std::find(urls.begin(), urls.end(), u) != urls.end(); };
  EXPECT_FALSE(
      has("https://lf.marrowfield-ma.gov/WebLink8/Browse.aspx?dbid=0&startid=100"));  // itself
  EXPECT_FALSE(has_substr(urls, "Search.aspx"));
  // The breadcrumb's parent is listed too (the crawl drops URLs already seen).
  EXPECT_TRUE(has("https://lf.marrowfield-ma.gov/WebLink8/Browse.aspx?dbid=0&startid=1"));
}

TEST(LaserficheTest, FoldersPerRepositoryAreCapped) {
  // Every folder page lists 50 more folders: a repository that never ends.
  std::string page = "<!DOCTYPE html><html><body><table>";
  for (int i = 0; i < 50; ++i) {
    page += "<tr><td><a href=\"Browse.aspx?startid=" + std::to_string(1000 + i) +
            "&amp;dbid=0\">Folder " + std::to_string(i) + "</a></td></tr>";
  }
  page += "</table></body></html>";
  std::vector<Request> frontier = {claim_one(
      "laserfiche", "https://lf.marrowfield-ma.gov/WebLink/Browse.aspx?startid=1&dbid=0")};
  size_t fetched = 0;
  while (!frontier.empty()) {
    Request req = frontier.back();
    frontier.pop_back();
    ++fetched;
    ASSERT_LT(fetched, 5000u) << "the walk never ended";
    Reading r = read("laserfiche", req, page);
    ASSERT_TRUE(r.problem.empty());
    for (auto& q : r.requests) frontier.push_back(q);
  }
  EXPECT_LE(fetched, 200u);
  EXPECT_GE(fetched, 50u);
}

TEST(LaserficheTest, DocumentWithoutAnElectronicFileFallsBackToThePdfRoute) {
  Request doc =
      claim_one("laserfiche", "https://lf.marrowfield-ma.gov/WebLink/DocView.aspx?id=4022&dbid=0");
  Reading pdf = read("laserfiche", doc, kPdf, 200, "application/pdf");
  EXPECT_TRUE(pdf.store);
  Reading none =
      read("laserfiche", doc,
           "<!DOCTYPE html><html><body>This document has no electronic file.</body></html>");
  EXPECT_FALSE(none.store);
  EXPECT_TRUE(none.problem.empty());
  ASSERT_EQ(none.requests.size(), 1u);
  EXPECT_EQ(none.requests[0].fetch_url,
            "https://lf.marrowfield-ma.gov/WebLink/0/edoc/4022/document.pdf");
  EXPECT_EQ(none.requests[0].human_url, doc.human_url);
  // The fallback that also gives HTML is a plain problem, not another retry.
  Reading again = read("laserfiche", none.requests[0], "<html><body>Error</body></html>");
  EXPECT_TRUE(again.requests.empty());
  EXPECT_NE(again.problem.find("HTML page came back where a file was expected"), std::string::npos);
  Reading login = read("laserfiche", doc, recorded("login.html"));
  EXPECT_NE(login.problem.find("login page"), std::string::npos);
  Request folder =
      claim_one("laserfiche", "https://lf.marrowfield-ma.gov/WebLink/Browse.aspx?startid=1&dbid=0");
  EXPECT_NE(read("laserfiche", folder, recorded("login.html")).problem.find("asks for a login"),
            std::string::npos);
  EXPECT_NE(read("laserfiche", folder, "busy", 503, "text/plain").problem.find("HTTP 503"),
            std::string::npos);
}

// WebLink 10/11: the browse page is an application with no entries; the folder listing is
// a POST of a JSON query to the listing service.
TEST(LaserficheTest, WebLink11BrowsePageAsksTheListingServiceByPost) {
  Request folder = claim_one(
      "laserfiche", "https://records.marrowfield-ma.gov/WebLink/Browse.aspx?id=100&dbid=0",
      "Police Department records");
  Reading r = read("laserfiche", folder, recorded("laserfiche11_browse.html"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  ASSERT_EQ(r.requests.size(), 1u);
  const Request& post = r.requests[0];
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(post.role, Role::kListing);
  EXPECT_EQ(post.fetch_url,
            "https://records.marrowfield-ma.gov/WebLink/FolderListingService.aspx/"
            "GetFolderListing2");
  // Keyed by the service URL naming the folder (every listing POST shares the service URL,
  // and the browse page is a GET of its own).
  EXPECT_EQ(post.human_url,
            "https://records.marrowfield-ma.gov/WebLink/FolderListingService.aspx/"
            "GetFolderListing2?dbid=0&folderId=100&repoName=Marrowfield");
  EXPECT_TRUE(has_substr(post.headers, "Content-Type: application/json"));
  auto body = nlohmann::json::parse(post.body);
  EXPECT_EQ(body["repoName"], "Marrowfield");  // from the page's settings (no repo= in the URL)
  EXPECT_EQ(body["folderId"], 100);
  EXPECT_EQ(body["getNewListing"], true);
  EXPECT_EQ(body["start"], 0);
  EXPECT_GT(body["end"].get<int>(), 0);

  // Its answer: documents through ElectronicFile, the subfolder by another POST.
  Reading listing = read("laserfiche", post, recorded("laserfiche11_listing_root.json"), 200,
                         "application/json; charset=utf-8");
  ASSERT_TRUE(listing.problem.empty()) << listing.problem;
  ASSERT_EQ(listing.requests.size(), 3u);  // the shortcut (type -1) is not followed
  EXPECT_EQ(listing.requests[0].title,
            "General Order 4.12 - Immigration Status and Civil Detainers");  // best first
  EXPECT_EQ(listing.requests[0].fetch_url,
            "https://records.marrowfield-ma.gov/WebLink/"
            "ElectronicFile.aspx?docid=4022&dbid=0&repo=Marrowfield");
  EXPECT_EQ(listing.requests[0].human_url,
            "https://records.marrowfield-ma.gov/WebLink/DocView.aspx?id=4022&dbid=0&repo=Marrowfield");
  EXPECT_TRUE(listing.requests[0].method.empty());
  const Request* sub = nullptr;
  for (const auto& q : listing.requests) {
    if (q.role == Role::kListing) sub = &q;
  }
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->method, "POST");
  EXPECT_EQ(nlohmann::json::parse(sub->body)["folderId"], 150);
  EXPECT_EQ(sub->human_url,
            "https://records.marrowfield-ma.gov/WebLink/FolderListingService.aspx/"
            "GetFolderListing2?dbid=0&folderId=150&repoName=Marrowfield");
  Reading below = read("laserfiche", *sub, recorded("laserfiche11_listing_sub.json"), 200,
                       "application/json");
  ASSERT_TRUE(below.problem.empty()) << below.problem;
  ASSERT_EQ(below.requests.size(), 2u);
  EXPECT_EQ(below.requests[0].title, "Policy 428 - Bias-Free Policing");
}

TEST(LaserficheTest, WebLink11ListingErrorsAreProblemsAndEmptyIsNothing) {
  Request folder = claim_one(
      "laserfiche",
      "https://records.marrowfield-ma.gov/WebLink/Browse.aspx?id=160&dbid=0&repo=Marrowfield");
  Reading r = read("laserfiche", folder, recorded("laserfiche11_browse.html"));
  ASSERT_EQ(r.requests.size(), 1u);
  const Request post = r.requests[0];
  auto json = [&](const std::string& body, long status = 200) {
    return read("laserfiche", post, body, status, "application/json");
  };
  Reading empty = json(recorded("laserfiche11_listing_empty.json"));
  EXPECT_TRUE(empty.problem.empty()) << empty.problem;
  EXPECT_TRUE(empty.requests.empty());
  EXPECT_NE(json(recorded("laserfiche11_listing_failed.json"))
                .problem.find("refused: The folder does not exist"),
            std::string::npos);
  EXPECT_NE(json("{\"data\":{\"entries\":[]}}").problem.find("no \"results\" array"),
            std::string::npos);  // the API's shape changed
  EXPECT_NE(json("{\"Message\":\"There was an error processing the request.\"}")
                .problem.find("no \"data\" object"),
            std::string::npos);
  EXPECT_NE(json("not json at all").problem.find("not a JSON object"), std::string::npos);
  EXPECT_NE(read("laserfiche", post, recorded("login.html")).problem.find("asks for a login"),
            std::string::npos);
  EXPECT_NE(json("{}", 500).problem.find("HTTP 500"), std::string::npos);
  // A browse page with no entries and no repository name to ask for them.
  Request bare =
      claim_one("laserfiche", "https://records.marrowfield-ma.gov/WebLink/Browse.aspx?id=1&dbid=0");
  EXPECT_NE(read("laserfiche", bare, "<!DOCTYPE html><html><body><app-root></app-root></body></html>")
                .problem.find("names no repository"),
            std::string::npos);
}

// ---------------------------------------------------------------------------------------
// PowerDMS

TEST(PowerDmsTest, TreeLeadsToTheDocumentListAndItsDocuments) {
  Request tree = claim_one("powerdms", "https://public.powerdms.com/FENWICKPD/tree");
  EXPECT_EQ(tree.fetch_url, "https://public.powerdms.com/FENWICKPD/documents");
  EXPECT_EQ(tree.role, Role::kListing);
  EXPECT_EQ(
      claim_one("powerdms", "https://powerdms.com/public/FENWICKPD/tree/documents/12").fetch_url,
      "https://public.powerdms.com/FENWICKPD/documents");
  EXPECT_EQ(claim_one("powerdms", "https://public.powerdms.com/FENWICKPD/documents/1800102").role,
            Role::kDocument);
  EXPECT_FALSE(claim("powerdms", "https://www.powerdms.com/policy-management-software"));
  EXPECT_FALSE(claim("powerdms", "https://public.powerdms.com.example.org/FENWICKPD/tree"));

  Reading r = read("powerdms", tree, recorded("powerdms_documents.json"), 200, "application/json");
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  ASSERT_EQ(r.requests.size(), 3u);
  EXPECT_EQ(r.requests[0].fetch_url, "https://public.powerdms.com/FENWICKPD/documents/1800102");
  EXPECT_EQ(r.requests[0].doc_type, "police_policy");
  EXPECT_EQ(r.requests[0].title,
            "2.10 Immigration Status and Cooperation with Federal Authorities");
  EXPECT_TRUE(has_substr(fetch_urls(r.requests), "/documents/1800103"));  // built from its id
}

TEST(PowerDmsTest, ErrorsAndTheAppShell) {
  Request tree = claim_one("powerdms", "https://public.powerdms.com/GONEPD/tree");
  Reading gone = read("powerdms", tree, "{\"code\":\"key_not_found\"}", 404, "application/json");
  EXPECT_NE(gone.problem.find("key_not_found"), std::string::npos);
  Reading changed = read("powerdms", tree, "{\"documents\": []}", 200, "application/json");
  EXPECT_NE(changed.problem.find("no \"data\" list"), std::string::npos);
  Reading shell =
      read("powerdms", tree,
           "<!DOCTYPE html><html><head><title>PowerDMS</title></head><body></body></html>");
  EXPECT_NE(shell.problem.find("HTML page, not JSON"), std::string::npos);
  Request doc = claim_one("powerdms", "https://public.powerdms.com/FENWICKPD/documents/1800102");
  Reading app =
      read("powerdms", doc,
           "<!DOCTYPE html><html><head><title>PowerDMS</title></head><body></body></html>");
  EXPECT_NE(app.problem.find("JavaScript application"), std::string::npos);
  EXPECT_TRUE(read("powerdms", doc, kPdf, 200, "application/pdf").store);
}

// ---------------------------------------------------------------------------------------
// Lexipol

TEST(LexipolTest, ThePortalIsALoginWall) {
  Request q = claim_one("lexipol", "https://policy.lexipol.com/policy/FenwickHarborPD",
                        "Police policy manual");
  EXPECT_EQ(q.doc_type, "police_policy");
  EXPECT_FALSE(claim("lexipol", "https://www.lexipol.com/our-commitment-to-policy-transparency/"));
  Reading login = read("lexipol", q, recorded("login.html"));
  EXPECT_FALSE(login.store);
  EXPECT_NE(login.problem.find("asks for a login"), std::string::npos);
  EXPECT_TRUE(read("lexipol", q, kPdf, 200, "application/pdf").store);
}

// ---------------------------------------------------------------------------------------
// The registry

TEST(RecordsRegistryTest, EachLinkGoesToItsPlatform) {
  struct Case {
    const char* url;
    const char* adapter;
  } cases[] = {
      {"https://www.marrowfield-ma.gov/DocumentCenter/View/311", "civicplus"},
      {"https://www.marrowfield-ma.gov/home/showpublisheddocument/22/6371", "granicus"},
      {"https://marrowfield.granicus.com/ViewPublisher.php?view_id=3", "granicus"},
      {"https://quillbrook.legistar.com/Calendar.aspx", "legistar"},
      {"https://webapi.legistar.com/v1/quillbrook/matters", "legistar"},
      {"https://fenwickharbor.iqm2.com/Citizens/Calendar.aspx", "iqm2"},
      {"https://www.quillbrook-ma.gov/agendapublic/", "novusagenda"},
      {"https://fenwickharbor.portal.civicclerk.com/", "civicclerk"},
      {"https://lf.marrowfield-ma.gov/WebLink/DocView.aspx?id=1&dbid=0", "laserfiche"},
      {"https://public.powerdms.com/FENWICKPD/tree", "powerdms"},
      {"https://policy.lexipol.com/", "lexipol"},
  };
  for (const auto& c : cases) {
    auto u = parse_url(c.url);
    ASSERT_TRUE(u);
    auto got = claim_link(*u, "");
    ASSERT_TRUE(got) << c.url;
    EXPECT_EQ(got->adapter->name(), c.adapter) << c.url;
  }
  auto plain = parse_url("https://www.marrowfield-ma.gov/departments/police");
  ASSERT_TRUE(plain);
  auto none = claim_link(*plain, "Police");
  if (none) ADD_FAILURE() << none->adapter->name() << " claimed a plain town page";
}

}  // namespace
}  // namespace policyindex::crawler::platforms
