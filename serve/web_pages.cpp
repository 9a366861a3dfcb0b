// The start page, search, the statewide view and the list of changes. Server-rendered from
// the Api's JSON; app.js only makes facet clicks and paging faster (no reload).

#include <algorithm>
#include <map>

#include "query/labels.h"
#include "serve/web.h"

namespace policyindex::serve::web {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Facet key in the search JSON -> URL parameter.
struct FacetDef {
  std::string_view key, param, title;
};
constexpr FacetDef kFacets[] = {
    {"provision", "provision", "Provision"}, {"stance", "stance", "Stance"},
    {"town", "town", "Town"},                {"county", "county", "County"},
    {"doc_type", "type", "Document type"},   {"cites", "cites", "Cites"},
};

constexpr std::string_view kSearchParams[] = {"q", "town", "county", "provision", "stance", "type", "cites"};

Pairs search_state(const Params& p) {
  Pairs out;
  for (const auto& [k, v] : p.items) {
    if (v.empty()) continue;
    if (std::find(std::begin(kSearchParams), std::end(kSearchParams), k) != std::end(kSearchParams)) {
      out.emplace_back(k, v);
    }
  }
  return out;
}

bool selected(const Pairs& state, std::string_view k, std::string_view v) {
  return std::find(state.begin(), state.end(), std::pair<std::string, std::string>(k, v)) != state.end();
}

std::string search_href(const Pairs& state) {
  std::string qs = to_query_string(state);
  return "/search" + (qs.empty() ? std::string() : "?" + qs);
}

Pairs toggled(const Pairs& state, std::string_view k, std::string_view v) {
  Pairs out;
  bool removed = false;
  for (const auto& kv : state) {
    if (kv.first == k && kv.second == v) {
      removed = true;
    } else {
      out.push_back(kv);
    }
  }
  if (!removed) out.emplace_back(k, v);
  return out;
}

// A facet value in plain words; KEY is the facet key or its URL parameter.
std::string facet_value_label(std::string_view key, std::string_view value, const Taxonomy& tax) {
  if (key == "provision") return tax.display(value);
  if (key == "doc_type" || key == "type") return query::doc_type_label(value);
  if (key == "cites") return query::citation_label(value);
  if (key == "stance") return query::stance_label(value);
  return std::string(value);
}

// A filter's name (its URL parameter) in plain words.
std::string_view filter_name(std::string_view param) {
  for (const auto& f : kFacets) {
    if (f.param == param) return f.title;
  }
  return param;
}

std::string facets_html(const query::SearchResult& result, const Pairs& state, const Taxonomy& tax) {
  std::string h = "<aside class=\"facets\" id=\"filters\" aria-label=\"Filters\">\n<h2 class=\"sr-only\">Filters</h2>\n";
  for (const auto& f : kFacets) {
    const auto* name = std::find_if(query::kFacetNames.begin(), query::kFacetNames.end(),
                                    [&](const char* n) { return f.key == n; });
    if (name == query::kFacetNames.end()) continue;
    std::vector<std::pair<std::string, int64_t>> values;
    for (const auto& [v, c] : result.facets[static_cast<size_t>(name - query::kFacetNames.begin())]) {
      values.emplace_back(std::string(v), static_cast<int64_t>(c));
    }
    // Selected values stay visible even when the other filters leave them no hits.
    for (const auto& [k, v] : state) {
      if (k == f.param && std::none_of(values.begin(), values.end(), [&](const auto& x) { return x.first == v; })) {
        values.emplace_back(v, 0);
      }
    }
    if (values.empty()) continue;
    std::stable_sort(values.begin(), values.end(), [&](const auto& a, const auto& b) {
      const bool sa = selected(state, f.param, a.first), sb = selected(state, f.param, b.first);
      if (sa != sb) return sa;
      return a.second > b.second;
    });
    const std::string id = "facet-" + std::string(f.param);
    h += "<section class=\"facet\" aria-labelledby=\"" + id + "\"><h3 id=\"" + id + "\">" +
         std::string(f.title) + "</h3><ul>";
    size_t n = 0;
    for (const auto& [v, c] : values) {
      if (n++ == 8) h += "</ul><details><summary>" + std::to_string(values.size() - 8) + " more</summary><ul>";
      const bool sel = selected(state, f.param, v);
      std::string label = f.key == "stance" ? stance_badge(v) : html_escape(facet_value_label(f.key, v, tax));
      h += "<li><a data-nav class=\"facet-link" + std::string(sel ? " on" : "") + "\" href=\"" +
           html_escape(search_href(toggled(state, f.param, v))) + "\"" + (sel ? " aria-current=\"true\"" : "") +
           "><span class=\"check\" aria-hidden=\"true\">" + (sel ? "☑" : "☐") + "</span> " + label +
           " <span class=\"count\">" + std::to_string(c) + "</span>" +
           (sel ? "<span class=\"sr-only\"> (filter on; select to remove)</span>" : "") + "</a></li>";
    }
    h += "</ul>";
    if (n > 8) h += "</details>";
    h += "</section>\n";
  }
  return h + "</aside>\n";
}

std::string hit_html(const query::SearchHit& search_hit, const Pairs& state, const Taxonomy& tax) {
  const index::SectionRecord& hit = *search_hit.record;
  const std::string& doc = hit.document_id;
  const std::string& sid = hit.section_id;
  const std::string key = sid.substr(sid.find('/') == std::string::npos ? 0 : sid.find('/') + 1);
  std::string href = "/documents/" + url_encode(doc) + "#" + anchor("s-", key);
  std::string title = hit.title.empty() ? "Untitled document" : hit.title;
  const std::string sec = query::section_label(
      hit.number, hit.heading, hit.page && *hit.page > 0 ? std::optional<int>(static_cast<int>(*hit.page)) : std::nullopt);
  std::string h = "<li class=\"hit\"><article>";
  h += "<h3><a class=\"hit-link\" href=\"" + html_escape(href) + "\">" + html_escape(hit.town) + " — " +
       html_escape(title) + (sec.empty() ? "" : ", " + html_escape(sec)) + "</a></h3>";
  h += "<p class=\"meta\">" + html_escape(hit.county) + " County · " + html_escape(query::doc_type_label(hit.doc_type));
  if (hit.page) h += " · page " + html_escape(std::to_string(*hit.page));
  const std::string& url = hit.url;
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
    h += " · <a class=\"source\" href=\"" + html_escape(url) + "\" rel=\"noopener noreferrer\">source document</a>";
  }
  h += "</p>";
  h += "<p class=\"snippet\">" + sanitize_snippet(search_hit.snippet) + "</p>";
  if (const auto& pv = search_hit.provenance; !pv.version_id.empty()) {
    // The citation: the exact version (its page) and the hash of its stored bytes.
    h += "<p class=\"cite\"><a href=\"" + html_escape(pv.version_url) + "\">version " + html_escape(pv.version_id) +
         "</a> · sha256 <code title=\"" + html_escape(pv.sha256) + "\">" + html_escape(pv.sha256.substr(0, 12)) +
         "…</code> · fetched " + date_html(pv.fetched_at) + "</p>";
  }
  const auto& provs = hit.provisions;
  const auto& cites = hit.cites;
  if (!provs.empty() || !cites.empty()) {
    h += "<ul class=\"chips\" aria-label=\"Provisions and citations\">";
    for (const auto& [id, stance] : provs) {
      h += "<li><a data-nav href=\"" + html_escape(search_href(toggled(state, "provision", id))) + "\">" +
           html_escape(tax.display(id)) + "</a> " + stance_badge(stance) + "</li>";
    }
    for (const auto& c : cites) {
      h += "<li><a data-nav href=\"" + html_escape(search_href(toggled(state, "cites", c))) +
           "\">Cites " + html_escape(query::citation_label(c)) + "</a></li>";
    }
    h += "</ul>";
  }
  return h + "</article></li>\n";
}

