// NovusAgenda (Granicus): {host}/agendapublic/ on a town's or a *.novusagenda.com host. The
// public landing lists recent meetings (MeetingView.aspx?MeetingID=..., the agenda PDF
// DisplayAgendaPDF.ashx?MeetingID=...); a meeting's agenda links its items' cover sheets
// (CoverSheet.aspx?ItemID=...), whose attachments (AttachmentViewer.ashx?AttachmentID=...)
// are documents. Date-range search is an ASP.NET postback, so older meetings are reached
// only as far as the landing lists them.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "crawler/platforms/platform.h"
#include "crawler/platforms/records_util.h"

namespace policyindex::crawler::platforms {

namespace {

using namespace records;

constexpr std::string_view kName = "novusagenda";

// The year of a row: a four-digit year, else NovusAgenda's own MM/DD/YY dates; 0 when none.
int row_year(std::string_view text) {
  if (int y = newest_year_in(text); y != 0) return y;
  int best = 0;
  for (size_t i = 0; i + 8 <= text.size(); ++i) {
    std::string_view d = text.substr(i, 8);
    bool shape = d[2] == '/' && d[5] == '/';
    for (size_t k : {0, 1, 3, 4, 6, 7}) shape = shape && d[k] >= '0' && d[k] <= '9';
    bool bounded = (i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]))) &&
                   (i + 8 == text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 8])));
    if (shape && bounded) best = std::max(best, 2000 + (d[6] - '0') * 10 + (d[7] - '0'));
  }
  return best;
}

class NovusAgenda final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    std::string p = lower(link.path);
    if (p.rfind("/agendapublic", 0) != 0) return std::nullopt;
    std::string rest = p.substr(13);
    std::string title(anchor);
    if (rest.empty() || rest == "/" || rest == "/default.aspx" ||
        rest == "/meetingsresponsive.aspx" || rest == "/meetingsgeneral.aspx") {
      return std::vector<Request>{make_request(link.str(), Role::kListing, title, {}, {}, "home")};
    }
    if (rest == "/meetingview.aspx" && !query_param(link.query, "MeetingID").empty()) {
      return std::vector<Request>{
          make_request(link.str(), Role::kListing, title, {}, {}, "meeting")};
    }
    if (rest == "/displayagendapdf.ashx" && !query_param(link.query, "MeetingID").empty()) {
      return std::vector<Request>{make_request(link.str(), Role::kDocument, title, {}, "agenda")};
    }
    if (rest == "/coversheet.aspx" && !query_param(link.query, "ItemID").empty()) {
      // An HTML page describing one agenda item: stored, and its attachment links followed.
      return std::vector<Request>{make_request(link.str(), Role::kPage, title, {}, {}, "page")};
    }
    if (rest == "/attachmentviewer.ashx" && !query_param(link.query, "AttachmentID").empty()) {
      return std::vector<Request>{make_request(link.str(), Role::kDocument, title)};
    }
    return std::nullopt;
  }

  Reading read(const Request& req, const Response& resp) const override {
    if (req.role != Role::kListing) return read_document(kName, req, resp, req.role == Role::kPage);
    Reading r;
    if (auto p = listing_status_problem(kName, req, resp); !p.empty()) {
      r.problem = p;
      return r;
    }
    if (!looks_like_html(resp.body)) {
      r.problem = problem(kName, req.fetch_url, "the meeting listing is not an HTML page");
      return r;
    }
    std::string base = resp.effective_url.empty() ? req.fetch_url : std::string(resp.effective_url);
    auto base_url = parse_url(base);
    if (!base_url) {
      r.problem = problem(kName, req.fetch_url, "the listing's URL does not parse");
      return r;
    }
    struct Row {
      std::string text;
      int year;
      std::string_view html;
    };
    std::vector<Row> rows;
    int newest = 0;
    for (std::string_view row : html_rows(resp.body)) {
      Row x{text_of(row, 200), 0, row};
      x.year = row_year(x.text);
      newest = std::max(newest, x.year);
      rows.push_back(x);
    }
    for (const Row& row : rows) {
      if (req.context == "home" && row.year != 0 && row.year <= newest - kRecentYears) continue;
      for (const Link& l : links_of(row.html, base)) {
        auto u = parse_url(l.url);
        if (!u || u->host != base_url->host) continue;
        auto claimed = claim(*u, l.anchor);
        if (!claimed) continue;
        for (Request& q : *claimed) {
          if (q.role == Role::kListing && (req.context != "home" || q.context != "meeting"))
            continue;
          q.relevance = std::max(q.relevance, title_relevance(row.text));
          if (q.role != Role::kListing) q.title = row.text;
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

const Adapter& novusagenda_adapter() {
  static const NovusAgenda adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
