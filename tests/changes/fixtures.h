// Catalog fixtures for the change-report tests: a fictional town, documents, versions with
// sections and provision hits written straight into the catalog, and a test Scoring.
#pragma once

#include <string>
#include <vector>

#include "corpus/corpus.h"
#include "changes/changes.h"
#include <gmock/gmock.h>

#include "tests/testing/testing.h"

namespace policyindex::refresh_testing {

// The seven questions of TAXONOMY.md and their provisions, scored with
// provisions::verdict_from: a stand-in for the taxonomy-backed Scoring until provisions/
// lands (the real one is wired in app/cmd_refresh.cpp).
class QuestionScoring : public changes::Scoring {
 public:
  provisions::Scorecard score(const std::vector<provisions::ScoredHit>& hits) const override;
  std::string label(std::string_view provision) const override;
};

struct Sec {
  std::string number;
  std::string heading;
  std::string text;
  // "provision:stance:evidence"
  std::vector<std::string> hits = {};
};

// A store in a temporary directory with the fictional towns Fictionville (Middlesex) and
// Lakeshire (Hampden).
class Fixture {
 public:
  Fixture();
  corpus::Store& store() { return *store_; }
  corpus::Catalog& catalog() { return store_->catalog(); }
  int64_t town(const std::string& name);
  int64_t document(const std::string& url, const std::string& town, const std::string& title);
  // Adds a version with BYTES (fetched at AT) and, unless `extract` is false, its
  // extraction with SECTIONS. Returns the version id.
  int64_t version(int64_t document_id, const std::string& bytes, const std::vector<Sec>& sections,
                  const std::string& at = "", bool extract = true);
  void extract(int64_t version_id, const std::vector<Sec>& sections);
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  testing::TempDir dir_;
  std::optional<corpus::Store> store_;
};

std::vector<corpus::StoredSection> stored(const std::vector<Sec>& sections);

}  // namespace policyindex::refresh_testing
