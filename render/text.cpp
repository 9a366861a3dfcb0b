// Query results as text for people (the CLI's default output).
#include <cstring>

#include "render/json_writer.h"
#include "render/render.h"

namespace policyindex::render {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string where(const query::EvidenceItem& ev) {
  std::string w = ev.document;
  if (!ev.section.empty()) w += ", § " + ev.section;
  if (!ev.heading.empty()) w += " " + ev.heading;
  if (ev.page) w += ", p. " + std::to_string(*ev.page);
  if (!ev.status.empty() && ev.status != "in_force") w += " (" + ev.status + ")";
  return w;
}

// The citation line under a quote: version, sha256 prefix, offsets, fetched-at.
std::string cite_line(const query::EvidenceItem& ev) {
  if (ev.version_id.empty()) return "";
  std::string w = "version " + ev.version_id + ", sha256 " + ev.sha256.substr(0, 12);
  if (ev.start && ev.end) w += ", bytes " + std::to_string(*ev.start) + "-" + std::to_string(*ev.end);
  if (!ev.fetched_at.empty()) w += ", fetched " + ev.fetched_at;
  return w + ", " + ev.version_url;
}

// A coverage state in a few letters for the grid.
std::string short_state(const std::string& state) {
  if (state == "proposed_only") return "draft";
  if (state == "not_addressed") return "silent";
  if (state == "no_document") return "none";
  if (state == "not_crawled") return "-";
  return state;
}

void print_evidence(std::string& out, const std::vector<query::EvidenceItem>& evidence, size_t max,
                    const std::string& indent) {
  size_t n = 0;
  for (const auto& ev : evidence) {
    if (n++ == max) {
      out += indent + "(" + std::to_string(evidence.size() - max) + " more)\n";
      break;
    }
    out += indent + "\"" + ev.text + "\"\n" + indent + "  — " + where(ev) + " [" + ev.stance + "]\n";
    if (const std::string c = cite_line(ev); !c.empty()) out += indent + "    " + c + "\n";
  }
}

// printf's %-Ns and %Ns: padded with spaces to WIDTH bytes, never cut.
std::string left(std::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string right(std::string_view s, size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + std::string(s) : std::string(s);
}

}  // namespace

std::string plain_snippet(std::string_view html, bool ansi) {
  std::string out;
  for (size_t i = 0; i < html.size();) {
    auto starts = [&](const char* s) { return html.compare(i, std::strlen(s), s) == 0; };
    if (starts("<b>")) { out += ansi ? "\x1b[1m" : ""; i += 3; }
    else if (starts("</b>")) { out += ansi ? "\x1b[0m" : ""; i += 4; }
    else if (starts("&amp;")) { out += '&'; i += 5; }
    else if (starts("&lt;")) { out += '<'; i += 4; }
    else if (starts("&gt;")) { out += '>'; i += 4; }
    else if (starts("&quot;")) { out += '"'; i += 6; }
    else if (starts("&#39;")) { out += '\''; i += 5; }
    else if (html[i] == '\n') { out += ' '; ++i; }
    else { out += html[i]; ++i; }
  }
  return out;
}

std::string search_text(const query::SearchResult& r, bool ansi) {
  std::string out;
  const size_t shown = r.hits.size();
  out += std::to_string(r.total) + (r.total == 1 ? " section matches" : " sections match");
  if (!r.query.empty()) out += " \"" + r.query + "\"";
  if (shown) out += " (showing " + std::to_string(r.offset + 1) + "-" + std::to_string(r.offset + shown) + ")";
  out += "\n";
  if (!r.suggestion.empty()) out += "Did you mean: " + r.suggestion + "\n";
  for (const auto& h : r.hits) {
    const auto& rec = *h.record;
    out += "\n" + std::to_string(h.rank) + ". " + rec.town + " — " + rec.title + " [" + rec.doc_type + "]";
    if (!rec.number.empty()) out += " § " + rec.number;
    if (!rec.heading.empty()) out += " " + rec.heading;
    if (rec.page) out += ", p. " + std::to_string(*rec.page);
    out += "\n   " + plain_snippet(h.snippet, ansi) + "\n";
    if (!rec.provisions.empty()) {
      out += "   provisions:";
      for (const auto& [p, st] : rec.provisions) out += " " + p + " (" + st + ")";
      out += "\n";
    }
    if (!rec.cites.empty()) {
      out += "   cites:";
      for (const auto& c : rec.cites) out += " " + c;
      out += "\n";
    }
    out += "   " + rec.url + "  (section " + rec.section_id + ")\n";
  }
  if (r.total) {
    out += "\nFacets (exact counts over all " + std::to_string(r.total) + " matches):\n";
    for (size_t f = 0; f < query::kFacetCount; ++f) {
      const auto& counts = r.facets[f];
      if (counts.empty()) continue;
      out += std::string("  ") + query::kFacetNames[f] + ":";
      size_t n = 0;
      for (const auto& [value, count] : counts) {
        if (n++ == 12) {
          out += " …";
          break;
        }
        out += " " + std::string(value) + " (" + std::to_string(count) + ")";
      }
      out += "\n";
    }
  }
  return out;
}

std::string scorecard_text(const query::Scorecard& r) {
  std::string out = r.town + " (" + r.county + " County)\n";
  if (r.documents.empty()) out += "No document in the corpus for this town: every question is unanswered.\n";
  for (const auto& d : r.documents) {
    out += "  document " + d.id + ": " + d.title + " [" + d.doc_type + "] " + d.url + "\n";
    if (d.standing && !d.standing->status.empty()) out += "    status: " + d.standing->status + " (" + d.standing->reason + ")\n";
  }
  out += "\n";
  const auto& c = r.coverage;
  out += "Crawl: " + (c.last_crawled.empty() ? std::string("never fetched") : "last " + c.last_crawled) + ", " +
         std::to_string(c.pages_fetched) + " page(s) fetched";
  if (c.blocked > 0) out += ", " + std::to_string(c.blocked) + " refused (" + c.blocked_reason + ")";
  out += c.website_known ? "\n" : ", no website known\n";
  for (const auto& e : r.entries) {
    out += e.key + "  " + upper(e.verdict) + "  " + e.label;
    if (e.key != e.provision) out += " (" + e.provision + ")";
    if (!e.state.empty() && e.state != e.verdict) out += "  [" + e.state + ": " + e.state_detail + "]";
    out += "\n";
    print_evidence(out, e.evidence, 3, "    ");
    if (!e.proposed_verdict.empty()) out += "    proposed text only (not counted): " + upper(e.proposed_verdict) + "\n";
  }
  return out;
}

std::string matrix_text(const query::Matrix& r) {
  std::string out = left("town", 24) + " " + left("county", 11) + " " + right("docs", 4);
  for (const auto& col : r.columns) {
    if (col.key.size() == 2) out += " " + left(col.key, 7);
  }
  out += "\n";
  for (const auto& row : r.rows) {
    out += left(row.town, 24) + " " + left(row.county, 11) + " " + right(std::to_string(row.documents), 4);
    for (size_t i = 0; i < r.columns.size(); ++i) {
      if (r.columns[i].key.size() != 2) continue;
      out += " " + left(short_state(i < row.states.size() ? row.states[i] : ""), 7);
    }
    out += "\n";
  }
  // Statewide counts of each coverage state, per question.
  out += "\n" + left("state", 41);
  for (const auto& col : r.columns) {
    if (col.key.size() == 2) out += " " + left(col.key, 7);
  }
  out += "\n";
  for (size_t k = 0; k < query::kCoverageStates.size(); ++k) {
    out += left(query::kCoverageStates[k], 41);
    for (size_t i = 0; i < r.columns.size() && i < r.state_counts.size(); ++i) {
      if (r.columns[i].key.size() != 2) continue;
      out += " " + left(std::to_string(r.state_counts[i][k]), 7);
    }
    out += "\n";
  }
  out += "(green/red/mixed: in-force text; draft: proposed only; silent: in-force documents say nothing; none: "
         "crawled, nothing relevant; blocked: robots/login/firewall; -: not crawled)\n";
  return out;
}

std::string matrix_long_text(const query::MatrixLong& r) {
  std::string out;
  for (const auto& x : r.rows) {
    out += x.town + "  " + x.key + "  " + x.state;
    if (!x.state_detail.empty()) out += " (" + x.state_detail + ")";
    out += "\n";
    if (!x.quote.empty()) {
      out += "    \"" + x.quote + "\"\n    — " + x.title + (x.section.empty() ? "" : ", § " + x.section) +
             ", version " + x.version_id + ", sha256 " + x.sha256 + ", " + x.version_url + "\n";
    }
  }
  out += std::to_string(r.rows.size()) + " rows\n";
  return out;
}

std::string compare_text(const query::Comparison& r) {
  std::string out;
  for (const auto& row : r.rows) {
    out += (row.question.empty() ? "" : row.question + " ") + row.label + " (" + row.provision + ")\n";
    for (const auto& cell : row.cells) {
      out += "  " + cell.town + ": " + upper(cell.verdict) + "\n";
      print_evidence(out, cell.evidence, 2, "      ");
    }
    out += "\n";
  }
  return out;
}

std::string peers_text(const query::Peers& r, size_t limit) {
  std::string out = "Peers for " + r.town + " (" + r.county + " County)\n";
  if (r.provisions.empty()) out += "Nothing to borrow: every question is green.\n";
  for (const auto& p : r.provisions) {
    out += "\n" + (p.question.empty() ? "" : p.question + " ") + p.label + " — " + r.town + ": " + upper(p.verdict) +
           "\n";
    if (p.peers.empty()) out += "  no town has protective language on this yet\n";
    size_t n = 0;
    for (const auto& peer : p.peers) {
      if (n++ == limit) {
        out += "  (" + std::to_string(p.peers.size() - limit) + " more; --format json lists all)\n";
        break;
      }
      std::string similarity;
      detail::put_double(similarity, peer.similarity);
      out += "  " + peer.town + " (" + peer.county + (peer.same_county ? ", same county" : "") + ", similarity " +
             similarity + "): " + upper(peer.verdict) + "\n";
      print_evidence(out, peer.evidence, 1, "      ");
    }
  }
  return out;
}

std::string history_text(const query::History& r) {
  std::string out = "History of " + r.town + "\n";
  for (const auto& d : r.documents) {
    out += "\ndocument " + d.summary.id + ": " + d.summary.title + " [" + d.summary.status + "] " + d.summary.url + "\n";
    for (const auto& v : d.versions) {
      out += "  version " + v.id + "  " + v.fetched_at + "  " + std::to_string(v.size) + " bytes  sha256 " +
             v.sha256.substr(0, 12) + "\n";
      if (v.changes && *v.changes) {
        const auto& c = **v.changes;
        const std::pair<const char*, const std::vector<std::string>*> lists[] = {
            {"sections_added", &c.sections_added},     {"sections_removed", &c.sections_removed},
            {"sections_changed", &c.sections_changed}, {"provisions_added", &c.provisions_added},
            {"provisions_removed", &c.provisions_removed}};
        for (const auto& [k, list] : lists) {
          if (list->empty()) continue;
          out += std::string("    ") + k + ":";
          for (const auto& x : *list) out += " " + x + ";";
          out += "\n";
        }
      }
    }
  }
  if (!r.changes.empty()) out += "\nChanges detected:\n";
  for (const auto& c : r.changes) out += "  " + c.detected_at + "  " + c.kind + "  " + c.summary + "\n";
  if (!r.timeline.empty()) out += "\nTimeline (documents by date, with their status):\n";
  for (const auto& t : r.timeline) {
    out += "  " + left(t.date, 10) + "  " + left(t.kind, 9) + "  " + left(t.status, 11) + "  document " +
           t.document_id + ": " + t.title + "\n";
    if (!t.text.empty()) out += "      \"" + t.text + "\"\n";
  }
  return out;
}

}  // namespace policyindex::render
