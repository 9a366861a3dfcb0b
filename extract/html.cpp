// HTML via Gumbo: transcode to UTF-8 first (Gumbo ignores <meta charset>), max_errors = 0
// (deep-nesting bombs), main content only, block structure kept, struck text set aside.

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>

#include "extract/internal.h"

namespace policyindex::extract::detail {
namespace {

constexpr size_t kMaxHtmlBytes = 64u << 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* attr(const GumboElement& el, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&el.attributes, name);
  return a ? a->value : nullptr;
}

// Class names that a <style> block strikes through (".x { text-decoration: line-through }").
std::set<std::string> struck_classes(std::string_view css) {
  std::set<std::string> out;
  std::string l = lower(css);
  size_t p = 0;
  while ((p = l.find("line-through", p)) != std::string::npos) {
    size_t brace = l.rfind('{', p);
    size_t prev_end = brace == std::string::npos ? std::string::npos : l.rfind('}', brace);
    if (brace != std::string::npos) {
      size_t sel_start = prev_end == std::string::npos ? 0 : prev_end + 1;
      std::string sel = std::string(css.substr(sel_start, brace - sel_start));
      for (size_t d = sel.find('.'); d != std::string::npos; d = sel.find('.', d + 1)) {
        size_t e = d + 1;
        while (e < sel.size() && (std::isalnum(static_cast<unsigned char>(sel[e])) || sel[e] == '-' || sel[e] == '_')) ++e;
        if (e > d + 1) out.insert(sel.substr(d + 1, e - d - 1));
      }
    }
    p += 12;
  }
  return out;
}

bool boilerplate_name(std::string_view id_or_class) {
  std::string l = lower(id_or_class);
  for (const char* w : {"cookie", "breadcrumb", "sidebar", "navbar", "nav-", "-nav", "menu",
                        "skip-link", "skiplink", "social", "share", "site-header", "site-footer",
                        "consent", "gdpr", "advert", "popup", "modal"}) {
    if (l.find(w) != std::string::npos) return true;
  }
  return l == "nav" || l == "header" || l == "footer" || l == "banner";
}

bool is_block_tag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_LI: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
    case GUMBO_TAG_DD: case GUMBO_TAG_HR: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_CENTER: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD:
      return true;
    default:
      return false;
  }
}

bool skipped_tag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_INPUT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG: case GUMBO_TAG_CANVAS: case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED:
    case GUMBO_TAG_HEAD: case GUMBO_TAG_MENU: case GUMBO_TAG_MATH:
    case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_MAP:
      return true;
    default:
      return false;
  }
}

std::string ordinal_marker(int n, const char* type) {
  std::string t = type ? type : "1";
  if (t == "a" || t == "A") {
    std::string s;
    int k = n;
    do { s.insert(s.begin(), static_cast<char>((t == "a" ? 'a' : 'A') + (k - 1) % 26)); k = (k - 1) / 26; } while (k > 0);
    return s + ".";
  }
  if (t == "i" || t == "I") {
    static const char* r[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x",
                              "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"};
    std::string s = n >= 1 && n <= 20 ? r[n] : std::to_string(n);
    if (t == "I") for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s + ".";
  }
  return std::to_string(n) + ".";
}

class Walker {
 public:
  Walker(Parsed& out, std::set<std::string> struck_cls) : out_(out), struck_cls_(std::move(struck_cls)) {}

  void walk(const GumboNode* node, bool in_root_chrome_check) {
    if (++depth_ > 400) {  // deeper than any real page; Gumbo itself was capped by max_errors
      --depth_;
      return;
    }
    switch (node->type) {
      case GUMBO_NODE_TEXT: case GUMBO_NODE_CDATA: case GUMBO_NODE_WHITESPACE:
        append(node->v.text.text);
        break;
      case GUMBO_NODE_ELEMENT: case GUMBO_NODE_TEMPLATE:
        element(node, in_root_chrome_check);
        break;
      default:
        break;
    }
    --depth_;
  }

