// A town's page linking to Municode, eCode360 and Google Drive, crawled end to end over
// loopback with the platforms' real host names (libcurl's resolve list): the documents are
// stored under their human URLs and attributed to the town; a broken API answer and a
// Drive virus-scan page are recorded as platform problems and lose nothing else; a resumed
// crawl carries the adapter's requests on.

#include <gtest/gtest.h>

#include "corpus/corpus.h"
#include "corpus/crawl_ledger.h"
#include "corpus/sql.h"
#include "crawler/crawler.h"
#include "crawler/platforms/platform.h"
#include "tests/crawler/platform_hosts.h"
#include "tests/testing/testing.h"

namespace policyindex::crawler {
namespace {

using testing::PlatformHosts;

constexpr const char* kTown = "www.maplewood-ma.gov";
constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kHtml = "text/html; charset=utf-8";
const std::string kGoodFile = "1MaplewoodWelcomingPolicy0123456789";
const std::string kBigFile = "1MaplewoodTrustPolicyScanned0123456789";
constexpr const char* kPdf = "%PDF-1.4\n% Maplewood Welcoming Town Policy\n1 0 obj <<>> endobj\n%%EOF\n";

void serve_platforms(PlatformHosts& h) {
  const std::string lib = h.origin("library.municode.com");
  h.route(kTown, "/", {200, kHtml, R"(<!DOCTYPE html><html><head><title>Town of Maplewood, Massachusetts</title></head><body>
<h1>Town of Maplewood</h1>
<ul>
 <li><a href=")" + lib + R"(/ma/maplewood/codes/code_of_ordinances">Code of Ordinances</a></li>
 <li><a href=")" + h.origin("ecode360.com") + R"(/MA0777">General Bylaws (eCode360)</a></li>
 <li><a href=")" + h.origin("drive.google.com") + "/file/d/" + kGoodFile + R"(/view?usp=sharing">Welcoming Town Policy</a></li>
 <li><a href=")" + h.origin("drive.google.com") + "/file/d/" + kBigFile + R"(/view">Trust Policy (scanned)</a></li>
</ul></body></html>)"});

  // Municode's API: client, product, latest job, table of contents, content.
  h.route("api.municode.com", "/Clients/name?clientName=maplewood&stateAbbr=ma",
          {200, kJson, R"({"ClientID": 9104, "ClientName": "Maplewood", "State": {"StateAbbreviation": "MA"}})"});
  h.route("api.municode.com", "/ClientContent/9104",
          {200, kJson, R"({"codes": [{"productId": 31337, "productName": "Code of Ordinances"}], "features": {}, "munidocs": []})"});
  h.route("api.municode.com", "/Jobs/latest/31337", {200, kJson, R"({"Id": 480001, "Name": "Supplement 4"})"});
  h.route("api.municode.com", "/codesToc?jobId=480001&productId=31337", {200, kJson, R"({"Id": "ROOT", "Children": [
      {"Id": "CH2AD", "Heading": "Chapter 2 - ADMINISTRATION", "HasChildren": true},
      {"Id": "CH9WECO", "Heading": "Chapter 9 - WELCOMING COMMUNITY", "HasChildren": true},
      {"Id": "CH20TR", "Heading": "Chapter 20 - TRAFFIC", "HasChildren": true}]})"});
  // A broken answer: the API moved this listing behind an HTML page.
  h.route("api.municode.com", "/codesToc/children?jobId=480001&nodeId=CH2AD&productId=31337",
          {200, kHtml, "<!DOCTYPE html><html><body>We have moved.</body></html>"});
  h.route("api.municode.com", "/CodesContent?jobId=480001&nodeId=CH9WECO&productId=31337",
          {200, kJson, R"({"Docs": [{"Id": "CH9WECO", "Title": "Chapter 9 - WELCOMING COMMUNITY", "Content": ""},
             {"Id": "CH9WECO_S9-2", "Title": "Sec. 9-2. - Civil immigration detainers.",
              "Content": "<p>No Maplewood officer shall hold a person on a civil immigration detainer.</p>"}]})"});

