// Municode Library (library.municode.com): a JavaScript application whose content comes from
// a public JSON API on api.municode.com. A library link names the state, the client and
// perhaps the product and a node:
//
//   library.municode.com/{state}/{client}[/codes/{product}][?nodeId={node}]
//
// and the API is walked from the client's name to the node's text:
//
//   Clients/name?clientName=&stateAbbr=     -> {"ClientID": ..., "ClientName": ...}
//   ClientContent/{ClientID}                -> {"codes": [{"productId", "productName"}, ...]}
//   Jobs/latest/{productId}                 -> {"Id": jobId, "Name": ...}
//   codesToc?jobId=&productId=              -> {"Id", "Heading", "Children": [node, ...]}
//   codesToc/children?jobId=&nodeId=&productId= -> [node, ...]; node {"Id","Heading","HasChildren"}
//   CodesContent?jobId=&nodeId=&productId=  -> {"Docs": [{"Id","Title","Content"}, ...]}
//
// The table of contents is walked best-first by the words of its headings (title_relevance):
// headings on topic are fetched as documents (a node's content includes the sections below
// it), headings where such rules sit are opened, the rest is left. A node's content is
// stored as an HTML page under the library's own URL for the node (?nodeId=).

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "crawler/platforms/common.h"
#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms {
namespace {

using nlohmann::json;

constexpr size_t kMaxProducts = 4;  // codes of one client walked (ordinances, zoning, ...)

// "Code of Ordinances" -> "code_of_ordinances", as the library's URLs spell products.
std::string product_slug(std::string_view name) {
  std::string out;
  bool gap = false;
  for (char c : lower_ascii(name)) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (gap && !out.empty()) out += '_';
      out += c;
      gap = false;
    } else {
      gap = true;
    }
  }
  return out;
}

