// The revisit table's SQL (corpus/revisit.h).

#include "corpus/revisit.h"

#include <ctime>

#include "corpus/sql.h"

namespace policyindex::corpus {

struct RevisitStore::Impl {
  std::optional<Statement> put, lastmod;
};

std::string_view to_string(RevisitRole r) {
  return r == RevisitRole::kListing ? "listing" : "document";
}

RevisitRole revisit_role_from_string(std::string_view name) {
  return name == "listing" ? RevisitRole::kListing : RevisitRole::kDocument;
}

std::string iso8601_from_unix(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<int64_t> unix_from_iso8601(std::string_view text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  return unix_from_utc(num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2));
}

std::optional<int64_t> unix_from_utc(int year, int month, int day, int hour, int minute, int second) {
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm));
}

RevisitStore::RevisitStore(Catalog& catalog) : catalog_(catalog), impl_(std::make_unique<Impl>()) {}
RevisitStore::~RevisitStore() = default;

namespace {

constexpr const char* kColumns =
    "document_id, role, checked_at, changed_at, unchanged_checks, next_due, sitemap_lastmod";

std::optional<RevisitState> read_row(const Statement& q) {
  RevisitState s;
  s.document_id = q.int64(0);
  s.role = revisit_role_from_string(q.text(1));
  auto checked = unix_from_iso8601(q.text(2));
  auto changed = unix_from_iso8601(q.text(3));
  auto due = unix_from_iso8601(q.text(5));
  if (!checked || !changed || !due) return std::nullopt;
  s.checked_s = *checked;
  s.changed_s = *changed;
  s.unchanged_checks = static_cast<int>(q.int64(4));
  s.next_due_s = *due;
  if (auto lm = q.opt_text(6)) s.sitemap_lastmod_s = unix_from_iso8601(*lm);
  return s;
}

}  // namespace

Result<std::unordered_map<int64_t, RevisitState>> RevisitStore::load_all() {
  auto q = sql::prepare(catalog_, std::string("SELECT ") + kColumns + " FROM revisit");
  if (!q) return tl::make_unexpected(q.error());
  std::unordered_map<int64_t, RevisitState> out;
  while (true) {
    auto row = q->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    if (auto s = read_row(*q)) out.emplace(s->document_id, std::move(*s));
  }
  return out;
}

Result<std::optional<RevisitState>> RevisitStore::get(int64_t document_id) {
  auto q = sql::prepare(catalog_,
                        std::string("SELECT ") + kColumns + " FROM revisit WHERE document_id=?1");
  if (!q) return tl::make_unexpected(q.error());
  q->bind(1, document_id);
  auto row = q->step();
  if (!row) return tl::make_unexpected(row.error());
  if (!*row) return std::optional<RevisitState>();
  return read_row(*q);
}

Status RevisitStore::put(const RevisitState& s) {
  if (!impl_->put) {
    auto q = sql::prepare(catalog_,
                          "INSERT INTO revisit(document_id, role, checked_at, changed_at, "
                          "unchanged_checks, next_due, sitemap_lastmod) "
                          "VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(document_id) DO UPDATE SET "
                          "role=excluded.role, checked_at=excluded.checked_at, "
                          "changed_at=excluded.changed_at, "
                          "unchanged_checks=excluded.unchanged_checks, "
                          "next_due=excluded.next_due, sitemap_lastmod=CASE "
                          "WHEN excluded.sitemap_lastmod IS NULL THEN sitemap_lastmod "
                          "WHEN sitemap_lastmod IS NULL THEN excluded.sitemap_lastmod "
                          "ELSE max(sitemap_lastmod, excluded.sitemap_lastmod) END");
    if (!q) return tl::make_unexpected(q.error());
    impl_->put.emplace(std::move(*q));
  }
  auto& q = *impl_->put;
  q.bind(1, s.document_id).bind(2, to_string(s.role));
  q.bind(3, std::string_view(iso8601_from_unix(s.checked_s)));
  q.bind(4, std::string_view(iso8601_from_unix(s.changed_s)));
  q.bind(5, static_cast<int64_t>(s.unchanged_checks));
  q.bind(6, std::string_view(iso8601_from_unix(s.next_due_s)));
  if (s.sitemap_lastmod_s) {
    q.bind(7, std::string_view(iso8601_from_unix(*s.sitemap_lastmod_s)));
  } else {
    q.bind_null(7);
  }
  return q.run();
}

Status RevisitStore::set_sitemap_lastmod(std::string_view url, int64_t lastmod_s) {
  if (!impl_->lastmod) {
    // ISO 8601 UTC text in one format compares as time.
    auto q = sql::prepare(catalog_,
                          "UPDATE revisit SET sitemap_lastmod=?2 WHERE document_id=(SELECT id "
                          "FROM documents WHERE url=?1) AND (sitemap_lastmod IS NULL OR "
                          "sitemap_lastmod < ?2)");
    if (!q) return tl::make_unexpected(q.error());
    impl_->lastmod.emplace(std::move(*q));
  }
  auto& q = *impl_->lastmod;
  q.bind(1, url).bind(2, std::string_view(iso8601_from_unix(lastmod_s)));
  return q.run();
}

}  // namespace policyindex::corpus
