// The statewide map page (/map): the embedded geometry (serve/geo/build_map.mjs), parsed per
// request (a few kilobytes), and the page drawn as inline SVG beside a table of the same facts.

#include "serve/web_map.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <map>

extern const char pi_web_map_txt[];

namespace policyindex::serve::web {
namespace {

// Each coverage state: its mark (an SVG shape around 0,0, so a state is told by shape as well
// as colour) and a CSS class (app.css, "statewide map" section).
struct Mark {
  std::string_view state, shape;
};
constexpr std::array<Mark, 8> kMarks = {{
    {"green", "<circle r=\"7\"/>"},
    {"red", "<rect x=\"-6.5\" y=\"-6.5\" width=\"13\" height=\"13\"/>"},
    {"mixed", "<path d=\"M0 -8.5L8.5 0 0 8.5-8.5 0Z\"/>"},
    {"proposed_only", "<path d=\"M0 -8L7.5 6H-7.5Z\"/>"},
    {"not_addressed", "<circle r=\"5.5\"/>"},
    {"no_document", "<rect x=\"-5\" y=\"-5\" width=\"10\" height=\"10\"/>"},
    {"blocked", "<path d=\"M-6 -6L6 6M6 -6L-6 6\"/>"},
    {"not_crawled", "<circle r=\"3\"/>"},
}};

std::string css_state(std::string_view state) {
  std::string s(state);
  for (char& c : s) {
    if (c == '_') c = '-';
  }
  return "st-" + s;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

bool to_number(std::string_view s, double& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

std::string fmt1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// The state of a matrix cell: the Api's state, else one derived from the verdict.
std::string cell_state(const query::MatrixRow& r, size_t column) {
  std::string s = column < r.states.size() ? r.states[column] : "";
  if (s.empty() && column < r.cells.size()) s = r.cells[column];
  if (s == "absent") return "not_addressed";
  if (s == "no document") return "no_document";
  for (const auto& m : kMarks) {
    if (m.state == s) return s;
  }
  return "not_crawled";
}

}  // namespace

const MapGeometry::Point* MapGeometry::find(std::string_view town) const {
  for (const auto& p : points) {
    if (p.town == town) return &p;
  }
  return nullptr;
}

Result<MapGeometry> parse_map_geometry(std::string_view text) {
  MapGeometry g;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    if (line[0] == '#') {
      line.remove_prefix(1);
      if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
      g.provenance.emplace_back(line);
      continue;
    }
    auto bad = [&](std::string_view why) {
      return make_error(ErrorCode::kParse, "map geometry line " + std::to_string(line_no) + ": " + std::string(why));
    };
    const auto f = split_tabs(line);
    double x = 0, y = 0;
    if (f[0] == "V" && f.size() == 3 && to_number(f[1], x) && to_number(f[2], y) && x > 0 && y > 0) {
      g.width = static_cast<int>(x);
      g.height = static_cast<int>(y);
    } else if (f[0] == "C" && f.size() == 3 && !f[1].empty()) {
      g.counties.push_back({std::string(f[1]), std::string(f[2])});
    } else if (f[0] == "T" && f.size() == 5 && !f[1].empty() && to_number(f[2], x) && to_number(f[3], y)) {
      g.points.push_back({std::string(f[1]), std::string(f[4]), x, y});
    } else if (f[0] == "N" && f.size() == 3 && !f[1].empty()) {
      g.unplaced.push_back({std::string(f[1]), std::string(f[2])});
    } else {
      return bad("expected V, C, T or N with its fields, tab-separated");
    }
  }
  if (g.width <= 0) return make_error(ErrorCode::kParse, "map geometry has no viewBox line (V)");
  return g;
}

Result<MapGeometry> builtin_map_geometry() { return parse_map_geometry(pi_web_map_txt); }

HttpResponse map_page(const Params& p, Api& api) {
  for (const auto& [k, v] : p.items) {
    if (k != "q" && k != "provision") {
      return error_page(400, "Please check the request",
                        "unknown parameter '" + k + "' (the map takes q= for a question or provision= for a provision)");
    }
  }
  auto geo = builtin_map_geometry();
  if (!geo) return api_error_page(geo.error());
  auto tax = load_taxonomy(api);
  if (!tax) return api_error_page(tax.error());
  auto out = api.matrix();
  if (!out) return api_error_page(out.error());
  if (out->columns.empty()) return error_page(500, "Something went wrong", "The statewide table has no questions.");

  // The chosen column: q= a question (Q3) or provision= an id; a provision behind a
  // question picks the question's column. Q1 when neither.
  const std::string want = p.has("provision") ? p.get("provision") : p.get("q");
  size_t col = 0;
  if (!want.empty()) {
    bool found = false;
    for (size_t i = 0; i < out->columns.size() && !found; ++i) {
      if (out->columns[i].key == want || out->columns[i].provision == want) {
        col = i;
        found = true;
      }
    }
    if (!found) {
      return error_page(400, "Please check the request",
                        "There is no question or provision '" + want +
                            "'. Choose one from the list on the map page (Q1 to Q7, or a provision id).");
    }
  }
  // "Q3 · Holding people on ICE detainers", a provision's label, or the column's own title.
  auto label_of = [&](const query::MatrixColumn& c) {
    std::string shown = tax->display(c.key);
    if (shown == c.key && !c.title.empty()) shown += " · " + c.title;
    return shown;
  };
  const query::MatrixColumn& column = out->columns[col];
  const std::string title = label_of(column);

  std::map<std::string, size_t> counts;
  for (const auto& r : out->rows) ++counts[cell_state(r, col)];

  std::string m;
  m.reserve(200000);
  m += "<h1>Map of Massachusetts</h1>\n<p class=\"lead\">Each municipality is a mark, coloured and shaped by what its "
       "documents say on the chosen question. Select a mark, or a name in the table, for the town's page. "
       "The table beside the map (below it on a small screen) gives the same facts.</p>\n";
  m += "<form class=\"map-pick\" action=\"/map\" method=\"get\"><label for=\"map-q\">Question or provision</label> "
       "<select id=\"map-q\" name=\"q\">";
  for (const auto& c : out->columns) {
    m += "<option value=\"" + html_escape(c.key) + "\"" + (&c == &column ? " selected" : "") + ">" + html_escape(label_of(c)) +
         "</option>";
  }
  m += "</select> <button type=\"submit\">Show</button></form>\n";
  m += "<h2 id=\"map-showing\">" + html_escape(title) + "</h2>\n";

  // Legend: the mark, the word, how many.
  m += "<ul class=\"map-legend\" aria-label=\"Legend\">";
  for (const auto& mk : kMarks) {
    const auto n = counts.count(std::string(mk.state)) ? counts[std::string(mk.state)] : 0;
    m += "<li class=\"" + css_state(mk.state) + "\"><svg class=\"key\" viewBox=\"-9 -9 18 18\" aria-hidden=\"true\">" +
         std::string(mk.shape) + "</svg>" + verdict_badge(mk.state) + " <span class=\"n\">" + std::to_string(n) +
         "</span></li>";
  }
  m += "</ul>\n";

  // The map.
  m += "<div class=\"map-layout\">\n<figure class=\"map-figure\">\n<p class=\"map-skip\"><a href=\"#map-table-cap\">Skip the map's "
       "links to the table</a></p>\n<svg class=\"map\" viewBox=\"0 0 " +
       std::to_string(geo->width) + " " + std::to_string(geo->height) +
       "\" role=\"group\" aria-labelledby=\"map-title\"><title id=\"map-title\">Map of the municipalities of Massachusetts: " +
       html_escape(title) + "</title>\n<defs>";
  for (const auto& mk : kMarks) m += "<g id=\"m-" + std::string(mk.state) + "\">" + std::string(mk.shape) + "</g>";
  m += "</defs>\n<g class=\"map-counties\" aria-hidden=\"true\">";
  for (const auto& c : geo->counties) {
    m += "<path d=\"" + html_escape(c.path) + "\"><title>" + html_escape(c.name) + " County</title></path>";
  }
  m += "</g>\n<g class=\"map-towns\">\n";
  size_t placed = 0;
  std::vector<const query::MatrixRow*> unplaced;
  for (const auto& r : out->rows) {
    const MapGeometry::Point* pt = geo->find(r.town);
    if (pt == nullptr) {
      unplaced.push_back(&r);
      continue;
    }
    ++placed;
    const std::string st = cell_state(r, col);
    m += "<a href=\"/town/" + html_escape(url_encode(r.town)) + "\" class=\"" + css_state(st) + "\"><title>" +
         html_escape(r.town) + ": " + verdict_word(st) + "</title><use href=\"#m-" + st + "\" x=\"" + fmt1(pt->x) +
         "\" y=\"" + fmt1(pt->y) + "\"/></a>\n";
  }
  m += "</g></svg>\n<figcaption>" + std::to_string(placed) + " of " + std::to_string(out->rows.size()) +
       " municipalities are on the map";
  if (!unplaced.empty()) {
    m += "; " + std::to_string(unplaced.size()) +
         (unplaced.size() == 1 ? " has no position in the packaged data and is" : " have no position in the packaged data and are") +
         " in the table only: ";
    for (size_t i = 0; i < unplaced.size(); ++i) m += (i ? ", " : "") + town_link(unplaced[i]->town);
  }
  m += ".</figcaption>\n</figure>\n";

  // The table: the same facts, one row per municipality.
  m += "<div class=\"table-wrap map-table-wrap\" role=\"region\" aria-labelledby=\"map-table-cap\" tabindex=\"0\">"
       "<table class=\"map-table\"><caption id=\"map-table-cap\">Every municipality: " + html_escape(title) +
       "</caption><thead><tr><th scope=\"col\">Municipality</th><th scope=\"col\">County</th><th scope=\"col\">State</th>"
       "<th scope=\"col\">Mapped</th></tr></thead><tbody>\n";
  for (const auto& r : out->rows) {
    const std::string st = cell_state(r, col);
    const MapGeometry::Point* pt = geo->find(r.town);
    const std::string where = pt == nullptr ? "no position" : pt->source == "zip" ? "yes (ZIP code point)" : "yes";
    m += "<tr class=\"" + css_state(st) + "\"><th scope=\"row\">" + town_link(r.town) + "</th><td>" + html_escape(r.county) +
         "</td><td>" + verdict_badge(st) + "</td><td>" + html_escape(where) + "</td></tr>\n";
  }
  m += "</tbody></table></div>\n</div>\n";

  m += "<details class=\"map-about\"><summary>About the map data</summary><p>";
  for (const auto& line : geo->provenance) m += html_escape(line) + "\n";
  m += "</p>";
  if (!geo->unplaced.empty()) {
    m += "<p>Municipalities without a position in this data, and why:</p><ul>";
    for (const auto& u : geo->unplaced) m += "<li>" + town_link(u.town) + ": " + html_escape(u.reason) + "</li>";
    m += "</ul>";
  }
  m += "</details>\n";
  return html_response(200, layout({"Map: " + title, "map", "", ""}, m));
}

}  // namespace policyindex::serve::web
