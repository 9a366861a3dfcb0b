// IQM2 (Accela / Granicus "Meeting Portal"): {client}.iqm2.com/Citizens/. The calendar
// (Calendar.aspx, one row per meeting) is read once for its newest year, then once per recent
// year (Calendar.aspx?From=1/1/Y&To=12/31/Y); meetings (Detail_Meeting.aspx?ID=) and their
// files (FileOpen.aspx?Type=..&ID=) follow, best-first by the meeting's and file's words.
#include <optional>
#include <string>
#include <vector>

#include "crawler/platforms/platform.h"
#include "crawler/platforms/records_util.h"

namespace policyindex::crawler::platforms {

namespace {

using namespace records;

constexpr std::string_view kName = "iqm2";

class Iqm2 final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    if (!iends_with(link.host, ".iqm2.com")) return std::nullopt;
    std::string p = lower(link.path);
    std::string title(anchor);
    if (p == "/citizens/fileopen.aspx" && !query_param(link.query, "ID").empty()) {
      return std::vector<Request>{make_request(link.str(), Role::kDocument, title)};
    }
    if ((p == "/citizens/detail_meeting.aspx" || p == "/citizens/detail_legifile.aspx") &&
        !query_param(link.query, "ID").empty()) {
      return std::vector<Request>{
          make_request(link.str(), Role::kListing, title, {}, {}, "meeting")};
    }
    if (p == "/citizens/calendar.aspx" || p == "/citizens/" || p == "/citizens" || p == "/" ||
        p == "/citizens/default.aspx") {
      bool ranged = !query_param(link.query, "From").empty();
      std::string url = link.str();
      if (p != "/citizens/calendar.aspx") url = link.origin() + "/Citizens/Calendar.aspx";
      return std::vector<Request>{
          make_request(url, Role::kListing, title, {}, {}, ranged ? "range" : "home")};
    }
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
      r.problem = problem(kName, req.fetch_url, "the calendar is not an HTML page");
      return r;
    }
    std::string base = resp.effective_url.empty() ? req.fetch_url : std::string(resp.effective_url);
    auto base_url = parse_url(base);
    if (!base_url) {
      r.problem = problem(kName, req.fetch_url, "the listing's URL does not parse");
      return r;
    }
    int newest = 0;
    for (std::string_view row : html_rows(resp.body)) {
      std::string text = text_of(row, 200);
      newest = std::max(newest, newest_year_in(text));
      for (const Link& l : links_of(row, base)) {
        auto u = parse_url(l.url);
        if (!u || u->host != base_url->host) continue;
        auto claimed = claim(*u, l.anchor);
        if (!claimed) continue;
        for (Request& q : *claimed) {
          // Calendars lead to meetings and files, meetings to files; no calendar hops.
          if (q.role == Role::kListing && (req.context == "meeting" || q.context != "meeting"))
            continue;
          q.relevance = std::max(q.relevance, title_relevance(text));
          if (q.role == Role::kDocument) q.title = text + " - " + l.anchor;
          r.requests.push_back(std::move(q));
        }
      }
    }
    if (req.context == "home" && newest != 0) {
      for (int y : recent_years(newest)) {
        std::string ys = std::to_string(y);
        std::string url =
            base_url->origin() + "/Citizens/Calendar.aspx?From=1/1/" + ys + "&To=12/31/" + ys;
        r.requests.push_back(make_request(url, Role::kListing, "Calendar " + ys, {}, {}, "range"));
      }
    }
    best_first(r.requests);
    cap_plain(r.requests);
    return r;
  }
};

}  // namespace

const Adapter& iqm2_adapter() {
  static const Iqm2 adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
