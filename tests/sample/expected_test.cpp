// expected.json against the documents it describes: every evidence phrase is in the enacted
// (not struck) text of its document, struck-only language is only struck, every path exists,
// and the fictional towns collide with no real municipality. Keeps EXPECTED.md honest when a
// document is edited.

#include <nlohmann/json.hpp>
#include <set>

#include "corpus/corpus.h"
#include "demo/sample/gen/markup.h"
#include "demo/sample/sample_site.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSrc = PI_SAMPLE_SRC_DIR;

json expected() { return json::parse(testing::read_file(kSrc / "expected.json")); }

// Lower case, curly quotes straightened, whitespace collapsed.
std::string fold(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "\u2019" || s.substr(i, 3) == "\u2018") {
      out += '\'';
      i += 2;
    } else if (s.substr(i, 3) == "\u201c" || s.substr(i, 3) == "\u201d") {
      out += '"';
      i += 2;
    } else if (std::isspace(static_cast<unsigned char>(s[i]))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    }
  }
  return out;
}

struct Texts {
  std::string enacted;
  std::string struck;
};

Texts source_texts(const std::string& slug, const std::string& path) {
  fs::path p = kSrc / "sites" / slug / path.substr(1);
  p.replace_extension(".pdm");
  auto doc = sample_gen::parse(testing::read_file(p), p.string());
  Texts t;
  for (const auto& b : doc.blocks) {
    for (const auto& s : b.spans) (s.struck ? t.struck : t.enacted) += s.text;
    t.enacted += "\n";
    t.struck += "\n";
  }
  t.enacted = fold(t.enacted);
  t.struck = fold(t.struck);
  return t;
}

TEST(ExpectedSampleTest, TownsMatchSitesAndRegistryAndNoRealTown) {
  auto exp = expected();
  auto sample = sample::load_sample(sample::default_sample_dir());
  ASSERT_OK(sample);
  auto reg = corpus::read_registry(kSrc);
  ASSERT_OK(reg);
  auto real = corpus::builtin_municipalities();
  ASSERT_OK(real);
  std::set<std::string> real_names, counties;
  for (const auto& m : *real) {
    real_names.insert(corpus::fold_town_name(m.name));
    counties.insert(m.county);
  }
  EXPECT_EQ(counties.size(), 14u);
  ASSERT_EQ(exp["towns"].size(), sample->sites.size());
  ASSERT_EQ(reg->municipalities.size(), sample->sites.size());
  for (const auto& m : reg->municipalities) {
    SCOPED_TRACE(m.name);
    EXPECT_FALSE(real_names.count(corpus::fold_town_name(m.name))) << "a real municipality";
    EXPECT_TRUE(counties.count(m.county)) << m.county;
    ASSERT_TRUE(exp["towns"].contains(m.name));
    const auto& town = exp["towns"][m.name];
    EXPECT_EQ(town["county"], m.county);
    const sample::Site* site = sample->find_site(town["slug"].get<std::string>());
    ASSERT_NE(site, nullptr);
    EXPECT_EQ(site->municipality, m.name);
    EXPECT_EQ(m.website,
              "http://" + site->address + ":" + std::to_string(sample::kRegistryPort) + "/");
    EXPECT_EQ(town["scorecard"].size(), 7u);
  }
}

