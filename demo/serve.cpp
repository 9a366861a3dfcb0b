// The demo's last step: the web page and JSON API over the demo's data, in this process,
// until Ctrl-C. The demo's data does not change while it is served, so the Apis and cached
// answers are only renewed by age.

#include <chrono>

#include "demo/demo.h"
#include "serve/http_server.h"
#include "query/query.h"

namespace policyindex::demo {

Status serve_page(const std::filesystem::path& data, const std::string& bind, uint16_t port,
                  const std::function<void(const std::string&)>& on_ready) {
  serve::ApiPool pool([data] { return query::open_api(data); }, serve::ApiPool::Stamp(),
                      std::chrono::seconds(60));
  {
    auto first = pool.acquire();  // fail now, not on the first request
    if (!first) return tl::make_unexpected(first.error());
  }
  serve::ServerOptions options;
  options.bind = bind;
  options.port = port;
  auto server = serve::HttpServer::start(options, pool);
  if (!server) return tl::make_unexpected(server.error());
  std::string host = bind;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  if (on_ready) on_ready("http://" + host + ":" + std::to_string((*server)->port()) + "/");
  (*server)->run(true);
  return {};
}

}  // namespace policyindex::demo
