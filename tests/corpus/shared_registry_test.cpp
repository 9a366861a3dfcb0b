// Label "shared": reads ../shared/data.
#include "corpus/corpus.h"
#include "tests/testing/testing.h"

namespace policyindex::corpus {
namespace {

TEST(SharedRegistryTest, OurListMatchesTheSharedPublicList) {
  auto ours = read_municipalities(testing::source_dir() / "corpus/massachusetts/municipalities.tsv");
  auto theirs = read_municipalities(testing::shared_dir() / "data" / "ma_municipalities.tsv");
  ASSERT_OK(ours);
  ASSERT_OK(theirs);
  ASSERT_EQ(ours->size(), theirs->size());
  for (size_t i = 0; i < ours->size(); ++i) {
    EXPECT_EQ((*ours)[i].name, (*theirs)[i].name);
    EXPECT_EQ((*ours)[i].county, (*theirs)[i].county);
    EXPECT_EQ((*ours)[i].kind, (*theirs)[i].kind);
  }
}

}  // namespace
}  // namespace policyindex::corpus
