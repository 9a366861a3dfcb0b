// Link discovery: links of HTML pages (Gumbo), sitemaps, and the word rules that decide
// which links of a municipal website lead to policies. The rules are written for the way
// town and city sites name things ("Code of Ordinances", "General Bylaws", "Police
// Department Policies & Procedures", "General Order 2.15", "Trust Act", "DocumentCenter"),
// not for a fixed list of URLs.

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <memory>
#include <set>

#include "crawler/internal.h"

namespace policyindex::crawler {
namespace {

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    if (c < 0x80) n = 0;
    else if ((c >> 5) == 6) n = 1;
    else if ((c >> 4) == 14) n = 2;
    else if ((c >> 3) == 30) n = 3;
    else return false;
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

// Windows-1252 (a superset of Latin-1, what legacy municipal pages are written in) to
// UTF-8. Gumbo needs UTF-8 and would turn every such byte into U+FFFD.
std::string cp1252_to_utf8(std::string_view s) {
  static const std::array<uint16_t, 32> kHigh = {
      0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (unsigned char c : s) {
    uint32_t cp = c < 0x80 ? c : (c < 0xA0 ? kHigh[c - 0x80] : c);
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

void append_text(const GumboNode* node, std::string& out, size_t cap) {
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty() && out.size() < cap) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
      out += n->v.text.text;
      out += ' ';
    } else if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
      if (n->v.element.tag == GUMBO_TAG_SCRIPT || n->v.element.tag == GUMBO_TAG_STYLE) continue;
      if (n->v.element.tag == GUMBO_TAG_IMG) {
        if (auto* alt = gumbo_get_attribute(&n->v.element.attributes, "alt")) {
          out += alt->value;
          out += ' ';
        }
      }
      const GumboVector& kids = n->v.element.children;
      for (unsigned i = kids.length; i > 0; --i) {
        stack.push_back(static_cast<const GumboNode*>(kids.data[i - 1]));
      }
    }
  }
}

std::string collapse(std::string_view s, size_t cap) {
  std::string out;
  bool space = false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isspace(u)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= cap) break;
  }
  // U+00A0 (from &nbsp;) is whitespace to people.
  for (size_t p; (p = out.find("\xC2\xA0")) != std::string::npos;) out.replace(p, 2, " ");
  return out;
}

// Lower-case words of a URL (host dropped, %20/+ decoded) or of anchor text, joined by
// single spaces with a space at both ends, so that " general order " is a phrase test.
std::string words_of(std::string_view s, bool is_url) {
  if (is_url) {
    auto scheme_end = s.find("://");
    if (scheme_end != std::string_view::npos) {
      auto path = s.find('/', scheme_end + 3);
      s = path == std::string_view::npos ? std::string_view() : s.substr(path);
    }
  }
  std::string out = " ";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (is_url && c == '%' && i + 2 < s.size()) {
      i += 2;  // an encoded byte separates words (%20, %2F, ...)
      if (out.back() != ' ') out += ' ';
      continue;
    }
    if (std::isalnum(c)) {
      // camelCase in URLs ("GeneralOrders", "DocumentCenter") splits into words.
      if (is_url && std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(s[i - 1]))) {
        out += ' ';
      }
      out += static_cast<char>(std::tolower(c));
    } else if (out.back() != ' ') {
      out += ' ';
    }
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

bool has(const std::string& words, std::string_view phrase) {
  std::string needle = " " + std::string(phrase) + " ";
  return words.find(needle) != std::string::npos;
}

template <size_t N>
bool has_any(const std::string& words, const std::array<std::string_view, N>& phrases) {
  return std::any_of(phrases.begin(), phrases.end(), [&](std::string_view p) { return has(words, p); });
}

constexpr std::array<std::string_view, 33> kTopic = {
    "immigration", "immigrant", "immigrants", "sanctuary", "welcoming", "detainer",
    "detainers", "287 g", "287g", "trust act", "trust ordinance", "trust policy",
    "trust bylaw", "safe communities", "safe community", "ice", "undocumented",
    "civil immigration", "noncitizen", "non citizen",
    // the words policies themselves use
    "foreign national", "foreign nationals", "bias free policing", "bias free",
    "biased policing", "consular notification", "consular", "deportation", "deportations",
    "civil immigration detainer", "immigration detainer", "immigration status",
    "immigration enforcement"};
constexpr std::array<std::string_view, 24> kStrong = {
    "ordinance", "ordinances", "bylaw", "bylaws", "by law", "by laws", "general order",
    "general orders", "code of ordinances", "municipal code", "town code", "city code",
    "general code", "executive order", "executive orders", "charter", "police policy",
    "police policies", "policy manual", "policies and procedures", "rules and regulations",
    "directive", "directives", "ecode360"};
