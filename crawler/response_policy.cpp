#include "crawler/response_policy.h"

#include <algorithm>

namespace policyindex::crawler {

using corpus::FetchOutcome;

Verdict judge_response(const HttpResponse& r, bool body_too_large, uint64_t max_bytes) {
  Verdict v;
  if (body_too_large || r.too_large) {
    v.action = Action::kFail;
    v.outcome = FetchOutcome::kTooLarge;
    v.reason = "too_large: body exceeds --max-bytes " + std::to_string(max_bytes);
    return v;
  }
  if (r.curl_code != 0) {
    v.reason = (r.timed_out ? "timeout: " : "network: ") + r.error;
    v.host_failure = true;
    // Resets, partial bodies and timeouts are worth another try; the last one is logged
    // as a timeout when it timed out.
    v.action = r.transient ? Action::kRetry : Action::kFail;
    v.outcome = r.transient && r.timed_out ? FetchOutcome::kTimeout : FetchOutcome::kFailed;
    return v;
  }
  const long status = r.status;
  v.host_answered = status < 500 && status != 429;
  if (status >= 300 && status < 400 && status != 304) {
    v.action = Action::kRedirect;
    v.outcome = FetchOutcome::kRedirect;
    return v;
  }
  if (status == 429 || status >= 500) {
    v.action = Action::kRetry;
    v.outcome = FetchOutcome::kFailed;
    v.reason = "HTTP " + std::to_string(status);
    v.host_failure = status >= 500;  // a 429 is the host asking us to slow down, not failing
    return v;
  }
  if (status == 304) {
    v.action = Action::kNotModified;
    v.outcome = FetchOutcome::kNotModified;
    return v;
  }
  if (status >= 200 && status < 300) {
    v.action = Action::kStore;
    v.outcome = FetchOutcome::kFetched;
    return v;
  }
  v.action = status == 404 || status == 410 ? Action::kGone : Action::kFail;
  v.outcome = FetchOutcome::kHttpError;
  v.reason = "HTTP " + std::to_string(status);
  return v;
}

namespace {

constexpr int kCurlWriteError = 23;        // we stopped reading at kRobotsMaxBytes
constexpr int kCurlTooManyRedirects = 47;  // more than HttpRequest::max_redirects hops

}  // namespace

std::string robots_unreachable_reason(const HttpResponse& r) {
  if (r.curl_code != 0 && r.curl_code != kCurlWriteError && r.curl_code != kCurlTooManyRedirects) {
    return (r.timed_out ? "timeout: " : "network: ") + r.error;
  }
  if (r.curl_code == 0 && (r.status >= 500 || r.status == 429 || r.status < 200)) {
    return "HTTP " + std::to_string(r.status);
  }
  return {};
}

RobotsVerdict judge_robots(const HttpResponse& r, std::string_view body, std::string_view agent) {
  RobotsVerdict v;
  v.unreachable = robots_unreachable_reason(r);
  if (!v.unreachable.empty()) return v;
  // Beyond five redirects the file is "unavailable" (§2.3.1.2): like a 4xx, allow all.
  const long status = r.curl_code == kCurlTooManyRedirects ? 310 : r.status;
  v.robots = Robots::from_fetch(status, true, body.substr(0, kRobotsMaxBytes), agent);
  if (!v.robots) v.unreachable = "HTTP " + std::to_string(r.status);
  return v;
}

Result<Url> redirect_target(const Item& it, const HttpResponse& r) {
  std::string target_text = !r.redirect_url.empty() ? r.redirect_url : r.location;
  if (target_text.empty()) {
    return make_error(ErrorCode::kHttp, "HTTP " + std::to_string(r.status) + " without Location");
  }
  Url from = *parse_request_url(it.fetch_url);
  // Followed as the Location is written; compared for loops by canonical URL.
  auto target = parse_request_url(target_text, &from);
  if (!target) return make_error(ErrorCode::kHttp, "redirect refused: " + target.error().message);
  auto canonical = canonical_url(target->str());
  if (!canonical) return make_error(ErrorCode::kHttp, "redirect refused: " + canonical.error().message);
  const std::string& t = *canonical;
  if (it.redirects >= kMaxRedirects) {
    return make_error(ErrorCode::kHttp,
                      "too many redirects (more than " + std::to_string(kMaxRedirects) + ")");
  }
  auto same = [&](const std::string& u) {
    auto c = canonical_url(u);
    return u == target->str() || (c && *c == t);
  };
  if (t == it.url || same(it.fetch_url) || std::any_of(it.chain.begin(), it.chain.end(), same)) {
    return make_error(ErrorCode::kHttp, "redirect loop: " + it.fetch_url + " -> " + target->str());
  }
  return target;
}

int64_t retry_delay_ms(int attempt, int base_ms, int64_t jitter_ms, const std::string& retry_after,
                       int retry_after_cap_ms) {
  int64_t backoff = static_cast<int64_t>(base_ms) << std::min(attempt - 1, 10);
  backoff += jitter_ms;
  if (auto ra = parse_retry_after(retry_after)) {
    backoff = std::max<int64_t>(std::min<int64_t>(*ra, retry_after_cap_ms), 0);
  }
  return backoff;
}

}  // namespace policyindex::crawler
