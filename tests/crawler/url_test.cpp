#include <gtest/gtest.h>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

TEST(CanonicalUrlTest, NormalizesSpellingsOfOneUrl) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"HTTP://Town.Example.GOV:80/a/./b/../c", "http://town.example.gov/a/c"},
      {"https://town.example.gov:443//police//policies.html#top",
       "https://town.example.gov/police/policies.html"},
      {"http://town.example.gov:8080", "http://town.example.gov:8080/"},
      {"http://town.example.gov/x?b=2&a=1&b=1", "http://town.example.gov/x?a=1&b=2&b=1"},
      {"http://town.example.gov/%7euser/%2fa%41", "http://town.example.gov/~user/%2FaA"},
      {"http://town.example.gov/a b\xC3\xA9", "http://town.example.gov/a%20b%C3%A9"},
      {"  http://town.example.gov/\tx\n ", "http://town.example.gov/x"},
      {"http://user:pw@town.example.gov./", "http://town.example.gov/"},
      {"http://town.example.gov/dir/", "http://town.example.gov/dir/"},
  };
  for (const auto& c : cases) {
    auto u = canonical_url(c.in);
    ASSERT_TRUE(u) << c.in << ": " << u.error().message;
    EXPECT_EQ(*u, c.want) << c.in;
  }
}

TEST(CanonicalUrlTest, ResolvesReferencesAgainstABase) {
  auto base = parse_url("http://town.example.gov/police/index.html?x=1");
  ASSERT_TRUE(base);
  struct Case {
    const char* ref;
    const char* want;
  } cases[] = {
      {"policies.html", "http://town.example.gov/police/policies.html"},
      {"../clerk/bylaws.pdf", "http://town.example.gov/clerk/bylaws.pdf"},
      {"/a/../../b", "http://town.example.gov/b"},
      {"?y=2", "http://town.example.gov/police/index.html?y=2"},
      {"#frag", "http://town.example.gov/police/index.html?x=1"},
      {"//other.example.org/p", "http://other.example.org/p"},
      {"\\clerk\\x.pdf", "http://town.example.gov/clerk/x.pdf"},
      {"https://Other.Example.org:443/", "https://other.example.org/"},
  };
  for (const auto& c : cases) {
    auto u = canonical_url(c.ref, &*base);
    ASSERT_TRUE(u) << c.ref << ": " << u.error().message;
    EXPECT_EQ(*u, c.want) << c.ref;
  }
}

TEST(CanonicalUrlTest, RefusesOtherSchemesAndJunk) {
  auto base = parse_url("http://town.example.gov/");
  for (const char* bad : {"mailto:clerk@town.example.gov", "javascript:void(0)", "ftp://x/y",
                          "file:///etc/passwd", "http://", "http://x:99999/", "http://x:ab/"}) {
    auto u = canonical_url(bad, &*base);
    EXPECT_FALSE(u) << bad;
    if (!u) {
      EXPECT_NE(u.error().message.find("bad URL"), std::string::npos) << bad;
    }
  }
}

TEST(SameSiteTest, WwwAndSubdomainsBelongToTheSite) {
  EXPECT_TRUE(same_site("www.ashbrook.gov", "ashbrook.gov"));
  EXPECT_TRUE(same_site("police.ashbrook.gov", "www.ashbrook.gov"));
  EXPECT_FALSE(same_site("ashbrook.gov", "corvale.gov"));
  EXPECT_FALSE(same_site("notashbrook.gov", "ashbrook.gov"));
  EXPECT_FALSE(same_site("127.0.0.2", "127.0.0.3"));
  EXPECT_FALSE(same_site("1.127.0.0.2", "127.0.0.2"));
}

TEST(RetryAfterTest, SecondsAndDates) {
  EXPECT_EQ(parse_retry_after("2"), 2000);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"), 0);  // in the past
  EXPECT_FALSE(parse_retry_after("soon"));
  EXPECT_FALSE(parse_retry_after(""));
}

}  // namespace
}  // namespace policyindex::crawler
