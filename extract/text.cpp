// Plain text: the charset made UTF-8, "~~struck~~" passages set aside, wrapped lines joined
// into paragraphs, headings and list items kept as blocks of their own.

#include "extract/internal.h"

namespace policyindex::extract::detail {
namespace {

std::string_view trim_line(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ends_sentence(std::string_view s) {
  while (!s.empty() && (s.back() == '*' || s.back() == ' ')) s.remove_suffix(1);
  if (s.empty()) return true;
  char c = s.back();
  if (c == '.' || c == ':' || c == ';' || c == '!' || c == '?' || c == '"' || c == ')') return true;
  return s.size() >= 3 && (s.substr(s.size() - 3) == "\xE2\x80\x9D" || s.substr(s.size() - 3) == "\xE2\x80\x99");
}

// Removes ~~...~~ spans (markdown strikethrough, also across lines) into `struck`.
std::string remove_struck(std::string_view in, std::vector<std::string>& struck) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    size_t open = in.find("~~", i);
    if (open == std::string_view::npos) break;
    size_t close = in.find("~~", open + 2);
    if (close == std::string_view::npos) break;
    out.append(in.substr(i, open - i));
    std::string passage = normalize_inline(in.substr(open + 2, close - open - 2));
    if (!passage.empty()) struck.push_back(std::move(passage));
    i = close + 2;
  }
  out.append(in.substr(i));
  return out;
}

}  // namespace

void text_to_blocks(std::string_view text, int page, std::vector<Block>& out) {
  std::string para;
  bool para_is_heading = false;
  int blank_run = 0;
  auto flush = [&] {
    std::string t = normalize_inline(para);
    if (!t.empty()) {
      Block b;
      b.text = std::move(t);
      b.page = page;
      out.push_back(std::move(b));
    }
    para.clear();
    para_is_heading = false;
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = trim_line(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty() || line.find('\f') != std::string_view::npos) {
      ++blank_run;
      if (nl >= text.size()) break;
      continue;
    }
    std::string norm = normalize_inline(line);
    LineShape shape = classify_line(norm);
    bool new_block = para.empty() || shape.opens_block || para_is_heading;
    // A blank line after a finished sentence ends a paragraph; a blank line inside a
    // sentence is a wrapped line in a double-spaced file.
    if (!new_block && blank_run > 0 && ends_sentence(para)) new_block = true;
    if (!new_block && blank_run > 1) new_block = true;
    if (!new_block && shape.run_in && ends_sentence(para)) new_block = true;
    if (new_block) {
      flush();
      para = norm;
      para_is_heading = shape.heading;
    } else {
      join_line(para, norm);
    }
    blank_run = 0;
    if (nl >= text.size()) break;
  }
  flush();
}

Result<Parsed> parse_text(std::string_view bytes, const Options& options) {
  auto utf8 = to_utf8(bytes, charset_from_content_type(options.content_type));
  if (!utf8) return tl::make_unexpected(utf8.error());
  Parsed p;
  std::string text = remove_struck(*utf8, p.struck);
  // Markdown emphasis markers carry no words.
  std::string clean;
  clean.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '*' && i + 1 < text.size() && text[i + 1] == '*') { ++i; continue; }
    clean += text[i];
  }
  text_to_blocks(clean, 0, p.blocks);
  return p;
}

}  // namespace policyindex::extract::detail
