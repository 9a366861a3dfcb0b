// The web page over a real corpus (the small fixture plus the hostile document, indexed, the
// real Api): a crawl of every page that checks every fragment link lands on an id of its
// target page, that page text speaks people's words (no ISO timestamps, no internal codes),
// and that every example of the search help does what the help says.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>

#include "corpus/corpus.h"
#include "index/index.h"
#include "query/query.h"
#include "serve/http_handler.h"
#include "serve/web.h"
#include "tests/index/fixture.h"
#include "tests/testing/testing.h"
#include "tests/web/hostile.h"
#include "tests/web/html_check.h"

namespace policyindex {
namespace {

struct Site {
  testing::TempDir dir;
  std::unique_ptr<query::Api> api;
};

Site& site() {
  static Site* s = [] {
    auto* out = new Site;
    auto store = corpus::Store::open(out->dir / "data");
    EXPECT_TRUE(store.has_value());
    testing::build_small_corpus(*store);
    testing::add_hostile_document(*store);
    auto indexed = index::update_index(*store, {});
    EXPECT_TRUE(indexed.has_value()) << PI_RESULT_MESSAGE(indexed);
    auto api = query::open_api(out->dir / "data");
    EXPECT_TRUE(api.has_value()) << PI_RESULT_MESSAGE(api);
    if (api) out->api = std::move(*api);
    return out;
  }();
  return *s;
}

serve::HttpResponse get(const std::string& target) {
  return serve::handle_request(serve::HttpRequest{"GET", target, {}, ""}, *site().api);
}

std::string unescape(std::string s) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}}) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  }
  return s;
}

std::vector<std::string> attributes(const std::string& html, const std::string& name) {
  std::vector<std::string> out;
  const std::regex re("\\s" + name + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back(unescape((*it)[1].str()));
  }
  return out;
}

// The text a reader sees: tags (and their attributes) removed.
std::string visible_text(const std::string& html) {
  std::string out;
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    if (!in_tag) out += c;
    if (c == '>') in_tag = false;
  }
  return unescape(out);
}

// The pages a reader reaches: seeds, then the documents, towns and versions they link to.
bool followed(const std::string& path) {
  static const std::regex page(R"(^/(documents/\d+(\?version=\d+)?|town/[^?]+|compare\?.*|peers\?.*|state|changes)$)");
  return std::regex_match(path, page);
}

TEST(WebSiteTest, EveryFragmentLinkLandsOnAnIdOfItsPage) {
  ASSERT_NE(site().api, nullptr);
  std::map<std::string, serve::HttpResponse> pages;
  std::deque<std::string> queue = {"/", "/search?q=officers", "/search?q=detainer", "/search?provision=287g",
                                  "/search?cites=lunn", "/town/Quillfield", "/town/North%20Quillfield",
                                  "/town/Ashmere", "/town/Port%20Tessaly", "/town/Marrow%20Falls",
                                  "/compare?town=Quillfield&town=North+Quillfield&town=Port+Tessaly",
                                  "/peers?town=North+Quillfield", "/state", "/changes"};
  auto fetch = [&](const std::string& path) -> const serve::HttpResponse& {
    auto it = pages.find(path);
    if (it == pages.end()) it = pages.emplace(path, get(path)).first;
    return it->second;
  };
  size_t checked = 0, crawled = 0, to_quotes = 0;
  std::set<std::string> seen(queue.begin(), queue.end());
  while (!queue.empty() && crawled < 120) {
    const std::string path = queue.front();
    queue.pop_front();
    const serve::HttpResponse& r = fetch(path);
    ++crawled;
    ASSERT_EQ(r.status, 200) << path << "\n" << r.body.substr(0, 2000);
    const std::vector<std::string> ids = attributes(r.body, "id");
    std::set<std::string> own(ids.begin(), ids.end());
    EXPECT_EQ(own.size(), ids.size()) << path << ": duplicate ids";
    for (const auto& p : testing::check_html(r.body).list) ADD_FAILURE() << path << ": " << p;
    for (const std::string& href : attributes(r.body, "href")) {
      if (href.empty() || href[0] == '#' ? false : href[0] != '/') continue;  // external
      const size_t hash = href.find('#');
      const std::string target = hash == std::string::npos ? href : href.substr(0, hash);
      if (!target.empty() && followed(target) && seen.insert(target).second) queue.push_back(target);
      if (hash == std::string::npos) continue;
      const std::string fragment = href.substr(hash + 1);
      ++checked;
      if (fragment.rfind("e-", 0) == 0) ++to_quotes;
      if (target.empty()) {
        EXPECT_TRUE(own.count(fragment)) << path << ": link " << href << " to a missing id";
        continue;
      }
      const serve::HttpResponse& t = fetch(target);
      EXPECT_EQ(t.status, 200) << path << ": link " << href;
      const std::vector<std::string> tids = attributes(t.body, "id");
      EXPECT_NE(std::find(tids.begin(), tids.end(), fragment), tids.end())
          << path << ": link " << href << " to an id missing on " << target;
    }
  }
  EXPECT_GE(crawled, 25u);
  EXPECT_GE(checked, 50u) << "fragment links checked";
  EXPECT_GE(to_quotes, 10u) << "evidence links that land on their quote";
}

