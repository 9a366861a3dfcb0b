// The raster test for struck-through text: a dark horizontal run through the middle of a
// word or character box. A strike line spans the whole advance of each glyph it crosses,
// side bearings included, which glyph strokes (the bar of an "e") do not.

#include <algorithm>
#include <cmath>

#include "extract/internal.h"

namespace policyindex::extract::detail {

bool crossed_by_line(const GrayImage& img, double x0, double y0, double x1, double y1, double fraction,
                     double band_lo, double band_hi) {
  if (img.width <= 0 || img.height <= 0) return false;
  int ix0 = std::max(0, static_cast<int>(std::lround(x0)));
  int ix1 = std::min(img.width, static_cast<int>(std::lround(x1)));
  if (ix1 - ix0 < 3) return false;
  double h = y1 - y0;
  if (h < 3) return false;
  int ya = std::max(0, static_cast<int>(std::floor(y0 + band_lo * h)));
  int yb = std::min(img.height - 1, static_cast<int>(std::floor(y0 + band_hi * h)));
  int need = static_cast<int>(std::ceil(fraction * (ix1 - ix0)));
  for (int y = ya; y <= yb; ++y) {
    // The longest unbroken dark run: a line is continuous, glyph strokes are not.
    int run = 0, best = 0;
    const unsigned char* row = &img.pixels[static_cast<size_t>(y) * img.width];
    for (int x = ix0; x < ix1; ++x) {
      run = row[x] < 160 ? run + 1 : 0;
      best = std::max(best, run);
    }
    if (best >= need) return true;
  }
  return false;
}

}  // namespace policyindex::extract::detail

namespace policyindex::extract::detail {

std::vector<int> full_width_rows(const GrayImage& img, double x0, double y0, double x1, double y1,
                                 double band_lo, double band_hi, int slack) {
  std::vector<int> rows;
  if (img.width <= 0 || img.height <= 0) return rows;
  int ix0 = std::max(0, static_cast<int>(std::lround(x0)));
  int ix1 = std::min(img.width, static_cast<int>(std::lround(x1)));
  if (ix1 - ix0 < 3) return rows;
  double h = y1 - y0;
  if (h < 3) return rows;
  // Rounding of the box edges may leave a pixel at either end; wider boxes allow no more.
  int from = ix0 + slack, to = ix1 - slack;  // [from, to) must be dark, unbroken
  if (to - from < 2) return rows;
  int ya = std::max(0, static_cast<int>(std::ceil(y0 + band_lo * h)));
  int yb = std::min(img.height - 1, static_cast<int>(std::floor(y0 + band_hi * h)));
  for (int y = ya; y <= yb; ++y) {
    const unsigned char* row = &img.pixels[static_cast<size_t>(y) * img.width];
    bool all = true;
    for (int x = from; x < to && all; ++x) all = row[x] < 160;
    if (all) rows.push_back(y);
  }
  return rows;
}

}  // namespace policyindex::extract::detail