std::string search_form(const Pairs& state, const std::string& q) {
  std::string h = "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">"
                  "<label for=\"q\">Search the policies</label><div class=\"row\">"
                  "<input id=\"q\" name=\"q\" type=\"search\" value=\"" + html_escape(q) +
                  "\" aria-describedby=\"q-help\" autocomplete=\"off\"><button type=\"submit\">Search</button></div>";
  for (const auto& [k, v] : state) {
    if (k != "q") h += "<input type=\"hidden\" name=\"" + html_escape(k) + "\" value=\"" + html_escape(v) + "\">";
  }
  h += "<p id=\"q-help\" class=\"help\">Words match in any form; every word must appear unless you write OR. "
       "Use \"quotes\" for an exact phrase, NOT to leave words or filters out, and fields such as "
       "<code>town:</code> or <code>stance:</code> to filter.</p>";
  h += "<details class=\"search-help\"><summary>Search examples</summary><dl>";
  for (const auto& ex : search_examples()) {
    h += "<dt><a data-nav href=\"" + html_escape(search_href({{"q", std::string(ex.query)}})) + "\"><code>" +
         html_escape(ex.query) + "</code></a></dt><dd>" + html_escape(ex.says) + "</dd>";
  }
  h += "</dl></details></form>\n";
  return h;
}

}  // namespace

