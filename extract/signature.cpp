// Near-duplicate text signatures: MinHash over 5-word shingles of normalized words, so that
// the same text extracted from a PDF, a Word file and a web page (different furniture,
// hyphenation, spacing and case) compares as the same.

#include <array>
#include <cctype>
#include <cstdint>
#include <limits>

#include "extract/extract.h"

namespace policyindex::extract {
namespace {

constexpr size_t kHashes = 64;
constexpr size_t kShingle = 5;

uint64_t mix(uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

std::string text_signature(std::string_view text) {
  // Words: letters and digits, lower case; everything else separates (non-ASCII bytes are
  // kept inside words so that accented words stay words).
  std::vector<uint64_t> word_hashes;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) word_hashes.push_back(fnv1a(cur));
    cur.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      cur += static_cast<char>(std::tolower(c));
    } else {
      flush();
    }
  }
  flush();
  if (word_hashes.size() < kShingle) return "";
  std::array<uint64_t, kHashes> mins;
  mins.fill(std::numeric_limits<uint64_t>::max());
  for (size_t i = 0; i + kShingle <= word_hashes.size(); ++i) {
    uint64_t h = 0;
    for (size_t k = 0; k < kShingle; ++k) h = mix(h ^ word_hashes[i + k]);
    for (size_t j = 0; j < kHashes; ++j) {
      uint64_t v = mix(h ^ (0x5bd1e995ULL * (j + 1)));
      if (v < mins[j]) mins[j] = v;
    }
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(kHashes * 16);
  for (uint64_t v : mins) {
    for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(v >> shift) & 0xf];
  }
  return out;
}

double signature_similarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty() || a.size() != kHashes * 16 || b.size() != a.size()) return -1;
  size_t same = 0;
  for (size_t j = 0; j < kHashes; ++j) {
    if (a.substr(j * 16, 16) == b.substr(j * 16, 16)) ++same;
  }
  return static_cast<double>(same) / kHashes;
}

}  // namespace policyindex::extract
