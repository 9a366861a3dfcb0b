// Routing, parameters, the JSON API, CSV downloads and the Atom feed. The pages are in
// web_pages.cpp, the escaping helpers in web_text.cpp.

#include "serve/http_handler.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "changes/changes.h"
#include "render/render.h"
#include "serve/web.h"
#include "serve/web_map.h"
#include "serve/web_upload.h"

namespace policyindex::serve {
namespace {

using web::json_response;
using web::Params;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string request_header(const HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (iequals(k, name)) return v;
  }
  return "";
}

HttpResponse json_error(int status, std::string_view code, std::string_view message) {
  return json_response(status, render::json_error(code, message));
}

HttpResponse json_error(const Error& e) {
  return json_error(http_status(e.code), error_code_name(e.code), e.message);
}

// An Api answer as the JSON of docs/API.md (render/: the same bytes as `--format json`).
template <class T>
HttpResponse api_result(const Result<T>& r) {
  if (!r) return json_error(r.error());
  return json_response(200, render::json(*r));
}

// Every name in P must be one of ALLOWED: a typo ("provison=") is a 400, not a silent
// unfiltered answer.
Status check_params(const Params& p, std::initializer_list<std::string_view> allowed) {
  for (const auto& [k, v] : p.items) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return make_error(ErrorCode::kInvalidArgument,
                        "unknown parameter '" + k + "'" +
                            (list.empty() ? std::string(" (this endpoint takes none)")
                                          : " (expected one of: " + list + ")"));
    }
  }
  return ok_status();
}

Result<int64_t> parse_id(std::string_view text) {
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || id <= 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "'" + std::string(text) + "' is not a document id (a positive number)");
  }
  return id;
}

// version=N of a document (a positive number), when given.
Result<std::optional<int64_t>> parse_version(const Params& p) {
  if (!p.has("version")) return std::optional<int64_t>();
  const std::string v = p.get("version");
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || n <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "parameter version='" + v + "' is not a version id (a positive number)");
  }
  return std::optional<int64_t>(n);
}

Result<size_t> parse_size(const Params& p, std::string_view name, size_t fallback) {
  std::string v = p.get(name);
  if (v.empty()) return fallback;
  size_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "parameter " + std::string(name) + "='" + v + "' is not a number");
  }
  return n;
}

HttpResponse csv_response(std::string body, std::string_view filename) {
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  r.body = std::move(body);
  return r;
}

HttpResponse search_csv(const Params& p, Api& api) {
  if (auto s = check_params(p, {"q", "town", "county", "provision", "stance", "type", "cites", "offset", "limit"}); !s) {
    return json_error(s.error());
  }
  auto req = web::search_request(p, 1000);
  if (!req) return json_error(req.error());
  auto out = api.search(*req);
  if (!out) return json_error(out.error());
  std::string csv = render::search_csv_web(*out);
  HttpResponse r = csv_response(std::move(csv), "policyindex-search.csv");
  // No silent caps: the total and what this answer left out, and how to get it.
  r.headers.emplace_back("X-Total-Count", std::to_string(out->total));
  r.headers.emplace_back("X-Omitted", std::to_string(out->omitted()));
  if (const std::string note = render::search_omitted_note(*out, true); !note.empty()) r.headers.emplace_back("X-Note", note);
  return r;
}

// long=1 (with by=question|provision|evidence) asks for the long matrix.
Result<std::optional<std::string>> long_matrix_by(const Params& p) {
  const std::string l = p.get("long"), by = p.get("by");
  if (l.empty() || l == "0") {
    if (!by.empty()) return make_error(ErrorCode::kInvalidArgument, "parameter by= needs long=1");
    return std::optional<std::string>();
  }
  if (l != "1") return make_error(ErrorCode::kInvalidArgument, "parameter long='" + l + "' is not 0 or 1");
  return std::optional<std::string>(by.empty() ? "question" : by);
}

HttpResponse matrix_csv(const Params& p, Api& api) {
  if (auto s = check_params(p, {"long", "by"}); !s) return json_error(s.error());
  auto by = long_matrix_by(p);
  if (!by) return json_error(by.error());
  if (*by) {
    auto out = api.matrix_long(**by);
    if (!out) return json_error(out.error());
    return csv_response(render::matrix_long_csv(*out), "policyindex-matrix-long.csv");
  }
  auto out = api.matrix();
  if (!out) return json_error(out.error());
  std::string csv = render::matrix_csv(*out);
  return csv_response(std::move(csv), "policyindex-matrix.csv");
}

// A Host header we are willing to echo into absolute URLs: host[:port] characters only.
std::string safe_host(const HttpRequest& r) {
  std::string host = request_header(r, "Host");
  if (host.empty() || host.size() > 255) return "";
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' && c != '[' &&
        c != ']') {
      return "";
    }
  }
  return host;
}

