// The link policy and the best-first frontier in whole crawls on the fake engine: a budget
// reaches the policy documents first, traps (calendars, session ids) cannot use it up, and
// a town's alternate and moved domains are crawled as the town's own site while other
// off-site links stay out.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

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


FakeReply html(std::string body) {
  FakeReply r;
  r.body = std::move(body);
  return r;
}

FakeReply pdf(const std::string& url) {
  FakeReply r;
  r.content_type = "application/pdf";
  r.body = "%PDF " + url;
  return r;
}

FakeReply not_found() {
  FakeReply r;
  r.status = 404;
  r.body = "not found";
  return r;
}

class BestFirstSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = corpus::Store::open(dir_ / "data");
    ASSERT_OK(s);
    store_.emplace(std::move(*s));
    opts_.delay_ms = 0;
    opts_.per_host = 1;
  }
  Result<CrawlSummary> crawl() {
    return run_crawl(*store_, opts_, nullptr, std::make_unique<FakeEngine>(net_), net_.clock);
  }
  std::vector<std::string> fetched_paths() const {
    std::vector<std::string> out;
    for (const auto& r : net_.requests) {
      if (path_of(r.url) != "/robots.txt") out.push_back(path_of(r.url));
    }
    return out;
  }
  static std::set<std::string> urls(const std::vector<UrlOutcome>& list) {
    std::set<std::string> out;
    for (const auto& o : list) out.insert(o.url);
    return out;
  }

  TempDir dir_;
  std::optional<corpus::Store> store_;
  CrawlOptions opts_;
  FakeNet net_;
};

// A home page whose policy links come last, after 30 weakly relevant notices.
TEST_F(BestFirstSimTest, ABudgetedCrawlReachesThePolicyDocumentsFirst) {
  opts_.seeds.push_back({"http://ashbrook.test/", "", "", "seed"});
  opts_.max_docs = 4;
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return not_found();
    if (p == "/") {
      std::string body = "<html><body><ul>";
      for (int i = 0; i < 30; ++i) {
        body += "<li><a href='/clerk/notice-" + std::to_string(i) + "'>Clerk notice " +
                std::to_string(i) + "</a></li>";
      }
      body +=
          "</ul><p>The Select Board adopted a Trust Act: <a href='/files/vote.pdf'>signed "
          "vote</a></p><a href='/police/policies'>Police Policies and Procedures</a>";
      return html(body + "</body></html>");
    }
    if (p == "/police/policies") {
      return html("<a href='/police/consular-notification.pdf'>Consular Notification</a>");
    }
    if (p.size() > 4 && p.substr(p.size() - 4) == ".pdf") return pdf(req.url);
    return html("<p>notice</p>");
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_TRUE(s->limit_reached);
  EXPECT_EQ(fetched_paths(), (std::vector<std::string>{"/", "/files/vote.pdf", "/police/policies",
                                                       "/police/consular-notification.pdf"}))
      << "first-in-first-out order would have spent the budget on clerk notices";
}

TEST_F(BestFirstSimTest, AListingsOwnFacetsComeAfterOtherPagesOfTheSameWords) {
  opts_.seeds.push_back({"http://ashbrook.test/documents/", "", "", "seed"});
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return not_found();
    if (p == "/documents/") {
      std::string body;
      for (const char* d : {"fire", "health", "library"}) {
        body += std::string("<a href='/documents/?dept=") + d + "'>" + d + "</a>";
      }
      return html(body + "<a href='/documents/minutes/'>Documents: minutes</a>");
    }
    return html("<p>list</p>");
  };
  ASSERT_OK(crawl());
  auto paths = fetched_paths();
  ASSERT_EQ(paths.size(), 5u);
  EXPECT_EQ(paths[1], "/documents/minutes/") << "fetched before the three facets";
}

TEST_F(BestFirstSimTest, CalendarsAndSessionIdsCannotExhaustTheBudget) {
  opts_.seeds.push_back({"http://ashbrook.test/", "", "", "seed"});
  opts_.depth = 60;
  opts_.max_pages_per_host = 40;
  int visit = 0;
  net_.handler = [&visit](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return not_found();
    // Every page links the next month of the board's calendar, and the bylaws page with a
    // new session id on every visit.
    std::string session =
        "<a href='/clerk/bylaws?PHPSESSID=" + std::to_string(++visit) + "f00dfeedbeef'>Bylaws</a>";
    if (p == "/" || p.rfind("/select-board/meetings", 0) == 0) {
      int month = 0;
      if (auto q = req.url.find("m="); q != std::string::npos)
        month = std::stoi(req.url.substr(q + 2));
      return html("<a href='/select-board/meetings?m=" + std::to_string(month + 1) + "&year=" +
                  std::to_string(2024 + month / 12) + "'>Select Board meetings, next month</a>" +
                  session + "<a href='/select-board/2030/0" + std::to_string(1 + month % 9) + "/" +
                  std::to_string(10 + month % 18) + "/minutes'>Minutes</a>");
    }
    if (p.rfind("/clerk/bylaws", 0) == 0) {
      return html("<a href='/clerk/general-bylaws.pdf'>General Bylaws</a>" + session);
    }
    if (p == "/clerk/general-bylaws.pdf") return pdf(req.url);
    return html("<p>minutes</p>" + session);
  };
  auto s = crawl();
  ASSERT_OK(s);
  auto paths = fetched_paths();
  auto count = [&](const std::string& prefix) {
    return std::count_if(paths.begin(), paths.end(),
                         [&](const std::string& p) { return p.rfind(prefix, 0) == 0; });
  };
  EXPECT_EQ(count("/clerk/bylaws"), 1) << "session ids are not new pages";
  EXPECT_EQ(count("/select-board/meetings"), Frontier::kMaxDateVariants);
  EXPECT_LE(count("/select-board/20"), Frontier::kMaxDateVariants);
  EXPECT_EQ(count("/clerk/general-bylaws.pdf"), 1);
  EXPECT_LT(paths.size(), 20u) << "the traps stopped well inside the page budget";
  EXPECT_TRUE(urls(s->new_documents).count("http://ashbrook.test/clerk/general-bylaws.pdf"));
}

