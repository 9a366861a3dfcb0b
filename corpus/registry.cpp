// Registry TSV readers (municipalities.tsv, sources.tsv, sheriffs.tsv). Strict on purpose: a malformed line names its file and line and
// nothing is returned, so a half-loaded registry never reaches the catalog.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "corpus/corpus.h"

extern const char pi_ma_municipalities_tsv[];

namespace policyindex::corpus {
namespace {

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      out.emplace_back(line.substr(start));
      break;
    }
    out.emplace_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A parsed TSV: header columns by name, then the data lines with their line numbers.
struct Table {
  std::map<std::string, size_t> columns;
  size_t width = 0;
  std::vector<std::pair<int, std::vector<std::string>>> rows;
};

Result<Table> parse_tsv(std::string_view text, const std::string& name,
                        const std::vector<std::string>& required) {
  Table table;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lineno == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      line.erase(0, 3);  // a BOM from spreadsheet exports
    }
    if (trim(line).empty() || line[0] == '#') continue;
    auto fields = split_tabs(line);
    if (!have_header) {
      for (size_t i = 0; i < fields.size(); ++i) {
        std::string col = lower(trim(fields[i]));
        if (col.empty()) {
          return make_error(ErrorCode::kParse,
                            name + ":" + std::to_string(lineno) + ": empty column name in header");
        }
        if (!table.columns.emplace(col, i).second) {
          return make_error(ErrorCode::kParse, name + ":" + std::to_string(lineno) +
                                                   ": duplicate column '" + col + "'");
        }
      }
      for (const auto& r : required) {
        if (!table.columns.count(r)) {
          return make_error(ErrorCode::kParse, name + ":" + std::to_string(lineno) +
                                                   ": header lacks the column '" + r + "'");
        }
      }
      table.width = fields.size();
      have_header = true;
      continue;
    }
    if (fields.size() > table.width) {
      return make_error(ErrorCode::kParse,
                        name + ":" + std::to_string(lineno) + ": " +
                            std::to_string(fields.size()) + " fields, the header has " +
                            std::to_string(table.width));
    }
    // Spreadsheets drop trailing empty cells; pad them back.
    fields.resize(table.width);
    for (auto& f : fields) f = trim(f);
    table.rows.emplace_back(lineno, std::move(fields));
  }
  if (!have_header) {
    return make_error(ErrorCode::kParse, name + ": no header line");
  }
  return table;
}

bool is_http_url(std::string_view u) {
  return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
}

// A host name as it may appear in alt_domains: letters, digits, '-' and '.', with a dot.
bool is_host(std::string_view h) {
  if (h.empty() || h.find('.') == std::string_view::npos || h.front() == '.' || h.back() == '.') {
    return false;
  }
  return std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

// "municode:SLUG", "ecode360:CODE", "amlegal:SLUG".
bool is_code_host(std::string_view v) {
  auto colon = v.find(':');
  if (colon == std::string_view::npos) return false;
  auto platform = v.substr(0, colon);
  auto id = v.substr(colon + 1);
  if (platform != "municode" && platform != "ecode360" && platform != "amlegal") return false;
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string part = trim(s.substr(start, end - start));
    if (!part.empty()) out.push_back(std::move(part));
    start = end + 1;
  }
  return out;
}

const std::string& field(const Table& t, const std::vector<std::string>& row,
                         const std::string& col) {
  static const std::string kEmpty;
  auto it = t.columns.find(col);
  return it == t.columns.end() ? kEmpty : row[it->second];
}

