// Content-addressed blob store. A blob becomes visible only by rename(2) of a fully
// written and fsynced temporary file, so a crash leaves either the whole blob or nothing
// (plus a temporary file that the next open removes).

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "corpus/corpus.h"

namespace policyindex::corpus {
namespace {

std::string hex(const unsigned char* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

bool valid_sha(std::string_view sha) {
  if (sha.size() != 64) return false;
  for (char c : sha) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status fsync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::kIo, dir.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return make_error(ErrorCode::kIo, dir.string() + ": fsync: " + std::strerror(errno));
  return {};
}

std::string random_suffix() {
  // One random draw per process (std::random_device costs a system call or more each
  // time); pid + counter + that draw keep names unique across processes and threads.
  static const uint64_t salt = std::random_device{}();
  static std::atomic<uint64_t> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(salt);
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return hex(md, len);
}

struct BlobWriter::Impl {
  std::filesystem::path blobs_dir;
  std::filesystem::path tmp_path;
  int fd = -1;
  MdCtx ctx;
  uint64_t size = 0;
  std::string sealed_sha;

  ~Impl() { discard(); }
  void discard() {
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
    if (!tmp_path.empty()) {
      std::error_code ec;
      std::filesystem::remove(tmp_path, ec);
      tmp_path.clear();
    }
  }
};

BlobWriter::BlobWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BlobWriter::BlobWriter(BlobWriter&&) noexcept = default;
BlobWriter& BlobWriter::operator=(BlobWriter&&) noexcept = default;
BlobWriter::~BlobWriter() = default;

Status BlobWriter::append(std::string_view bytes) {
  if (!impl_ || impl_->fd < 0) return make_error(ErrorCode::kInternal, "blob writer is closed");
  EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size());
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(impl_->fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::kIo,
                        impl_->tmp_path.string() + ": write: " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  impl_->size += bytes.size();
  return {};
}

uint64_t BlobWriter::size() const { return impl_ ? impl_->size : 0; }

void BlobWriter::abort() {
  if (impl_) impl_->discard();
}

Result<std::string> BlobWriter::commit() {
  if (!impl_ || impl_->fd < 0) return make_error(ErrorCode::kInternal, "blob writer is closed");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx.get(), md, &len);
  std::string sha = hex(md, len);
  if (::fsync(impl_->fd) != 0) {
    auto err = impl_->tmp_path.string() + ": fsync: " + std::strerror(errno);
    impl_->discard();
    return make_error(ErrorCode::kIo, err);
  }
  ::close(impl_->fd);
  impl_->fd = -1;
  auto shard = impl_->blobs_dir / sha.substr(0, 2);
  auto final_path = shard / sha;
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) {
    impl_->discard();  // identical bytes are stored once
    return sha;
  }
  std::filesystem::create_directories(shard, ec);
  if (ec) {
    impl_->discard();
    return make_error(ErrorCode::kIo, shard.string() + ": " + ec.message());
  }
  if (::rename(impl_->tmp_path.c_str(), final_path.c_str()) != 0) {
    auto err = final_path.string() + ": rename: " + std::strerror(errno);
    impl_->discard();
    return make_error(ErrorCode::kIo, err);
  }
  impl_->tmp_path.clear();
  if (auto st = fsync_dir(shard); !st) return tl::make_unexpected(st.error());
  return sha;
}

Result<std::string> BlobWriter::seal() {
  if (!impl_ || impl_->fd < 0) return make_error(ErrorCode::kInternal, "blob writer is closed");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx.get(), md, &len);
  impl_->sealed_sha = hex(md, len);
  ::close(impl_->fd);
  impl_->fd = -1;
  return impl_->sealed_sha;
}

const std::string& BlobWriter::sealed_sha() const {
  static const std::string kEmpty;
  return impl_ ? impl_->sealed_sha : kEmpty;
}

