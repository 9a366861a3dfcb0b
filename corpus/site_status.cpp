#include "corpus/site_status.h"

#include <array>
#include <cctype>
#include <utility>

#include "corpus/sql.h"

namespace policyindex::corpus {
namespace {

constexpr std::array<std::pair<SiteVerdict, std::string_view>, 4> kVerdicts{{
    {SiteVerdict::kVerified, "verified"},
    {SiteVerdict::kMismatch, "mismatch"},
    {SiteVerdict::kUnreachable, "unreachable"},
    {SiteVerdict::kBlocked, "blocked"},
}};

}  // namespace

std::string_view to_string(SiteVerdict v) {
  for (const auto& [value, name] : kVerdicts) {
    if (value == v) return name;
  }
  return "unreachable";
}

std::optional<SiteVerdict> site_verdict_from_string(std::string_view name) {
  for (const auto& [value, n] : kVerdicts) {
    if (n == name) return value;
  }
  return std::nullopt;
}

std::string url_host(std::string_view url) {
  auto p = url.find("://");
  if (p == std::string_view::npos) return std::string(url);
  url.remove_prefix(p + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  std::string out(url);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status SiteStatus::record_block(std::optional<int64_t> municipality_id, std::string_view url,
                                FetchOutcome kind, std::string_view reason,
                                std::optional<int64_t> http_status, std::optional<int64_t> run_id,
                                std::string_view now) {
  if (!is_block(kind)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "record_block: '" + std::string(to_string(kind)) + "' is not a block");
  }
  auto q = sql::prepare(
      catalog_,
      "INSERT INTO blocks(municipality_id, host, kind, url, reason, http_status, count, "
      "first_seen, last_seen, run_id) VALUES(?1,?2,?3,?4,?5,?6,1,?7,?7,?8) "
      "ON CONFLICT(municipality_id, host, kind) DO UPDATE SET url=excluded.url, "
      "reason=excluded.reason, http_status=excluded.http_status, count=count+1, "
      "last_seen=excluded.last_seen, run_id=excluded.run_id");
  if (!q) return tl::make_unexpected(q.error());
  q->bind(1, municipality_id.value_or(0)).bind(2, std::string_view(url_host(url)));
  q->bind(3, to_string(kind)).bind(4, url).bind(5, reason).bind(6, http_status);
  q->bind(7, now).bind(8, run_id);
  return q->run();
}

Status SiteStatus::record_site_check(const SiteCheck& c) {
  auto q = sql::prepare(catalog_,
                        "INSERT OR REPLACE INTO site_checks(municipality_id, host, url, final_url, "
                        "verdict, reason, checked_at, run_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!q) return tl::make_unexpected(q.error());
  q->bind(1, c.municipality_id).bind(2, std::string_view(c.host)).bind(3, std::string_view(c.url));
  q->bind(4, std::string_view(c.final_url)).bind(5, to_string(c.verdict));
  q->bind(6, std::string_view(c.reason)).bind(7, std::string_view(c.checked_at)).bind(8, c.run_id);
  return q->run();
}

Result<std::vector<HostBlock>> SiteStatus::blocks(std::optional<int64_t> town) {
  auto q = sql::prepare(
      catalog_,
      "SELECT b.municipality_id, IFNULL(m.name, ''), b.host, b.kind, b.url, b.reason, "
      "b.http_status, b.count, b.first_seen, b.last_seen, b.run_id FROM blocks b "
      "LEFT JOIN municipalities m ON m.id = b.municipality_id "
      "WHERE ?1 IS NULL OR b.municipality_id = ?1 "
      "ORDER BY b.municipality_id = 0, m.name, b.host, b.kind");
  if (!q) return tl::make_unexpected(q.error());
  q->bind(1, town);
  std::vector<HostBlock> out;
  while (true) {
    auto row = q->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    HostBlock b;
    b.municipality_id = q->int64(0);
    b.town = q->text(1);
    b.host = q->text(2);
    b.kind = fetch_outcome_from_string(q->text(3)).value_or(FetchOutcome::kDisallowed);
    b.url = q->text(4);
    b.reason = q->text(5);
    b.http_status = q->opt_int64(6);
    b.count = q->int64(7);
    b.first_seen = q->text(8);
    b.last_seen = q->text(9);
    b.run_id = q->opt_int64(10);
    out.push_back(std::move(b));
  }
  return out;
}

Result<std::vector<TownBlocks>> SiteStatus::blocks_by_town() {
  auto all = blocks();
  if (!all) return tl::make_unexpected(all.error());
  std::vector<TownBlocks> out;
  for (auto& b : *all) {
    if (out.empty() || out.back().municipality_id != b.municipality_id) {
      out.push_back({b.municipality_id, b.town, {}});
    }
    out.back().blocks.push_back(std::move(b));
  }
  return out;
}

Result<std::vector<SiteCheck>> SiteStatus::site_checks(std::optional<int64_t> town) {
  auto q = sql::prepare(catalog_,
                        "SELECT c.municipality_id, IFNULL(m.name, ''), c.host, c.url, c.final_url, "
                        "c.verdict, c.reason, c.checked_at, c.run_id FROM site_checks c "
                        "LEFT JOIN municipalities m ON m.id = c.municipality_id "
                        "WHERE ?1 IS NULL OR c.municipality_id = ?1 ORDER BY m.name, c.host");
  if (!q) return tl::make_unexpected(q.error());
  q->bind(1, town);
  std::vector<SiteCheck> out;
  while (true) {
    auto row = q->step();
    if (!row) return tl::make_unexpected(row.error());
    if (!*row) break;
    SiteCheck c;
    c.municipality_id = q->int64(0);
    c.town = q->text(1);
    c.host = q->text(2);
    c.url = q->text(3);
    c.final_url = q->text(4);
    c.verdict = site_verdict_from_string(q->text(5)).value_or(SiteVerdict::kUnreachable);
    c.reason = q->text(6);
    c.checked_at = q->text(7);
    c.run_id = q->opt_int64(8);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace policyindex::corpus