Result<std::vector<Municipality>> parse_municipalities(std::string_view text,
                                                       const std::string& name) {
  auto table = parse_tsv(text, name, {"name", "county"});
  if (!table) return tl::make_unexpected(table.error());
  std::vector<Municipality> out;
  std::set<std::string> seen;
  for (const auto& [lineno, row] : table->rows) {
    auto where = name + ":" + std::to_string(lineno) + ": ";
    Municipality m;
    m.name = field(*table, row, "name");
    m.county = field(*table, row, "county");
    m.kind = lower(field(*table, row, "kind"));
    m.website = field(*table, row, "website");
    if (m.name.empty()) return make_error(ErrorCode::kParse, where + "empty name");
    if (m.county.empty()) {
      return make_error(ErrorCode::kParse, where + "'" + m.name + "' has no county");
    }
    if (!m.kind.empty() && m.kind != "city" && m.kind != "town") {
      return make_error(ErrorCode::kParse,
                        where + "kind must be 'city' or 'town', not '" + m.kind + "'");
    }
    const auto& pop = field(*table, row, "population");
    if (!pop.empty()) {
      std::string digits;
      for (char c : pop) {
        if (c != ',' && c != '_') digits += c;
      }
      int64_t value = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || p != digits.data() + digits.size() || value < 0) {
        return make_error(ErrorCode::kParse, where + "population '" + pop + "' is not a number");
      }
      m.population = value;
    }
    if (!m.website.empty() && !is_http_url(m.website)) {
      return make_error(ErrorCode::kParse,
                        where + "website '" + m.website + "' is not an http(s) URL");
    }
    m.police_website = field(*table, row, "police_website");
    if (!m.police_website.empty() && !is_http_url(m.police_website)) {
      return make_error(ErrorCode::kParse, where + "police_website '" + m.police_website +
                                               "' is not an http(s) URL");
    }
    m.code_host = field(*table, row, "code_host");
    if (!m.code_host.empty() && !is_code_host(m.code_host)) {
      return make_error(ErrorCode::kParse,
                        where + "code_host '" + m.code_host +
                            "' is not PLATFORM:ID with PLATFORM municode, ecode360 or amlegal");
    }
    for (auto& host : split(field(*table, row, "alt_domains"), ',')) {
      std::string h = lower(host);
      if (!is_host(h)) {
        return make_error(ErrorCode::kParse,
                          where + "alt_domains entry '" + host + "' is not a host name");
      }
      m.alt_domains.push_back(std::move(h));
    }
    m.provenance = field(*table, row, "provenance");
    for (const auto& part : split(m.provenance, ';')) {
      auto eq = part.find('=');
      std::string col = eq == std::string::npos ? std::string() : lower(trim(part.substr(0, eq)));
      if (eq == std::string::npos || eq + 1 >= part.size()) {
        return make_error(ErrorCode::kParse, where + "provenance '" + part +
                                                 "' is not COLUMN=SOURCE");
      }
      if (!table->columns.count(col)) {
        return make_error(ErrorCode::kParse,
                          where + "provenance names '" + col + "', which is not a column");
      }
    }
    if (!seen.insert(fold_town_name(m.name)).second) {
      return make_error(ErrorCode::kParse, where + "'" + m.name + "' is listed twice");
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

std::string fold_town_name(std::string_view name) {
  std::string s = lower(trim(name));
  for (const char* prefix : {"town of ", "city of "}) {
    if (s.rfind(prefix, 0) == 0) s.erase(0, std::string_view(prefix).size());
  }
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      if (space && !out.empty()) out += ' ';
      out += c;
      space = false;
    } else if (c != '\'' && c != '.') {
      space = true;  // "-", " ", "," separate words; apostrophes and dots vanish
    }
  }
  return out;
}

// The whole of a registry file; "PATH: cannot open" when it cannot be read.
static Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, path.string() + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::vector<Municipality>> read_municipalities(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return tl::make_unexpected(text.error());
  return parse_municipalities(*text, path.string());
}

