// The extract job: every stored version not yet extracted by the current extractor and
// taxonomy, extracted and tagged in worker processes, stored as it completes in groups of
// one transaction each.

#include <chrono>

#include "corpus/job_state.h"
#include "pipeline/tagging.h"

namespace policyindex::pipeline {

Result<ExtractResult> run_extract(corpus::Store& store, const SectionTagger& tagger,
                                  const ExtractOptions& options, const Progress* progress) {
  if (progress && progress->started) progress->started(Stage::kExtract);
  auto& catalog = store.catalog();
  const std::string version = tagger.version();
  auto todo = catalog.versions_to_extract(version);
  if (!todo) {
    if (progress && progress->finished) progress->finished(Stage::kExtract, {});
    return tl::make_unexpected(todo.error());
  }
  const auto& versions = *todo;

  auto webpages = corpus::documents_of_type(catalog, corpus::DocType::kWebpage);
  if (!webpages) {
    if (progress && progress->finished) progress->finished(Stage::kExtract, {});
    return tl::make_unexpected(webpages.error());
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
  corpus::RelaxedSync relaxed_sync(catalog);
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

  ExtractResult result;
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
          rec.struck = doc->struck;
          std::vector<SectionTags> tags;
          if (!deserialize_tags(note, doc->sections.size(), tags)) {
            // Not expected; tag here rather than lose the tags.
            tags.clear();
            for (const extract::Section& s : doc->sections) tags.push_back(tagger.tag(s));
          }
          size_t hit_count = 0;
          for (const SectionTags& t : tags) hit_count += t.hits.size();
          // Title, genre and status from the document, with the source's URL, type and link
          // text. A crawled web page with no policy language is navigation.
          auto row = catalog.document(v.document_id);
          const corpus::DocumentRow* d = row && *row ? &**row : nullptr;
          DocumentStanding standing = document_standing(*doc, hit_count, d ? std::string_view(d->url) : "",
                                                        d ? std::string_view(d->doc_type) : "",
                                                        d ? std::string_view(d->title) : "");
          if (hit_count == 0 && webpages->count(v.document_id) != 0 && standing.genre.id != "navigation") {
            standing.genre = {"navigation", "a crawled web page with no policy language", true};
            standing.status = {};
            standing.status.status = provisions::DocStatus::kDescriptive;
            standing.status.reason = "a navigation page (" + standing.genre.reason + "), not a policy document";
          }
          rec.title = standing.title.title;
          rec.title_source = standing.title.source;
          rec.genre = standing.genre.id;
          rec.genre_reason = standing.genre.reason;
          rec.doc_status = std::string(provisions::doc_status_name(standing.status.status));
          rec.status_reason = standing.status.reason;
          rec.status_presumed = standing.status.presumed;
          for (const auto& m : standing.status.dates) rec.dates.push_back({m.kind, m.date, m.text});
          rec.date_conflicts = standing.status.conflicts;
          rec.text_sig = extract::text_signature(doc->text);
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
            ss.hits = std::move(t.hits);
            ss.cites = std::move(t.cites);
            rec.sections.push_back(std::move(ss));
          }
          if (standing.genre.id == "navigation") {
            // Kept for its links and change detection; nothing of it is searched or scored.
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
        if (progress && progress->advanced) {
          progress->advanced(Stage::kExtract, {finished, versions.size(), result.failed, result.sections});
        }
      },
      batch);
  commit_group();
  // The same text in several formats or at several URLs: one document, several renditions.
  if (auto grouped = group_renditions(catalog); !grouped) {
    if (store_error) store_error = tl::make_unexpected(grouped.error());
  } else {
    result.renditions = *grouped;
  }
  if (progress && progress->finished) {
    progress->finished(Stage::kExtract, {finished, versions.size(), result.failed, result.sections});
  }
  if (!store_error) return tl::make_unexpected(store_error.error());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace policyindex::pipeline
