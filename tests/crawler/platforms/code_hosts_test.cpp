// The eCode360 and American Legal adapters on recorded pages (fictional towns, real shapes).

#include <gtest/gtest.h>

#include "crawler/platforms/platform.h"
#include "tests/crawler/platforms/recorded.h"

namespace policyindex::crawler::platforms {
namespace {

using testing::answer;
using testing::claim_of;
using testing::claims;
using testing::html_answer;

const Adapter& adapter(std::string_view name) {
  const Adapter* a = find_adapter(name);
  EXPECT_NE(a, nullptr) << name;
  return *a;
}

// An eCode360 code page: the table of contents as links to ecode360.com/{id}.
constexpr std::string_view kEcodeToc = R"(<!DOCTYPE html>
<html><head><title>Town of Elmbrook, MA Code</title></head><body>
<div id="toc">
 <a class="titleLink" href="https://ecode360.com/EL1234">Town of Elmbrook, MA</a>
 <ul>
  <li><a class="titleLink" href="/30110001">Part I: General Bylaws</a></li>
  <li><a class="titleLink" href="/30110077">Chapter 41: Welcoming Town</a></li>
  <li><a class="titleLink" href="/30110300">Chapter 120: Dogs</a></li>
  <li><a class="titleLink" href="https://ecode360.com/30110500">Chapter 151: Police Department</a></li>
 </ul>
</div></body></html>)";

TEST(Ecode360Test, ClaimsCodeSectionAndPrintLinks) {
  const Adapter& e = adapter("ecode360");
  auto code = claim_of(e, "https://ecode360.com/EL1234", "Town Code");
  ASSERT_EQ(code.size(), 1u);
  EXPECT_EQ(code[0].role, Role::kListing);
  EXPECT_EQ(code[0].fetch_url, "https://ecode360.com/EL1234");

  auto print = claim_of(e, "https://ecode360.com/print/EL1234?guid=30110077", "Welcoming Town");
  ASSERT_EQ(print.size(), 1u);
  EXPECT_EQ(print[0].role, Role::kDocument);
  EXPECT_EQ(print[0].human_url, "https://ecode360.com/30110077");

  auto section = claim_of(e, "https://ecode360.com/30110077", "Chapter 41 Welcoming Town");
  ASSERT_EQ(section.size(), 1u);
  EXPECT_EQ(section[0].role, Role::kListing);  // its page names the code
  EXPECT_FALSE(claims(e, "https://ecode360.com/"));
  EXPECT_FALSE(claims(e, "https://ecode360.com/documents/EL1234"));
  EXPECT_FALSE(claims(e, "https://www.elmbrook-ma.gov/EL1234"));
}

TEST(Ecode360Test, TableOfContentsToPrintViewsByTitleWords) {
  const Adapter& e = adapter("ecode360");
  auto code = claim_of(e, "https://ecode360.com/EL1234", "Town Code");
  auto r = e.read(code[0], html_answer(kEcodeToc, "https://ecode360.com/EL1234"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  ASSERT_EQ(r.requests.size(), 3u);  // dogs left
  EXPECT_EQ(r.requests[0].role, Role::kDocument);
  EXPECT_EQ(r.requests[0].fetch_url, "https://ecode360.com/print/EL1234?children=true&guid=30110077");
  EXPECT_EQ(r.requests[0].human_url, "https://ecode360.com/30110077");
  EXPECT_EQ(r.requests[0].title, "Chapter 41: Welcoming Town");
  EXPECT_EQ(r.requests[1].fetch_url, "https://ecode360.com/30110500");  // police: opened
  EXPECT_EQ(r.requests[1].role, Role::kListing);
  EXPECT_EQ(r.requests[2].fetch_url, "https://ecode360.com/30110001");  // general bylaws

  // The print view is the document.
  auto doc = e.read(r.requests[0], html_answer(R"(<html><head><title>Chapter 41</title></head>
      <body><div class="printHeader">Chapter 41 Welcoming Town</div>
      <div class="para">The Town shall not enter into a 287(g) agreement.</div></body></html>)"));
  EXPECT_TRUE(doc.problem.empty()) << doc.problem;
  EXPECT_TRUE(doc.store);
}

TEST(Ecode360Test, ASectionLinkFindsItsCodeOnThePage) {
  const Adapter& e = adapter("ecode360");
  auto section = claim_of(e, "https://ecode360.com/30110077", "Chapter 41 Welcoming Town");
  auto r = e.read(section[0], html_answer(kEcodeToc, "https://ecode360.com/30110077"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  ASSERT_FALSE(r.requests.empty());
  EXPECT_EQ(r.requests[0].fetch_url, "https://ecode360.com/print/EL1234?children=true&guid=30110077");
  // A section page that names no code: the layout changed.
  r = e.read(section[0], html_answer("<html><body><a href='/30110078'>Next</a></body></html>"));
  EXPECT_NE(r.problem.find("names no code"), std::string::npos) << r.problem;
}

TEST(Ecode360Test, ErrorsChallengesAndEmptyContents) {
  const Adapter& e = adapter("ecode360");
  auto code = claim_of(e, "https://ecode360.com/EL1234");
  EXPECT_EQ(e.read(code[0], html_answer("gone", "", 404)).problem, "HTTP 404");
  auto r = e.read(code[0], html_answer(
      "<html><head><title>Just a moment...</title></head><body>cf-challenge</body></html>"));
  EXPECT_NE(r.problem.find("challenge"), std::string::npos) << r.problem;
  r = e.read(code[0], answer(200, "application/json", R"({"toc": []})"));
  EXPECT_NE(r.problem.find("not HTML"), std::string::npos) << r.problem;
  r = e.read(code[0], html_answer("<html><body><div id='app'></div></body></html>"));
  EXPECT_NE(r.problem.find("no entries"), std::string::npos) << r.problem;
  EXPECT_TRUE(r.requests.empty());
}

// American Legal: server-rendered code pages.
constexpr std::string_view kAmlegalCode = R"(<!DOCTYPE html>
<html><head><title>Code of Ordinances | Harbor City, MA</title></head><body>
<nav class="toc">
 <a href="/codes/harborcity/latest/harborcity_ma/0-0-0-1">Chapter 1 General Provisions</a>
 <a href="/codes/harborcity/latest/harborcity_ma/0-0-0-900">Chapter 11 Police</a>
 <a href="/codes/harborcity/latest/harborcity_ma/0-0-0-950">Chapter 12 Harbor City Trust Act</a>
 <a href="/codes/harborcity/latest/harborcity_ma/0-0-0-999">Chapter 16 Parking</a>
 <a href="/codes/harborcity/2019-01-01/harborcity_ma/0-0-0-950">Trust Act (2019 edition)</a>
 <a href="/codes/otherton/latest/otherton_ma/0-0-0-5">Otherton Trust Act</a>
</nav></body></html>)";

TEST(AmLegalTest, CodePagesToChaptersByTitleWords) {
  const Adapter& a = adapter("amlegal");
  auto top = claim_of(a, "https://codelibrary.amlegal.com/codes/harborcity/latest/overview",
                      "Code of Ordinances");
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].role, Role::kListing);
  auto r = a.read(top[0], html_answer(kAmlegalCode));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  ASSERT_EQ(r.requests.size(), 3u);  // parking, older editions and other towns left
  EXPECT_EQ(r.requests[0].role, Role::kDocument);
  EXPECT_EQ(r.requests[0].human_url,
            "https://codelibrary.amlegal.com/codes/harborcity/latest/harborcity_ma/0-0-0-950");
  EXPECT_EQ(r.requests[1].role, Role::kListing);  // police
  EXPECT_EQ(r.requests[2].role, Role::kListing);  // general provisions
  auto doc = a.read(r.requests[0], html_answer("<html><body><h1>Trust Act</h1></body></html>"));
  EXPECT_TRUE(doc.store);

  // A section linked by its own on-topic words is the document.
  auto direct = claim_of(a, "https://codelibrary.amlegal.com/codes/harborcity/latest/harborcity_ma/0-0-0-950",
                         "Harbor City Trust Act");
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0].role, Role::kDocument);
  EXPECT_FALSE(claims(a, "https://codelibrary.amlegal.com/search"));
  EXPECT_FALSE(claims(a, "https://amlegal.com/codes/harborcity"));
}

TEST(AmLegalTest, ErrorsAndEmptyPages) {
  const Adapter& a = adapter("amlegal");
  auto top = claim_of(a, "https://codelibrary.amlegal.com/codes/harborcity/latest/overview");
  EXPECT_EQ(a.read(top[0], html_answer("", "", 503)).problem, "HTTP 503");
  auto r = a.read(top[0], html_answer("<html><body><div id='root'></div></body></html>"));
  EXPECT_NE(r.problem.find("no links to its chapters"), std::string::npos) << r.problem;
  r = a.read(top[0], answer(200, "application/pdf", "%PDF-1.7"));
  EXPECT_NE(r.problem.find("not HTML"), std::string::npos) << r.problem;
}

}  // namespace
}  // namespace policyindex::crawler::platforms