  // eCode360: the code's contents and a chapter's print view.
  h.route("ecode360.com", "/MA0777", {200, kHtml, R"(<!DOCTYPE html><html><head><title>Town of Maplewood, MA</title></head><body>
<div id="toc"><a class="titleLink" href="/MA0777">Town of Maplewood</a>
<a class="titleLink" href="/40220041">Chapter 41: Trust and Welcoming Bylaw</a>
<a class="titleLink" href="/40220120">Chapter 120: Dogs</a></div></body></html>)"});
  h.route("ecode360.com", "/print/MA0777?guid=40220041&children=true", {200, kHtml, R"(<html><head><title>Chapter 41</title></head><body>
<div class="printHeader">Chapter 41: Trust and Welcoming Bylaw</div>
<div class="para">Town departments shall not enforce federal civil immigration law.</div></body></html>)"});

  // Drive: a file, and a file too large for the virus scan.
  h.route("drive.google.com", "/uc?export=download&id=" + kGoodFile, {200, "application/pdf", kPdf});
  h.route("drive.google.com", "/uc?export=download&id=" + kBigFile, {200, kHtml, R"(<!DOCTYPE html><html><head>
<title>Google Drive - Virus scan warning</title></head><body><p>Google Drive can't scan this file for viruses.</p>
<form id="download-form" action="/download" method="get"><input type="hidden" name="confirm" value="t"></form></body></html>)"});
}

class PlatformsEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serve_platforms(hosts_);
    auto s = corpus::Store::open(tmp_ / "data");
    ASSERT_TRUE(s) << s.error().message;
    store_.emplace(std::move(*s));
    corpus::Municipality town;
    town.name = "Maplewood";
    town.county = "Middlesex";
    town.kind = "town";
    town.website = hosts_.origin(kTown) + "/";
    ASSERT_OK(store_->catalog().upsert_municipalities({town}));
    auto id = store_->catalog().find_municipality("Maplewood");
    ASSERT_TRUE(id && *id);
    town_id_ = **id;
  }

  CrawlOptions options() const {
    CrawlOptions o;
    o.delay_ms = 0;
    o.per_host = 2;
    o.depth = 2;
    o.retries = 0;
    o.timeout_ms = 5000;
    o.resolve = hosts_.resolve();
    return o;
  }

  std::optional<corpus::DocumentRow> doc(const std::string& url) {
    auto d = store_->catalog().document_by_url(url);
    EXPECT_TRUE(d.has_value()) << url;
    return d ? *d : std::nullopt;
  }

  std::string bytes_of(const corpus::DocumentRow& d) {
    auto v = store_->catalog().version(*d.current_version_id);
    if (!v || !*v) return {};
    auto b = store_->blobs().read((*v)->sha256);
    return b ? *b : std::string();
  }

  std::vector<corpus::FetchRecord> fetches(const std::string& url) {
    corpus::CrawlLedger ledger(store_->catalog());
    auto f = ledger.fetches_of(url);
    EXPECT_TRUE(f.has_value());
    return f ? *f : std::vector<corpus::FetchRecord>{};
  }

  testing::TempDir tmp_;
  PlatformHosts hosts_;
  std::optional<corpus::Store> store_;
  int64_t town_id_ = 0;
};

TEST_F(PlatformsEndToEndTest, DocumentsOnEveryPlatformAreStoredUnderTheirHumanUrlsForTheTown) {
  CrawlOptions o = options();
  o.seeds.push_back({hosts_.origin(kTown) + "/", "Maplewood", "", "seed"});
  auto s = crawl(*store_, o);
  ASSERT_TRUE(s) << s.error().message;
  const std::string summary = summary_json(*s);

  const std::string municode_url = hosts_.origin("library.municode.com") +
                                   "/ma/maplewood/codes/code_of_ordinances?nodeId=CH9WECO";
  const std::string ecode_url = hosts_.origin("ecode360.com") + "/40220041";
  const std::string drive_url = hosts_.origin("drive.google.com") + "/file/d/" + kGoodFile + "/view";
  for (const auto& url : {municode_url, ecode_url, drive_url}) {
    auto d = doc(url);
    ASSERT_TRUE(d) << url << "\n" << summary;
    EXPECT_EQ(d->municipality_id, town_id_) << url;
    ASSERT_TRUE(d->current_version_id) << url;
  }
  auto m = doc(municode_url);
  EXPECT_NE(bytes_of(*m).find("civil immigration detainer"), std::string::npos);
  EXPECT_EQ(m->title, "Chapter 9 - WELCOMING COMMUNITY");
  EXPECT_NE(bytes_of(*doc(ecode_url)).find("federal civil immigration law"), std::string::npos);
  EXPECT_EQ(bytes_of(*doc(drive_url)), kPdf);
  // The fetch log has the URL fetched (the API call), not the human one.
  const std::string content_api = hosts_.origin("api.municode.com") +
                                  "/CodesContent?jobId=480001&nodeId=CH9WECO&productId=31337";
  auto f = fetches(content_api);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, corpus::FetchOutcome::kFetched);
  EXPECT_TRUE(fetches(municode_url).empty());
  // Listings are read, not stored; traffic and dogs were never asked for.
  EXPECT_FALSE(*store_->catalog().document_by_url(hosts_.origin("api.municode.com") + "/Jobs/latest/31337"));
  for (const auto& r : hosts_.requests()) {
    EXPECT_EQ(r.find("CH20TR"), std::string::npos) << r;
    EXPECT_EQ(r.find("40220120"), std::string::npos) << r;
  }