TEST_F(BestFirstSimTest, AlternateAndMovedDomainsAreTheTownsOwnOtherSitesStayOut) {
  testing::write_file(
      dir_ / "reg/municipalities.tsv",
      "name\tcounty\tkind\tpopulation\twebsite\tpolice_website\tcode_host\talt_domains\t"
      "provenance\n"
      "Ashbrook\tMiddlesex\ttown\t\thttps://www.ashbrookma.gov/\thttps://ashbrookpd.org/\t\t"
      "ashbrook-ma.gov\t\n"
      "Corvale\tMiddlesex\ttown\t\thttps://corvalema.gov/\t\t\t\t\n");
  opts_.registry = dir_ / "reg";
  opts_.verify_sites = false;  // fictional home pages; the site check has its own tests
  opts_.max_pages_per_host = 0;
  net_.handler = [](const HttpRequest& req) {
    const std::string& u = req.url;
    const std::string p = path_of(u);
    if (p == "/robots.txt") return not_found();
    if (u == "https://www.ashbrookma.gov/") {
      return html(
          "<a href='https://ashbrook-ma.gov/clerk/general-bylaws.pdf'>General Bylaws</a>"
          "<a href='http://www.town.ashbrook.ma.us/police/policies.html'>Police Policies</a>"
          "<a href='https://ashbrookpd.org/policies/bias-free-policing.pdf'>Bias-Free Policing</a>"
          "<a href='http://www.ashbrookma.gov/trust-act.pdf'>Trust Act</a>"
          "<a href='https://ashbrook-files.s3.amazonaws.com/welcoming-ordinance.pdf'>Welcoming "
          "Ordinance</a>"
          "<a href='https://corvalema.gov/sanctuary-bylaw.pdf'>Corvale's sanctuary bylaw</a>"
          "<a href='https://news.example/immigration-policy.pdf'>Immigration policy story</a>"
          "<a href='https://news.example/immigration'>Immigration news</a>");
    }
    if (u == "https://corvalema.gov/") return html("<p>Corvale</p>");
    if (u == "http://www.town.ashbrook.ma.us/police/policies.html") {
      return html("<a href='/police/foreign-nationals.pdf'>Foreign Nationals</a>");
    }
    if (p.size() > 4 && p.substr(p.size() - 4) == ".pdf") return pdf(u);
    return not_found();
  };
  auto s = crawl();
  ASSERT_OK(s);
  auto docs = urls(s->new_documents);
  for (const char* want :
       {"https://ashbrook-ma.gov/clerk/general-bylaws.pdf",
        "http://www.town.ashbrook.ma.us/police/policies.html",
        "http://www.town.ashbrook.ma.us/police/foreign-nationals.pdf",
        "https://ashbrookpd.org/policies/bias-free-policing.pdf",
        "https://www.ashbrookma.gov/trust-act.pdf",  // upgraded to https, as the page
        "https://ashbrook-files.s3.amazonaws.com/welcoming-ordinance.pdf"}) {
    EXPECT_TRUE(docs.count(want)) << want << "\n" << summary_json(*s);
  }
  for (const auto& r : net_.requests) {
    EXPECT_EQ(r.url.find("news.example"), std::string::npos) << r.url;
    EXPECT_NE(r.url, "https://corvalema.gov/sanctuary-bylaw.pdf") << "another town's document";
    EXPECT_NE(r.url, "http://www.ashbrookma.gov/trust-act.pdf");
  }
  // Everything found from Ashbrook's pages is Ashbrook's.
  auto ashbrook = store_->catalog().find_municipality("Ashbrook");
  ASSERT_OK(ashbrook);
  ASSERT_TRUE(ashbrook->has_value());
  for (const auto& o : s->new_documents) {
    if (o.url.find("corvale") != std::string::npos) continue;
    EXPECT_EQ(o.municipality_id, **ashbrook) << o.url;
  }
}

