// The town scorecard, compare, peers and the document view.

#include <algorithm>
#include <optional>
#include <set>

#include "query/labels.h"
#include "serve/web.h"

namespace policyindex::serve::web {
namespace {

bool http_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

std::string source_link(const std::string& url, std::string_view text) {
  if (!http_url(url)) return "";
  return "<a class=\"source\" href=\"" + html_escape(url) + "\" rel=\"noopener noreferrer\">" + std::string(text) + "</a>";
}

// Scorecard entries: Q1..Q7 first (in order), then the other provisions in the card's order.
std::vector<std::pair<std::string, const query::ScoreItem*>> entries(const query::Scorecard& card) {
  std::vector<std::pair<std::string, const query::ScoreItem*>> qs, others;
  for (const auto& e : card.entries) (e.question.empty() ? others : qs).emplace_back(e.key, &e);
  std::sort(qs.begin(), qs.end(), [](const auto& a, const auto& b) { return a.second->question < b.second->question; });
  qs.insert(qs.end(), others.begin(), others.end());
  return qs;
}

std::string town_form(std::string_view action, std::string_view label, std::string_view id,
                      const std::string& extra_hidden) {
  return "<form class=\"inline\" action=\"" + std::string(action) + "\" method=\"get\">" + extra_hidden +
         "<label for=\"" + std::string(id) + "\">" + std::string(label) + "</label><input id=\"" + std::string(id) +
         "\" name=\"town\" list=\"town-list\" required autocomplete=\"off\"><button type=\"submit\">Go</button></form>";
}

// Highlights the provision hits of a section: [start, end) byte offsets into TEXT (or the
// evidence phrase found in it), adjusted to UTF-8 boundaries; overlapping hits are merged
// into the first. Everything escaped.
std::string highlighted(const std::string& text, const std::vector<query::SectionHit>& hits, const Taxonomy& tax,
                        const std::string& key) {
  struct Span {
    size_t start, end;
    std::string label, stance;
    int64_t stored_start;  // the hit's start as stored: the anchor evidence links use
  };
  std::vector<Span> spans;
  for (const auto& h : hits) {
    int64_t s = h.start, e = h.end;
    const int64_t stored_start = h.start;
    const std::string& ev = h.evidence;
    const bool offsets_ok = s >= 0 && e > s && static_cast<size_t>(e) <= text.size();
    // Offsets whose text and the quote have nothing in common (neither holds the other: an
    // older tagger's) give way to where the quote is.
    const std::string_view span =
        offsets_ok ? std::string_view(text).substr(static_cast<size_t>(s), static_cast<size_t>(e - s)) : std::string_view();
    const bool quote_elsewhere = offsets_ok && !ev.empty() && span.find(ev) == std::string_view::npos &&
                                 std::string_view(ev).find(span) == std::string_view::npos &&
                                 text.find(ev) != std::string::npos;
    if (!offsets_ok || quote_elsewhere) {
      const size_t at = ev.empty() ? std::string::npos : text.find(ev);
      if (at == std::string::npos) continue;
      s = static_cast<int64_t>(at);
      e = static_cast<int64_t>(at + ev.size());
    }
    size_t a = static_cast<size_t>(s), b = static_cast<size_t>(e);
    while (a > 0 && (static_cast<unsigned char>(text[a]) & 0xC0) == 0x80) --a;
    while (b < text.size() && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) ++b;
    spans.push_back({a, b, tax.display(h.provision), h.stance, stored_start});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& x, const Span& y) { return x.start < y.start; });
  std::string out;
  size_t pos = 0;
  std::set<std::string> ids;  // every quote keeps its anchor, even when merged into another
  for (size_t i = 0; i < spans.size(); ++i) {
    const Span& sp = spans[i];
    if (sp.start < pos) continue;  // overlaps the previous highlight
    out += html_escape(std::string_view(text).substr(pos, sp.start - pos));
    // Anchors of the quotes this highlight swallows, then its own (on the mark).
    for (size_t j = i + 1; j < spans.size() && spans[j].start < sp.end; ++j) {
      const std::string id = quote_anchor(key, spans[j].stored_start);
      if (ids.insert(id).second) out += "<span class=\"anchor\" id=\"" + html_escape(id) + "\"></span>";
    }
    const std::string own = quote_anchor(key, sp.stored_start);
    const std::string id_attr = ids.insert(own).second ? " id=\"" + html_escape(own) + "\"" : std::string();
    const std::string css = sp.stance == "protective" ? "m-protective" : sp.stance == "permissive" ? "m-permissive" : "m-neutral";
    out += "<mark" + id_attr + " class=\"" + css + "\" title=\"" + html_escape(sp.label + ": " + query::stance_label(sp.stance)) +
           "\"><span class=\"sr-only\">[" + html_escape(sp.label) + ", " + html_escape(query::stance_label(sp.stance)) + ":] </span>" +
           html_escape(std::string_view(text).substr(sp.start, sp.end - sp.start)) + "</mark>";
    pos = sp.end;
  }
  out += html_escape(std::string_view(text).substr(pos));
  return out;
}

// The versions of document DOC_ID, each linked to its own page (?version=).
std::string versions_table(const std::vector<query::VersionItem>& versions, const std::string& doc_id,
                           const std::string& title, const Taxonomy& tax) {
  if (versions.empty()) return "";
  std::string h = "<div class=\"table-wrap\" role=\"region\" aria-label=\"Versions of " + html_escape(title) +
                  "\" tabindex=\"0\"><table class=\"versions\"><caption class=\"sr-only\">Versions of " +
                  html_escape(title) + "</caption><thead><tr>"
                  "<th scope=\"col\">Fetched</th><th scope=\"col\">Size</th><th scope=\"col\">HTTP</th>"
                  "<th scope=\"col\">What changed</th></tr></thead><tbody>";
  for (const auto& v : versions) {
    std::string changed;
    if (v.changes && *v.changes) {
      const query::VersionChanges& c = **v.changes;
      auto list = [&](const std::vector<std::string>& a, std::string_view word) {
        if (a.empty()) return;
        std::string items;
        for (const auto& x : a) {
          // "provision:stance" in words: "Q7 · 287(g) agreements (Protective)".
          const size_t colon = x.rfind(':');
          const bool provision = word.rfind("provisions", 0) == 0 && colon != std::string::npos;
          items += (items.empty() ? "" : "; ") +
                   (provision ? tax.display(x.substr(0, colon)) + " (" + query::stance_label(x.substr(colon + 1)) + ")" : x);
        }
        changed += (changed.empty() ? "" : " · ") + std::string(word) + ": " + items;
      };
      list(c.sections_added, "sections added");
      list(c.sections_removed, "sections removed");
      list(c.sections_changed, "sections changed");
      list(c.provisions_added, "provisions added");
      list(c.provisions_removed, "provisions removed");
      if (changed.empty()) changed = "no change in sections";
    } else {
      changed = "first version";
    }
    h += "<tr><td><a href=\"/documents/" + html_escape(url_encode(doc_id)) + "?version=" + html_escape(url_encode(v.id)) +
         "\">" + date_html(v.fetched_at) + "</a></td><td>" + html_escape(std::to_string(v.size)) +
         " bytes</td><td>" + html_escape(v.http_status ? std::to_string(*v.http_status) : "") + "</td><td>" +
         html_escape(changed) + "</td></tr>";
  }
  return h + "</tbody></table></div>";
}

std::optional<int> page_of(const query::DocumentSection& s) {
  return s.page && *s.page > 0 ? std::optional<int>(static_cast<int>(*s.page)) : std::nullopt;
}

// The badge a cell shows: its coverage state (the verdict when the Api gave none).
std::string shown_state(const query::ScoreItem& e) { return e.state.empty() ? e.verdict : e.state; }

// What the collection knows of the town's crawl, in words that tell "silent" (in-force
// documents say nothing) from "nothing found" (crawled, nothing relevant) from "blocked"
// (kept out) and "not crawled".
std::string coverage_notice(const std::string& name, const query::TownCoverage& c) {
  std::string h = "<p class=\"notice coverage\" id=\"coverage\">";
  const std::string town = html_escape(name);
  if (c.documents_in_force > 0) {
    h += "The collection holds " + std::to_string(c.documents_in_force) + " in-force document" +
         (c.documents_in_force == 1 ? "" : "s") + " of " + town +
         " with relevant language; a question they do not address is marked <strong>Silent</strong>.";
  } else if (c.documents_proposed > 0) {
    h += town + " has only proposed or descriptive relevant text: it is shown, but it decides no verdict.";
  } else if (c.pages_fetched > 0 || c.documents > 0) {
    h += "<strong>Nothing found</strong>: ";
    if (c.pages_fetched > 0) {
      h += town + "'s site was crawled (last on " + date_html(c.last_crawled) + ", " +
           std::to_string(c.pages_fetched) + " page" + (c.pages_fetched == 1 ? "" : "s") + ")";
    } else {
      h += "the collection holds " + std::to_string(c.documents) + " document" + (c.documents == 1 ? "" : "s") + " of " + town;
    }
    h += " and no relevant policy was found — which is not the same as having no policy.";
  } else if (c.blocked > 0) {
    h += "<strong>Blocked</strong>: the crawler was kept out of " + town + "'s site (" + html_escape(c.blocked_reason) +
         ", " + std::to_string(c.blocked) + " address" + (c.blocked == 1 ? "" : "es") +
         "), so nothing is known — not necessarily unprotected.";
  } else {
    h += "<strong>Not crawled</strong>: " +
         std::string(c.website_known ? "nothing has been fetched from " + town + "'s website yet"
                                     : "no website or source is known for " + town) +
         ", so every question below is unanswered — not necessarily unprotected.";
  }
  if (c.blocked > 0 && (c.pages_fetched > 0 || c.documents > 0)) {
    h += " " + std::to_string(c.blocked) + " address" + (c.blocked == 1 ? " was" : "es were") + " refused (" +
         html_escape(c.blocked_reason) + ").";
  }
  if (c.documents_in_force == 0) {
    h += " If you have the town's policy (for example a PDF from a public records request), it can be added with "
         "<code>policyindex add</code>.";
  }
  return h + "</p>\n";
}

}  // namespace

