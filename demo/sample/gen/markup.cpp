#include "demo/sample/gen/markup.h"
#include "demo/sample/gen/render.h"

#include <sstream>
#include <stdexcept>

namespace policyindex::sample_gen {
namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(trim(s.substr(start, p == std::string_view::npos ? s.npos : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

}  // namespace

std::string Block::plain() const {
  std::string out;
  for (const auto& s : spans) out += s.text;
  return out;
}

std::vector<Span> parse_inline(std::string_view text, const std::string& where) {
  std::vector<Span> out;
  Span cur;
  auto flush = [&] {
    if (!cur.text.empty()) out.push_back(cur);
    cur.text.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    auto two = text.substr(i, 2);
    if (two == "**" || two == "~~" || two == "++") {
      flush();
      bool& flag = two == "**" ? cur.bold : two == "~~" ? cur.struck : cur.inserted;
      flag = !flag;
      ++i;
      continue;
    }
    if (text[i] == '*') {
      flush();
      cur.italic = !cur.italic;
      continue;
    }
    if (text[i] == '\\' && i + 1 < text.size()) {  // \* writes a literal star
      cur.text += text[++i];
      continue;
    }
    cur.text += text[i];
  }
  if (cur.bold || cur.italic || cur.struck || cur.inserted) {
    throw std::runtime_error(where + ": unclosed inline marker (**, *, ~~ or ++)");
  }
  flush();
  return out;
}

Doc parse(std::string_view text, const std::string& name) {
  Doc doc;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  std::string para;
  int para_line = 0;
  BlockKind para_kind = BlockKind::kParagraph;
  int para_level = 0;
  auto where = [&](int n) { return name + ":" + std::to_string(n); };
  auto flush = [&] {
    if (para.empty()) return;
    Block b;
    b.kind = para_kind;
    b.level = para_level;
    b.spans = parse_inline(para, where(para_line));
    doc.blocks.push_back(std::move(b));
    para.clear();
  };
  while (std::getline(in, line)) {
    ++lineno;
    std::string t = trim(line);
    if (t.empty()) {
      flush();
      continue;
    }
    if (t[0] == '%') {
      flush();
      size_t sp = t.find(' ');
      std::string key = t.substr(1, sp == std::string::npos ? std::string::npos : sp - 1);
      std::string value = sp == std::string::npos ? "" : trim(t.substr(sp + 1));
      if (key == "title") {
        doc.title = value;
      } else if (key == "header") {
        doc.header = value;
      } else if (key == "footer") {
        doc.footer = value;
      } else if (key == "encoding") {
        doc.encoding = value;
      } else if (key == "render") {
        std::istringstream rs(value);
        std::string r;
        while (rs >> r) {
          if (r != "pdf" && r != "scanned" && r != "docx" && r != "html") {
            throw std::runtime_error(where(lineno) + ": unknown rendering '" + r + "'");
          }
          doc.renders.push_back(r);
        }
      } else if (key == "site") {
        auto parts = split(value, '|');
        doc.site_name = parts[0];
        for (size_t i = 1; i < parts.size(); ++i) {
          auto eq = parts[i].find('=');
          if (eq == std::string::npos) {
            throw std::runtime_error(where(lineno) + ": nav link '" + parts[i] +
                                     "' is not LABEL=HREF");
          }
          doc.nav.push_back({trim(parts[i].substr(0, eq)), trim(parts[i].substr(eq + 1))});
        }
      } else {
        throw std::runtime_error(where(lineno) + ": unknown directive '%" + key + "'");
      }
      continue;
    }
    if (t == "@pagebreak") {
      flush();
      doc.blocks.push_back(Block{BlockKind::kPageBreak, 0, {}});
      continue;
    }
    if (t[0] == '#') {
      flush();
      size_t level = t.find_first_not_of('#');
      if (level == std::string::npos || level > 3 || t[level] != ' ') {
        throw std::runtime_error(where(lineno) + ": a heading is '# ', '## ' or '### ' then text");
      }
      Block b;
      b.kind = BlockKind::kHeading;
      b.level = static_cast<int>(level);
      b.spans = parse_inline(trim(t.substr(level)), where(lineno));
      doc.blocks.push_back(std::move(b));
      continue;
    }
    if (t.rfind("- ", 0) == 0) {
      flush();
      para_kind = BlockKind::kBullet;
      para_level = 0;
      para = trim(t.substr(2));
      para_line = lineno;
      continue;
    }
    if (t[0] == '>') {
      flush();
      para_kind = BlockKind::kParagraph;
      para_level = 1;
      para = trim(t.substr(1));
      para_line = lineno;
      continue;
    }
    if (para.empty()) {
      para_kind = BlockKind::kParagraph;
      para_level = 0;
      para_line = lineno;
      para = t;
    } else {
      para += ' ';
      para += t;
    }
  }
  flush();
  if (doc.title.empty()) throw std::runtime_error(name + ": no %title");
  if (doc.renders.empty()) throw std::runtime_error(name + ": no %render");
  if (doc.encoding != "utf-8" && doc.encoding != "windows-1252") {
    throw std::runtime_error(name + ": %encoding must be utf-8 or windows-1252");
  }
  return doc;
}

std::string markup_escape(std::string_view s, bool quotes) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += quotes ? "&quot;" : "\"";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace policyindex::sample_gen
