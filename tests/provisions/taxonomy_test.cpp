// The taxonomy file: the built-in one, validation errors with file:line, and a provision
// added by a researcher through a file of their own.

#include <gtest/gtest.h>

#include "provisions/provisions.h"
#include "tests/testing/testing.h"

namespace policyindex::provisions {
namespace {

using testing::TempDir;
using testing::write_file;

TEST(TaxonomyTest, BuiltinHasTheSevenQuestionsAndEveryProvision) {
  auto tax = Taxonomy::builtin();
  ASSERT_OK(tax);
  const char* ids[] = {"status_inquiry", "info_sharing", "detention_on_detainer", "detainer_notice",
                       "enforcement_operations", "local_resources", "287g", "facility_access", "equal_treatment",
                       "u_visa", "school_records", "unlicensed_driving", "registry_programs", "complaints",
                       "reporting", "federal_law_compliance"};
  for (const char* id : ids) EXPECT_NE((*tax)->find(id), nullptr) << id;
  EXPECT_EQ((*tax)->provisions().size(), std::size(ids));
  const char* q[] = {"status_inquiry", "info_sharing", "detention_on_detainer", "detainer_notice",
                     "enforcement_operations", "local_resources", "287g"};
  for (int i = 0; i < 7; ++i) {
    auto* p = (*tax)->by_question("Q" + std::to_string(i + 1));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->id, q[i]);
  }
  EXPECT_EQ((*tax)->by_question("q7")->id, "287g");
  EXPECT_EQ((*tax)->by_question("Q8"), nullptr);
  EXPECT_EQ((*tax)->find("nope"), nullptr);
  EXPECT_FALSE((*tax)->version().empty());
}

const char* kMinimal = R"(schema = 1
version = "test"

[[provision]]
id = "curfew"
label = "Curfews"
question = ""
description = "Curfew rules"

  [[provision.rule]]
  name = "curfew"
  terms = [["curfew*"], ["minor*", "youth*"]]
  window = 6
)";

TEST(TaxonomyTest, ResearcherAddsAProvisionThroughAFile) {
  TempDir dir;
  // The built-in file plus one new provision, exactly as a researcher would edit it.
  std::string builtin = testing::read_file(testing::source_dir() / "provisions" / "taxonomy.toml");
  std::string added = builtin + R"(
[[provision]]
id = "body_cameras"
label = "Body cameras at ICE encounters"
question = ""
description = "Recording encounters with federal immigration agents."
affirmed = "protective"
negated = "permissive"

  [[provision.rule]]
  name = "record-ice-encounters"
  terms = [["body worn camera*", "body camera*", "record*"], ["@ice"]]
  window = 10
)";
  write_file(dir / "mine.toml", added);
  auto tax = Taxonomy::load(dir / "mine.toml");
  ASSERT_OK(tax);
  ASSERT_NE((*tax)->find("body_cameras"), nullptr);
  Tagger tagger(*tax);
  auto t = tagger.tag({"", "", "Officers of the Glenmoor Police Department shall activate body cameras during any "
                              "encounter with ICE agents."});
  bool found = false;
  for (const auto& h : t.hits) {
    if (h.provision == "body_cameras" && h.stance == Stance::kProtective) found = true;
  }
  EXPECT_TRUE(found);
  // The built-in taxonomy knows nothing of it, and the versions differ.
  auto builtin_tax = Taxonomy::builtin();
  ASSERT_OK(builtin_tax);
  EXPECT_EQ((*builtin_tax)->find("body_cameras"), nullptr);
  EXPECT_NE((*builtin_tax)->version(), (*tax)->version());
  Tagger plain(*builtin_tax);
  EXPECT_NE(plain.version(), tagger.version());
}

TEST(TaxonomyTest, MinimalFileLoads) {
  auto tax = Taxonomy::load_text(kMinimal, "mini.toml");
  ASSERT_OK(tax);
  Tagger tagger(*tax);
  auto t = tagger.tag({"", "", "Minors shall observe the curfew."});
  ASSERT_EQ(t.hits.size(), 1u);
  EXPECT_EQ(t.hits[0].provision, "curfew");
  EXPECT_EQ(t.hits[0].rule, "curfew/curfew");
}

