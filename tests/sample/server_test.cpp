// The loopback sample server: one address per town on one port, robots.txt, redirects,
// Content-Types, cp1252 bytes verbatim, conditional GET, bad targets, the access log.

#include <curl/curl.h>

#include <cstring>
#include <memory>

#include "demo/sample/sample_site.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

namespace fs = std::filesystem;

struct Reply {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string location;
  std::string etag;
};

size_t on_body(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

size_t on_header(char* p, size_t size, size_t n, void* ud) {
  auto* r = static_cast<Reply*>(ud);
  std::string line(p, size * n);
  auto value = [&](const char* name) -> std::string {
    std::string lower = line;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind(name, 0) != 0) return "";
    std::string v = line.substr(std::strlen(name));
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.pop_back();
    return v;
  };
  if (auto v = value("content-type: "); !v.empty()) r->content_type = v;
  if (auto v = value("location: "); !v.empty()) r->location = v;
  if (auto v = value("etag: "); !v.empty()) r->etag = v;
  return size * n;
}

Reply fetch(const std::string& url, const std::string& header = "", bool head = false) {
  Reply r;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> c(curl_easy_init(), curl_easy_cleanup);
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c.get(), CURLOPT_HEADERDATA, &r);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(c.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c.get(), CURLOPT_PATH_AS_IS, 1L);
  if (head) curl_easy_setopt(c.get(), CURLOPT_NOBODY, 1L);
  curl_slist* headers = nullptr;
  if (!header.empty()) headers = curl_slist_append(headers, header.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> h(headers, curl_slist_free_all);
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(c.get());
  EXPECT_EQ(rc, CURLE_OK) << url << ": " << curl_easy_strerror(rc);
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

class SampleServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sample = sample::load_sample(sample::default_sample_dir());
    ASSERT_OK(sample);
    sample_ = *sample;
    sample::ServerOptions opts;
    opts.access_log = dir_ / "access.log";
    auto server = sample::Server::start(sample_, opts);
    ASSERT_OK(server);
    server_ = std::move(*server);
  }
  std::string url(const std::string& slug, const std::string& path) {
    std::string base = server_->url(slug);
    return base.substr(0, base.size() - 1) + path;
  }
  testing::TempDir dir_;
  sample::SampleSet sample_;
  std::unique_ptr<sample::Server> server_;
};

TEST_F(SampleServerTest, ServesEveryTownOnItsOwnAddress) {
  ASSERT_EQ(sample_.sites.size(), 12u);
  EXPECT_NE(server_->port(), 0);
  for (const auto& site : sample_.sites) {
    EXPECT_EQ(server_->url(site.slug),
              "http://" + site.address + ":" + std::to_string(server_->port()) + "/");
    Reply r = fetch(server_->url(site.slug));
    EXPECT_EQ(r.status, 200) << site.slug;
    EXPECT_EQ(r.content_type, "text/html") << site.slug;
    // The home page names its own town: the address decides the site, not the Host header.
    std::string first_word = site.municipality.substr(0, site.municipality.find(' '));
    EXPECT_NE(r.body.find(first_word), std::string::npos) << site.slug;
  }
  EXPECT_EQ(server_->url("atlantis"), "");
}

