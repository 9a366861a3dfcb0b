// Unicode normalization shared by every format: NFC (utf8proc), ligatures and odd spaces
// folded, invisible characters dropped, whitespace collapsed.

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "extract/internal.h"

namespace policyindex::extract {
namespace detail {

char32_t next_code_point(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) -> int {
    if (i + k >= s.size()) return -1;
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    return (d & 0xC0) == 0x80 ? (d & 0x3F) : -1;
  };
  if (c < 0x80) { ++i; return c; }
  if (c >= 0xC2 && c <= 0xDF) {
    int a = cont(1);
    if (a >= 0) { i += 2; return static_cast<char32_t>(((c & 0x1F) << 6) | a); }
  } else if (c >= 0xE0 && c <= 0xEF) {
    int a = cont(1), b = cont(2);
    if (a >= 0 && b >= 0) {
      char32_t cp = static_cast<char32_t>(((c & 0x0F) << 12) | (a << 6) | b);
      if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) { i += 3; return cp; }
    }
  } else if (c >= 0xF0 && c <= 0xF4) {
    int a = cont(1), b = cont(2), d = cont(3);
    if (a >= 0 && b >= 0 && d >= 0) {
      char32_t cp = static_cast<char32_t>(((c & 0x07) << 18) | (a << 12) | (b << 6) | d);
      if (cp >= 0x10000 && cp <= 0x10FFFF) { i += 4; return cp; }
    }
  }
  ++i;
  return 0xFFFD;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t before = i;
    char32_t cp = next_code_point(s, i);
    if (cp == 0xFFFD && !(i - before == 3 && s.substr(before, 3) == "\xEF\xBF\xBD")) return false;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) append_utf8(out, next_code_point(s, i));
  return out;
}

namespace {

// Ligatures and presentation forms PDFs are full of, spelled out.
const char* ligature(char32_t cp) {
  switch (cp) {
    case 0xFB00: return "ff";
    case 0xFB01: return "fi";
    case 0xFB02: return "fl";
    case 0xFB03: return "ffi";
    case 0xFB04: return "ffl";
    case 0xFB05: return "st";
    case 0xFB06: return "st";
    default: return nullptr;
  }
}

bool is_space(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0x85;
}

bool is_invisible(char32_t cp) {
  return cp == 0xAD || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 ||
         cp == 0xFEFF || (cp < 0x20) || (cp >= 0x7F && cp < 0xA0) || (cp >= 0xE000 && cp <= 0xF8FF);
}

std::string nfc(std::string_view s) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                    static_cast<utf8proc_ssize_t>(s.size()), &out,
                                    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(out, &std::free);
  if (n < 0) return std::string(s);
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

}  // namespace

std::string normalize_inline(std::string_view in) {
  std::string s = sanitize_utf8(in);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = next_code_point(s, i);
    if (is_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (is_invisible(cp)) continue;
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    if (const char* lig = ligature(cp)) {
      out += lig;
    } else {
      append_utf8(out, cp);
    }
  }
  bool ascii = true;
  for (char c : out) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  return ascii ? out : nfc(out);
}

void join_line(std::string& para, std::string_view next) {
  if (next.empty()) return;
  if (para.empty()) {
    para.assign(next);
    return;
  }
  auto is_lower_start = [&] {
    unsigned char c = static_cast<unsigned char>(next[0]);
    return c >= 'a' && c <= 'z';
  };
  size_t n = para.size();
  if (n >= 2 && para[n - 1] == '-' && std::isalpha(static_cast<unsigned char>(para[n - 2])) &&
      is_lower_start()) {
    para.pop_back();  // end-of-line hyphenation: "enforce-\nment" -> "enforcement"
    para.append(next);
    return;
  }
  if (para.back() == '/' || para.back() == ' ') {
    para.append(next);
    return;
  }
  para += ' ';
  para.append(next);
}

}  // namespace detail

std::string fold_for_matching(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = detail::next_code_point(s, i);
    switch (cp) {
      case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x00B4: case 0x0060:
        out += '\'';
        break;
      case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB:
        out += '"';
        break;
      case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
        out += '-';
        break;
      case 0x2026:
        out += "...";
        break;
      default:
        detail::append_utf8(out, cp);
    }
  }
  return out;
}

}  // namespace policyindex::extract
