// Registry website checks (crawler/site_check.h): the home page names the municipality and
// Massachusetts; same-named towns of other states are told apart. Fictional pages.

#include "crawler/site_check.h"

#include <gtest/gtest.h>

namespace policyindex::crawler {
namespace {

using corpus::SiteVerdict;

TEST(SiteCheckTest, VerifiedWhenTownAndMassachusettsAreNamed) {
  struct Case {
    const char* html;
    const char* town;
  };
  const Case cases[] = {
      {"<title>Town of Alderbrook, Massachusetts</title><p>Welcome</p>", "Alderbrook"},
      {"<h1>City of Salem</h1><footer>93 Washington St, Salem, MA 01970</footer>", "Salem"},
      {"<h1>Manchester-by-the-Sea</h1><p>Manchester by the Sea MA 01944</p>",
       "Manchester-by-the-Sea"},
      {"<p>Official website of the Town of Brindle Falls, Mass.</p>", "Brindle Falls"},
      {"<p>Town&nbsp;of&nbsp;Alderbrook 01234</p>", "Alderbrook"},  // a Massachusetts ZIP
  };
  for (const auto& c : cases) {
    auto v = verify_home_page(c.html, c.town);
    EXPECT_EQ(v.verdict, SiteVerdict::kVerified) << c.town << ": " << v.reason;
  }
}

TEST(SiteCheckTest, MismatchesSayWhy) {
  auto v = verify_home_page("<title>Welcome to Parked Domains</title><p>This domain is for sale</p>",
                            "Alderbrook");
  EXPECT_EQ(v.verdict, SiteVerdict::kMismatch);
  EXPECT_EQ(v.reason, "the home page does not name Alderbrook");

  // A same-named town in another state, even when Massachusetts is named elsewhere.
  v = verify_home_page("<h1>City of Salem, Oregon</h1><p>Salem, OR 97301</p>"
                       "<p>Sister city of a town in Massachusetts.</p>",
                       "Salem");
  EXPECT_EQ(v.verdict, SiteVerdict::kMismatch);
  EXPECT_EQ(v.reason, "the home page names Salem, oregon, not Massachusetts");
  v = verify_home_page("<p>Town of Andover, NH 03216</p>", "Andover");
  EXPECT_EQ(v.verdict, SiteVerdict::kMismatch);
  EXPECT_NE(v.reason.find("new hampshire"), std::string::npos) << v.reason;
  v = verify_home_page("<p>Springfield, Illinois</p>", "Springfield");
  EXPECT_EQ(v.verdict, SiteVerdict::kMismatch);

  v = verify_home_page("<p>Town of Alderbrook</p>", "Alderbrook");
  EXPECT_EQ(v.verdict, SiteVerdict::kMismatch);
  EXPECT_EQ(v.reason, "the home page names Alderbrook but not Massachusetts");

  // Words inside scripts and styles are not the page's text; a name inside a word is not it.
  v = verify_home_page("<script>var t='Alderbrook, Massachusetts';</script><p>Alderbrooks</p>",
                       "Alderbrook");
  EXPECT_EQ(v.verdict, SiteVerdict::kMismatch);
  EXPECT_EQ(v.reason, "the home page does not name Alderbrook");
}

TEST(SiteCheckTest, VisibleText) {
  EXPECT_EQ(visible_text("<p>A&amp;B</p><style>x{}</style><b>C</b>"), " a&b   c ");
}

}  // namespace
}  // namespace policyindex::crawler
