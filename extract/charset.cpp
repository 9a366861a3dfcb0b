// Charsets: everything becomes UTF-8 before parsing. BOM first, then what the document or
// the HTTP header declares, then valid UTF-8, then uchardet's guess, then Windows-1252 (the
// usual charset of town sites that declare nothing).

#include <iconv.h>
#include <uchardet.h>

#include <cctype>
#include <cerrno>
#include <memory>

#include "extract/internal.h"

namespace policyindex::extract::detail {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string token_after(std::string_view s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '"' || s[pos] == '\'' || s[pos] == '='))
    ++pos;
  size_t end = pos;
  while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '-' ||
                            s[end] == '_' || s[end] == ':' || s[end] == '.'))
    ++end;
  return lower(s.substr(pos, end - pos));
}

std::string canonical(std::string cs) {
  if (cs == "utf8") return "utf-8";
  if (cs == "latin1" || cs == "iso-8859-1" || cs == "us-ascii" || cs == "ascii" ||
      cs == "iso8859-1") {
    return "windows-1252";  // per the WHATWG encoding standard these all mean windows-1252
  }
  return cs;
}

}  // namespace

std::string charset_from_content_type(std::string_view ct) {
  std::string l = lower(ct);
  size_t p = l.find("charset");
  if (p == std::string::npos) return "";
  return canonical(token_after(l, p + 7));
}

std::string charset_from_meta(std::string_view html) {
  std::string head = lower(html.substr(0, 4096));
  size_t p = 0;
  while ((p = head.find("<meta", p)) != std::string::npos) {
    size_t end = head.find('>', p);
    std::string tag = head.substr(p, end == std::string::npos ? std::string::npos : end - p);
    size_t c = tag.find("charset");
    if (c != std::string::npos) {
      std::string cs = token_after(tag, c + 7);
      if (!cs.empty()) return canonical(cs);
    }
    p += 5;
  }
  return "";
}

Result<std::string> to_utf8(std::string_view bytes, std::string_view declared) {
  std::string cs(declared);
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    return sanitize_utf8(bytes.substr(3));
  }
  if (bytes.substr(0, 2) == "\xFF\xFE") {
    cs = "utf-16le";
    bytes.remove_prefix(2);
  } else if (bytes.substr(0, 2) == "\xFE\xFF") {
    cs = "utf-16be";
    bytes.remove_prefix(2);
  }
  if (cs.empty() || cs == "utf-8") {
    if (is_valid_utf8(bytes)) return std::string(bytes);
    if (cs == "utf-8") {
      // Declared UTF-8 but not quite: a UTF-8 document with a few stray bytes is far more
      // common than a mislabelled one, unless it is mostly high bytes that fail.
      return sanitize_utf8(bytes);
    }
    std::unique_ptr<std::remove_pointer_t<uchardet_t>, decltype(&uchardet_delete)> det(
        uchardet_new(), &uchardet_delete);
    uchardet_handle_data(det.get(), bytes.data(), std::min<size_t>(bytes.size(), 1u << 20));
    uchardet_data_end(det.get());
    const char* guess = uchardet_get_charset(det.get());
    cs = canonical(lower(guess ? guess : ""));
    if (cs.empty() || cs == "utf-8") cs = "windows-1252";
  }
  iconv_t cd = iconv_open("UTF-8", cs.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == reinterpret_cast<iconv_t>(-1))
      return make_error(ErrorCode::kInternal, "iconv: no converter for windows-1252");
  }
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, &iconv_close);
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  std::string in(bytes);
  char* inp = in.data();
  size_t inleft = in.size();
  char buf[16384];
  while (inleft > 0) {
    char* outp = buf;
    size_t outleft = sizeof buf;
    size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
    out.append(buf, static_cast<size_t>(outp - buf));
    if (r == static_cast<size_t>(-1)) {
      if (errno == E2BIG) continue;
      // EILSEQ / EINVAL: skip one byte, mark it.
      out += "\xEF\xBF\xBD";
      ++inp;
      --inleft;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
  return sanitize_utf8(out);
}

}  // namespace policyindex::extract::detail
