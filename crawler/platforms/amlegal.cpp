// American Legal Publishing's code library (codelibrary.amlegal.com): server-rendered
// pages under codelibrary.amlegal.com/codes/{client}/latest/... — an overview, a code's
// table of contents and its chapters and sections, each linking to the ones below it. A
// town's link is read as a listing; entries whose titles are on topic are stored as
// documents (under their own URL), entries where such rules sit are opened.

#include <algorithm>

#include "crawler/internal.h"
#include "crawler/platforms/common.h"
#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms {
namespace {

constexpr std::string_view kHost = "codelibrary.amlegal.com";

// The client of a /codes/{client}/... path ("" when the path is not one).
std::string client_of(std::string_view path) {
  constexpr std::string_view kPrefix = "/codes/";
  if (path.rfind(kPrefix, 0) != 0) return {};
  path.remove_prefix(kPrefix.size());
  std::string_view client = path.substr(0, path.find('/'));
  return lower_ascii(client);
}

Request entry(std::string url, Role role, std::string_view client, std::string title, int relevance) {
  Request r;
  r.fetch_url = std::move(url);
  r.role = role;
  r.context = make_context({{"client", client}});
  r.title = std::move(title);
  r.relevance = relevance;
  if (role == Role::kDocument) {
    r.human_url = r.fetch_url;
    r.doc_type = "ordinance";
  }
  return r;
}

class AmLegal final : public Adapter {
 public:
  std::string_view name() const override { return "amlegal"; }

  std::optional<std::vector<Request>> claim(const Url& link, std::string_view anchor) const override {
    if (link.host != kHost) return std::nullopt;
    std::string client = client_of(link.path);
    if (client.empty()) return std::nullopt;
    const int rel = title_relevance(anchor);
    // A section linked by its own on-topic title is the document itself.
    const bool section = link.path.find("/latest/") != std::string::npos &&
                         link.path.find("/overview") == std::string::npos && rel >= 3;
    Request r = entry(link.str(), section ? Role::kDocument : Role::kListing, client,
                      std::string(anchor), std::max(rel, 1));
    r.context = with_context(r.context, "top", "1");  // the page a town links to
    return std::vector<Request>{std::move(r)};
  }

  Reading read(const Request& req, const Response& resp) const override {
    Reading out;
    if (!ok_status(resp.status)) {
      out.problem = "HTTP " + std::to_string(resp.status);
      return out;
    }
    if (!looks_like_html(resp.content_type, resp.body)) {
      out.problem = "a page that is not HTML (content type '" + std::string(resp.content_type) + "')";
      return out;
    }
    if (looks_like_challenge(resp.body)) {
      out.problem = "a web-application-firewall challenge page instead of the code";
      return out;
    }
    if (req.role == Role::kDocument) {
      out.store = true;
      return out;
    }
    auto base = parse_url(req.fetch_url);
    std::string client = context_value(req.context, "client");
    if (!base || client.empty()) {
      out.problem = "a listing request without its client";
      return out;
    }
    size_t entries = 0;
    for (const auto& l : extract_links(resp.body, *base)) {
      auto u = parse_url(l.url);
      if (!u || u->host != kHost || client_of(u->path) != client) continue;
      if (u->path.find("/latest/") == std::string::npos) continue;  // older editions, search
      if (l.url == req.fetch_url) continue;
      ++entries;
      const int rel = title_relevance(l.anchor);
      if (rel >= 3) {
        out.requests.push_back(entry(l.url, Role::kDocument, client, l.anchor, rel));
      } else if (rel >= 1) {
        out.requests.push_back(entry(l.url, Role::kListing, client, l.anchor, rel));
      }
    }
    if (entries == 0 && context_value(req.context, "top") == "1") {
      out.problem = "a code page with no links to its chapters (the page layout changed, or "
                    "the contents are loaded by JavaScript)";
      return out;
    }
    std::stable_sort(out.requests.begin(), out.requests.end(),
                     [](const Request& a, const Request& b) { return a.relevance > b.relevance; });
    return out;
  }
};

}  // namespace

const Adapter& amlegal_adapter() {
  static const AmLegal a;
  return a;
}

}  // namespace policyindex::crawler::platforms
