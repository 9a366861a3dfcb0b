#include "corpus/reader.h"

#include <set>

#include "corpus/sql.h"

namespace policyindex::corpus {
namespace {

template <class T>
tl::unexpected<Error> err(const Result<T>& r) {
  return tl::make_unexpected(r.error());
}

// The title shown: a document added with --title keeps it; else what the current version's
// extraction chose from the document itself (schema 5: doc_status is set; its title may be
// empty when nothing in the document named it, and then the URL is shown); else, for older
// extractions, the catalog's title (the link text) before the extracted one.
constexpr const char* kTitleColumn =
    "CASE WHEN d.origin = 'add' AND d.title <> '' THEN d.title "
    "WHEN e.doc_status <> '' THEN e.title "
    "WHEN d.title <> '' THEN d.title ELSE coalesce(e.title, '') END";

// The canonical document of D's rendition group when that is another active document.
constexpr const char* kRenditionOf =
    "(SELECT r.canonical_id FROM renditions r JOIN documents c ON c.id = r.canonical_id "
    "WHERE r.document_id = d.id AND r.canonical_id <> d.id AND c.status = 'active')";
// Why a fetch counts as the crawler being kept out: robots.txt ("disallowed", or an outcome
// naming robots), a login wall (401, 407, or an outcome naming a login), a firewall (403,
// or an outcome naming a firewall or a block). "" otherwise.
std::string blocked_reason(const std::string& outcome, int64_t http_status) {
  if (outcome == "disallowed" || (outcome.find("robots") != std::string::npos && outcome != "robots" &&
                                  outcome != "robots_unreachable")) {
    return "robots";
  }
  if (outcome.find("login") != std::string::npos || (outcome == "http_error" && (http_status == 401 || http_status == 407))) {
    return "login";
  }
  if (outcome == "challenge" || outcome.find("firewall") != std::string::npos || outcome.find("block") != std::string::npos ||
      (outcome == "http_error" && http_status == 403)) {
    return "firewall";
  }
  return "";
}

}  // namespace

std::string policy_status_of(std::string_view /*doc_type*/) {
  // Every document counts as in force until the catalog records a status of its own
  // (issue 20, item 4): that status replaces this function's answer.
  return "in_force";
}

Result<std::vector<DocumentInfo>> Reader::documents(const std::string& where, std::optional<int64_t> bind) {
  auto stmt = sql::prepare(catalog_, 
      std::string("SELECT d.id, d.municipality_id, ") + kTitleColumn +
      ", d.url, d.doc_type, d.status, d.current_version_id, coalesce(e.genre, ''), coalesce(e.doc_status, ''), "
      "coalesce(e.status_reason, ''), " + kRenditionOf + " FROM documents d "
      "LEFT JOIN extractions e ON e.version_id = d.current_version_id WHERE " + where + " ORDER BY d.id");
  if (!stmt) return err(stmt);
  if (bind) stmt->bind(1, *bind);
  std::vector<DocumentInfo> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    out.push_back(DocumentInfo{stmt->int64(0), stmt->opt_int64(1), stmt->text(2), stmt->text(3),
                               stmt->text(4), stmt->text(5), stmt->opt_int64(6), stmt->text(7),
                               stmt->text(8), stmt->text(9), stmt->opt_int64(10)});
  }
  return out;
}

Result<std::vector<DocumentInfo>> Reader::documents_of(int64_t town_id, bool active_only) {
  return documents(active_only ? "d.municipality_id=?1 AND d.status='active'" : "d.municipality_id=?1", town_id);
}

Result<std::vector<DocumentInfo>> Reader::all_documents() { return documents("1=1", std::nullopt); }

Result<std::map<int64_t, int64_t>> Reader::active_document_counts() {
  auto stmt = sql::prepare(catalog_, 
      std::string("SELECT d.municipality_id, count(*) FROM documents d "
                  "LEFT JOIN extractions e ON e.version_id = d.current_version_id WHERE d.status='active' AND "
                  "d.current_version_id IS NOT NULL AND d.municipality_id IS NOT NULL AND "
                  "coalesce(e.genre, '') <> 'navigation' AND ") + kRenditionOf + " IS NULL GROUP BY d.municipality_id");
  if (!stmt) return err(stmt);
  std::map<int64_t, int64_t> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    out[stmt->int64(0)] = stmt->int64(1);
  }
  return out;
}