std::span<const SearchExample> search_examples() {
  // Each example does what it says: tests/web/site_test.cpp runs every one on a corpus and
  // checks the claim. The syntax is query/search_parse.cpp's (Xapian's parser, default AND).
  static constexpr SearchExample kExamples[] = {
      {"detainer", "sections with the word in any form: detainer, detainers, detained"},
      {"\"immigration status\"", "sections with the exact phrase"},
      {"status OR detainer", "sections with either word"},
      {"officers NOT stance:permissive", "sections about officers, leaving out those with permissive language"},
      {"town:Ashmere officers", "only that town's sections (also county:NAME)"},
      {"provision:Q3", "sections on one of the seven questions (Q1 to Q7) or a provision"},
      {"stance:protective", "sections with protective language (or permissive, neutral)"},
      {"cites:lunn", "sections citing Lunn v. Commonwealth (also cites:8usc1357g for 8 U.S.C. § 1357(g))"},
      {"type:police_policy", "only one kind of document: ordinance, bylaw, police_policy, ..."},
  };
  return kExamples;
}

HttpResponse home_page(const Params&, Api& api) {
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  size_t with_docs = 0;
  for (const auto& m : tax->municipalities) with_docs += m.documents > 0 ? 1 : 0;
  std::string m = "<h1>What does your town's policy say about immigration enforcement?</h1>\n"
                  "<p class=\"lead\">policyindex reads Massachusetts town and city policies — welcoming and trust "
                  "ordinances, bylaws, police department rules — and shows, for seven key questions, whether the "
                  "language protects residents or permits cooperation with ICE, with the exact sentences.</p>\n";
  m += "<p>" + std::to_string(with_docs) + " of " + std::to_string(tax->municipalities.size()) +
       " municipalities have at least one document in the collection.</p>\n";
  m += "<div class=\"cards\">\n<section class=\"card\" aria-labelledby=\"h-town\"><h2 id=\"h-town\">Your town's scorecard</h2>"
       "<form action=\"/town\" method=\"get\"><label for=\"town-name\">Town or city</label><div class=\"row\">"
       "<input id=\"town-name\" name=\"name\" list=\"town-list\" required autocomplete=\"off\">"
       "<button type=\"submit\">Show scorecard</button></div></form>" + town_datalist(*tax) + "</section>\n";
  m += "<section class=\"card\" aria-labelledby=\"h-search\"><h2 id=\"h-search\">Search every policy</h2>" +
       search_form({}, "") + "<p>Try <a href=\"/search?q=detainer\">detainer</a>, "
       "<a href=\"/search?provision=287g\">all 287(g) language</a>, "
       "<a href=\"/search?cites=lunn\">citations of Lunn v. Commonwealth</a>.</p></section>\n";
  m += "<section class=\"card\" aria-labelledby=\"h-state\"><h2 id=\"h-state\">Across the state</h2>"
       "<p><a href=\"/state\">The statewide view</a>: every municipality by county, with who has which "
       "protections and where the gaps are. <a href=\"/compare\">Compare towns</a> side by side, or find "
       "<a href=\"/peers\">peer towns with stronger language</a> to borrow.</p></section>\n</div>\n";
  m += "<h2>The seven questions</h2>\n<ol class=\"questions\">";
  for (const auto& p : tax->provisions) {
    if (p.question.empty()) continue;
    m += "<li><strong>" + html_escape(p.question) + " · " + html_escape(p.label) + "</strong>" +
         (p.description.empty() ? "" : " — " + html_escape(p.description)) + "</li>";
  }
  m += "</ol>\n<p class=\"legend\">Verdicts: " + verdict_badge("green") + " " + verdict_badge("red") + " " +
       verdict_badge("mixed") + " " + verdict_badge("absent") + " " + verdict_badge("no document") + "</p>\n";
  return html_response(200, layout({"Immigration enforcement policies of Massachusetts towns", "", "", ""}, m));
}