  // The broken API answer: a platform problem naming the platform and the URL.
  const std::string broken = hosts_.origin("api.municode.com") +
                             "/codesToc/children?jobId=480001&nodeId=CH2AD&productId=31337";
  f = fetches(broken);
  ASSERT_EQ(f.size(), 1u) << summary;
  EXPECT_EQ(f[0].outcome, corpus::FetchOutcome::kPlatformProblem);
  EXPECT_NE(f[0].error.find("municode"), std::string::npos) << f[0].error;
  EXPECT_NE(f[0].error.find(broken), std::string::npos) << f[0].error;
  EXPECT_NE(f[0].error.find("HTML page where its API answers JSON"), std::string::npos) << f[0].error;
  // Drive's virus-scan page: a problem, nothing stored under the file's URL.
  const std::string big_view = hosts_.origin("drive.google.com") + "/file/d/" + kBigFile + "/view";
  f = fetches(hosts_.origin("drive.google.com") + "/uc?export=download&id=" + kBigFile);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].outcome, corpus::FetchOutcome::kPlatformProblem);
  EXPECT_NE(f[0].error.find("virus-scan warning"), std::string::npos) << f[0].error;
  auto big = doc(big_view);
  EXPECT_TRUE(!big || !big->current_version_id);
  bool reported = false;
  for (const auto& o2 : s->failed) reported = reported || o2.url == big_view;
  EXPECT_TRUE(reported) << summary;
  EXPECT_EQ(s->new_documents.size(), 4u) << summary;  // the town page and three documents
}

TEST_F(PlatformsEndToEndTest, AResumedCrawlFetchesAPlatformRequestAsItWasQueued) {
  CrawlOptions o = options();
  o.seeds.push_back({hosts_.origin(kTown) + "/", "Maplewood", "", "seed"});
  ASSERT_OK(crawl(*store_, o));
  const std::string ecode_url = hosts_.origin("ecode360.com") + "/40220041";
  const std::string print_url =
      hosts_.origin("ecode360.com") + "/print/MA0777?children=true&guid=40220041";
  ASSERT_EQ(fetches(print_url).size(), 1u);
  // As if the crawl had been killed before the chapter was fetched.
  auto& cat = store_->catalog();
  ASSERT_OK(corpus::sql::exec(cat, "UPDATE crawl_runs SET finished_at=NULL WHERE id=(SELECT max(id) FROM crawl_runs)"));
  ASSERT_OK(corpus::sql::exec(cat, "UPDATE frontier SET state='queued' WHERE url='" + ecode_url + "'"));

  CrawlOptions again = options();  // no seeds: the unfinished run is resumed
  auto s = crawl(*store_, again);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->resumed);
  auto f = fetches(print_url);
  ASSERT_EQ(f.size(), 2u);  // fetched again through the print view ...
  EXPECT_EQ(f[1].outcome, corpus::FetchOutcome::kUnchanged);  // ... as the same document
  ASSERT_EQ(s->unchanged.size(), 1u);
  EXPECT_EQ(s->unchanged[0].url, ecode_url);
  EXPECT_EQ(s->unchanged[0].municipality_id, town_id_);
}

