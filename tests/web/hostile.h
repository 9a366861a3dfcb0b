// A document written to break a careless page: markup, script and attribute-breaking quotes
// in its title, headings and text. Every test of the web page loads it.
#pragma once

#include <string>

#include "corpus/corpus.h"
#include "tests/index/fixture.h"

namespace policyindex::testing {

inline const std::string kHostileTitle = "Hostile \"><script>alert('title')</script> Policy & 'Guide'";
inline const std::string kHostileHeading = "<img src=x onerror=\"alert('heading')\"> Inquiries";
inline const std::string kHostileText =
    "<script>alert(\"text\")</script> \"'><b onmouseover=alert(1)>x</b> Officers shall not ask about "
    "immigration status & will not <i>detain</i> anyone.";

// Adds the hostile document to Vinehaven-by-the-Lake; returns its id.
inline int64_t add_hostile_document(corpus::Store& store) {
  const std::string evidence = "Officers shall not ask about immigration status";
  const auto at = static_cast<int64_t>(kHostileText.find(evidence));
  return add_document(store, "Vinehaven-by-the-Lake", "https://vinehaven.example/hostile.html", "policy",
                      kHostileTitle,
                      {{"7", kHostileHeading, kHostileText, 1,
                        {corpus::StoredHit{"status_inquiry", "protective", evidence, at,
                                           at + static_cast<int64_t>(evidence.size()), "fixture"}},
                        {}}});
}

}  // namespace policyindex::testing
