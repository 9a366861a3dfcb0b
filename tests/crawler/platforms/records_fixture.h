// Helpers of the agenda/records adapter tests: recorded responses from records/, and
// shorthands for claiming a link and reading a response.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms::testing {

inline std::string recorded(const std::string& name) {
  std::string path = std::string(PI_SOURCE_DIR) + "/tests/crawler/platforms/records/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "fixture not found: " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline const Adapter& adapter(std::string_view name) {
  const Adapter* a = find_adapter(name);
  EXPECT_NE(a, nullptr) << "no adapter named " << name;
  if (a == nullptr) std::abort();
  return *a;
}

// The requests `name` makes for `url`, or nullopt when it does not claim it.
inline std::optional<std::vector<Request>> claim(std::string_view name, const std::string& url,
                                                 std::string_view anchor = "") {
  auto u = parse_url(url);
  EXPECT_TRUE(u) << url;
  if (!u) return std::nullopt;
  return adapter(name).claim(*u, anchor);
}

// The single request `name` makes for `url` (fails the test otherwise).
inline Request claim_one(std::string_view name, const std::string& url,
                         std::string_view anchor = "") {
  auto reqs = claim(name, url, anchor);
  EXPECT_TRUE(reqs.has_value()) << name << " does not claim " << url;
  if (!reqs || reqs->size() != 1) {
    ADD_FAILURE() << name << " made " << (reqs ? reqs->size() : 0) << " requests for " << url;
    return Request{};
  }
  return (*reqs)[0];
}

inline Reading read(std::string_view name, const Request& req, std::string_view body,
                    long status = 200, std::string_view content_type = "text/html; charset=utf-8") {
  Response resp;
  resp.status = status;
  resp.content_type = content_type;
  resp.body = body;
  resp.effective_url = req.fetch_url;
  return adapter(name).read(req, resp);
}

inline std::vector<std::string> fetch_urls(const std::vector<Request>& reqs) {
  std::vector<std::string> out;
  for (const auto& r : reqs) out.push_back(r.fetch_url);
  return out;
}

inline constexpr std::string_view kPdf =
    "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";

}  // namespace policyindex::crawler::platforms::testing