Status BlobStore::commit_sealed(std::vector<BlobWriter>& writers) {
  if (writers.empty()) return {};
  // One syncfs makes the data of every sealed file durable before any rename publishes it
  // (a rename of an unsynced file could leave a named blob with missing data after a crash).
  int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return make_error(ErrorCode::kIo, dir_.string() + ": " + std::strerror(errno));
  auto sync_all = [&]() -> Status {
    if (::syncfs(dfd) != 0) {
      return make_error(ErrorCode::kIo, dir_.string() + ": syncfs: " + std::strerror(errno));
    }
    return {};
  };
  if (auto st = sync_all(); !st) {
    ::close(dfd);
    return st;
  }
  for (auto& w : writers) {
    if (!w.impl_ || w.impl_->sealed_sha.empty() || w.impl_->tmp_path.empty()) continue;
    const std::string& sha = w.impl_->sealed_sha;
    auto shard = dir_ / sha.substr(0, 2);
    auto final_path = shard / sha;
    std::error_code ec;
    if (std::filesystem::exists(final_path, ec)) {
      w.impl_->discard();
      continue;
    }
    std::filesystem::create_directories(shard, ec);
    if (ec || ::rename(w.impl_->tmp_path.c_str(), final_path.c_str()) != 0) {
      auto err = final_path.string() + ": rename: " + (ec ? ec.message() : std::strerror(errno));
      ::close(dfd);
      return make_error(ErrorCode::kIo, err);
    }
    w.impl_->tmp_path.clear();
  }
  auto st = sync_all();  // the renames (directory entries)
  ::close(dfd);
  writers.clear();
  return st;
}

Result<BlobStore> BlobStore::open(const std::filesystem::path& root) {
  BlobStore store;
  store.dir_ = root / "blobs";
  std::error_code ec;
  std::filesystem::create_directories(store.dir_ / "tmp", ec);
  if (ec) return make_error(ErrorCode::kIo, (store.dir_ / "tmp").string() + ": " + ec.message());
  // Leftovers of writes interrupted by a crash. Files of live writers in other processes
  // are young; only remove what is older than an hour.
  auto now = std::filesystem::file_time_type::clock::now();
  for (auto& entry : std::filesystem::directory_iterator(store.dir_ / "tmp", ec)) {
    auto mtime = entry.last_write_time(ec);
    if (!ec && now - mtime > std::chrono::hours(1)) std::filesystem::remove(entry.path(), ec);
  }
  return store;
}

Result<BlobWriter> BlobStore::begin() {
  auto impl = std::make_unique<BlobWriter::Impl>();
  impl->blobs_dir = dir_;
  impl->tmp_path = dir_ / "tmp" / ("blob-" + random_suffix());
  impl->fd = ::open(impl->tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (impl->fd < 0) {
    auto err = impl->tmp_path.string() + ": " + std::strerror(errno);
    impl->tmp_path.clear();
    return make_error(ErrorCode::kIo, err);
  }
  impl->ctx.reset(EVP_MD_CTX_new());
  EVP_DigestInit_ex(impl->ctx.get(), EVP_sha256(), nullptr);
  return BlobWriter(std::move(impl));
}

Result<std::string> BlobStore::put(std::string_view bytes) {
  auto sha = sha256_hex(bytes);
  if (contains(sha)) return sha;
  auto writer = begin();
  if (!writer) return tl::make_unexpected(writer.error());
  if (auto st = writer->append(bytes); !st) return tl::make_unexpected(st.error());
  return writer->commit();
}

std::filesystem::path BlobStore::path_for(std::string_view sha256) const {
  std::string sha(sha256);
  return dir_ / sha.substr(0, 2) / sha;
}

bool BlobStore::contains(std::string_view sha256) const {
  if (!valid_sha(sha256)) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(path_for(sha256), ec);
}

Result<std::string> BlobStore::read(std::string_view sha256) const {
  if (!valid_sha(sha256)) {
    return make_error(ErrorCode::kInvalidArgument, "not a sha256: '" + std::string(sha256) + "'");
  }
  auto path = path_for(sha256);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::kNotFound, path.string() + ": " + std::strerror(errno));
  std::string out;
  struct stat st {};
  if (::fstat(fd, &st) == 0) out.reserve(static_cast<size_t>(st.st_size));
  std::array<char, 65536> buf;
  while (true) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return make_error(ErrorCode::kIo, path.string() + ": read: " + std::strerror(errno));
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace policyindex::corpus