// The quote an evidence link lands on is the quote it shows: the mark with the link's id (or
// the one right after an anchor with it) holds the quoted text or is held by it.
TEST(WebSiteTest, EvidenceLandsOnTheQuoteItShows) {
  ASSERT_NE(site().api, nullptr);
  const std::regex item("<blockquote>([^<]*)</blockquote><p class=\"where\">.*?<a href=\"([^\"#]*)#(e-[^\"]+)\"");
  size_t checked = 0;
  for (const std::string town : {"Quillfield", "North%20Quillfield", "Ashmere", "Port%20Tessaly", "Vinehaven-by-the-Lake"}) {
    const std::string body = get("/town/" + town).body;
    for (auto it = std::sregex_iterator(body.begin(), body.end(), item); it != std::sregex_iterator(); ++it) {
      const std::string quote = unescape((*it)[1].str()), target = unescape((*it)[2].str()), id = (*it)[3].str();
      const std::string doc = get(target).body;
      const size_t at = doc.find("id=\"" + id + "\"");
      ASSERT_NE(at, std::string::npos) << target << "#" << id;
      const size_t tag = doc.rfind('<', at);
      const size_t mark = doc.compare(tag, 5, "<mark") == 0 ? tag : doc.find("<mark", at);
      const size_t open = doc.find("</span>", mark) + 7, close = doc.find("</mark>", open);
      const std::string marked = unescape(doc.substr(open, close - open));
      EXPECT_TRUE(quote.find(marked) != std::string::npos || marked.find(quote) != std::string::npos)
          << target << "#" << id << ": shows \"" << quote << "\", lands on \"" << marked << "\"";
      ++checked;
    }
  }
  EXPECT_GE(checked, 8u);
}

TEST(WebSiteTest, PagesSpeakPlainWords) {
  ASSERT_NE(site().api, nullptr);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d)");
  for (const std::string path : {"/town/Quillfield", "/town/North%20Quillfield", "/search?q=officers", "/documents/1",
                                 "/changes", "/town/Port%20Tessaly", "/compare?town=Quillfield&town=Port+Tessaly"}) {
    const serve::HttpResponse r = get(path);
    ASSERT_EQ(r.status, 200) << path;
    std::string html = r.body.substr(r.body.find("<main"));
    // The search help shows the query syntax itself (type:police_policy): not page text.
    if (const size_t help = html.find("<details class=\"search-help\""); help != std::string::npos) {
      html.erase(help, html.find("</details>", help) - help);
    }
    const std::string text = visible_text(html);
    EXPECT_FALSE(std::regex_search(text, iso)) << path << ": an ISO timestamp in the page text";
    for (const char* code : {"police_policy", "8usc1357g", "§ s", "(untitled", "in_force", "provision_change", ":protective"}) {
      EXPECT_EQ(text.find(code), std::string::npos) << path << ": '" << code << "' in the page text";
    }
  }
  const std::string search = visible_text(get("/search?q=officers").body);
  EXPECT_NE(search.find("Police policy"), std::string::npos);
  EXPECT_NE(search.find("8 U.S.C. § 1357(g)"), std::string::npos);
  EXPECT_NE(search.find("Lunn v. Commonwealth"), std::string::npos);
  EXPECT_NE(visible_text(get("/town/Quillfield").body).find("March 1, 2025"), std::string::npos);
  EXPECT_NE(get("/town/Quillfield").body.find("<time datetime=\"2025-03-01T10:00:00Z\">March 1, 2025</time>"),
            std::string::npos);
}