HttpResponse search_page(const Params& p, Api& api) {
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  const Pairs state = search_state(p);
  const std::string q = p.get("q");
  std::string m = "<div id=\"search-main\">\n<h1>Search</h1>\n" + search_form(state, q);
  if (state.empty()) {
    m += "<p>Search the text of every policy in the collection, then narrow it down by provision, "
         "stance, town, county, document type or legal citation.</p>\n</div>\n";
    return html_response(200, layout({"Search", "search", "", ""}, m));
  }
  auto req = search_request(p, 20);
  if (!req) return api_error_page(req.error());
  auto out = api.search(*req);
  if (!out) {
    m += "<p class=\"error\" role=\"alert\" id=\"result-status\">" + html_escape(out.error().message) + "</p>\n</div>\n";
    return html_response(http_status(out.error().code), layout({"Search", "search", q, ""}, m));
  }
  const int64_t total = static_cast<int64_t>(out->total);
  const auto& hits = out->hits;
  const size_t offset = req->offset, limit = req->limit == 0 ? 20 : req->limit;

  // Active filters as removable chips.
  std::string chips;
  for (const auto& [k, v] : state) {
    if (k == "q") continue;
    std::string label = facet_value_label(k, v, *tax);
    chips += "<li><a data-nav href=\"" + html_escape(search_href(toggled(state, k, v))) + "\">" +
             html_escape(filter_name(k)) + ": " +
             html_escape(label) + " <span aria-hidden=\"true\">✕</span><span class=\"sr-only\"> (remove filter)</span></a></li>";
  }
  if (!chips.empty()) m += "<ul class=\"active-filters\" aria-label=\"Active filters\">" + chips + "</ul>\n";

  std::string status = std::to_string(total) + (total == 1 ? " section matches" : " sections match");
  if (!q.empty()) status += " “" + q + "”";
  if (!hits.empty()) {
    status += ", showing " + std::to_string(offset + 1) + "–" + std::to_string(offset + hits.size());
  }
  m += "<p id=\"result-status\" class=\"status\" role=\"status\" tabindex=\"-1\">" + html_escape(status) + ".</p>\n"
       "<p class=\"to-filters\"><a href=\"#filters\">Filters ↓</a></p>\n";
  const std::string& suggestion = out->suggestion;
  if (!suggestion.empty()) {
    Pairs s2;
    for (const auto& kv : state) if (kv.first != "q") s2.push_back(kv);
    s2.insert(s2.begin(), {"q", suggestion});
    m += "<p class=\"suggestion\">Did you mean <a data-nav href=\"" + html_escape(search_href(s2)) + "\">" +
         html_escape(suggestion) + "</a>?</p>\n";
  }
  m += "<div class=\"with-facets\">\n" + facets_html(*out, state, *tax);
  m += "<section class=\"results\" aria-labelledby=\"results-h\"><h2 id=\"results-h\" class=\"sr-only\">Results</h2>\n";
  if (hits.empty()) {
    m += "<p>No section matches. Remove a filter or try other words.</p>\n";
  } else {
    m += "<ol class=\"hits\" start=\"" + std::to_string(offset + 1) + "\">\n";
    for (const auto& hit : hits) m += hit_html(hit, state, *tax);
    m += "</ol>\n";
  }
  // Paging and downloads.
  Pairs base = state;
  std::string pager;
  if (offset > 0) {
    Pairs prev = base;
    if (offset > limit) prev.emplace_back("offset", std::to_string(offset - limit));
    pager += "<a data-nav rel=\"prev\" href=\"" + html_escape(search_href(prev)) + "\">← Previous</a> ";
  }
  if (offset + hits.size() < static_cast<size_t>(total)) {
    Pairs next = base;
    next.emplace_back("offset", std::to_string(offset + limit));
    pager += "<a data-nav rel=\"next\" href=\"" + html_escape(search_href(next)) + "\">Next →</a>";
  }
  if (!pager.empty()) m += "<nav class=\"pager\" aria-label=\"Result pages\">" + pager + "</nav>\n";
  const std::string qs = to_query_string(state);
  m += "<p class=\"downloads\">Download: <a href=\"/search.csv?" + html_escape(qs) + "\">these results as CSV</a> · "
       "<a href=\"/api/search?" + html_escape(qs) + "\">JSON</a></p>\n";
  m += "</section>\n</div>\n</div>\n";
  return html_response(200, layout({q.empty() ? "Search" : "Search: " + q, "search", q, ""}, m));
}

