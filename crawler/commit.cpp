// A batch's catalog rows, on the commit thread inside the batch's transaction: what each
// finished URL came to (new document, new version, unchanged, gone, failed, disallowed).

#include "corpus/crawl_ledger.h"
#include "crawler/sink.h"

namespace policyindex::crawler {

using corpus::FetchOutcome;

namespace {

// Bodies are merged within one municipality only: two towns publishing the same model
// policy each keep their own document.
std::string digest_key(const std::string& sha, const std::optional<int64_t>& municipality) {
  std::string key = sha;
  key += '/';
  key += municipality ? std::to_string(*municipality) : std::string("-");
  return key;
}

// The document's next revisit schedule, from what this fetch found (failures change nothing:
// the document stays due).
Status record_revisit(Revisit& revisit, const KnownMap& known, const Finished& f,
                      const UrlOutcome& o) {
  if (!o.document_id) return {};
  RevisitCheck c;
  switch (o.outcome) {
    case UrlResult::kNew:
    case UrlResult::kNewVersion:
      c.result = RevisitCheck::Result::kChanged;
      break;
    case UrlResult::kUnchanged:
    case UrlResult::kGone:
      c.result = RevisitCheck::Result::kUnchanged;
      break;
    default:
      return {};
  }
  std::string_view lm = f.last_modified;
  if (lm.empty()) {
    if (auto k = known.find(f.item.url); k != known.end()) lm = k->second.last_modified;
  }
  if (!lm.empty()) c.last_modified_s = parse_http_date(lm);
  c.role = f.role;
  return revisit.record(*o.document_id, f.item.url, c);
}

}  // namespace

Status write_results(corpus::CrawlLedger& ledger, const KnownMap& known, RunDigests& digests,
                     std::vector<Finished>& finished, const std::vector<corpus::FetchRecord>& logs,
                     const std::vector<Item>& frontier, std::vector<UrlOutcome>& outcomes,
                     Revisit& revisit) {
  for (const auto& it : frontier) {
    if (auto s = ledger.add_frontier(frontier_row(it)); !s) return s;
  }
  for (const auto& f : finished) {
    for (const auto& it : f.discovered) {
      if (auto s = ledger.add_frontier(frontier_row(it)); !s) return s;
    }
  }
  const std::string now = corpus::now_iso8601();
  for (auto& f : finished) {
    if (f.disposition == Disposition::kSitemap || f.disposition == Disposition::kListing) {
      if (auto s =
              ledger.set_frontier_state(f.item.url, corpus::FrontierState::kDone, f.item.attempts);
          !s) {
        return s;
      }
      if (auto s = ledger.log_fetch(f.log, now); !s) return s;
      if (auto s = revisit.record_lastmods(f.sitemap_lastmods); !s) return s;
      continue;
    }
    if (f.site_check) {
      if (auto s = ledger.record_site_check(*f.site_check); !s) return s;
    }
    UrlOutcome o;
    o.url = f.item.url;
    o.municipality_id = f.item.municipality_id;
    o.doc_type = f.item.doc_type;
    o.http_status = f.http_status;
    o.bytes = f.bytes;
    o.reason = f.reason;
    // The document as it stands: as loaded at the start for a known URL (one URL is fetched
    // once per run, and only this thread writes its rows), else from the catalog.
    std::optional<int64_t> doc_id, cur_version;
    std::string cur_sha;
    if (auto k = known.find(f.item.url); k != known.end()) {
      doc_id = k->second.document_id;
      cur_version = k->second.version_id;
      cur_sha = k->second.sha256;
    } else {
      auto head = ledger.document_head(f.item.url);
      if (!head) return tl::make_unexpected(head.error());
      if (*head) {
        doc_id = (*head)->document_id;
        cur_version = (*head)->version_id;
        cur_sha = std::move((*head)->sha256);
      }
    }
    switch (f.disposition) {
      case Disposition::kStored: {
        if (!doc_id) {
          // A variant of a document of this run: rel=canonical, or the same bytes.
          std::optional<std::pair<int64_t, std::string>> alias;
          std::string why;
          if (!f.canonical.empty() && f.canonical != f.item.url) {
            auto head = ledger.document_head(f.canonical);
            if (!head) return tl::make_unexpected(head.error());
            if (*head) {
              alias.emplace((*head)->document_id, f.canonical);
              why = "rel=canonical";
            }
          }
          if (!alias) {
            auto d = digests.find(digest_key(f.job->sha, f.item.municipality_id));
            if (d != digests.end() && d->second.second != f.item.url) {
              alias = d->second;
              why = "same content";
            }
          }
          if (alias) {
            doc_id = alias->first;
            o.outcome = UrlResult::kUnchanged;
            o.reason = "alias of " + alias->second + " (" + why + ")";
            f.log.error = o.reason;
            break;
          }
        }
        if (!doc_id) {
          const std::string_view title = !f.item.title.empty()    ? std::string_view(f.item.title)
                                          : !f.item.anchor.empty() ? std::string_view(f.item.anchor)
                                                                   : std::string_view(f.filename);
          auto id = ledger.ensure_document(f.item.url, f.item.municipality_id, f.item.doc_type,
                                           title.substr(0, 300), now);
          if (!id) return tl::make_unexpected(id.error());
          doc_id = *id;
        }
        corpus::VersionInput v;
        if (!f.etag.empty()) v.etag = f.etag;
        if (!f.last_modified.empty()) v.last_modified = f.last_modified;
        int64_t version_id;
        if (cur_version && cur_sha == f.job->sha) {
          version_id = *cur_version;
          o.outcome = UrlResult::kUnchanged;
          o.old_version_id = cur_version;
          o.new_version_id = cur_version;
        } else {
          v.document_id = *doc_id;
          v.sha256 = f.job->sha;
          v.size = f.job->size;
          v.fetched_at = now;
          v.http_status = f.http_status;
          if (!f.content_type.empty()) v.content_type = f.content_type;
          auto id = ledger.insert_version(v);
          if (!id) return tl::make_unexpected(id.error());
          version_id = *id;
          o.outcome = cur_version ? UrlResult::kNewVersion : UrlResult::kNew;
          o.old_version_id = cur_version;
          o.new_version_id = version_id;
        }
        if (auto s = ledger.set_current_version(*doc_id, version_id, v.etag, v.last_modified, now);
            !s) {
          return s;
        }
        digests.emplace(digest_key(f.job->sha, f.item.municipality_id),
                        std::make_pair(*doc_id, f.item.url));
        break;
      }
      case Disposition::kNotModified:
        if (doc_id && cur_version) {
          if (auto s = ledger.touch_document(*doc_id, now); !s) return s;
          o.outcome = UrlResult::kUnchanged;
          o.old_version_id = o.new_version_id = cur_version;
        } else {
          o.outcome = UrlResult::kFailed;
          o.reason = "HTTP 304 for a URL with no stored version";
        }
        break;
      case Disposition::kGone:
        if (doc_id) {
          if (auto s = ledger.mark_gone(*doc_id); !s) return s;
          o.outcome = UrlResult::kGone;
          o.old_version_id = cur_version;
        } else {
          o.outcome = UrlResult::kFailed;
        }
        break;
      case Disposition::kDisallowed:
        o.outcome = UrlResult::kDisallowed;
        break;
      case Disposition::kBlocked:
        o.outcome = UrlResult::kBlocked;
        break;
      case Disposition::kFailed:
      case Disposition::kSitemap:
      case Disposition::kListing:
        o.outcome = UrlResult::kFailed;
        break;
    }
    o.document_id = doc_id;
    if (auto s = record_revisit(revisit, known, f, o); !s) return s;
    const bool failed = o.outcome == UrlResult::kFailed || o.outcome == UrlResult::kDisallowed ||
                        o.outcome == UrlResult::kBlocked;
    if (auto s = ledger.set_frontier_state(
            f.item.url, failed ? corpus::FrontierState::kFailed : corpus::FrontierState::kDone,
            f.item.attempts);
        !s) {
      return s;
    }
    corpus::FetchRecord& log = f.log;
    log.document_id = doc_id;
    if (o.outcome == UrlResult::kUnchanged && log.outcome == FetchOutcome::kFetched) {
      log.outcome = FetchOutcome::kUnchanged;
    }
    if (auto s = ledger.log_fetch(log, now); !s) return s;
    outcomes.push_back(std::move(o));
  }
  for (const auto& l : logs) {
    if (auto s = ledger.log_fetch(l, now); !s) return s;
  }
  return {};
}

}  // namespace policyindex::crawler