TEST_F(SampleServerTest, ServesRobotsTxtAndDocumentsWithTheirTypes) {
  Reply robots = fetch(url("brantwick", "/robots.txt"));
  EXPECT_EQ(robots.status, 200);
  EXPECT_EQ(robots.content_type, "text/plain; charset=utf-8");
  EXPECT_NE(robots.body.find("Disallow: /staff/"), std::string::npos);
  EXPECT_EQ(fetch(url("wexcombe", "/robots.txt")).status, 404);  // no robots.txt: allow all

  Reply pdf = fetch(url("ashgrove", "/police/manual/policy-3-12-immigration.pdf"));
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  Reply docx = fetch(url("kettle-point", "/police/policies/community-trust-policy.docx"));
  EXPECT_EQ(docx.content_type,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(docx.body.rfind("PK", 0), 0u);
  EXPECT_EQ(docx.body,
            testing::read_file(sample_.root /
                               "sites/kettle-point/police/policies/community-trust-policy.docx"));
}

TEST_F(SampleServerTest, RedirectsMovedDocumentsAndDirectories) {
  Reply moved = fetch(url("marrowfield", "/uploads/2019/trust-bylaw.pdf"));
  EXPECT_EQ(moved.status, 301);
  EXPECT_EQ(moved.location, url("marrowfield", "/documents/general-bylaws/article-24-trust.pdf"));
  EXPECT_EQ(fetch(moved.location).status, 200);
  Reply temp = fetch(url("alderbrook", "/police-department"));
  EXPECT_EQ(temp.status, 302);
  EXPECT_EQ(temp.location, url("alderbrook", "/police/"));
  Reply dir = fetch(url("alderbrook", "/police"));
  EXPECT_EQ(dir.status, 301);
  EXPECT_EQ(dir.location, url("alderbrook", "/police/"));
  // The redirect belongs to Marrowfield only.
  EXPECT_EQ(fetch(url("wexcombe", "/uploads/2019/trust-bylaw.pdf")).status, 404);
}

TEST_F(SampleServerTest, ServesWindows1252BytesVerbatim) {
  Reply r = fetch(url("quillfield", "/mayor/executive-order-2021-3-welcoming-city.html"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html");  // no charset parameter: the page's <meta> decides
  EXPECT_NE(r.body.find("H\xE9l\xE8ne"), std::string::npos);
  EXPECT_NE(r.body.find("\x93Social Security number\x94"), std::string::npos);
  EXPECT_EQ(r.body, testing::read_file(
                        sample_.root /
                        "sites/quillfield/mayor/executive-order-2021-3-welcoming-city.html"));
}

TEST_F(SampleServerTest, AnswersConditionalRequestsHeadAndBadTargets) {
  const std::string u = url("dunmore-landing", "/code/title-2/chapter-2-129.html");
  Reply first = fetch(u);
  ASSERT_EQ(first.status, 200);
  ASSERT_FALSE(first.etag.empty());
  Reply again = fetch(u, "If-None-Match: " + first.etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(fetch(u, "If-None-Match: \"something-else\"").status, 200);
  EXPECT_EQ(fetch(u, "If-Modified-Since: Mon, 04 Mar 2024 12:00:00 GMT").status, 304);
  Reply head = fetch(u, "", true);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(fetch(url("dunmore-landing", "/no/such/page.html")).status, 404);
  EXPECT_EQ(fetch(url("dunmore-landing", "/code/../../../etc/passwd")).status, 400);
  EXPECT_EQ(fetch(url("dunmore-landing", "/code/%2e%2e/%2e%2e/x")).status, 400);
  EXPECT_EQ(fetch(url("dunmore-landing", "/code/title-2/chapter-2-129.html?print=1")).status, 200);
}

TEST_F(SampleServerTest, LogsEveryRequestToMemoryAndFile) {
  fetch(url("brantwick", "/robots.txt"));
  fetch(url("brantwick", "/police/"));
  auto log = server_->access_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].address, "127.0.0.9");
  EXPECT_EQ(log[0].target, "/robots.txt");
  EXPECT_EQ(log[1].status, 200);
  server_->stop();
  std::string file = testing::read_file(dir_ / "access.log");
  EXPECT_NE(file.find("127.0.0.9 GET /robots.txt 200 "), std::string::npos) << file;
  EXPECT_NE(file.find("127.0.0.9 GET /police/ 200 "), std::string::npos) << file;
}

TEST_F(SampleServerTest, TwoServersRunSideBySideAndAFixedBusyPortFails) {
  auto other = sample::Server::start(sample_);
  ASSERT_OK(other);
  EXPECT_NE((*other)->port(), server_->port());
  EXPECT_EQ(fetch((*other)->url("ashgrove")).status, 200);
  sample::ServerOptions same;
  same.port = server_->port();
  auto clash = sample::Server::start(sample_, same);
  ASSERT_FALSE(clash);
  EXPECT_NE(clash.error().message.find(std::to_string(server_->port())), std::string::npos)
      << clash.error().message;
}

TEST(SampleRegistryTest, RewritesThePortAndRoundTrips) {
  auto sample = sample::load_sample(sample::default_sample_dir());
  ASSERT_OK(sample);
  auto reg = sample::sample_registry(*sample, 9123);
  ASSERT_OK(reg);
  ASSERT_EQ(reg->municipalities.size(), 12u);
  EXPECT_EQ(reg->municipalities[0].website, "http://127.0.0.2:9123/");
  for (const auto& s : reg->sources) {
    EXPECT_NE(s.url.find(":9123/"), std::string::npos) << s.url;
  }
  testing::TempDir dir;
  ASSERT_OK(sample::write_registry(*reg, dir.path()));
  auto back = corpus::read_registry(dir.path());
  ASSERT_OK(back);
  EXPECT_EQ(back->municipalities.size(), 12u);
  EXPECT_EQ(back->sources.size(), reg->sources.size());
  EXPECT_EQ(back->municipalities[2].population, 11420);
}

TEST(SampleManifestTest, BadManifestNamesFileAndLine) {
  testing::TempDir dir;
  fs::create_directories(dir / "sites/a");
  testing::write_file(dir / "sites.tsv", "slug\tmunicipality\taddress\na\tA\t10.0.0.1\n");
  testing::write_file(dir / "redirects.tsv", "site\tfrom\tto\tstatus\n");
  auto r = sample::load_sample(dir.path());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("sites.tsv:2"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("127/8"), std::string::npos);
  auto missing = sample::load_sample(dir / "nowhere");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nowhere"), std::string::npos);
}

}  // namespace
}  // namespace policyindex
