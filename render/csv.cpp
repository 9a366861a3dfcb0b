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

std::vector<std::string> provenance_fields(const query::HitProvenance& p) {
  return {p.version_id, p.sha256, p.fetched_at, page_text(p.start), page_text(p.end), p.status, p.version_url};
}

const std::vector<std::string> kProvenanceColumns{"version_id", "sha256", "fetched_at", "start", "end", "status",
                                                  "version_url"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

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
  std::string out = csv_row(with({"rank", "town", "county", "doc_type", "title", "url", "document_id", "section_id",
                                  "number", "heading", "page", "provisions", "cites", "snippet"},
                                 kProvenanceColumns));
  for (const auto& h : r.hits) {
    const auto& rec = *h.record;
    out += csv_row(with({std::to_string(h.rank), rec.town, rec.county, rec.doc_type, rec.title, rec.url,
                         rec.document_id, rec.section_id, rec.number, rec.heading, page_text(rec.page),
                         joined_provisions(rec), joined_cites(rec), plain_snippet(h.snippet, false)},
                        provenance_fields(h.provenance)));
  }
  return out;
}

std::string search_csv_web(const query::SearchResult& r) {
  std::string out = csv_row(with({"rank", "town", "county", "doc_type", "title", "url", "section", "heading", "page",
                                  "provisions", "cites", "snippet", "section_id"},
                                 kProvenanceColumns));
  for (const auto& h : r.hits) {
    const auto& rec = *h.record;
    out += csv_row(with({std::to_string(h.rank), rec.town, rec.county, rec.doc_type, rec.title, rec.url, rec.number,
                         rec.heading, page_text(rec.page), joined_provisions(rec), joined_cites(rec),
                         snippet_text(h.snippet), rec.section_id},
                        provenance_fields(h.provenance)));
  }
  return out;
}

std::string search_omitted_note(const query::SearchResult& r, bool web) {
  const size_t left = r.omitted();
  if (left == 0) return "";
  const size_t next = r.offset + r.hits.size();
  std::string out = "search: " + std::to_string(r.hits.size()) + " of " + std::to_string(r.total) +
                    " hits written (from " + std::to_string(r.offset) + "), " + std::to_string(left) + " left out; ";
  if (web) {
    out += "add offset=" + std::to_string(next) + " for the next page, or limit=" + std::to_string(r.total - r.offset) +
           " (at most 1000 per request) for all";
  } else {
    out += "--offset " + std::to_string(next) + " for the next page, or --all for every hit";
  }
  return out;
}

std::string matrix_csv(const query::Matrix& r) {
  std::vector<std::string> header{"town", "county", "documents"};
  for (const auto& c : r.columns) header.push_back(c.key);
  std::vector<size_t> questions;  // the columns that are questions get a state column
  for (size_t i = 0; i < r.columns.size(); ++i) {
    const std::string& k = r.columns[i].key;
    if (k.size() >= 2 && k[0] == 'Q' && std::isdigit(static_cast<unsigned char>(k[1]))) questions.push_back(i);
  }
  for (size_t i : questions) header.push_back(r.columns[i].key + "_state");
  for (const char* c : {"website_known", "pages_fetched", "blocked", "blocked_reason", "last_crawled"}) header.emplace_back(c);
  std::string out = csv_row(header);
  for (const auto& row : r.rows) {
    std::vector<std::string> f{row.town, row.county, std::to_string(row.documents)};
    for (size_t i = 0; i < r.columns.size(); ++i) f.push_back(i < row.cells.size() ? row.cells[i] : "");
    for (size_t i : questions) f.push_back(i < row.states.size() ? row.states[i] : "");
    const auto& c = row.coverage;
    f.push_back(c.website_known ? "yes" : "no");
    f.push_back(std::to_string(c.pages_fetched));
    f.push_back(std::to_string(c.blocked));
    f.push_back(c.blocked_reason);
    f.push_back(c.last_crawled);
    out += csv_row(f);
  }
  return out;
}

const std::vector<std::string>& matrix_long_columns() {
  static const std::vector<std::string> columns{
      "town",     "county",     "key",         "provision", "question", "verdict",     "state",
      "state_detail", "stance", "status",      "quote",     "document_id", "title",    "doc_type",
      "url",      "version_id", "version_url", "sha256",    "section",  "section_key", "heading",
      "page",     "start",      "end",         "adopted",   "effective", "fetched_at", "evidence_count"};
  return columns;
}

std::string matrix_long_csv(const query::MatrixLong& r) {
  std::string out = csv_row(matrix_long_columns());
  auto num = [](const auto& v) { return v ? std::to_string(*v) : std::string(); };
  for (const auto& x : r.rows) {
    out += csv_row({x.town, x.county, x.key, x.provision, x.question, x.verdict, x.state, x.state_detail, x.stance,
                    x.status, x.quote, x.document_id, x.title, x.doc_type, x.url, x.version_id, x.version_url,
                    x.sha256, x.section, x.section_key, x.heading, num(x.page), num(x.start), num(x.end), x.adopted,
                    x.effective, x.fetched_at, std::to_string(x.evidence_count)});
  }
  return out;
}

}  // namespace policyindex::render
