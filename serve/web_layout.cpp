// The frame of every page and the pieces the pages share: verdict badges, evidence quotes,
// pickers. Every text from the Api passes through html_escape here or in web_pages.cpp.

#include <algorithm>

#include "query/labels.h"
#include "serve/web.h"

namespace policyindex::serve::web {
namespace {

struct VerdictStyle {
  std::string_view verdict, icon, word, css, meaning;
};

constexpr VerdictStyle kVerdicts[] = {
    {"green", "✓", "Protective", "v-green", "protective language found"},
    {"red", "✗", "Permits cooperation", "v-red", "language permitting cooperation found"},
    {"mixed", "◐", "Mixed", "v-mixed", "both protective and permissive language found"},
    {"absent", "–", "Not addressed", "v-absent", "the documents do not address this"},
    {"no document", "∅", "No document", "v-nodoc", "no document of this town in the corpus"},
    // Coverage states (TAXONOMY.md "Scorecard") beside the verdicts.
    {"proposed_only", "✎", "Proposed only", "v-proposed", "only proposed (not adopted) text addresses this"},
    {"not_addressed", "–", "Silent", "v-absent", "the town's in-force documents exist and say nothing on this"},
    {"no_document", "∅", "Nothing found", "v-nodoc", "the town's site was crawled and nothing relevant was found"},
    {"blocked", "⊘", "Blocked", "v-blocked", "robots.txt, a login wall or a firewall kept the crawler out"},
    {"not_crawled", "?", "Not crawled", "v-nodoc", "no website known for this town, or nothing fetched yet"},
};

const VerdictStyle& style_of(std::string_view verdict) {
  for (const auto& v : kVerdicts) {
    if (v.verdict == verdict) return v;
  }
  return kVerdicts[3];
}

std::string nav_link(std::string_view href, std::string_view text, bool current) {
  return "<li><a href=\"" + std::string(href) + "\"" + (current ? " aria-current=\"page\"" : "") + ">" +
         std::string(text) + "</a></li>";
}

}  // namespace

std::string layout(const PageOptions& o, std::string_view main_html) {
  std::string h;
  h.reserve(main_html.size() + 4096);
  h += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<title>" + html_escape(o.title) + " — policyindex</title>\n"
       "<link rel=\"stylesheet\" href=\"" + asset_url("app.css") + "\">\n"
       "<link rel=\"icon\" href=\"" + asset_url("icon.svg") + "\" type=\"image/svg+xml\">\n";
  if (!o.feed_query.empty() || o.nav == "changes") {
    h += "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Changes\" href=\"/feed.atom" +
         std::string(o.feed_query.empty() ? "" : "?") + html_escape(o.feed_query) + "\">\n";
  }
  h += "<script src=\"" + asset_url("app.js") + "\" defer></script>\n</head>\n<body>\n"
       "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
       "<header class=\"site\">\n<div class=\"bar\">\n"
       "<a class=\"brand\" href=\"/\"><span class=\"brand-name\">policyindex</span> "
       "<span class=\"brand-sub\">Massachusetts policies on immigration enforcement</span></a>\n"
       "<nav aria-label=\"Main\"><ul>" +
       nav_link("/search", "Search", o.nav == "search") + nav_link("/state", "Statewide", o.nav == "state") +
       nav_link("/map", "Map", o.nav == "map") + nav_link("/analyze", "Check a policy", o.nav == "analyze") +
       nav_link("/compare", "Compare", o.nav == "compare") + nav_link("/peers", "Peer towns", o.nav == "peers") +
       nav_link("/changes", "Changes", o.nav == "changes") + "</ul></nav>\n";
  if (o.nav != "search") {
    h += "<form class=\"quick\" role=\"search\" aria-label=\"Quick search\" action=\"/search\" method=\"get\">"
         "<label for=\"quick-q\" class=\"sr-only\">Search the policies</label>"
         "<input id=\"quick-q\" name=\"q\" type=\"search\" placeholder=\"Search the policies\" value=\"" +
         html_escape(o.query) + "\"><button type=\"submit\">Search</button></form>\n";
  }
  h += "</div>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n";
  h += main_html;
  h += "\n</main>\n<footer class=\"site\"><p>Every verdict links to the sentence it rests on. "
       "Verdicts are computed from the text and can be wrong: read the quoted language and the source. "
       "Data for programs: <a href=\"/api/taxonomy\">JSON API</a> (docs/API.md), "
       "<a href=\"/matrix.csv\">statewide table (CSV)</a>, <a href=\"/feed.atom\">changes (Atom)</a>.</p>"
       "<p class=\"keys\">Keyboard: <kbd>/</kbd> search, <kbd>j</kbd>/<kbd>k</kbd> next/previous result.</p>"
       "</footer>\n</body>\n</html>\n";
  return h;
}

HttpResponse html_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse r = html_response(status, std::move(body));
  r.content_type = "application/json; charset=utf-8";
  return r;
}

