// CivicClerk: the portal {client}.portal.civicclerk.com is a JavaScript application; its
// public OData API {client}.api.civicclerk.com/v1 is read instead. Events per recent year
// (Events?$filter=startDateTime ge Y-01-01 and startDateTime lt Y+1-01-01, latest first), following
// @odata.nextLink up to a cap; each event's publishedFiles [{fileId, name, type}] are fetched
// through Meetings/GetMeetingFileStream(fileId=N,plainText=false) and stored under the
// portal's page for the file (/event/{id}/files/{agenda|minutes|attachment}/{fileId}).
// The newest year comes from a one-event probe ordered by startDateTime.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crawler/platforms/platform.h"
#include "crawler/platforms/records_util.h"

namespace policyindex::crawler::platforms {

namespace {

using namespace records;
using nlohmann::json;

constexpr std::string_view kName = "civicclerk";

// One CivicClerk client: its API root and portal, with the scheme and port of the link they
// came from (https and the default port on the real web; a loopback test serves them
// elsewhere).
struct Client {
  std::string name;
  std::string api;     // "https://fenwickharbor.api.civicclerk.com/v1"
  std::string portal;  // "https://fenwickharbor.portal.civicclerk.com"
  json to_json() const { return {{"client", name}, {"api", api}, {"portal", portal}}; }
};

Client client_of(const Url& link) {
  std::string name = first_label(link.host);
  std::string port = link.port ? ":" + std::to_string(link.port) : std::string();
  return Client{name, link.scheme + "://" + name + ".api.civicclerk.com" + port + "/v1",
                link.scheme + "://" + name + ".portal.civicclerk.com" + port};
}

Client client_from(const json& ctx) {
  return Client{ctx.value("client", std::string()), ctx.value("api", std::string()),
                ctx.value("portal", std::string())};
}

json with(const Client& c, std::initializer_list<std::pair<const char*, json>> more) {
  json j = c.to_json();
  for (const auto& [k, v] : more) j[k] = v;
  return j;
}

Request api_request(std::string url, std::string title, json ctx) {
  Request q = make_request(std::move(url), Role::kListing, std::move(title), {}, {}, ctx.dump());
  q.headers.push_back("Accept: application/json");
  return q;
}

Request probe(const Client& client) {
  return api_request(client.api + "/Events?$orderby=startDateTime%20desc&$top=1",
                     "CivicClerk " + client.name, with(client, {{"kind", "probe"}}));
}

Request year_request(const Client& client, int year) {
  std::string f = "startDateTime ge " + std::to_string(year) +
                  "-01-01T00:00:00Z and startDateTime lt " + std::to_string(year + 1) +
                  "-01-01T00:00:00Z";
  std::string url =
      client.api + "/Events?$filter=" + encode_query_value(f) + "&$orderby=startDateTime%20desc";
  return api_request(url, "Events " + std::to_string(year),
                     with(client, {{"kind", "events"}, {"page", 0}}));
}

std::string file_kind(std::string type) {
  type = lower(type);
  if (type.find("minutes") != std::string::npos) return "minutes";
  if (type.find("agenda") != std::string::npos) return "agenda";
  return "attachment";
}

class CivicClerk final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    std::string host = lower(link.host);
    std::string p = lower(link.path);
    if (iends_with(host, ".api.civicclerk.com")) {
      Client client = client_of(link);
      if (p.find("getmeetingfilestream") != std::string::npos) {
        return std::vector<Request>{make_request(link.str(), Role::kDocument, std::string(anchor))};
      }
      return std::vector<Request>{probe(client)};
    }
    if (iends_with(host, ".portal.civicclerk.com"))
      return std::vector<Request>{probe(client_of(link))};
    return std::nullopt;
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
    if (!ctx.is_object()) return fail("the request's context is not the adapter's");
    std::string kind = ctx.value("kind", "");
    Client client = client_from(ctx);
    json body = json::parse(resp.body, nullptr, false);
    if (body.is_discarded()) {
      return fail(looks_like_html(resp.body) ? "the API answered with an HTML page, not JSON"
                                             : "the API answer is not JSON");
    }
    if (body.is_object() && body.contains("error")) {
      const json& e = body["error"];
      std::string msg = e.is_object() ? e.value("message", std::string("no message")) : e.dump();
      return fail("the API answered with an error: " + msg);
    }
    if (auto p = listing_status_problem(kName, req, resp); !p.empty()) return fail(p);
    if (!body.is_object() || !body.contains("value") || !body["value"].is_array()) {
      return fail("the API answer has no \"value\" list (the API's shape changed)");
    }
    const json& events = body["value"];
    if (kind == "probe") {
      if (events.empty()) return r;
      int newest = events[0].is_object()
                       ? newest_year_in(events[0].value("startDateTime", std::string()))
                       : 0;
      if (newest == 0)
        return fail("the newest event has no startDateTime field (the API's shape changed)");
      for (int y : recent_years(newest)) r.requests.push_back(year_request(client, y));
      return r;
    }
    if (kind != "events") return fail("the request's context names no known listing");
    for (const json& e : events) {
      if (!e.is_object()) continue;
      if (!e.contains("id") || !e["id"].is_number_integer()) {
        return fail("an event has no id field (the API's shape changed)");
      }
      long long id = e["id"].get<long long>();
      std::string event_name = e.value("eventName", std::string());
      std::string date = e.value("startDateTime", std::string()).substr(0, 10);
      auto files = e.find("publishedFiles");
      if (files == e.end() || !files->is_array()) continue;
      for (const json& f : *files) {
        if (!f.is_object() || !f.contains("fileId") || !f["fileId"].is_number_integer()) continue;
        long long file_id = f["fileId"].get<long long>();
        std::string type = f.value("type", std::string());
        std::string fetch = client.api +
                            "/Meetings/GetMeetingFileStream(fileId=" + std::to_string(file_id) +
                            ",plainText=false)";
        std::string human = client.portal + "/event/" + std::to_string(id) + "/files/" +
                            file_kind(type) + "/" + std::to_string(file_id);
        std::string title = event_name + " " + date + " - " + f.value("name", type);
        std::string doc_type = file_kind(type) == "attachment" ? "" : file_kind(type);
        Request q = make_request(fetch, Role::kDocument, title, human, doc_type);
        q.relevance =
            std::max(title_relevance(event_name), title_relevance(f.value("name", std::string())));
        r.requests.push_back(std::move(q));
      }
    }
    best_first(r.requests);
    cap_plain(r.requests);
    int page = ctx.value("page", 0);
    auto next = body.find("@odata.nextLink");
    if (next != body.end() && next->is_string() && page + 1 < kMaxPages) {
      r.requests.push_back(api_request(next->get<std::string>(), "next page",
                                       with(client, {{"kind", "events"}, {"page", page + 1}})));
    }
    return r;
  }
};

}  // namespace

const Adapter& civicclerk_adapter() {
  static const CivicClerk adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
