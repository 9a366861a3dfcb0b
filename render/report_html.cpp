// The advocate's report as a printable HTML page: one self-contained document (inline CSS
// with print rules, no script, no external resource), every text from a document escaped.
#include "render/report.h"
#include "render/report_util.h"

namespace policyindex::render {
namespace {

using detail::add;

std::string e(std::string_view s) { return html_escape_text(s); }

// Only web links become links; anything else (a local file) is shown as text.
std::string link(std::string_view url, std::string_view text) {
  if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) {
    std::string out;
    add(out, "<a href=\"", e(url), "\">", e(text), "</a>");
    return out;
  }
  return e(text);
}

std::string where(const std::string& section, const std::optional<int>& page) {
  std::string out = e(section);
  if (page) add(out, ", page ", std::to_string(*page));
  return out;
}

constexpr const char* kStyle = R"css(
body{font:16px/1.5 Georgia,"Times New Roman",serif;color:#111;max-width:48rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #999}
h3{font-size:1.1rem;margin:1.4rem 0 .3rem}
.summary{font-size:1.15rem;font-weight:bold;padding:.6rem .8rem;border:2px solid #111}
.v{display:inline-block;padding:0 .45rem;border:1px solid #111;border-radius:.2rem;font-family:sans-serif;font-size:.85rem}
.green{background:#d7f0d2}.red{background:#f6d2d2}.mixed{background:#f7ebc4}.absent{background:#e6e6e6}
blockquote{margin:.4rem 0 .2rem 1rem;padding-left:.7rem;border-left:4px solid #777}
.why,.src{font-size:.9rem;color:#333;margin:.1rem 0 .6rem 1.7rem}
dl.legend dt{font-weight:bold;margin-top:.5rem}dl.legend dd{margin-left:1rem}
ins{background:#d7f0d2;text-decoration:underline}del{background:#f6d2d2}
a{color:#0645ad}a:focus{outline:3px solid #111;outline-offset:2px}
.note{font-style:italic}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.2rem .4rem;text-align:left;vertical-align:top}
@media print{body{max-width:none;margin:0;font-size:11pt}a{color:#111;text-decoration:none}
a[href]::after{content:" (" attr(href) ")";font-size:9pt;word-break:break-all}
h2,h3{break-after:avoid}blockquote,.borrow li{break-inside:avoid}}
)css";

void model_html(std::string& out, const query::ModelComparison& m) {
  add(out, "<section><h2>Compared with the model &ldquo;", e(m.name), "&rdquo;</h2>\n<p>", e(m.document));
  if (!m.url.empty()) add(out, " (", link(m.url, m.url), ")");
  add(out, ". ", std::to_string(m.model_sentences), " operative sentences in the model; ", std::to_string(m.kept),
      " kept as strong in this policy.</p>\n");
  if (m.changes.empty()) add(out, "<p>Nothing dropped, weakened or added.</p>\n");
  for (const auto& c : m.changes) {
    if (c.kind == "dropped") {
      add(out, "<h3>Dropped from ", e(c.model_section), "</h3>\n<blockquote>", e(c.model_text), "</blockquote>\n");
    } else if (c.kind == "weakened") {
      add(out, "<h3>Weakened: ", e(c.reason), "</h3>\n<p class=\"src\">Model ", e(c.model_section), "; this policy ",
          e(c.town_section), "</p>\n<blockquote>");
      for (const auto& d : c.diff) {
        if (d.op == '=') add(out, e(d.text), " ");
        else if (d.op == '-') add(out, "<del>", e(d.text), "</del> ");
        else add(out, "<ins>", e(d.text), "</ins> ");
      }
      add(out, "</blockquote>\n");
    } else {
      add(out, "<h3>Added in ", e(c.town_section), " (not in the model)</h3>\n<blockquote>", e(c.town_text),
          "</blockquote>\n");
    }
  }
  add(out, "</section>\n");
}

}  // namespace

std::string html_escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string report_html(const query::Report& r) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  add(out, "Policy report: ", e(r.title.empty() ? r.file : r.title), "</title>\n<style>", kStyle,
      "</style></head>\n<body><main>\n<h1>Policy report</h1>\n<p>", e(r.file));
  if (!r.title.empty()) add(out, " &mdash; ", e(r.title));
  add(out, "<br>", e(r.type));
  if (r.pages) add(out, ", ", std::to_string(r.pages), " pages");
  if (!r.ocr_pages.empty()) add(out, " (", std::to_string(r.ocr_pages.size()), " read by OCR)");
  add(out, "</p>\n<p class=\"summary\">", e(r.summary), ".</p>\n");

  add(out, "<section><h2>What the verdicts mean</h2>\n<p><span class=\"v green\">protective</span> the policy "
           "limits cooperation; <span class=\"v mixed\">mixed</span> it has both kinds of language; "
           "<span class=\"v red\">permissive</span> it allows or invites cooperation; "
           "<span class=\"v absent\">not addressed</span> it says nothing that decides the question.</p>\n"
           "<dl class=\"legend\">\n");
  for (const auto& l : r.legend)
    add(out, "<dt>", e(l.key), " ", e(l.label), "</dt><dd>", e(l.green), "</dd><dd>", e(l.mixed), "</dd><dd>", e(l.red),
        "</dd><dd>", e(l.absent), "</dd>\n");
  add(out, "</dl></section>\n");

  add(out, "<section><h2>Verdicts</h2>\n");
  for (const auto& q : r.items) {
    add(out, "<h3>", e(q.key), " ", e(q.label), ": <span class=\"v ", e(q.verdict), "\">", e(q.verdict_label),
        "</span></h3>\n<p>", e(q.meaning), "</p>\n");
    for (const auto& x : q.quotes)
      add(out, "<blockquote>", e(x.text), "</blockquote>\n<p class=\"why\">", e(x.stance), "; ",
          where(x.section, x.page), ". ", e(x.why), "</p>\n");
    if (q.key.empty() || q.key[0] != 'Q' || q.verdict == "green" || !r.borrow_note.empty()) continue;
    add(out, "<h4>What to borrow</h4>\n");
    if (q.borrow.empty()) {
      add(out, "<p class=\"note\">No in-force protective sentence on this question in the corpus.</p>\n");
      continue;
    }
    add(out, "<ul class=\"borrow\">\n");
    for (const auto& b : q.borrow)
      add(out, "<li><blockquote>", e(b.text), "</blockquote>\n<p class=\"src\">", e(b.town), " (", e(b.county),
          " County, ", e(b.nearness), "; their verdict: ", e(query::verdict_label(b.town_verdict)), "), ",
          e(b.doc_type), " ", link(b.url, b.document), ", ", where(b.section, b.page), "</p></li>\n");
    add(out, "</ul>\n");
  }
  add(out, "</section>\n");
  if (!r.borrow_note.empty()) add(out, "<section><h2>What to borrow</h2>\n<p class=\"note\">", e(r.borrow_note), "</p></section>\n");
  if (r.model) model_html(out, *r.model);

  add(out, "<section><h2>Sections</h2>\n<ul>\n");
  for (const auto& s : r.sections) {
    add(out, "<li>", e(s.label));
    if (s.page) {
      add(out, " (page ", std::to_string(*s.page));
      if (s.page_end) add(out, "&ndash;", std::to_string(*s.page_end));
      add(out, ")");
    }
    add(out, "</li>\n");
  }
  add(out, "</ul></section>\n");
  if (!r.citations.empty()) {
    add(out, "<section><h2>Laws and cases cited</h2>\n<ul>\n");
    for (const auto& c : r.citations) add(out, "<li>", e(c), "</li>\n");
    add(out, "</ul></section>\n");
  }
  for (const auto& w : r.warnings) add(out, "<p class=\"note\">Warning: ", e(w), "</p>\n");
  add(out, "</main></body></html>\n");
  return out;
}

}  // namespace policyindex::render
