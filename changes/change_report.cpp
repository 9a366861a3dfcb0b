// Rendering a refresh report: text for a terminal or a mail from cron, Markdown for an issue
// or a wiki page, JSON for programs; and the one-line summary monitoring reads.

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "changes/changes.h"

namespace policyindex::changes {
namespace {

using nlohmann::json;

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

std::vector<const DocumentChange*> of_kind(const ChangeSet& set,
                                           std::initializer_list<std::string_view> kinds) {
  std::vector<const DocumentChange*> out;
  for (const auto& d : set.documents) {
    if (std::find(kinds.begin(), kinds.end(), d.kind) != kinds.end()) out.push_back(&d);
  }
  return out;
}

std::string doc_name(const DocumentChange& d) {
  std::string s = d.town.empty() ? "(no town)" : d.town;
  s += " — " + (d.title.empty() ? d.url : d.title);
  if (!d.doc_type.empty()) s += " (" + d.doc_type + ")";
  return s;
}

std::string version_span(const DocumentChange& d) {
  auto v = [](const std::optional<int64_t>& id, const std::string& at) {
    std::string s = id ? "version " + std::to_string(*id) : "no version";
    if (!at.empty()) s += " of " + at;
    return s;
  };
  return v(d.old_version_id, d.old_fetched_at) + " → " + v(d.new_version_id, d.fetched_at);
}

std::string section_line(const SectionChange& c) {
  if (c.kind == "renumbered") {
    return "renumbered " + (c.old_number.empty() ? "#" + c.old_key : c.old_number) + " → " +
           c.label();
  }
  std::string s = c.kind + " " + c.label();
  if (c.kind == "modified") {
    if (c.old_number != c.new_number && !c.old_number.empty()) s += " (was " + c.old_number + ")";
    s += ": +" + std::to_string(c.words_added) + " −" + std::to_string(c.words_removed) + " words";
  }
  return s;
}

// "[-old-] {+new+}", as wdiff and git --word-diff print it.
std::string plain_words(const std::vector<WordRun>& runs) {
  std::string out;
  for (const auto& r : runs) {
    if (!out.empty()) out += ' ';
    if (r.op == '-') out += "[-" + r.text + "-]";
    else if (r.op == '+') out += "{+" + r.text + "+}";
    else out += r.text;
  }
  return out;
}

std::string md_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\`*_{}[]<>()#+-!|~").find(c) != std::string_view::npos) out += '\\';
    if (c == '\n') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out;
}

std::string md_words(const std::vector<WordRun>& runs) {
  std::string out;
  for (const auto& r : runs) {
    if (!out.empty()) out += ' ';
    if (r.op == '-') out += "~~" + md_escape(r.text) + "~~";
    else if (r.op == '+') out += "**" + md_escape(r.text) + "**";
    else out += md_escape(r.text);
  }
  return out;
}

std::string hit_line(const HitChange& h) {
  return std::string(h.added ? "+ " : "- ") + h.stance + " " + h.provision + ": \"" + h.evidence + "\"";
}

}  // namespace

std::string RefreshReport::status() const {
  if (!phase_errors.empty()) return "failed";
  if (!failures.empty()) return "partial";
  return "ok";
}

std::string summary_line(const RefreshReport& r) {
  const int changed = r.changes.count("changed") + r.changes.count("returned");
  return "refresh " + r.status() + ": " + std::to_string(r.towns) + " towns, " +
         std::to_string(r.urls) + " urls, " + std::to_string(r.changes.count("new_document")) +
         " new, " + std::to_string(changed) + " changed, " +
         std::to_string(r.changes.count("gone")) + " gone, " +
         std::to_string(r.changes.count("moved")) + " moved, " + std::to_string(r.failures.size()) +
         " failed, " + seconds(r.elapsed_s);
}

Result<ReportFormat> parse_report_format(std::string_view name) {
  if (name == "text") return ReportFormat::kText;
  if (name == "json") return ReportFormat::kJson;
  if (name == "markdown" || name == "md") return ReportFormat::kMarkdown;
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown report format '" + std::string(name) + "' (text, json, markdown)");
}

ReportFormat report_format_for(const std::string& path, std::optional<ReportFormat> explicit_format) {
  if (explicit_format) return *explicit_format;
  auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == "json") return ReportFormat::kJson;
  if (ext == "md" || ext == "markdown") return ReportFormat::kMarkdown;
  return ReportFormat::kText;
}

std::string render_text(const RefreshReport& r) {
  std::ostringstream out;
  out << "policyindex refresh " << r.started_at << " → " << r.finished_at << "\n";
  out << summary_line(r) << "\n";
  out << "requests: " << r.requests << " (" << r.conditional << " conditional), unchanged urls: "
      << r.unchanged << ", documents indexed: " << r.indexed << "\n";
  if (r.stale_lock_pid) {
    out << "note: the previous refresh (pid " << *r.stale_lock_pid
        << ") died without finishing; this run resumed its work\n";
  }
  for (const auto& e : r.phase_errors) out << "ERROR " << e << "\n";

  auto news = of_kind(r.changes, {"new_document"});
  out << "\nNew documents (" << news.size() << ")\n";
  for (const auto* d : news) {
    out << "  " << doc_name(*d) << "\n    " << d->url << "\n";
    if (!d->provisions.empty()) {
      out << "    provisions:";
      for (const auto& p : d->provisions) out << " " << p;
      out << "\n";
    }
    if (!d->extraction_error.empty()) out << "    could not be extracted: " << d->extraction_error << "\n";
  }
  auto gone = of_kind(r.changes, {"gone"});
  out << "\nGone (" << gone.size() << "; kept in the corpus, marked gone)\n";
  for (const auto* d : gone) out << "  " << doc_name(*d) << "\n    " << d->url << "\n";

  auto changed = of_kind(r.changes, {"changed", "returned"});
  out << "\nChanged (" << changed.size() << ")\n";
  for (const auto* d : changed) {
    out << "  " << doc_name(*d) << (d->kind == "returned" ? " [back online]" : "") << "\n";
    out << "    " << d->url << "\n    " << version_span(*d) << "\n";
    if (!d->moved_from.empty()) out << "    moved from " << d->moved_from << "\n";
    if (!d->extraction_error.empty()) {
      out << "    new version could not be extracted: " << d->extraction_error << "\n";
    }
    for (const auto& s : d->diff.changes) {
      out << "    " << section_line(s) << "\n";
      if (s.kind == "modified") out << "        " << plain_words(s.words) << "\n";
      for (const auto& h : s.hits) out << "        " << hit_line(h) << "\n";
    }
  }
  auto moved = of_kind(r.changes, {"moved"});
  out << "\nMoved (" << moved.size() << "; same text at a new address)\n";
  for (const auto* d : moved) {
    out << "  " << doc_name(*d) << "\n    from " << d->moved_from << "\n    to   " << d->location << "\n";
  }
  auto same = of_kind(r.changes, {"no_content_change"});
  out << "\nNo change in content (" << same.size() << ")\n";
  for (const auto* d : same) {
    out << "  " << doc_name(*d) << ": new bytes, same text\n    " << version_span(*d) << "\n";
  }
  out << "\nProvision changes (" << r.changes.towns.size() << " towns)\n";
  for (const auto& t : r.changes.towns) {
    out << "  " << t.town << (t.county.empty() ? "" : " (" + t.county + ")") << "\n";
    for (const auto& v : t.verdicts) out << "    " << v.summary() << "\n";
    for (const auto& l : t.language) out << "    " << l.summary() << "\n";
  }
  out << "\nFailures (" << r.failures.size() << ")\n";
  for (const auto& f : r.failures) out << "  [" << f.phase << "] " << f.what << ": " << f.reason << "\n";
  if (!r.changes.pending.empty()) {
    out << "\nPending (" << r.changes.pending.size()
        << " documents with a new version not extracted yet; reported next run)\n";
  }
  return out.str();
}

std::string render_markdown(const RefreshReport& r) {
  std::ostringstream out;
  out << "# policyindex refresh, " << r.finished_at << "\n\n";
  out << "`" << summary_line(r) << "`\n\n";
  out << "- started " << r.started_at << ", finished " << r.finished_at << "\n";
  out << "- requests: " << r.requests << " (" << r.conditional << " conditional); unchanged urls: "
      << r.unchanged << "; documents indexed: " << r.indexed << "\n";
  if (r.stale_lock_pid) {
    out << "- the previous refresh (pid " << *r.stale_lock_pid << ") died without finishing\n";
  }
  for (const auto& e : r.phase_errors) out << "- **error:** " << md_escape(e) << "\n";

  auto link = [](const DocumentChange& d) {
    return "[" + md_escape(d.title.empty() ? d.url : d.title) + "](" + d.url + ")";
  };
  auto town = [](const DocumentChange& d) { return md_escape(d.town.empty() ? "(no town)" : d.town); };

  auto news = of_kind(r.changes, {"new_document"});
  out << "\n## New documents (" << news.size() << ")\n\n";
  for (const auto* d : news) {
    out << "- **" << town(*d) << "**: " << link(*d);
    if (!d->doc_type.empty()) out << " (" << md_escape(d->doc_type) << ")";
    if (!d->provisions.empty()) {
      out << ": ";
      for (size_t i = 0; i < d->provisions.size(); ++i) {
        out << (i ? ", " : "") << "`" << d->provisions[i] << "`";
      }
    }
    out << "\n";
  }
  auto gone = of_kind(r.changes, {"gone"});
  out << "\n## Gone (" << gone.size() << ")\n\nKept in the corpus and marked gone.\n\n";
  for (const auto* d : gone) out << "- **" << town(*d) << "**: " << link(*d) << "\n";

  auto changed = of_kind(r.changes, {"changed", "returned"});
  out << "\n## Changed (" << changed.size() << ")\n";
  for (const auto* d : changed) {
    out << "\n### " << town(*d) << ": " << link(*d) << (d->kind == "returned" ? " (back online)" : "")
        << "\n\n" << md_escape(version_span(*d)) << "\n\n";
    if (!d->moved_from.empty()) out << "Moved from <" << d->moved_from << ">.\n\n";
    if (!d->extraction_error.empty()) {
      out << "New version could not be extracted: " << md_escape(d->extraction_error) << "\n\n";
    }
    if (!d->diff.changes.empty()) {
      out << "| change | section | words |\n|---|---|---|\n";
      for (const auto& s : d->diff.changes) {
        out << "| " << s.kind << " | " << md_escape(s.label());
        if (s.kind == "renumbered" || (s.kind == "modified" && s.old_number != s.new_number)) {
          out << " (was " << md_escape(s.old_number.empty() ? "#" + s.old_key : s.old_number) << ")";
        }
        out << " | ";
        if (s.kind == "modified") out << "+" << s.words_added << " −" << s.words_removed;
        out << " |\n";
      }
      out << "\n";
    }
    for (const auto& s : d->diff.changes) {
      if (s.kind != "modified" && s.hits.empty()) continue;
      out << "- " << md_escape(s.label()) << ":";
      if (s.kind == "modified") out << " " << md_words(s.words);
      out << "\n";
      for (const auto& h : s.hits) out << "  - " << md_escape(hit_line(h)) << "\n";
    }
  }
  auto moved = of_kind(r.changes, {"moved"});
  out << "\n## Moved (" << moved.size() << ")\n\nThe same text at a new address.\n\n";
  for (const auto* d : moved) {
    out << "- **" << town(*d) << "**: " << link(*d) << ": from <" << d->moved_from << "> to <"
        << d->location << ">\n";
  }
  auto same = of_kind(r.changes, {"no_content_change"});
  out << "\n## No change in content (" << same.size() << ")\n\n";
  for (const auto* d : same) out << "- **" << town(*d) << "**: " << link(*d) << ": new bytes, same text\n";

  out << "\n## Provision changes\n\n";
  for (const auto& t : r.changes.towns) {
    out << "- **" << md_escape(t.town) << "**" << (t.county.empty() ? "" : " (" + md_escape(t.county) + ")")
        << "\n";
    for (const auto& v : t.verdicts) out << "  - " << md_escape(v.summary()) << "\n";
    for (const auto& l : t.language) out << "  - " << md_escape(l.summary()) << "\n";
  }
  out << "\n## Failures (" << r.failures.size() << ")\n\n";
  for (const auto& f : r.failures) {
    out << "- " << f.phase << ": `" << f.what << "`: " << md_escape(f.reason) << "\n";
  }
  if (!r.changes.pending.empty()) {
    out << "\n" << r.changes.pending.size()
        << " documents have a new version not extracted yet; they are reported next run.\n";
  }
  return out.str();
}

std::string render_json(const RefreshReport& r) {
  json j;
  j["summary"] = summary_line(r);
  j["status"] = r.status();
  j["started_at"] = r.started_at;
  j["finished_at"] = r.finished_at;
  j["elapsed_s"] = r.elapsed_s;
  json phases = json::object();
  for (const auto& [name, s] : r.phase_seconds) phases[name] = s;
  j["phases_s"] = phases;
  j["run_id"] = r.run_id ? json(*r.run_id) : json(nullptr);
  j["counts"] = {{"towns", r.towns},
                 {"urls", r.urls},
                 {"requests", r.requests},
                 {"conditional", r.conditional},
                 {"unchanged", r.unchanged},
                 {"indexed", r.indexed},
                 {"new", r.changes.count("new_document")},
                 {"changed", r.changes.count("changed") + r.changes.count("returned")},
                 {"no_content_change", r.changes.count("no_content_change")},
                 {"gone", r.changes.count("gone")},
                 {"moved", r.changes.count("moved")},
                 {"failed", r.failures.size()},
                 {"pending", r.changes.pending.size()}};
  j["stale_lock_pid"] = r.stale_lock_pid ? json(*r.stale_lock_pid) : json(nullptr);
  j["errors"] = r.phase_errors;
  json docs = json::array();
  for (const auto& d : r.changes.documents) {
    if (d.kind == "state_only") continue;
    json dj = json::parse(detail_json(d));
    dj["document_id"] = d.document_id;
    dj["summary"] = d.summary();
    docs.push_back(std::move(dj));
  }
  j["documents"] = std::move(docs);
  json towns = json::array();
  for (const auto& t : r.changes.towns) {
    json tj = {{"town", t.town}, {"county", t.county}};
    json verdicts = json::array();
    for (const auto& v : t.verdicts) {
      verdicts.push_back({{"question", v.question}, {"provision", v.provision}, {"label", v.label},
                          {"before", v.before}, {"after", v.after}, {"summary", v.summary()}});
    }
    json language = json::array();
    for (const auto& l : t.language) {
      language.push_back({{"document_id", l.document_id}, {"section", l.section},
                          {"provision", l.hit.provision}, {"stance", l.hit.stance},
                          {"evidence", l.hit.evidence}, {"change", l.hit.added ? "added" : "removed"},
                          {"summary", l.summary()}});
    }
    tj["verdicts"] = std::move(verdicts);
    tj["language"] = std::move(language);
    towns.push_back(std::move(tj));
  }
  j["provision_changes"] = std::move(towns);
  json failures = json::array();
  for (const auto& f : r.failures) {
    failures.push_back({{"what", f.what}, {"phase", f.phase}, {"reason", f.reason}});
  }
  j["failures"] = std::move(failures);
  j["pending"] = r.changes.pending;
  return j.dump(2) + "\n";
}

std::string render_report(const RefreshReport& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::kText: return render_text(report);
    case ReportFormat::kJson: return render_json(report);
    case ReportFormat::kMarkdown: return render_markdown(report);
  }
  return render_text(report);
}

}  // namespace policyindex::changes
