// Plain labels, in the words people use: citations ("8 U.S.C. § 1357(g)"), document types
// ("Police policy"), dates ("May 2, 2019"), sections ("Section 3. Detainers"), verdicts,
// stances and document standing, and the legend of the seven questions. One place for the
// CLI report (render/report_*.cpp) and the web page (serve/web_*.cpp).
//
// Thread-safety: every function is pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "provisions/provisions.h"

namespace policyindex::query {

// "8usc1357g" -> "8 U.S.C. § 1357(g)", "lunn" -> "Lunn v. Commonwealth, 477 Mass. 517 (2017)",
// "mgl-c66-s10" -> "G.L. c. 66, § 10"; an unknown id is returned as it is.
std::string citation_label(std::string_view id);
// "police_policy" -> "Police policy", "executive_order" -> "Executive order"; unknown types
// get their underscores turned into spaces and a capital.
std::string doc_type_label(std::string_view type);
// "2019-05-02" or "2019-05-02T10:11:12Z" -> "May 2, 2019"; anything else is returned as it is.
std::string date_label(std::string_view iso);
// A section as people name it: "Section 3. Detainers", "Detainers", "§ 50-103", or, with
// neither number nor heading, "Text on page 2" / "Opening text". Internal keys ("s3") never
// show; a heading that repeats the number is said once.
std::string section_label(std::string_view number, std::string_view heading, std::optional<int> page);
// "green" -> "protective", "red" -> "permissive", "mixed" -> "mixed", else "not addressed".
std::string verdict_label(std::string_view verdict);
// "protective" -> "Protective", "permissive" -> "Permissive", "neutral" -> "Neutral"; others
// get a capital.
std::string stance_label(std::string_view stance);
// A document's standing: "in_force" -> "In force", "proposed" -> "Proposed", "descriptive" ->
// "Describes a policy", "active" -> "Active"; others get their underscores turned into spaces.
std::string status_label(std::string_view status);

// What green, mixed, red and "not addressed" mean for one provision, in plain words.
struct LegendEntry {
  std::string key, provision, label;
  std::string green, mixed, red, absent;
};
LegendEntry legend_for(const provisions::ProvisionInfo& info);

}  // namespace policyindex::query
