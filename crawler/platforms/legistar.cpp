// Legistar (Granicus): {client}.legistar.com pages and the public Web API at
// webapi.legistar.com/v1/{client}. The API is read with OData date ranges per recent year:
// matters whose title or type carries policy words lead to their attachments (stored under
// the LegislationDetail page when a matter has one attachment, else under the attachment's
// own View.ashx link); events give their agenda and minutes files.
//
// The newest year comes from the API itself (a one-row probe ordered by MatterIntroDate),
// so no clock is read. Field names: MatterId, MatterGuid, MatterFile, MatterName,
// MatterTitle, MatterTypeName, MatterIntroDate; MatterAttachmentName,
// MatterAttachmentHyperlink; EventId, EventBodyName, EventDate, EventAgendaFile,
// EventMinutesFile.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crawler/platforms/platform.h"
#include "crawler/platforms/records_util.h"

namespace policyindex::crawler::platforms {

namespace {

using namespace records;
using nlohmann::json;

constexpr std::string_view kName = "legistar";
// The API answers at most this many rows per request; a full page asks for the next.
constexpr size_t kApiPage = 1000;
// Meeting files taken from one year's events whose body has no policy words.
constexpr size_t kMaxEventFilesPerYear = 12;

// One Legistar client: its API root and its public site. Both take the scheme and port of
// the link they came from (https and the default port on the real web; a loopback test
// serves them elsewhere).
struct Client {
  std::string name;  // "quillbrook"
  std::string api;   // "https://webapi.legistar.com/v1/quillbrook"
  std::string site;  // "https://quillbrook.legistar.com"
  nlohmann::json to_json() const { return {{"client", name}, {"api", api}, {"site", site}}; }
};

Client client_of(const Url& link, std::string name) {
  std::string port = link.port ? ":" + std::to_string(link.port) : std::string();
  Client c;
  c.api = link.scheme + "://webapi.legistar.com" + port + "/v1/" + name;
  c.site = link.scheme + "://" + name + ".legistar.com" + port;
  c.name = std::move(name);
  return c;
}

Client client_from(const nlohmann::json& ctx) {
  return Client{ctx.value("client", std::string()), ctx.value("api", std::string()),
                ctx.value("site", std::string())};
}

std::string str_field(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<long long> int_field(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<long long>();
}

Request api_request(std::string url, std::string title, json ctx) {
  Request q = make_request(std::move(url), Role::kListing, std::move(title), {}, {}, ctx.dump());
  q.headers.push_back("Accept: application/json");
  return q;
}

Request probe(const Client& client) {
  json ctx = client.to_json();
  ctx["kind"] = "probe";
  return api_request(client.api + "/matters?$top=1&$orderby=MatterIntroDate%20desc",
                     "Legistar " + client.name, ctx);
}

std::string range_filter(std::string_view field, int year, int skip) {
  std::string f(field);
  f += " ge datetime'" + std::to_string(year) + "-01-01' and ";
  f += field;
  f += " lt datetime'" + std::to_string(year + 1) + "-01-01'";
  std::string q = "?$filter=" + encode_query_value(f);
  if (skip > 0) q += "&$skip=" + std::to_string(skip);
  return q;
}

Request range_request(const Client& client, std::string_view kind, int year, int page) {
  bool matters = kind == "matters";
  std::string url = client.api + (matters ? "/matters" : "/events");
  url += range_filter(matters ? "MatterIntroDate" : "EventDate", year,
                      page * static_cast<int>(kApiPage));
  json ctx = client.to_json();
  ctx["kind"] = kind;
  ctx["year"] = year;
  ctx["page"] = page;
  return api_request(url, std::string(kind) + " " + std::to_string(year), ctx);
}

Request attachments_request(const Client& client, long long matter_id, std::string human,
                            std::string title, int relevance) {
  json ctx = client.to_json();
  ctx["kind"] = "attachments";
  ctx["human"] = human;
  ctx["title"] = title;
  Request q = api_request(client.api + "/matters/" + std::to_string(matter_id) + "/attachments",
                          title, ctx);
  q.relevance = relevance;
  return q;
}

class Legistar final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    std::string p = lower(link.path);
    if (link.host == "webapi.legistar.com") {
      // /v1/{client}/...
      if (p.rfind("/v1/", 0) != 0) return std::nullopt;
      std::string rest = p.substr(4);
      std::string name = rest.substr(0, rest.find('/'));
      if (name.empty()) return std::nullopt;
      std::string tail = rest.substr(name.size());
      Client client = client_of(link, name);
      if (tail.rfind("/matters/", 0) == 0 && tail.size() > 9 && iends_with(tail, "/attachments")) {
        std::string id = tail.substr(9, tail.size() - 9 - 12);
        if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
          return std::nullopt;
        return std::vector<Request>{
            attachments_request(client, std::stoll(id), {}, std::string(anchor), 1)};
      }
      return std::vector<Request>{probe(client)};
    }
    if (!iends_with(link.host, ".legistar.com")) return std::nullopt;
    std::string name = first_label(link.host);
    if (name == "www" || name == "webapi") return std::nullopt;
    Client client = client_of(link, name);
    if (p == "/view.ashx") {
      return std::vector<Request>{make_request(link.str(), Role::kDocument, std::string(anchor))};
    }
    if (p == "/legislationdetail.aspx") {
      std::string id = query_param(link.query, "ID");
      if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      return std::vector<Request>{attachments_request(client, std::stoll(id), link.str(),
                                                      std::string(anchor),
                                                      std::max(1, title_relevance(anchor)))};
    }
    // Calendar.aspx, Legislation.aspx, the home page: the whole client through the API.
    return std::vector<Request>{probe(client)};
  }

