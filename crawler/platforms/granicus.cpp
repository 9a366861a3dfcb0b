// Granicus: *.granicus.com media archives (ViewPublisher.php?view_id=N lists meetings with
// AgendaViewer / MinutesViewer / MetaViewer links), and govAccess town sites'
// "showpublisheddocument" file links on any host.
#include <optional>
#include <string>
#include <vector>

#include "crawler/platforms/platform.h"
#include "crawler/platforms/records_util.h"

namespace policyindex::crawler::platforms {

namespace {

using namespace records;

constexpr std::string_view kName = "granicus";

bool granicus_host(std::string_view host) {
  return host == "granicus.com" || iends_with(host, ".granicus.com");
}

class Granicus final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    std::string p = lower(link.path);
    if (p.find("/showpublisheddocument/") != std::string::npos ||
        p.find("/home/showdocument") != std::string::npos) {
      Request q = make_request(link.str(), Role::kDocument, std::string(anchor));
      q.context = "file";
      return std::vector<Request>{q};
    }
    if (!granicus_host(link.host)) return std::nullopt;
    if (p == "/viewpublisher.php" && !query_param(link.query, "view_id").empty()) {
      return std::vector<Request>{
          make_request(link.str(), Role::kListing, std::string(anchor), {}, {}, "publisher")};
    }
    if (p == "/metaviewer.php" || p == "/documentviewer.php") {
      return std::vector<Request>{
          make_request(link.str(), Role::kDocument, std::string(anchor), {}, {}, "file")};
    }
    if (p == "/agendaviewer.php") {
      // Often a redirect to the agenda PDF, sometimes an HTML agenda: both are documents.
      return std::vector<Request>{
          make_request(link.str(), Role::kDocument, std::string(anchor), {}, "agenda", "page")};
    }
    if (p == "/minutesviewer.php") {
      return std::vector<Request>{
          make_request(link.str(), Role::kDocument, std::string(anchor), {}, "minutes", "page")};
    }
    return std::nullopt;
  }

  Reading read(const Request& req, const Response& resp) const override {
    if (req.role != Role::kListing) return read_document(kName, req, resp, req.context == "page");
    Reading r;
    if (auto p = listing_status_problem(kName, req, resp); !p.empty()) {
      r.problem = p;
      return r;
    }
    if (!looks_like_html(resp.body)) {
      r.problem = problem(kName, req.fetch_url, "the publisher page is not HTML");
      return r;
    }
    std::string base = resp.effective_url.empty() ? req.fetch_url : std::string(resp.effective_url);
    // One meeting per table row: its name and date, and its document links.
    struct Row {
      std::string text;
      int year;
      std::vector<Link> links;
    };
    std::vector<Row> rows;
    int newest = 0;
    for (std::string_view row : html_rows(resp.body)) {
      Row x{text_of(row, 200), 0, links_of(row, base)};
      if (x.links.empty()) continue;
      x.year = newest_year_in(x.text);
      newest = std::max(newest, x.year);
      rows.push_back(std::move(x));
    }
    for (const Row& row : rows) {
      if (row.year != 0 && row.year <= newest - kRecentYears) continue;  // older than the window
      for (const Link& l : row.links) {
        auto u = parse_url(l.url);
        if (!u) continue;
        auto claimed = claim(*u, l.anchor);
        if (!claimed) continue;
        for (Request& q : *claimed) {
          if (q.role != Role::kDocument) continue;  // no publisher-to-publisher hops
          q.title = row.text + " - " + l.anchor;
          q.relevance = title_relevance(row.text);
          r.requests.push_back(std::move(q));
        }
      }
    }
    best_first(r.requests);
    cap_plain(r.requests);
    return r;
  }
};

}  // namespace

const Adapter& granicus_adapter() {
  static const Granicus adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