HttpResponse error_page(int status, std::string_view title, std::string_view message) {
  std::string m = "<h1>" + html_escape(title) + "</h1>\n<p class=\"error\" role=\"alert\">" +
                  html_escape(message) + "</p>\n<p><a href=\"/\">Start page</a> · <a href=\"/search\">Search</a> · "
                  "<a href=\"/state\">Statewide view</a></p>";
  return html_response(status, layout({std::string(title), "", "", ""}, m));
}

HttpResponse api_error_page(const Error& e) {
  const int status = http_status(e.code);
  const std::string title = status == 404 ? "Not found" : status == 400 ? "Please check the request"
                                                                       : "Something went wrong";
  std::string m = "<h1>" + html_escape(title) + "</h1>\n<p class=\"error\" role=\"alert\">";
  // "unknown town 'X'; did you mean: A, B, C": offer the names as links.
  const std::string_view msg = e.message;
  const size_t dym = msg.find("; did you mean: ");
  if (dym != std::string_view::npos && msg.find("town") != std::string_view::npos) {
    m += html_escape(msg.substr(0, dym)) + ".</p>\n<p>Did you mean ";
    std::string_view rest = msg.substr(dym + 16);
    bool first = true;
    while (!rest.empty()) {
      size_t comma = rest.find(", ");
      std::string_view name = rest.substr(0, comma);
      m += (first ? "" : ", ") + town_link(name);
      first = false;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
    }
    m += "?</p>";
  } else {
    m += html_escape(msg) + "</p>";
  }
  m += "\n<p><a href=\"/\">Start page</a> · <a href=\"/search\">Search</a> · <a href=\"/state\">Statewide view</a></p>";
  return html_response(status, layout({title, "", "", ""}, m));
}

std::string verdict_word(std::string_view verdict) { return std::string(style_of(verdict).word); }

std::string verdict_badge(std::string_view verdict, bool compact) {
  const auto& s = style_of(verdict);
  if (compact) {
    return "<span class=\"cell " + std::string(s.css) + "\" title=\"" + std::string(s.word) + ": " +
           std::string(s.meaning) + "\"><span aria-hidden=\"true\">" + std::string(s.icon) +
           "</span><span class=\"sr-only\">" + std::string(s.word) + "</span></span>";
  }
  return "<span class=\"badge " + std::string(s.css) + "\" title=\"" + std::string(s.meaning) +
         "\"><span class=\"icon\" aria-hidden=\"true\">" + std::string(s.icon) + "</span> " +
         std::string(s.word) + "</span>";
}

std::string stance_badge(std::string_view stance) {
  std::string_view icon = stance == "protective" ? "✓" : stance == "permissive" ? "✗" : "·";
  std::string_view css = stance == "protective" ? "s-protective" : stance == "permissive" ? "s-permissive" : "s-neutral";
  return "<span class=\"stance " + std::string(css) + "\"><span aria-hidden=\"true\">" + std::string(icon) +
         "</span> " + html_escape(query::stance_label(stance)) + "</span>";
}

const Provision* Taxonomy::find(std::string_view id) const {
  for (const auto& p : provisions) {
    if (p.id == id || (!p.question.empty() && p.question == id)) return &p;
  }
  return nullptr;
}

std::string Taxonomy::display(std::string_view id) const {
  const Provision* p = find(id);
  if (p == nullptr) return std::string(id);
  return p->question.empty() ? p->label : p->question + " · " + p->label;
}

Result<Taxonomy> load_taxonomy(Api& api) {
  auto r = api.taxonomy();
  if (!r) return tl::make_unexpected(r.error());
  Taxonomy t;
  for (auto& p : r->provisions) {
    t.provisions.push_back({std::move(p.id), std::move(p.label), std::move(p.question), std::move(p.description)});
  }
  for (auto& m : r->municipalities) {
    t.municipalities.push_back({std::move(m.name), std::move(m.county), std::move(m.kind), m.documents});
  }
  return t;
}