// Bad input: a listing that never ends (each level names one more), a table of contents
// wider than the per-town share, and a redirect loop across two platforms. Each is a
// recorded outcome; the crawl ends and keeps what it found.
class PlatformsBadInputTest : public PlatformsEndToEndTest {
 protected:
  // A town page linking to the code and to a Drive file whose export link loops through
  // eCode360; the table of contents is `toc`.
  Result<CrawlSummary> crawl_with_toc(const std::string& toc) {
    hosts_.route(kTown, "/bylaws", {200, kHtml, R"(<html><body>
 <a href=")" + hosts_.origin("library.municode.com") + R"(/ma/maplewood/codes/code_of_ordinances">Code of Ordinances</a>
 <a href=")" + hosts_.origin("drive.google.com") + R"(/file/d/1LoopingPolicyFile0123456789/view">Welcoming policy</a>
</body></html>)"});
    hosts_.route("api.municode.com", "/codesToc?jobId=480001&productId=31337", {200, kJson, toc});
    const std::string loop_export =
        hosts_.origin("drive.google.com") + "/uc?export=download&id=1LoopingPolicyFile0123456789";
    hosts_.route("drive.google.com", "/uc?export=download&id=1LoopingPolicyFile0123456789",
                 {302, kHtml, "", hosts_.origin("ecode360.com") + "/print/MA0777?guid=9&children=true"});
    hosts_.route("ecode360.com", "/print/MA0777?guid=9&children=true", {302, kHtml, "", loop_export});
    CrawlOptions o = options();
    o.seeds.push_back({hosts_.origin(kTown) + "/bylaws", "Maplewood", "", "seed"});
    return crawl(*store_, o);
  }

  std::string children_url(int i) const {
    return hosts_.origin("api.municode.com") + "/codesToc/children?jobId=480001&nodeId=N" +
           std::to_string(i) + "&productId=31337";
  }
};

TEST_F(PlatformsBadInputTest, AnEndlessListingStopsAtTheDepthGuardAndARedirectLoopIsRefused) {
  for (int i = 0; i < 40; ++i) {
    hosts_.route("api.municode.com",
                 "/codesToc/children?jobId=480001&nodeId=N" + std::to_string(i) + "&productId=31337",
                 {200, kJson, R"([{"Id": "N)" + std::to_string(i + 1) +
                                  R"(", "Heading": "Administration, continued", "HasChildren": true}])"});
  }
  auto s = crawl_with_toc(R"({"Id": "ROOT", "Children": [{"Id": "N0", "Heading": "Administration", "HasChildren": true}]})");
  ASSERT_TRUE(s) << s.error().message;
  const std::string summary = summary_json(*s);
  int deepest = -1;
  std::string last_error;
  for (int i = 0; i < 40; ++i) {
    auto f = fetches(children_url(i));
    if (f.empty()) break;
    deepest = i;
    last_error = f.back().error;
    if (f.back().outcome == corpus::FetchOutcome::kPlatformProblem) break;
  }
  ASSERT_GE(deepest, 2) << summary;
  EXPECT_LT(deepest, 12);
  EXPECT_NE(last_error.find("levels deep"), std::string::npos) << last_error;
  EXPECT_NE(last_error.find("municode"), std::string::npos) << last_error;
  EXPECT_TRUE(fetches(children_url(deepest + 1)).empty());

  // The redirect loop across platforms: refused by the redirect check, reported.
  bool loop = false;
  for (const auto& f : s->failed) loop = loop || f.reason.find("redirect loop") != std::string::npos;
  EXPECT_TRUE(loop) << summary;
  auto page = doc(hosts_.origin(kTown) + "/bylaws");
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->current_version_id);
}

TEST_F(PlatformsBadInputTest, AListingWiderThanTheTownsShareIsCutAndRecorded) {
  std::string toc = R"({"Id": "ROOT", "Children": [)";
  for (int i = 0; i < 300; ++i) {
    toc += std::string(i ? ", " : "") + R"({"Id": "W)" + std::to_string(i) +
           R"(", "Heading": "Welcoming provisions part )" + std::to_string(i) + R"(", "HasChildren": false})";
  }
  toc += "]}";
  auto s = crawl_with_toc(toc);
  ASSERT_TRUE(s) << s.error().message;
  size_t asked = 0;
  for (const auto& r : hosts_.requests()) {
    asked += r.rfind("api.municode.com", 0) == 0 && r.find("/robots.txt") == std::string::npos;
  }
  EXPECT_EQ(asked, static_cast<size_t>(platforms::kMaxRequestsPerAdapterPerTown));
  size_t capped = 0;
  for (const auto& f : s->failed) capped += f.reason.find("more than 200 requests") != std::string::npos;
  EXPECT_EQ(capped, 300u + 4u - static_cast<size_t>(platforms::kMaxRequestsPerAdapterPerTown));
  auto page = doc(hosts_.origin(kTown) + "/bylaws");
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->current_version_id);
}

// Laserfiche WebLink 11: the browse page is an application; the folder listings are POSTs
// to the listing service (read-only queries), the documents ElectronicFile GETs. A resumed
// crawl sends a queued listing POST again, body and all.
class LaserficheWebLink11Test : public PlatformsEndToEndTest {
 protected:
  static constexpr const char* kLf = "records.maplewood-ma.gov";
  static constexpr const char* kService = "/WebLink/FolderListingService.aspx/GetFolderListing2";

