// PDF via poppler-cpp: words with boxes per page, lines, paragraphs; running headers, footers
// and page numbers removed; hyphenation joined; headings helped by text height; struck
// words found by rendering the page (poppler-cpp exposes no vector graphics) and OCR for
// pages without a text layer.
//
// Traps (DEPENDENCIES.md 2a): a locked document segfaults on pages() unless is_locked() is
// checked; load_from_raw_data does not copy, so load_from_data is used; errors go to stderr
// unless a debug error function is installed (process-global, hence a thread_local sink).

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>
#include <dlfcn.h>
#include <iconv.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "extract/internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define PI_NO_ICONV_POOL 1
#define PI_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PI_NO_ICONV_POOL 1
#define PI_ASAN 1
#endif
#endif
#if defined(PI_ASAN)
#include <sanitizer/lsan_interface.h>
#endif

#ifndef PI_NO_ICONV_POOL
// poppler-cpp's text_list() converts every word with ustring::from_utf8(), which opens and
// closes an iconv converter UTF-8 -> UTF-16LE each time: glibc looks the conversion up by
// name, allocates its steps and frees them again, a tenth of all the time `extract` takes.
// These two definitions take the place of glibc's for the whole process (the executable's
// symbols come first) and keep closed converters of the two stateless UTF-8 <-> UTF-16LE
// conversions for the next iconv_open of the same pair, reset to their initial state.
// Every other conversion goes straight to glibc.
namespace {
using IconvOpenFn = iconv_t (*)(const char*, const char*);
using IconvCloseFn = int (*)(iconv_t);

struct IconvPool {
  std::mutex mu;
  IconvOpenFn real_open = reinterpret_cast<IconvOpenFn>(dlsym(RTLD_NEXT, "iconv_open"));
  IconvCloseFn real_close = reinterpret_cast<IconvCloseFn>(dlsym(RTLD_NEXT, "iconv_close"));
  std::vector<std::pair<iconv_t, int>> ours;  // every pooled converter handed out, and its pair
  std::vector<iconv_t> idle[2];
};

IconvPool& iconv_pool() {
  static IconvPool* pool = new IconvPool;  // never destroyed: used until the very end
  return *pool;
}

int pooled_pair(const char* to, const char* from) {
  if (std::strcmp(to, "UTF-16LE") == 0 && std::strcmp(from, "UTF-8") == 0) return 0;
  if (std::strcmp(to, "UTF-8") == 0 && std::strcmp(from, "UTF-16LE") == 0) return 1;
  return -1;
}
}  // namespace

extern "C" iconv_t iconv_open(const char* tocode, const char* fromcode) __THROW {
  IconvPool& pool = iconv_pool();
  int pair = tocode && fromcode ? pooled_pair(tocode, fromcode) : -1;
  if (pair >= 0) {
    std::lock_guard lock(pool.mu);
    if (!pool.idle[pair].empty()) {
      iconv_t cd = pool.idle[pair].back();
      pool.idle[pair].pop_back();
      return cd;
    }
  }
  iconv_t cd = pool.real_open(tocode, fromcode);
  if (pair >= 0 && cd != reinterpret_cast<iconv_t>(-1)) {
    std::lock_guard lock(pool.mu);
    pool.ours.emplace_back(cd, pair);
  }
  return cd;
}

extern "C" int iconv_close(iconv_t cd) __THROW {
  IconvPool& pool = iconv_pool();
  {
    std::lock_guard lock(pool.mu);
    for (const auto& [c, pair] : pool.ours) {
      if (c != cd) continue;
      if (pool.idle[pair].size() < 8) {
        iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
        pool.idle[pair].push_back(cd);
        return 0;
      }
      pool.ours.erase(std::find(pool.ours.begin(), pool.ours.end(), std::make_pair(c, pair)));
      break;
    }
  }
  return pool.real_close(cd);
}
#endif