// A rule matches only where a term of each of its groups occurs; the tagger skips the clause
// analysis of a section where no rule the heading allows has them all, which must change
// nothing: a rule that may reach into the next sentence still matches across two, a heading
// that allows nothing still wins.
TEST(TaxonomyTest, ARuleNeedsATermOfEveryGroupSomewhereInTheSection) {
  const std::string text = std::string(kMinimal) + R"(
[[provision]]
id = "escalation"
label = "Escalation"
question = ""
description = "Requests go to a supervisor"

  [[provision.rule]]
  name = "to-supervisor"
  terms = [["request*"], ["supervisor*"]]
  window = 12
  sentences = 2

[[heading_cue]]
match = ["glossary"]
only = []
)";
  auto tax = Taxonomy::load_text(text, "two.toml");
  ASSERT_OK(tax);
  Tagger tagger(*tax);
  auto provisions = [&](std::string_view heading, std::string_view body) {
    std::string out;
    for (const auto& h : tagger.tag({heading, "", body}).hits) out += h.provision + " ";
    return out;
  };
  EXPECT_EQ(provisions("", "Minors of Tallowmere shall observe the curfew."), "curfew ");
  EXPECT_EQ(provisions("", "The curfew of Tallowmere shall begin at ten."), "");        // one group only
  EXPECT_EQ(provisions("", "Minors of Tallowmere shall go home at ten."), "");          // the other one
  EXPECT_EQ(provisions("Glossary", "Minors of Tallowmere shall observe the curfew."), "");
  EXPECT_EQ(provisions("", "Requests for help shall come first. A supervisor shall decide them."),
            "escalation ");
  EXPECT_EQ(provisions("", "Requests for help shall come first. The clerk shall decide them."), "");
  // The curfew's terms in one section, the escalation's split over two: only the first matches.
  EXPECT_EQ(provisions("", "Minors shall observe the curfew. Requests for help shall come first."), "curfew ");
}

struct BadCase {
  const char* what;
  std::string text;
  const char* expect;  // "FILE:LINE: ..." fragment
};

std::string with_rule(const std::string& rule_extra, const std::string& provision_extra = "") {
  return "schema = 1\n[[provision]]\nid = \"x\"\nlabel = \"X\"\n" + provision_extra +
         "  [[provision.rule]]\n  name = \"r\"\n  terms = [[\"a\"]]\n" + rule_extra;
}

TEST(TaxonomyTest, ErrorsNameFileAndLine) {
  const BadCase cases[] = {
      {"syntax", "schema = 1\n[[provision]\nid = \"x\"\n", "bad.toml:2:"},
      {"unknown top key", "schema = 1\nprovisons = 3\n", "bad.toml:2: unknown key 'provisons'"},
      {"unknown rule key", with_rule("  windw = 3\n"), "bad.toml:8: unknown key 'windw'"},
      {"bad stance", with_rule("  stance = \"friendly\"\n"), "bad.toml:8: rule 'x/r': 'stance' must be protective"},
      {"window type", with_rule("  window = \"ten\"\n"), "bad.toml:8: rule 'x/r': 'window' must be an integer"},
      {"unknown list", with_rule("  suppresses = [\"ghost\"]\n"), "bad.toml:8: suppresses: unknown provision 'ghost'"},
      {"bad question", with_rule("", "question = \"seven\"\n"), "bad.toml:5: provision 'x': question must look like"},
      {"missing label", "schema = 1\n[[provision]]\nid = \"x\"\n  [[provision.rule]]\n  name = \"r\"\n  terms = [\"a\"]\n",
       "bad.toml:2: provision 'x': missing 'label'"},
      {"no rules", "schema = 1\n[[provision]]\nid = \"x\"\nlabel = \"X\"\n", "bad.toml:2: provision 'x' has no"},
      {"bad id", "schema = 1\n[[provision]]\nid = \"Has Space\"\nlabel = \"X\"\n", "bad.toml:3: provision 'Has Space': id"},
      {"at-list unknown",
       "schema = 1\n[[provision]]\nid = \"x\"\nlabel = \"X\"\n  [[provision.rule]]\n  name = \"r\"\n  terms = "
       "[[\"@nothing\"]]\n",
       "bad.toml:7: rule 'x/r' term group: unknown list '@nothing'"},
      {"schema", "schema = 2\n", "bad.toml:1: unsupported schema 2"},
      {"duplicate id",
       with_rule("") + "[[provision]]\nid = \"x\"\nlabel = \"Y\"\n  [[provision.rule]]\n  name = \"r\"\n  terms = [\"b\"]\n",
       "bad.toml:9: duplicate provision id 'x'"},
  };
  TempDir dir;
  for (const auto& c : cases) {
    write_file(dir / "bad.toml", c.text);
    auto tax = Taxonomy::load(dir / "bad.toml");
    ASSERT_FALSE(tax.has_value()) << c.what;
    const std::string& msg = tax.error().message;
    std::string expect = (dir / c.expect).string();
    EXPECT_NE(msg.find(expect), std::string::npos) << c.what << ": got \"" << msg << "\", want \"" << expect << "\"";
  }
}

TEST(TaxonomyTest, MissingFileIsNamed) {
  auto tax = Taxonomy::load("/nonexistent/dir/tax.toml");
  ASSERT_FALSE(tax.has_value());
  EXPECT_NE(tax.error().message.find("/nonexistent/dir/tax.toml"), std::string::npos);
  auto fallback = Taxonomy::load_or_builtin("");
  EXPECT_OK(fallback);
}

}  // namespace
}  // namespace policyindex::provisions
