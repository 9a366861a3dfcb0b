// The crawler against real nginx servers on loopback: discovery, robots.txt, politeness,
// conditional re-crawls, changed and removed files, and resume after SIGKILL.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "corpus/corpus.h"
#include "corpus/sql.h"
#include "crawler/crawler.h"
#include "tests/testing/nginx.h"
#include "tests/testing/testing.h"

extern char** environ;

namespace policyindex::crawler {
namespace {

using testing::TempDir;
using testing::write_file;

std::string pdf(const std::string& what) { return "%PDF-1.4\n% fictional test file: " + what + "\n%%EOF\n"; }

// Two fictional towns. Ashbrook (127.0.0.2) links its policies from police and clerk pages;
// Corvale (127.0.0.3) has a town code page and a sitemap named in robots.txt.
void make_sites(const std::filesystem::path& root, int port) {
  const std::string corvale = "http://127.0.0.3:" + std::to_string(port);
  auto a = root / "ashbrook";
  write_file(a / "robots.txt", "User-agent: *\nDisallow: /private/\n");
  write_file(a / "index.html",
             "<html><head><title>Town of Ashbrook, Massachusetts</title></head><body>"
             "<a href='/police/'>Police Department</a>"
             "<a href='/clerk/'>Town Clerk</a>"
             "<a href='/parks/'>Parks and Recreation</a>"
             "<a href='/privacy-policy.html'>Privacy Policy</a>"
             "<a href='/private/immigration-draft.pdf'>Immigration Policy Draft</a>"
             "<a href='/ordinances/welcoming.html'>Welcoming Community Ordinance</a>"
             "<a href='/rec/ice-rink.pdf'>Ice Rink Rules</a>"
             "<a href='/calendar.html?month=5'>Calendar</a>"
             "<a href='mailto:clerk@ashbrook.example'>Email the clerk</a>"
             "<a href='" + corvale + "/bylaws.html'>Corvale bylaws</a>"
             "</body></html>");
  write_file(a / "police/index.html",
             "<a href='policies.html'>Policies and Procedures</a>"
             "<a href='../police/./policies.html#top'>Policies (again)</a>"
             "<a href='/parks/'>Parks</a>");
  write_file(a / "police/policies.html",
             "<h1>Policies</h1><a href='go-4-12.pdf'>General Order 4.12 &ndash; Civil Immigration Detainers</a>"
             "<a href='use-of-force.pdf'>Use of Force</a>"
             "<a href='/private/x.pdf'>Internal</a>"
             "<a href='" + corvale + "/shared/county-mou.pdf'>County agreement</a>");
  write_file(a / "police/go-4-12.pdf", pdf("general order 4.12"));
  write_file(a / "police/use-of-force.pdf", pdf("use of force"));
  // Windows-1252, as legacy municipal pages are.
  write_file(a / "clerk/index.html",
             "<html><body><p>Caf\xE9 hours \x96 9 to 5</p>"
             "<a href='general-bylaws.pdf'>General Bylaws (PDF)</a>"
             "<a href='bylaw-amendments-2019.pdf'>Bylaw amendments \x96 2019</a>"
             "<a href='annual-report.pdf'>Annual Town Report</a></body></html>");
  write_file(a / "clerk/general-bylaws.pdf", pdf("general bylaws"));
  write_file(a / "clerk/bylaw-amendments-2019.pdf", pdf("bylaw amendments"));
  write_file(a / "clerk/annual-report.pdf", pdf("annual report"));
  write_file(a / "ordinances/welcoming.html",
             "<h1>Welcoming Community Ordinance</h1><a href='welcoming-full.pdf'>Full text</a>");
  write_file(a / "ordinances/welcoming-full.pdf", pdf("welcoming full text"));
  write_file(a / "parks/index.html", "<a href='/parks/policy.pdf'>Park policy</a>");
  write_file(a / "rec/ice-rink.pdf", pdf("rink"));
  write_file(a / "privacy-policy.html", "privacy");
  write_file(a / "private/immigration-draft.pdf", pdf("draft"));

  auto c = root / "corvale";
  write_file(c / "robots.txt", "User-agent: *\nDisallow: /drafts/\nSitemap: " + corvale + "/sitemap.xml\n");
  write_file(c / "index.html",
             "<h1>Town of Corvale, Massachusetts</h1><a href='/code/'>Town Code</a>"
             "<a href='/about.html'>About</a>");
  write_file(c / "code/index.html",
             "<a href='ch12-trust.pdf'>Chapter 12 Trust Ordinance</a><a href='ch5-dogs.pdf'>Chapter 5 Dogs</a>");
  write_file(c / "code/ch12-trust.pdf", pdf("trust ordinance"));
  write_file(c / "code/ch5-dogs.pdf", pdf("dogs"));
  write_file(c / "sitemap.xml",
             "<?xml version='1.0'?><urlset><url><loc>" + corvale + "/legal/sanctuary-resolution.pdf</loc></url>"
             "<url><loc>" + corvale + "/about.html</loc></url>"
             "<url><loc>" + corvale + "/drafts/immigration.pdf</loc></url></urlset>");
  write_file(c / "legal/sanctuary-resolution.pdf", pdf("sanctuary resolution"));
  write_file(c / "drafts/immigration.pdf", pdf("draft"));
  write_file(c / "about.html", "about");
  write_file(c / "bylaws.html", "bylaws");
  write_file(c / "shared/county-mou.pdf", pdf("county mou"));
}

void make_registry(const std::filesystem::path& dir, int port) {
  write_file(dir / "municipalities.tsv",
             "name\tcounty\tkind\tpopulation\twebsite\n"
             "Ashbrook\tEssex\ttown\t1000\thttp://127.0.0.2:" + std::to_string(port) + "/\n"
             "Corvale\tEssex\ttown\t2000\thttp://127.0.0.3:" + std::to_string(port) + "/\n");
}

std::set<std::string> document_urls(corpus::Catalog& cat, int port) {
  auto s = corpus::sql::prepare(cat, "SELECT url FROM documents ORDER BY url");
  std::set<std::string> out;
  const std::string p = ":" + std::to_string(port);
  while (*s->step()) {
    std::string u = s->text(0);
    u.replace(u.find(p), p.size(), "");
    out.insert(u);
  }
  return out;
}

int64_t count(corpus::Catalog& cat, const std::string& sql) {
  auto s = corpus::sql::prepare(cat, sql);
  EXPECT_TRUE(s) << sql;
  EXPECT_TRUE(*s->step());
  return s->int64(0);
}

class CrawlNginxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int probe = testing::free_port();
    (void)probe;
    nginx_ = std::make_unique<testing::Nginx>(
        tmp_ / "nginx", std::vector<testing::NginxSite>{{"127.0.0.2", tmp_ / "www/ashbrook", ""},
                                                        {"127.0.0.3", tmp_ / "www/corvale", ""}});
    make_sites(tmp_ / "www", nginx_->port());
    make_registry(tmp_ / "registry", nginx_->port());
    auto store = corpus::Store::open(tmp_ / "data");
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::make_unique<corpus::Store>(std::move(*store));
    opts_.registry = tmp_ / "registry";
    opts_.delay_ms = 150;
    opts_.per_host = 2;
  }