constexpr std::array<std::string_view, 31> kWeak = {
    "policy", "policies", "procedure", "procedures", "code", "codes", "police", "regulation",
    "regulations", "rules", "laws", "legislation", "legal", "clerk", "resolution",
    "resolutions", "manual", "handbook", "document center", "documents", "municode",
    "town meeting",
    // where votes are recorded
    "select board", "selectboard", "selectmen", "board of selectmen", "city council",
    "town council", "minutes", "warrant", "votes"};
// Site furniture and traps: never policy material, even when the word "policy" appears.
constexpr std::array<std::string_view, 26> kNegative = {
    "privacy policy", "privacy", "cookie", "cookies", "accessibility", "ice rink", "rink",
    "skating", "ice cream", "login", "logout", "log in", "sign in", "signin", "calendar",
    "facebook", "twitter", "instagram", "youtube", "linkedin", "rss", "print", "subscribe",
    "notify me", "share", "translate"};

bool is_inline(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SPAN: case GUMBO_TAG_B: case GUMBO_TAG_STRONG: case GUMBO_TAG_EM:
    case GUMBO_TAG_I: case GUMBO_TAG_U: case GUMBO_TAG_FONT: case GUMBO_TAG_SMALL:
    case GUMBO_TAG_BIG: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_MARK:
    case GUMBO_TAG_A: case GUMBO_TAG_ABBR: case GUMBO_TAG_CITE: case GUMBO_TAG_Q:
      return true;
    default:
      return false;
  }
}

// The text around link `n`: its enclosing block (a table cell's whole row), without the
// anchor text; nothing when the block is the whole page.
std::string link_context(const GumboNode* n, const std::string& anchor) {
  const GumboNode* block = n->parent;
  while (block && block->type == GUMBO_NODE_ELEMENT && is_inline(block->v.element.tag)) {
    block = block->parent;
  }
  if (!block || block->type != GUMBO_NODE_ELEMENT) return {};
  GumboTag t = block->v.element.tag;
  if ((t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) && block->parent &&
      block->parent->type == GUMBO_NODE_ELEMENT) {
    block = block->parent;
    t = block->v.element.tag;
  }
  if (t == GUMBO_TAG_BODY || t == GUMBO_TAG_HTML || t == GUMBO_TAG_FORM) return {};
  std::string text;
  append_text(block, text, 600);
  std::string ctx = collapse(text, 400);
  if (!anchor.empty()) {
    if (auto p = ctx.find(anchor); p != std::string::npos) ctx.erase(p, anchor.size());
  }
  return collapse(ctx, 300);
}

bool has_rel(const GumboElement& el, std::string_view want) {
  auto* rel = gumbo_get_attribute(&el.attributes, "rel");
  if (!rel) return false;
  std::string v = rel->value;
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string padded = " " + v + " ";
  return padded.find(" " + std::string(want) + " ") != std::string::npos;
}

}  // namespace

std::vector<Link> extract_links(std::string_view html, const Url& page_url) {
  return extract_page_links(html, page_url).links;
}

PageLinks extract_page_links(std::string_view html, const Url& page_url) {
  PageLinks result;
  std::string converted;
  if (!valid_utf8(html)) {
    converted = cp1252_to_utf8(html);
    html = converted;
  }
  GumboOptions opts = kGumboDefaultOptions;
  opts.max_errors = 0;  // error records copy the open-element stack: DoS on deep nesting
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> out(
      gumbo_parse_with_options(&opts, html.data(), html.size()),
      [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
  std::vector<Link>& links = result.links;
  if (!out) return result;
  Url base = page_url;
  std::set<std::string> seen;
  std::vector<const GumboNode*> stack{out->root};
  bool base_done = false;
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) continue;
    const GumboElement& el = n->v.element;
    const char* attr = nullptr;
    switch (el.tag) {
      case GUMBO_TAG_BASE:
        if (!base_done) {
          base_done = true;
          if (auto* href = gumbo_get_attribute(&el.attributes, "href")) {
            if (auto b = parse_request_url(href->value, &page_url)) base = *b;
          }
        }
        break;
      case GUMBO_TAG_A:
      case GUMBO_TAG_AREA:
        attr = "href";
        break;
      case GUMBO_TAG_LINK:
        if (result.canonical.empty() && has_rel(el, "canonical")) {
          if (auto* href = gumbo_get_attribute(&el.attributes, "href")) {
            if (auto u = canonical_url(href->value, &base)) result.canonical = std::move(*u);
          }
        }
        break;
      case GUMBO_TAG_IFRAME:
      case GUMBO_TAG_FRAME:
      case GUMBO_TAG_EMBED:
        attr = "src";
        break;
      case GUMBO_TAG_OBJECT:
        attr = "data";
        break;
      default:
        break;
    }
    if (attr) {
      if (auto* v = gumbo_get_attribute(&el.attributes, attr)) {
        auto w = parse_request_url(v->value, &base);
        auto u = w ? canonical_url(w->str()) : Result<std::string>(tl::make_unexpected(w.error()));
        if (u && seen.insert(*u).second) {
          std::string text;
          append_text(n, text, 400);
          std::string anchor = collapse(text, 200);
          if (anchor.empty()) {
            for (const char* a : {"title", "aria-label", "alt"}) {
              if (auto* t = gumbo_get_attribute(&el.attributes, a)) {
                anchor = collapse(t->value, 200);
                break;
              }
            }
          }
          std::string context = link_context(n, anchor);
          links.push_back({std::move(*u), w->str(), std::move(anchor), std::move(context)});
        }
      }
    }
    const GumboVector& kids = el.children;
    for (unsigned i = kids.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(kids.data[i - 1]));
    }
  }
  return result;
}