HttpResponse town_page(std::string_view town, Api& api) {
  auto card_r = api.scorecard(town);
  if (!card_r) return api_error_page(card_r.error());
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  const query::Scorecard& card = *card_r;
  const std::string name = card.town;
  std::optional<query::History> history;
  if (auto h = api.history(name); h) history = std::move(*h);

  std::string m = "<h1>" + html_escape(name) + "</h1>\n<p class=\"lead\">" + html_escape(card.county) +
                  " County · <a href=\"/state#" + html_escape(anchor("c-", card.county)) +
                  "\">see the county</a></p>\n";
  const auto& docs = card.documents;
  m += coverage_notice(name, card.coverage);
  const auto list = entries(card);
  // The seven questions at a glance.
  m += "<h2 id=\"scorecard\">Scorecard: the seven questions</h2>\n<ul class=\"glance\">";
  for (const auto& [key, e] : list) {
    if (e->question.empty()) continue;
    m += "<li><a href=\"#" + html_escape(anchor("q-", key)) + "\"><span class=\"qid\">" + html_escape(e->question) +
         "</span> " + verdict_badge(shown_state(*e)) + "<span class=\"qlabel\">" + html_escape(e->label) +
         "</span></a></li>";
  }
  m += "</ul>\n";
  for (const auto& [key, e] : list) {
    if (e->question.empty()) continue;
    const std::string& verdict = e->verdict;
    const Provision* pr = tax->find(e->provision);
    m += "<section class=\"question " + std::string(verdict == "green" ? "ok" : "") + "\" id=\"" + html_escape(anchor("q-", key)) +
         "\" aria-labelledby=\"" + html_escape(anchor("qh-", key)) + "\"><h3 id=\"" + html_escape(anchor("qh-", key)) + "\">" +
         html_escape(e->question) + " · " + html_escape(e->label) + " " + verdict_badge(shown_state(*e)) + "</h3>";
    if (pr && !pr->description.empty()) m += "<p class=\"desc\">" + html_escape(pr->description) + "</p>";
    if (!e->state_detail.empty()) {
      m += "<p class=\"state\" data-state=\"" + html_escape(e->state) + "\">" + html_escape(verdict_word(e->state)) +
           ": " + html_escape(e->state_detail) + ".</p>";
    }
    const auto& ev = e->evidence;
    if (ev.empty() && docs.empty()) {
      m += "<p class=\"none\">" + html_escape(name) + " has no document in the collection, so this question is "
           "unanswered.</p>";
    } else if (ev.empty()) {
      m += "<p class=\"none\">No language on this in " + html_escape(name) + "'s documents.</p>";
    } else {
      if (e->state == "proposed_only") {
        m += "<p class=\"notice\">Proposed text only — not adopted, so it does not decide the verdict:</p>";
      }
      m += evidence_html(ev, 2);
    }
    if (verdict != "green") {
      m += "<p><a href=\"/peers?town=" + html_escape(url_encode(name)) + "&amp;provision=" +
           html_escape(url_encode(e->provision)) + "\">Peer towns with stronger language on this</a></p>";
    }
    m += "</section>\n";
  }
  m += "<h2 id=\"other\">Other provisions</h2>\n<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"other\" tabindex=\"0\">"
       "<table class=\"others\"><caption class=\"sr-only\">Verdicts on the other provisions</caption><thead><tr><th scope=\"col\">Provision</th><th scope=\"col\">Verdict</th>"
       "<th scope=\"col\">Language</th></tr></thead><tbody>";
  for (const auto& [key, e] : list) {
    if (!e->question.empty()) continue;
    m += "<tr id=\"" + html_escape(anchor("p-", key)) + "\"><th scope=\"row\">" + html_escape(e->label) + "</th><td>" +
         verdict_badge(shown_state(*e)) + "</td><td>" + evidence_html(e->evidence, 1) + "</td></tr>";
  }
  m += "</tbody></table></div>\n";

  m += "<h2 id=\"documents\">Documents</h2>\n";
  if (docs.empty()) {
    m += "<p class=\"none\" id=\"no-documents\">No document of " + html_escape(name) +
         " is in the collection yet.</p>\n";
  }
  for (const auto& d : docs) {
    const std::string& id = d.id;
    m += "<article class=\"doc\"><h3><a href=\"/documents/" + html_escape(url_encode(id)) + "\">" +
         html_escape(d.title.empty() ? "Untitled document" : d.title) + "</a></h3><p class=\"meta\">" +
         html_escape(query::doc_type_label(d.doc_type)) + " · " + html_escape(query::status_label(d.status)) +
         " · fetched " + date_html(d.fetched_at) + " · " + html_escape(std::to_string(d.versions)) +
         (d.versions == 1 ? " version " : " versions ") +
         source_link(d.url, "· source") + "</p>";
    if (history) {
      for (const auto& hd : history->documents) {
        if (hd.summary.id == id) m += versions_table(hd.versions, id, d.title.empty() ? "Untitled document" : d.title, *tax);
      }
    }
    m += "</article>\n";
  }
  if (history && !history->changes.empty()) {
    m += "<h2>Changes</h2><ol class=\"changes\">";
    for (const auto& c : history->changes) {
      m += "<li>" + date_html(c.detected_at) + " " + html_escape(c.summary) + "</li>";
    }
    m += "</ol>\n";
  }
  const std::string enc = url_encode(name);
  m += "<h2>More</h2>\n" +
       town_form("/compare", "Compare " + html_escape(name) + " with", "cmp-town",
                 "<input type=\"hidden\" name=\"town\" value=\"" + html_escape(name) + "\">") +
       town_datalist(*tax) + "<ul class=\"links\"><li><a href=\"/peers?town=" + html_escape(enc) +
       "\">Peer towns with stronger language</a></li>" +
       (docs.empty() ? std::string()
                     : "<li><a href=\"/search?town=" + html_escape(enc) + "\">Search " + html_escape(name) +
                           "'s documents</a></li>") +
       "<li><a href=\"/feed.atom?town=" + html_escape(enc) +
       "\">Follow changes in " + html_escape(name) + " (Atom feed)</a></li><li><a href=\"/api/scorecard/" +
       html_escape(enc) + "\">This scorecard as JSON</a></li></ul>\n";
  return html_response(200, layout({name + " scorecard", "", "", "town=" + enc}, m));
}