TEST_F(BestFirstSimTest, AnIisHostsPathsAreCaseInsensitive) {
  opts_.seeds.push_back({"http://iis.test/", "", "", "seed"});
  opts_.seeds.push_back({"http://unix.test/", "", "", "seed"});
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return not_found();
    FakeReply r = p == "/" ? html(
                                 "<a href='/Bylaws/General-Bylaws.pdf'>General Bylaws</a>"
                                 "<a href='/bylaws/general-bylaws.pdf'>General bylaws</a>")
                           : pdf(req.url);
    if (req.url.find("iis.test") != std::string::npos) r.server = "Microsoft-IIS/10.0";
    return r;
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(net_.to("iis.test/Bylaws/General-Bylaws.pdf").size() +
                net_.to("iis.test/bylaws/general-bylaws.pdf").size(),
            1u);
  EXPECT_EQ(net_.to("unix.test/Bylaws/General-Bylaws.pdf").size(), 1u);
  EXPECT_EQ(net_.to("unix.test/bylaws/general-bylaws.pdf").size(), 1u) << "not IIS: two URLs";
}

TEST_F(BestFirstSimTest, VariantsOfOneContentAreOneDocumentWithAliases) {
  opts_.seeds.push_back({"http://ashbrook.test/", "", "", "seed"});
  net_.handler = [](const HttpRequest& req) {
    const std::string& u = req.url;
    const std::string p = path_of(u);
    if (p == "/robots.txt") return not_found();
    if (p == "/") {
      return html(
          "<a href='/clerk/general-bylaws'>General Bylaws</a>"
          "<a href='/clerk/bylaws-printable'>Bylaws (printable)</a>"
          "<a href='/police/trust-act.pdf'>Trust Act</a>"
          "<a href='/police/trust-act-copy.pdf'>Trust Act (copy)</a>");
    }
    if (p == "/clerk/general-bylaws") return html("<h1>General Bylaws</h1><p>Chapter 1</p>");
    if (p == "/clerk/bylaws-printable") {
      return html(
          "<html><head><link rel='canonical' href='/clerk/general-bylaws'></head>"
          "<body><p>Chapter 1 (print layout)</p></body></html>");
    }
    if (p == "/police/trust-act.pdf" || p == "/police/trust-act-copy.pdf") {
      return pdf("the same bytes");
    }
    return not_found();
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(
      urls(s->new_documents),
      (std::set<std::string>{"http://ashbrook.test/", "http://ashbrook.test/clerk/general-bylaws",
                             "http://ashbrook.test/police/trust-act.pdf"}))
      << summary_json(*s);
  std::map<std::string, UrlOutcome> unchanged;
  for (const auto& o : s->unchanged) unchanged[o.url] = o;
  ASSERT_EQ(unchanged.size(), 2u) << summary_json(*s);
  const auto& printable = unchanged["http://ashbrook.test/clerk/bylaws-printable"];
  EXPECT_EQ(printable.reason, "alias of http://ashbrook.test/clerk/general-bylaws (rel=canonical)");
  const auto& copy = unchanged["http://ashbrook.test/police/trust-act-copy.pdf"];
  EXPECT_EQ(copy.reason, "alias of http://ashbrook.test/police/trust-act.pdf (same content)");
  // One document each: the alias points at it.
  std::map<std::string, int64_t> ids;
  for (const auto& o : s->new_documents) ids[o.url] = o.document_id.value_or(0);
  EXPECT_EQ(copy.document_id, ids["http://ashbrook.test/police/trust-act.pdf"]);
  EXPECT_EQ(printable.document_id, ids["http://ashbrook.test/clerk/general-bylaws"]);
}

TEST_F(BestFirstSimTest, TwoTownsPublishingTheSameBytesKeepTheirOwnDocuments) {
  testing::write_file(dir_ / "reg/municipalities.tsv",
                      "name\tcounty\twebsite\n"
                      "Ashbrook\tMiddlesex\thttp://ashbrookma.gov/\n"
                      "Corvale\tMiddlesex\thttp://corvalema.gov/\n");
  opts_.registry = dir_ / "reg";
  opts_.verify_sites = false;  // fictional home pages; the site check has its own tests
  net_.handler = [](const HttpRequest& req) {
    const std::string p = path_of(req.url);
    if (p == "/robots.txt") return not_found();
    if (p == "/") return html("<a href='/model-trust-act.pdf'>Trust Act</a>");
    return pdf("one model policy, adopted by both");
  };
  auto s = crawl();
  ASSERT_OK(s);
  EXPECT_EQ(
      urls(s->new_documents),
      (std::set<std::string>{"http://ashbrookma.gov/", "http://ashbrookma.gov/model-trust-act.pdf",
                             "http://corvalema.gov/", "http://corvalema.gov/model-trust-act.pdf"}))
      << summary_json(*s);
}

}  // namespace
}  // namespace policyindex::crawler