HttpResponse atom_feed(const HttpRequest& request, const Params& p, Api& api) {
  if (auto s = check_params(p, {"town", "provision", "limit"}); !s) return json_error(s.error());
  auto limit = parse_size(p, "limit", 50);
  if (!limit) return json_error(limit.error());
  if (*limit == 0 || *limit > 500) {
    return json_error(400, "invalid_argument", "parameter limit must be between 1 and 500");
  }
  const std::string town = p.get("town"), provision = p.get("provision");
  auto out = api.changes(town, provision, *limit);
  if (!out) return json_error(out.error());

  const std::string host = safe_host(request);
  const std::string base = host.empty() ? "" : "http://" + host;
  std::vector<std::pair<std::string, std::string>> qp;
  if (!town.empty()) qp.emplace_back("town", town);
  if (!provision.empty()) qp.emplace_back("provision", provision);
  const std::string qs = web::to_query_string(qp);
  std::string title = "policyindex: changes";
  if (!town.empty()) title += " in " + town;
  if (!provision.empty()) title += " on " + provision;
  changes::AtomFeed feed;
  feed.title = title;
  feed.id = "urn:policyindex:feed:" + qs;
  feed.self = base + "/feed.atom" + (qs.empty() ? "" : "?" + qs);
  feed.alternate = base + "/changes" + (qs.empty() ? "" : "?" + qs);
  for (const auto& c : out->changes) {
    const std::string doc = c.document_id.value_or("");
    std::string content = c.summary + " (" + c.kind + ")";
    if (!c.url.empty()) content += "\nSource: " + c.url;
    feed.entries.push_back({"urn:policyindex:change:" + c.id, c.town + ": " + c.summary, c.detected_at,
                            !doc.empty() ? base + "/documents/" + web::url_encode(doc)
                                         : base + "/town/" + web::url_encode(c.town),
                            c.kind, std::move(content)});
  }
  HttpResponse r;
  r.content_type = "application/atom+xml; charset=utf-8";
  r.body = changes::atom_feed(feed);
  return r;
}

HttpResponse api_route(std::string_view rest, const Params& p, Api& api) {
  auto bad = [](const Status& s) { return json_error(s.error()); };
  if (rest == "search") {
    if (auto s = check_params(p, {"q", "town", "county", "provision", "stance", "type", "cites", "offset", "limit"}); !s) return bad(s);
    auto req = web::search_request(p, 20);
    if (!req) return json_error(req.error());
    return api_result(api.search(*req));
  }
  if (rest.rfind("scorecard/", 0) == 0 && rest.size() > 10) {
    if (auto s = check_params(p, {}); !s) return bad(s);
    auto town = web::percent_decode(rest.substr(10), false);
    if (!town) return json_error(town.error());
    return api_result(api.scorecard(*town));
  }
  if (rest == "matrix") {
    if (auto s = check_params(p, {"long", "by"}); !s) return bad(s);
    auto by = long_matrix_by(p);
    if (!by) return json_error(by.error());
    if (*by) return api_result(api.matrix_long(**by));
    return api_result(api.matrix());
  }
  if (rest == "compare") {
    if (auto s = check_params(p, {"town", "provision"}); !s) return bad(s);
    auto towns = p.all("town");
    if (towns.size() < 2) {
      return json_error(400, "invalid_argument", "compare needs at least two town= parameters");
    }
    return api_result(api.compare(towns, p.get("provision")));
  }
  if (rest == "peers") {
    if (auto s = check_params(p, {"town", "provision"}); !s) return bad(s);
    if (p.get("town").empty()) return json_error(400, "invalid_argument", "peers needs a town= parameter");
    return api_result(api.peers(p.get("town"), p.get("provision")));
  }
  if (rest == "history") {
    if (auto s = check_params(p, {"town", "document"}); !s) return bad(s);
    const bool t = !p.get("town").empty(), d = !p.get("document").empty();
    if (t == d) {
      return json_error(400, "invalid_argument", "history needs exactly one of town= or document=");
    }
    if (d) {
      auto id = parse_id(p.get("document"));
      if (!id) return json_error(id.error());
      return api_result(api.history(std::to_string(*id)));
    }
    return api_result(api.history(p.get("town")));
  }
  if (rest.rfind("documents/", 0) == 0) {
    if (auto s = check_params(p, {"version"}); !s) return bad(s);
    auto id = parse_id(rest.substr(10));
    if (!id) return json_error(id.error());
    auto version = parse_version(p);
    if (!version) return json_error(version.error());
    return api_result(api.document(*id, *version));
  }
  if (rest == "changes") {
    if (auto s = check_params(p, {"town", "provision", "limit"}); !s) return bad(s);
    auto limit = parse_size(p, "limit", 100);
    if (!limit) return json_error(limit.error());
    if (*limit > 1000) return json_error(400, "invalid_argument", "parameter limit is over 1000");
    return api_result(api.changes(p.get("town"), p.get("provision"), *limit == 0 ? 100 : *limit));
  }
  if (rest == "taxonomy") {
    if (auto s = check_params(p, {}); !s) return bad(s);
    return api_result(api.taxonomy());
  }
  return json_error(404, "not_found", "no API endpoint /api/" + std::string(rest) +
                                          " (see docs/API.md: search, scorecard/{town}, matrix, "
                                          "compare, peers, history, documents/{id}, changes, taxonomy)");
}