  void SetUp() override {
    PlatformsEndToEndTest::SetUp();
    hosts_.route(kTown, "/police", {200, kHtml, R"(<html><body><h1>Police Department</h1>
 <a href=")" + hosts_.origin(kLf) + R"(/WebLink/Browse.aspx?id=100&dbid=0&repo=Maplewood">Police Department policies and general orders (records)</a>
</body></html>)"});
    hosts_.route(kLf, "/WebLink/Browse.aspx?id=100&dbid=0&repo=Maplewood", {200, kHtml,
        "<!DOCTYPE html><html><head><title>Laserfiche WebLink</title><base href=\"/WebLink/\">"
        "</head><body><app-root></app-root><script src=\"main.js\"></script></body></html>"});
    hosts_.route_post(kLf, kService, "\"folderId\":100", {200, kJson, R"({"data":{"failed":false,"totalEntries":2,"results":[
      {"entryId":5012,"name":"General Order 7 - Civil Immigration Detainers","type":-2,"extension":"pdf"},
      {"entryId":150,"name":"Policies","type":0,"extension":""}]}})"});
    hosts_.route_post(kLf, kService, "\"folderId\":150", {200, kJson, R"({"data":{"failed":false,"totalEntries":1,"results":[
      {"entryId":5020,"name":"Policy 402 - Bias-Free Policing","type":-2,"extension":"pdf"}]}})"});
    for (const char* id : {"5012", "5020"}) {
      hosts_.route(kLf, std::string("/WebLink/ElectronicFile.aspx?docid=") + id + "&dbid=0&repo=Maplewood",
                   {200, "application/pdf", std::string("%PDF-1.4\n% Maplewood record ") + id + "\n%%EOF\n"});
    }
  }

  std::string doc_view(const char* id) const {
    return hosts_.origin(kLf) + "/WebLink/DocView.aspx?dbid=0&id=" + id + "&repo=Maplewood";
  }
};

TEST_F(LaserficheWebLink11Test, ListingPostsReachTheDocumentsForTheTown) {
  CrawlOptions o = options();
  o.depth = 3;
  o.seeds.push_back({hosts_.origin(kTown) + "/police", "Maplewood", "", "seed"});
  auto s = crawl(*store_, o);
  ASSERT_TRUE(s) << s.error().message;
  const std::string summary = summary_json(*s);
  for (const char* id : {"5012", "5020"}) {
    auto d = doc(doc_view(id));
    std::string seen;
    for (const auto& r : hosts_.requests()) seen += r + "\n";
    ASSERT_TRUE(d && d->current_version_id) << doc_view(id) << "\n" << seen;
    EXPECT_EQ(d->municipality_id, town_id_);
    EXPECT_NE(bytes_of(*d).find(std::string("record ") + id), std::string::npos);
  }
  EXPECT_EQ(doc(doc_view("5012"))->title, "General Order 7 - Civil Immigration Detainers");
  // Two listing POSTs with the JSON query, one per folder; nothing else was POSTed.
  auto posts = hosts_.posts();
  ASSERT_EQ(posts.size(), 2u) << summary;
  for (const auto& p : posts) {
    EXPECT_EQ(p.rfind(std::string(kLf) + " " + kService + " {", 0), 0u) << p;
    EXPECT_NE(p.find("\"repoName\":\"Maplewood\""), std::string::npos) << p;
  }
  // The listings are read, not stored; their fetch-log rows name the service URL.
  EXPECT_FALSE(*store_->catalog().document_by_url(
      hosts_.origin(kLf) + std::string(kService) + "?dbid=0&folderId=150&repoName=Maplewood"));
  EXPECT_EQ(fetches(hosts_.origin(kLf) + kService).size(), 2u);
}

TEST_F(LaserficheWebLink11Test, AResumedCrawlSendsAQueuedListingPostAgain) {
  CrawlOptions o = options();
  o.depth = 3;
  o.seeds.push_back({hosts_.origin(kTown) + "/police", "Maplewood", "", "seed"});
  ASSERT_OK(crawl(*store_, o));
  ASSERT_EQ(hosts_.posts().size(), 2u);
  // As if the crawl had been killed before the subfolder's listing was answered.
  auto& cat = store_->catalog();
  ASSERT_OK(corpus::sql::exec(cat, "UPDATE crawl_runs SET finished_at=NULL WHERE id=(SELECT max(id) FROM crawl_runs)"));
  const std::string sub =
      hosts_.origin(kLf) + std::string(kService) + "?dbid=0&folderId=150&repoName=Maplewood";
  ASSERT_OK(corpus::sql::exec(cat, "UPDATE frontier SET state='queued' WHERE url='" + sub + "'"));
  auto s = crawl(*store_, options());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->resumed);
  auto posts = hosts_.posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_NE(posts[2].find("\"folderId\":150"), std::string::npos) << posts[2];
}

}  // namespace
}  // namespace policyindex::crawler
