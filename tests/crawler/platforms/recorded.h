// Helpers for the adapters' tests: a response as recorded (status, type, body) and the one
// request an adapter makes of a link. The bodies are written for these tests in the
// platforms' real shapes; the towns and their texts are fictional.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms::testing {

inline Response answer(long status, std::string_view content_type, std::string_view body,
                       std::string_view url = {}) {
  Response r;
  r.status = status;
  r.content_type = content_type;
  r.body = body;
  r.effective_url = url;
  return r;
}

inline Response json_answer(std::string_view body, long status = 200) {
  return answer(status, "application/json; charset=utf-8", body);
}

inline Response html_answer(std::string_view body, std::string_view url = {}, long status = 200) {
  return answer(status, "text/html; charset=utf-8", body, url);
}

// The requests `adapter` makes of `link` (fails the test when it does not claim it).
inline std::vector<Request> claim_of(const Adapter& adapter, std::string_view link,
                                     std::string_view anchor = "") {
  auto u = parse_url(link);
  EXPECT_TRUE(u.has_value()) << link;
  if (!u) return {};
  auto reqs = adapter.claim(*u, anchor);
  EXPECT_TRUE(reqs.has_value()) << adapter.name() << " does not claim " << link;
  return reqs ? *reqs : std::vector<Request>{};
}

inline bool claims(const Adapter& adapter, std::string_view link) {
  auto u = parse_url(link);
  return u && adapter.claim(*u, "").has_value();
}

}  // namespace policyindex::crawler::platforms::testing