TEST(WebSiteTest, TownWithoutDocumentsSaysSo) {
  ASSERT_NE(site().api, nullptr);
  const std::string text = visible_text(get("/town/Marrow%20Falls").body);
  EXPECT_NE(text.find("No document of Marrow Falls is in the collection yet."), std::string::npos) << text;
  EXPECT_NE(text.find("Marrow Falls has no document in the collection, so this question is unanswered."),
            std::string::npos);
  EXPECT_EQ(text.find("Marrow Falls's documents"), std::string::npos) << "speaks of documents it does not have";
}

bool has_provision(const index::SectionRecord& r, const std::string& id, const std::string& stance) {
  return std::any_of(r.provisions.begin(), r.provisions.end(), [&](const auto& p) {
    return (id.empty() || p.first == id) && (stance.empty() || p.second == stance);
  });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(WebSiteTest, EverySearchHelpExampleDoesWhatItSays) {
  ASSERT_NE(site().api, nullptr);
  using Rec = index::SectionRecord;
  auto text_has = [](const std::string& word) { return [word](const Rec& r) { return lower(r.text).find(word) != std::string::npos; }; };
  // What each example claims, as a test on every hit (and, for NOT, on what it leaves out).
  const std::map<std::string, std::function<bool(const Rec&)>> claims = {
      {"detainer", text_has("detain")},
      {"\"immigration status\"", text_has("immigration status")},
      {"status OR detainer", [](const Rec& r) { return lower(r.text).find("status") != std::string::npos ||
                                                       lower(r.text).find("detain") != std::string::npos; }},
      {"officers NOT stance:permissive",
       [](const Rec& r) { return lower(r.text).find("officer") != std::string::npos && !has_provision(r, "", "permissive"); }},
      {"town:Ashmere officers", [](const Rec& r) { return r.town == "Ashmere" && lower(r.text).find("officer") != std::string::npos; }},
      {"provision:Q3", [](const Rec& r) { return has_provision(r, "detention_on_detainer", ""); }},
      {"stance:protective", [](const Rec& r) { return has_provision(r, "", "protective"); }},
      {"cites:lunn", [](const Rec& r) { return std::count(r.cites.begin(), r.cites.end(), "lunn") > 0; }},
      {"type:police_policy", [](const Rec& r) { return r.doc_type == "police_policy"; }},
  };
  const std::string help = get("/search").body;
  for (const auto& ex : serve::web::search_examples()) {
    const std::string q(ex.query);
    SCOPED_TRACE(q);
    auto claim = claims.find(q);
    ASSERT_NE(claim, claims.end()) << "an example of the help without a check here";
    EXPECT_NE(help.find(serve::web::html_escape(q)), std::string::npos) << "the help shows it";
    query::SearchRequest req;
    req.query = q;
    req.limit = 200;
    auto out = site().api->search(req);
    ASSERT_TRUE(out.has_value()) << PI_RESULT_MESSAGE(out);
    ASSERT_FALSE(out->hits.empty()) << "finds nothing in the fixture";
    for (const auto& h : out->hits) EXPECT_TRUE(claim->second(*h.record)) << h.record->section_id << ": " << h.record->text;
  }
  // NOT leaves something out: the permissive section about officers.
  query::SearchRequest all;
  all.query = "officers";
  all.limit = 200;
  query::SearchRequest without = all;
  without.query = "officers NOT stance:permissive";
  auto a = site().api->search(all), w = site().api->search(without);
  ASSERT_TRUE(a && w);
  EXPECT_LT(w->total, a->total);
  // The old example: "permissive" there is a word, not the stance: it left nothing out.
  EXPECT_EQ(help.find("detainer NOT permissive"), std::string::npos);
}

}  // namespace
}  // namespace policyindex
