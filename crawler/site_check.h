// Site verification (issue 18 item 6): is a registry website the municipality's own? Its
// home page (after redirects) must name the municipality and Massachusetts. Registry lists
// go stale (a domain lapses and is bought, a link points at a same-named town in another
// state), so the crawl checks before it crawls. Pure functions; private to crawler/.
#pragma once

#include <string>
#include <string_view>

#include "corpus/site_status.h"

namespace policyindex::crawler {

struct HomePageVerdict {
  corpus::SiteVerdict verdict = corpus::SiteVerdict::kMismatch;  // verified | mismatch
  std::string reason;  // mismatch: what was missing or wrong; verified: the evidence
};

// Reads the visible text and title of `html` (tags, scripts and styles dropped, entities
// decoded for the common ones) and decides:
// - the municipality is named: "Salem" as a word ("Town of Salem", "City of Salem",
//   "Salem, MA"); a name with "-by-the-" or spaces matches with any spacing/hyphens;
// - Massachusetts is named: "Massachusetts", "Commonwealth of Massachusetts", "Mass." or
//   "MA" as a state ("Salem, MA", "MA 01970"), or a Massachusetts ZIP code (010xx-027xx)
//   after the town's name;
// - no other state is named right after the town ("Salem, Oregon", "Salem, NH 03079") unless
//   Massachusetts is too.
HomePageVerdict verify_home_page(std::string_view html, std::string_view municipality);

// The visible text of an HTML page, lower case, whitespace collapsed (for the check above).
std::string visible_text(std::string_view html);

}  // namespace policyindex::crawler
