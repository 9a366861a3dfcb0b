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

std::string robots_unreachable_reason(const HttpResponse& r) {
  // CURLE_WRITE_ERROR (23): the file passed the 500 KiB cap; what was read is used.
  if (r.curl_code != 0 && r.curl_code != 23) {
    return (r.timed_out ? "timeout: " : "network: ") + r.error;
  }
  if (r.status >= 500) return "HTTP " + std::to_string(r.status);
  return {};
}

Result<Url> redirect_target(const Item& it, const HttpResponse& r) {
  std::string target_text = !r.redirect_url.empty() ? r.redirect_url : r.location;
  if (target_text.empty()) {
    return make_error(ErrorCode::kHttp, "HTTP " + std::to_string(r.status) + " without Location");
  }
  Url from = *parse_url(it.fetch_url);
  auto target = parse_url(target_text, &from);
  if (!target) return make_error(ErrorCode::kHttp, "redirect refused: " + target.error().message);
  std::string t = target->str();
  if (it.redirects >= kMaxRedirects) {
    return make_error(ErrorCode::kHttp,
                      "too many redirects (more than " + std::to_string(kMaxRedirects) + ")");
  }
  if (t == it.url || t == it.fetch_url ||
      std::find(it.chain.begin(), it.chain.end(), t) != it.chain.end()) {
    return make_error(ErrorCode::kHttp, "redirect loop: " + it.fetch_url + " -> " + t);
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