HttpResponse asset_response(const HttpRequest& request, std::string_view name) {
  const web::Asset* a = web::find_asset(name);
  if (a == nullptr) return web::error_page(404, "Not found", "There is no such file.");
  HttpResponse r;
  r.headers.emplace_back("ETag", a->etag);
  r.headers.emplace_back("Cache-Control", "public, max-age=86400");
  if (request_header(request, "If-None-Match") == a->etag) {
    r.status = 304;
    return r;
  }
  r.content_type = std::string(a->content_type);
  r.body = std::string(a->body);
  return r;
}

HttpResponse redirect(std::string location) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", location);
  r.body = "See " + location + "\n";
  return r;
}

HttpResponse route(const HttpRequest& request, Api& api, Uploads* uploads) {
  if (is_upload_target(request.target)) return upload_route(request, api, uploads);  // serve/web_upload.cpp
  const bool api_path = request.target.rfind("/api/", 0) == 0;
  auto fail = [&](int status, std::string_view code, std::string_view message) {
    return api_path ? json_error(status, code, message) : web::error_page(status, "Bad request", message);
  };
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = fail(405, "method_not_allowed", "only GET and HEAD are supported");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (request.target.empty() || request.target[0] != '/') {
    return fail(400, "invalid_argument", "the request target must be a path");
  }
  const size_t qmark = request.target.find('?');
  const std::string_view raw_path = std::string_view(request.target).substr(0, qmark);
  const std::string_view raw_query =
      qmark == std::string::npos ? std::string_view() : std::string_view(request.target).substr(qmark + 1);
  auto params = web::parse_query_string(raw_query);
  if (!params) return fail(400, "invalid_argument", params.error().message);
  // Path segments are decoded one at a time below; the route names themselves are ASCII.
  const std::string path(raw_path);

  if (path.rfind("/api/", 0) == 0) return api_route(std::string_view(path).substr(5), *params, api);
  if (path == "/search.csv") return search_csv(*params, api);
  if (path == "/matrix.csv") return matrix_csv(*params, api);
  if (path == "/feed.atom") return atom_feed(request, *params, api);
  if (path.rfind("/assets/", 0) == 0) return asset_response(request, std::string_view(path).substr(8));
  if (path == "/" || path.empty()) return web::home_page(*params, api);
  if (path == "/search") return web::search_page(*params, api);
  if (path == "/state") return web::state_page(*params, api);
  if (path == "/map") return web::map_page(*params, api);
  if (path == "/compare") return web::compare_page(*params, api);
  if (path == "/peers") return web::peers_page(*params, api);
  if (path == "/changes") return web::changes_page(*params, api);
  if (path == "/town" || path == "/town/") {
    const std::string name = params->get("name");
    if (name.empty()) return web::error_page(400, "Which town?", "Give a town name, for example /town/Boston.");
    return redirect("/town/" + web::url_encode(name));
  }
  if (path.rfind("/town/", 0) == 0) {
    auto town = web::percent_decode(std::string_view(path).substr(6), false);
    if (!town) return web::error_page(400, "Bad request", town.error().message);
    return web::town_page(*town, api);
  }
  if (path.rfind("/documents/", 0) == 0) {
    auto id = parse_id(std::string_view(path).substr(11));
    if (!id) return web::error_page(400, "Bad request", id.error().message);
    auto version = parse_version(*params);
    if (!version) return web::error_page(400, "Bad request", version.error().message);
    return web::document_page(*id, *version, api);
  }
  if (path == "/favicon.ico") return asset_response(request, "icon.svg");
  return web::error_page(404, "Page not found", "There is no page at this address.");
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  if (iequals(name, "Content-Type")) return content_type;
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return "";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kBusy: return 503;
    case ErrorCode::kTimeout: return 504;
    case ErrorCode::kIo:
    case ErrorCode::kNetwork:
    case ErrorCode::kHttp:
    case ErrorCode::kParse:
    case ErrorCode::kUnsupported:
    case ErrorCode::kIndex:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

HttpResponse handle_request(const HttpRequest& request, Api& api, Uploads* uploads) {
  HttpResponse r;
  try {
    r = route(request, api, uploads);
  } catch (const std::exception& e) {
    // The Api reports failures as Results; an exception here is a bug (e.g. a JSON shape we
    // did not expect). Answer 500 instead of taking the connection down.
    r = request.target.rfind("/api/", 0) == 0
            ? json_error(500, "internal", std::string("internal error: ") + e.what())
            : web::error_page(500, "Something went wrong", std::string("Internal error: ") + e.what());
  }
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  if (r.content_type.rfind("text/html", 0) == 0) {
    // No inline script or style anywhere: a script that slipped past escaping would not run.
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    r.headers.emplace_back("X-Frame-Options", "DENY");
  }
  bool has_cache = false;
  for (const auto& [k, v] : r.headers) has_cache = has_cache || iequals(k, "Cache-Control");
  if (!has_cache) r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace policyindex::serve
