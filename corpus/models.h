// Model documents and the reads of the advocate's report: which corpus documents are marked
// as models (the model welcoming ordinance or trust policy advocates circulate), their
// current sections, and the protective sentences other towns' documents offer to borrow.
// The SQL lives in models.cpp; callers see typed rows only.
//
// Thread-safety: a ReportReader uses its Catalog from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "corpus/corpus.h"

namespace policyindex::corpus {

// A document marked as a model.
struct ModelRow {
  std::string name;
  int64_t document_id = 0;
  std::string title, url, doc_type;
  std::string town;  // "" when the document belongs to no municipality
  std::string added_at;
};

// A current section of a document.
struct SectionRow {
  std::string number, heading;
  int level = 1;
  std::optional<int64_t> page;
  std::string text;
};

// A hit that can be offered to borrow, with what the report needs to show and rank it.
struct BorrowRow {
  int64_t document_id = 0;
  int64_t municipality_id = 0;
  std::string town, county;
  std::string title, url, doc_type, status, genre;
  std::string doc_status;  // in_force, proposed, ... ("" before documents had a status)
  std::string provision, stance, evidence;
  std::string number, heading;  // of the section
  std::optional<int64_t> page;
};

class ReportReader {
 public:
  explicit ReportReader(Catalog& catalog) : catalog_(catalog) {}

  // Marks DOCUMENT_ID as the model NAME (a new name, or an existing one moved to this
  // document). kNotFound when the document does not exist; kInvalidArgument for an empty name.
  [[nodiscard]] Status add_model(std::string_view name, int64_t document_id);
  // Unmarks NAME; kNotFound when no model has that name.
  [[nodiscard]] Status remove_model(std::string_view name);
  // Every model, by name.
  [[nodiscard]] Result<std::vector<ModelRow>> models();
  // The model NAME (case-insensitive), or nothing.
  [[nodiscard]] Result<std::optional<ModelRow>> model(std::string_view name);
  // The id of the document at URL, or nothing.
  [[nodiscard]] Result<std::optional<int64_t>> document_by_url(std::string_view url);
  // The current sections of DOCUMENT_ID, in order (empty when not extracted).
  [[nodiscard]] Result<std::vector<SectionRow>> current_sections(int64_t document_id);
  // Hits of PROVISION with STANCE in the current sections of active documents that belong
  // to a municipality, with town, county, title, type and genre.
  [[nodiscard]] Result<std::vector<BorrowRow>> borrow_rows(std::string_view provision, std::string_view stance);
  // Calls FN(municipality id, county, section text) for every current section of every
  // active municipal document.
  [[nodiscard]] Status for_each_town_text(
      const std::function<void(int64_t, std::string_view, std::string_view)>& fn);

 private:
  Catalog& catalog_;
};

}  // namespace policyindex::corpus