  Reading read(const Request& req, const Response& resp) const override {
    if (req.role != Role::kListing) return read_document(kName, req, resp, false);
    Reading r;
    auto fail = [&](std::string_view msg) {
      r.requests.clear();
      r.problem = problem(kName, req.fetch_url, msg);
      return r;
    };
    json ctx = json::parse(req.context, nullptr, false);
    if (!ctx.is_object() || !ctx.contains("kind"))
      return fail("the request's context is not the adapter's");
    std::string kind = ctx.value("kind", "");
    Client client = client_from(ctx);
    json body = json::parse(resp.body, nullptr, false);
    if (body.is_discarded()) {
      if (looks_like_html(resp.body)) return fail("the API answered with an HTML page, not JSON");
      return fail("the API answer is not JSON");
    }
    if (body.is_object()) {
      std::string msg =
          body.value("Message", body.value("message", std::string("an object instead of a list")));
      return fail("the API answered with an error: " + msg);
    }
    if (auto p = listing_status_problem(kName, req, resp); !p.empty()) return fail(p);
    if (!body.is_array()) return fail("the API answer is not a list");

    if (kind == "probe") {
      if (body.empty()) return r;  // a client with no matters
      if (!body[0].is_object() || !body[0].contains("MatterIntroDate")) {
        return fail("the matters list has no MatterIntroDate field (the API's shape changed)");
      }
      int newest = newest_year_in(str_field(body[0], "MatterIntroDate"));
      if (newest == 0) return fail("the newest matter has no introduction date");
      // Matters first: their attachments are what a policy search wants most.
      for (int y : recent_years(newest))
        r.requests.push_back(range_request(client, "matters", y, 0));
      for (int y : recent_years(newest))
        r.requests.push_back(range_request(client, "events", y, 0));
      return r;
    }
    if (kind == "matters") {
      for (const json& m : body) {
        if (!m.is_object()) continue;
        auto id = int_field(m, "MatterId");
        if (!id) return fail("a matter has no MatterId field (the API's shape changed)");
        std::string title = str_field(m, "MatterTitle");
        if (title.empty()) title = str_field(m, "MatterName");
        int rel = policy_score("", title + " " + str_field(m, "MatterTypeName"));
        if (rel == 0) continue;
        std::string guid = str_field(m, "MatterGuid");
        std::string human;
        if (!guid.empty()) {
          human =
              client.site + "/LegislationDetail.aspx?ID=" + std::to_string(*id) + "&GUID=" + guid;
        }
        std::string file = str_field(m, "MatterFile");
        r.requests.push_back(attachments_request(client, *id, human,
                                                 file.empty() ? title : file + " " + title, rel));
      }
      int page = ctx.value("page", 0);
      if (body.size() >= kApiPage && page + 1 < kMaxPages) {
        r.requests.push_back(range_request(client, "matters", ctx.value("year", 0), page + 1));
      }
      best_first(r.requests);
      return r;
    }
    if (kind == "events") {
      // One file per meeting (its minutes, else its agenda), the latest first, at most
      // kMaxEventFilesPerYear unless the body's name has policy words: a town's Legistar
      // budget goes to the matters first.
      struct Candidate {
        std::string date;
        Request req;
      };
      std::vector<Candidate> files;
      for (const json& e : body) {
        if (!e.is_object()) continue;
        if (!e.contains("EventId"))
          return fail("an event has no EventId field (the API's shape changed)");
        std::string date = str_field(e, "EventDate").substr(0, 10);
        std::string what = str_field(e, "EventBodyName") + " " + date;
        for (auto [field, type] :
             {std::pair{"EventMinutesFile", "minutes"}, {"EventAgendaFile", "agenda"}}) {
          std::string f = str_field(e, field);
          if (f.empty()) continue;
          files.push_back({date, make_request(f, Role::kDocument, what + " " + type, {}, type)});
          break;
        }
      }
      std::stable_sort(files.begin(), files.end(),
                       [](const Candidate& a, const Candidate& b) { return a.date > b.date; });
      size_t plain = 0;
      for (auto& c : files) {
        if (c.req.relevance == 0 && ++plain > kMaxEventFilesPerYear) continue;
        r.requests.push_back(std::move(c.req));
      }
      best_first(r.requests);
      return r;
    }
    if (kind == "attachments") {
      std::string human = ctx.value("human", "");
      std::string title = ctx.value("title", "");
      std::vector<Request> docs;
      for (const json& a : body) {
        if (!a.is_object()) continue;
        if (!a.contains("MatterAttachmentHyperlink")) {
          return fail(
              "an attachment has no MatterAttachmentHyperlink field (the API's shape changed)");
        }
        std::string link = str_field(a, "MatterAttachmentHyperlink");
        if (link.empty()) continue;
        std::string name = str_field(a, "MatterAttachmentName");
        Request q =
            make_request(link, Role::kDocument, title.empty() ? name : title + " - " + name);
        q.relevance = std::max(req.relevance, q.relevance);
        docs.push_back(std::move(q));
      }
      if (docs.size() == 1 && !human.empty()) docs[0].human_url = human;
      r.requests = std::move(docs);
      best_first(r.requests);
      return r;
    }
    return fail("the request's context names no known listing");
  }
};

}  // namespace

const Adapter& legistar_adapter() {
  static const Legistar adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
