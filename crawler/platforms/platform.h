// Platform adapters: one small unit per publishing platform towns really use (code hosts,
// agenda and records systems, document stores, police policy portals). An adapter
// recognises its platform from a link's URL (or a page's HTML) and turns it into the
// requests that return documents without a JavaScript engine: Municode through its public
// JSON API, eCode360's printable views, Laserfiche folder browse + ElectronicFile, agenda
// listings by date range, Drive's export links, ...
//
// A request carries two URLs: the one fetched (an API call, an export link) and the one a
// person opens (the platform's own page for the document), which is the document's URL in
// the store. Adapters are pure: they read responses and return requests; the crawl fetches,
// applies politeness, robots.txt, budgets and the store. Private to crawler/.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/internal.h"

namespace policyindex::crawler::platforms {

// What a request is for.
enum class Role {
  kListing,   // read by its adapter for more requests (a table of contents, a folder, an
              // agenda listing); recorded in the fetch log, not stored as a document
  kDocument,  // the document itself: stored under human_url
  kPage,      // an ordinary page on the platform: stored, its links followed by the crawl
};

// "listing", "document", "page": the stored name (frontier rows of a resumed crawl).
std::string_view to_string(Role r);
// The role a stored name stands for; an unknown name reads as kDocument.
Role role_from_string(std::string_view name);

// Guards the crawl applies to every adapter (a listing that never ends, an API that loops):
// at most this many requests per adapter per town in one run, and listings at most this
// many levels below the claimed link.
inline constexpr int kMaxRequestsPerAdapterPerTown = 200;
inline constexpr int kMaxListingDepth = 8;

struct Request {
  std::string fetch_url;  // exactly as it will be requested
  std::string human_url;  // the URL a person opens; the stored document's URL (empty: fetch_url)
  Role role = Role::kDocument;
  std::string doc_type;  // hint: ordinance, bylaw, police_policy, minutes, ... ("" = guess)
  std::string title;     // the platform's own title for the document, when a listing gives one
  std::string context;   // the adapter's own state, carried to read() (kept with the frontier row)
  std::vector<std::string> headers;  // extra request headers ("Accept: application/json")
  // A POST (`body` sent with the Content-Type given in `headers`) for a platform whose
  // listing is a query (Laserfiche WebLink 10/11's folder listing). Only read-only queries
  // are POSTs here, so the crawl retries them like GETs. A POST needs its own human_url:
  // that is its key in the frontier (many POSTs share one fetch_url). Empty: a GET.
  std::string method;
  std::string body;
  int relevance = 0;  // 0..3 like policy_score(): how strongly the title suggests a policy
};

// The response to one of an adapter's requests (body up to the crawl's parse cap).
struct Response {
  long status = 0;
  std::string_view content_type;
  std::string_view body;
  std::string_view effective_url;
};

// What an adapter made of a response.
struct Reading {
  std::vector<Request> requests;  // more to fetch (the crawl drops ones already seen)
  bool store = false;             // store this body as the document (role kDocument/kPage)
  // Non-empty when the response is not in the shape the adapter knows (an API that changed,
  // an error object, HTML where JSON was expected): recorded as a distinct, plainly worded
  // outcome naming the platform and the URL; nothing is stored from it.
  std::string problem;
  // When non-empty, stored instead of the response body, with this content type: an
  // adapter that turns an API's JSON into a readable page (Municode's node content).
  std::string body;
  std::string content_type;
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  // Short stable name: "ecode360", "municode", "amlegal", "civicplus", "granicus",
  // "legistar", "iqm2", "novusagenda", "civicclerk", "laserfiche", "gdrive", "powerdms",
  // "lexipol".
  virtual std::string_view name() const = 0;
  // A link found on a town's page (with its anchor text): the requests that get what it
  // points at, or nullopt when the link is not this platform's.
  virtual std::optional<std::vector<Request>> claim(const Url& link,
                                                    std::string_view anchor) const = 0;
  // A page fetched from an unknown host that is this platform's (a generator meta tag, a
  // script path): the requests to make instead of reading it as a plain page.
  virtual std::optional<std::vector<Request>> recognise(const Url& /*page*/,
                                                        std::string_view /*html*/) const {
    return std::nullopt;
  }
  // Reads the response to one of this adapter's requests.
  virtual Reading read(const Request& req, const Response& resp) const = 0;
};

// The adapters, in the order they are tried (immutable; no state).
const std::vector<const Adapter*>& adapters();
// The adapter named `name`, or nullptr.
const Adapter* find_adapter(std::string_view name);
// The first adapter that claims `link`, with its requests; nullopt when none does.
struct Claim {
  const Adapter* adapter = nullptr;
  std::vector<Request> requests;
};
std::optional<Claim> claim_link(const Url& link, std::string_view anchor);

}  // namespace policyindex::crawler::platforms
