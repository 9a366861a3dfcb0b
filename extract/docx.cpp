// DOCX: word/document.xml through libzip + libxml2. Paragraph styles (Title, Heading N, or a
// style whose outline level is set) give headings; w:strike, w:dstrike and w:del runs are
// deleted text; automatic numbering (word/numbering.xml: "Section 1.", "a)", "1.2") is
// computed and put back in front of its paragraph, where the segmenter reads section numbers.
// Zip bombs: sizes are checked before and while inflating.

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <memory>

#include "extract/internal.h"

namespace policyindex::extract::detail {
namespace {

constexpr zip_uint64_t kMaxPartBytes = 64u << 20;  // one XML part, inflated
constexpr zip_int64_t kMaxEntries = 10000;

Result<std::string> read_part(zip_t* z, const char* name, bool required) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, name, 0, &st) != 0) {
    if (required) return make_error(ErrorCode::kParse, std::string("DOCX has no ") + name);
    return std::string();
  }
  if ((st.valid & ZIP_STAT_SIZE) && st.size > kMaxPartBytes)
    return make_error(ErrorCode::kTooLarge, std::string(name) + " inflates to " +
                                                std::to_string(st.size) + " bytes (zip bomb?)");
  if ((st.valid & ZIP_STAT_COMP_SIZE) && (st.valid & ZIP_STAT_SIZE) && st.comp_size > 0 &&
      st.size / st.comp_size > 1000 && st.size > (8u << 20))
    return make_error(ErrorCode::kTooLarge, std::string(name) + " has a compression ratio over 1000 (zip bomb?)");
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen(z, name, 0), &zip_fclose);
  if (!f) return make_error(ErrorCode::kParse, std::string("cannot open ") + name + " in DOCX");
  std::string out;
  char buf[65536];
  for (;;) {
    zip_int64_t n = zip_fread(f.get(), buf, sizeof buf);
    if (n < 0) return make_error(ErrorCode::kParse, std::string("corrupt DOCX part ") + name);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    // The declared size can lie; the cap holds regardless.
    if (out.size() > kMaxPartBytes)
      return make_error(ErrorCode::kTooLarge, std::string(name) + " inflates past " + std::to_string(kMaxPartBytes) + " bytes (zip bomb?)");
  }
  return out;
}

bool is(const xmlNode* n, const char* local) {
  return n && n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), local) == 0;
}

std::string wattr(const xmlNode* n, const char* local) {
  for (xmlAttr* a = n->properties; a; a = a->next) {
    if (std::strcmp(reinterpret_cast<const char*>(a->name), local) == 0 && a->children &&
        a->children->content)
      return reinterpret_cast<const char*>(a->children->content);
  }
  return "";
}

const xmlNode* child(const xmlNode* n, const char* local) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (is(c, local)) return c;
  return nullptr;
}

bool on(const xmlNode* n) {
  if (!n) return false;
  std::string v = wattr(n, "val");
  return v.empty() || (v != "0" && v != "false" && v != "off" && v != "none");
}

using XmlDoc = std::unique_ptr<xmlDoc, void (*)(xmlDoc*)>;

