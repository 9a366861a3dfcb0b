// The crawl summary as JSON (crawl --format json, crawl_runs.summary).

#include <nlohmann/json.hpp>

#include "crawler/crawler.h"

namespace policyindex::crawler {
namespace {

nlohmann::json outcome_json(const UrlOutcome& o) {
  nlohmann::json j = {{"url", o.url}, {"outcome", std::string(to_string(o.outcome))}};
  auto opt = [&](const char* k, const std::optional<int64_t>& v) {
    j[k] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  opt("document_id", o.document_id);
  opt("municipality_id", o.municipality_id);
  if (!o.doc_type.empty()) j["doc_type"] = o.doc_type;
  opt("old_version_id", o.old_version_id);
  opt("new_version_id", o.new_version_id);
  opt("http_status", o.http_status);
  if (!o.reason.empty()) j["reason"] = o.reason;
  j["bytes"] = o.bytes;
  return j;
}

}  // namespace

std::string_view to_string(UrlResult r) {
  switch (r) {
    case UrlResult::kNew: return "new";
    case UrlResult::kNewVersion: return "new_version";
    case UrlResult::kUnchanged: return "unchanged";
    case UrlResult::kGone: return "gone";
    case UrlResult::kFailed: return "failed";
    case UrlResult::kDisallowed: return "disallowed";
    case UrlResult::kBlocked: return "blocked";
  }
  return "failed";
}

std::string summary_json(const CrawlSummary& s, bool full) {
  nlohmann::json j;
  j["run_id"] = s.run_id;
  j["resumed"] = s.resumed;
  j["interrupted"] = s.interrupted;
  j["limit_reached"] = s.limit_reached;
  j["requests"] = s.requests;
  j["retries"] = s.retries;
  j["conditional_requests"] = s.conditional;
  j["not_due"] = s.not_due;
  j["bytes"] = s.bytes;
  j["elapsed_s"] = s.elapsed_s;
  j["counts"] = {{"new_documents", s.new_documents.size()},
                 {"new_versions", s.new_versions.size()},
                 {"unchanged", s.unchanged.size()},
                 {"gone", s.gone.size()},
                 {"failed", s.failed.size()},
                 {"disallowed", s.disallowed.size()},
                 {"blocked", s.blocked.size()},
                 {"parked_hosts", s.parked_hosts.size()}};
  auto list = [&](const char* key, const std::vector<UrlOutcome>& v) {
    auto arr = nlohmann::json::array();
    for (const auto& o : v) arr.push_back(outcome_json(o));
    j[key] = std::move(arr);
  };
  if (full) {
    list("new_documents", s.new_documents);
    list("new_versions", s.new_versions);
    list("unchanged", s.unchanged);
    list("gone", s.gone);
    list("failed", s.failed);
    list("disallowed", s.disallowed);
  } else {
    list("new_versions", s.new_versions);
    list("gone", s.gone);
    list("failed", s.failed);
  }
  list("blocked", s.blocked);
  auto checks = nlohmann::json::array();
  size_t not_verified = 0;
  for (const auto& c : s.site_checks) {
    if (c.verdict != corpus::SiteVerdict::kVerified) ++not_verified;
    checks.push_back({{"municipality_id", c.municipality_id},
                      {"town", c.town},
                      {"url", c.url},
                      {"final_url", c.final_url},
                      {"verdict", std::string(to_string(c.verdict))},
                      {"reason", c.reason}});
  }
  j["site_checks"] = std::move(checks);
  j["counts"]["sites_checked"] = s.site_checks.size();
  j["counts"]["sites_not_verified"] = not_verified;
  auto parked = nlohmann::json::array();
  for (const auto& h : s.parked_hosts) {
    parked.push_back({{"host", h.host}, {"reason", h.reason}, {"urls_skipped", h.urls_skipped}});
  }
  j["parked_hosts"] = std::move(parked);
  // Invalid UTF-8 in URLs or reasons must not make the dump throw.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace policyindex::crawler
