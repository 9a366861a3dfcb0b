// The web handler without sockets: routes, parameters, status codes, escaping, CSV, Atom,
// assets. The Api is a fake full of hostile strings.
#include <libxml/parser.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "serve/http_handler.h"
#include "serve/web.h"
#include "tests/web/fake_api.h"
#include "tests/web/html_check.h"

namespace policyindex {
namespace {

using nlohmann::json;
using serve::HttpRequest;
using serve::HttpResponse;
using testing::FakeApi;

HttpResponse get(FakeApi& api, const std::string& target, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return serve::handle_request(HttpRequest{"GET", target, std::move(headers), ""}, api);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(HttpHandlerTest, EveryPageRendersEscapedHtml) {
  FakeApi api;
  for (const std::string target :
       {"/", "/search", "/search?q=detainer", "/search?q=x&town=Quillfield&town=Ashmere&provision=287g&offset=20",
        "/town/Quillfield", "/compare", "/compare?town=Quillfield&town=%3Cscript%3E", "/peers",
        "/peers?town=Quillfield&provision=Q2", "/state", "/state?show=documents", "/map", "/map?q=Q3", "/documents/17", "/changes",
        "/changes?town=Port%20Tessaly", "/search?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"}) {
    HttpResponse r = get(api, target);
    EXPECT_EQ(r.status, 200) << target << "\n" << r.body.substr(0, 2000);
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << target;
    EXPECT_TRUE(contains(r.header("Content-Security-Policy"), "script-src 'self'")) << target;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << target;
    auto problems = testing::check_html(r.body);
    for (const auto& p : problems.list) ADD_FAILURE() << target << ": " << p;
    EXPECT_FALSE(contains(r.body, "<script>alert")) << target;
    EXPECT_FALSE(contains(r.body, "<img")) << target;
    EXPECT_TRUE(contains(r.body, "<main id=\"main\"")) << target;  // landmark + skip link target
    EXPECT_TRUE(contains(r.body, "href=\"#main\"")) << target;
  }
}

TEST(HttpHandlerTest, HostileTextShowsAsText) {
  FakeApi api;
  HttpResponse r = get(api, "/town/Quillfield");
  EXPECT_TRUE(contains(r.body, "Quoted &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot;&#39;&gt;&lt;img"))
      << r.body;
  // The escaped entity in the source text is shown as typed, not decoded.
  EXPECT_TRUE(contains(r.body, "&amp;amp;"));
  // javascript: URLs from documents are never links.
  EXPECT_FALSE(contains(r.body, "javascript:"));
  HttpResponse s = get(api, "/search?q=detainer");
  EXPECT_FALSE(contains(s.body, "javascript:"));
  EXPECT_TRUE(contains(s.body, "href=\"https://quillfield.example/a.pdf?x=1&amp;y=&quot;2&quot;\""));
}

TEST(HttpHandlerTest, SnippetKeepsOnlyBoldMarks) {
  using serve::web::sanitize_snippet;
  EXPECT_EQ(sanitize_snippet("a <b>b</b> &lt;c&gt;"), "a <b>b</b> &lt;c&gt;");
  EXPECT_EQ(sanitize_snippet("<script>x()</script>"), "&lt;script&gt;x()&lt;/script&gt;");
  EXPECT_EQ(sanitize_snippet("<b onclick=x>y</b>"), "&lt;b onclick=x&gt;y");
  EXPECT_EQ(sanitize_snippet("<b>open"), "<b>open</b>");
  EXPECT_EQ(sanitize_snippet("</b>x<b><b>y</b></b>"), "x<b>y</b>");
  EXPECT_EQ(sanitize_snippet("AT&T &amp; &#39; &#x27; &bogus"), "AT&amp;T &amp; &#39; &#x27; &amp;bogus");
  EXPECT_EQ(sanitize_snippet("\"q\" 'a'"), "&quot;q&quot; &#39;a&#39;");
}

TEST(HttpHandlerTest, SearchApiMapsParameters) {
  FakeApi api;
  HttpResponse r = get(api, "/api/search?q=ice+detainer&town=Quillfield&town=Port%20Tessaly&county=Brackett"
                            "&provision=Q3&stance=protective&type=ordinance&cites=lunn&offset=40&limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(api.last_search.query, "ice detainer");
  EXPECT_EQ(api.last_search.towns, (std::vector<std::string>{"Quillfield", "Port Tessaly"}));
  EXPECT_EQ(api.last_search.counties, std::vector<std::string>{"Brackett"});
  EXPECT_EQ(api.last_search.provisions, std::vector<std::string>{"Q3"});
  EXPECT_EQ(api.last_search.stances, std::vector<std::string>{"protective"});
  EXPECT_EQ(api.last_search.types, std::vector<std::string>{"ordinance"});
  EXPECT_EQ(api.last_search.cites, std::vector<std::string>{"lunn"});
  EXPECT_EQ(api.last_search.offset, 40u);
  EXPECT_EQ(api.last_search.limit, 10u);
  EXPECT_EQ(json::parse(r.body)["total"], 45);  // the Api's JSON, as is
}

TEST(HttpHandlerTest, BadParametersAre400WithJsonError) {
  FakeApi api;
  for (const std::string target :
       {"/api/search?q=x&offset=ten", "/api/search?q=x&limit=5000", "/api/search?q=x&provison=287g",
        "/api/search?q=%ZZ", "/api/search?q=%00", "/api/search?q=%C3%28", "/api/documents/abc",
        "/api/documents/-3", "/api/compare?town=Quillfield", "/api/peers", "/api/history",
        "/api/history?town=A&document=3", "/api/history?document=x", "/api/matrix?x=1",
        "/api/changes?limit=zz", "/feed.atom?limit=0", "/search.csv?q=x&limit=-1"}) {
    HttpResponse r = get(api, target);
    EXPECT_EQ(r.status, 400) << target;
    json j = json::parse(r.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << target << ": " << r.body;
    EXPECT_EQ(j["error"]["code"], "invalid_argument") << target;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << target;
  }
  json j = json::parse(get(api, "/api/search?q=x&provison=287g").body);
  EXPECT_TRUE(contains(j["error"]["message"], "unknown parameter 'provison'")) << j.dump();
}

TEST(HttpHandlerTest, ApiErrorsMapToStatus) {
  EXPECT_EQ(serve::http_status(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(serve::http_status(ErrorCode::kNotFound), 404);
  EXPECT_EQ(serve::http_status(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(serve::http_status(ErrorCode::kBusy), 503);
  EXPECT_EQ(serve::http_status(ErrorCode::kIndex), 500);
  FakeApi api;
  struct Case { ErrorCode code; int status; std::string name; };
  for (const auto& c : {Case{ErrorCode::kInvalidArgument, 400, "invalid_argument"}, Case{ErrorCode::kNotFound, 404, "not_found"},
                        Case{ErrorCode::kIndex, 500, "index"}}) {
    api.fail = Error{c.code, "boom <b>"};
    for (const std::string target : {"/api/search?q=x", "/api/scorecard/X", "/api/matrix", "/api/taxonomy",
                                      "/api/documents/3", "/api/changes", "/api/peers?town=X",
                                      "/api/compare?town=A&town=B", "/api/history?town=X"}) {
      HttpResponse r = get(api, target);
      EXPECT_EQ(r.status, c.status) << target;
      EXPECT_EQ(json::parse(r.body)["error"]["code"], c.name) << target;
      EXPECT_EQ(json::parse(r.body)["error"]["message"], "boom <b>") << target;
    }
    HttpResponse page = get(api, "/town/X");
    EXPECT_EQ(page.status, c.status);
    EXPECT_TRUE(contains(page.body, "boom &lt;b&gt;"));
  }
}

TEST(HttpHandlerTest, UnknownPathsAre404) {
  FakeApi api;
  HttpResponse a = get(api, "/api/nothing");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(json::parse(a.body)["error"]["code"], "not_found");
  for (const std::string t : {"/nothing", "/assets/", "/assets/../../etc/passwd", "/assets/%2e%2e%2fCMakeLists.txt",
                              "/assets/app.css/", "/../etc/passwd", "/web/app.css", "/assets/APP.CSS"}) {
    HttpResponse r = get(api, t);
    EXPECT_EQ(r.status, 404) << t;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << t;
  }
  HttpResponse d = get(api, "/documents/404");
  EXPECT_EQ(d.status, 404);
  HttpResponse t = get(api, "/town/Nowhere");
  EXPECT_EQ(t.status, 404);
  EXPECT_TRUE(contains(t.body, "<a href=\"/town/Norwell\">Norwell</a>")) << t.body;
}

TEST(HttpHandlerTest, OnlyGetAndHead) {
  FakeApi api;
  HttpResponse r = serve::handle_request(HttpRequest{"POST", "/api/search?q=x", {}, "a=b"}, api);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET, HEAD");
  HttpResponse h = serve::handle_request(HttpRequest{"HEAD", "/state", {}, ""}, api);
  EXPECT_EQ(h.status, 200);
  HttpResponse bad = get(api, "http://evil.example/");
  EXPECT_EQ(bad.status, 400);
}

TEST(HttpHandlerTest, AssetsAreBuiltInWithEtags) {
  FakeApi api;
  HttpResponse css = get(api, "/assets/app.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_TRUE(contains(css.body, ".v-green"));
  const std::string etag = css.header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(get(api, "/assets/app.css", {{"If-None-Match", etag}}).status, 304);
  HttpResponse js = get(api, "/assets/app.js?v=123");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  // The page links the versioned URL.
  EXPECT_TRUE(contains(get(api, "/").body, serve::web::asset_url("app.css")));
}

TEST(HttpHandlerTest, SearchPageFacetsToggleAndPage) {
  FakeApi api;
  HttpResponse r = get(api, "/search?q=detainer&town=Quillfield");
  ASSERT_EQ(r.status, 200);
  // The selected town's link removes it; another town's adds it.
  EXPECT_TRUE(contains(r.body, "href=\"/search?q=detainer\" aria-current=\"true\"")) << r.body;
  EXPECT_TRUE(contains(r.body, "href=\"/search?q=detainer&amp;town=Quillfield&amp;provision=287g\""));
  EXPECT_TRUE(contains(r.body, "45 sections match “detainer”, showing 1–2."));
  EXPECT_TRUE(contains(r.body, "rel=\"next\" href=\"/search?q=detainer&amp;town=Quillfield&amp;offset=20\""));
  EXPECT_TRUE(contains(r.body, "<b>detainer</b> &lt;script&gt; &lt;script&gt;raw()&lt;/script&gt; &amp; after"));
  EXPECT_TRUE(contains(r.body, "href=\"/documents/17#s-"));
  EXPECT_TRUE(contains(r.body, "/search.csv?q=detainer&amp;town=Quillfield"));
  HttpResponse s = get(api, "/search?q=detaner");
  EXPECT_TRUE(contains(s.body, "Did you mean <a data-nav href=\"/search?q=detainer\">detainer</a>?"));
}

TEST(HttpHandlerTest, TownPageHasScorecardWithWordsNotJustColour) {
  FakeApi api;
  HttpResponse r = get(api, "/town/Town%20of%20Quillfield");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(api.last_town, "Town of Quillfield");
  for (const char* word : {"Protective", "Permits cooperation", "Mixed", "Silent", "Proposed only"}) {
    EXPECT_TRUE(contains(r.body, word)) << word;
  }
  EXPECT_TRUE(contains(r.body, "id=\"q-Q1\""));
  EXPECT_TRUE(contains(r.body, "/peers?town=Quillfield&amp;provision=info_sharing"));
  EXPECT_TRUE(contains(r.body, "href=\"/documents/17?version=30#e-50-103-6\"")) << "evidence links to its quote in its version";
  EXPECT_TRUE(contains(r.body, "/feed.atom?town=Quillfield"));
  EXPECT_EQ(api.last_history, "Quillfield");
  HttpResponse redirect = get(api, "/town?name=Port+Tessaly");
  EXPECT_EQ(redirect.status, 303);
  EXPECT_EQ(redirect.header("Location"), "/town/Port%20Tessaly");
}

TEST(HttpHandlerTest, DocumentPageHighlightsProvisions) {
  FakeApi api;
  HttpResponse r = get(api, "/documents/17");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(api.last_document, 17);
  EXPECT_TRUE(contains(r.body, "<mark class=\"m-protective\""));
  EXPECT_TRUE(contains(r.body, "Officers shall not ask about immigration status</mark>")) << r.body;
  EXPECT_TRUE(contains(r.body, "id=\"s-50-103\""));
  EXPECT_TRUE(contains(r.body, "id=\"n-50-103\""));
  EXPECT_TRUE(contains(r.body, "é end"));
}

TEST(HttpHandlerTest, CompareAndPeersPassTheirParameters) {
  FakeApi api;
  get(api, "/compare?town=Quillfield&town=Ashmere&town=&provision=Q7");
  EXPECT_EQ(api.last_compare, (std::vector<std::string>{"Quillfield", "Ashmere"}));
  EXPECT_EQ(api.last_provision, "Q7");
  HttpResponse c = get(api, "/api/compare?town=A&town=B");
  EXPECT_EQ(c.status, 200);
  get(api, "/peers?town=Ashmere&provision=info_sharing");
  EXPECT_EQ(api.last_town, "Ashmere");
  EXPECT_EQ(api.last_provision, "info_sharing");
}

TEST(HttpHandlerTest, CsvDownloads) {
  FakeApi api;
  HttpResponse s = get(api, "/search.csv?q=detainer");
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(s.content_type, "text/csv; charset=utf-8");
  EXPECT_TRUE(contains(s.header("Content-Disposition"), "attachment"));
  EXPECT_EQ(api.last_search.limit, 1000u);
  EXPECT_EQ(s.body.rfind("rank,town,county,doc_type,title,url,section,heading,page,provisions,cites,snippet,section_id,"
                         "version_id,sha256,fetched_at,start,end,status,version_url\r\n", 0),
            0u);
  EXPECT_TRUE(contains(s.body, "detention_on_detainer:protective"));
  EXPECT_TRUE(contains(s.body, "before detainer <script> <script>raw()</script> & after"));
  HttpResponse m = get(api, "/matrix.csv");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.body.rfind("town,county,documents,Q1,Q2,Q3,Q4,Q5,Q6,Q7,facility_access,Q1_state,", 0), 0u) << m.body;
  EXPECT_TRUE(contains(m.body, "Quillfield,Brackett,1,green,green"));
  EXPECT_TRUE(contains(m.body, "\"'=HYPERLINK(\"\"x\"\")\",Coldwater,0,no document")) << m.body;
}

TEST(HttpHandlerTest, AtomFeedIsWellFormedAndFiltered) {
  FakeApi api;
  HttpResponse r = get(api, "/feed.atom?town=Port%20Tessaly&provision=Q7", {{"Host", "127.0.0.1:8080"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/atom+xml; charset=utf-8");
  EXPECT_EQ(api.last_town, "Port Tessaly");
  EXPECT_EQ(api.last_provision, "Q7");
  EXPECT_EQ(api.last_limit, 50u);
  xmlDocPtr doc = xmlReadMemory(r.body.data(), static_cast<int>(r.body.size()), "feed.atom", nullptr, XML_PARSE_NONET);
  ASSERT_NE(doc, nullptr) << r.body;
  xmlFreeDoc(doc);
  EXPECT_TRUE(contains(r.body, "<link href=\"http://127.0.0.1:8080/documents/3\"/>"));
  EXPECT_TRUE(contains(r.body, "Q7 &lt;script&gt;"));
  HttpResponse evil = get(api, "/feed.atom", {{"Host", "x\"><script>"}});
  EXPECT_FALSE(contains(evil.body, "x\""));
  EXPECT_TRUE(contains(evil.body, "<link href=\"/documents/3\"/>"));
}

TEST(HttpHandlerTest, QueryStringDecoding) {
  using serve::web::parse_query_string;
  auto p = parse_query_string("a=1&b=x+y&a=%E2%9C%93&&c");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->all("a"), (std::vector<std::string>{"1", "✓"}));
  EXPECT_EQ(p->get("b"), "x y");
  EXPECT_TRUE(p->has("c"));
  EXPECT_FALSE(parse_query_string("a=%4").has_value());
  EXPECT_FALSE(parse_query_string("a=%FF").has_value());
  EXPECT_EQ(serve::web::url_encode("Port Tessaly/é"), "Port%20Tessaly%2F%C3%A9");
}

}  // namespace
}  // namespace policyindex

namespace policyindex {
namespace {
// The scanner the escaping tests rely on does catch what they look for.
TEST(HtmlCheckTest, FlagsInjectedMarkup) {
  EXPECT_TRUE(testing::check_html("<p title=\"a &lt;b\">x &amp; y</p>").empty());
  EXPECT_FALSE(testing::check_html("<p>\"><img src=x onerror=alert(1)></p>").empty());
  EXPECT_FALSE(testing::check_html("<p title=\"\" onclick=\"x\">").empty());
  EXPECT_FALSE(testing::check_html("<a href=\"javascript:alert(1)\">").empty());
  EXPECT_FALSE(testing::check_html("<script src=\"/assets/app.js\"></script><script>alert(1)</script>").empty());
  EXPECT_FALSE(testing::check_html("<p>1 < 2</p>").empty());
}
}  // namespace
}  // namespace policyindex
