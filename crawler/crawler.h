// The crawler: one Boost.Asio event loop driving libcurl's multi interface; frontier,
// politeness, robots.txt, redirects, retries, conditional GET and link discovery. Writes
// into the store (corpus/); knows nothing of PDF or Xapian.
#pragma once

#include <string>

#include "common/result.h"

namespace policyindex::crawler {

// "policyindex/VERSION (+CONTACT_URL)": names the program and a contact.
std::string default_user_agent();

}  // namespace policyindex::crawler
