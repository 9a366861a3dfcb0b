#include "app/pipeline.h"

#include <chrono>
#include <cstdio>
#include <map>

namespace policyindex::app {
namespace {

// Bump when extraction or segmentation changes what it produces: stored versions are then
// extracted again by the next `extract` or `refresh`.
constexpr const char* kExtractorVersion = "extract-2";  // 2: DOCX numbering, run-in ends, OCR case redlines

// The tags of every section of a document, as the extraction worker sends them back.
using extract::wire::put_str;
using extract::wire::put_u64;
using TagReader = extract::wire::Reader;

std::string serialize_tags(const std::vector<SectionTags>& tags) {
  std::string out;
  put_u64(out, tags.size());
  for (const SectionTags& t : tags) {
    put_u64(out, t.hits.size());
    for (const corpus::StoredHit& h : t.hits) {
      put_str(out, h.provision);
      put_str(out, h.stance);
      put_str(out, h.evidence);
      put_u64(out, static_cast<uint64_t>(h.start));
      put_u64(out, static_cast<uint64_t>(h.end));
      put_str(out, h.rule);
    }
    put_u64(out, t.cites.size());
    for (const std::string& c : t.cites) put_str(out, c);
  }
  return out;
}

// False when BYTES is not what serialize_tags wrote for SECTIONS sections.
bool deserialize_tags(std::string_view bytes, size_t sections, std::vector<SectionTags>& out) {
  TagReader r(bytes);
  uint64_t n;
  if (!r.u64(n) || n != sections) return false;
  out.assign(sections, {});
  for (SectionTags& t : out) {
    uint64_t hits, cites;
    if (!r.u64(hits) || hits > bytes.size()) return false;
    t.hits.resize(hits);
    for (corpus::StoredHit& h : t.hits) {
      if (!r.str(h.provision) || !r.str(h.stance) || !r.str(h.evidence) || !r.i64(h.start) ||
          !r.i64(h.end) || !r.str(h.rule))
        return false;
    }
    if (!r.u64(cites) || cites > bytes.size()) return false;
    t.cites.resize(cites);
    for (std::string& c : t.cites)
      if (!r.str(c)) return false;
  }
  return r.done();
}

}  // namespace

SectionTagger::SectionTagger(std::shared_ptr<const provisions::Taxonomy> taxonomy)
    : taxonomy_(taxonomy), tagger_(std::move(taxonomy)) {}

Result<SectionTagger> SectionTagger::create(const std::string& taxonomy_file) {
  auto taxonomy = provisions::Taxonomy::load_or_builtin(taxonomy_file);
  if (!taxonomy) return tl::make_unexpected(taxonomy.error());
  return SectionTagger(std::move(*taxonomy));
}

provisions::Tagged SectionTagger::tag_raw(const extract::Section& section) const {
  return tagger_.tag({section.heading, section.number, section.text});
}

SectionTags SectionTagger::tag(const extract::Section& section) const {
  provisions::Tagged tagged = tag_raw(section);
  SectionTags out;
  out.cites = std::move(tagged.cites);
  for (auto& h : tagged.hits) {
    out.hits.push_back({std::move(h.provision), std::string(provisions::stance_name(h.stance)),
                        std::move(h.evidence), static_cast<int64_t>(h.start),
                        static_cast<int64_t>(h.end), std::move(h.rule)});
  }
  return out;
}

std::string SectionTagger::version() const {
  return std::string(kExtractorVersion) + "/" + tagger_.version();
}

Result<ExtractJobResult> run_extract_job(corpus::Store& store, const SectionTagger& tagger,
                                         const ExtractJobOptions& options) {
  auto& catalog = store.catalog();
  const std::string version = tagger.version();
  auto todo = catalog.versions_to_extract(version);
  if (!todo) return tl::make_unexpected(todo.error());
  const auto& versions = *todo;

  std::map<int64_t, std::string> doc_types;
  {
    auto q = catalog.prepare("SELECT id, doc_type FROM documents");
    if (!q) return tl::make_unexpected(q.error());
    while (true) {
      auto row = q->step();
      if (!row) return tl::make_unexpected(row.error());
      if (!*row) break;
      doc_types[q->int64(0)] = q->text(1);
    }
  }

  extract::BatchOptions batch;
  batch.workers = options.jobs;
  batch.options.ocr = options.ocr;
  batch.limits.wall_seconds = options.timeout_s;
  batch.limits.cpu_seconds = options.timeout_s;
  batch.limits.memory_bytes = options.memory_mb << 20;

  // Tagging runs in the workers, beside extraction: this process only stores.
  batch.annotate = [&tagger](const extract::Document& doc) {
    std::vector<SectionTags> tags;
    tags.reserve(doc.sections.size());
    for (const extract::Section& s : doc.sections) tags.push_back(tagger.tag(s));
    return serialize_tags(tags);
  };

  // Results are committed in groups (one transaction per group): every kGroupDocs documents
  // or kGroupSeconds, whichever comes first. A killed run loses at most the open group;
  // those versions have no extraction row and the next run takes them. The groups are not
  // synced one by one (synchronous=NORMAL in WAL mode: a commit survives a killed process,
  // and the WAL is synced at checkpoints): this process reads the workers' results, and a
  // sync per group (tens of milliseconds when other processes write) held up both workers
  // each time. What a power cut could take back is extracted again by the next run.
  struct SyncNormal {
    corpus::Catalog& catalog;
    bool changed;
    explicit SyncNormal(corpus::Catalog& c) : catalog(c), changed(c.exec("PRAGMA synchronous=NORMAL").has_value()) {}
    ~SyncNormal() {
      if (changed) (void)catalog.exec("PRAGMA synchronous=FULL");
    }
  } sync_normal(catalog);
  constexpr size_t kGroupDocs = 64;
  constexpr auto kGroupTime = std::chrono::milliseconds(500);
  bool in_group = false;
  size_t group_docs = 0;
  auto group_start = std::chrono::steady_clock::now();
  Status store_error = ok_status();
  auto commit_group = [&] {
    if (!in_group) return;
    in_group = false;
    group_docs = 0;
    if (Status st = catalog.commit(); !st) {
      catalog.rollback();
      if (store_error) store_error = st;
    }
  };
  batch.tick = [&] {
    if (in_group && std::chrono::steady_clock::now() - group_start >= kGroupTime) commit_group();
  };

  ExtractJobResult result;
  result.versions = versions.size();
  size_t finished = 0;
  const auto t0 = std::chrono::steady_clock::now();
  extract::extract_batch(
      versions.size(),
      [&](size_t i) -> Result<std::string> { return store.blobs().read(versions[i].sha256); },
      [&](size_t i, Result<extract::Document> doc, std::string note) {
        const corpus::VersionRow& v = versions[i];
        corpus::ExtractionRecord rec;
        rec.version_id = v.id;
        rec.tagger_version = version;
        if (doc) {
          rec.status = "ok";
          rec.type = std::string(extract::file_type_name(doc->type));
          if (doc->pages > 0) rec.pages = doc->pages;
          rec.ocr_pages = doc->ocr_pages;
          rec.title = doc->title;
          rec.struck = doc->struck;
          std::vector<SectionTags> tags;
          if (!deserialize_tags(note, doc->sections.size(), tags)) {
            // Not expected; tag here rather than lose the tags.
            tags.clear();
            for (const extract::Section& s : doc->sections) tags.push_back(tagger.tag(s));
          }
          bool any_hit = false;
          int ord = 0;
          for (extract::Section& s : doc->sections) {
            corpus::StoredSection ss;
            ss.ord = ord++;
            ss.key = std::move(s.key);
            ss.number = std::move(s.number);
            ss.heading = std::move(s.heading);
            ss.level = s.level;
            if (s.page > 0) {
              ss.page = s.page;
              ss.page_end = s.page_end;
            }
            ss.text = std::move(s.text);
            ss.start = static_cast<int64_t>(s.start);
            ss.end = static_cast<int64_t>(s.end);
            SectionTags& t = tags[static_cast<size_t>(ord - 1)];
            any_hit = any_hit || !t.hits.empty();
            ss.hits = std::move(t.hits);
            ss.cites = std::move(t.cites);
            rec.sections.push_back(std::move(ss));
          }
          if (!any_hit && doc_types[v.document_id] == "webpage") {
            rec.sections.clear();
            ++result.navigation_pages;
          }
          ++result.extracted;
          result.sections += rec.sections.size();
          result.pages += static_cast<size_t>(doc->pages);
          result.ocr_pages += doc->ocr_pages.size();
        } else {
          rec.status = "error";
          rec.type = "unknown";
          rec.error = doc.error().message;
          ++result.failed;
          result.failures.push_back({v.id, v.document_id, rec.error});
        }
        if (!in_group) {
          if (Status st = catalog.begin(); !st) {
            if (store_error) store_error = st;
          } else {
            in_group = true;
            group_start = std::chrono::steady_clock::now();
          }
        }
        // Inside the group's transaction store_extraction uses a savepoint: a failed store
        // leaves the rest of the group intact.
        if (Status st = catalog.store_extraction(rec); !st && store_error) store_error = st;
        if (in_group && ++group_docs >= kGroupDocs) commit_group();
        ++finished;
        if (options.progress) {
          std::fprintf(stderr, "\r\033[Kextract: %zu/%zu  (%zu failed)", finished, versions.size(),
                       result.failed);
          std::fflush(stderr);
        }
      },
      batch);
  commit_group();
  if (options.progress && !versions.empty()) std::fprintf(stderr, "\n");
  if (!store_error) return tl::make_unexpected(store_error.error());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

nlohmann::json scorecard_json(const provisions::Scorecard& card,
                              const provisions::Taxonomy& taxonomy) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& e : card.entries) {
    const auto* info = taxonomy.find(e.provision);
    nlohmann::json evidence = nlohmann::json::array();
    for (const auto& ev : e.evidence) {
      nlohmann::json j = {{"document", ev.document},
                          {"section", ev.section},
                          {"heading", ev.heading},
                          {"stance", provisions::stance_name(ev.stance)},
                          {"text", ev.text}};
      j["page"] = ev.page > 0 ? nlohmann::json(ev.page) : nlohmann::json(nullptr);
      evidence.push_back(std::move(j));
    }
    out[e.question.empty() ? e.provision : e.question] = {
        {"provision", e.provision},
        {"question", e.question},
        {"label", info ? info->label : e.provision},
        {"verdict", provisions::verdict_name(e.verdict)},
        {"present", e.present},
        {"evidence", std::move(evidence)}};
  }
  return out;
}