Result<std::vector<ProvisionHitRow>> Reader::provision_hits(std::optional<int64_t> town_id) {
  auto stmt = sql::prepare(catalog_,
      std::string("SELECT d.id, d.municipality_id, h.provision, h.stance, h.evidence, "
                  "CASE WHEN s.number <> '' THEN s.number ELSE s.key END, s.heading, s.page, "
                  "v.id, v.sha256, v.fetched_at, s.key, h.start_offset, h.end_offset, d.doc_type, ") +
                  kTitleColumn + ", d.url, coalesce(e.doc_status, '') "
                  "FROM documents d JOIN versions v ON v.id = d.current_version_id "
                  "JOIN sections s ON s.version_id = v.id "
                  "JOIN provision_hits h ON h.section_id = s.id "
                  "LEFT JOIN extractions e ON e.version_id = v.id WHERE d.status='active' "
                  "AND coalesce(e.genre, '') <> 'navigation' AND " + kRenditionOf + " IS NULL " +
      std::string(town_id ? "AND d.municipality_id=?1 " : "") + "ORDER BY d.id, s.ord, h.start_offset, h.id");
  if (!stmt) return err(stmt);
  if (town_id) stmt->bind(1, *town_id);
  std::vector<ProvisionHitRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    ProvisionHitRow r;
    r.document_id = stmt->int64(0);
    r.municipality_id = stmt->opt_int64(1);
    r.provision = stmt->text(2);
    r.stance = stmt->text(3);
    r.evidence = stmt->text(4);
    r.section = stmt->text(5);
    r.heading = stmt->text(6);
    r.page = stmt->opt_int64(7);
    r.version_id = stmt->int64(8);
    r.sha256 = stmt->text(9);
    r.fetched_at = stmt->text(10);
    r.section_key = stmt->text(11);
    r.start = stmt->int64(12);
    r.end = stmt->int64(13);
    r.doc_type = stmt->text(14);
    r.title = stmt->text(15);
    r.url = stmt->text(16);
    r.doc_status = stmt->text(17);
    r.policy_status = r.doc_status.empty() ? policy_status_of(r.doc_type) : r.doc_status;
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::map<int64_t, TownCrawl>> Reader::town_crawls() {
  std::map<int64_t, TownCrawl> out;
  auto known = sql::prepare(catalog_,
      "SELECT id FROM municipalities WHERE website <> '' UNION "
      "SELECT municipality_id FROM sources WHERE municipality_id IS NOT NULL");
  if (!known) return err(known);
  while (true) {
    auto row = known->step();
    if (!row) return err(row);
    if (!*row) break;
    out[known->int64(0)].website_known = true;
  }
  // The URLs of each town: its documents' and the last crawl's frontier rows.
  auto fetches = sql::prepare(catalog_,
      "WITH t(url, mid) AS (SELECT url, municipality_id FROM frontier WHERE municipality_id IS NOT NULL "
      "UNION SELECT url, municipality_id FROM documents WHERE municipality_id IS NOT NULL) "
      "SELECT t.mid, l.url, l.outcome, coalesce(l.http_status, 0), l.started_at "
      "FROM fetch_log l JOIN t ON t.url = l.url ORDER BY t.mid");
  if (!fetches) return err(fetches);
  struct Seen {
    std::set<std::string> fetched;
    std::map<std::string, std::string> blocked;  // url -> reason
  };
  std::map<int64_t, Seen> seen;
  while (true) {
    auto row = fetches->step();
    if (!row) return err(row);
    if (!*row) break;
    const int64_t mid = fetches->int64(0);
    std::string url = fetches->text(1);
    const std::string outcome = fetches->text(2);
    const int64_t status = fetches->int64(3);
    TownCrawl& t = out[mid];
    ++t.attempts;
    const std::string at = fetches->text(4);
    if (at > t.last_crawled) t.last_crawled = at;
    const std::string reason = blocked_reason(outcome, status);
    if (outcome == "fetched" || outcome == "not_modified" || outcome == "unchanged") {
      seen[mid].fetched.insert(std::move(url));
    } else if (!reason.empty()) {
      seen[mid].blocked.emplace(std::move(url), reason);
    }
  }
  for (auto& [mid, s] : seen) {
    TownCrawl& t = out[mid];
    t.pages_fetched = static_cast<int64_t>(s.fetched.size());
    std::map<std::string, int64_t> reasons;
    for (const auto& [url, reason] : s.blocked) {
      if (s.fetched.count(url)) continue;  // fetched later: not blocked
      ++t.blocked;
      ++reasons[reason];
    }
    int64_t best = 0;
    for (const auto& [reason, n] : reasons) {
      if (n > best) {
        best = n;
        t.blocked_reason = reason;
      }
    }
  }
  return out;
}

Result<std::map<int64_t, CurrentVersion>> Reader::current_versions(const std::vector<int64_t>& document_ids) {
  std::map<int64_t, CurrentVersion> out;
  if (document_ids.empty()) return out;
  auto stmt = sql::prepare(catalog_,
      "SELECT v.id, v.sha256, v.fetched_at, d.doc_type FROM documents d "
      "JOIN versions v ON v.id = coalesce(d.indexed_version_id, d.current_version_id) "
      "WHERE d.id=?1");
  if (!stmt) return err(stmt);
  for (int64_t id : document_ids) {
    if (out.count(id)) continue;
    stmt->reset();
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) continue;
    out[id] = CurrentVersion{stmt->int64(0), stmt->text(1), stmt->text(2), stmt->text(3)};
  }
  return out;
}

