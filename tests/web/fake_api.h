// A query::Api answering with fixed typed results full of hostile strings, recording what it
// was asked. For handler tests and the demo server without a corpus.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/query.h"

namespace policyindex::testing {

inline const std::string kEvil = "<script>alert(\"x\")</script>\"'><img src=x onerror=alert(1)>&amp;";

class FakeApi : public query::Api {
 public:
  // Recorded requests.
  query::SearchRequest last_search;
  std::vector<std::string> last_compare;
  std::string last_town, last_provision, last_history;
  int64_t last_document = 0;
  std::optional<int64_t> last_version;
  size_t last_limit = 0;
  // When set, every call fails with this error.
  std::optional<Error> fail;

  Result<query::SearchResult> search(const query::SearchRequest& r) override {
    last_search = r;
    if (fail) return tl::make_unexpected(*fail);
    auto rec = std::make_shared<index::SectionRecord>();
    rec->section_id = "17/" + kEvil;
    rec->document_id = "17";
    rec->town = "Quillfield";
    rec->county = "Brackett";
    rec->doc_type = "ordinance";
    rec->title = "Title " + kEvil;
    rec->url = "javascript:alert(1)";
    rec->number = "50-103";
    rec->heading = "Heading " + kEvil;
    rec->page = 2;
    rec->provisions = {{"detention_on_detainer", "protective"}};
    rec->cites = {"lunn"};
    auto rec2 = std::make_shared<index::SectionRecord>(*rec);
    rec2->url = "https://quillfield.example/a.pdf?x=1&y=\"2\"";
    const std::string snippet = "before <b>detainer</b> &lt;script&gt; <script>raw()</script> & after";
    query::SearchResult out;
    out.query = r.query;
    out.total = 45;
    out.offset = r.offset;
    out.limit = r.limit;
    out.suggestion = r.query == "detaner" ? "detainer" : "";
    out.hits.push_back({rec, snippet, r.offset + 1, 90, {}});
    out.hits.push_back({rec2, snippet, r.offset + 2, 90, {}});
    auto values = std::make_shared<std::vector<std::string>>(std::vector<std::string>{
        "Quillfield", "Town " + kEvil, "Brackett", "detention_on_detainer", "287g", "protective", "permissive",
        "ordinance", "lunn"});
    const auto& v = *values;
    out.facets[0] = {{v[0], 30}, {v[1], 15}};
    out.facets[1] = {{v[2], 45}};
    out.facets[2] = {{v[3], 40}, {v[4], 5}};
    out.facets[3] = {{v[5], 44}, {v[6], 1}};
    out.facets[4] = {{v[7], 45}};
    out.facets[5] = {{v[8], 12}};
    out.keep_alive.push_back(values);
    return out;
  }

  static std::vector<query::EvidenceItem> evidence() {
    query::EvidenceItem e;
    e.document_id = "17";
    e.document = "Doc " + kEvil;
    e.url = "https://q.example/d.pdf";
    e.section = "50-103";
    e.heading = kEvil;
    e.page = 2;
    e.stance = "protective";
    e.text = "Quoted " + kEvil;
    e.version_id = "30";
    e.sha256 = "5a1b2c3d4e5f60718293a4b5c6d7e8f9";
    e.fetched_at = "2025-03-01T10:00:00Z";
    e.section_key = "50-103";
    e.start = 6;
    e.end = 53;
    e.status = "in_force";
    e.version_url = "/documents/17?version=30#s-50-103";
    return {e};
  }

  Result<query::Scorecard> scorecard(std::string_view town) override {
    last_town = town;
    if (fail) return tl::make_unexpected(*fail);
    if (town == "Nowhere") {
      return make_error(ErrorCode::kNotFound, "unknown town 'Nowhere'; did you mean: Norwell, Norwood");
    }
    query::Scorecard out;
    out.town = "Quillfield";
    out.county = "Brackett";
    out.documents.push_back({"17", "Doc " + kEvil, "javascript:alert(2)", "ordinance", "active", "2025-03-01T10:00:00Z", 2});
    const char* verdicts[] = {"green", "red", "mixed", "absent", "green", "absent", "green"};
    const char* ids[] = {"status_inquiry", "info_sharing", "detention_on_detainer", "detainer_notice",
                         "enforcement_operations", "local_resources", "287g"};
    for (int i = 0; i < 7; ++i) {
      std::string q = "Q" + std::to_string(i + 1);
      const bool absent = std::string(verdicts[i]) == "absent";
      out.entries.push_back({q, ids[i], q, "Label " + q, verdicts[i], !absent,
                             absent ? std::vector<query::EvidenceItem>{} : evidence(),
                             absent ? (i == 3 ? "not_addressed" : "proposed_only") : verdicts[i],
                             absent ? "detail " + kEvil : ""});
    }
    out.entries.push_back({"facility_access", "facility_access", "", "ICE access", "absent", false, {}, "not_addressed", ""});
    out.coverage.documents = 1;
    out.coverage.documents_in_force = 1;
    out.coverage.pages_fetched = 3;
    out.coverage.last_crawled = "2025-03-01T10:00:00Z";
    return out;
  }