std::vector<std::string> path_parts(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

Request api_request(std::string url, Role role, std::string context) {
  Request r;
  r.fetch_url = std::move(url);
  r.role = role;
  r.context = std::move(context);
  r.headers = {"Accept: application/json"};
  return r;
}

// The API's and the library's origins, as the claimed link addressed the library.
std::string api(std::string_view ctx) { return context_value(ctx, "api") + "/"; }

std::string node_url(std::string_view ctx, std::string_view node) {
  std::string u = context_value(ctx, "lib") + "/";
  u += context_value(ctx, "st");
  u += '/';
  u += context_value(ctx, "client");
  u += "/codes/";
  u += context_value(ctx, "product");
  u += "?nodeId=";
  u += url_encode(node);
  return u;
}

std::string toc_query(std::string_view ctx) {
  return "jobId=" + url_encode(context_value(ctx, "job")) +
         "&productId=" + url_encode(context_value(ctx, "pid"));
}

Request content_request(std::string_view ctx, std::string_view node, std::string_view heading,
                        int relevance) {
  Request r = api_request(api(ctx) + "CodesContent?" + toc_query(ctx) +
                              "&nodeId=" + url_encode(node),
                          Role::kDocument, with_context(ctx, "node", node));
  r.human_url = node_url(ctx, node);
  r.title = std::string(heading);
  r.doc_type = "ordinance";
  r.relevance = relevance;
  return r;
}

// A JSON body, or the plain-words reason it is not one.
std::optional<json> parse_json(const Response& resp, std::string& problem) {
  if (!ok_status(resp.status)) {
    problem = "HTTP " + std::to_string(resp.status);
    return std::nullopt;
  }
  if (looks_like_html(resp.content_type, resp.body)) {
    problem = "an HTML page where its API answers JSON (the API moved, or a block page)";
    return std::nullopt;
  }
  json j = json::parse(resp.body, nullptr, false);
  if (j.is_discarded()) {
    problem = "an answer that is not JSON";
    return std::nullopt;
  }
  return j;
}

// A field as text (numbers written out); "" when missing or of another type.
std::string field_text(const json& o, const char* name) {
  if (!o.is_object()) return {};
  auto it = o.find(name);
  if (it == o.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return {};
}

class Municode final : public Adapter {
 public:
  std::string_view name() const override { return "municode"; }

  std::optional<std::vector<Request>> claim(const Url& link, std::string_view) const override {
    if (link.host != "library.municode.com") return std::nullopt;
    auto parts = path_parts(link.path);
    // {state}/{client}[/codes/{product}[/...]]
    if (parts.size() < 2 || parts[0].size() != 2) return std::nullopt;
    std::string product;
    if (parts.size() >= 4 && parts[2] == "codes") product = parts[3];
    std::string ctx = make_context({{"api", origin_like(link, "api.municode.com")},
                                    {"lib", link.origin()},
                                    {"st", lower_ascii(parts[0])},
                                    {"client", lower_ascii(parts[1])},
                                    {"product", product},
                                    {"want", query_param(link.query, "nodeId")}});
    return std::vector<Request>{api_request(api(ctx) + "Clients/name?clientName=" +
                                                url_encode(parts[1]) + "&stateAbbr=" +
                                                url_encode(parts[0]),
                                            Role::kListing, ctx)};
  }

  Reading read(const Request& req, const Response& resp) const override {
    Reading out;
    auto j = parse_json(resp, out.problem);
    if (!j) return out;
    const std::string_view ctx = req.context;
    const std::string_view url = req.fetch_url;
    if (url.find("/Clients/name") != std::string_view::npos) {
      std::string id = field_text(*j, "ClientID");
      if (id.empty()) {
        out.problem = "Clients/name answered without a ClientID (no such client, or the API "
                      "changed its fields)";
        return out;
      }
      out.requests.push_back(api_request(api(ctx) + "ClientContent/" + url_encode(id),
                                         Role::kListing, with_context(ctx, "cid", id)));
      return out;
    }
    if (url.find("/ClientContent/") != std::string_view::npos) return read_products(*j, ctx);
    if (url.find("/Jobs/latest/") != std::string_view::npos) {
      std::string job = field_text(*j, "Id");
      if (job.empty()) {
        out.problem = "Jobs/latest answered without a job Id";
        return out;
      }
      std::string c = with_context(ctx, "job", job);
      if (std::string want = context_value(ctx, "want"); !want.empty()) {
        out.requests.push_back(content_request(c, want, "", 3));
      } else {
        out.requests.push_back(
            api_request(api(ctx) + "codesToc?" + toc_query(c), Role::kListing, c));
      }
      return out;
    }
    if (url.find("/codesToc") != std::string_view::npos) return read_toc(*j, ctx);
    if (url.find("/CodesContent") != std::string_view::npos) return read_content(*j, req);
    out.problem = "a Municode API address this adapter does not know";
    return out;
  }

 private:
  static Reading read_products(const json& j, std::string_view ctx) {
    Reading out;
    if (!j.is_object() || !j.contains("codes") || !j["codes"].is_array()) {
      out.problem = "ClientContent answered without its \"codes\" list (the API changed its "
                    "fields)";
      return out;
    }
    const std::string want = context_value(ctx, "product");
    for (const auto& p : j["codes"]) {
      std::string id = field_text(p, "productId");
      std::string name = field_text(p, "productName");
      if (id.empty() || name.empty()) continue;
      std::string slug = product_slug(name);
      if (!want.empty() && slug != want) continue;
      if (want.empty() && out.requests.size() >= kMaxProducts) break;
      std::string c = with_context(with_context(ctx, "pid", id), "product", slug);
      out.requests.push_back(
          api_request(api(ctx) + "Jobs/latest/" + url_encode(id), Role::kListing, c));
    }
    if (out.requests.empty()) {
      out.problem = want.empty() ? "the client has no codes in its library"
                                 : "the client has no code named '" + want + "'";
    }
    return out;
  }

  static Reading read_toc(const json& j, std::string_view ctx) {
    Reading out;
    const json* nodes = nullptr;
    if (j.is_array()) {
      nodes = &j;  // codesToc/children
    } else if (j.is_object() && j.contains("Children") && j["Children"].is_array()) {
      nodes = &j["Children"];  // codesToc
      if (nodes->empty()) {
        out.problem = "codesToc answered with an empty table of contents";
        return out;
      }
    } else {
      out.problem = "codesToc answered without \"Children\" (the API changed its fields)";
      return out;
    }
    for (const auto& n : *nodes) {
      std::string id = field_text(n, "Id");
      std::string heading = field_text(n, "Heading");
      if (id.empty()) continue;
      const bool has_children = n.is_object() && n.value("HasChildren", false);
      const int rel = title_relevance(heading);
      if (rel >= 3 || (rel >= 2 && !has_children)) {
        out.requests.push_back(content_request(ctx, id, heading, rel));
      } else if (rel >= 1 && has_children) {
        Request r = api_request(api(ctx) + "codesToc/children?" + toc_query(ctx) +
                                    "&nodeId=" + url_encode(id),
                                Role::kListing, std::string(ctx));
        r.title = heading;
        r.relevance = rel;
        out.requests.push_back(std::move(r));
      }
    }
    // Best first: the crawl takes them in this order.
    std::stable_sort(out.requests.begin(), out.requests.end(),
                     [](const Request& a, const Request& b) { return a.relevance > b.relevance; });
    return out;
  }

  static Reading read_content(const json& j, const Request& req) {
    Reading out;
    if (!j.is_object() || !j.contains("Docs") || !j["Docs"].is_array()) {
      out.problem = "CodesContent answered without \"Docs\" (the API changed its fields)";
      return out;
    }
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
    std::string title = req.title;
    std::string sections;
    size_t with_text = 0;
    for (const auto& d : j["Docs"]) {
      std::string t = field_text(d, "Title");
      std::string c = field_text(d, "Content");
      if (title.empty()) title = t;
      if (c.empty() && t.empty()) continue;
      if (!c.empty()) ++with_text;
      sections += "<section><h2>" + html_escape(t) + "</h2>\n" + c + "\n</section>\n";
    }
    if (with_text == 0) {
      out.problem = "CodesContent answered with no text for node '" +
                    context_value(req.context, "node") + "'";
      return out;
    }
    html += html_escape(title);
    html += "</title></head><body>\n<h1>";
    html += html_escape(title);
    html += "</h1>\n";
    html += sections;
    html += "</body></html>\n";
    out.store = true;
    out.body = std::move(html);
    out.content_type = "text/html; charset=utf-8";
    return out;
  }
};

}  // namespace

const Adapter& municode_adapter() {
  static const Municode a;
  return a;
}

}  // namespace policyindex::crawler::platforms