XmlDoc parse_xml(const std::string& s) {
  return XmlDoc(xmlReadMemory(s.data(), static_cast<int>(s.size()), nullptr, nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
                &xmlFreeDoc);
}

// styleId -> heading level (1..9), 0 when not a heading; title styles give -1.
struct StyleInfo {
  int heading = 0;
  bool bold = false;
  bool strike = false;
  std::string num_id;  // the style's own numbering (heading styles linked to a list)
  int ilvl = 0;
};

// A paragraph's numbering reference: <w:numPr><w:ilvl/><w:numId/></w:numPr>.
bool read_num_pr(const xmlNode* ppr, std::string& num_id, int& ilvl) {
  const xmlNode* np = child(ppr, "numPr");
  if (!np) return false;
  if (const xmlNode* id = child(np, "numId")) num_id = wattr(id, "val");
  if (const xmlNode* lv = child(np, "ilvl")) ilvl = std::atoi(wattr(lv, "val").c_str());
  return true;
}

std::map<std::string, StyleInfo> read_styles(const std::string& xml) {
  std::map<std::string, StyleInfo> out;
  if (xml.empty()) return out;
  XmlDoc doc = parse_xml(xml);
  if (!doc) return out;
  for (xmlNode* s = xmlDocGetRootElement(doc.get())->children; s; s = s->next) {
    if (!is(s, "style")) continue;
    std::string id = wattr(s, "styleId");
    StyleInfo info;
    std::string name;
    if (const xmlNode* n = child(s, "name")) name = wattr(n, "val");
    std::string lname;
    for (char c : name) lname += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lname == "title") info.heading = -1;
    else if (lname.rfind("heading ", 0) == 0) info.heading = std::atoi(lname.c_str() + 8);
    if (const xmlNode* ppr = child(s, "pPr")) {
      if (const xmlNode* ol = child(ppr, "outlineLvl")) info.heading = std::atoi(wattr(ol, "val").c_str()) + 1;
      read_num_pr(ppr, info.num_id, info.ilvl);
    }
    if (const xmlNode* rpr = child(s, "rPr")) {
      info.bold = on(child(rpr, "b"));
      info.strike = on(child(rpr, "strike")) || on(child(rpr, "dstrike"));
    }
    out[id] = info;
  }
  return out;
}

int style_heading(const std::string& id) {
  // Without styles.xml: the built-in ids.
  if (id == "Title") return -1;
  if (id.rfind("Heading", 0) == 0) return std::atoi(id.c_str() + 7);
  return 0;
}

// Automatic numbering: the levels of each abstract list (format, text pattern, start), the
// list instances (w:num) that use them, and running counters shared by the instances of one
// abstract list, as Word counts them.
class Numbering {
 public:
  explicit Numbering(const std::string& xml) {
    if (xml.empty()) return;
    XmlDoc doc = parse_xml(xml);
    if (!doc || !xmlDocGetRootElement(doc.get())) return;
    for (const xmlNode* n = xmlDocGetRootElement(doc.get())->children; n; n = n->next) {
      if (is(n, "abstractNum")) {
        auto& levels = abstract_[wattr(n, "abstractNumId")];
        for (const xmlNode* l = n->children; l; l = l->next) {
          if (!is(l, "lvl")) continue;
          int ilvl = std::atoi(wattr(l, "ilvl").c_str());
          if (ilvl < 0 || ilvl >= kLevels) continue;
          levels[ilvl] = read_level(l);
        }
      } else if (is(n, "num")) {
        Instance in;
        if (const xmlNode* a = child(n, "abstractNumId")) in.abstract = wattr(a, "val");
        for (const xmlNode* o = n->children; o; o = o->next) {
          if (!is(o, "lvlOverride")) continue;
          int ilvl = std::atoi(wattr(o, "ilvl").c_str());
          if (ilvl < 0 || ilvl >= kLevels) continue;
          if (const xmlNode* so = child(o, "startOverride")) in.start_override[ilvl] = std::atoi(wattr(so, "val").c_str());
        }
        instances_[wattr(n, "numId")] = std::move(in);
      }
    }
  }

