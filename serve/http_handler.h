// The web page and JSON API of `policyindex serve` as a pure function from an HTTP request to
// an HTTP response: no sockets, no files, no clock. serve/http_server.h moves the bytes.
//
// Routes: /api/search, /api/scorecard/{town}, /api/matrix, /api/compare, /api/peers,
// /api/history, /api/documents/{id}, /api/changes, /api/taxonomy (the JSON of docs/API.md);
// /search.csv, /matrix.csv, /feed.atom; the pages /, /search, /town/{name}, /compare, /peers,
// /state, /map, /documents/{id}, /changes; and the assets built into the binary under /assets/.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "query/query.h"

namespace policyindex::serve {

using query::Api;
using query::SearchRequest;

struct HttpRequest {
  std::string method;  // "GET", "HEAD", ...
  std::string target;  // origin form: "/path?query"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;

  // The value of header NAME (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

// The one place where an ErrorCode becomes an HTTP status: invalid_argument 400,
// not_found 404, too_large 413, busy 503, timeout 504, everything else 500.
int http_status(ErrorCode code);

// Answers REQUEST from API. Never throws: a failure of the Api becomes an error response
// (JSON under /api/, an HTML page elsewhere). HEAD is answered like GET with the body kept
// (the server drops it). Not thread-safe in itself: API is used by one thread at a time.
// UPLOADS answers /analyze and /api/analyze (serve/web_upload.h); null: uploads are off.
class Uploads;
HttpResponse handle_request(const HttpRequest& request, Api& api, Uploads* uploads = nullptr);

}  // namespace policyindex::serve
