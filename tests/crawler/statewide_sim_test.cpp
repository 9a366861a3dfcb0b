// The statewide, politeness-bound crawl (bench/statewide) in simulated time: the same shape
// of web as bench/statewide/serve.py — 351 town hosts and 4 platform hosts, each answering
// after its own latency (log-uniform 20-400 ms), a town's home page linking its bylaw PDFs,
// its police page and (for some towns) code chapters on a platform — crawled with the
// default politeness and concurrency on the fake engine and clock. Bodies are a few bytes
// (sizes only cost time, modelled in the latency). What is left is the scheduler: the crawl
// must end within 1.1x the lower bound the per-host delay sets, as the benchmark demands of
// the real crawl, whatever the machine.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "corpus/corpus.h"
#include "crawler/crawl.h"
#include "tests/crawler/fake_engine.h"
#include "tests/testing/testing.h"

namespace policyindex::crawler {
namespace {

using testing::FakeEngine;
using testing::FakeNet;
using testing::FakeReply;
using testing::path_of;
using testing::TempDir;

// Sets an environment variable for its lifetime (the test's own thread only uses it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

struct SimPage {
  std::string type;  // "html", "pdf"
  std::vector<std::pair<std::string, std::string>> links;  // (href, anchor)
};

struct SimHost {
  int64_t latency_ms = 0;
  std::map<std::string, SimPage> pages;  // by path
  bool platform = false;
};

// The generated web, by host name ("town-001.sim.test", "platform-0.sim.test").
struct SimWeb {
  std::map<std::string, SimHost> hosts;

  // The requests a complete crawl of `host` needs: robots.txt and every page and document.
  static int64_t needs(const SimHost& h) { return 1 + static_cast<int64_t>(h.pages.size()); }
};

SimWeb make_web(int towns, int platforms, uint32_t seed) {
  std::mt19937 rng(seed);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto log_uniform = [&](double lo, double hi) {
    return std::exp(uniform(std::log(lo), std::log(hi)));
  };
  SimWeb web;
  std::vector<std::string> platform_names;
  for (int k = 0; k < platforms; ++k) {
    std::string name = "platform-" + std::to_string(k) + ".s3.amazonaws.com";
    SimHost& h = web.hosts[name];
    h.latency_ms = static_cast<int64_t>(log_uniform(30, 250));
    h.platform = true;
    platform_names.push_back(name);
  }
  for (int i = 1; i <= towns; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "town-%03d.sim.test", i);
    const std::string name = buf;
    SimHost& h = web.hosts[name];
    h.latency_ms = static_cast<int64_t>(log_uniform(20, 400));
    const int bylaws = static_cast<int>(log_uniform(2, 16));
    const int orders = static_cast<int>(log_uniform(2, 24));
    SimPage home{"html", {{"/police/", "Police Department policies and general orders"}}};
    SimPage police{"html", {}};
    for (int n = 0; n < bylaws; ++n) {
      std::string p = "/documents/bylaw-" + std::to_string(n) + ".pdf";
      h.pages[p] = {"pdf", {}};
      home.links.emplace_back(p, "General Bylaws chapter " + std::to_string(n));
    }
    for (int n = 0; n < orders; ++n) {
      std::string p = "/police/general-order-" + std::to_string(n) + ".pdf";
      h.pages[p] = {"pdf", {}};
      police.links.emplace_back(p, "General Order " + std::to_string(n));
    }
    if (platforms > 0 && uniform(0, 1) < 0.3) {
      const int k = static_cast<int>(rng() % static_cast<uint32_t>(platforms));
      const int chapters = 1 + static_cast<int>(rng() % 2);
      for (int n = 0; n < chapters; ++n) {
        std::snprintf(buf, sizeof buf, "/town-%03d/chapter-%d.pdf", i, n);
        web.hosts[platform_names[static_cast<size_t>(k)]].pages[buf] = {"pdf", {}};
        home.links.emplace_back("http://" + platform_names[static_cast<size_t>(k)] + buf,
                                "Code of Bylaws chapter " + std::to_string(n));
      }
    }
    home.links.emplace_back("/private/staff", "Staff login");
    h.pages["/"] = std::move(home);
    h.pages["/police/"] = std::move(police);
  }
  return web;
}

std::string host_of(const std::string& url) {
  const size_t start = url.find("://") + 3;
  return url.substr(start, url.find('/', start) - start);
}

FakeReply answer(const SimWeb& web, const HttpRequest& req, int64_t extra_ms) {
  FakeReply r;
  auto h = web.hosts.find(host_of(req.url));
  if (h == web.hosts.end()) {
    r.status = 404;
    r.body = "no such host";
    return r;
  }
  r.latency_ms = h->second.latency_ms + extra_ms;
  const std::string path = path_of(req.url);
  if (path == "/robots.txt") {
    r.content_type = "text/plain";
    r.body = "User-agent: *\nDisallow: /private/\n";
    return r;
  }
  auto p = h->second.pages.find(path);
  if (p == h->second.pages.end()) {
    r.status = 404;
    r.body = "not found";
    return r;
  }
  if (p->second.type == "pdf") {
    r.content_type = "application/pdf";
    r.body = "%PDF-1.4 " + req.url;
    return r;
  }
  r.body = "<html><head><title>" + req.url + "</title></head><body><ul>";
  for (const auto& [href, anchor] : p->second.links) {
    r.body += "<li><a href=\"" + href + "\">" + anchor + "</a></li>";
  }
  r.body += "</ul></body></html>";
  return r;
}

struct SimResult {
  double wall_s = 0;
  double bound_s = 0;
  int64_t requests = 0;
  int64_t needed = 0;
  size_t stored = 0;
  int max_in_flight = 0;
  int impolite = 0;  // two starts on one host closer than the delay
};

// Crawls `web` from its towns' home pages; every answer takes `extra_ms` more than its host's
// latency (the time to send the body, a loaded server).
SimResult run_sim(const SimWeb& web, CrawlOptions opts, int64_t extra_ms) {
  // The store in memory where the system has one: the simulated crawl stores ~6,000 small
  // bodies, whose fsyncs on a disk shared with other jobs took half a minute.
  std::optional<ScopedEnv> tmp;
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) {
    tmp.emplace("TMPDIR", "/dev/shm");
  }
  TempDir dir;
  tmp.reset();
  auto store = corpus::Store::open(dir / "data");
  EXPECT_TRUE(store.has_value());
  SimResult out;
  if (!store) return out;
  FakeNet net;
  net.handler = [&web, extra_ms](const HttpRequest& req) { return answer(web, req, extra_ms); };
  for (const auto& [name, h] : web.hosts) {
    if (!h.platform) opts.seeds.push_back({"http://" + name + "/", "", "", "seed"});
  }
  const int64_t start_ms = net.clock.ms();
  auto s = run_crawl(*store, opts, nullptr, std::make_unique<FakeEngine>(net), net.clock);
  EXPECT_TRUE(s.has_value()) << PI_RESULT_MESSAGE(s);
  if (!s) return out;
  out.wall_s = static_cast<double>(net.clock.ms() - start_ms) / 1000.0;
  for (const auto& [name, h] : web.hosts) {
    out.needed += SimWeb::needs(h);
    out.bound_s = std::max(out.bound_s, static_cast<double>(SimWeb::needs(h) - 1) *
                                                opts.delay_ms / 1000.0 +
                                            static_cast<double>(h.latency_ms) / 1000.0);
  }
  out.requests = static_cast<int64_t>(net.requests.size());
  out.stored = s->new_documents.size();
  out.max_in_flight = net.max_in_flight;
  // Politeness held: on every host, request starts at least the delay apart.
  std::map<std::string, std::vector<int64_t>> starts;
  for (const auto& r : net.requests) starts[host_of(r.url)].push_back(r.start_ms);
  for (const auto& [host, v] : starts) {
    for (size_t i = 1; i < v.size(); ++i) {
      if (v[i] - v[i - 1] < opts.delay_ms) ++out.impolite;
    }
  }
  return out;
}

