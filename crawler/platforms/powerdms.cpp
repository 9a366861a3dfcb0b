// PowerDMS public portals: public.powerdms.com/{ORG}/tree (a JavaScript application) and
// /{ORG}/documents/{id} (a document). The portal's document list is read as JSON from
// public.powerdms.com/{ORG}/documents: {"data": [{"name": ..., "publicUrl": ..., "id": ...}]}.
// Older links spell the portal powerdms.com/public/{ORG}/... Every entry is a police policy
// (the portals are police departments' directives), taken best-first by name and capped.
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

constexpr std::string_view kName = "powerdms";

// The portal's root: public.powerdms.com with the link's scheme and port when the link is
// on it (https on the real web), else https.
std::string portal_of(const Url& link) {
  if (lower(link.host) != "public.powerdms.com") return "https://public.powerdms.com/";
  return link.origin() + "/";
}

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (next > pos) out.emplace_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

Request document(const std::string& portal, const std::string& org, const std::string& id,
                 std::string title) {
  std::string url = portal + org + "/documents/" + id;
  Request q = make_request(url, Role::kDocument, std::move(title), {}, "police_policy");
  return q;
}

class PowerDms final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    std::string host = lower(link.host);
    auto seg = segments(link.path);
    if (host == "powerdms.com" || host == "www.powerdms.com") {
      if (seg.size() < 2 || lower(seg[0]) != "public") return std::nullopt;
      seg.erase(seg.begin());
    } else if (host != "public.powerdms.com") {
      return std::nullopt;
    }
    if (seg.empty()) return std::nullopt;
    const std::string& org = seg[0];
    if (seg.size() >= 3 && lower(seg[1]) == "documents" &&
        seg[2].find_first_not_of("0123456789") == std::string::npos) {
      return std::vector<Request>{document(portal_of(link), org, seg[2], std::string(anchor))};
    }
    Request q = make_request(portal_of(link) + org + "/documents", Role::kListing,
                             std::string(anchor), {}, {}, org);
    q.headers.push_back("Accept: application/json");
    q.relevance = std::max(q.relevance, 2);  // a police department's directives
    return std::vector<Request>{q};
  }

  Reading read(const Request& req, const Response& resp) const override {
    if (req.role != Role::kListing) {
      Reading r = read_document(kName, req, resp, false);
      if (!r.store && r.problem.find("HTML page") != std::string::npos) {
        r.problem = problem(kName, req.fetch_url,
                            "the portal served its JavaScript application, not the document file");
      }
      return r;
    }
    Reading r;
    auto fail = [&](std::string_view msg) {
      r.requests.clear();
      r.problem = problem(kName, req.fetch_url, msg);
      return r;
    };
    json body = json::parse(resp.body, nullptr, false);
    if (body.is_discarded()) {
      return fail(looks_like_html(resp.body)
                      ? "the document list came back as an HTML page, not JSON"
                      : "the document list is not JSON");
    }
    if (body.is_object() && body.contains("code") && !body.contains("data")) {
      return fail("the portal answered with an error: " + body["code"].dump());
    }
    if (auto p = listing_status_problem(kName, req, resp); !p.empty()) return fail(p);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
      return fail("the document list has no \"data\" list (the portal's shape changed)");
    }
    const std::string& org = req.context;
    auto self = parse_url(req.fetch_url);
    std::string portal = self ? portal_of(*self) : std::string("https://public.powerdms.com/");
    for (const json& d : body["data"]) {
      if (!d.is_object()) continue;
      std::string title = d.value("name", std::string());
      std::string url = d.contains("publicUrl") && d["publicUrl"].is_string()
                            ? d["publicUrl"].get<std::string>()
                            : "";
      if (url.empty() && d.contains("id") && (d["id"].is_number_integer() || d["id"].is_string())) {
        std::string id = d["id"].is_string() ? d["id"].get<std::string>()
                                             : std::to_string(d["id"].get<long long>());
        r.requests.push_back(document(portal, org, id, title));
        continue;
      }
      if (url.empty())
        return fail("an entry has neither publicUrl nor id (the portal's shape changed)");
      r.requests.push_back(make_request(url, Role::kDocument, title, {}, "police_policy"));
    }
    best_first(r.requests);
    return r;
  }
};

}  // namespace

const Adapter& powerdms_adapter() {
  static const PowerDms adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