  void flush(BlockKind kind = BlockKind::kParagraph, int level = 0) {
    if (in_row_ > 0 && kind != BlockKind::kTableRow) return;
    std::string text = std::move(buf_);
    buf_.clear();
    bool bold = bold_chars_ > 0 && bold_chars_ * 10 >= text.size() * 9;
    bold_chars_ = 0;
    if (kind == BlockKind::kParagraph && text.find('\n') != std::string::npos) {
      size_t before = out_.blocks.size();
      text_to_blocks(text, 0, out_.blocks);
      for (size_t i = before; i < out_.blocks.size(); ++i) out_.blocks[i].bold = bold;
      return;
    }
    std::string t = normalize_inline(text);
    if (t.empty()) return;
    Block b;
    b.kind = kind;
    b.text = std::move(t);
    b.heading_level = level;
    b.bold = bold && kind == BlockKind::kParagraph;
    if (kind == BlockKind::kHeading && level == 1 && !seen_content_) b.kind = BlockKind::kTitle;
    seen_content_ = true;
    out_.blocks.push_back(std::move(b));
  }

  void end_struck() {
    std::string s = normalize_inline(struck_buf_);
    struck_buf_.clear();
    if (!s.empty()) out_.struck.push_back(std::move(s));
  }

 private:
  void append(std::string_view text) {
    if (struck_ > 0) {
      struck_buf_.append(text);
      return;
    }
    if (!pre_) {
      for (char c : text) buf_ += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    } else {
      buf_.append(text);
    }
    if (bold_ > 0) bold_chars_ += text.size();
  }

  void element(const GumboNode* node, bool chrome_check) {
    const GumboElement& el = node->v.element;
    GumboTag tag = el.tag;
    if (skipped_tag(tag)) return;
    if (chrome_check && (tag == GUMBO_TAG_HEADER || tag == GUMBO_TAG_FOOTER)) return;
    const char* id = attr(el, "id");
    const char* cls = attr(el, "class");
    const char* role = attr(el, "role");
    if ((id && boilerplate_name(id)) || (cls && boilerplate_name(cls))) return;
    if (role && (std::string_view(role) == "navigation" || std::string_view(role) == "banner" ||
                 std::string_view(role) == "contentinfo" || std::string_view(role) == "complementary"))
      return;
    if (attr(el, "hidden")) return;
    const char* style = attr(el, "style");
    std::string st = style ? lower(style) : "";
    if (st.find("display:none") != std::string::npos || st.find("display: none") != std::string::npos) return;
    bool strike = tag == GUMBO_TAG_DEL || tag == GUMBO_TAG_S || tag == GUMBO_TAG_STRIKE ||
                  st.find("line-through") != std::string::npos;
    if (!strike && cls && !struck_cls_.empty()) {
      std::string c = cls;
      size_t p = 0;
      while (p < c.size()) {
        size_t e = c.find(' ', p);
        if (e == std::string::npos) e = c.size();
        if (struck_cls_.count(c.substr(p, e - p))) strike = true;
        p = e + 1;
      }
    }
    bool bold = tag == GUMBO_TAG_B || tag == GUMBO_TAG_STRONG;
    bool block = is_block_tag(tag);
    int heading = 0;
    if (tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6) heading = 1 + static_cast<int>(tag - GUMBO_TAG_H1);

    if (block) flush();
    if (tag == GUMBO_TAG_BR) {
      if (struck_ == 0) buf_ += '\n';
      return;
    }
    if ((tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) && in_row_ > 0 && struck_ == 0) {
      if (cells_++ > 0) buf_ += " | ";
    }
    if (tag == GUMBO_TAG_LI) {
      if (!lists_.empty() && lists_.back().ordered) {
        buf_ += ordinal_marker(lists_.back().next++, lists_.back().type);
        buf_ += ' ';
      }
    }
    if (tag == GUMBO_TAG_OL || tag == GUMBO_TAG_UL) {
      List l;
      l.ordered = tag == GUMBO_TAG_OL;
      if (const char* s = attr(el, "start")) l.next = std::max(1, std::atoi(s));
      l.type = attr(el, "type");
      lists_.push_back(l);
    }
    if (tag == GUMBO_TAG_TR) {
      ++in_row_;
      cells_ = 0;
    }
    if (tag == GUMBO_TAG_PRE) ++pre_;
    if (strike) ++struck_;
    if (bold) ++bold_;
    const GumboVector& kids = el.children;
    for (unsigned i = 0; i < kids.length; ++i)
      walk(static_cast<const GumboNode*>(kids.data[i]), chrome_check);
    if (bold) --bold_;
    if (strike && --struck_ == 0) end_struck();
    if (tag == GUMBO_TAG_PRE) --pre_;
    if (tag == GUMBO_TAG_TR) {
      --in_row_;
      flush(BlockKind::kTableRow);
      return;
    }
    if (tag == GUMBO_TAG_OL || tag == GUMBO_TAG_UL) lists_.pop_back();
    if (heading) {
      flush(BlockKind::kHeading, heading);
    } else if (tag == GUMBO_TAG_LI) {
      flush(BlockKind::kListItem);
    } else if (block) {
      flush();
    }
  }