  TempDir tmp_;
  std::unique_ptr<testing::Nginx> nginx_;
  std::unique_ptr<corpus::Store> store_;
  CrawlOptions opts_;
};

TEST_F(CrawlNginxTest, DiscoversExactlyThePolicyDocumentsAndHonoursRobotsAndDelay) {
  auto s = crawl(*store_, opts_);
  ASSERT_TRUE(s) << s.error().message;
  std::set<std::string> want = {
      "http://127.0.0.2/",
      "http://127.0.0.2/police/",
      "http://127.0.0.2/police/policies.html",
      "http://127.0.0.2/police/go-4-12.pdf",
      "http://127.0.0.2/police/use-of-force.pdf",
      "http://127.0.0.2/clerk/",
      "http://127.0.0.2/clerk/general-bylaws.pdf",
      "http://127.0.0.2/clerk/bylaw-amendments-2019.pdf",
      "http://127.0.0.2/ordinances/welcoming.html",
      "http://127.0.0.2/ordinances/welcoming-full.pdf",
      // Not "http://127.0.0.3/shared/county-mou.pdf": a PDF on another town's site, linked
      // from Ashbrook's page, is not Ashbrook's document (the link policy follows off-site
      // documents only on document hosts).
      "http://127.0.0.3/",
      "http://127.0.0.3/code/",
      "http://127.0.0.3/code/ch12-trust.pdf",
      "http://127.0.0.3/code/ch5-dogs.pdf",  // every chapter of a town code
      "http://127.0.0.3/legal/sanctuary-resolution.pdf",
  };
  EXPECT_EQ(document_urls(store_->catalog(), nginx_->port()), want);
  EXPECT_EQ(s->new_documents.size(), want.size());
  EXPECT_TRUE(s->failed.empty()) << summary_json(*s);
  EXPECT_EQ(s->disallowed.size(), 3u) << summary_json(*s);  // two /private/ links, one /drafts/

  // Municipalities and doc types.
  auto& cat = store_->catalog();
  auto ash = cat.find_municipality("Ashbrook");
  ASSERT_TRUE(ash && *ash);
  auto go = cat.document_by_url(nginx_->base("127.0.0.2") + "/police/go-4-12.pdf");
  ASSERT_TRUE(go && *go);
  EXPECT_EQ((*go)->municipality_id, **ash);
  EXPECT_EQ((*go)->doc_type, "police_policy");
  auto trust = cat.document_by_url(nginx_->base("127.0.0.3") + "/code/ch12-trust.pdf");
  ASSERT_TRUE(trust && *trust);
  EXPECT_EQ((*trust)->doc_type, "ordinance");
  EXPECT_NE((*trust)->municipality_id, **ash);
  // The Windows-1252 page is stored byte for byte.
  auto clerk = cat.document_by_url(nginx_->base("127.0.0.2") + "/clerk/");
  ASSERT_TRUE(clerk && *clerk);
  auto v = cat.version(*(*clerk)->current_version_id);
  auto bytes = store_->blobs().read((*v)->sha256);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, testing::read_file(tmp_ / "www/ashbrook/clerk/index.html"));
  // Seeds are kept for refreshes.
  EXPECT_EQ(count(cat, "SELECT count(*) FROM sources WHERE kind='website'"), 2);

  // The servers' view: nothing disallowed or out of scope requested, every URL once, and
  // at least delay_ms between request starts on one host.
  auto log = nginx_->access_log();
  std::map<std::string, int> hits;
  std::map<std::string, std::vector<double>> starts;
  for (const auto& e : log) {
    hits[e.address + e.path]++;
    starts[e.address].push_back(e.start);
    for (const char* never : {"/private/", "/drafts/", "/parks/", "/rec/", "/about.html",
                              "/calendar", "annual-report", "privacy", "/bylaws.html"}) {
      EXPECT_EQ(e.path.find(never), std::string::npos) << e.path;
    }
  }
  for (const auto& [url, n] : hits) EXPECT_EQ(n, 1) << url;
  for (auto& [addr, times] : starts) {
    std::sort(times.begin(), times.end());
    for (size_t i = 1; i < times.size(); ++i) {
      EXPECT_GE(times[i] - times[i - 1], 0.120) << addr << " request " << i;
    }
  }
  // A fetch-log row for every request (disallowed URLs get one too, without a request).
  EXPECT_EQ(count(cat, "SELECT count(*) FROM fetch_log WHERE outcome<>'disallowed'"),
            static_cast<int64_t>(log.size()));
  EXPECT_EQ(count(cat, "SELECT count(*) FROM fetch_log WHERE outcome='disallowed'"), 3);
}

