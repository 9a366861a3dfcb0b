#include <cstdlib>

#include "corpus/corpus.h"
#include "corpus/sql.h"

namespace policyindex::corpus {

Store::Store(std::filesystem::path dir, BlobStore blobs, Catalog catalog)
    : dir_(std::move(dir)), blobs_(std::move(blobs)), catalog_(std::move(catalog)) {}

Result<Store> Store::open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::kIo, dir.string() + ": cannot create data directory: " +
                                                ec.message());
  auto blobs = BlobStore::open(dir);
  if (!blobs) return tl::make_unexpected(blobs.error());
  auto catalog = Catalog::open(dir / "catalog.sqlite");
  if (!catalog) return tl::make_unexpected(catalog.error());
  // A new catalog knows the Massachusetts municipalities from the start, so that every
  // town has a row (matrix, scorecards) before anything is crawled.
  auto count = sql::prepare(*catalog, "SELECT count(*) FROM municipalities");
  if (!count) return tl::make_unexpected(count.error());
  auto row = count->step();
  if (!row) return tl::make_unexpected(row.error());
  if (count->int64(0) == 0) {
    count->reset();
    auto towns = builtin_municipalities();
    if (!towns) return tl::make_unexpected(towns.error());
    if (auto st = catalog->upsert_municipalities(*towns); !st) {
      return tl::make_unexpected(st.error());
    }
  }
  return Store(dir, std::move(*blobs), std::move(*catalog));
}

std::filesystem::path default_data_dir(std::string_view flag_value) {
  if (!flag_value.empty()) return std::filesystem::path(flag_value);
  if (const char* env = std::getenv("POLICYINDEX_DATA"); env && *env) return env;
  return "policy-data";
}

}  // namespace policyindex::corpus
