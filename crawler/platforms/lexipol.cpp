// Lexipol: policy.lexipol.com is Lexipol's policy-management application for agencies' staff
// and asks for a login; we found no public, documented shape for the manuals agencies choose
// to publish (agencies post them as PDFs on their own sites, which the crawl reads as files).
// So this adapter claims links into Lexipol's hosts, fetches what they point at, stores a
// file (a PDF export) when one comes back, and records a login wall plainly otherwise.
#include <optional>
#include <string>
#include <vector>

#include "crawler/platforms/platform.h"
#include "crawler/platforms/records_util.h"

namespace policyindex::crawler::platforms {

namespace {

using namespace records;

constexpr std::string_view kName = "lexipol";

class Lexipol final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    std::string host = lower(link.host);
    bool portal = host == "policy.lexipol.com" || host == "lexipol.com" ||
                  host == "www.lexipol.com" || iends_with(host, ".lexipol.com");
    if (!portal) return std::nullopt;
    // Lexipol's own marketing pages are not a manual.
    if ((host == "lexipol.com" || host == "www.lexipol.com") && !is_document_url(link.str()))
      return std::nullopt;
    Request q = make_request(link.str(), Role::kDocument, std::string(anchor), {}, "police_policy");
    q.relevance = std::max(q.relevance, 2);
    return std::vector<Request>{q};
  }

  Reading read(const Request& req, const Response& resp) const override {
    Reading r = read_document(kName, req, resp, false);
    if (!r.store &&
        (looks_like_login(resp.body) || r.problem.find("HTML page") != std::string::npos)) {
      r.problem =
          problem(kName, req.fetch_url,
                  "Lexipol's policy portal asks for a login; the manual is not public there");
    }
    return r;
  }
};

}  // namespace

const Adapter& lexipol_adapter() {
  static const Lexipol adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
