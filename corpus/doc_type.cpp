#include "corpus/doc_type.h"

#include <array>
#include <utility>

namespace policyindex::corpus {
namespace {

constexpr std::array<std::pair<DocType, std::string_view>, 11> kNames = {{
    {DocType::kOrdinance, "ordinance"},
    {DocType::kBylaw, "bylaw"},
    {DocType::kPolicePolicy, "police_policy"},
    {DocType::kExecutiveOrder, "executive_order"},
    {DocType::kResolution, "resolution"},
    {DocType::kCharter, "charter"},
    {DocType::kPolicy, "policy"},
    {DocType::kDraft, "draft"},
    {DocType::kMinutes, "minutes"},
    {DocType::kDocument, "document"},
    {DocType::kWebpage, "webpage"},
}};

constexpr std::array<DocType, kNames.size()> kAll = [] {
  std::array<DocType, kNames.size()> all{};
  for (size_t i = 0; i < kNames.size(); ++i) all[i] = kNames[i].first;
  return all;
}();

}  // namespace

std::span<const DocType> all_doc_types() { return kAll; }

std::string_view doc_type_name(DocType type) {
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return "document";
}

std::optional<DocType> doc_type_from_name(std::string_view name) {
  for (const auto& [t, n] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

Result<DocType> parse_doc_type(std::string_view name) {
  if (auto t = doc_type_from_name(name)) return *t;
  std::string known;
  for (const auto& [t, n] : kNames) known += (known.empty() ? "" : ", ") + std::string(n);
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown document type '" + std::string(name) + "' (known types: " + known + ")");
}

}  // namespace policyindex::corpus