HttpResponse state_page(const Params& p, Api& api) {
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  auto out = api.matrix();
  if (!out) return api_error_page(out.error());
  const bool only_docs = p.get("show") == "documents";
  std::vector<std::string> qs;
  std::vector<size_t> q_columns;  // the index of each of QS among the matrix's columns
  for (size_t i = 0; i < out->columns.size(); ++i) {
    const std::string& c = out->columns[i].key;
    if (c.size() == 2 && c[0] == 'Q') {
      qs.push_back(c);
      q_columns.push_back(i);
    }
  }
  // A cell's coverage state (its verdict when the Api gave no state).
  auto cell = [&](const query::MatrixRow& r, size_t q) -> std::string {
    const size_t i = q_columns[q];
    if (i < r.states.size()) return r.states[i];
    return i < r.cells.size() ? r.cells[i] : "";
  };
  // county -> rows
  std::map<std::string, std::vector<const query::MatrixRow*>> by_county;
  for (const auto& r : out->rows) by_county[r.county].push_back(&r);

  auto col_head = [&](const std::string& q) {
    const Provision* pr = tax->find(q);
    return "<th scope=\"col\"><abbr title=\"" + html_escape(pr ? pr->label : q) + "\">" + html_escape(q) + "</abbr></th>";
  };
  std::string m = "<h1>Statewide view</h1>\n<p class=\"lead\">Every municipality, by county, on the seven questions. "
                  "Each cell shows the verdict as a symbol and a word for screen readers; select a town for its "
                  "scorecard and the quoted language.</p>\n";
  m += "<p class=\"legend\">Legend:";
  for (const char* st : query::kCoverageStates) m += " " + verdict_badge(st);
  m += "</p>\n<p class=\"help\">Green, red and mixed come from in-force text only. <strong>Proposed only</strong>: only a "
       "draft or proposal addresses it. <strong>Silent</strong>: the town's in-force documents say nothing on it. "
       "<strong>Nothing found</strong>: the site was crawled and nothing relevant was found. <strong>Blocked</strong>: robots.txt, a "
       "login or a firewall kept the crawler out. <strong>Not crawled</strong>: no website known, or nothing fetched.</p>\n";
  m += "<ul class=\"qlegend\">";
  for (const auto& q : qs) {
    const Provision* pr = tax->find(q);
    m += "<li><strong>" + html_escape(q) + "</strong> " + html_escape(pr ? pr->label : q) + "</li>";
  }
  m += "</ul>\n";

  // Statewide counts of each coverage state per question.
  m += "<h2 id=\"counts\">Statewide counts</h2>\n<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"counts\" "
       "tabindex=\"0\"><table class=\"counts\"><caption class=\"sr-only\">Number of municipalities in each state per "
       "question</caption><thead><tr><th scope=\"col\">State</th>";
  for (const auto& q : qs) m += col_head(q);
  m += "</tr></thead><tbody>";
  for (size_t k = 0; k < query::kCoverageStates.size(); ++k) {
    m += "<tr><th scope=\"row\">" + verdict_badge(query::kCoverageStates[k]) + "</th>";
    for (size_t q = 0; q < qs.size(); ++q) {
      const size_t i = q_columns[q];
      const int64_t n = i < out->state_counts.size() ? out->state_counts[i][k] : 0;
      m += "<td>" + std::to_string(n) + "</td>";
    }
    m += "</tr>";
  }
  m += "</tbody></table></div>\n";

  // At a glance: counties x questions, the share of municipalities with protective language.
  m += "<h2 id=\"glance\">At a glance: protective language by county</h2>\n"
       "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"glance\" tabindex=\"0\"><table class=\"heat\">"
       "<caption class=\"sr-only\">Number of municipalities per county whose documents protect residents on each question</caption>"
       "<thead><tr><th scope=\"col\">County</th><th scope=\"col\">With a document</th>";
  for (const auto& q : qs) m += col_head(q);
  m += "</tr></thead><tbody>";
  for (const auto& [county, list] : by_county) {
    size_t docs = 0;
    std::map<std::string, size_t> green;
    for (const query::MatrixRow* r : list) {
      if (r->documents > 0) ++docs;
      for (size_t q = 0; q < qs.size(); ++q) green[qs[q]] += cell(*r, q) == "green" ? 1 : 0;
    }
    m += "<tr><th scope=\"row\"><a href=\"#" + html_escape(anchor("c-", county)) + "\">" + html_escape(county) +
         "</a></th><td>" + std::to_string(docs) + " / " + std::to_string(list.size()) + "</td>";
    for (const auto& q : qs) {
      const size_t g = green[q];
      const size_t level = g == 0 ? 0 : std::min<size_t>(4, 1 + (g * 4) / std::max<size_t>(1, list.size()));
      m += "<td class=\"h" + std::to_string(level) + "\">" + std::to_string(g) + "</td>";
    }
    m += "</tr>";
  }
  m += "</tbody></table></div>\n<p class=\"help\">Numbers are municipalities with protective (green) language; darker "
       "is a larger share of the county.</p>\n";

  m += "<h2>Every municipality</h2>\n<p>" +
       std::string(only_docs ? "Showing municipalities with documents. <a href=\"/state\">Show all</a>."
                             : "<a href=\"/state?show=documents\">Show only municipalities with documents</a>.") +
       " <a href=\"/matrix.csv\">Download the full table (CSV)</a>, with every provision, or the "
       "<a href=\"/matrix.csv?long=1\">long table</a> (one row per town and question, with the quote, the document "
       "version and the sha256 of its bytes).</p>\n";
  m += "<nav class=\"counties\" aria-label=\"Counties\"><ul>";
  for (const auto& [county, list] : by_county) {
    m += "<li><a href=\"#" + html_escape(anchor("c-", county)) + "\">" + html_escape(county) + "</a></li>";
  }
  m += "</ul></nav>\n<div class=\"county-grid\">\n";
  for (const auto& [county, list] : by_county) {
    size_t docs = 0;
    for (const query::MatrixRow* r : list) docs += r->documents > 0 ? 1 : 0;
    const std::string id = anchor("c-", county);
    m += "<section class=\"county\" aria-labelledby=\"" + html_escape(id) + "\"><h3 id=\"" + html_escape(id) + "\">" +
         html_escape(county) + " County</h3><p class=\"help\">" + std::to_string(docs) + " of " +
         std::to_string(list.size()) + " with a document</p>";
    if (only_docs && docs == 0) {
      m += "</section>\n";
      continue;
    }
    m += "<table class=\"grid\"><caption class=\"sr-only\">" + html_escape(county) +
         " County: verdicts per question</caption><thead><tr><th scope=\"col\">Municipality</th>";
    for (const auto& q : qs) m += col_head(q);
    m += "</tr></thead><tbody>";
    for (const query::MatrixRow* r : list) {
      const bool has = r->documents > 0;
      if (only_docs && !has) continue;
      m += "<tr" + std::string(has ? "" : " class=\"nodoc\"") + "><th scope=\"row\">" + town_link(r->town) + "</th>";
      if (!has) {
        const std::string st = qs.empty() ? "not_crawled" : cell(*r, 0);
        m += "<td colspan=\"" + std::to_string(qs.size()) + "\" class=\"nodoc-cell\">" + verdict_badge(st, true) +
             " <span class=\"nodoc-text\" aria-hidden=\"true\">" + html_escape(verdict_word(st)) + "</span></td>";
      } else {
        for (size_t q = 0; q < qs.size(); ++q) m += "<td>" + verdict_badge(cell(*r, q), true) + "</td>";
      }
      m += "</tr>";
    }
    m += "</tbody></table></section>\n";
  }
  m += "</div>\n";
  return html_response(200, layout({"Statewide view", "state", "", ""}, m));
}