HttpResponse compare_page(const Params& p, Api& api) {
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  std::vector<std::string> towns = p.all("town");
  const std::string provision = p.get("provision");
  std::string form = "<form class=\"compare-form\" action=\"/compare\" method=\"get\"><fieldset><legend>Towns to compare</legend>";
  for (size_t i = 0; i < towns.size() + 1 || i < 2; ++i) {
    const std::string id = "cmp-" + std::to_string(i);
    form += "<label for=\"" + id + "\">Town " + std::to_string(i + 1) + "</label><input id=\"" + id +
            "\" name=\"town\" list=\"town-list\" autocomplete=\"off\" value=\"" +
            (i < towns.size() ? html_escape(towns[i]) : "") + "\">";
  }
  form += "</fieldset><label for=\"cmp-prov\">Provision</label>" +
          provision_select(*tax, "provision", provision, "All provisions", "cmp-prov") +
          "<button type=\"submit\">Compare</button></form>" + town_datalist(*tax);
  std::string m = "<h1>Compare towns</h1>\n";
  if (towns.size() < 2) {
    m += "<p>Choose two or more towns to see their language side by side.</p>" + form;
    return html_response(200, layout({"Compare towns", "compare", "", ""}, m));
  }
  auto out = api.compare(towns, provision);
  if (!out) return api_error_page(out.error());
  const auto& ts = out->towns;
  std::string names;
  for (const auto& t : ts) names += (names.empty() ? "" : ", ") + t.town;
  m = "<h1>Compare: " + html_escape(names) + "</h1>\n";
  m += "<div class=\"table-wrap\" role=\"region\" aria-label=\"Comparison table\" tabindex=\"0\"><table class=\"compare\">"
       "<caption class=\"sr-only\">Verdicts and language per provision</caption><thead><tr><th scope=\"col\">Provision</th>";
  for (const auto& t : ts) {
    m += "<th scope=\"col\">" + town_link(t.town) + "<br><span class=\"county\">" + html_escape(t.county) +
         " County</span></th>";
  }
  m += "</tr></thead><tbody>";
  for (const auto& r : out->rows) {
    const std::string& q = r.question;
    m += "<tr><th scope=\"row\">" + html_escape(q.empty() ? r.label : q + " · " + r.label) + "</th>";
    for (const auto& c : r.cells) {
      m += "<td>" + verdict_badge(c.verdict) + evidence_html(c.evidence, 1) + "</td>";
    }
    m += "</tr>";
  }
  m += "</tbody></table></div>\n<h2>Change the comparison</h2>" + form;
  return html_response(200, layout({"Compare " + names, "compare", "", ""}, m));
}