  Result<query::Matrix> matrix() override {
    if (fail) return tl::make_unexpected(*fail);
    query::Matrix out;
    for (const char* c : {"Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "facility_access"}) {
      out.columns.push_back({c, std::string(c) == "Q1" ? "status_inquiry" : "", ""});
    }
    auto row = [&](std::string town, std::string county, int docs, std::string v) {
      query::MatrixRow r;
      r.town = town;
      r.county = county;
      r.documents = docs;
      r.cells.assign(out.columns.size(), docs ? v : "no document");
      r.states.assign(out.columns.size(), docs ? v : (county == "Coldwater" ? "blocked" : "not_crawled"));
      out.rows.push_back(std::move(r));
    };
    out.state_counts.assign(out.columns.size(), {});
    out.state_counts[0][6] = 42;
    row("Quillfield", "Brackett", 1, "green");
    row("Ashmere", "Brackett", 1, "red");
    row("Town " + kEvil, "Brackett", 0, "");
    row("Port Tessaly", "Coldwater", 2, "mixed");
    row("=HYPERLINK(\"x\")", "Coldwater", 0, "");
    return out;
  }

  Result<query::Comparison> compare(const std::vector<std::string>& towns, std::string_view provision) override {
    last_compare = towns;
    last_provision = provision;
    if (fail) return tl::make_unexpected(*fail);
    query::Comparison out;
    query::CompareRow row{"287g", "Q7", "287(g) " + kEvil, {}};
    for (const auto& t : towns) {
      out.towns.push_back({t, "Brackett", 0});
      row.cells.push_back({t, "green", evidence(), "green"});
    }
    out.rows.push_back(std::move(row));
    return out;
  }

  Result<query::Peers> peers(std::string_view town, std::string_view provision) override {
    last_town = town;
    last_provision = provision;
    if (fail) return tl::make_unexpected(*fail);
    query::Peers out;
    out.town = town;
    out.county = "Brackett";
    query::PeerProvision p{"info_sharing", "Q2", "Sharing", "absent", {}};
    p.peers.push_back({"Ashmere", "Brackett", true, 0.42, "green", evidence()});
    out.provisions.push_back(std::move(p));
    return out;
  }

  Result<query::History> history(std::string_view t) override {
    last_history = t;
    if (fail) return tl::make_unexpected(*fail);
    query::History out;
    out.town = "Quillfield";
    query::HistoryDocument d;
    d.summary = {"17", "Doc", "", "", "active", "", 0};
    query::VersionItem v;
    v.id = "31";
    v.fetched_at = "2025-03-01";
    v.sha256 = "ab";
    v.size = 12;
    v.http_status = 200;
    v.changes = std::optional<query::VersionChanges>();  // not extracted
    d.versions.push_back(v);
    out.documents.push_back(std::move(d));
    return out;
  }

  Result<query::MatrixLong> matrix_long(std::string_view by) override {
    if (fail) return tl::make_unexpected(*fail);
    query::MatrixLong out;
    out.by = by;
    query::LongRow r;
    r.town = "=HYPERLINK(\"x\")";
    r.key = "Q1";
    r.state = "green";
    r.quote = "+cmd|' /C calc'!A0";
    r.sha256 = "ab";
    out.rows.push_back(r);
    return out;
  }

  Result<query::Document> document(int64_t id, std::optional<int64_t> version = std::nullopt) override {
    last_document = id;
    last_version = version;
    if (version && *version != 30 && *version != 31) return make_error(ErrorCode::kNotFound, "no such version");
    if (fail) return tl::make_unexpected(*fail);
    if (id == 404) return make_error(ErrorCode::kNotFound, "no document 404");
    const std::string text = "Intro " + kEvil + " Officers shall not ask about immigration status. é end";
    const auto start = static_cast<int64_t>(text.find("Officers"));
    query::DocumentSection sec;
    sec.id = "17/50-103";
    sec.number = "50-103";
    sec.heading = kEvil;
    sec.level = 1;
    sec.page = 2;
    sec.text = text;
    sec.provisions = {{"status_inquiry", "protective", "Officers shall not ask", start, start + 47, "r"},
                      // out of range: must be ignored, not crash
                      {"287g", "neutral", "zzz", 5, 100000, "r"}};
    sec.cites = {"lunn"};
    query::Document out;
    out.id = std::to_string(id);
    out.town = "Quillfield";
    out.county = "Brackett";
    out.title = "Doc " + kEvil;
    out.url = "https://q.example/d.pdf";
    out.doc_type = "ordinance";
    out.status = "active";
    out.current_version = "31";
    out.version = version ? std::to_string(*version) : "31";
    out.version_sha256 = "cafe" + *out.version;
    out.version_fetched_at = "2025-03-01T10:00:00Z";
    out.extraction = query::ExtractionView{"pdf", 7, "ok", ""};
    out.sections.push_back(std::move(sec));
    return out;
  }

  Result<query::ChangeList> changes(std::string_view town, std::string_view provision, size_t limit) override {
    last_town = town;
    last_provision = provision;
    last_limit = limit;
    if (fail) return tl::make_unexpected(*fail);
    query::ChangeItem c;
    c.id = "5";
    c.detected_at = "2025-06-01T09:00:01Z";
    c.kind = "provision_change";
    c.town = "Port Tessaly";
    c.document_id = "3";
    c.url = "https://t.example/a";
    c.summary = "Q7 " + kEvil + "\x01";
    c.detail = "{}";
    return query::ChangeList{{c}};
  }

  Result<query::TaxonomyView> taxonomy() override {
    if (fail) return tl::make_unexpected(*fail);
    query::TaxonomyView out;
    const char* ids[] = {"status_inquiry", "info_sharing", "detention_on_detainer", "detainer_notice",
                         "enforcement_operations", "local_resources", "287g"};
    for (int i = 0; i < 7; ++i) {
      out.provisions.push_back({ids[i], std::string("Label ") + ids[i], "Q" + std::to_string(i + 1), "Desc " + kEvil});
    }
    out.provisions.push_back({"facility_access", "ICE access", "", ""});
    out.municipalities = {{"Quillfield", "Brackett", "town", 1}, {"Town " + kEvil, "Brackett", "town", 0}};
    return out;
  }
};

}  // namespace policyindex::testing