namespace policyindex::extract::detail {
namespace {

thread_local std::string* g_poppler_errors = nullptr;

void poppler_error_sink(const std::string& msg, void*) {
  if (g_poppler_errors && g_poppler_errors->size() < 2000) {
    if (!g_poppler_errors->empty()) *g_poppler_errors += "; ";
    *g_poppler_errors += msg;
  }
}

// UTF-16 to UTF-8 here rather than ustring::to_utf8(), which opens an iconv converter per
// call (a third of the cost of a word at one call per word). Lone surrogates become U+FFFD.
void append_utf16(std::string& out, const poppler::ustring& u) {
  for (size_t i = 0; i < u.size(); ++i) {
    char32_t cp = u[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<char32_t>(u[i + 1]) - 0xDC00);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    if (cp < 0x80) out += static_cast<char>(cp);
    else append_utf8(out, cp);
  }
}

std::string utf8_of(const poppler::ustring& u) {
  std::string out;
  out.reserve(u.size());
  append_utf16(out, u);
  return out;
}

// poppler-cpp builds poppler's GlobalParams (font tables, unicode maps: several ms) when its
// first object is created and destroys them with its last: one document that lives as long
// as the process keeps them across the documents a worker extracts. (The iconv converters
// are kept by the pool above.)
constexpr std::string_view kAnchorPdf =
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >> endobj\n"
    "trailer << /Root 1 0 R >>\n%%EOF\n";

void keep_poppler_warm() {
  static const bool done = [] {
    poppler::byte_array data(kAnchorPdf.begin(), kAnchorPdf.end());
    // Never freed: the point is that it outlives every other poppler object; the leak
    // checker is told so.
    poppler::document* anchor = poppler::document::load_from_data(&data);
#if defined(PI_ASAN)
    if (anchor) __lsan_ignore_object(anchor);
#endif
    (void)anchor;
    return true;
  }();
  (void)done;
}

// --- do the page descriptions draw any lines or rectangles at all? -----------------------
// Rendering a page costs about 30x extracting its text, so pages are rendered for the
// strikethrough test only when the file's content streams paint paths.

bool paints_paths(std::string_view ops) {
  // Tokens "re" or "l" followed within three tokens by a painting operator.
  int since_path = 99;
  size_t i = 0, n = ops.size();
  while (i < n) {
    while (i < n && (ops[i] == ' ' || ops[i] == '\n' || ops[i] == '\r' || ops[i] == '\t')) ++i;
    if (i >= n) break;
    if (ops[i] == '(') {  // skip strings
      int depth = 0;
      for (; i < n; ++i) {
        if (ops[i] == '\\') { ++i; continue; }
        if (ops[i] == '(') ++depth;
        else if (ops[i] == ')' && --depth == 0) { ++i; break; }
      }
      continue;
    }
    size_t j = i;
    while (j < n && ops[j] != ' ' && ops[j] != '\n' && ops[j] != '\r' && ops[j] != '\t' && ops[j] != '(') ++j;
    std::string_view tok = ops.substr(i, j - i);
    i = j == i ? i + 1 : j;
    if (tok == "re" || tok == "l") {
      since_path = 0;
      continue;
    }
    ++since_path;
    if (since_path <= 3 && (tok == "S" || tok == "s" || tok == "f" || tok == "F" || tok == "f*" ||
                            tok == "B" || tok == "B*" || tok == "b" || tok == "b*"))
      return true;
  }
  return false;
}

bool file_paints_paths(std::string_view pdf) {
  size_t budget = 64u << 20;  // inflated bytes examined at most
  size_t pos = 0;
  while ((pos = pdf.find("stream", pos)) != std::string_view::npos) {
    size_t kw = pos;
    pos += 6;
    if (kw >= 3 && pdf.substr(kw - 3, 3) == "end") continue;
    size_t start = pos;
    if (start < pdf.size() && pdf[start] == '\r') ++start;
    if (start < pdf.size() && pdf[start] == '\n') ++start;
    else if (start == pos) continue;
    size_t dict_from = kw > 1024 ? kw - 1024 : 0;
    std::string_view before = pdf.substr(dict_from, kw - dict_from);
    size_t open = before.rfind("<<");
    if (open == std::string_view::npos) continue;
    std::string_view dict = before.substr(open);
    if (dict.find("/Image") != std::string_view::npos || dict.find("/Length1") != std::string_view::npos ||
        dict.find("/ObjStm") != std::string_view::npos || dict.find("/XRef") != std::string_view::npos ||
        dict.find("/Metadata") != std::string_view::npos || dict.find("/FontFile") != std::string_view::npos)
      continue;
    size_t end = pdf.find("endstream", start);
    if (end == std::string_view::npos) end = pdf.size();
    std::string_view raw = pdf.substr(start, end - start);
    pos = end;
    if (dict.find("/Filter") == std::string_view::npos) {
      if (paints_paths(raw)) return true;
      continue;
    }
    if (dict.find("/FlateDecode") == std::string_view::npos || dict.find("/DCTDecode") != std::string_view::npos) continue;
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) continue;
    std::string out;
    out.resize(std::min<size_t>(raw.size() * 8 + 4096, 8u << 20));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    zs.avail_in = static_cast<uInt>(raw.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    inflate(&zs, Z_SYNC_FLUSH);
    size_t got = out.size() - zs.avail_out;
    inflateEnd(&zs);
    if (got > budget) return true;  // give up cheaply: render
    budget -= got;
    if (paints_paths(std::string_view(out.data(), got))) return true;
  }
  return false;
}

// --- words, lines, paragraphs -------------------------------------------------------------

struct Line {
  std::string text;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // points, top-left origin
  int page = 0;
  double page_height = 0;
  bool removed = false;
  bool ocr = false;  // word boxes from OCR are tight, so heights say nothing about font size
};

struct WordPiece {
  std::string text;
  bool struck = false;
};

bool is_dash_like(char32_t cp) {
  return cp == '-' || cp == '_' || cp == '=' || cp == 0x2013 || cp == 0x2014 || cp == 0x2012 ||
         cp == 0x2015 || cp == 0x2212 || cp == 0x2010 || cp == '.' || cp == 0x2026;
}

class LineBuilder {
 public:
  LineBuilder(std::vector<Line>& lines, std::vector<std::string>& struck) : lines_(lines), struck_(struck) {}

