// The whole crawl reaching a Laserfiche document and a Legistar attachment from a fictional
// town's seed page: nginx on loopback serves each platform under its real host name
// (CrawlOptions::resolve, as `crawl --resolve`), one loopback address per host.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "corpus/corpus.h"
#include "corpus/sql.h"
#include "crawler/crawler.h"
#include "tests/testing/nginx.h"
#include "tests/testing/testing.h"

namespace policyindex::crawler {
namespace {

using policyindex::testing::TempDir;
using policyindex::testing::write_file;

std::string pdf(const std::string& what) {
  return "%PDF-1.4\n% fictional test file: " + what + "\n%%EOF\n";
}

struct Host {
  const char* name;
  const char* address;
};
constexpr Host kTown{"www.marrowfield-ma.gov", "127.0.0.6"};
constexpr Host kLaserfiche{"lf.marrowfield-ma.gov", "127.0.0.7"};
constexpr Host kLegistar{"marrowfield.legistar.com", "127.0.0.8"};
constexpr Host kLegistarApi{"webapi.legistar.com", "127.0.0.9"};

std::string at(const Host& h, int port) {
  return std::string("http://") + h.name + ":" + std::to_string(port);
}

void make_sites(const std::filesystem::path& www, int port) {
  write_file(www / "town/index.html",
             "<html><head><title>Town of Marrowfield, Massachusetts</title></head><body>"
             "<a href='" +
                 at(kLaserfiche, port) +
                 "/WebLink/Browse.aspx?startid=100&amp;dbid=0'>"
                 "Police Department Records (Laserfiche)</a>"
                 "<a href='" +
                 at(kLegistar, port) +
                 "/Legislation.aspx'>City Council Legislation</a>"
                 "<a href='/parks.html'>Parks</a></body></html>");
  write_file(www / "town/parks.html", "<html><body>Parks</body></html>");

  // Laserfiche WebLink 8: one folder page (served for every folder id) and the file route.
  write_file(
      www / "lf/WebLink/Browse.aspx",
      "<!DOCTYPE html><html><head><title>Laserfiche WebLink</title></head><body><table>"
      "<tr><td><a href='/WebLink/Browse.aspx?startid=150&amp;dbid=0'>Police Policies</a></td></tr>"
      "<tr><td><a href='/WebLink/DocView.aspx?id=4022&amp;dbid=0'>General Order 4.12 - Immigration "
      "Status and Civil Detainers</a></td></tr></table></body></html>");
  write_file(www / "lf/WebLink/ElectronicFile.aspx", pdf("general order 4.12"));

  // Legistar: the client's attachment file, and the Web API's three answers.
  write_file(www / "legistar/View.ashx", pdf("trust act ordinance"));
  write_file(
      www / "api/matters.json",
      "[{\"MatterId\":4987,\"MatterGuid\":\"0A1B2C3D-0000-4000-8000-000000004987\",\"MatterFile\":"
      "\"24-0107\","
      "\"MatterTitle\":\"An ordinance establishing the Marrowfield Trust "
      "Act\",\"MatterTypeName\":\"Ordinance\","
      "\"MatterIntroDate\":\"2024-02-05T00:00:00\"},"
      "{\"MatterId\":4990,\"MatterGuid\":\"0A1B2C3D-0000-4000-8000-000000004990\",\"MatterFile\":"
      "\"24-0110\","
      "\"MatterTitle\":\"Proclamation for the rowing team\",\"MatterTypeName\":\"Proclamation\","
      "\"MatterIntroDate\":\"2024-02-12T00:00:00\"}]");
  write_file(www / "api/events.json", "[]");
  write_file(
      www / "api/attachments.json",
      "[{\"MatterAttachmentId\":9911,\"MatterAttachmentName\":\"Trust Act ordinance - final text\","
      "\"MatterAttachmentHyperlink\":\"" +
          at(kLegistar, port) +
          "/View.ashx?M=F&ID=13001&GUID=AB000000-0000-4000-8000-000000013001\"}]");
}

std::string api_locations(const std::filesystem::path& api) {
  std::string out;
  for (auto [path, file] : {std::pair{"/v1/marrowfield/matters", "matters.json"},
                            {"/v1/marrowfield/events", "events.json"},
                            {"/v1/marrowfield/matters/4987/attachments", "attachments.json"}}) {
    out += std::string("location = ") + path + " { default_type application/json; alias " +
           (api / file).string() + "; } ";
  }
  return out;
}

TEST(RecordsPlatformCrawlTest, ReachesALaserficheDocumentAndALegistarAttachmentFromTheSeedPage) {
  TempDir tmp;
  const auto www = tmp / "www";
  std::filesystem::create_directories(www / "api");
  testing::Nginx nginx(tmp / "nginx",
                       {{kTown.address, www / "town", ""},
                        {kLaserfiche.address, www / "lf",
                         "location ~ ElectronicFile\\.aspx$ { default_type application/pdf; } "
                         "location ~ Browse\\.aspx$ { default_type text/html; }"},
                        {kLegistar.address, www / "legistar",
                         "location ~ View\\.ashx$ { default_type application/pdf; }"},
                        {kLegistarApi.address, www / "api", api_locations(www / "api")}});
  const int port = nginx.port();
  make_sites(www, port);
  write_file(tmp / "registry/municipalities.tsv",
             "name\tcounty\tkind\tpopulation\twebsite\n"
             "Marrowfield\tEssex\ttown\t1000\t" +
                 at(kTown, port) + "/\n");

  auto store = corpus::Store::open(tmp / "data");
  ASSERT_TRUE(store) << store.error().message;
  CrawlOptions opts;
  opts.registry = tmp / "registry";
  opts.delay_ms = 20;
  opts.retries = 0;
  for (const Host& h : {kTown, kLaserfiche, kLegistar, kLegistarApi}) {
    opts.resolve.push_back(std::string(h.name) + ":" + std::to_string(port) + ":" + h.address);
  }
  auto s = crawl(*store, opts);
  ASSERT_TRUE(s) << s.error().message;

  auto& cat = store->catalog();
  std::map<std::string, std::string> docs;  // url -> municipality
  auto q = corpus::sql::prepare(cat,
                                "SELECT d.url, m.name FROM documents d LEFT JOIN municipalities m "
                                "ON m.id = d.municipality_id ORDER BY d.url");
  ASSERT_TRUE(q);
  while (*q->step()) docs[q->text(0)] = q->text(1);

  // Stored under the URLs a person opens, attributed to the town whose page linked them.
  const std::string laserfiche = at(kLaserfiche, port) + "/WebLink/DocView.aspx?dbid=0&id=4022";
  const std::string legistar =
      at(kLegistar, port) +
      "/LegislationDetail.aspx?GUID=0A1B2C3D-0000-4000-8000-000000004987&ID=4987";
  std::string all;
  for (const auto& [u, m] : docs) all += u + " (" + m + ")\n";
  ASSERT_TRUE(docs.count(laserfiche)) << all;
  EXPECT_EQ(docs[laserfiche], "Marrowfield");
  ASSERT_TRUE(docs.count(legistar)) << all;
  EXPECT_EQ(docs[legistar], "Marrowfield");
  // Listings and API answers are read, not stored; the proclamation's attachments are not asked
  // for.
  for (const auto& [u, m] : docs) {
    EXPECT_EQ(u.find("webapi.legistar.com"), std::string::npos) << u;
    EXPECT_EQ(u.find("Browse.aspx"), std::string::npos) << u;
  }
  bool proclamation = false;
  for (const auto& e : nginx.access_log())
    proclamation = proclamation || e.path.find("/4990/") != std::string::npos;
  EXPECT_FALSE(proclamation);
}

}  // namespace
}  // namespace policyindex::crawler