HttpResponse peers_page(const Params& p, Api& api) {
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  const std::string town = p.get("town"), provision = p.get("provision");
  std::string form = "<form class=\"inline\" action=\"/peers\" method=\"get\"><label for=\"peer-town\">Town</label>"
                     "<input id=\"peer-town\" name=\"town\" list=\"town-list\" required autocomplete=\"off\" value=\"" +
                     html_escape(town) + "\"><label for=\"peer-prov\">Provision</label>" +
                     provision_select(*tax, "provision", provision, "Every question not yet green", "peer-prov") +
                     "<button type=\"submit\">Find peers</button></form>" + town_datalist(*tax);
  if (town.empty()) {
    std::string m = "<h1>Peer towns with stronger language</h1>\n<p>Choose your town: for each question where it is "
                    "not yet protective, see towns — nearest first — whose language you could borrow.</p>" + form;
    return html_response(200, layout({"Peer towns", "peers", "", ""}, m));
  }
  auto out = api.peers(town, provision);
  if (!out) return api_error_page(out.error());
  const std::string name = out->town;
  std::string m = "<h1>Language " + html_escape(name) + " could borrow</h1>\n<p class=\"lead\">Towns with protective "
                  "language where " + town_link(name) + " has none or weaker; same county first, then by similarity "
                  "of their texts.</p>\n";
  const auto& provs = out->provisions;
  if (provs.empty()) m += "<p>" + html_escape(name) + " is already protective on every question asked.</p>";
  for (const auto& pr : provs) {
    const std::string& q = pr.question;
    const std::string hid = anchor("pp-", pr.provision);
    m += "<section class=\"peers\" aria-labelledby=\"" + html_escape(hid) + "\"><h2 id=\"" + html_escape(hid) + "\">" +
         html_escape(q.empty() ? pr.label : q + " · " + pr.label) + "</h2><p>" + html_escape(name) +
         " today: " + verdict_badge(pr.verdict) + "</p>";
    const auto& peers = pr.peers;
    if (peers.empty()) {
      m += "<p class=\"none\">No town in the collection has stronger language on this yet.</p>";
    } else {
      m += "<ol class=\"peer-list\">";
      size_t n = 0;
      for (const auto& peer : peers) {
        if (n++ == 10) break;
        const double sim = peer.similarity;
        m += "<li><h3>" + town_link(peer.town) + " <span class=\"county\">" + html_escape(peer.county) +
             " County" + (peer.same_county ? " · same county" : "") + " · similarity " +
             std::to_string(static_cast<int>(sim * 100 + 0.5)) + "%</span> " + verdict_badge(peer.verdict) +
             "</h3>" + evidence_html(peer.evidence, 2) + "</li>";
      }
      m += "</ol>";
    }
    m += "</section>\n";
  }
  m += "<h2>Another town or provision</h2>" + form;
  return html_response(200, layout({"Peers of " + name, "peers", "", ""}, m));
}

