// Strict UTF-8 checks (no overlongs, surrogates or values past U+10FFFF: what Xapian's
// Utf8Iterator and nlohmann's dump() accept as valid), eight ASCII bytes at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace policyindex {

// The byte count of the valid multi-byte sequence at byte I of S (S[I] >= 0x80), else 0.
inline size_t utf8_sequence(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

// Whether the eight bytes at P are all ASCII.
inline bool ascii8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return (v & 0x8080808080808080ULL) == 0;
}

inline bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    if (i + 8 <= n && ascii8(s.data() + i)) {
      i += 8;
    } else if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
    } else if (const size_t len = utf8_sequence(s, i); len != 0) {
      i += len;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace policyindex