  struct List {
    bool ordered = false;
    int next = 1;
    const char* type = nullptr;
  };
  Parsed& out_;
  std::set<std::string> struck_cls_;
  std::string buf_, struck_buf_;
  size_t bold_chars_ = 0;
  int depth_ = 0, struck_ = 0, bold_ = 0, pre_ = 0, in_row_ = 0, cells_ = 0;
  bool seen_content_ = false;
  std::vector<List> lists_;
};

const GumboNode* find_main(const GumboNode* node, int depth, GumboTag want, const char* role) {
  if (node->type != GUMBO_NODE_ELEMENT || depth > 200) return nullptr;
  const GumboElement& el = node->v.element;
  if (el.tag == want && want != GUMBO_TAG_UNKNOWN) return node;
  if (role) {
    const char* r = attr(el, "role");
    if (r && std::string_view(r) == role) return node;
  }
  for (unsigned i = 0; i < el.children.length; ++i) {
    if (const GumboNode* f = find_main(static_cast<const GumboNode*>(el.children.data[i]), depth + 1, want, role))
      return f;
  }
  return nullptr;
}

void collect_text(const GumboNode* node, std::string& out, int depth) {
  if (depth > 200) return;
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) out += node->v.text.text;
  if (node->type != GUMBO_NODE_ELEMENT) return;
  for (unsigned i = 0; i < node->v.element.children.length; ++i)
    collect_text(static_cast<const GumboNode*>(node->v.element.children.data[i]), out, depth + 1);
}

void collect_styles(const GumboNode* node, std::string& css, int depth) {
  if (node->type != GUMBO_NODE_ELEMENT || depth > 200) return;
  if (node->v.element.tag == GUMBO_TAG_STYLE) {
    collect_text(node, css, depth);
    return;
  }
  for (unsigned i = 0; i < node->v.element.children.length; ++i)
    collect_styles(static_cast<const GumboNode*>(node->v.element.children.data[i]), css, depth + 1);
}

}  // namespace

Result<Parsed> parse_html(std::string_view bytes, const Options& options) {
  if (bytes.size() > kMaxHtmlBytes)
    return make_error(ErrorCode::kTooLarge, "HTML of " + std::to_string(bytes.size()) +
                                                " bytes is over the HTML limit of " + std::to_string(kMaxHtmlBytes));
  std::string cs = charset_from_content_type(options.content_type);
  if (cs.empty()) cs = charset_from_meta(bytes);
  auto utf8 = to_utf8(bytes, cs);
  if (!utf8) return tl::make_unexpected(utf8.error());
  GumboOptions opts = kGumboDefaultOptions;
  opts.max_errors = 0;
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> out(
      gumbo_parse_with_options(&opts, utf8->data(), utf8->size()),
      [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
  if (!out) return make_error(ErrorCode::kParse, "HTML parser failed");
  Parsed p;
  std::string css;
  collect_styles(out->root, css, 0);
  if (const GumboNode* title = find_main(out->root, 0, GUMBO_TAG_TITLE, nullptr)) {
    std::string t;
    collect_text(title, t, 0);
    p.title = normalize_inline(t);
    // "Page title | Site name": the site name is chrome.
    for (std::string_view sep : {" | ", " \xE2\x80\x93 ", " :: "}) {
      size_t pos = p.title.rfind(sep);
      if (pos != std::string::npos && pos > 10) p.title.resize(pos);
    }
  }
  const GumboNode* root = find_main(out->root, 0, GUMBO_TAG_MAIN, "main");
  if (!root) root = find_main(out->root, 0, GUMBO_TAG_ARTICLE, nullptr);
  bool chrome_check = false;  // inside <main>/<article>, a <header> holds the title
  if (!root) {
    chrome_check = true;
    root = find_main(out->root, 0, GUMBO_TAG_BODY, nullptr);
    if (!root) root = out->root;
  }
  Walker w(p, struck_classes(css));
  w.walk(root, chrome_check);
  w.flush();
  return p;
}

}  // namespace policyindex::extract::detail