Result<std::optional<SectionSpan>> Reader::section_span(int64_t version_id, std::string_view key) {
  auto stmt = sql::prepare(catalog_, "SELECT start_offset, end_offset FROM sections WHERE version_id=?1 AND key=?2");
  if (!stmt) return err(stmt);
  stmt->bind(1, version_id).bind(2, key);
  auto row = stmt->step();
  if (!row) return err(row);
  if (!*row) return std::optional<SectionSpan>();
  return std::optional<SectionSpan>(SectionSpan{stmt->int64(0), stmt->int64(1)});
}

Result<std::pair<int64_t, std::string>> Reader::version_summary(int64_t document_id,
                                                              std::optional<int64_t> current_version_id) {
  auto stmt = sql::prepare(catalog_, 
      "SELECT count(*), (SELECT fetched_at FROM versions WHERE id=?2) FROM versions WHERE document_id=?1");
  if (!stmt) return err(stmt);
  stmt->bind(1, document_id);
  stmt->bind(2, current_version_id);
  auto row = stmt->step();
  if (!row) return err(row);
  if (!*row) return std::pair<int64_t, std::string>{0, ""};
  return std::pair<int64_t, std::string>{stmt->int64(0), stmt->text(1)};
}

Result<std::optional<ExtractionInfo>> Reader::extraction(int64_t version_id) {
  auto stmt = sql::prepare(catalog_, "SELECT type, pages, status, error FROM extractions WHERE version_id=?1");
  if (!stmt) return err(stmt);
  stmt->bind(1, version_id);
  auto row = stmt->step();
  if (!row) return err(row);
  if (!*row) return std::optional<ExtractionInfo>();
  return std::optional<ExtractionInfo>(ExtractionInfo{stmt->text(0), stmt->opt_int64(1), stmt->text(2), stmt->text(3)});
}

Result<std::vector<ChangeRow>> Reader::changes(const ChangeFilter& filter) {
  std::string sql =
      "SELECT c.id, c.detected_at, c.kind, c.document_id, coalesce(m.name, ''), coalesce(d.url, ''), "
      "c.summary, c.detail, c.old_version_id, c.new_version_id FROM changes c "
      "LEFT JOIN municipalities m ON m.id = c.municipality_id LEFT JOIN documents d ON d.id = c.document_id "
      "WHERE ";
  sql += filter.municipality_id ? "c.municipality_id=?1" : filter.document_id ? "c.document_id=?1" : "1=1";
  if (!filter.provision.empty()) sql += " AND (instr(c.detail, ?2) > 0 OR instr(c.summary, ?3) > 0)";
  sql += " ORDER BY c.detected_at DESC, c.id DESC LIMIT " + std::to_string(filter.limit);
  auto stmt = sql::prepare(catalog_, sql);
  if (!stmt) return err(stmt);
  if (filter.municipality_id) {
    stmt->bind(1, *filter.municipality_id);
  } else if (filter.document_id) {
    stmt->bind(1, *filter.document_id);
  }
  const std::string quoted = "\"" + filter.provision + "\"";
  if (!filter.provision.empty()) stmt->bind(2, std::string_view(quoted)).bind(3, std::string_view(filter.provision));
  std::vector<ChangeRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    ChangeRow c;
    c.id = stmt->int64(0);
    c.detected_at = stmt->text(1);
    c.kind = stmt->text(2);
    c.document_id = stmt->opt_int64(3);
    c.town = stmt->text(4);
    c.url = stmt->text(5);
    c.summary = stmt->text(6);
    c.detail = stmt->text(7);
    c.old_version_id = stmt->opt_int64(8);
    c.new_version_id = stmt->opt_int64(9);
    out.push_back(std::move(c));
  }
  return out;
}

Status Reader::for_each_current_section(const std::function<void(int64_t, std::string_view)>& fn) {
  auto stmt = sql::prepare(catalog_, 
      std::string("SELECT d.municipality_id, s.text FROM documents d JOIN sections s ON s.version_id = d.current_version_id "
                  "LEFT JOIN extractions e ON e.version_id = d.current_version_id "
                  "WHERE d.status='active' AND d.municipality_id IS NOT NULL AND coalesce(e.genre, '') <> 'navigation' AND ") +
      kRenditionOf + " IS NULL");
  if (!stmt) return err(stmt);
  while (true) {
    auto row = stmt->step();
    if (!row) return err(row);
    if (!*row) break;
    fn(stmt->int64(0), stmt->text(1));
  }
  return {};
}

}  // namespace policyindex::corpus
