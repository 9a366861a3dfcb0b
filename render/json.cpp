// The JSON of docs/API.md for every typed result, through one writer (json_writer.h).
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "render/json_writer.h"
#include "render/render.h"

namespace policyindex::render {
namespace detail {

void put_string(std::string& out, std::string_view s) {
  const size_t start = out.size();
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    if (i + 8 <= n) {
      // Eight bytes at a time while none is non-ASCII, a control character, '"' or '\\'.
      constexpr uint64_t k01 = 0x0101010101010101ULL, k80 = 0x8080808080808080ULL;
      uint64_t v;
      std::memcpy(&v, s.data() + i, 8);
      const uint64_t quote = v ^ (k01 * '"'), backslash = v ^ (k01 * '\\');
      if (((v | ((v - k01 * 0x20) & ~v) | ((quote - k01) & ~quote) | ((backslash - k01) & ~backslash)) & k80) == 0) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t len = utf8_sequence(s, i);
      if (len == 0) {
        out.resize(start);
        out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      i += len;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    run = ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out.append(s.data() + run, n - run);
  out.push_back('"');
}

void put_double(std::string& out, double v) { out += nlohmann::json(v).dump(); }

void put_json_text(std::string& out, std::string_view text) {
  auto j = nlohmann::ordered_json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    put_string(out, text);
  } else {
    out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
}

}  // namespace detail

namespace {

using detail::JsonWriter;
using detail::put_int;
using detail::put_key;
using detail::put_string;

void evidence(JsonWriter& w, const std::vector<query::EvidenceItem>& list) {
  w.begin_array();
  for (const auto& e : list) {
    w.begin_object()
        .field("document_id", e.document_id)
        .field("document", e.document)
        .field("url", e.url)
        .field("section", e.section)
        .field("heading", e.heading);
    w.key("page");
    if (e.page) {
      w.value(static_cast<int64_t>(*e.page));
    } else {
      w.null();
    }
    w.field("stance", e.stance).field("text", e.text);
    // Provenance: enough to trace the quote to the stored bytes.
    w.field("version_id", e.version_id)
        .field("sha256", e.sha256)
        .field("fetched_at", e.fetched_at)
        .field("section_key", e.section_key)
        .field("start", e.start)
        .field("end", e.end)
        .field("doc_type", e.doc_type)
        .field("status", e.status)
        .field("version_url", e.version_url)
        .end_object();
  }
  w.end_array();
}

// A document's standing: {status, reason, presumed, dates: [{kind, date, text}], conflicts,
// genre, title_source}.
void standing(JsonWriter& w, const query::StandingView& s) {
  w.begin_object()
      .field("status", s.status)
      .field("reason", s.reason)
      .field("presumed", s.presumed);
  w.key("dates").begin_array();
  for (const auto& d : s.dates) w.begin_object().field("kind", d.kind).field("date", d.date).field("text", d.text).end_object();
  w.end_array().key("conflicts").strings(s.conflicts);
  w.field("genre", s.genre).field("title_source", s.title_source).end_object();
}

void coverage(JsonWriter& w, const query::TownCoverage& c) {
  w.begin_object()
      .field("website_known", c.website_known)
      .field("pages_fetched", c.pages_fetched)
      .field("blocked", c.blocked)
      .field("blocked_reason", c.blocked_reason)
      .field("last_crawled", c.last_crawled)
      .field("documents", c.documents)
      .field("documents_in_force", c.documents_in_force)
      .field("documents_proposed", c.documents_proposed)
      .end_object();
}

std::optional<int64_t> opt_page(const std::optional<int>& p) {
  return p ? std::optional<int64_t>(*p) : std::nullopt;
}

void document_summary(JsonWriter& w, const query::DocumentSummary& d, bool with_count) {
  w.field("id", d.id)
      .field("title", d.title)
      .field("url", d.url)
      .field("doc_type", d.doc_type)
      .field("status", d.status)
      .field("fetched_at", d.fetched_at);
  if (with_count) w.field("versions", d.versions);
  if (d.standing) {
    w.key("standing");
    standing(w, *d.standing);
  }
}

void versions(JsonWriter& w, const std::vector<query::VersionItem>& list) {
  w.begin_array();
  for (const auto& v : list) {
    w.begin_object()
        .field("id", v.id)
        .field("fetched_at", v.fetched_at)
        .field("sha256", v.sha256)
        .field("size", static_cast<uint64_t>(v.size))
        .field("http_status", v.http_status)
        .field("content_type", v.content_type);
    if (v.changes) {
      w.key("changes");
      if (!*v.changes) {
        w.null();
      } else {
        const auto& c = **v.changes;
        w.begin_object();
        w.key("sections_added").strings(c.sections_added);
        w.key("sections_removed").strings(c.sections_removed);
        w.key("sections_changed").strings(c.sections_changed);
        w.key("provisions_added").strings(c.provisions_added);
        w.key("provisions_removed").strings(c.provisions_removed);
        w.end_object();
      }
    }
    w.end_object();
  }
  w.end_array();
}

void change_list(JsonWriter& w, const std::vector<query::ChangeItem>& list) {
  w.begin_array();
  for (const auto& c : list) {
    w.begin_object()
        .field("id", c.id)
        .field("detected_at", c.detected_at)
        .field("kind", c.kind)
        .field("document_id", c.document_id)
        .field("town", c.town)
        .field("url", c.url)
        .field("summary", c.summary);
    w.key("detail").json_text(c.detail);
    w.field("old_version_id", c.old_version_id).field("new_version_id", c.new_version_id).end_object();
  }
  w.end_array();
}

}  // namespace

// The search answer, the hot path of the web page: written field by field without the
// writer's bookkeeping.
std::string json(const query::SearchResult& r) {
  std::string out;
  out.reserve(2048 + 1024 * r.hits.size());
  out += "{\"query\":";
  put_string(out, r.query);
  out += ",\"total\":";
  put_int(out, r.total);
  out += ",\"offset\":";
  put_int(out, r.offset);
  out += ",\"limit\":";
  put_int(out, r.limit);
  out += ",\"omitted\":";
  put_int(out, r.omitted());
  out += ",\"suggestion\":";
  put_string(out, r.suggestion);
  out += ",\"hits\":[";
  bool first_hit = true;
  for (const auto& hit : r.hits) {
    const index::SectionRecord& rec = *hit.record;
    if (!first_hit) out.push_back(',');
    first_hit = false;
    out.push_back('{');
    const std::pair<std::string_view, const std::string*> fields[] = {
        {"section_id", &rec.section_id}, {"document_id", &rec.document_id}, {"town", &rec.town},
        {"county", &rec.county},         {"doc_type", &rec.doc_type},       {"title", &rec.title},
        {"url", &rec.url},               {"number", &rec.number},           {"heading", &rec.heading}};
    for (const auto& [key, value] : fields) {
      put_key(out, key);
      put_string(out, *value);
      out.push_back(',');
    }
    put_key(out, "page");
    if (rec.page) {
      put_int(out, *rec.page);
    } else {
      out += "null";
    }
    out.push_back(',');
    put_key(out, "snippet");
    put_string(out, hit.snippet);
    out += ",\"provisions\":[";
    for (size_t i = 0; i < rec.provisions.size(); ++i) {
      if (i) out.push_back(',');
      out += "{\"provision\":";
      put_string(out, rec.provisions[i].first);
      out += ",\"stance\":";
      put_string(out, rec.provisions[i].second);
      out.push_back('}');
    }
    out += "],\"cites\":[";
    for (size_t i = 0; i < rec.cites.size(); ++i) {
      if (i) out.push_back(',');
      put_string(out, rec.cites[i]);
    }
    out += "],\"rank\":";
    put_int(out, hit.rank);
    out += ",\"score\":";
    put_int(out, hit.score);
    const query::HitProvenance& pv = hit.provenance;
    const std::pair<std::string_view, const std::string*> prov[] = {
        {"version_id", &pv.version_id}, {"sha256", &pv.sha256}, {"fetched_at", &pv.fetched_at}};
    for (const auto& [key, value] : prov) {
      out.push_back(',');
      put_key(out, key);
      put_string(out, *value);
    }
    for (const auto& [key, value] : {std::pair{"start", &pv.start}, std::pair{"end", &pv.end}}) {
      out.push_back(',');
      put_key(out, key);
      if (*value) {
        put_int(out, **value);
      } else {
        out += "null";
      }
    }
    out.push_back(',');
    put_key(out, "status");
    put_string(out, pv.status);
    out.push_back(',');
    put_key(out, "version_url");
    put_string(out, pv.version_url);
    out.push_back('}');
  }
  out += "],\"facets\":{";
  for (size_t f = 0; f < query::kFacetCount; ++f) {
    if (f) out.push_back(',');
    put_key(out, query::kFacetNames[f]);
    out.push_back('{');
    bool first = true;
    for (const auto& [value, n] : r.facets[f]) {
      if (!first) out.push_back(',');
      first = false;
      put_string(out, value);
      out.push_back(':');
      put_int(out, n);
    }
    out.push_back('}');
  }
  out += "}}";
  return out;
}

std::string json(const query::Scorecard& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("town", r.town).field("county", r.county);
  w.key("documents").begin_array();
  for (const auto& d : r.documents) {
    w.begin_object();
    document_summary(w, d, true);
    w.end_object();
  }
  w.end_array();
  for (const auto& e : r.entries) {
    w.key(e.key)
        .begin_object()
        .field("provision", e.provision)
        .field("question", e.question)
        .field("label", e.label)
        .field("verdict", e.verdict)
        .field("present", e.present);
    w.key("evidence");
    evidence(w, e.evidence);
    if (!e.proposed_verdict.empty()) w.field("proposed_verdict", e.proposed_verdict);
    if (!e.other_evidence.empty()) {
      w.key("other_evidence");
      evidence(w, e.other_evidence);
    }
    w.field("state", e.state).field("state_detail", e.state_detail);
    w.end_object();
  }
  w.key("coverage");
  coverage(w, r.coverage);
  w.end_object();
  return out;
}

std::string json(const query::Matrix& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("columns").begin_array();
  for (const auto& c : r.columns) w.value(c.key);
  w.end_array().key("labels").begin_object();
  for (const auto& c : r.columns) w.field(c.key, c.provision);
  w.end_object().key("titles").begin_object();
  for (const auto& c : r.columns) w.field(c.key, c.title);
  w.end_object().key("rows").begin_array();
  for (const auto& row : r.rows) {
    w.begin_object().field("town", row.town).field("county", row.county).field("documents", row.documents);
    w.key("cells").begin_object();
    for (size_t i = 0; i < r.columns.size() && i < row.cells.size(); ++i) w.field(r.columns[i].key, row.cells[i]);
    w.end_object().key("states").begin_object();
    for (size_t i = 0; i < r.columns.size() && i < row.states.size(); ++i) w.field(r.columns[i].key, row.states[i]);
    w.end_object().key("coverage");
    coverage(w, row.coverage);
    w.end_object();
  }
  // Statewide: per column, how many municipalities are in each coverage state.
  w.end_array().key("state_counts").begin_object();
  for (size_t i = 0; i < r.columns.size() && i < r.state_counts.size(); ++i) {
    w.key(r.columns[i].key).begin_object();
    for (size_t k = 0; k < query::kCoverageStates.size(); ++k) w.field(query::kCoverageStates[k], r.state_counts[i][k]);
    w.end_object();
  }
  w.end_object().end_object();
  return out;
}

std::string json(const query::MatrixLong& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("by", r.by).field("total", static_cast<int64_t>(r.rows.size())).field("omitted", int64_t{0});
  w.key("rows").begin_array();
  for (const auto& x : r.rows) {
    w.begin_object()
        .field("town", x.town)
        .field("county", x.county)
        .field("key", x.key)
        .field("provision", x.provision)
        .field("question", x.question)
        .field("verdict", x.verdict)
        .field("state", x.state)
        .field("state_detail", x.state_detail)
        .field("stance", x.stance)
        .field("status", x.status)
        .field("quote", x.quote)
        .field("document_id", x.document_id)
        .field("title", x.title)
        .field("doc_type", x.doc_type)
        .field("url", x.url)
        .field("version_id", x.version_id)
        .field("version_url", x.version_url)
        .field("sha256", x.sha256)
        .field("section", x.section)
        .field("section_key", x.section_key)
        .field("heading", x.heading)
        .field("page", opt_page(x.page))
        .field("start", x.start)
        .field("end", x.end)
        .field("adopted", x.adopted)
        .field("effective", x.effective)
        .field("fetched_at", x.fetched_at)
        .field("evidence_count", x.evidence_count)
        .end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string json(const query::Comparison& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("towns").begin_array();
  for (const auto& t : r.towns) {
    w.begin_object().field("town", t.town).field("county", t.county).field("documents", t.documents).end_object();
  }
  w.end_array().key("rows").begin_array();
  for (const auto& row : r.rows) {
    w.begin_object().field("provision", row.provision).field("question", row.question).field("label", row.label);
    w.key("cells").begin_array();
    for (const auto& c : row.cells) {
      w.begin_object().field("town", c.town).field("verdict", c.verdict);
      w.key("evidence");
      evidence(w, c.evidence);
      w.field("state", c.state);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string json(const query::Peers& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("town", r.town).field("county", r.county).field("documents", r.documents);
  w.key("provisions").begin_array();
  for (const auto& p : r.provisions) {
    w.begin_object()
        .field("provision", p.provision)
        .field("question", p.question)
        .field("label", p.label)
        .field("verdict", p.verdict);
    w.key("peers").begin_array();
    for (const auto& peer : p.peers) {
      w.begin_object()
          .field("town", peer.town)
          .field("county", peer.county)
          .field("same_county", peer.same_county)
          .field("similarity", peer.similarity)
          .field("verdict", peer.verdict);
      w.key("evidence");
      evidence(w, peer.evidence);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string json(const query::History& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("town", r.town);
  if (r.county) w.field("county", *r.county);
  w.key("documents").begin_array();
  for (const auto& d : r.documents) {
    w.begin_object();
    document_summary(w, d.summary, false);
    w.key("versions");
    versions(w, d.versions);
    w.end_object();
  }
  w.end_array().key("changes");
  change_list(w, r.changes);
  if (r.county) {
    w.key("timeline").begin_array();
    for (const auto& t : r.timeline) {
      w.begin_object()
          .field("date", t.date)
          .field("kind", t.kind)
          .field("text", t.text)
          .field("document_id", t.document_id)
          .field("title", t.title)
          .field("status", t.status)
          .field("reason", t.reason)
          .end_object();
    }
    w.end_array();
  }
  w.end_object();
  return out;
}

std::string json(const query::Document& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("id", r.id)
      .field("town", r.town)
      .field("county", r.county)
      .field("title", r.title)
      .field("url", r.url)
      .field("doc_type", r.doc_type)
      .field("status", r.status);
  w.key("versions");
  versions(w, r.versions);
  w.field("current_version", r.current_version);
  w.field("version", r.version).field("version_sha256", r.version_sha256).field("version_fetched_at", r.version_fetched_at);
  if (r.extraction) {
    w.field("type", r.extraction->type)
        .field("pages", r.extraction->pages)
        .field("extraction_status", r.extraction->status)
        .field("extraction_error", r.extraction->error);
  } else {
    w.key("type").null().key("pages").null();
  }
  w.key("sections").begin_array();
  for (const auto& s : r.sections) {
    w.begin_object()
        .field("id", s.id)
        .field("number", s.number)
        .field("heading", s.heading)
        .field("level", s.level)
        .field("page", s.page)
        .field("text", s.text);
    w.key("provisions").begin_array();
    for (const auto& h : s.provisions) {
      w.begin_object()
          .field("provision", h.provision)
          .field("stance", h.stance)
          .field("evidence", h.evidence)
          .field("start", h.start)
          .field("end", h.end)
          .field("rule", h.rule)
          .end_object();
    }
    w.end_array().key("cites").strings(s.cites).end_object();
  }
  w.end_array();
  if (r.standing) {
    w.key("standing");
    standing(w, *r.standing);
  }
  w.key("renditions").begin_array();
  for (const auto& x : r.renditions) {
    w.begin_object()
        .field("document_id", x.document_id)
        .field("url", x.url)
        .field("title", x.title)
        .field("canonical", x.canonical)
        .field("similarity", x.similarity)
        .field("method", x.method)
        .end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string json(const query::ChangeList& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("changes");
  change_list(w, r.changes);
  w.end_object();
  return out;
}

std::string json(const query::TaxonomyView& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("provisions").begin_array();
  for (const auto& p : r.provisions) {
    w.begin_object()
        .field("id", p.id)
        .field("label", p.label)
        .field("question", p.question)
        .field("description", p.description)
        .end_object();
  }
  w.end_array().key("municipalities").begin_array();
  for (const auto& m : r.municipalities) {
    w.begin_object()
        .field("name", m.name)
        .field("county", m.county)
        .field("kind", m.kind)
        .field("documents", m.documents)
        .end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string json_error(std::string_view code, std::string_view message) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("error").begin_object().field("code", code).field("message", message).end_object().end_object();
  return out;
}

}  // namespace policyindex::render