  // The marker of the next paragraph of list NUM_ID at level ILVL ("3.", "(b)", "1.2"), and
  // advances the counters; empty for bullets, unknown lists and numId 0 (numbering removed).
  std::string next(const std::string& num_id, int ilvl) {
    if (num_id.empty() || num_id == "0" || ilvl < 0 || ilvl >= kLevels) return "";
    auto in = instances_.find(num_id);
    if (in == instances_.end()) return "";
    auto abs = abstract_.find(in->second.abstract);
    if (abs == abstract_.end()) return "";
    const auto& levels = abs->second;
    Counters& c = counters_[in->second.abstract];
    if (!in->second.started) {  // a restarting instance begins its levels afresh
      in->second.started = true;
      for (const auto& [l, v] : in->second.start_override) c.used[l] = false;
    }
    auto start_of = [&](int l) {
      auto o = in->second.start_override.find(l);
      return o != in->second.start_override.end() ? o->second : levels[l].start;
    };
    if (!c.used[ilvl]) c.value[ilvl] = start_of(ilvl) - 1;
    ++c.value[ilvl];
    c.used[ilvl] = true;
    for (int l = ilvl + 1; l < kLevels; ++l) c.used[l] = false;  // deeper levels restart
    const Level& lv = levels[ilvl];
    if (lv.format == "bullet" || lv.format == "none") return "";
    std::string out;
    for (size_t i = 0; i < lv.text.size(); ++i) {
      char ch = lv.text[i];
      if (ch == '%' && i + 1 < lv.text.size() && lv.text[i + 1] >= '1' && lv.text[i + 1] <= '9') {
        int l = lv.text[i + 1] - '1';
        int v = c.used[l] || l == ilvl ? c.value[l] : start_of(l);
        out += format(lv.legal ? "decimal" : levels[l].format, v);
        ++i;
      } else {
        out += ch;
      }
    }
    return out;
  }

 private:
  static constexpr int kLevels = 9;
  struct Level {
    std::string format = "decimal";
    std::string text;
    int start = 1;
    bool legal = false;
  };
  struct Instance {
    std::string abstract;
    std::map<int, int> start_override;
    bool started = false;
  };
  struct Counters {
    int value[kLevels] = {};
    bool used[kLevels] = {};
  };

  static Level read_level(const xmlNode* l) {
    Level lv;
    if (const xmlNode* f = child(l, "numFmt")) lv.format = wattr(f, "val");
    if (const xmlNode* t = child(l, "lvlText")) lv.text = wattr(t, "val");
    if (const xmlNode* st = child(l, "start")) lv.start = std::atoi(wattr(st, "val").c_str());
    lv.legal = on(child(l, "isLgl"));
    return lv;
  }

  static std::string letters(int v, char base) {
    // a..z, then aa, bb, ... as Word writes them
    if (v < 1) return std::string(1, base);
    int round = (v - 1) / 26 + 1;
    return std::string(static_cast<size_t>(std::min(round, 8)), static_cast<char>(base + (v - 1) % 26));
  }

  static std::string roman(int v, bool upper) {
    static const std::pair<int, const char*> kTable[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"},
                                                         {100, "c"},  {90, "xc"},  {50, "l"},  {40, "xl"},
                                                         {10, "x"},   {9, "ix"},   {5, "v"},   {4, "iv"},
                                                         {1, "i"}};
    std::string out;
    for (const auto& [n, s] : kTable) {
      while (v >= n && out.size() < 16) {
        out += s;
        v -= n;
      }
    }
    if (upper) {
      for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    return out;
  }

  static std::string format(const std::string& fmt, int v) {
    if (fmt == "lowerLetter") return letters(v, 'a');
    if (fmt == "upperLetter") return letters(v, 'A');
    if (fmt == "lowerRoman") return roman(v, false);
    if (fmt == "upperRoman") return roman(v, true);
    if (fmt == "decimalZero" && v < 10) return "0" + std::to_string(v);
    return std::to_string(v);  // decimal, ordinal and the rest
  }

  std::map<std::string, std::array<Level, kLevels>> abstract_;
  std::map<std::string, Instance> instances_;
  std::map<std::string, Counters> counters_;
};

struct ParaState {
  std::string text, struck_run;
  size_t bold_chars = 0, chars = 0;
};

void flush_struck(ParaState& ps, Parsed& out) {
  std::string s = normalize_inline(ps.struck_run);
  ps.struck_run.clear();
  if (!s.empty()) out.struck.push_back(std::move(s));
}

void run(const xmlNode* r, bool deleted, bool style_bold, bool style_strike, ParaState& ps, Parsed& out) {
  const xmlNode* rpr = child(r, "rPr");
  bool strike = deleted || style_strike;
  bool bold = style_bold;
  if (rpr) {
    if (const xmlNode* s = child(rpr, "strike")) strike = deleted || on(s);
    if (const xmlNode* s = child(rpr, "dstrike")) strike = strike || on(s);
    if (const xmlNode* b = child(rpr, "b")) bold = on(b);
    if (const xmlNode* v = child(rpr, "vanish")) if (on(v)) return;
  }
  for (const xmlNode* c = r->children; c; c = c->next) {
    std::string piece;
    if (is(c, "t") || is(c, "delText")) {
      xmlChar* content = xmlNodeGetContent(c);
      if (content) piece = reinterpret_cast<const char*>(content);
      xmlFree(content);
    } else if (is(c, "tab")) {
      piece = "\t";
    } else if (is(c, "br") || is(c, "cr")) {
      piece = "\n";
    } else if (is(c, "noBreakHyphen")) {
      piece = "-";
    }
    if (piece.empty()) continue;
    if (strike) {
      ps.struck_run += piece;
    } else {
      if (!ps.struck_run.empty()) flush_struck(ps, out);
      ps.text += piece;
      ps.chars += piece.size();
      if (bold) ps.bold_chars += piece.size();
    }
  }
}

void inline_content(const xmlNode* n, bool deleted, bool sb, bool ss, ParaState& ps, Parsed& out, int depth) {
  if (depth > 64) return;
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (is(c, "r")) run(c, deleted, sb, ss, ps, out);
    else if (is(c, "del") || is(c, "moveFrom")) inline_content(c, true, sb, ss, ps, out, depth + 1);
    else if (is(c, "pPr") || is(c, "rPr")) continue;
    else inline_content(c, deleted, sb, ss, ps, out, depth + 1);  // ins, hyperlink, smartTag, sdt...
  }
}

