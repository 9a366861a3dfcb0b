// Response policy: what an HTTP response (or a failed transfer) means for its URL — store
// it, a 304, gone, follow a redirect, retry after a backoff, or give up — and for its host
// (a failure that counts towards parking it). Pure functions of the response, testable
// without a network. Private to crawler/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "corpus/fetch_outcome.h"
#include "crawler/engine.h"
#include "crawler/internal.h"
#include "crawler/records.h"

namespace policyindex::crawler {

enum class Action {
  kStore,        // 2xx: the body is the document (or the sitemap)
  kNotModified,  // 304
  kGone,         // 404/410
  kRedirect,     // 3xx other than 304: follow it by hand
  kRetry,        // worth another attempt (5xx, 429, a timeout or reset) if any are left
  kFail,         // final failure
};

struct Verdict {
  Action action = Action::kFail;
  corpus::FetchOutcome outcome = corpus::FetchOutcome::kFailed;  // for the fetch log
  std::string reason;          // failures: why ("HTTP 503", "timeout: ...")
  bool host_failure = false;   // counts towards parking the host
  bool host_answered = false;  // an answer that resets the host's failure count
};

// A document's response. `body_too_large`: the body passed `max_bytes` while streaming.
Verdict judge_response(const HttpResponse& r, bool body_too_large, uint64_t max_bytes);

// -- blocks ------------------------------------------------------------------------------
// A response that means "the site keeps us out" rather than an answer about the URL: a
// login wall or a web-application firewall's challenge. Recorded with its own fetch outcome
// (corpus::is_block), never stored as a document, never retried.
struct Block {
  corpus::FetchOutcome kind = corpus::FetchOutcome::kChallenge;  // kLoginWall | kChallenge
  std::string reason;  // "challenge: Cloudflare (\"Just a moment...\")", "login wall: HTTP 401"
};

// How many bytes of a response body the block and type checks look at.
inline constexpr size_t kBlockSniffBytes = 64 * 1024;

// The firewall whose challenge or block page `body_head` (the first kBlockSniffBytes) is,
// with the words that told: Cloudflare, Incapsula (Imperva), Akamai, Sucuri, AWS WAF,
// DDoS-Guard. Strong signs (a challenge page's title or script) count at any status; weak
// ones (a vendor's script that normal pages carry too) only on an error status (>= 400) or a
// page too small to be content (`body_bytes` < 16 KB). Empty when it is not one.
std::string waf_challenge(std::string_view body_head, long status, uint64_t body_bytes);

// True for a sign-in URL: a path like /login, /signin, /Account/Login, /users/sign_in,
// /wp-login.php, /saml, /adfs/ls, /cas/login, or an identity provider's host
// (login.microsoftonline.com, accounts.google.com, *.okta.com, sso.*, login.*, ...).
bool is_login_url(std::string_view url);

// True for an HTML page that is a sign-in form: a password field, and a title or URL that
// says log in / sign in.
bool is_login_page(std::string_view body_head, std::string_view url);

// The block a response is, if any: 401/407 and a redirect to a sign-in URL (from a URL that
// is not one) are login walls; a challenge page at any status is a challenge; a 200 sign-in
// form is a login wall. `url` is the URL requested; `body_head` the body's first bytes.
std::optional<Block> classify_block(const HttpResponse& r, std::string_view body_head,
                                    std::string_view url);

// -- types by content (issue 18 item 4) ----------------------------------------------------
// The file name a Content-Disposition header gives (RFC 6266): filename*=UTF-8''... (percent-
// decoded; ISO-8859-1 converted to UTF-8) wins over filename="..." or filename=token; any
// path before the last / or \ is dropped. Empty when there is none.
std::string content_disposition_filename(std::string_view header);

// The content type to record for a body whose first bytes are `head`: what the bytes are
// (extract/sniff.h: PDF, DOCX, ODT, RTF, Word 97-2003, HTML) whatever the server said — a PDF
// served as application/octet-stream or text/html, or from an .aspx URL, is application/pdf.
// When the bytes say only "text" or nothing, the server's type, else (empty or
// application/octet-stream) the extension of `filename` (Content-Disposition) or of `url`.
std::string recorded_content_type(std::string_view head, std::string_view server_type,
                                  std::string_view filename, std::string_view url);

// What a robots.txt fetch (redirects followed by the engine, at most 5) means, per RFC 9309
// §2.3.1 through Robots::from_fetch: `robots` set when usable (2xx parsed, the body already
// cut at kRobotsMaxBytes; 4xx or more than five redirects: allow all), else `unreachable` says
// why (5xx, 429, a network error or timeout): complete disallow, the host is parked.
struct RobotsVerdict {
  std::optional<Robots> robots;
  std::string unreachable;
};
RobotsVerdict judge_robots(const HttpResponse& r, std::string_view body, std::string_view agent);

// The reason part of judge_robots: empty when the file is usable.
std::string robots_unreachable_reason(const HttpResponse& r);

// The target of a redirect response as it will be requested (parse_request_url of the
// Location, resolved against the URL fetched), checked: http(s), no loop (by canonical URL) back to a URL of the item's chain, at most kMaxRedirects
// hops. The error message is the reason the redirect is refused.
inline constexpr int kMaxRedirects = 10;
[[nodiscard]] Result<Url> redirect_target(const Item& it, const HttpResponse& r);

// The wait before retry number `attempt` (1 = the first retry): `base_ms` doubled per
// attempt plus `jitter_ms`; a Retry-After, when the response has one, replaces it (capped
// at `retry_after_cap_ms`).
int64_t retry_delay_ms(int attempt, int base_ms, int64_t jitter_ms, const std::string& retry_after,
                       int retry_after_cap_ms);

}  // namespace policyindex::crawler
