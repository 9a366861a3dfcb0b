// web_fixture: writes a fixture corpus (catalog rows) into a data directory, for the browser
// tests and the web benchmark; `policyindex index` then builds its Xapian index.
//   web_fixture small DIR                    the hand-written corpus plus a hostile document
//   web_fixture extra DIR                    adds one more document (index freshness test)
//   web_fixture random DIR DOCS SECTIONS     DOCS documents x SECTIONS sections over every
//                                            Massachusetts municipality (benchmarks)
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "corpus/corpus.h"
#include "tests/index/fixture.h"
#include "tests/web/hostile.h"

using namespace policyindex;

namespace {

int usage() {
  std::fprintf(stderr, "usage: web_fixture small DIR | web_fixture random DIR DOCS SECTIONS_PER_DOC\n");
  return 2;
}

void random_corpus(corpus::Store& store, int docs, int per_doc) {
  policyindex::testing::add_fictional_towns(store.catalog());
  auto towns = store.catalog().municipalities();
  if (!towns || towns->empty()) {
    std::fprintf(stderr, "web_fixture: no municipalities in the catalog\n");
    std::exit(1);
  }
  static const char* words[] = {
      "officer", "department", "immigration", "status", "detainer", "federal", "agency", "release",
      "information", "records", "custody", "warrant", "judicial", "resident", "council", "town",
      "police", "enforcement", "agreement", "report", "complaint", "funds", "facility", "personnel",
      "notice", "request", "policy", "public", "safety", "community", "trust", "citizenship",
      "national", "origin", "school", "visa", "certification", "license", "vehicle", "summons",
      "registry", "religion", "database", "section", "chapter", "hearing", "board", "annual"};
  const char* stances[] = {"protective", "permissive", "neutral"};
  const char* provisions[] = {"status_inquiry", "info_sharing", "detention_on_detainer", "detainer_notice",
                              "enforcement_operations", "local_resources", "287g", "facility_access",
                              "equal_treatment", "reporting", "complaints"};
  const char* cites[] = {"lunn", "8usc1373", "8usc1357g", "mgl-c66-s10", "8cfr287.7"};
  const char* types[] = {"ordinance", "bylaw", "police_policy", "resolution"};
  std::mt19937 rng(42);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int d = 0; d < docs; ++d) {
    std::vector<policyindex::testing::FixtureSection> secs;
    for (int s = 0; s < per_doc; ++s) {
      policyindex::testing::FixtureSection fs;
      fs.number = std::to_string(d % 90 + 1) + "-" + std::to_string(s + 1);
      fs.heading = std::string(words[pick(std::size(words))]) + " " + words[pick(std::size(words))];
      const size_t n = 30 + pick(90);
      for (size_t w = 0; w < n; ++w) fs.text += (w ? " " : "") + std::string(words[pick(std::size(words))]);
      fs.page = static_cast<int64_t>(1 + s / 3);
      for (size_t h = pick(3); h > 0; --h) {
        const std::string ev = fs.text.substr(0, 40);
        fs.hits.push_back({provisions[pick(std::size(provisions))], stances[pick(3)], ev, 0,
                           static_cast<int64_t>(ev.size()), "bench"});
      }
      if (pick(4) == 0) fs.cites.push_back(cites[pick(std::size(cites))]);
      secs.push_back(std::move(fs));
    }
    const auto& town = (*towns)[pick(towns->size())].second.name;
    policyindex::testing::add_document(store, town, "https://bench.example/" + std::to_string(d) + ".pdf", types[pick(4)],
                          "Policy " + std::to_string(d) + " of " + town, secs);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string mode = argv[1];
  auto store = corpus::Store::open(argv[2]);
  if (!store) {
    std::fprintf(stderr, "web_fixture: %s\n", store.error().message.c_str());
    return 1;
  }
  if (mode == "small") {
    policyindex::testing::build_small_corpus(*store);
    policyindex::testing::add_hostile_document(*store);
  } else if (mode == "extra") {
    // A later document, for testing that a running server sees a new index.
    const std::string text = "Officers shall not assist zanzibarian raids by federal agents.";
    policyindex::testing::add_document(
        *store, "Ashmere", "https://ashmere.example/late.pdf", "resolution", "Late Resolution",
        {{"1", "Raids", text, 1, {corpus::StoredHit{"enforcement_operations", "protective", text, 0,
                                                    static_cast<int64_t>(text.size()), "fixture"}}, {}}});
  } else if (mode == "random" && argc == 5) {
    random_corpus(*store, std::atoi(argv[3]), std::atoi(argv[4]));
  } else {
    return usage();
  }
  // The fixture code asserts with gtest; outside a test its failures land in the ad hoc result.
  return ::testing::UnitTest::GetInstance()->ad_hoc_test_result().Failed() ? 1 : 0;
}
