// The Xapian index: one Xapian document per section. This header is the index schema
// (term prefixes, value slots) shared with query/, plus the incremental writer.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace policyindex::index {

// Boolean term prefixes (facets). Values are lower-cased where noted.
inline constexpr std::string_view kPrefixId = "Q";          // unique section id term
inline constexpr std::string_view kPrefixTown = "XTOWN";     // folded town name
inline constexpr std::string_view kPrefixCounty = "XCOUNTY"; // lower-case county
inline constexpr std::string_view kPrefixType = "XTYPE";     // doc type
inline constexpr std::string_view kPrefixProvision = "XPROV";
inline constexpr std::string_view kPrefixProvisionStance = "XPS";  // "info_sharing:protective"
inline constexpr std::string_view kPrefixStance = "XSTANCE";
inline constexpr std::string_view kPrefixCite = "XCITE";
inline constexpr std::string_view kPrefixYear = "XYEAR";
inline constexpr std::string_view kPrefixDocument = "XDOC";  // document id

// The unique id term for a section key; keys that would exceed Xapian's term length
// limit are shortened with a hash suffix, as omindex does.
std::string id_term(std::string_view section_key);

}  // namespace policyindex::index
