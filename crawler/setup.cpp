// Setup and resume: what a run starts from (seeds, registry sources, stored sources on a
// refresh, every known document with its validators, an unfinished run to resume).

#include "crawler/crawl.h"
#include "crawler/internal.h"

#include <unordered_set>

#include "corpus/site_status.h"

namespace policyindex::crawler {
namespace {

// The landing page of a registry code_host value ("municode:SLUG", "ecode360:CODE",
// "amlegal:SLUG"); empty for none. Municode's state is Massachusetts' ("ma").
std::string code_host_url(std::string_view code_host) {
  auto colon = code_host.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view platform = code_host.substr(0, colon);
  std::string id(code_host.substr(colon + 1));
  if (id.empty()) return {};
  if (platform == "municode") return "https://library.municode.com/ma/" + id;
  if (platform == "ecode360") return "https://ecode360.com/" + id;
  if (platform == "amlegal") return "https://codelibrary.amlegal.com/codes/" + id + "/latest/overview";
  return {};
}

// Seeds, sources and known documents that a platform adapter claims (a Municode landing
// page, a Drive link) become the adapter's requests, attributed to the same town; the
// others stay as they are.
std::vector<Item> claim_platform_items(std::vector<Item> items) {
  std::vector<Item> out;
  out.reserve(items.size());
  for (auto& it : items) {
    auto u = parse_url(it.url);
    auto claim = u ? platforms::claim_link(*u, it.anchor) : std::nullopt;
    if (!claim) {
      out.push_back(std::move(it));
      continue;
    }
    std::vector<Item> reqs;
    platform_items(it, *claim->adapter, std::move(claim->requests), reqs);
    for (auto& r : reqs) {
      r.depth = it.depth;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace

// Reads what the run needs and queues the URLs: the loop can start at once. The run's first
// catalog transaction (sources, the crawl_runs row, the frontier rows) is the commit
// thread's first job, done while the first requests are in flight. Nothing of a run is
// committed before it (one thread, in order), so a crawl killed before that transaction
// leaves no trace of itself: the next one starts afresh.
Status Crawl::prepare_run() {
  if (auto st = ledger_.use_large_cache(); !st) return st;
  corpus::Catalog& cat = store_.catalog();
  std::vector<Seed> seeds = opts_.seeds;
  if (!opts_.registry.empty()) {
    auto reg = corpus::read_registry(opts_.registry);
    if (!reg) return tl::make_unexpected(reg.error());
    if (auto st = cat.upsert_municipalities(reg->municipalities); !st) return st;
    // The towns' own hosts, for the link policy (crawler/follow.cpp).
    for (const auto& m : reg->municipalities) {
      if (m.website.empty() && m.alt_domains.empty() && m.police_website.empty()) continue;
      auto id = cat.find_municipality(m.name);
      if (!id) return tl::make_unexpected(id.error());
      if (!*id) continue;
      for (const auto& h : m.alt_domains) frontier_.sites().add(**id, h);
      if (!m.website.empty()) frontier_.sites().add(**id, m.website);
      if (!m.police_website.empty()) frontier_.sites().add(**id, m.police_website);
    }
    for (const auto& m : reg->municipalities) {
      if (!m.website.empty()) seeds.push_back({m.website, m.name, "", "website"});
    }
    for (const auto& s : reg->sources)
      seeds.push_back({s.url, s.municipality, s.doc_type, "source"});
    // A town's code on a code host: read through its platform adapter.
    for (const auto& m : reg->municipalities) {
      if (auto url = code_host_url(m.code_host); !url.empty()) {
        seeds.push_back({url, m.name, "ordinance", "source"});
      }
    }
  }
  // Resolve seeds to municipalities and canonical URLs; remember them for refreshes.
  auto towns = cat.municipalities();
  if (!towns) return tl::make_unexpected(towns.error());
  for (const auto& [id, m] : *towns) town_names_.emplace(id, m.name);
  std::vector<Item> items;
  for (const auto& s : seeds) {
    auto written = parse_request_url(s.url);
    auto url = written ? canonical_url(written->str()) : canonical_url(s.url);
    if (!url) return make_error(ErrorCode::kInvalidArgument, "seed: " + url.error().message);
    Item it;
    it.url = *url;
    it.fetch_url = written->str();  // requested as given; the canonical URL is the key
    it.kind = s.kind == "source" ? ItemKind::kSource : ItemKind::kSeed;
    it.doc_type = s.kind == "source" ? s.doc_type : "webpage";
    it.verify = s.kind == "website";  // a registry website: its home page is checked
    if (!s.municipality.empty()) {
      auto id = cat.find_municipality(s.municipality);
      if (!id) return tl::make_unexpected(id.error());
      if (!*id) {
        return make_error(ErrorCode::kInvalidArgument,
                          "unknown municipality '" + s.municipality + "' for seed " + s.url);
      }
      it.municipality_id = *id;
    } else {
      auto host = parse_url(*url)->host;
      for (const auto& [id, m] : *towns) {
        if (m.website.empty()) continue;
        auto w = parse_url(m.website);
        if (w && same_site(w->host, host)) {
          it.municipality_id = id;
          break;
        }
      }
    }
    if (it.municipality_id && it.kind == ItemKind::kSeed) {
      frontier_.sites().add(*it.municipality_id, it.url);
    }
    start_.sources.push_back(
        {it.municipality_id, it.url, s.doc_type, s.kind.empty() ? "seed" : s.kind});
    items.push_back(std::move(it));
  }
  if (opts_.refresh) {
    auto sources = ledger_.stored_sources();
    if (!sources) return tl::make_unexpected(sources.error());
    for (auto& s : *sources) {
      Item it;
      it.url = it.fetch_url = std::move(s.url);
      it.municipality_id = s.municipality_id;
      it.kind = s.kind == "source" ? ItemKind::kSource : ItemKind::kSeed;
      it.verify = s.kind == "website";
      it.doc_type = it.kind == ItemKind::kSeed ? "webpage" : std::move(s.doc_type);
      if (it.municipality_id && it.kind == ItemKind::kSeed) {
      frontier_.sites().add(*it.municipality_id, it.url);
    }
      items.push_back(std::move(it));
    }
  }

  // Every document's revisit schedule: which known documents a refresh checks tonight,
  // and, for the commit thread, each one's schedule before this run's check.
  if (auto st = revisit_.load(); !st) return st;

  // Every stored document, in one pass: validators and current version (the loop needs
  // them per request and must not touch the catalog), and, on a refresh, the crawled ones
  // as URLs to check: all of them with --full, else those due tonight (revisit.h).
  auto docs = ledger_.for_each_document([&](corpus::KnownDocument&& d) {
    if (opts_.refresh && d.crawled) {
      Item it;
      it.url = it.fetch_url = d.url;
      it.municipality_id = d.municipality_id;
      it.doc_type = std::move(d.doc_type);
      it.kind = ItemKind::kKnown;
      it.depth = 1;
      if (revisit_.adaptive()) {
        revisit_.consider(std::move(it), d.document_id);
      } else {
        items.push_back(std::move(it));
      }
    }
    if (!d.version_id) return;  // no version yet
    Known k;
    k.etag = std::move(d.etag);
    k.last_modified = std::move(d.last_modified);
    k.sha256 = std::move(d.sha256);
    k.content_type = std::move(d.content_type);
    k.size = d.size;
    k.document_id = d.document_id;
    k.version_id = *d.version_id;
    known_.emplace(std::move(d.url), std::move(k));
  });
  if (!docs) return docs;
  if (revisit_.adaptive()) revisit_.choose(items);

  // Resume the latest unfinished run when its frontier has work left.
  auto last = ledger_.resumable_run();
  if (!last) return tl::make_unexpected(last.error());
  if (*last) {
    start_.resume_run = **last;
    summary_.resumed = true;
  }
  if (items.empty() && !summary_.resumed) {
    return make_error(ErrorCode::kInvalidArgument,
                      "nothing to crawl: give --registry DIR or --seed URL (or --refresh with "
                      "stored sources)");
  }
  if (summary_.resumed) {
    // Registry websites, whose home page is checked: this run's and the stored ones (a
    // resume without --registry), and those the run being resumed has already fetched.
    std::unordered_set<std::string> websites;
    for (const auto& it : items) {
      if (it.verify) websites.insert(it.url);
    }
    auto stored = ledger_.stored_sources();
    if (!stored) return tl::make_unexpected(stored.error());
    for (const auto& s : *stored) {
      if (s.kind == "website") websites.insert(s.url);
    }
    std::vector<Item> fetched_websites;
    auto rows = ledger_.for_each_frontier_row(**last, [&](corpus::StoredFrontierRow&& r) {
      if (!r.queued) {
        // The run's platform requests so far count against its per-town share.
        if (!r.adapter.empty()) ++platform_requests_[platform_key(r.adapter, r.municipality_id)];
        if (websites.count(r.url)) {
          Item it;
          it.url = it.fetch_url = r.url;
          it.municipality_id = r.municipality_id;
          it.kind = ItemKind::kSeed;
          it.doc_type = "webpage";
          it.verify = true;
          fetched_websites.push_back(std::move(it));
        }
        frontier_.mark_seen(r.url);
        return;
      }
      Item it;
      it.url = it.fetch_url = r.url;
      it.municipality_id = r.municipality_id;
      it.depth = r.depth;
      it.kind = item_kind_from_string(r.kind);
      it.doc_type = std::move(r.doc_type);
      it.parent = std::move(r.parent);
      it.anchor = std::move(r.anchor);
      if (!r.fetch_url.empty()) it.fetch_url = std::move(r.fetch_url);
      it.adapter = std::move(r.adapter);
      it.role = platforms::role_from_string(r.role);
      it.context = std::move(r.context);
      it.headers = std::move(r.headers);
      it.title = std::move(r.title);
      if (r.method == "POST") {
        it.method = std::move(r.method);
        it.body = std::move(r.body);
      }
      it.policy = derive_policy(it);
      // A registry website still queued is checked when it is fetched (the row does not
      // keep the flag).
      it.verify = websites.count(it.url) != 0;
      frontier_.enqueue(std::move(it));
    });
    if (!rows) return rows;
    if (auto st = resume_site_checks(**last, websites, std::move(fetched_websites)); !st) {
      return st;
    }
  }
  start_.refresh = opts_.refresh;
  // Every known document joins the frontier table by one INSERT ... SELECT on a full
  // refresh; an adaptive one queues only those due, as rows of their own.
  start_.known_documents = opts_.refresh && !revisit_.adaptive();
  items = claim_platform_items(std::move(items));
  frontier_.reserve(items.size());
  for (auto& it : items) {
    it.policy = derive_policy(it);
    if (frontier_.seen(it.url)) continue;
    // The known documents' frontier rows are copied by start_run straight from the
    // documents table (in the same order, after the seeds and sources).
    if (it.kind != ItemKind::kKnown || !start_.known_documents) start_.frontier.push_back(it);
    frontier_.enqueue(std::move(it));
  }
  // Documents not due tonight are not fetched, also when a page links to them.
  summary_.not_due = revisit_.hold_back(frontier_);
  return {};
}

// A resumed run and its registry websites: the verdicts the run already recorded hold (a
// site that failed its check stays out: its queued pages are not crawled); a website whose
// home page was fetched without a verdict of this run (fetched by a version of policyindex
// that did not check, or its verdict lost) is fetched again and checked.
Status Crawl::resume_site_checks(int64_t run, const std::unordered_set<std::string>& websites,
                                 std::vector<Item> fetched) {
  if (websites.empty()) return {};
  auto checks = corpus::SiteStatus(store_.catalog()).site_checks();
  if (!checks) return tl::make_unexpected(checks.error());
  std::unordered_map<std::string, const corpus::SiteCheck*> this_run;  // by website URL
  for (const auto& c : *checks) {
    if (c.run_id && *c.run_id == run) this_run[c.url] = &c;
  }
  for (const auto& url : websites) {
    auto c = this_run.find(url);
    if (c == this_run.end() || c->second->verdict != corpus::SiteVerdict::kMismatch) continue;
    const corpus::SiteCheck& check = *c->second;
    const std::string why = "site not verified: " + check.reason + " (--no-verify crawls it)";
    for (const auto& u : {check.url, check.final_url}) {
      if (auto p = parse_url(u)) unverified_.emplace(p->origin(), why);
    }
  }
  for (auto& it : fetched) {
    if (this_run.count(it.url)) continue;
    it.policy = derive_policy(it);
    frontier_.enqueue(std::move(it));  // seen already: queued again for its check
  }
  return {};
}

}  // namespace policyindex::crawler
