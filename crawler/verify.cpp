// Registry website checks in the crawl's loop (issue 18 item 6): a registry website's home
// page, after redirects, must name its municipality and Massachusetts (site_check.h). The
// verdict goes to the catalog (site_checks) and the summary; a site that fails is not
// crawled beyond its home page unless --no-verify.

#include "crawler/crawl.h"
#include "crawler/internal.h"
#include "crawler/site_check.h"

namespace policyindex::crawler {

using corpus::SiteVerdict;

namespace {

corpus::SiteCheck site_check_of(const Item& it, std::string_view town) {
  corpus::SiteCheck c;
  c.municipality_id = it.municipality_id.value_or(0);
  c.town = std::string(town);
  c.url = it.url;
  c.host = corpus::url_host(it.url);
  c.final_url = it.fetch_url;
  c.checked_at = corpus::now_iso8601();
  return c;
}

}  // namespace

bool Crawl::check_home_page(const Item& it, std::string_view bytes, bool html, Finished& f) {
  auto name = it.municipality_id ? town_names_.find(*it.municipality_id) : town_names_.end();
  if (name == town_names_.end()) return true;  // no town to check against
  corpus::SiteCheck c = site_check_of(it, name->second);
  if (!html) {
    c.verdict = SiteVerdict::kMismatch;
    c.reason = "the home page is not an HTML page";
  } else {
    auto v = verify_home_page(bytes, name->second);
    c.verdict = v.verdict;
    c.reason = std::move(v.reason);
  }
  const bool ok = c.verdict == SiteVerdict::kVerified;
  if (!ok) {
    const std::string why = "site not verified: " + c.reason + " (--no-verify crawls it)";
    for (const auto& u : {it.url, it.fetch_url}) {
      if (auto p = parse_url(u)) unverified_.emplace(p->origin(), why);
    }
  }
  summary_.site_checks.push_back(c);
  f.site_check = std::move(c);
  return ok || !opts_.verify_sites;
}

void Crawl::note_site_not_read(Finished& f) {
  auto name = f.item.municipality_id ? town_names_.find(*f.item.municipality_id) : town_names_.end();
  if (name == town_names_.end()) return;
  corpus::SiteCheck c = site_check_of(f.item, name->second);
  const bool blocked = f.disposition == Disposition::kBlocked ||
                       f.disposition == Disposition::kDisallowed ||
                       corpus::is_block(f.log.outcome);
  c.verdict = blocked ? SiteVerdict::kBlocked : SiteVerdict::kUnreachable;
  c.reason = f.reason;
  summary_.site_checks.push_back(c);
  f.site_check = std::move(c);
}

std::string Crawl::not_verified(const Host& h, const Item& it) const {
  // The check itself, registry sources (curated URLs) and --no-verify go ahead.
  if (!opts_.verify_sites || it.verify || it.kind == ItemKind::kSource) return {};
  auto u = unverified_.find(h.origin);
  return u == unverified_.end() ? std::string() : u->second;
}

}  // namespace policyindex::crawler
