// Text and scanned PDFs with cairo's toy text API (fontconfig finds DejaVu). One layout
// pass places every word; the text PDF and the scanned pages draw the same layout.

#include <cairo-pdf.h>
#include <cairo.h>

#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>

#include "demo/sample/gen/render.h"

namespace policyindex::sample_gen {
namespace {

constexpr double kPageW = 612, kPageH = 792;  // US Letter, points
constexpr double kMarginX = 72, kMarginTop = 78, kMarginBottom = 72;
constexpr double kBodySize = 11;

struct Font {
  bool bold = false;
  bool italic = false;
  bool sans = false;
  double size = kBodySize;
};

struct Word {           // one placed piece of text
  double x = 0, y = 0;  // baseline origin
  std::string text;
  Font font;
  bool struck = false;
  bool underline = false;
  double width = 0;
};

struct Rule {  // a line drawn for strikethrough or underline
  double x0, x1, y, width;
};

struct Page {
  std::vector<Word> words;
  std::vector<Rule> rules;
};

using CairoPtr = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;

void set_font(cairo_t* cr, const Font& f) {
  cairo_select_font_face(cr, f.sans ? "DejaVu Sans" : "DejaVu Serif",
                         f.italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                         f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, f.size);
}

double advance(cairo_t* cr, const Font& f, const std::string& s) {
  set_font(cr, f);
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  return ext.x_advance;
}

// Lays out every block into pages. `cr` is only used to measure text.
std::vector<Page> layout(const Doc& doc, cairo_t* cr) {
  std::vector<Page> pages(1);
  double y = kMarginTop;
  auto new_page = [&] {
    pages.emplace_back();
    y = kMarginTop;
  };
  const double max_y = kPageH - kMarginBottom;
  for (const auto& block : doc.blocks) {
    if (block.kind == BlockKind::kPageBreak) {
      new_page();
      continue;
    }
    Font base;
    double indent = 0, space_before = 0, space_after = 6;
    std::string bullet;
    if (block.kind == BlockKind::kHeading) {
      base.bold = true;
      base.size = block.level == 1 ? 16 : block.level == 2 ? 13 : 11.5;
      space_before = block.level == 1 ? 10 : 8;
      space_after = 5;
    } else if (block.kind == BlockKind::kBullet) {
      indent = 18;
      bullet = "\u2022";
    } else {
      indent = block.level * 24;
    }
    const double line_h = base.size * 1.38;
    if (y > kMarginTop) y += space_before;
    // Keep a heading with at least two lines of what follows.
    double need = block.kind == BlockKind::kHeading ? line_h * 3 : line_h;
    if (y + need > max_y) new_page();
    // Split spans into words (keeping the trailing space with each word).
    struct Piece {
      std::string text;
      Font font;
      bool struck, underline;
    };
    std::vector<Piece> pieces;
    for (const auto& span : block.spans) {
      Font f = base;
      f.bold = base.bold || span.bold;
      f.italic = span.italic;
      size_t i = 0;
      while (i < span.text.size()) {
        size_t sp = span.text.find(' ', i);
        size_t end = sp == std::string::npos ? span.text.size() : sp + 1;
        pieces.push_back({span.text.substr(i, end - i), f, span.struck, span.inserted});
        i = end;
      }
    }
    double x0 = kMarginX + indent;
    double x = x0;
    double right = kPageW - kMarginX;
    y += base.size;  // first baseline
    if (!bullet.empty()) {
      Word w{kMarginX + 4, y, bullet, base, false, false, advance(cr, base, bullet)};
      pages.back().words.push_back(w);
    }
    for (const auto& p : pieces) {
      std::string visible = p.text;
      while (!visible.empty() && visible.back() == ' ') visible.pop_back();
      double w_vis = advance(cr, p.font, visible);
      double w_all = advance(cr, p.font, p.text);
      if (x > x0 && x + w_vis > right) {
        x = x0;
        y += line_h;
        if (y > max_y) {
          new_page();
          y += base.size;
        }
      }
      Word w{x, y, visible, p.font, p.struck, p.underline, w_vis};
      pages.back().words.push_back(w);
      if (p.struck || p.underline) {
        // Extend the line over the space to the next word when it continues the span.
        double stroke_y = p.struck ? y - p.font.size * 0.30 : y + p.font.size * 0.12;
        pages.back().rules.push_back({x, x + w_vis, stroke_y, p.font.size * 0.07});
      }
      x += w_all;
    }
    y += line_h - base.size + space_after;
  }
  // Join rules of neighbouring words on the same line into one stroke through the spaces.
  for (auto& page : pages) {
    std::vector<Rule> joined;
    for (const auto& r : page.rules) {
      if (!joined.empty() && std::abs(joined.back().y - r.y) < 0.01 &&
          r.x0 - joined.back().x1 < 8 && r.x0 >= joined.back().x1) {
        joined.back().x1 = r.x1;
      } else {
        joined.push_back(r);
      }
    }
    page.rules = std::move(joined);
  }
  return pages;
}

void draw_page(cairo_t* cr, const Doc& doc, const Page& page, int number, int total) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (const auto& w : page.words) {
    set_font(cr, w.font);
    cairo_move_to(cr, w.x, w.y);
    cairo_show_text(cr, w.text.c_str());
  }
  for (const auto& r : page.rules) {
    cairo_set_line_width(cr, r.width);
    cairo_move_to(cr, r.x0, r.y);
    cairo_line_to(cr, r.x1, r.y);
    cairo_stroke(cr);
  }
  Font small{false, false, true, 8.5};
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  set_font(cr, small);
  if (!doc.header.empty()) {
    cairo_move_to(cr, kMarginX, 42);
    cairo_show_text(cr, doc.header.c_str());
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, kMarginX, 48);
    cairo_line_to(cr, kPageW - kMarginX, 48);
    cairo_stroke(cr);
  }
  std::string pn = "Page " + std::to_string(number) + " of " + std::to_string(total);
  if (!doc.footer.empty()) {
    cairo_move_to(cr, kMarginX, kPageH - 36);
    cairo_show_text(cr, doc.footer.c_str());
  }
  cairo_move_to(cr, kPageW - kMarginX - advance(cr, small, pn), kPageH - 36);
  cairo_show_text(cr, pn.c_str());
}