TEST_F(CrawlNginxTest, SecondCrawlIsConditionalAndAChangeAddsOneVersion) {
  opts_.delay_ms = 0;
  auto first = crawl(*store_, opts_);
  ASSERT_TRUE(first) << first.error().message;
  auto& cat = store_->catalog();
  const int64_t versions = count(cat, "SELECT count(*) FROM versions");
  const size_t docs = first->new_documents.size();
  ASSERT_GT(docs, 10u);
  // Every version's blob is in the store, and no temporary file is left behind (the commit
  // thread makes blob files ahead of need; the unused ones go at the end).
  {
    auto shas = corpus::sql::prepare(cat, "SELECT sha256 FROM versions");
    ASSERT_TRUE(shas);
    int64_t n = 0;
    while (*shas->step()) {
      EXPECT_TRUE(store_->blobs().contains(shas->text(0))) << shas->text(0);
      ++n;
    }
    EXPECT_EQ(n, versions);
  }
  EXPECT_TRUE(std::filesystem::is_empty(store_->blobs().dir() / "tmp"));
  size_t log_before = nginx_->access_log().size();

  auto second = crawl(*store_, opts_);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(count(cat, "SELECT count(*) FROM versions"), versions);
  EXPECT_EQ(second->unchanged.size(), docs);
  EXPECT_TRUE(second->new_documents.empty());
  EXPECT_EQ(second->conditional, static_cast<int64_t>(docs));
  auto log = nginx_->access_log();
  for (size_t i = log_before; i < log.size(); ++i) {
    if (log[i].path == "/robots.txt" || log[i].path == "/sitemap.xml") continue;
    EXPECT_FALSE(log[i].if_none_match.empty() && log[i].if_modified_since.empty()) << log[i].path;
    EXPECT_EQ(log[i].status, 304) << log[i].path;
  }

  // One file changes, one disappears: exactly one new version, one gone document.
  write_file(tmp_ / "www/ashbrook/police/go-4-12.pdf", pdf("general order 4.12, amended"));
  std::filesystem::remove(tmp_ / "www/ashbrook/ordinances/welcoming-full.pdf");
  opts_.registry.clear();
  opts_.refresh = true;  // from the stored sources and known documents
  opts_.revisit.full = true;  // all of them, whatever their revisit schedule
  auto third = crawl(*store_, opts_);
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(count(cat, "SELECT count(*) FROM versions"), versions + 1);
  ASSERT_EQ(third->new_versions.size(), 1u) << summary_json(*third);
  EXPECT_NE(third->new_versions[0].url.find("go-4-12.pdf"), std::string::npos);
  EXPECT_NE(third->new_versions[0].old_version_id, third->new_versions[0].new_version_id);
  ASSERT_EQ(third->gone.size(), 1u) << summary_json(*third);
  auto gone = cat.document(*third->gone[0].document_id);
  EXPECT_EQ((*gone)->status, "gone");
  EXPECT_EQ(third->unchanged.size(), docs - 2);
}