HttpResponse document_page(int64_t id, std::optional<int64_t> version, Api& api) {
  auto out = api.document(id, version);
  if (!out) return api_error_page(out.error());
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  const query::Document& d = *out;
  const std::string title = d.title.empty() ? "Untitled document" : d.title;
  std::string m = "<h1>" + html_escape(title) + "</h1>\n<p class=\"lead\">" + town_link(d.town) + " · " +
                  html_escape(d.county) + " County · " + html_escape(query::doc_type_label(d.doc_type)) + " · " +
                  html_escape(query::status_label(d.status));
  if (d.extraction && !d.extraction->type.empty()) m += " · " + html_escape(d.extraction->type);
  if (d.extraction && d.extraction->pages) m += ", " + html_escape(std::to_string(*d.extraction->pages)) + " pages";
  m += "</p>\n";
  if (http_url(d.url)) {
    m += "<p>Source: <a class=\"source\" href=\"" + html_escape(d.url) + "\" rel=\"noopener noreferrer\">" +
         html_escape(d.url) + "</a></p>\n";
  } else if (!d.url.empty()) {
    m += "<p>Source: " + html_escape(d.url) + "</p>\n";
  }
  if (d.version) {
    const bool current = d.current_version && *d.current_version == *d.version;
    m += "<p class=\"version-note" + std::string(current ? "" : " notice") + "\" id=\"version\">" +
         std::string(current ? "Current version " : "You are reading version ") + html_escape(*d.version) +
         ", fetched " + date_html(d.version_fetched_at) + " · sha256 <code>" + html_escape(d.version_sha256) + "</code>";
    if (!current && d.current_version) {
      m += " · <a href=\"/documents/" + html_escape(d.id) + "\">the current version is " + html_escape(*d.current_version) +
           "</a>";
    }
    m += "</p>\n";
  }
  if (d.extraction && !d.extraction->error.empty()) {
    m += "<p class=\"notice\">Text extraction: " + html_escape(d.extraction->status) + " — " +
         html_escape(d.extraction->error) + "</p>\n";
  }
  const auto& sections = d.sections;
  // Provisions found, as a summary with links to the sections.
  std::set<std::string> found;
  for (const auto& s : sections) {
    for (const auto& h : s.provisions) found.insert(h.provision);
  }
  if (!found.empty()) {
    m += "<p class=\"found\">Provisions in this document: ";
    bool first = true;
    for (const auto& f : found) {
      m += (first ? "" : ", ") + html_escape(tax->display(f));
      first = false;
    }
    m += ".</p>\n<p class=\"legend\">Highlights: <mark class=\"m-protective\">protective</mark> "
         "<mark class=\"m-permissive\">permissive</mark> <mark class=\"m-neutral\">neutral</mark> "
         "(screen readers hear the provision and stance before each highlight).</p>\n";
  }
  if (!sections.empty()) {
    m += "<nav class=\"toc\" aria-label=\"Sections\"><details><summary>Contents (" + std::to_string(sections.size()) +
         " sections)</summary><ol>";
    for (const auto& s : sections) {
      const std::string label = query::section_label(s.number, s.heading, page_of(s));
      m += "<li><a href=\"#" + html_escape(anchor("s-", s.id.substr(s.id.find('/') + 1))) + "\">" +
           html_escape(label) + "</a></li>";
    }
    m += "</ol></details></nav>\n";
  } else {
    m += "<p class=\"notice\">No text has been extracted from this document yet.</p>\n";
  }
  std::set<std::string> numbers;
  for (const auto& s : sections) {
    const std::string& sid = s.id;
    const std::string key = sid.substr(sid.find('/') + 1);
    const std::string& number = s.number;
    const int level = std::clamp(s.level, 1, 4);
    const std::string heading = query::section_label(number, s.heading, page_of(s));
    // The first section with a number also answers links by number (scorecard evidence).
    const bool number_anchor = !number.empty() && numbers.insert(number).second;
    m += "<section class=\"sec lvl-" + std::to_string(level) + "\" id=\"" + html_escape(anchor("s-", key)) + "\">";
    m += "<h2" + (number_anchor ? " id=\"" + html_escape(anchor("n-", number)) + "\"" : std::string()) + ">" +
         html_escape(heading) + "</h2>";
    if (s.page) m += "<p class=\"meta\">page " + html_escape(std::to_string(*s.page)) + "</p>";
    const auto& hits = s.provisions;
    if (!hits.empty()) {
      m += "<ul class=\"chips\" aria-label=\"Provisions in this section\">";
      std::set<std::string> seen;
      for (const auto& h : hits) {
        const std::string k = h.provision + ":" + h.stance;
        if (!seen.insert(k).second) continue;
        m += "<li>" + html_escape(tax->display(h.provision)) + " " + stance_badge(h.stance) + "</li>";
      }
      m += "</ul>";
    }
    m += "<div class=\"text\">" + highlighted(s.text, hits, *tax, key) + "</div>";
    const auto& cites = s.cites;
    if (!cites.empty()) {
      m += "<p class=\"cites\">Cites: ";
      bool first = true;
      for (const auto& c : cites) {
        m += (first ? "" : ", ") + std::string("<a href=\"/search?cites=") + html_escape(url_encode(c)) + "\">" +
             html_escape(query::citation_label(c)) + "</a>";
        first = false;
      }
      m += "</p>";
    }
    m += "</section>\n";
  }
  m += "<h2>Versions</h2>" + versions_table(d.versions, d.id, title, *tax) + "\n";
  return html_response(200, layout({title + " (" + d.town + ")", "", "", ""}, m));
}

}  // namespace policyindex::serve::web
