// changes::atom_feed: the Atom XML of recorded changes.
#include "changes/changes.h"
#include "tests/testing/testing.h"

namespace policyindex::changes {
namespace {

TEST(AtomTest, EscapesEveryTextAndDropsForbiddenCharacters) {
  AtomFeed f;
  f.title = "changes in <Quillfield> & \"co\"";
  f.id = "urn:policyindex:feed:town=Quillfield";
  f.self = "http://h/feed.atom?town=Quillfield&provision=Q7";
  f.alternate = "http://h/changes";
  f.entries.push_back({"urn:policyindex:change:2", "Quillfield: Q7\x01 green", "2025-06-01T09:00:00Z",
                       "http://h/documents/3", "provision_change", "line one\nSource: http://x/?a=1&b='2'"});
  f.entries.push_back({"urn:policyindex:change:1", "older", "2025-05-01T09:00:00Z", "http://h/town/Q", "changed", ""});
  const std::string x = atom_feed(f);
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n", 0), 0u);
  EXPECT_NE(x.find("<title>changes in &lt;Quillfield&gt; &amp; &quot;co&quot;</title>"), std::string::npos) << x;
  EXPECT_NE(x.find("<updated>2025-06-01T09:00:00Z</updated>\n<author>"), std::string::npos) << "newest entry first";
  EXPECT_NE(x.find("href=\"http://h/feed.atom?town=Quillfield&amp;provision=Q7\""), std::string::npos) << x;
  EXPECT_NE(x.find("<title>Quillfield: Q7 green</title>"), std::string::npos) << "U+0001 is not XML 1.0";
  EXPECT_NE(x.find("a=1&amp;b=&apos;2&apos;</content>"), std::string::npos) << x;
  EXPECT_EQ(x.substr(x.size() - 8), "</feed>\n");
  EXPECT_NE(atom_feed(AtomFeed{}).find("<updated>1970-01-01T00:00:00Z</updated>"), std::string::npos);
}

}  // namespace
}  // namespace policyindex::changes