TEST(CrawlPerHostTest, PerHostConcurrencyHolds) {
  TempDir tmp;
  auto root = tmp / "www";
  std::string page = "<h1>Police Department Policies</h1>";
  for (int i = 0; i < 8; ++i) {
    page += "<a href='/p" + std::to_string(i) + ".pdf'>Policy " + std::to_string(i) + "</a>";
    // Distinct bodies: identical ones would be one document (aliases).
    write_file(root / ("p" + std::to_string(i) + ".pdf"),
               std::string(48 * 1024, static_cast<char>('a' + i)));
  }
  write_file(root / "policies.html", page);
  testing::Nginx nginx(tmp / "nginx", {{"127.0.0.4", root, "limit_rate 96k;"}});
  auto store = corpus::Store::open(tmp / "data");
  ASSERT_TRUE(store);
  CrawlOptions o;
  o.seeds.push_back({nginx.base("127.0.0.4") + "/policies.html", "", "policy", "source"});
  o.delay_ms = 0;
  o.per_host = 2;
  o.concurrency = 16;
  auto s = crawl(*store, o);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->new_documents.size(), 9u) << summary_json(*s);
  auto log = nginx.access_log();
  int max_overlap = 0;
  for (const auto& a : log) {
    int overlap = 0;
    double t = a.start + 0.01;
    for (const auto& b : log) overlap += b.start <= t && b.end > t;
    max_overlap = std::max(max_overlap, overlap);
  }
  EXPECT_EQ(max_overlap, 2);
}

