// CivicPlus (CivicEngage) town sites, on any host: DocumentCenter documents and folder
// listings, ArchiveCenter items and Archive.aspx module listings, AgendaCenter agendas and
// minutes (the landing page, then one GET search per recent year:
// /AgendaCenter/Search/?term=&CIDs=all&startDate=01/01/Y&endDate=12/31/Y).
//
// No recognise(): a CivicPlus page is a town's own site, whose links the crawl must keep
// reading (a recognised page's links are not read); its module links are claimed by path.
#include <optional>
#include <string>
#include <vector>

#include "crawler/platforms/platform.h"
#include "crawler/platforms/records_util.h"

namespace policyindex::crawler::platforms {

namespace {

using namespace records;

constexpr std::string_view kName = "civicplus";

// Path segments after `prefix` (lower-cased path), or nullopt when the path does not start
// with it.
std::optional<std::string> after(const std::string& path, std::string_view prefix) {
  if (path.rfind(prefix, 0) != 0) return std::nullopt;
  return path.substr(prefix.size());
}

bool starts_with_digit(const std::string& s) { return !s.empty() && s[0] >= '0' && s[0] <= '9'; }

// The year of an AgendaCenter file name "_MMDDYYYY-ID", or 0.
int agenda_file_year(const std::string& lower_path) {
  size_t us = lower_path.rfind("/_");
  if (us == std::string::npos || lower_path.size() < us + 10) return 0;
  std::string digits = lower_path.substr(us + 2, 8);
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
  }
  return std::stoi(digits.substr(4, 4));
}

class CivicPlus final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    std::string p = lower(link.path);
    std::string url = link.str();
    auto doc = [&](std::string doc_type) {
      Request q = make_request(url, Role::kDocument, std::string(anchor), {}, std::move(doc_type));
      q.relevance = policy_score(link.path, anchor);
      return std::vector<Request>{q};
    };
    auto listing = [&](std::string ctx) {
      Request q = make_request(url, Role::kListing, std::string(anchor), {}, {}, std::move(ctx));
      q.relevance = policy_score(link.path, anchor);
      return std::vector<Request>{q};
    };
    if (auto rest = after(p, "/documentcenter/view/"); rest && starts_with_digit(*rest))
      return doc("");
    if (auto rest = after(p, "/documentcenter/index/"); rest && starts_with_digit(*rest))
      return listing("dc");
    if (p == "/documentcenter" || p == "/documentcenter/") return listing("dc");
    if (auto rest = after(p, "/archivecenter/viewfile/item/"); rest && starts_with_digit(*rest))
      return doc("");
    if (p == "/archive.aspx") {
      if (!query_param(link.query, "ADID").empty()) return doc("");
      return listing(query_param(link.query, "AMID").empty() ? "archive_root" : "archive");
    }
    if (p == "/agendacenter" || p == "/agendacenter/") return listing("agenda_home");
    if (p.rfind("/agendacenter/search", 0) == 0) return listing("agenda_search");
    if (after(p, "/agendacenter/viewfile/agenda/")) return doc("agenda");
    if (after(p, "/agendacenter/viewfile/minutes/")) return doc("minutes");
    return std::nullopt;
  }

  Reading read(const Request& req, const Response& resp) const override {
    if (req.role != Role::kListing) return read_document(kName, req, resp, false);
    Reading r;
    if (auto p = listing_status_problem(kName, req, resp); !p.empty()) {
      r.problem = p;
      return r;
    }
    if (!looks_like_html(resp.body)) {
      r.problem = problem(kName, req.fetch_url, "the listing is not an HTML page");
      return r;
    }
    if (looks_like_login(resp.body) &&
        resp.body.find("/DocumentCenter/View/") == std::string_view::npos) {
      r.problem =
          problem(kName, req.fetch_url, "a login page came back where a listing was expected");
      return r;
    }
    std::string base = resp.effective_url.empty() ? req.fetch_url : std::string(resp.effective_url);
    auto base_url = parse_url(base);
    if (!base_url) {
      r.problem = problem(kName, req.fetch_url, "the listing's URL does not parse");
      return r;
    }
    const std::string& ctx = req.context;
    int newest = 0;
    for (const Link& l : extract_links(resp.body, *base_url)) {
      auto u = parse_url(l.url);
      if (!u || u->host != base_url->host) continue;
      auto claimed = claim(*u, l.anchor);
      if (!claimed) continue;
      for (Request& q : *claimed) {
        if (q.role == Role::kDocument) {
          if (ctx == "agenda_home" || ctx == "agenda_search") {
            int y = agenda_file_year(lower(u->path));
            newest = std::max(newest, y);
          }
          r.requests.push_back(std::move(q));
        } else if ((ctx == "dc" && q.context == "dc") ||
                   (ctx == "archive_root" && q.context == "archive")) {
          r.requests.push_back(std::move(q));
        }
      }
    }
    if (ctx == "agenda_home" || ctx == "agenda_search") {
      best_first(r.requests);
      cap_plain(r.requests);
    }
    if (ctx == "agenda_home") {
      if (newest == 0) newest = newest_year_in(text_of(resp.body, 64 * 1024));
      if (newest != 0) {
        for (int y : recent_years(newest)) {
          std::string ys = std::to_string(y);
          std::string url = base_url->origin();
          url += "/AgendaCenter/Search/?term=&CIDs=all&startDate=01/01/";
          url += ys;
          url += "&endDate=12/31/";
          url += ys;
          url += "&dateRange=&dateSelector=";
          r.requests.push_back(
              make_request(url, Role::kListing, "Agendas " + ys, {}, {}, "agenda_search"));
        }
      }
    }
    best_first(r.requests);
    return r;
  }
};

}  // namespace

const Adapter& civicplus_adapter() {
  static const CivicPlus adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