HttpResponse changes_page(const Params& p, Api& api) {
  for (const auto& [k, v] : p.items) {
    if (k != "town" && k != "provision") return error_page(400, "Bad request", "unknown parameter '" + k + "'");
  }
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  const std::string town = p.get("town"), provision = p.get("provision");
  auto out = api.changes(town, provision, 100);
  if (!out) return api_error_page(out.error());
  Pairs qp;
  if (!town.empty()) qp.emplace_back("town", town);
  if (!provision.empty()) qp.emplace_back("provision", provision);
  const std::string feed = to_query_string(qp);
  std::string m = "<h1>What changed</h1>\n<form class=\"inline\" action=\"/changes\" method=\"get\">"
                  "<label for=\"ch-town\">Town</label><input id=\"ch-town\" name=\"town\" list=\"town-list\" value=\"" +
                  html_escape(town) + "\"><label for=\"ch-prov\">Provision</label>" +
                  provision_select(*tax, "provision", provision, "Any provision", "ch-prov") +
                  "<button type=\"submit\">Show</button></form>" + town_datalist(*tax) + "\n";
  m += "<p><a class=\"feed\" href=\"/feed.atom" + std::string(feed.empty() ? "" : "?") + html_escape(feed) +
       "\">Subscribe to these changes (Atom feed)</a> — any feed reader can follow it.</p>\n";
  const auto& changes = out->changes;
  if (changes.empty()) {
    m += "<p>No changes recorded yet.</p>\n";
  } else {
    m += "<ol class=\"changes\">";
    for (const auto& c : changes) {
      m += "<li>" + date_html(c.detected_at) + " " + town_link(c.town) + ": ";
      if (c.document_id && !c.document_id->empty()) {
        m += "<a href=\"/documents/" + html_escape(url_encode(*c.document_id)) + "\">" +
             html_escape(c.summary) + "</a>";
      } else {
        m += html_escape(c.summary);
      }
      std::string kind = c.kind;
      std::replace(kind.begin(), kind.end(), '_', ' ');
      m += " <span class=\"kind\">(" + html_escape(kind) + ")</span></li>";
    }
    m += "</ol>\n";
  }
  return html_response(200, layout({"Changes", "changes", "", feed}, m));
}

}  // namespace policyindex::serve::web