// A crawl killed with SIGKILL resumes from the catalog's frontier without refetching what
// it stored.
TEST(CrawlResumeTest, KilledCrawlResumesWithoutRefetching) {
  TempDir tmp;
  auto root = tmp / "www";
  std::string page = "<h1>General Orders</h1>";
  const int n = 60;
  for (int i = 0; i < n; ++i) {
    page += "<a href='/go/" + std::to_string(i) + ".pdf'>General Order " + std::to_string(i) + "</a>";
    write_file(root / ("go/" + std::to_string(i) + ".pdf"), pdf("order " + std::to_string(i)));
  }
  write_file(root / "orders.html", page);
  testing::Nginx nginx(tmp / "nginx", {{"127.0.0.5", root, ""}});
  const std::string data = (tmp / "data").string();
  const std::string seed = nginx.base("127.0.0.5") + "/orders.html";
  auto spawn = [&] {
    std::vector<std::string> args = {testing::policyindex_binary().string(), "--data", data, "crawl",
                                     "--seed", seed, "--delay-ms", "40", "--per-host", "1",
                                     "--format", "json"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, (tmp / "out.json").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
  };
  pid_t pid = spawn();
  // Wait until a good part is stored, then kill -9.
  std::set<std::string> stored;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!std::filesystem::exists(tmp / "data/catalog.sqlite")) continue;
    auto cat = corpus::Catalog::open(tmp / "data/catalog.sqlite");
    if (!cat) continue;
    auto c = corpus::sql::prepare(*cat, "SELECT count(*) FROM versions");
    if (!c) continue;
    auto r = c->step();
    if (r && *r && c->int64(0) >= 15) break;
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the crawl finished before it could be killed";
  {
    auto cat = corpus::Catalog::open(tmp / "data/catalog.sqlite");
    ASSERT_TRUE(cat);
    auto s = corpus::sql::prepare(*cat, "SELECT url FROM documents WHERE current_version_id IS NOT NULL");
    while (*s->step()) stored.insert(s->text(0));
  }
  ASSERT_GE(stored.size(), 15u);
  ASSERT_LT(stored.size(), static_cast<size_t>(n + 1));
  const size_t log_at_kill = nginx.access_log().size();

  pid = spawn();
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  std::string out = testing::read_file(tmp / "out.json");
  EXPECT_NE(out.find("\"resumed\": true"), std::string::npos) << out;

  auto log = nginx.access_log();
  for (size_t i = log_at_kill; i < log.size(); ++i) {
    std::string url = nginx.base("127.0.0.5") + log[i].path;
    EXPECT_EQ(stored.count(url), 0u) << "refetched after resume: " << url;
  }
  auto cat = corpus::Catalog::open(tmp / "data/catalog.sqlite");
  EXPECT_EQ(count(*cat, "SELECT count(*) FROM documents WHERE current_version_id IS NOT NULL"), n + 1);
  EXPECT_EQ(count(*cat, "SELECT count(*) FROM frontier WHERE state='queued'"), 0);
}

}  // namespace
}  // namespace policyindex::crawler
