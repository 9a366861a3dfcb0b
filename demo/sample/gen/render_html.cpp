// Standalone HTML pages for documents published as web pages. A windows-1252 page is
// written in UTF-8 first and transcoded with iconv, failing on any character cp1252 lacks.

#include <iconv.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "demo/sample/gen/render.h"

namespace policyindex::sample_gen {
namespace {

std::string esc(std::string_view s) { return markup_escape(s, false); }

std::string spans_html(const std::vector<Span>& spans) {
  std::string out;
  for (const auto& s : spans) {
    std::string t = esc(s.text);
    if (s.italic) t = "<em>" + t + "</em>";
    if (s.bold) t = "<strong>" + t + "</strong>";
    if (s.inserted) t = "<ins>" + t + "</ins>";
    if (s.struck) t = "<del>" + t + "</del>";
    out += t;
  }
  return out;
}

std::string to_cp1252(const std::string& utf8, const std::filesystem::path& out) {
  iconv_t cd = iconv_open("CP1252", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv: no CP1252");
  std::unique_ptr<void, decltype(&iconv_close)> guard(cd, iconv_close);
  std::string result(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* o = result.data();
  size_t out_left = result.size();
  if (iconv(cd, &in, &in_left, &o, &out_left) == static_cast<size_t>(-1)) {
    throw std::runtime_error(out.string() + ": text not representable in windows-1252 at byte " +
                             std::to_string(utf8.size() - in_left));
  }
  result.resize(result.size() - out_left);
  return result;
}

}  // namespace

void render_html(const Doc& doc, const std::filesystem::path& out) {
  const std::string charset = doc.encoding == "utf-8" ? "utf-8" : "windows-1252";
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"" + charset +
                  "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>" +
                  esc(doc.title) + (doc.site_name.empty() ? "" : " | " + esc(doc.site_name)) +
                  "</title>\n<link rel=\"stylesheet\" href=\"/site.css\">\n</head>\n<body>\n";
  if (!doc.site_name.empty() || !doc.nav.empty()) {
    h += "<header class=\"banner\">\n<div class=\"site-name\">" + esc(doc.site_name) +
         "</div>\n<nav>";
    for (const auto& link : doc.nav) {
      h += "<a href=\"" + esc(link.href) + "\">" + esc(link.label) + "</a> ";
    }
    h += "</nav>\n</header>\n";
  }
  h += "<main>\n<article>\n<h1>" + esc(doc.title) + "</h1>\n";
  bool in_list = false;
  for (const auto& b : doc.blocks) {
    if (b.kind != BlockKind::kBullet && in_list) {
      h += "</ul>\n";
      in_list = false;
    }
    switch (b.kind) {
      case BlockKind::kPageBreak:
        break;
      case BlockKind::kHeading: {
        std::string tag = "h" + std::to_string(b.level + 1);
        h += "<" + tag + ">" + spans_html(b.spans) + "</" + tag + ">\n";
        break;
      }
      case BlockKind::kBullet:
        if (!in_list) h += "<ul>\n";
        in_list = true;
        h += "<li>" + spans_html(b.spans) + "</li>\n";
        break;
      case BlockKind::kParagraph:
        h += b.level > 0 ? "<p class=\"indent\">" : "<p>";
        h += spans_html(b.spans) + "</p>\n";
        break;
    }
  }
  if (in_list) h += "</ul>\n";
  h += "</article>\n</main>\n";
  if (!doc.footer.empty()) h += "<footer>" + esc(doc.footer) + "</footer>\n";
  h += "</body>\n</html>\n";
  std::string bytes = charset == "utf-8" ? h : to_cp1252(h, out);
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  f << bytes;
  if (!f.flush()) throw std::runtime_error(out.string() + ": cannot write");
}

}  // namespace policyindex::sample_gen