class Body {
 public:
  Body(Parsed& out, const std::map<std::string, StyleInfo>& styles, Numbering& numbering)
      : out_(out), styles_(styles), numbering_(numbering) {}

  void block_children(const xmlNode* n, int depth) {
    if (depth > 64) return;
    for (const xmlNode* c = n->children; c; c = c->next) {
      if (is(c, "p")) paragraph(c, nullptr);
      else if (is(c, "tbl")) table(c, depth);
      else if (c->type == XML_ELEMENT_NODE && !is(c, "sectPr")) block_children(c, depth + 1);  // sdt, customXml
    }
  }

 private:
  void paragraph(const xmlNode* p, std::string* row) {
    std::string style, num_id;
    int ilvl = 0;
    bool numbered = false;
    if (const xmlNode* ppr = child(p, "pPr")) {
      if (const xmlNode* ps = child(ppr, "pStyle")) style = wattr(ps, "val");
      numbered = read_num_pr(ppr, num_id, ilvl);
    }
    StyleInfo info;
    auto it = styles_.find(style);
    if (it != styles_.end()) info = it->second;
    else info.heading = style_heading(style);
    if (!numbered && !info.num_id.empty()) {  // numbered through its style
      numbered = true;
      num_id = info.num_id;
      ilvl = info.ilvl;
    }
    ParaState ps;
    inline_content(p, false, info.bold, info.strike, ps, out_, 0);
    if (!ps.struck_run.empty()) flush_struck(ps, out_);
    // The number Word draws in front of the paragraph is not in its text: put it there. An
    // empty paragraph still counts (Word numbers it), so the counters advance first.
    std::string marker = numbered ? numbering_.next(num_id, ilvl) : std::string();
    if (!marker.empty() && !ps.text.empty()) ps.text = marker + " " + ps.text;
    if (row) {
      std::string t = normalize_inline(ps.text);
      if (!t.empty()) {
        if (!row->empty()) *row += ' ';
        *row += t;
      }
      return;
    }
    if (ps.text.find('\n') != std::string::npos && info.heading == 0) {
      text_to_blocks(ps.text, 0, out_.blocks);
      return;
    }
    std::string t = normalize_inline(ps.text);
    if (t.empty()) return;
    Block b;
    b.text = std::move(t);
    if (info.heading == -1) {
      b.kind = out_.blocks.empty() ? BlockKind::kTitle : BlockKind::kHeading;
      b.heading_level = 1;
    } else if (info.heading > 0) {
      b.kind = info.heading == 1 && out_.blocks.empty() ? BlockKind::kTitle : BlockKind::kHeading;
      b.heading_level = info.heading;
    } else if (numbered) {
      b.kind = BlockKind::kListItem;
    }
    b.bold = ps.chars > 0 && ps.bold_chars * 10 >= ps.chars * 9;
    out_.blocks.push_back(std::move(b));
  }

