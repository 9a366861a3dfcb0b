#include "tests/testing/testing.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace policyindex::testing {

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("pi-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::error_code ec;
    if (std::filesystem::create_directory(candidate, ec)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path test_data_dir() { return PI_TEST_DATA_DIR; }
std::filesystem::path shared_dir() { return PI_SHARED_DIR; }
std::filesystem::path source_dir() { return PI_SOURCE_DIR; }
std::filesystem::path policyindex_binary() { return PI_BINARY; }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

int run_command(const std::string& command, std::string* out, std::string* err) {
  std::string full = command;
  std::string err_path;
  if (err) {
    err_path = (std::filesystem::temp_directory_path() /
                ("pi-cmd-err-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}())))
                   .string();
    full += " 2>" + err_path;
  }
  FILE* pipe = ::popen(full.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buf;
  std::string captured;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) captured.append(buf.data(), n);
  int status = ::pclose(pipe);
  if (out) *out = std::move(captured);
  if (err) {
    std::error_code ec;
    if (std::filesystem::exists(err_path, ec)) {
      *err = read_file(err_path);
      std::filesystem::remove(err_path, ec);
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace policyindex::testing
