// The advocate's report of one analyzed file (`analyze FILE`): a one-line summary, a legend
// in plain words, every verdict with its full quote, section, page and why, and for each
// question that is not green what to borrow from other towns of the corpus; optionally the
// comparison with a model document (query/model_compare.h). A typed result: render/ writes
// it as text, JSON and a printable HTML page (render/report.h).
//
// Thread-safety: every function is pure except Borrower, which reads the catalog (one per
// thread).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "provisions/provisions.h"
#include "query/labels.h"  // the plain labels the report uses

namespace policyindex::query {


// -- the report -----------------------------------------------------------------------------

struct ReportQuote {
  std::string section;  // section_label(...)
  std::optional<int> page;
  std::string stance;  // protective | permissive | neutral
  std::string text;    // the full sentence, never cut
  std::string why;     // the rule in words
};

struct BorrowItem {
  std::string town, county;
  std::string nearness;  // "same county" | "statewide" | "similar text"
  double similarity = 0;
  std::string town_verdict;  // that town's verdict on the question: green | mixed
  std::string document, doc_type, document_id, url;
  std::string section;
  std::optional<int> page;
  std::string text;
  bool shall = false;  // the sentence commands ("shall")
};

struct ReportQuestion {
  std::string key, provision, label;
  std::string verdict;        // green | red | mixed | absent
  std::string verdict_label;  // protective | permissive | mixed | not addressed
  std::string meaning;        // the legend's sentence for this verdict
  std::vector<ReportQuote> quotes;
  std::vector<BorrowItem> borrow;  // only for questions that are not green
};

struct ReportSection {
  std::string label;
  int level = 1;
  std::optional<int> page, page_end;
};

struct ModelChange;  // query/model_compare.h
struct ModelComparison;

struct Report {
  std::string file, type, title;
  int pages = 0;
  std::vector<int> ocr_pages;
  std::string summary;  // "4 of 7 questions protective, 1 permissive, 2 not addressed"
  int protective = 0, permissive = 0, mixed = 0, not_addressed = 0, questions = 0;
  std::vector<LegendEntry> legend;
  std::vector<ReportQuestion> items;  // the seven questions, then other provisions present
  std::vector<ReportSection> sections;
  std::vector<std::string> citations;  // plain labels
  // Where borrowing came from: "" when it ran; else why not ("No corpus was given ...").
  std::string borrow_note;
  std::shared_ptr<const ModelComparison> model;  // null without --model
  std::vector<std::string> warnings;
};

// What the report is built from (filled by the caller from pipeline::Analysis).
struct ReportSectionInput {
  std::string number, heading;
  int level = 1;
  int page = 0, page_end = 0;
  std::string text;
  const provisions::Tagged* tags = nullptr;
};
struct ReportInput {
  std::string file, type, title;
  int pages = 0;
  std::vector<int> ocr_pages;
  std::vector<ReportSectionInput> sections;
  const provisions::Scorecard* scorecard = nullptr;
  std::vector<std::string> warnings;
};

// The summary sentence for the counts.
std::string summary_line(int questions, int protective, int mixed, int permissive, int not_addressed);

// The report without borrowing (borrow_note says none was done until fill_borrow runs).
Report make_report(const ReportInput& input, const provisions::Taxonomy& taxonomy);

// -- what to borrow -------------------------------------------------------------------------

// Reads the corpus for language to borrow. Only in-force, operative sentences tagged
// protective on the question's provision are offered; never recitals, purpose or findings
// clauses, definitions, or documents of a descriptive genre.
class Borrower {
 public:
  // Opens DATA_DIR's catalog read-only in spirit (nothing is written). kNotFound when the
  // directory has no catalog.
  [[nodiscard]] static Result<Borrower> open(const std::filesystem::path& data_dir,
                                             std::shared_ptr<const provisions::Taxonomy> taxonomy);
  Borrower(Borrower&&) noexcept;
  Borrower& operator=(Borrower&&) noexcept;
  ~Borrower();

  // Fills REPORT's borrow lists for every question that is not green: green towns first,
  // then towns of TOWN's county (when TOWN names one; TOWN itself is left out), then by
  // similarity of their text to TEXT. At most PER_QUESTION sentences, two per town.
  [[nodiscard]] Status fill(Report& report, std::string_view town, std::string_view text,
                            size_t per_question = 5);

 private:
  struct Impl;
  explicit Borrower(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True when a sentence offered to borrow reads as descriptive text (WHEREAS, purpose,
// findings, intent, definitions) by its words or its section heading, or when the clause
// analyser tags the provision only as context. Exposed for tests.
bool is_recital(const provisions::Tagger& tagger, std::string_view provision, std::string_view heading,
                std::string_view sentence);

// The predicate for "in force" while document status (issue 20) is not in the catalog: an
// active document that is not a draft, minutes or a webpage and whose genre is not
// descriptive (news, guidance, minutes) nor a warrant article. Switch to the stored status
// when it lands.
bool counts_as_in_force(std::string_view doc_type, std::string_view status, std::string_view genre,
                        std::string_view doc_status = {});

}  // namespace policyindex::query