  void table(const xmlNode* tbl, int depth) {
    for (const xmlNode* tr = tbl->children; tr; tr = tr->next) {
      if (!is(tr, "tr")) continue;
      std::string row;
      for (const xmlNode* tc = tr->children; tc; tc = tc->next) {
        if (!is(tc, "tc")) continue;
        std::string cell;
        for (const xmlNode* p = tc->children; p; p = p->next) {
          if (is(p, "p")) paragraph(p, &cell);
          else if (is(p, "tbl") && depth < 8) table(p, depth + 1);
        }
        if (!row.empty()) row += " | ";
        row += cell;
      }
      std::string t = normalize_inline(row);
      bool blank = t.find_first_not_of(" |") == std::string::npos;
      if (!blank) {
        Block b;
        b.kind = BlockKind::kTableRow;
        b.text = std::move(t);
        out_.blocks.push_back(std::move(b));
      }
    }
  }

  Parsed& out_;
  const std::map<std::string, StyleInfo>& styles_;
  Numbering& numbering_;
};

}  // namespace

Result<Parsed> parse_docx(std::string_view bytes, const Options&) {
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerr);
  if (!src) return make_error(ErrorCode::kParse, "cannot read DOCX");
  std::unique_ptr<zip_t, void (*)(zip_t*)> z(zip_open_from_source(src, ZIP_RDONLY, &zerr), &zip_discard);
  if (!z) {
    zip_source_free(src);
    std::string msg = zip_error_strerror(&zerr);
    zip_error_fini(&zerr);
    return make_error(ErrorCode::kParse, "corrupt DOCX (not a readable ZIP: " + msg + ")");
  }
  zip_error_fini(&zerr);
  if (zip_get_num_entries(z.get(), 0) > kMaxEntries)
    return make_error(ErrorCode::kTooLarge, "DOCX has more than " + std::to_string(kMaxEntries) + " entries");
  auto doc_xml = read_part(z.get(), "word/document.xml", true);
  if (!doc_xml) return tl::make_unexpected(doc_xml.error());
  auto styles_xml = read_part(z.get(), "word/styles.xml", false);
  if (!styles_xml) return tl::make_unexpected(styles_xml.error());
  auto styles = read_styles(*styles_xml);
  auto numbering_xml = read_part(z.get(), "word/numbering.xml", false);
  if (!numbering_xml) return tl::make_unexpected(numbering_xml.error());
  Numbering numbering(*numbering_xml);
  XmlDoc doc = parse_xml(*doc_xml);
  if (!doc || !xmlDocGetRootElement(doc.get()))
    return make_error(ErrorCode::kParse, "corrupt DOCX: word/document.xml is not well-formed XML");
  const xmlNode* body = child(xmlDocGetRootElement(doc.get()), "body");
  if (!body) return make_error(ErrorCode::kParse, "DOCX document.xml has no body");
  Parsed p;
  Body(p, styles, numbering).block_children(body, 0);
  auto core = read_part(z.get(), "docProps/core.xml", false);
  if (core && !core->empty()) {
    XmlDoc c = parse_xml(*core);
    if (c && xmlDocGetRootElement(c.get()))
      if (const xmlNode* t = child(xmlDocGetRootElement(c.get()), "title")) {
        xmlChar* content = xmlNodeGetContent(t);
        if (content) p.title = normalize_inline(reinterpret_cast<const char*>(content));
        xmlFree(content);
      }
  }
  return p;
}

}  // namespace policyindex::extract::detail