std::vector<std::string> parse_sitemap(std::string_view xml, bool* is_index) {
  if (is_index) *is_index = xml.find("<sitemapindex") != std::string_view::npos;
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = xml.find("<loc>", pos)) != std::string_view::npos) {
    pos += 5;
    auto end = xml.find("</loc>", pos);
    if (end == std::string_view::npos) break;
    std::string v = collapse(xml.substr(pos, end - pos), 4096);
    if (v.rfind("<![CDATA[", 0) == 0 && v.size() >= 12) v = v.substr(9, v.size() - 12);
    for (auto [ent, ch] : {std::pair{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
                           {"&quot;", "\""}, {"&apos;", "'"}}) {
      for (size_t p; (p = v.find(ent)) != std::string::npos;) v.replace(p, std::strlen(ent), ch);
    }
    out.push_back(std::move(v));
    pos = end + 6;
  }
  return out;
}

int policy_score(std::string_view url, std::string_view anchor) {
  std::string w = words_of(url, true) + words_of(anchor, false);
  int score = 0;
  if (has_any(w, kTopic)) score = 3;
  else if (has_any(w, kStrong)) score = 2;
  else if (has_any(w, kWeak)) score = 1;
  // Site furniture vetoes weak and strong matches ("Privacy Policy", "Ice Rink Rules"), but
  // not on-topic words other than "ice" itself.
  if (score > 0 && has_any(w, kNegative)) {
    bool only_ice = score == 3 && has(w, "ice") &&
                    !has_any(w, std::array<std::string_view, 8>{
                                    "immigration", "immigrant", "sanctuary", "welcoming",
                                    "detainer", "287 g", "trust act", "undocumented"}) &&
                    !has_any(w, std::array<std::string_view, 4>{
                                    "foreign national", "deportation", "consular", "bias free"});
    if (score < 3 || only_ice) score = 0;
  }
  return score;
}

int link_relevance(std::string_view url, std::string_view anchor, std::string_view context,
                   bool is_document) {
  const int own = policy_score(url, anchor);
  const int around = context.empty() ? 0 : policy_score("", context);
  // The text around a link counts nearly as much as its own words: "the signed vote" in a
  // sentence about the Trust Act is on topic.
  const int r = std::max(100 * own, 75 * around) + 5 * around;
  return r > 0 && is_document ? r + 5 : r;
}

bool is_document_url(std::string_view url) {
  std::string w(url.substr(0, url.find('?')));
  for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view ext : {".pdf", ".docx", ".doc", ".rtf", ".odt", ".txt"}) {
    if (w.size() > ext.size() && w.compare(w.size() - ext.size(), ext.size(), ext) == 0) return true;
  }
  // CMS download handlers without an extension (CivicPlus, Granicus, Laserfiche).
  for (std::string_view marker : {"/documentcenter/view/", "/showdocument", "/docview.aspx",
                                  "/download/", "/file/download"}) {
    if (w.find(marker) != std::string::npos) return true;
  }
  return false;
}

std::string guess_doc_type(std::string_view url, std::string_view anchor) {
  std::string w = words_of(url, true) + words_of(anchor, false);
  if (has(w, "general order") || has(w, "general orders") ||
      (has(w, "police") && (has(w, "policy") || has(w, "policies") || has(w, "procedure") ||
                            has(w, "procedures") || has(w, "manual") || has(w, "directive") ||
                            has(w, "rules")))) {
    return "police_policy";
  }
  if (has(w, "executive order") || has(w, "executive orders")) return "executive_order";
  if (has(w, "bylaw") || has(w, "bylaws") || has(w, "by law") || has(w, "by laws")) return "bylaw";
  if (has(w, "ordinance") || has(w, "ordinances") || has(w, "code of ordinances") ||
      has(w, "municipal code") || has(w, "city code") || has(w, "town code") ||
      has(w, "trust act")) {
    return "ordinance";
  }
  if (has(w, "resolution") || has(w, "resolutions")) return "resolution";
  if (has(w, "charter")) return "charter";
  if (has(w, "policy") || has(w, "policies") || has(w, "welcoming") || has(w, "sanctuary") ||
      has(w, "immigration") || has(w, "trust")) {
    return "policy";
  }
  return "";
}

}  // namespace policyindex::crawler