void check(cairo_surface_t* s, const std::filesystem::path& out) {
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(out.string() +
                             ": cairo: " + cairo_status_to_string(cairo_surface_status(s)));
  }
}

SurfacePtr open_pdf(const Doc& doc, const std::filesystem::path& out) {
  SurfacePtr surface(cairo_pdf_surface_create(out.c_str(), kPageW, kPageH), cairo_surface_destroy);
  check(surface.get(), out);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR,
                                 "policyindex sample generator");
  // Fixed dates keep the build reproducible.
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE,
                                 "2024-03-04T12:00:00Z");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE,
                                 "2024-03-04T12:00:00Z");
  return surface;
}

std::vector<Page> layout_doc(const Doc& doc) {
  SurfacePtr scratch(cairo_image_surface_create(CAIRO_FORMAT_A8, 8, 8), cairo_surface_destroy);
  CairoPtr cr(cairo_create(scratch.get()), cairo_destroy);
  return layout(doc, cr.get());
}

}  // namespace

void render_pdf(const Doc& doc, const std::filesystem::path& out) {
  auto pages = layout_doc(doc);
  auto surface = open_pdf(doc, out);
  CairoPtr cr(cairo_create(surface.get()), cairo_destroy);
  for (size_t i = 0; i < pages.size(); ++i) {
    draw_page(cr.get(), doc, pages[i], static_cast<int>(i + 1), static_cast<int>(pages.size()));
    cairo_show_page(cr.get());
  }
  cr.reset();
  cairo_surface_finish(surface.get());
  check(surface.get(), out);
}

void render_scanned_pdf(const Doc& doc, const std::filesystem::path& out, double dpi) {
  auto pages = layout_doc(doc);
  auto surface = open_pdf(doc, out);
  CairoPtr cr(cairo_create(surface.get()), cairo_destroy);
  const int w = static_cast<int>(std::lround(kPageW / 72 * dpi));
  const int h = static_cast<int>(std::lround(kPageH / 72 * dpi));
  std::mt19937 rng(20240304);  // fixed seed: the same bytes on every build
  for (size_t i = 0; i < pages.size(); ++i) {
    SurfacePtr img(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h), cairo_surface_destroy);
    check(img.get(), out);
    {
      CairoPtr ic(cairo_create(img.get()), cairo_destroy);
      cairo_set_source_rgb(ic.get(), 0.97, 0.97, 0.95);  // paper
      cairo_paint(ic.get());
      cairo_scale(ic.get(), dpi / 72, dpi / 72);
      // A sheet fed slightly askew.
      cairo_translate(ic.get(), kPageW / 2, kPageH / 2);
      cairo_rotate(ic.get(), (i % 2 ? -0.35 : 0.45) * M_PI / 180);
      cairo_translate(ic.get(), -kPageW / 2, -kPageH / 2);
      draw_page(ic.get(), doc, pages[i], static_cast<int>(i + 1), static_cast<int>(pages.size()));
      // Toner specks.
      std::uniform_real_distribution<double> ux(0, kPageW), uy(0, kPageH), ur(0.2, 0.7);
      cairo_set_source_rgb(ic.get(), 0.35, 0.35, 0.35);
      for (int k = 0; k < 60; ++k) {
        cairo_arc(ic.get(), ux(rng), uy(rng), ur(rng), 0, 2 * M_PI);
        cairo_fill(ic.get());
      }
    }
    cairo_surface_flush(img.get());
    cairo_save(cr.get());
    cairo_scale(cr.get(), 72 / dpi, 72 / dpi);
    cairo_set_source_surface(cr.get(), img.get(), 0, 0);
    cairo_paint(cr.get());
    cairo_restore(cr.get());
    cairo_show_page(cr.get());
  }
  cr.reset();
  cairo_surface_finish(surface.get());
  check(surface.get(), out);
}

}  // namespace policyindex::sample_gen
