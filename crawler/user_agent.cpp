#include "crawler/crawler.h"

namespace policyindex::crawler {

std::string default_user_agent() {
  return "policyindex/0.1 (+https://github.com/policyindex/policyindex; municipal policy research)";
}

}  // namespace policyindex::crawler
