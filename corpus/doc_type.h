// Document types: what kind of policy document a catalog document is. The catalog stores
// them as text (documents.doc_type, sources.doc_type); this is the one place that turns
// them into an enum and back, so that nothing else compares doc-type strings.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace policyindex::corpus {

enum class DocType {
  kOrdinance,       // "ordinance"
  kBylaw,           // "bylaw"
  kPolicePolicy,    // "police_policy"
  kExecutiveOrder,  // "executive_order"
  kResolution,      // "resolution"
  kCharter,         // "charter"
  kPolicy,          // "policy"
  kDraft,           // "draft": a warrant article or redlined draft
  kMinutes,         // "minutes"
  kDocument,        // "document": a crawled file nothing else says more about
  kWebpage,         // "webpage": a crawled navigation page (kept for conditional re-crawls)
};

// Every type, in the order above.
std::span<const DocType> all_doc_types();

// The stored string ("police_policy").
std::string_view doc_type_name(DocType type);

// The type a stored string names; nothing for a string that is not one of them (a registry
// may carry its own types: those are kept as text and compare equal to no DocType).
std::optional<DocType> doc_type_from_name(std::string_view name);

// Like doc_type_from_name, for user input: an unknown name is a kInvalidArgument error
// naming it and listing the known types.
[[nodiscard]] Result<DocType> parse_doc_type(std::string_view name);

// True when the stored string NAME is TYPE.
inline bool is_doc_type(std::string_view name, DocType type) {
  return doc_type_from_name(name) == type;
}

}  // namespace policyindex::corpus
