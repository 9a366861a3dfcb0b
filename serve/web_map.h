// The statewide map (/map): every municipality as a mark on the county outlines of
// Massachusetts, coloured and shaped by its coverage state on one question or provision, each
// mark a link to the town's page, with a table of the same facts beside it. The geometry is
// built at build time from packaged public data (serve/geo/build_map.mjs) and embedded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "serve/web.h"

namespace policyindex::serve::web {

// The embedded geometry, parsed: the viewBox, county outlines (SVG path data), town points in
// viewBox units and the towns the data has no position for (with the reason).
struct MapGeometry {
  struct County {
    std::string name, path;
  };
  struct Point {
    std::string town, source;  // source: "geonames" or "zip"
    double x = 0, y = 0;
  };
  struct Unplaced {
    std::string town, reason;
  };
  int width = 0, height = 0;
  std::vector<County> counties;
  std::vector<Point> points;
  std::vector<Unplaced> unplaced;
  std::vector<std::string> provenance;  // the asset's comment lines, without '#'
  const Point* find(std::string_view town) const;
};

// Parses TEXT (the format written by serve/geo/build_map.mjs); a malformed line is an error
// naming its number.
Result<MapGeometry> parse_map_geometry(std::string_view text);
// The geometry built into the binary.
Result<MapGeometry> builtin_map_geometry();

// /map?q=Q3 or /map?provision=ID (Q1 when neither): the page.
HttpResponse map_page(const Params& p, Api& api);

}  // namespace policyindex::serve::web