TEST(ExpectedSampleTest, EvidenceIsInTheEnactedTextOfEachDocument) {
  auto exp = expected();
  const auto root = sample::default_sample_dir() / "sites";
  std::set<std::string> verdicts = {"green", "red", "mixed", "absent"};
  int checked = 0;
  for (const auto& [name, town] : exp["towns"].items()) {
    const std::string slug = town["slug"];
    for (const auto& [q, v] : town["scorecard"].items())
      EXPECT_TRUE(verdicts.count(v)) << name << q;
    Texts all;
    for (const auto& doc : town["documents"]) {
      const std::string path = doc["path"];
      EXPECT_TRUE(fs::exists(root / slug / path.substr(1))) << name << " " << path;
      Texts t = source_texts(slug, path);
      all.enacted += t.enacted;
      all.struck += t.struck;
      for (const auto& p : doc.value("provisions", json::array())) {
        EXPECT_NE(t.enacted.find(fold(p["evidence"].get<std::string>())), std::string::npos)
            << name << " " << path << ": " << p["evidence"];
        ++checked;
      }
    }
    if (town.contains("all_documents")) {
      const auto& shared = town["all_documents"];
      for (const auto& p : shared["provisions"]) {
        EXPECT_NE(all.enacted.find(fold(p["evidence"].get<std::string>())), std::string::npos)
            << name << ": " << p["evidence"];
        ++checked;
      }
      for (const auto& s : shared["struck_only"]) {
        std::string f = fold(s.get<std::string>());
        EXPECT_NE(all.struck.find(f), std::string::npos) << name << ": not struck: " << s;
        EXPECT_EQ(all.enacted.find(f), std::string::npos) << name << ": also enacted: " << s;
      }
    }
  }
  EXPECT_GT(checked, 50);
}

TEST(ExpectedSampleTest, AbsentPhrasesAreOnlyStruckOrDisallowed) {
  auto exp = expected();
  auto sample = sample::load_sample(sample::default_sample_dir());
  ASSERT_OK(sample);
  for (const auto& a : exp["absent_phrases"]) {
    const std::string phrase = a["phrase"];
    for (const auto& site : sample->sites) {
      for (const auto& e : fs::recursive_directory_iterator(sample->root / "sites" / site.slug)) {
        if (!e.is_regular_file()) continue;
        std::string rel =
            fs::relative(e.path(), sample->root / "sites" / site.slug).generic_string();
        bool disallowed = false;
        for (const auto& nf : exp["never_fetched"]) {
          if (nf["site"] == site.slug &&
              ("/" + rel).rfind(nf["path_prefix"].get<std::string>(), 0) == 0) {
            disallowed = true;
          }
        }
        if (disallowed || e.path().extension() == ".pdf" || e.path().extension() == ".docx")
          continue;
        std::string body = testing::read_file(e.path());
        if (body.find(phrase) == std::string::npos) continue;
        // Found in an HTML page: only inside <del>.
        auto pos = body.find(phrase);
        auto del_open = body.rfind("<del>", pos);
        auto del_close = body.rfind("</del>", pos);
        EXPECT_TRUE(del_open != std::string::npos &&
                    (del_close == std::string::npos || del_close < del_open))
            << phrase << " readable in " << e.path();
      }
    }
  }
}

TEST(ExpectedSampleTest, NeverFetchedPathsExistAndAreDisallowed) {
  auto exp = expected();
  const auto root = sample::default_sample_dir() / "sites";
  for (const auto& nf : exp["never_fetched"]) {
    std::string robots = testing::read_file(root / nf["site"].get<std::string>() / "robots.txt");
    EXPECT_NE(robots.find("Disallow: " + nf["path_prefix"].get<std::string>()), std::string::npos)
        << nf["site"];
  }
  EXPECT_TRUE(fs::exists(root / "brantwick/staff/drafts/immigration-memo.html"));
}

TEST(ExpectedSampleTest, RedirectsMatchTheManifest) {
  auto exp = expected();
  auto sample = sample::load_sample(sample::default_sample_dir());
  ASSERT_OK(sample);
  ASSERT_EQ(exp["redirects"].size(), sample->redirects.size());
  for (size_t i = 0; i < sample->redirects.size(); ++i) {
    EXPECT_EQ(exp["redirects"][i]["from"], sample->redirects[i].from);
    EXPECT_EQ(exp["redirects"][i]["to"], sample->redirects[i].to);
    EXPECT_EQ(exp["redirects"][i]["status"], sample->redirects[i].status);
  }
}

}  // namespace
}  // namespace policyindex
