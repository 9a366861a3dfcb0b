// History, documents, versions and the change list, from the catalog. What changed between
// two versions comes from the one section diff (changes/changes.h).
#include <cmath>
#include <ctime>
#include <algorithm>
#include <set>

#include "changes/changes.h"
#include "index/index.h"
#include "query/catalog_api.h"

namespace policyindex::query::detail {
namespace {

namespace ix = policyindex::index;

std::optional<std::string> id_text(const std::optional<int64_t>& id) {
  return id ? std::optional<std::string>(std::to_string(*id)) : std::nullopt;
}

// "12 Reports": the number (else the key) and the heading.
std::string section_label(const std::string& key, const std::string& number, const std::string& heading) {
  std::string l = number.empty() ? key : number;
  if (!heading.empty()) l += " " + heading;
  return l;
}

// What changed from A to B: sections added, removed and changed as the section diff aligns
// them (a renumbered or edited section is "changed" under its new label), and the
// provision:stance pairs the document gained or lost.
VersionChanges version_changes(const std::vector<corpus::StoredSection>& a, const std::vector<corpus::StoredSection>& b) {
  VersionChanges out;
  const auto diff = changes::diff_sections(a, b);
  for (const auto& c : diff.changes) {
    if (c.kind == "added") {
      out.sections_added.push_back(section_label(c.new_key, c.new_number, c.new_heading));
    } else if (c.kind == "removed") {
      out.sections_removed.push_back(section_label(c.old_key, c.old_number, c.old_heading));
    } else {
      out.sections_changed.push_back(section_label(c.new_key, c.new_number, c.new_heading));
    }
  }
  std::set<std::string> old_prov, new_prov;
  for (const auto& s : a) {
    for (const auto& h : s.hits) old_prov.insert(h.provision + ":" + h.stance);
  }
  for (const auto& s : b) {
    for (const auto& h : s.hits) new_prov.insert(h.provision + ":" + h.stance);
  }
  for (const auto& p : new_prov) {
    if (!old_prov.count(p)) out.provisions_added.push_back(p);
  }
  for (const auto& p : old_prov) {
    if (!new_prov.count(p)) out.provisions_removed.push_back(p);
  }
  return out;
}

}  // namespace

// A town's documents by date, oldest first: each dated event of each document, or the
// source's date (Last-Modified, else when it was fetched) for a document whose text gives none.
std::vector<TimelineEntry> CatalogApi::timeline(const std::vector<corpus::DocumentInfo>& docs,
                                                const std::map<int64_t, corpus::Standing>& standings) {
  std::vector<TimelineEntry> out;
  for (const auto& d : docs) {
    auto it = standings.find(d.id);
    if (it == standings.end()) continue;
    const corpus::Standing& s = it->second;
    TimelineEntry base;
    base.document_id = std::to_string(d.id);
    base.title = d.title.empty() ? d.url : d.title;
    base.status = s.status;
    base.reason = s.reason;
    bool dated = false;
    for (const auto& date : s.dates) {
      if (date.date.empty()) continue;
      TimelineEntry e = base;
      e.date = date.date;
      e.kind = date.kind;
      e.text = date.text;
      out.push_back(std::move(e));
      dated = true;
    }
    if (!dated) {
      TimelineEntry e = base;
      e.kind = "fetched";
      e.date = s.fetched_at.substr(0, 10);
      std::tm tm{};
      if (s.last_modified && strptime(s.last_modified->c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) {
        char buf[16];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        e.kind = "published";
        e.date = buf;
        e.text = "Last-Modified: " + *s.last_modified;
      }
      out.push_back(std::move(e));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) { return a.date < b.date; });
  return out;
}

Result<History> CatalogApi::history(std::string_view town_or_document) {
  History out;
  std::vector<corpus::DocumentInfo> docs;
  std::optional<int64_t> town_id;
  if (all_digits(town_or_document)) {
    auto d = store_.catalog().document(std::stoll(std::string(town_or_document)));
    if (!d) return err(d);
    if (!*d) return make_error(ErrorCode::kNotFound, "no document " + std::string(town_or_document));
    const auto& row = **d;
    docs.push_back(corpus::DocumentInfo{row.id, row.municipality_id, row.title, row.url, row.doc_type, row.status,
                                        row.current_version_id});
    out.town = town_name(row.municipality_id);
  } else {
    auto t = resolve_town(store_.catalog(), town_or_document);
    if (!t) return err(t);
    town_id = t->id;
    out.town = t->name;
    out.county = t->county;
    auto d = reader().documents_of(t->id, false);
    if (!d) return err(d);
    docs = std::move(*d);
  }
  std::map<int64_t, corpus::Standing> standings;
  if (town_id) {
    auto st = corpus::current_standings(store_.catalog(), town_id);
    if (!st) return err(st);
    standings = std::move(*st);
    // Navigation pages and other documents' renditions are not documents of their own:
    // their versions are tracked once, on the canonical document.
    docs.erase(std::remove_if(docs.begin(), docs.end(), [](const corpus::DocumentInfo& d) { return !d.listed(); }),
               docs.end());
    out.timeline = timeline(docs, standings);
  }
  for (const auto& d : docs) {
    HistoryDocument h;
    h.summary = document_summary(d);
    if (auto it = standings.find(d.id); it != standings.end()) h.summary.standing = standing_view(it->second);
    auto versions = version_items(d.id, true);
    if (!versions) return err(versions);
    h.versions = std::move(*versions);
    out.documents.push_back(std::move(h));
  }
  corpus::ChangeFilter filter;
  if (town_id) {
    filter.municipality_id = town_id;
  } else if (!docs.empty()) {
    filter.document_id = docs.front().id;
  }
  filter.limit = 1000;
  auto changes = change_items(filter);
  if (!changes) return err(changes);
  out.changes = std::move(*changes);
  return out;
}

Result<Document> CatalogApi::document(int64_t id, std::optional<int64_t> version) {
  auto d = store_.catalog().document(id);
  if (!d) return err(d);
  if (!*d) return make_error(ErrorCode::kNotFound, "no document " + std::to_string(id));
  const corpus::DocumentRow& info = **d;
  Document out;
  out.id = std::to_string(id);
  out.town = town_name(info.municipality_id);
  out.county = county_of(info.municipality_id);
  out.title = info.title;
  out.url = info.url;
  out.doc_type = info.doc_type;
  out.status = info.status;
  auto versions = version_items(id, false);
  if (!versions) return err(versions);
  out.versions = std::move(*versions);
  // Its standing (status, dates, title from the document) and its renditions.
  if (info.status == "active") {
    auto standings = corpus::current_standings(store_.catalog(), info.municipality_id);
    if (!standings) return err(standings);
    if (auto it = standings->find(id); it != standings->end() && !it->second.status.empty()) {
      out.standing = standing_view(it->second);
      if (!(info.origin == "add" && !info.title.empty())) out.title = it->second.title;
    }
  }
  auto group = corpus::rendition_group(store_.catalog(), id);
  if (!group) return err(group);
  for (const auto& r : *group) {
    auto other = store_.catalog().document(r.document_id);
    if (!other) return err(other);
    RenditionItem item;
    item.document_id = std::to_string(r.document_id);
    item.url = *other ? (*other)->url : "";
    item.title = *other ? (*other)->title : "";
    item.canonical = r.document_id == r.canonical_id;
    item.similarity = std::round(r.similarity * 1000) / 1000;
    item.method = r.method;
    out.renditions.push_back(std::move(item));
  }
  out.current_version = id_text(info.current_version_id);
  std::optional<int64_t> shown = info.current_version_id;
  if (version) {
    const std::string want = std::to_string(*version);
    auto it = std::find_if(out.versions.begin(), out.versions.end(), [&](const VersionItem& v) { return v.id == want; });
    if (it == out.versions.end()) {
      std::string known;
      for (const auto& v : out.versions) known += (known.empty() ? "" : ", ") + v.id;
      return make_error(ErrorCode::kNotFound, "document " + std::to_string(id) + " has no version " + want +
                                                  (known.empty() ? "" : "; its versions: " + known));
    }
    shown = *version;
  }
  out.version = id_text(shown);
  for (const auto& v : out.versions) {
    if (shown && v.id == std::to_string(*shown)) {
      out.version_sha256 = v.sha256;
      out.version_fetched_at = v.fetched_at;
    }
  }
  if (shown) {
    auto ext = reader().extraction(*shown);
    if (!ext) return err(ext);
    if (*ext) out.extraction = ExtractionView{(*ext)->type, (*ext)->pages, (*ext)->status, (*ext)->error};
    auto secs = store_.catalog().sections_of(*shown);
    if (!secs) return err(secs);
    for (const auto& s : *secs) {
      DocumentSection sj;
      sj.id = ix::section_key(id, s.key.empty() ? "s" + std::to_string(s.ord) : s.key);
      sj.number = s.number;
      sj.heading = s.heading;
      sj.level = s.level;
      sj.page = s.page;
      sj.text = s.text;
      for (const auto& h : s.hits) sj.provisions.push_back({h.provision, h.stance, h.evidence, h.start, h.end, h.rule});
      sj.cites = s.cites;
      out.sections.push_back(std::move(sj));
    }
  }
  return out;
}

Result<ChangeList> CatalogApi::changes(std::string_view town, std::string_view provision, size_t limit) {
  corpus::ChangeFilter filter;
  if (!town.empty()) {
    auto t = resolve_town(store_.catalog(), town);
    if (!t) return err(t);
    filter.municipality_id = t->id;
  }
  if (!provision.empty()) {
    auto p = resolve_provision(provision);
    if (!p) return err(p);
    filter.provision = *p;
  }
  filter.limit = limit == 0 ? 100 : limit;
  auto list = change_items(filter);
  if (!list) return err(list);
  return ChangeList{std::move(*list)};
}

// Versions of a document, oldest first; with DIFF, what changed in sections and provisions
// against the previous extracted version.
Result<std::vector<VersionItem>> CatalogApi::version_items(int64_t document_id, bool diff) {
  auto versions = store_.catalog().versions_of(document_id);
  if (!versions) return err(versions);
  std::sort(versions->begin(), versions->end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  std::vector<VersionItem> list;
  std::optional<std::vector<corpus::StoredSection>> previous;
  for (const auto& v : *versions) {
    VersionItem j;
    j.id = std::to_string(v.id);
    j.fetched_at = v.fetched_at;
    j.sha256 = v.sha256;
    j.size = v.size;
    j.http_status = v.http_status;
    j.content_type = v.content_type;
    if (diff) {
      auto secs = store_.catalog().sections_of(v.id);
      if (!secs) return err(secs);
      if (secs->empty()) {
        j.changes = std::optional<VersionChanges>();  // not extracted (or nothing in it)
      } else {
        if (previous) j.changes = std::optional<VersionChanges>(version_changes(*previous, *secs));
        previous = std::move(*secs);
      }
    }
    list.push_back(std::move(j));
  }
  return list;
}

Result<std::vector<ChangeItem>> CatalogApi::change_items(const corpus::ChangeFilter& filter) {
  auto rows = reader().changes(filter);
  if (!rows) return err(rows);
  std::vector<ChangeItem> list;
  list.reserve(rows->size());
  for (auto& r : *rows) {
    ChangeItem c;
    c.id = std::to_string(r.id);
    c.detected_at = std::move(r.detected_at);
    c.kind = std::move(r.kind);
    c.document_id = id_text(r.document_id);
    c.town = std::move(r.town);
    c.url = std::move(r.url);
    c.summary = std::move(r.summary);
    c.detail = std::move(r.detail);
    c.old_version_id = id_text(r.old_version_id);
    c.new_version_id = id_text(r.new_version_id);
    list.push_back(std::move(c));
  }
  return list;
}

}  // namespace policyindex::query::detail