nlohmann::json analyze_json(const std::string& file, const extract::Document& doc,
                            const SectionTagger& tagger) {
  nlohmann::json sections = nlohmann::json::array();
  std::vector<provisions::Tagged> tagged;
  tagged.reserve(doc.sections.size());
  for (const extract::Section& s : doc.sections) {
    tagged.push_back(tagger.tag_raw(s));
  }
  std::vector<provisions::TaggedSection> for_score;
  for (size_t i = 0; i < doc.sections.size(); ++i) {
    const extract::Section& s = doc.sections[i];
    nlohmann::json provisions_json = nlohmann::json::array();
    for (const auto& h : tagged[i].hits) {
      provisions_json.push_back({{"provision", h.provision},
                                 {"stance", provisions::stance_name(h.stance)},
                                 {"evidence", h.evidence},
                                 {"start", h.start},
                                 {"end", h.end},
                                 {"rule", h.rule}});
    }
    nlohmann::json j = {{"id", s.key}, {"number", s.number}, {"heading", s.heading},
                        {"level", s.level}};
    if (s.page > 0) {
      j["page"] = s.page;
      j["page_end"] = s.page_end;
    } else {
      j["page"] = nullptr;
    }
    j["text"] = s.text;
    j["provisions"] = std::move(provisions_json);
    j["cites"] = tagged[i].cites;
    sections.push_back(std::move(j));
    for_score.push_back({s.number.empty() ? s.key : s.number, s.heading, s.page, &tagged[i]});
  }
  auto card = provisions::score(tagger.taxonomy(), provisions::scored_hits(file, for_score));
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& w : doc.warnings) errors.push_back(w);
  return {{"file", file},
          {"type", extract::file_type_name(doc.type)},
          {"title", doc.title},
          {"pages", doc.pages},
          {"ocr_pages", doc.ocr_pages},
          {"sections", std::move(sections)},
          {"scorecard", scorecard_json(card, tagger.taxonomy())},
          {"struck", doc.struck},
          {"errors", std::move(errors)}};
}

}  // namespace policyindex::app
