// The Municode adapter on recorded API answers (fictional towns, real shapes).

#include <gtest/gtest.h>

#include "crawler/platforms/platform.h"
#include "tests/crawler/platforms/recorded.h"

namespace policyindex::crawler::platforms {
namespace {

using testing::claim_of;
using testing::claims;
using testing::html_answer;
using testing::json_answer;

const Adapter& municode() {
  const Adapter* a = find_adapter("municode");
  EXPECT_NE(a, nullptr);
  return *a;
}

// Walks the chain from a claimed link to the request whose URL contains `step`, answering
// each listing with the body given for its step.
TEST(MunicodeTest, ClaimsLibraryLinksAndAsksTheApiForTheClient) {
  auto reqs = claim_of(municode(),
                       "https://library.municode.com/ma/maplewood/codes/code_of_ordinances");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].fetch_url,
            "https://api.municode.com/Clients/name?clientName=maplewood&stateAbbr=ma");
  EXPECT_EQ(reqs[0].role, Role::kListing);
  ASSERT_EQ(reqs[0].headers.size(), 1u);
  EXPECT_EQ(reqs[0].headers[0], "Accept: application/json");
  EXPECT_FALSE(claims(municode(), "https://library.municode.com/"));
  EXPECT_FALSE(claims(municode(), "https://www.maplewood-ma.gov/codes/code_of_ordinances"));
  EXPECT_FALSE(claims(municode(), "https://library.municode.com/search"));
}

TEST(MunicodeTest, WalksClientProductJobAndTableOfContentsBestFirst) {
  const Adapter& m = municode();
  auto start = claim_of(m, "https://library.municode.com/ma/maplewood/codes/code_of_ordinances");
  ASSERT_EQ(start.size(), 1u);

  auto client = m.read(start[0], json_answer(R"({"ClientID": 4321, "ClientName": "Maplewood",
      "State": {"StateID": 22, "StateName": "Massachusetts", "StateAbbreviation": "MA"}})"));
  ASSERT_TRUE(client.problem.empty()) << client.problem;
  ASSERT_EQ(client.requests.size(), 1u);
  EXPECT_EQ(client.requests[0].fetch_url, "https://api.municode.com/ClientContent/4321");

  auto products = m.read(client.requests[0], json_answer(R"({"codes": [
      {"productId": 7001, "productName": "Zoning Bylaw"},
      {"productId": 7000, "productName": "Code of Ordinances"}],
      "features": {}, "munidocs": []})"));
  ASSERT_TRUE(products.problem.empty()) << products.problem;
  ASSERT_EQ(products.requests.size(), 1u);  // the product the link names
  EXPECT_EQ(products.requests[0].fetch_url, "https://api.municode.com/Jobs/latest/7000");

  auto job = m.read(products.requests[0],
                    json_answer(R"({"Id": 55501, "Name": "Supplement 12", "ProductId": 7000})"));
  ASSERT_TRUE(job.problem.empty()) << job.problem;
  ASSERT_EQ(job.requests.size(), 1u);
  EXPECT_EQ(job.requests[0].fetch_url,
            "https://api.municode.com/codesToc?jobId=55501&productId=7000");

  auto toc = m.read(job.requests[0], json_answer(R"({"Id": "ROOT", "Heading": "Code",
      "Children": [
        {"Id": "PTIGEOR_CH1GEPR", "Heading": "Chapter 1 - GENERAL PROVISIONS", "HasChildren": true},
        {"Id": "PTIGEOR_CH14ST", "Heading": "Chapter 14 - STREETS AND SIDEWALKS", "HasChildren": true},
        {"Id": "PTIGEOR_CH2AD", "Heading": "Chapter 2 - ADMINISTRATION", "HasChildren": true},
        {"Id": "PTIGEOR_CH9WECO", "Heading": "Chapter 9 - WELCOMING COMMUNITY", "HasChildren": true}
      ]})"));
  ASSERT_TRUE(toc.problem.empty()) << toc.problem;
  ASSERT_EQ(toc.requests.size(), 3u);  // streets are left
  // On topic first: the chapter's content, stored under the library's own URL for the node.
  EXPECT_EQ(toc.requests[0].role, Role::kDocument);
  EXPECT_EQ(toc.requests[0].fetch_url,
            "https://api.municode.com/CodesContent?jobId=55501&productId=7000&nodeId=PTIGEOR_CH9WECO");
  EXPECT_EQ(toc.requests[0].human_url,
            "https://library.municode.com/ma/maplewood/codes/code_of_ordinances?nodeId=PTIGEOR_CH9WECO");
  EXPECT_EQ(toc.requests[0].title, "Chapter 9 - WELCOMING COMMUNITY");
  EXPECT_EQ(toc.requests[1].role, Role::kListing);
  EXPECT_NE(toc.requests[1].fetch_url.find("codesToc/children?"), std::string::npos);

  // A child list (codesToc/children answers an array): a leaf where such rules sit is fetched.
  auto children = m.read(toc.requests[2], json_answer(R"([
      {"Id": "PTIGEOR_CH2AD_ARTIVPODE", "Heading": "Article IV. - Police Department", "HasChildren": false},
      {"Id": "PTIGEOR_CH2AD_ARTIIITR", "Heading": "Article III. - Treasurer", "HasChildren": false}])"));
  ASSERT_TRUE(children.problem.empty()) << children.problem;
  ASSERT_EQ(children.requests.size(), 1u);
  EXPECT_EQ(children.requests[0].role, Role::kDocument);

  auto content = m.read(toc.requests[0], json_answer(R"({"Docs": [
      {"Id": "PTIGEOR_CH9WECO", "Title": "Chapter 9 - WELCOMING COMMUNITY", "Content": ""},
      {"Id": "PTIGEOR_CH9WECO_S9-1PU", "Title": "Sec. 9-1. - Purpose.",
       "Content": "<p>No town officer shall ask a person's immigration status.</p>"}],
      "PrevNode": {"Id": "PTIGEOR_CH8"}, "NextNode": {"Id": "PTIGEOR_CH10"}})"));
  ASSERT_TRUE(content.problem.empty()) << content.problem;
  EXPECT_TRUE(content.store);
  EXPECT_EQ(content.content_type, "text/html; charset=utf-8");
  EXPECT_NE(content.body.find("<title>Chapter 9 - WELCOMING COMMUNITY</title>"), std::string::npos);
  EXPECT_NE(content.body.find("ask a person's immigration status"), std::string::npos);
  EXPECT_NE(content.body.find("Sec. 9-1. - Purpose."), std::string::npos);
}

