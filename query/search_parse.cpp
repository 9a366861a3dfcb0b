// Parsing a user's query (preprocessing, field processors that resolve towns, provisions
// and counties) and opening the databases a search runs over.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/utf8.h"
#include "query/search_parts.h"

namespace policyindex::query::detail {
namespace {

namespace ix = policyindex::index;

constexpr std::string_view kKnownFields[] = {"town", "county", "provision", "stance", "type",
                                              "cites", "cite", "year", "date", "population", "legal"};

bool is_known_field(std::string_view f) {
  return std::find(std::begin(kKnownFields), std::end(kKnownFields), f) != std::end(kKnownFields);
}

std::string known_fields_list() {
  std::string s;
  for (auto f : kKnownFields) {
    if (f == "cite" || f == "legal") continue;
    if (!s.empty()) s += " ";
    s += std::string(f) + ":";
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ---------------------------------------------------------------------------------------
// Opening databases


Xapian::Database open_remote(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("remote shard '" + host_port + "' is not HOST:PORT");
  std::string host = host_port.substr(0, colon);
  unsigned port = static_cast<unsigned>(std::stoul(host_port.substr(colon + 1)));
  return Xapian::Remote::open(host, port);
}

}  // namespace

Xapian::Query ResolvingProcessor::operator()(const std::string& value) {
  auto r = fn_(value);
  if (!r) {
    if (!*error_) *error_ = r.error();
    return Xapian::Query(prefix_ + value);
  }
  return Xapian::Query(prefix_ + *r);
}

Result<std::string> plain_value(std::string_view v) {
  if (v.empty()) return make_error(ErrorCode::kInvalidArgument, "empty field value");
  return ix::facet_term(v);
}

Result<std::string> stance_value(std::string_view v) {
  std::string s = lower(v);
  if (s == "protective" || s == "permissive" || s == "neutral") return s;
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown stance '" + std::string(v) + "'; use protective, permissive or neutral");
}

Result<std::string> legal_value(std::string_view v) {
  std::string s;
  for (char c : v) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (s.empty()) return make_error(ErrorCode::kInvalidArgument, "empty legal: value");
  return s;
}
// Opens SPEC as one or more shards: a database directory, "tcp:HOST:PORT" (a remote
// database served by xapian-tcpsrv), or a Xapian stub file, whose lines (auto/glass/chert
// PATH, remote HOST:PORT) become shards of their own so that local ones get facet tables.
void open_shards(const std::string& spec, std::vector<Shard>& out, int depth) {
  if (spec.rfind("tcp:", 0) == 0) {
    out.push_back({open_remote(spec.substr(4)), false});
    return;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(spec, ec) || depth > 4) {
    out.push_back({Xapian::Database(spec), fs::is_directory(spec, ec)});
    return;
  }
  Xapian::Database whole(spec);  // Xapian's own reading of the stub: errors, and the shard count
  std::vector<Shard> parts;
  std::ifstream in(spec);
  std::string line;
  bool understood = true;
  while (understood && std::getline(in, line)) {
    std::istringstream words(line);
    std::string type, rest;
    if (!(words >> type) || type[0] == '#') continue;
    std::getline(words >> std::ws, rest);
    if (type == "auto" || type == "glass" || type == "chert") {
      fs::path p(rest);
      if (p.is_relative()) p = fs::path(spec).parent_path() / p;
      open_shards(p.string(), parts, depth + 1);
    } else if (type == "remote" && !rest.empty() && rest[0] != ':') {
      parts.push_back({open_remote(rest), false});
    } else {
      understood = false;
    }
  }
  if (understood && parts.size() == whole.size()) {
    for (auto& p : parts) out.push_back(std::move(p));
  } else {
    out.push_back({whole, false});  // searched as Xapian opened it; facets by value spies
  }
}

Result<std::string> preprocess_query(std::string_view input) {
  // Curly quotes are what word processors and phones type.
  std::string q;
  for (size_t i = 0; i < input.size(); ++i) {
    if (input.compare(i, 3, "\xE2\x80\x9C") == 0 || input.compare(i, 3, "\xE2\x80\x9D") == 0) {
      q += '"';
      i += 2;
    } else {
      q += input[i];
    }
  }
  if (std::count(q.begin(), q.end(), '"') % 2 != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "bad query '" + std::string(input) + "': unbalanced quotes");
  }
  // Legal tokens outside phrases become legal:TOKEN (ORed with the words of the token, so
  // that the section text written differently still matches through the normalized term).
  std::string out;
  auto tokens = ix::find_legal_tokens(q);
  size_t pos = 0;
  for (const auto& t : tokens) {
    size_t quotes_before = static_cast<size_t>(std::count(q.begin(), q.begin() + static_cast<long>(t.begin), '"'));
    if (quotes_before % 2 != 0) continue;  // inside a phrase: leave as typed
    // Only whole words: the token must not be glued to a field prefix ("town:...").
    if (t.begin > 0 && q[t.begin - 1] == ':') continue;
    out.append(q, pos, t.begin - pos);
    out += "legal:" + t.terms.front();
    pos = t.end;
  }
  out.append(q, pos, std::string::npos);
  // Unknown field prefixes and unbalanced parentheses, outside phrases.
  bool in_phrase = false;
  int depth = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (c == '"') {
      in_phrase = !in_phrase;
      continue;
    }
    if (in_phrase) continue;
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) break;
    if (c == ':' && i > 0 && std::isalpha(static_cast<unsigned char>(out[i - 1]))) {
      size_t b = i;
      while (b > 0 && (std::isalnum(static_cast<unsigned char>(out[b - 1])) || out[b - 1] == '_')) --b;
      std::string field = out.substr(b, i - b);
      bool at_word_start = b == 0 || std::isspace(static_cast<unsigned char>(out[b - 1])) ||
                           out[b - 1] == '(' || out[b - 1] == '+' || out[b - 1] == '-';
      if (at_word_start && !is_known_field(lower(field))) {
        return make_error(ErrorCode::kInvalidArgument,
                          "bad query '" + std::string(input) + "': unknown field '" + field +
                              ":'; known fields: " + known_fields_list());
      }
      if (i + 1 >= out.size() || std::isspace(static_cast<unsigned char>(out[i + 1]))) {
        return make_error(ErrorCode::kInvalidArgument,
                          "bad query '" + std::string(input) + "': '" + field + ":' needs a value");
      }
    }
  }
  if (depth != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "bad query '" + std::string(input) + "': unbalanced parentheses");
  }
  return ix::fold_text(out, false);
}

}  // namespace policyindex::query::detail
