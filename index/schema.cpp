#include <cstdio>
#include <functional>

#include "index/index.h"

namespace policyindex::index {

std::string id_term(std::string_view key) {
  // Xapian refuses terms over 245 bytes; keep a margin for the prefix.
  constexpr size_t kMax = 240;
  std::string term = std::string(kPrefixId) + std::string(key);
  if (term.size() <= kMax) return term;
  // FNV-1a 64: stable across runs and platforms (std::hash is not).
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return term.substr(0, kMax - 17) + "#" + buf;
}

}  // namespace policyindex::index