std::string town_datalist(const Taxonomy& t) {
  std::string h = "<datalist id=\"town-list\">";
  for (const auto& m : t.municipalities) h += "<option value=\"" + html_escape(m.name) + "\">";
  return h + "</datalist>";
}

std::string provision_select(const Taxonomy& t, std::string_view name, std::string_view selected,
                             std::string_view any, std::string_view id) {
  const Provision* sel = selected.empty() ? nullptr : t.find(selected);
  std::string h = "<select id=\"" + std::string(id) + "\" name=\"" + std::string(name) + "\">";
  h += "<option value=\"\">" + html_escape(any) + "</option>";
  for (const auto& p : t.provisions) {
    h += "<option value=\"" + html_escape(p.id) + "\"" + (sel == &p ? " selected" : "") + ">" +
         html_escape(t.display(p.id)) + "</option>";
  }
  return h + "</select>";
}

std::string town_link(std::string_view name) {
  return "<a href=\"/town/" + html_escape(url_encode(name)) + "\">" + html_escape(name) + "</a>";
}

std::string section_href(std::string_view document_id, std::string_view number) {
  std::string href = "/documents/" + url_encode(document_id);
  if (!number.empty()) href += "#" + anchor("n-", number);
  return href;
}

std::string quote_anchor(std::string_view section_key, int64_t start) {
  return anchor("e-", std::string(section_key) + "-" + std::to_string(start));
}

std::string evidence_href(const query::EvidenceItem& ev) {
  // The quote's own anchor when its offsets are known, else its section's; on the version
  // page when the evidence names a version.
  std::string fragment;
  if (!ev.section_key.empty()) fragment = ev.start ? quote_anchor(ev.section_key, *ev.start) : anchor("s-", ev.section_key);
  if (!ev.version_url.empty()) {
    std::string href = ev.version_url.substr(0, ev.version_url.find('#'));
    return fragment.empty() ? ev.version_url : href + "#" + fragment;
  }
  if (fragment.empty()) return section_href(ev.document_id, ev.section);
  return "/documents/" + url_encode(ev.document_id) + "#" + fragment;
}

std::string date_html(std::string_view iso) {
  const std::string label = query::date_label(iso);
  if (label == iso) return html_escape(iso);
  return "<time datetime=\"" + html_escape(iso) + "\">" + html_escape(label) + "</time>";
}

std::string evidence_html(const std::vector<query::EvidenceItem>& evidence, size_t max) {
  if (evidence.empty()) return "";
  std::string h = "<ul class=\"evidence\">";
  size_t n = 0;
  for (const auto& ev : evidence) {
    if (n == max) h += "</ul><details class=\"more\"><summary>" + std::to_string(evidence.size() - max) +
                       " more sentence" + (evidence.size() - max == 1 ? "" : "s") + "</summary><ul class=\"evidence\">";
    ++n;
    std::string where = html_escape(ev.document);
    const std::string sec = query::section_label(ev.section, ev.heading, ev.page);
    where += ", " + html_escape(sec);
    if (ev.page && sec.rfind("Text on page", 0) != 0) where += ", page " + html_escape(std::to_string(*ev.page));
    h += "<li><blockquote>" + html_escape(ev.text) + "</blockquote><p class=\"where\">";
    if (!ev.stance.empty()) h += stance_badge(ev.stance) + " ";
    h += "<a href=\"" + html_escape(evidence_href(ev)) + "\">" + where + "</a>";
    if (!ev.status.empty() && ev.status != "in_force") {
      h += " <span class=\"doc-status\">" + html_escape(query::status_label(ev.status)) + "</span>";
    }
    const std::string& url = ev.url;
    if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
      h += " · <a class=\"source\" href=\"" + html_escape(url) + "\" rel=\"noopener noreferrer\">source</a>";
    }
    h += "</p>";
    if (!ev.version_id.empty()) {
      // The citation: the exact version and the hash of its stored bytes.
      h += "<p class=\"cite\">version " + html_escape(ev.version_id) + " · sha256 <code title=\"" +
           html_escape(ev.sha256) + "\">" + html_escape(ev.sha256.substr(0, 12)) + "…</code>";
      if (ev.start && ev.end) {
        h += " · bytes " + html_escape(std::to_string(*ev.start)) + "–" + html_escape(std::to_string(*ev.end));
      }
      if (!ev.fetched_at.empty()) h += " · fetched " + date_html(ev.fetched_at);
      h += "</p>";
    }
    h += "</li>";
  }
  h += "</ul>";
  if (n > max) h += "</details>";
  return h;
}

}  // namespace policyindex::serve::web