void report(const char* what, const SimResult& r) {
  std::printf("%s: %.1f s for a lower bound of %.1f s = %.3fx; %lld requests (%lld needed), "
              "%zu stored, at most %d in flight\n",
              what, r.wall_s, r.bound_s, r.wall_s / r.bound_s, static_cast<long long>(r.requests),
              static_cast<long long>(r.needed), r.stored, r.max_in_flight);
}

void expect_complete(const SimResult& r) {
  // Every page and document is fetched (the /private/ link is robots-disallowed: no request),
  // all but the robots.txt files stored.
  EXPECT_EQ(r.requests, r.needed);
  EXPECT_EQ(static_cast<int64_t>(r.stored), r.needed - 355);
  EXPECT_EQ(r.impolite, 0);
}

TEST(StatewideSimTest, TheDefaultPolitenessCrawlEndsNearItsLowerBound) {
  const SimWeb web = make_web(351, 4, 1);
  CrawlOptions opts;  // the defaults: 1 s delay, 2 per host, the default concurrency
  opts.verify_sites = false;
  const SimResult r = run_sim(web, opts, 100);
  report("default options, answers 100 ms slower than the latency", r);
  expect_complete(r);
  EXPECT_LE(r.wall_s, 1.1 * r.bound_s);
}

// With fewer transfer slots than busy hosts, the hosts with the most left to do go first:
// served round-robin instead, the busiest host waited behind towns with time to spare
// (1.2x the bound here).
TEST(StatewideSimTest, ScarceSlotsGoToTheHostsWithTheMostLeft) {
  const SimWeb web = make_web(351, 4, 1);
  CrawlOptions opts;
  opts.verify_sites = false;
  opts.concurrency = 64;
  const SimResult r = run_sim(web, opts, 200);
  report("--concurrency 64, answers 200 ms slower than the latency", r);
  expect_complete(r);
  EXPECT_EQ(r.max_in_flight, 64);
  EXPECT_LE(r.wall_s, 1.1 * r.bound_s);
}

}  // namespace
}  // namespace policyindex::crawler
