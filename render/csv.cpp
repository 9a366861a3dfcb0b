// The one CSV writer (RFC 4180, formula-injection guard on every cell) and the CSV tables.
#include <cctype>

#include "render/render.h"

namespace policyindex::render {
namespace {

// Snippet HTML to plain text for the web page's CSV (CR and LF become spaces).
std::string snippet_text(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    auto starts = [&](std::string_view w) { return s.substr(i, w.size()) == w; };
    if (starts("<b>")) { i += 3; }
    else if (starts("</b>")) { i += 4; }
    else if (starts("&amp;")) { out += '&'; i += 5; }
    else if (starts("&lt;")) { out += '<'; i += 4; }
    else if (starts("&gt;")) { out += '>'; i += 4; }
    else if (starts("&quot;")) { out += '"'; i += 6; }
    else if (starts("&#39;")) { out += '\''; i += 5; }
    else if (s[i] == '\n' || s[i] == '\r') { out += ' '; ++i; }
    else { out += s[i++]; }
  }
  return out;
}

std::string joined_provisions(const index::SectionRecord& rec) {
  std::string provs;
  for (const auto& [p, st] : rec.provisions) {
    if (!provs.empty()) provs += ';';
    provs.append(p).append(":").append(st);
  }
  return provs;
}

std::string joined_cites(const index::SectionRecord& rec) {
  std::string cites;
  for (const auto& c : rec.cites) {
    if (!cites.empty()) cites += ';';
    cites += c;
  }
  return cites;
}

std::string page_text(const std::optional<int64_t>& page) { return page ? std::to_string(*page) : ""; }

}  // namespace

std::string csv_field(std::string_view s) {
  std::string text;
  text.reserve(s.size() + 1);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '\t' || s[0] == '\r' ||
                     (s[0] == '-' && (s.size() == 1 || !std::isdigit(static_cast<unsigned char>(s[1])))))) {
    text.push_back('\'');
  }
  text += s;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    line += csv_field(fields[i]);
  }
  return line + "\r\n";
}

std::string search_csv(const query::SearchResult& r) {
  std::string out = csv_row({"rank", "town", "county", "doc_type", "title", "url", "document_id", "section_id",
                             "number", "heading", "page", "provisions", "cites", "snippet"});
  for (const auto& h : r.hits) {
    const auto& rec = *h.record;
    out += csv_row({std::to_string(h.rank), rec.town, rec.county, rec.doc_type, rec.title, rec.url, rec.document_id,
                    rec.section_id, rec.number, rec.heading, page_text(rec.page), joined_provisions(rec),
                    joined_cites(rec), plain_snippet(h.snippet, false)});
  }
  return out;
}

std::string search_csv_web(const query::SearchResult& r) {
  std::string out = "rank,town,county,doc_type,title,url,section,heading,page,provisions,cites,snippet,section_id\r\n";
  for (const auto& h : r.hits) {
    const auto& rec = *h.record;
    out += csv_row({std::to_string(h.rank), rec.town, rec.county, rec.doc_type, rec.title, rec.url, rec.number,
                    rec.heading, page_text(rec.page), joined_provisions(rec), joined_cites(rec),
                    snippet_text(h.snippet), rec.section_id});
  }
  return out;
}

std::string matrix_csv(const query::Matrix& r) {
  std::vector<std::string> header{"town", "county", "documents"};
  for (const auto& c : r.columns) header.push_back(c.key);
  std::string out = csv_row(header);
  for (const auto& row : r.rows) {
    std::vector<std::string> f{row.town, row.county, std::to_string(row.documents)};
    for (size_t i = 0; i < r.columns.size(); ++i) f.push_back(i < row.cells.size() ? row.cells[i] : "");
    out += csv_row(f);
  }
  return out;
}

}  // namespace policyindex::render