TEST(MunicodeTest, ANodeLinkGoesStraightToItsContent) {
  const Adapter& m = municode();
  auto start = claim_of(m, "https://library.municode.com/ma/maplewood/codes/code_of_ordinances?nodeId=PTIGEOR_CH9WECO");
  auto client = m.read(start[0], json_answer(R"({"ClientID": 4321})"));
  auto products = m.read(client.requests[0], json_answer(R"({"codes": [{"productId": 7000, "productName": "Code of Ordinances"}]})"));
  auto job = m.read(products.requests[0], json_answer(R"({"Id": 55501})"));
  ASSERT_EQ(job.requests.size(), 1u);
  EXPECT_EQ(job.requests[0].role, Role::kDocument);
  EXPECT_EQ(job.requests[0].human_url,
            "https://library.municode.com/ma/maplewood/codes/code_of_ordinances?nodeId=PTIGEOR_CH9WECO");
}

TEST(MunicodeTest, AClientPageWalksEachOfItsCodes) {
  const Adapter& m = municode();
  auto start = claim_of(m, "https://library.municode.com/ma/maplewood");
  auto client = m.read(start[0], json_answer(R"({"ClientID": 4321})"));
  auto products = m.read(client.requests[0], json_answer(R"({"codes": [
      {"productId": 7000, "productName": "Code of Ordinances"},
      {"productId": 7001, "productName": "Zoning Bylaw"}]})"));
  ASSERT_EQ(products.requests.size(), 2u);
  EXPECT_EQ(testing::claim_of(m, "https://library.municode.com/ma/maplewood").size(), 1u);
}

TEST(MunicodeTest, ErrorsAndChangedShapesAreProblemsInPlainWords) {
  const Adapter& m = municode();
  auto start = claim_of(m, "https://library.municode.com/ma/maplewood/codes/code_of_ordinances");
  // 404 with an error object.
  auto r = m.read(start[0], json_answer(R"({"Message": "No client found"})", 404));
  EXPECT_EQ(r.problem, "HTTP 404");
  EXPECT_TRUE(r.requests.empty());
  // HTML where JSON was expected.
  r = m.read(start[0], html_answer("<!DOCTYPE html><html><body>Library</body></html>"));
  EXPECT_NE(r.problem.find("HTML page"), std::string::npos) << r.problem;
  // Not JSON at all.
  r = m.read(start[0], json_answer("{\"ClientID\": "));
  EXPECT_NE(r.problem.find("not JSON"), std::string::npos) << r.problem;
  // A renamed field.
  r = m.read(start[0], json_answer(R"({"clientId": 4321})"));
  EXPECT_NE(r.problem.find("ClientID"), std::string::npos) << r.problem;
  EXPECT_TRUE(r.requests.empty());

  auto client = m.read(start[0], json_answer(R"({"ClientID": 4321})"));
  r = m.read(client.requests[0], json_answer(R"({"codes": []})"));
  EXPECT_NE(r.problem.find("no code named 'code_of_ordinances'"), std::string::npos) << r.problem;
  r = m.read(client.requests[0], json_answer(R"({"products": []})"));
  EXPECT_NE(r.problem.find("\"codes\""), std::string::npos) << r.problem;

  auto products = m.read(client.requests[0], json_answer(R"({"codes": [{"productId": 7000, "productName": "Code of Ordinances"}]})"));
  r = m.read(products.requests[0], json_answer(R"({"JobId": 55501})"));
  EXPECT_NE(r.problem.find("job Id"), std::string::npos) << r.problem;
  auto job = m.read(products.requests[0], json_answer(R"({"Id": 55501})"));
  // An empty table of contents, and one in another shape.
  r = m.read(job.requests[0], json_answer(R"({"Id": "ROOT", "Children": []})"));
  EXPECT_NE(r.problem.find("empty table of contents"), std::string::npos) << r.problem;
  r = m.read(job.requests[0], json_answer(R"({"Id": "ROOT", "Nodes": []})"));
  EXPECT_NE(r.problem.find("\"Children\""), std::string::npos) << r.problem;
  // Content without text.
  Request content;
  content.fetch_url = "https://api.municode.com/CodesContent?jobId=1&nodeId=X&productId=2";
  content.context = "node=X";
  r = m.read(content, json_answer(R"({"Docs": []})"));
  EXPECT_FALSE(r.store);
  EXPECT_NE(r.problem.find("no text for node 'X'"), std::string::npos) << r.problem;
}

}  // namespace
}  // namespace policyindex::crawler::platforms