Result<std::vector<SourceEntry>> read_sources(const std::filesystem::path& path,
                                              const std::vector<Municipality>* known) {
  auto text = read_file(path);
  if (!text) return tl::make_unexpected(text.error());
  const std::string name = path.string();
  auto table = parse_tsv(*text, name, {"municipality", "url"});
  if (!table) return tl::make_unexpected(table.error());
  std::set<std::string> towns;
  if (known) {
    for (const auto& m : *known) towns.insert(fold_town_name(m.name));
  }
  std::vector<SourceEntry> out;
  for (const auto& [lineno, row] : table->rows) {
    auto where = name + ":" + std::to_string(lineno) + ": ";
    SourceEntry s;
    s.municipality = field(*table, row, "municipality");
    s.url = field(*table, row, "url");
    s.doc_type = field(*table, row, "doc_type");
    s.note = field(*table, row, "note");
    if (s.municipality.empty()) return make_error(ErrorCode::kParse, where + "empty municipality");
    if (known && !towns.count(fold_town_name(s.municipality))) {
      return make_error(ErrorCode::kParse,
                        where + "unknown municipality '" + s.municipality + "'");
    }
    if (!is_http_url(s.url)) {
      return make_error(ErrorCode::kParse, where + "url '" + s.url + "' is not an http(s) URL");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<Sheriff>> read_sheriffs(const std::filesystem::path& path,
                                           const std::vector<Municipality>* known) {
  auto text = read_file(path);
  if (!text) return tl::make_unexpected(text.error());
  const std::string name = path.string();
  auto table = parse_tsv(*text, name, {"name", "county"});
  if (!table) return tl::make_unexpected(table.error());
  std::set<std::string> counties;
  if (known) {
    for (const auto& m : *known) counties.insert(lower(m.county));
  }
  std::set<std::string> seen;
  std::vector<Sheriff> out;
  for (const auto& [lineno, row] : table->rows) {
    auto where = name + ":" + std::to_string(lineno) + ": ";
    Sheriff s;
    s.name = field(*table, row, "name");
    s.county = field(*table, row, "county");
    s.website = field(*table, row, "website");
    s.provenance = field(*table, row, "provenance");
    if (s.name.empty()) return make_error(ErrorCode::kParse, where + "empty name");
    if (s.county.empty()) {
      return make_error(ErrorCode::kParse, where + "'" + s.name + "' has no county");
    }
    if (known && !counties.count(lower(s.county))) {
      return make_error(ErrorCode::kParse,
                        where + "county '" + s.county + "' has no municipality in the registry");
    }
    if (!seen.insert(lower(s.county)).second) {
      return make_error(ErrorCode::kParse,
                        where + "county '" + s.county + "' already has a sheriff's office");
    }
    if (!s.website.empty() && !is_http_url(s.website)) {
      return make_error(ErrorCode::kParse,
                        where + "website '" + s.website + "' is not an http(s) URL");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<Registry> read_registry(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path dir = path;
  std::filesystem::path towns_file = path / "municipalities.tsv";
  if (std::filesystem::is_regular_file(path, ec)) {
    towns_file = path;
    dir = path.parent_path();
  } else if (!std::filesystem::is_directory(path, ec)) {
    return make_error(ErrorCode::kNotFound, path.string() + ": no such registry directory");
  }
  Registry reg;
  auto towns = read_municipalities(towns_file);
  if (!towns) return tl::make_unexpected(towns.error());
  reg.municipalities = std::move(*towns);
  auto sources_file = dir / "sources.tsv";
  if (std::filesystem::exists(sources_file, ec)) {
    auto sources = read_sources(sources_file, &reg.municipalities);
    if (!sources) return tl::make_unexpected(sources.error());
    reg.sources = std::move(*sources);
  }
  auto sheriffs_file = dir / "sheriffs.tsv";
  if (std::filesystem::exists(sheriffs_file, ec)) {
    auto sheriffs = read_sheriffs(sheriffs_file, &reg.municipalities);
    if (!sheriffs) return tl::make_unexpected(sheriffs.error());
    reg.sheriffs = std::move(*sheriffs);
  }
  return reg;
}

std::filesystem::path builtin_registry_dir() {
#ifdef PI_SOURCE_DIR
  return std::filesystem::path(PI_SOURCE_DIR) / "corpus" / "massachusetts";
#else
  return "corpus/massachusetts";
#endif
}

// The Massachusetts list compiled into the binary (used to seed a new catalog).
Result<std::vector<Municipality>> builtin_municipalities() {
  return parse_municipalities(pi_ma_municipalities_tsv, "corpus/massachusetts/municipalities.tsv");
}

}  // namespace policyindex::corpus
