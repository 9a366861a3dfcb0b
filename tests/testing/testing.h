// Helpers for every test: a private temporary directory per test, assertions on Result,
// and where the test data and the shared material live.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/result.h"

namespace policyindex::testing {

// A fresh directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::filesystem::path test_data_dir();  // tests/data in the source tree
std::filesystem::path shared_dir();     // ../shared
std::filesystem::path source_dir();     // the repository
std::filesystem::path policyindex_binary();

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view bytes);

// Runs a command line through /bin/sh; returns its exit code and captures stdout (and
// stderr into `err` when given).
int run_command(const std::string& command, std::string* out, std::string* err = nullptr);

}  // namespace policyindex::testing

#define PI_RESULT_MESSAGE(r) ((r) ? std::string() : (r).error().message)
#define EXPECT_OK(expr)                                   \
  do {                                                    \
    auto&& pi_r_ = (expr);                                \
    EXPECT_TRUE(pi_r_.has_value()) << PI_RESULT_MESSAGE(pi_r_); \
  } while (0)
#define ASSERT_OK(expr)                                   \
  do {                                                    \
    auto&& pi_r_ = (expr);                                \
    ASSERT_TRUE(pi_r_.has_value()) << PI_RESULT_MESSAGE(pi_r_); \
  } while (0)