  // One word (or part of one) at the given box; `space_after` as the PDF says.
  void word(const std::vector<WordPiece>& pieces, double x0, double y0, double x1, double y1,
            bool space_after, int page, double page_h) {
    double h = y1 - y0;
    bool same_line = open_ && page == cur_.page && std::fabs(y1 - cur_.y1) < 0.5 * std::max(h, cur_.y1 - cur_.y0) &&
                     x0 >= cur_.x1 - 2;
    if (!same_line) end_line();
    if (!open_) {
      cur_ = Line{};
      cur_.page = page;
      cur_.page_height = page_h;
      cur_.ocr = ocr_;
      cur_.x0 = x0;
      cur_.y0 = y0;
      cur_.y1 = y1;
      open_ = true;
    }
    cur_.x1 = std::max(cur_.x1, x1);
    cur_.y0 = std::min(cur_.y0, y0);
    cur_.y1 = std::max(cur_.y1, y1);
    for (const WordPiece& p : pieces) {
      if (p.struck) {
        if (struck_space_ && !struck_run_.empty()) struck_run_ += ' ';
        struck_run_ += p.text;
        struck_space_ = false;
        struck_open_ = true;
      } else {
        if (struck_open_) end_struck();
        if (pending_space_ && !cur_.text.empty() && cur_.text.back() != ' ') cur_.text += ' ';
        pending_space_ = false;
        cur_.text += p.text;
      }
    }
    // A space after the word separates whatever comes next, kept or struck.
    if (space_after) pending_space_ = struck_space_ = true;
  }

  void set_ocr(bool on) { ocr_ = on; }

  void end_line() {
    if (!open_) return;
    open_ = false;
    pending_space_ = false;
    struck_space_ = true;
    std::string t = normalize_inline(cur_.text);
    if (t.empty()) return;
    cur_.text = std::move(t);
    lines_.push_back(std::move(cur_));
  }

  void end_struck() {
    std::string s = normalize_inline(struck_run_);
    bool words = std::any_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    if (words) struck_.push_back(std::move(s));
    struck_run_.clear();
    struck_open_ = false;
  }

