// The crawl's loop: everything here runs on the engine's thread. The frontier says what may
// start; requests go to the engine; each response is judged by the response policy and its
// result handed to the sink. Redirects are followed by hand (each hop checked for scheme,
// loops and the robots.txt of its host), failed attempts retried after a backoff, known
// documents fetched with a conditional GET.

#include "crawler/crawl.h"

#include <algorithm>

#include "crawler/follow.h"
#include "crawler/internal.h"
#include "crawler/platform_links.h"

namespace policyindex::crawler {
namespace {

using corpus::FetchOutcome;

constexpr size_t kParseCap = 8u << 20;       // HTML/XML kept in memory for link discovery
constexpr size_t kErrorBodyCap = 1u << 20;   // bodies of error responses are read and dropped
constexpr int kTickMs = 200;

bool is_html(std::string_view content_type) {
  return content_type.find("html") != std::string_view::npos;
}

corpus::RevisitRole listing_role(const Item& page, std::string_view html) {
  return looks_like_listing(page, html) ? corpus::RevisitRole::kListing
                                        : corpus::RevisitRole::kDocument;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<CrawlSummary> run_crawl(corpus::Store& store, const CrawlOptions& options,
                               ProgressSink* progress, std::unique_ptr<Engine> engine,
                               const Clock& clock) {
  Crawl c(store, options, progress, std::move(engine), clock);
  return c.run();
}

Result<CrawlSummary> crawl(corpus::Store& store, const CrawlOptions& options,
                           ProgressSink* progress) {
  if (options.concurrency < 1 || options.per_host < 1 || options.delay_ms < 0 ||
      options.depth < 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "crawl: --concurrency and --per-host must be at least 1, --delay-ms and "
                      "--depth at least 0");
  }
  SteadyClock clock;
  return run_crawl(store, options, progress, Engine::create(), clock);
}

Crawl::Crawl(corpus::Store& store, const CrawlOptions& o, ProgressSink* p,
             std::unique_ptr<Engine> engine, const Clock& clock)
    : store_(store),
      ledger_(store.catalog()),
      opts_(o),
      progress_(p),
      engine_(std::move(engine)),
      clock_(clock),
      rng_(std::random_device{}()),
      revisit_(o, store.catalog()),
      frontier_(o, *this),
      sink_(store.blobs(), ledger_, known_, revisit_) {
  ua_ = opts_.user_agent.empty() ? default_user_agent() : opts_.user_agent;
  agent_token_ = lower(ua_.substr(0, ua_.find_first_of("/ ")));
}

Crawl::~Crawl() = default;

Result<CrawlSummary> Crawl::run() {
  started_ = clock_.now();
  if (auto st = prepare_run(); !st) return tl::make_unexpected(st.error());
  sink_.start(std::move(start_));
  if (opts_.handle_signals) {
    engine_->on_signal([this] {
      summary_.interrupted = true;
      stopping_ = true;
      engine_->stop();
    });
  }
  engine_->after(0, [this] { pump(); });
  engine_->after(kTickMs, [this] { tick(); });
  engine_->run();
  sink_.submit();   // the last batch goes to the commit thread before the connections close
  engine_.reset();  // drops transfers still in flight (interrupted)
  sink_.stop();     // commits what is queued (waiting for the writers), then ends
  summary_.run_id = sink_.run_id();
  collect();
  if (fatal_) return tl::make_unexpected(*fatal_);
  summary_.parked_hosts = frontier_.parked_hosts();
  summary_.limit_reached = frontier_.limit_reached();
  summary_.elapsed_s = seconds_since_start();
  if (progress_) progress_->update(snapshot());
  if (auto st = ledger_.finish_run(summary_.interrupted, summary_json(summary_, false)); !st) {
    return tl::make_unexpected(st.error());
  }
  return std::move(summary_);
}

double Crawl::seconds_since_start() const {
  return std::chrono::duration<double>(clock_.now() - started_).count();
}

// -- scheduling ------------------------------------------------------------------------------

void Crawl::pump() {
  if (stopping_) return;
  const auto now = clock_.now();
  auto wake = frontier_.schedule(now);
  if (wake && (!wake_at_ || *wake < *wake_at_)) {
    wake_at_ = *wake;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*wake - now).count() + 1;
    engine_->after(std::max<int64_t>(ms, 1), [this] {
      wake_at_.reset();
      pump();
    });
  }
  maybe_done();
}

void Crawl::maybe_done() {
  if (stopping_ || in_flight_ > 0 || frontier_.has_work()) return;
  stopping_ = true;
  engine_->stop();
}

void Crawl::tick() {
  if (stopping_) return;
  sink_.submit();
  collect();
  if (fatal_) {
    stopping_ = true;
    engine_->stop();
    return;
  }
  if (progress_) progress_->update(snapshot());
  engine_->after(kTickMs, [this] { tick(); });
}

HttpRequest Crawl::base_request(const std::string& url) const {
  HttpRequest r;
  r.url = url;
  r.connect_timeout_ms = opts_.connect_timeout_ms;
  r.timeout_ms = opts_.timeout_ms;
  r.low_speed_bytes = opts_.low_speed_bytes;
  r.low_speed_seconds = opts_.low_speed_seconds;
  r.max_bytes = opts_.max_bytes;
  r.user_agent = ua_;
  r.resolve = opts_.resolve;
  return r;
}

// -- robots.txt ------------------------------------------------------------------------------

void Crawl::fetch_robots(Host& h) {
  HttpRequest req = base_request(h.origin + "/robots.txt");
  req.follow_redirects = true;  // RFC 9309: follow at least five
  req.max_redirects = 5;
  // No early refusal by Content-Length: a longer file is read up to kRobotsMaxBytes (§2.5).
  req.max_bytes = 0;
  auto buf = std::make_shared<std::string>();
  ++in_flight_;
  ++summary_.requests;
  const auto start = clock_.now();
  h.next_start = start + std::chrono::milliseconds(opts_.delay_ms);
  Host* hp = &h;
  engine_->start(
      req,
      [buf](std::string_view b, const HttpResponse&) {
        const size_t room = kRobotsMaxBytes - buf->size();
        buf->append(b.substr(0, room));
        return b.size() < room;  // stop at the cap: what was read is used
      },
      [this, hp, buf, start](HttpResponse r) {
        robots_done(*hp, *buf, std::move(r), start);
        pump();
      });
}

void Crawl::robots_done(Host& host, const std::string& body, HttpResponse r,
                        Clock::TimePoint start) {
  --in_flight_;
  summary_.bytes += r.bytes;
  corpus::FetchRecord log;
  log.url = host.origin + "/robots.txt";
  log.municipality_id = host.municipality_id;
  log.started_at = r.started_at;
  if (r.status) log.http_status = r.status;
  log.bytes = r.bytes;
  log.elapsed_ms = r.total_ms;
  RobotsVerdict verdict = judge_robots(r, body, agent_token_);
  const std::string& unreachable = verdict.unreachable;
  if (!verdict.robots) {
    log.outcome = FetchOutcome::kRobotsUnreachable;
    log.error = unreachable;
    sink_.add_log(std::move(log));
    // RFC 9309 §2.3.1.4: an unreachable robots.txt means "assume complete disallow".
    host.robots_state = RobotsState::kUnreachable;
    frontier_.park(host, "robots.txt unreachable (" + unreachable + "); host not crawled now");
    return;
  }
  log.outcome = FetchOutcome::kRobots;
  sink_.add_log(std::move(log));
  host.robots = std::move(*verdict.robots);
  host.robots_state = RobotsState::kReady;
  if (auto d = host.robots.crawl_delay_ms()) {
    host.delay_ms = std::max(opts_.delay_ms, std::min(*d, opts_.max_crawl_delay_ms));
  }
  host.next_start = start + std::chrono::milliseconds(host.delay_ms);
  if (host.seed_host && opts_.depth > 0) {
    for (const auto& sm : host.robots.sitemaps()) {
      auto u = parse_url(sm);
      if (!u || !same_site(u->host, host.name) || frontier_.seen(u->str())) continue;
      Item it;
      it.url = it.fetch_url = u->str();
      it.kind = ItemKind::kSitemap;
      it.municipality_id = host.municipality_id;
      sink_.add_frontier(it);
      frontier_.enqueue(std::move(it));
    }
  }
}

// -- documents -------------------------------------------------------------------------------

void Crawl::start(Host& h, Item it) {
  if (auto why = not_verified(h, it); !why.empty()) {
    frontier_.ended(h);
    drop(std::move(it), Disposition::kFailed, FetchOutcome::kFailed, std::move(why));
    return;
  }
  const bool platform = !it.adapter.empty();
  if (platform) {
    if (auto refused = platform_guard(it)) {
      frontier_.ended(h);
      drop(std::move(it), Disposition::kFailed, FetchOutcome::kPlatformProblem, *refused);
      return;
    }
  }
  HttpRequest req = base_request(it.fetch_url);
  for (auto& line : header_lines(it.headers)) req.headers.push_back(std::move(line));
  if (it.method == "POST") {  // a platform's read-only query (platforms::Request::method)
    req.method = it.method;
    req.body = it.body;
  }
  bool conditional = false;
  const bool sitemap = it.kind == ItemKind::kSitemap;
  if (!sitemap) {
    ++docs_in_flight_;
    if (auto k = known_.find(it.url); it.method.empty() && k != known_.end()) {
      if (!k->second.etag.empty()) {
        req.headers.push_back("If-None-Match: " + k->second.etag);
        conditional = true;
      }
      if (!k->second.last_modified.empty()) {
        req.headers.push_back("If-Modified-Since: " + k->second.last_modified);
        conditional = true;
      }
    }
  }
  if (conditional) ++summary_.conditional;
  ++in_flight_;
  ++summary_.requests;
  auto body = std::make_shared<Body>();
  body->store = !sitemap && !(platform && it.role == platforms::Role::kListing);
  // A platform's responses go to its adapter: listings whole, documents their first bytes.
  body->prefix = platform && it.role == platforms::Role::kDocument;
  const bool keep_all = sitemap || platform;
  // Pages at the depth limit are stored but not read for links: no copy is kept.
  const bool may_discover = keep_all || it.depth < opts_.depth;
  Host* hp = &h;
  engine_->start(
      req,
      [this, body, keep_all, may_discover](std::string_view b, const HttpResponse& head) {
        if (body->head.size() < kBlockSniffBytes) {
          body->head.append(b.substr(0, kBlockSniffBytes - body->head.size()));
        }
        if (head.status < 200 || head.status >= 300) return head.bytes <= kErrorBodyCap;
        if (head.bytes > opts_.max_bytes) {
          body->too_large = true;
          return false;
        }
        if (!body->decided) {
          body->decided = true;
          // By the bytes, not only the server's word: a page served as octet-stream is read
          // for links, a PDF served as text/html is not.
          const std::string type = recorded_content_type(b, head.content_type, "", "");
          body->keep = may_discover &&
                       (keep_all || is_html(type) ||
                        (head.content_type.empty() && type.find("application/") == std::string::npos));
        }
        if (body->store) {
          if (!body->job) body->job = sink_.new_job();
          sink_.write(body->job, b);
        }
        if (body->keep) {
          if (body->buffer.size() + b.size() <= kParseCap) {
            body->buffer.append(b);
          } else if (body->prefix) {
            body->buffer.append(b.substr(0, kParseCap - body->buffer.size()));
          } else {
            body->keep = false;
            body->buffer.clear();
            body->buffer.shrink_to_fit();
          }
        }
        return true;
      },
      [this, hp, it = std::move(it), body, conditional](HttpResponse r) mutable {
        on_done(*hp, std::move(it), std::move(r), *body, conditional);
        pump();
      });
}

void Crawl::on_done(Host& h, Item it, HttpResponse r, Body& body, bool conditional) {
  frontier_.ended(h);
  --in_flight_;
  const bool sitemap = it.kind == ItemKind::kSitemap;
  if (!sitemap) --docs_in_flight_;
  summary_.bytes += r.bytes;
  bytes_ += r.bytes;
  corpus::FetchRecord log;
  log.url = it.fetch_url;
  log.started_at = r.started_at;
  if (r.status) log.http_status = r.status;
  log.bytes = r.bytes;
  log.elapsed_ms = r.total_ms;
  log.conditional = conditional;
  log.municipality_id = it.municipality_id;
  if (stopping_) return;  // interrupted: the URL stays queued in the frontier

  // A login wall or a firewall challenge (at any status, 200 included) is a block: recorded
  // as such for the town, never stored, never retried.
  if (!body.too_large && !r.too_large) {
    if (auto blk = classify_block(r, body.head, it.fetch_url)) {
      body.abort();
      frontier_.reset_failures(h);
      log.municipality_id = it.municipality_id;
      Finished f = failed(std::move(it), Disposition::kBlocked, blk->kind, blk->reason);
      f.log = std::move(log);
      f.log.outcome = blk->kind;
      f.log.error = f.reason;
      if (r.status) f.http_status = r.status;
      finish(std::move(f));
      return;
    }
  }
  const Verdict v = judge_response(r, body.too_large, opts_.max_bytes);
  if (v.host_answered) frontier_.reset_failures(h);
  if (r.server.rfind("Microsoft-IIS", 0) == 0) frontier_.mark_case_insensitive(h.name);
  switch (v.action) {
    case Action::kRetry:
      body.abort();
      retry_or_fail(h, std::move(it), r, v, std::move(log));
      return;
    case Action::kRedirect:
      body.abort();
      log.outcome = FetchOutcome::kRedirect;
      redirect(std::move(it), r, std::move(log));
      return;
    case Action::kFail:
      if (v.outcome != FetchOutcome::kHttpError) {  // too large, or the transfer failed
        body.abort();
        if (v.host_failure) frontier_.count_failure(h);
        Finished f = failed(std::move(it), Disposition::kFailed, v.outcome, v.reason);
        f.log = std::move(log);
        f.log.outcome = v.outcome;
        f.log.error = f.reason;
        if (v.outcome == FetchOutcome::kTooLarge) f.http_status = r.status;
        finish(std::move(f));
        if (v.host_failure) frontier_.park_if_failing(h, v.reason);
        return;
      }
      break;  // a final HTTP status: recorded below
    default:
      break;
  }
  Finished f;
  f.log = std::move(log);
  f.log.outcome = v.outcome;
  f.http_status = r.status;
  f.bytes = r.bytes;
  f.filename = content_disposition_filename(r.content_disposition);
  // The type the bytes show (a PDF served as application/octet-stream, from an .aspx URL).
  f.content_type = recorded_content_type(body.head, r.content_type, f.filename, it.fetch_url);
  f.etag = r.etag;
  f.last_modified = r.last_modified;
  switch (v.action) {
    case Action::kNotModified:
      f.disposition = Disposition::kNotModified;
      // The page did not change, but its links are still wanted: read them from the store.
      if (!sitemap && it.depth < opts_.depth) {
        if (auto k = known_.find(it.url); k != known_.end()) {
          if (is_html(k->second.content_type) && k->second.size <= kParseCap) {
            if (auto bytes = store_.blobs().read(k->second.sha256)) {
              if (!it.verify || check_home_page(it, *bytes, true, f)) {
                follow_links(it, *bytes, frontier_, f.discovered);
                f.role = listing_role(it, *bytes);
              }
            }
          }
        }
      }
      break;
    case Action::kStore:
      ++ok_count_;
      if (!it.adapter.empty()) {
        platform_done(it, r, body, f);
      } else if (sitemap) {
        f.disposition = Disposition::kSitemap;
        follow_sitemap(it, body.buffer, frontier_, f.discovered);
        revisit_.read_sitemap(it, body.buffer, known_, frontier_, f.discovered,
                              f.sitemap_lastmods);
      } else {
        if (!body.job) body.job = sink_.new_job();  // an empty body
        sink_.seal(body.job);
        f.job = std::move(body.job);
        f.disposition = Disposition::kStored;
        const bool follow =
            !it.verify || check_home_page(it, body.keep ? std::string_view(body.buffer)
                                                        : std::string_view(body.head),
                                          is_html(f.content_type), f);
        if (follow && body.keep && it.depth < opts_.depth && is_html(f.content_type) &&
            !queue_recognised_page(it, body.buffer, frontier_, f.discovered)) {
          follow_links(it, body.buffer, frontier_, f.discovered, &f.canonical);
          f.role = listing_role(it, body.buffer);
        }
      }
      break;
    case Action::kGone:
      f.disposition = Disposition::kGone;
      f.reason = v.reason;
      f.log.error = f.reason;
      break;
    default:  // a final HTTP status
      f.disposition = Disposition::kFailed;
      f.reason = v.reason;
      f.log.error = f.reason;
      break;
  }
  body.abort();
  f.item = std::move(it);
  finish(std::move(f));
}

// -- platforms (crawler/platforms) ------------------------------------------------------------

std::string Crawl::platform_key(std::string_view adapter, std::optional<int64_t> town) {
  std::string key(adapter);
  key += '\t';
  key += town ? std::to_string(*town) : std::string("-");
  return key;
}

// Why a platform request may not start: its adapter has had its share of the town's
// requests, or the listing has gone too deep (a listing that never ends).
std::optional<std::string> Crawl::platform_guard(const Item& it) {
  if (it.depth > opts_.depth + platforms::kMaxListingDepth) {
    return it.adapter + " (" + it.fetch_url + "): listing more than " +
           std::to_string(platforms::kMaxListingDepth) +
           " levels deep below the link; not followed";
  }
  int& n = platform_requests_[platform_key(it.adapter, it.municipality_id)];
  if (n >= platforms::kMaxRequestsPerAdapterPerTown) {
    return it.adapter + " (" + it.fetch_url + "): more than " +
           std::to_string(platforms::kMaxRequestsPerAdapterPerTown) +
           " requests for one town in this run; the rest of the listing is not followed";
  }
  ++n;
  return std::nullopt;
}

// A 2xx answer to a platform request: its adapter reads it. New requests join the frontier;
// a document it accepts is stored under its human URL; a listing is read, not stored; an
// answer it cannot read is a platform problem (nothing stored).
void Crawl::platform_done(Item& it, const HttpResponse& r, Body& body, Finished& f) {
  const platforms::Adapter* a = platforms::find_adapter(it.adapter);
  if (!a) {
    f.disposition = Disposition::kFailed;
    f.reason = "no platform adapter named '" + it.adapter + "' for " + it.fetch_url +
               " (a frontier row written by another version of policyindex)";
    f.log.outcome = FetchOutcome::kPlatformProblem;
    f.log.error = f.reason;
    return;
  }
  platforms::Response resp;
  resp.status = r.status;
  resp.content_type = r.content_type;
  resp.body = body.buffer;
  resp.effective_url = r.effective_url.empty() ? std::string_view(it.fetch_url)
                                               : std::string_view(r.effective_url);
  platforms::Reading reading = a->read(platform_request(it), resp);
  std::vector<Item> next;
  platform_items(it, *a, std::move(reading.requests), next);
  for (auto& n : next) {
    if (frontier_.seen(n.url)) continue;
    n.policy = derive_policy(n);
    f.discovered.push_back(n);
    frontier_.enqueue(std::move(n));
  }
  if (!reading.problem.empty()) {
    f.disposition = Disposition::kFailed;
    f.reason = it.adapter + " (" + it.fetch_url + "): " + reading.problem;
    f.log.outcome = FetchOutcome::kPlatformProblem;
    f.log.error = f.reason;
    return;
  }
  if (!reading.store || it.role == platforms::Role::kListing) {
    f.disposition = Disposition::kListing;
    return;
  }
  if (!reading.body.empty()) {  // the adapter's own rendering of the answer
    body.abort();
    body.job = sink_.new_job();
    sink_.write(body.job, reading.body);
    if (!reading.content_type.empty()) f.content_type = reading.content_type;
    f.bytes = reading.body.size();
  }
  if (!body.job) body.job = sink_.new_job();  // an empty body
  sink_.seal(body.job);
  f.job = std::move(body.job);
  f.disposition = Disposition::kStored;
  if (it.role == platforms::Role::kPage && body.keep && it.depth < opts_.depth &&
      is_html(r.content_type)) {
    follow_links(it, body.buffer, frontier_, f.discovered);
  }
}

void Crawl::retry_or_fail(Host& h, Item it, const HttpResponse& r, const Verdict& v,
                          corpus::FetchRecord log) {
  if (v.host_failure) frontier_.count_failure(h);
  if (it.attempts < opts_.retries && !h.parked) {
    ++it.attempts;
    ++summary_.retries;
    const int64_t jitter =
        std::uniform_int_distribution<int64_t>(0, std::max(1, opts_.retry_base_ms / 2))(rng_);
    const int64_t backoff = retry_delay_ms(it.attempts, opts_.retry_base_ms, jitter, r.retry_after,
                                           opts_.retry_after_cap_ms);
    log.outcome = FetchOutcome::kRetry;
    log.error = v.reason + " (retry " + std::to_string(it.attempts) + " in " +
                std::to_string(backoff) + " ms)";
    sink_.add_log(std::move(log));
    it.not_before = clock_.now() + std::chrono::milliseconds(backoff);
    frontier_.retry_later(h, std::move(it));
  } else {
    Finished f = failed(std::move(it), Disposition::kFailed, v.outcome, v.reason);
    f.log = std::move(log);
    f.log.outcome = v.outcome;
    f.log.error = v.reason;
    if (r.status) f.http_status = r.status;
    finish(std::move(f));
  }
  if (v.host_failure) frontier_.park_if_failing(h, v.reason);
}

void Crawl::redirect(Item it, const HttpResponse& r, corpus::FetchRecord log) {
  auto target = redirect_target(it, r);
  if (!target) {
    Finished f =
        failed(std::move(it), Disposition::kFailed, FetchOutcome::kFailed, target.error().message);
    f.log = std::move(log);
    f.log.outcome = FetchOutcome::kFailed;
    f.log.error = f.reason;
    f.http_status = r.status;
    finish(std::move(f));
    return;
  }
  std::string t = target->str();  // as the Location is written
  log.error = "-> " + t;
  sink_.add_log(std::move(log));
  it.chain.push_back(it.fetch_url);
  it.fetch_url = t;
  // A redirected POST is followed with a GET (as browsers and curl do for 301-303): a
  // WebLink listing sent to its login page is read as that page.
  it.method.clear();
  it.body.clear();
  ++it.redirects;
  frontier_.mark_seen(*canonical_url(t));
  frontier_.requeue_front(frontier_.host_of(*target), std::move(it));
}

// -- results ---------------------------------------------------------------------------------

Finished Crawl::failed(Item it, Disposition d, FetchOutcome outcome, std::string reason) {
  Finished f;
  f.log.url = it.fetch_url;
  f.log.municipality_id = it.municipality_id;
  f.log.started_at = corpus::now_iso8601();
  f.log.outcome = outcome;
  f.log.error = reason;
  f.item = std::move(it);
  f.disposition = d;
  f.reason = std::move(reason);
  return f;
}

void Crawl::drop(Item it, Disposition d, FetchOutcome outcome, std::string reason) {
  finish(failed(std::move(it), d, outcome, std::move(reason)));
}

void Crawl::finish(Finished f) {
  if (f.item.verify && !f.site_check) note_site_not_read(f);
  ++fetched_;
  if (f.disposition == Disposition::kFailed || f.disposition == Disposition::kDisallowed ||
      f.disposition == Disposition::kBlocked) {
    ++failed_;
  }
  sink_.add(std::move(f));
}

// Counts what the commit thread has committed; takes over its error.
void Crawl::collect() {
  std::vector<UrlOutcome> done;
  auto error = sink_.collect(done);
  if (error && !fatal_) fatal_ = std::move(error);
  for (auto& o : done) {
    std::vector<UrlOutcome>* list = &summary_.failed;
    switch (o.outcome) {
      case UrlResult::kNew:
        list = &summary_.new_documents;
        break;
      case UrlResult::kNewVersion:
        list = &summary_.new_versions;
        break;
      case UrlResult::kUnchanged:
        list = &summary_.unchanged;
        break;
      case UrlResult::kGone:
        list = &summary_.gone;
        break;
      case UrlResult::kDisallowed:
        list = &summary_.disallowed;
        break;
      case UrlResult::kBlocked:
        list = &summary_.blocked;
        break;
      case UrlResult::kFailed:
        break;
    }
    if (o.outcome == UrlResult::kNew || o.outcome == UrlResult::kNewVersion) ++stored_;
    list->push_back(std::move(o));
  }
}

Progress Crawl::snapshot() const {
  Progress p;
  p.fetched = fetched_;
  p.stored = stored_;
  p.queued = frontier_.queued();
  p.in_flight = in_flight_;
  p.failed = failed_;
  p.bytes = bytes_;
  p.elapsed_s = seconds_since_start();
  p.stragglers = frontier_.stragglers(3);
  return p;
}

}  // namespace policyindex::crawler