 private:
  std::vector<Line>& lines_;
  std::vector<std::string>& struck_;
  Line cur_;
  bool ocr_ = false;
  bool open_ = false, pending_space_ = false, struck_open_ = false, struck_space_ = false;
  std::string struck_run_;
};

std::string repeat_key(std::string_view s) {
  std::string k;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      if (k.empty() || k.back() != '#') k += '#';
    } else if (c != ' ') {
      k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return k;
}

bool is_page_number(std::string_view s) {
  std::string k = repeat_key(s);
  return k == "#" || k == "page#" || k == "page#of#" || k == "-#-" || k == "#of#" || k == "p.#" ||
         k == "\xe2\x80\x93#\xe2\x80\x93" || k == "[#]" || k == "(#)";
}

// Lines within the top and bottom bands that repeat on many pages, and page numbers there.
void remove_running_lines(std::vector<Line>& lines, int pages) {
  auto in_band = [](const Line& l) {
    double h = l.page_height > 0 ? l.page_height : 792;
    return l.y1 < 0.12 * h || l.y0 > 0.88 * h;
  };
  std::unordered_map<std::string, std::vector<int>> seen;
  for (const Line& l : lines)
    if (in_band(l)) {
      auto& v = seen[repeat_key(l.text)];
      if (v.empty() || v.back() != l.page) v.push_back(l.page);
    }
  int need = std::max(2, (pages + 1) / 2);
  for (Line& l : lines) {
    if (!in_band(l)) continue;
    if (is_page_number(l.text)) { l.removed = true; continue; }
    if (pages >= 2 && static_cast<int>(seen[repeat_key(l.text)].size()) >= need) l.removed = true;
  }
}

bool ends_sentence(std::string_view s) {
  if (s.empty()) return true;
  char c = s.back();
  return c == '.' || c == ':' || c == ';' || c == '!' || c == '?';
}

void lines_to_blocks(std::vector<Line>& lines, std::vector<Block>& out) {
  std::vector<const Line*> kept;
  for (const Line& l : lines) if (!l.removed) kept.push_back(&l);
  if (kept.empty()) return;
  // Body text height: the most common line height (0.5 pt bins), weighted by length.
  std::map<int, size_t> hist;
  for (const Line* l : kept) hist[static_cast<int>(std::lround((l->y1 - l->y0) * 2))] += l->text.size();
  int mode = 0;
  size_t best = 0;
  for (auto& [h, n] : hist) if (n > best) { best = n; mode = h; }
  double body_h = std::max(1.0, mode / 2.0);
  // The usual gap between lines of one paragraph: the most common gap (0.5 pt bins).
  std::map<int, size_t> gaps;
  for (size_t i = 1; i < kept.size(); ++i)
    if (kept[i]->page == kept[i - 1]->page && kept[i]->y0 > kept[i - 1]->y0) {
      double g = kept[i]->y0 - kept[i - 1]->y1;
      if (g > -body_h && g < 2 * body_h) gaps[static_cast<int>(std::lround(g * 2))]++;
    }
  int gmode = 0;
  best = 0;
  for (auto& [g, n] : gaps) if (n > best) { best = n; gmode = g; }
  double line_gap = gmode / 2.0;

  auto level_of = [&](const Line* l) {
    if (l->ocr) return 0;
    double r = (l->y1 - l->y0) / body_h;
    return r >= 1.45 ? 1 : r >= 1.12 ? 2 : 0;
  };
  std::string para;
  int para_page = 0, para_level = 0;
  bool para_heading = false;
  const Line* prev = nullptr;
  auto flush = [&] {
    if (!para.empty()) {
      Block b;
      b.text = normalize_inline(para);
      b.page = para_page;
      b.heading_level = para_level;
      if (!b.text.empty()) out.push_back(std::move(b));
    }
    para.clear();
  };
  for (const Line* l : kept) {
    LineShape shape = classify_line(l->text);
    int level = level_of(l);
    bool brk = prev == nullptr || shape.opens_block || para_heading || level != para_level ||
               (shape.run_in && ends_sentence(prev->text));
    if (!brk) {
      if (l->page == prev->page) {
        double gap = l->y0 - prev->y1;
        if (gap > line_gap + 0.3 * body_h || l->y0 < prev->y0 - 1) brk = true;
        // A short line ending a sentence ends its paragraph.
        if (!brk && ends_sentence(prev->text) && prev->x1 < l->x1 - 4 * body_h) brk = true;
      } else if (ends_sentence(prev->text)) {
        brk = true;  // a paragraph continues across a page break only mid-sentence
      }
    }
    if (brk) {
      flush();
      para = l->text;
      para_page = l->page;
      para_level = level;
      para_heading = shape.heading;
    } else {
      join_line(para, l->text);
    }
    prev = l;
  }
  flush();
}

GrayImage to_gray(const poppler::image& img) {
  GrayImage g;
  if (!img.is_valid()) return g;
  g.width = img.width();
  g.height = img.height();
  g.pixels.resize(static_cast<size_t>(g.width) * g.height);
  const char* data = img.const_data();
  int bpr = img.bytes_per_row();
  for (int y = 0; y < g.height; ++y) {
    const unsigned char* row = reinterpret_cast<const unsigned char*>(data + static_cast<size_t>(y) * bpr);
    for (int x = 0; x < g.width; ++x) {
      unsigned char v;
      switch (img.format()) {
        case poppler::image::format_gray8: v = row[x]; break;
        case poppler::image::format_rgb24: v = static_cast<unsigned char>((row[3 * x] * 30 + row[3 * x + 1] * 59 + row[3 * x + 2] * 11) / 100); break;
        case poppler::image::format_mono: v = (row[x / 8] & (0x80 >> (x % 8))) ? 255 : 0; break;
        default: v = static_cast<unsigned char>((row[4 * x + 2] * 30 + row[4 * x + 1] * 59 + row[4 * x] * 11) / 100); break;
      }
      g.pixels[static_cast<size_t>(y) * g.width + x] = v;
    }
  }
  return g;
}

constexpr double kStrikeDpi = 150;
// Where a strike line lies in a glyph box (top = ascent, bottom = descent): about 0.25 to
// 0.3 em above the baseline, i.e. 0.5 to 0.6 of the box; the bars of "t", "f", "r" at the
// x-height sit at 0.3 to 0.43 and the baseline near 0.8.
constexpr double kStrikeBandLo = 0.46;
constexpr double kStrikeBandHi = 0.68;
constexpr double kOcrDpi = 200;


}  // namespace

// A redline that capitalises a word strikes its first letter and inserts the capital right
// after it; OCR reads both as one word ("pPolice", "eCity"), and the strike line crosses only
// the first glyph, too little of the word for the word-level test.
bool struck_case_change(const GrayImage& img, const OcrWord& w) {
  const std::string& t = w.text;
  if (t.size() < 3) return false;
  const unsigned char a = static_cast<unsigned char>(t[0]), b = static_cast<unsigned char>(t[1]);
  if (!std::islower(a) || !std::isupper(b) || std::toupper(a) != b) return false;
  const double first = (w.x1 - w.x0) / static_cast<double>(t.size());
  return crossed_by_line(img, w.x0, w.y0, w.x0 + first, w.y1, 0.85, 0.3, 0.8);
}

Result<Parsed> parse_pdf(std::string_view bytes, const Options& options) {
  std::string errors;
  g_poppler_errors = &errors;
  poppler::set_debug_error_function(&poppler_error_sink, nullptr);
  struct Reset { ~Reset() { g_poppler_errors = nullptr; } } reset;

  keep_poppler_warm();
  poppler::byte_array data(bytes.begin(), bytes.end());
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_data(&data));
  if (!doc) {
    return make_error(ErrorCode::kParse, "corrupt or unreadable PDF" + (errors.empty() ? std::string() : " (" + errors + ")"));
  }
  if (doc->is_locked()) return make_error(ErrorCode::kUnsupported, "encrypted PDF: a password is needed to read it");
  Parsed p;
  int n = doc->pages();
  if (n <= 0) return make_error(ErrorCode::kParse, "PDF has no pages" + (errors.empty() ? std::string() : " (" + errors + ")"));
  p.pages = n;
  if (n > options.max_pages) {
    p.warnings.push_back("PDF has " + std::to_string(n) + " pages; only the first " +
                         std::to_string(options.max_pages) + " were extracted");
    n = options.max_pages;
  }
  p.title = utf8_of(doc->info_key("Title"));
  bool render_for_strikes = file_paints_paths(bytes);

  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  std::vector<Line> lines;
  LineBuilder lb(lines, p.struck);
  struct Scan {  // a page without a text layer, rendered, and what OCR read on it
    GrayImage img;
    double dpi = kOcrDpi;
    Result<std::vector<std::vector<OcrWord>>> ocr;
  };
  std::map<int, Scan> scans;  // read ahead (Options::ocr_threads)
  for (int i = 0; i < n; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) {
      p.warnings.push_back("page " + std::to_string(i + 1) + " could not be read");
      continue;
    }
    poppler::rectf media = page->page_rect(poppler::media_box);
    double page_h = media.height();
    std::vector<poppler::text_box> words = page->text_list();
    if (words.empty()) {
      if (!options.ocr) continue;
      // A page without a text layer: a scan. Render it and OCR it; with ocr_threads > 1, this
      // scan and the scans right after it are rendered now and read by OCR at once.
      if (!scans.count(i)) {
        std::vector<int> batch = {i};
        const size_t most = options.ocr_threads > 1 ? static_cast<size_t>(options.ocr_threads) * 2 : 1;
        for (int j = i + 1; j < n && batch.size() < most; ++j) {
          std::unique_ptr<poppler::page> next(doc->create_page(j));
          if (!next || !next->text_list().empty()) break;
          batch.push_back(j);
        }
        for (int j : batch) {
          std::unique_ptr<poppler::page> pj(j == i ? nullptr : doc->create_page(j));
          poppler::page* pg = j == i ? page.get() : pj.get();
          const poppler::rectf mb = pg->page_rect(poppler::media_box);
          poppler::page_renderer r2;
          r2.set_image_format(poppler::image::format_gray8);
          r2.set_render_hint(poppler::page_renderer::antialiasing, true);
          double dpi = kOcrDpi;
          if (mb.width() * dpi / 72 > 5000 || mb.height() * dpi / 72 > 7000) dpi = 150;  // huge pages
          scans[j] = Scan{to_gray(r2.render_page(pg, dpi, dpi)), dpi, make_error(ErrorCode::kInternal, "not read")};
        }
        auto read = [&](size_t from, size_t step) {
          for (size_t k = from; k < batch.size(); k += step) {
            Scan& sc = scans[batch[k]];
            if (sc.img.width > 0) sc.ocr = ocr_lines(sc.img, static_cast<int>(sc.dpi));
          }
        };
        const size_t threads = std::min(batch.size(), static_cast<size_t>(std::max(1, options.ocr_threads)));
        std::vector<std::thread> pool;
        for (size_t t = 1; t < threads; ++t) pool.emplace_back(read, t, threads);
        read(0, threads);
        for (auto& t : pool) t.join();
      }
      Scan scan = std::move(scans[i]);
      scans.erase(i);
      const double dpi = scan.dpi;
      const GrayImage& img = scan.img;
      if (img.width == 0) continue;
      auto& ocr = scan.ocr;
      if (!ocr) {
        p.warnings.push_back("page " + std::to_string(i + 1) + ": OCR failed: " + ocr.error().message);
        continue;
      }
      bool any = false;
      double k = 72.0 / dpi;
      lb.set_ocr(true);
      for (const auto& line : *ocr) {
        for (const OcrWord& w : line) {
          bool struck = crossed_by_line(img, w.x0, w.y0, w.x1, w.y1, 0.9, 0.3, 0.8);
          if (!struck && struck_case_change(img, w)) {
            // "pPolice": the struck lower-case letter, then the capital that replaced it.
            lb.word({WordPiece{w.text.substr(0, 1), true}, WordPiece{w.text.substr(1), false}}, w.x0 * k,
                    w.y0 * k, w.x1 * k, w.y1 * k, true, i + 1, page_h);
            any = true;
            continue;
          }
          lb.word({WordPiece{w.text, struck}}, w.x0 * k, w.y0 * k, w.x1 * k, w.y1 * k, true, i + 1, page_h);
          any = true;
        }
        lb.end_line();
      }
      lb.set_ocr(false);
      if (any) p.ocr_pages.push_back(i + 1);
      continue;
    }
    GrayImage img;
    double scale = kStrikeDpi / 72.0;
    if (render_for_strikes && page->orientation() == poppler::page::portrait) {
      img = to_gray(renderer.render_page(page.get(), kStrikeDpi, kStrikeDpi));
    }
    std::vector<WordPiece> pieces;
    for (const poppler::text_box& w : words) {
      poppler::rectf bb = w.bbox();
      pieces.clear();
      if (img.width > 0) {
        // Per character: a strike through part of a word ("oOrdinance") is common in redlines.
        // A strike line spans each glyph's whole advance, side bearings included, below the
        // x-height bars of "r", "t", "f" (which reach the box edges in bold serif faces). A
        // glyph is struck when such a row is shared with a struck neighbour (the line runs on
        // across the boundary) or, alone, when the row covers its box with no slack at all.
        poppler::ustring u = w.text();
        std::vector<char> flags(u.size(), 0);
        std::vector<char32_t> cps(u.size());
        std::vector<std::vector<int>> rows(u.size());
        std::vector<poppler::rectf> boxes(u.size());
        for (size_t c = 0; c < u.size(); ++c) {
          cps[c] = u[c];
          if (is_dash_like(cps[c])) { flags[c] = 2; continue; }
          boxes[c] = w.char_bbox(c);
          const poppler::rectf& cb = boxes[c];
          if (cb.width() <= 0) continue;
          rows[c] = full_width_rows(img, cb.left() * scale, cb.top() * scale, cb.right() * scale, cb.bottom() * scale,
                                    kStrikeBandLo, kStrikeBandHi, 1);
        }
        // The line runs on from glyph A into glyph B: a row dark in both, and dark right
        // across the joint (where side bearings leave glyph ink a gap).
        auto shared = [&](size_t a, size_t b) {
          int ja = static_cast<int>(std::lround(boxes[a].right() * scale)) - 1;
          int jb = static_cast<int>(std::lround(boxes[b].left() * scale));
          ja = std::max(0, std::min(ja, img.width - 1));
          jb = std::max(0, std::min(jb, img.width - 1));
          for (int y : rows[a]) {
            if (std::find(rows[b].begin(), rows[b].end(), y) == rows[b].end()) continue;
            const unsigned char* row = &img.pixels[static_cast<size_t>(y) * img.width];
            bool joint = true;
            for (int x = std::min(ja, jb); x <= std::max(ja, jb) && joint; ++x) joint = row[x] < 160;
            if (joint) return true;
          }
          return false;
        };
        for (size_t c = 0; c < u.size(); ++c) {
          if (flags[c] == 2 || rows[c].empty()) continue;
          bool linked = (c > 0 && shared(c - 1, c)) || (c + 1 < u.size() && shared(c, c + 1));
          if (!linked) {
            const poppler::rectf& cb = boxes[c];
            linked = !full_width_rows(img, cb.left() * scale, cb.top() * scale, cb.right() * scale, cb.bottom() * scale,
                                      kStrikeBandLo, kStrikeBandHi, 0).empty();
          }
          flags[c] = linked ? 1 : 0;
        }
        // Dashes and dots take the state of their neighbours (a dash is itself a line).
        for (size_t c = 0; c < flags.size(); ++c) {
          if (flags[c] != 2) continue;
          bool l = c > 0 && flags[c - 1] == 1, r = c + 1 < flags.size() && flags[c + 1] == 1;
          flags[c] = (l || r) && (c == 0 || l) && (c + 1 == flags.size() || r) ? 1 : 0;
        }
        // UTF-16 to pieces.
        for (size_t c = 0; c < u.size(); ++c) {
          char32_t cp = cps[c];
          if (cp >= 0xD800 && cp <= 0xDBFF && c + 1 < u.size()) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (cps[c + 1] - 0xDC00);
            flags[c + 1] = flags[c];
            ++c;
          }
          bool s = flags[c] == 1;
          if (pieces.empty() || pieces.back().struck != s) pieces.push_back({"", s});
          append_utf8(pieces.back().text, cp);
        }
      } else {
        pieces.push_back({utf8_of(w.text()), false});
      }
      lb.word(pieces, bb.left(), bb.top(), bb.right(), bb.bottom(), w.has_space_after(), i + 1, page_h);
    }
    lb.end_line();
  }
  lb.end_line();
  lb.end_struck();
  remove_running_lines(lines, n);
  lines_to_blocks(lines, p.blocks);
  if (!errors.empty() && p.blocks.empty()) p.warnings.push_back("poppler: " + errors);
  return p;
}

}  // namespace policyindex::extract::detail
