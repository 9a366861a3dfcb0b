// Search: Xapian's QueryParser with field prefixes, exact facet counts over the whole match
// set (multi-valued facets included), snippets, paging, several databases as one.
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "index/index.h"
#include "query/internal.h"

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

// Field values go through a FieldProcessor so that town names are matched forgivingly and
// unknown values become errors rather than silent empty results. Xapian's parser cannot
// carry our error out, so the processor records it and the caller checks afterwards.
class ResolvingProcessor : public Xapian::FieldProcessor {
 public:
  using Fn = std::function<Result<std::string>(std::string_view)>;
  ResolvingProcessor(std::string prefix, Fn fn, std::optional<Error>* error)
      : prefix_(std::move(prefix)), fn_(std::move(fn)), error_(error) {}
  Xapian::Query operator()(const std::string& value) override {
    auto r = fn_(value);
    if (!r) {
      if (!*error_) *error_ = r.error();
      return Xapian::Query(prefix_ + value);
    }
    return Xapian::Query(prefix_ + *r);
  }

 private:
  std::string prefix_;
  Fn fn_;
  std::optional<Error>* error_;
};

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

// Splits the joined multi-values of a facet slot and adds their counts up.
void count_into(const Xapian::ValueCountMatchSpy& spy, std::map<std::string, Xapian::doccount>& out) {
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    const std::string joined = *it;
    const Xapian::doccount n = it.get_termfreq();
    size_t start = 0;
    while (start <= joined.size()) {
      size_t end = joined.find(ix::kMultiValueSeparator, start);
      if (end == std::string::npos) end = joined.size();
      if (end > start) out[joined.substr(start, end - start)] += n;
      start = end + 1;
    }
  }
}

Json facet_json(const std::map<std::string, Xapian::doccount>& counts) {
  std::vector<std::pair<std::string, Xapian::doccount>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  Json o = Json::object();
  for (const auto& [k, n] : v) o[k] = n;
  return o;
}

Xapian::Database open_one(const std::string& spec) {
  // tcp:HOST:PORT — a remote database served by xapian-tcpsrv.
  if (spec.rfind("tcp:", 0) == 0) {
    auto colon = spec.rfind(':');
    std::string host = spec.substr(4, colon - 4);
    unsigned port = static_cast<unsigned>(std::stoul(spec.substr(colon + 1)));
    return Xapian::Remote::open(host, port);
  }
  return Xapian::Database(spec);  // a directory or a stub file
}

}  // namespace

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

struct Searcher::Impl {
  std::vector<std::string> paths;
  Xapian::Database db;
  Xapian::Stem stemmer{"english"};
  bool remote = false;
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::open(const std::vector<std::string>& paths) {
  auto impl = std::make_unique<Impl>();
  impl->paths = paths;
  for (const auto& p : paths) {
    try {
      impl->db.add_database(open_one(p));
      if (p.rfind("tcp:", 0) == 0) impl->remote = true;
    } catch (const Xapian::DatabaseOpeningError& e) {
      return make_error(ErrorCode::kNotFound, p + ": no index here (run `policyindex index`): " + e.get_msg());
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::kIndex, p + ": " + e.get_description());
    } catch (const std::exception& e) {
      return make_error(ErrorCode::kInvalidArgument, p + ": " + e.what());
    }
  }
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

Result<Json> Searcher::search(const SearchRequest& req, const Resolvers& resolvers) {
  constexpr unsigned kFlags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PURE_NOT |
                              Xapian::QueryParser::FLAG_WILDCARD;
  std::string trimmed = req.query;
  trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
  trimmed.erase(trimmed.find_last_not_of(" \t\r\n") + 1);
  const bool any_filter = !req.towns.empty() || !req.counties.empty() || !req.provisions.empty() ||
                          !req.stances.empty() || !req.types.empty() || !req.cites.empty();
  if (trimmed.empty() && !any_filter) {
    return make_error(ErrorCode::kInvalidArgument,
                      "empty query: give search words or a filter (town, county, provision, "
                      "stance, type, cites)");
  }
  if (req.limit > 1000) {
    return make_error(ErrorCode::kInvalidArgument, "limit " + std::to_string(req.limit) + " is over 1000");
  }
  std::string text;
  if (!trimmed.empty()) {
    auto pre = preprocess_query(trimmed);
    if (!pre) return tl::make_unexpected(pre.error());
    text = *pre;
  }

  // Filters from the request: OR within a facet, AND across facets.
  std::vector<Xapian::Query> filters;
  auto add_filter = [&](const std::vector<std::string>& values, std::string_view prefix,
                        const std::function<Result<std::string>(std::string_view)>& fn) -> Status {
    if (values.empty()) return {};
    std::vector<Xapian::Query> terms;
    for (const auto& v : values) {
      auto r = fn(v);
      if (!r) return tl::make_unexpected(r.error());
      terms.emplace_back(std::string(prefix) + *r);
    }
    filters.emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
    return {};
  };
  if (auto st = add_filter(req.towns, ix::kPrefixTown, resolvers.town); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.counties, ix::kPrefixCounty, resolvers.county); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.provisions, ix::kPrefixProvision, resolvers.provision); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.stances, ix::kPrefixStance, stance_value); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.types, ix::kPrefixType, plain_value); !st) return tl::make_unexpected(st.error());
  if (auto st = add_filter(req.cites, ix::kPrefixCite, plain_value); !st) return tl::make_unexpected(st.error());

  auto& db = impl_->db;
  for (int attempt = 0;; ++attempt) {
    try {
      // A long-lived reader (the HTTP server) sees what `policyindex index` committed since
      // the last search; reopen() only checks the revision when nothing changed.
      if (attempt == 0) db.reopen();
      std::optional<Error> field_error;
      Xapian::QueryParser qp;
      qp.set_stemmer(impl_->stemmer);
      qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);
      qp.set_default_op(Xapian::Query::OP_AND);
      qp.set_database(db);
      auto proc = [&](std::string_view prefix, ResolvingProcessor::Fn fn) {
        return (new ResolvingProcessor(std::string(prefix), std::move(fn), &field_error))->release();
      };
      qp.add_boolean_prefix("town", proc(ix::kPrefixTown, resolvers.town));
      qp.add_boolean_prefix("county", proc(ix::kPrefixCounty, resolvers.county));
      qp.add_boolean_prefix("provision", proc(ix::kPrefixProvision, resolvers.provision));
      qp.add_boolean_prefix("stance", proc(ix::kPrefixStance, stance_value));
      qp.add_boolean_prefix("type", proc(ix::kPrefixType, plain_value));
      qp.add_boolean_prefix("cites", proc(ix::kPrefixCite, plain_value));
      qp.add_boolean_prefix("cite", proc(ix::kPrefixCite, plain_value));
      qp.add_boolean_prefix("year", proc(ix::kPrefixYear, plain_value));
      qp.add_prefix("legal", proc(ix::kPrefixLegal, legal_value));
      // Ranges over value slots: date:2024-01-01..2025-06-30 (ISO dates compare as strings),
      // population:..20000.
      qp.add_rangeprocessor((new Xapian::RangeProcessor(ix::kSlotDate, "date:"))->release());
      qp.add_rangeprocessor((new Xapian::NumberRangeProcessor(ix::kSlotPopulation, "population:"))->release());

      Xapian::Query query = Xapian::Query::MatchAll;
      bool ranked = false;
      std::string corrected;
      if (!text.empty()) {
        query = qp.parse_query(text, kFlags);
        if (field_error) {
          return make_error(ErrorCode::kInvalidArgument,
                            "bad query '" + req.query + "': " + field_error->message);
        }
        if (query.empty()) {
          if (!any_filter) {
            return make_error(ErrorCode::kInvalidArgument,
                              "bad query '" + req.query + "': no searchable words in it");
          }
          query = Xapian::Query::MatchAll;
        }
        for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
          const std::string term = *t;
          if (term.empty() || term[0] == 'Z' || term.rfind(ix::kPrefixLegal, 0) == 0 ||
              std::islower(static_cast<unsigned char>(term[0]))) {
            ranked = true;
          }
        }
      }
      if (!filters.empty()) {
        query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                              Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
      }

      Xapian::Enquire enquire(db);
      enquire.set_query(query);
      if (!ranked) enquire.set_sort_by_value(ix::kSlotSortKey, false);
      Xapian::ValueCountMatchSpy spy_town(ix::kSlotFacetTown), spy_county(ix::kSlotFacetCounty),
          spy_type(ix::kSlotFacetType), spy_prov(ix::kSlotFacetProvision),
          spy_stance(ix::kSlotFacetStance), spy_cite(ix::kSlotFacetCite);
      for (auto* spy : {&spy_town, &spy_county, &spy_type, &spy_prov, &spy_stance, &spy_cite}) {
        enquire.add_matchspy(spy);
      }
      // checkatleast = the whole database: the matcher examines every match, so the spies
      // see the whole match set and the counts (and the total) are exact, not sampled.
      const Xapian::doccount all = std::max<Xapian::doccount>(db.get_doccount(), 1);
      Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(req.offset),
                                           static_cast<Xapian::doccount>(req.limit), all);

      Json out;
      out["query"] = req.query;
      out["total"] = mset.get_matches_estimated();
      out["offset"] = req.offset;
      out["limit"] = req.limit;
      // Spelling suggestions cost a lookup per word: only when nothing matched (and not
      // over the remote backend, which has no spelling table).
      if (mset.get_matches_estimated() == 0 && !text.empty() && !impl_->remote) {
        qp.parse_query(text, kFlags | Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
        corrected = qp.get_corrected_query_string();
      }
      out["suggestion"] = (!corrected.empty() && corrected != text) ? corrected : "";
      Json hits = Json::array();
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        Xapian::Document doc = it.get_document();
        Json data = Json::parse(doc.get_data(), nullptr, false);
        if (data.is_discarded()) continue;
        const std::string body = data.value("text", "");
        Json hit;
        for (const char* k : {"section_id", "document_id", "town", "county", "doc_type", "title",
                              "url", "number", "heading", "page"}) {
          hit[k] = data.contains(k) ? data[k] : Json(nullptr);
        }
        hit["snippet"] = mset.snippet(body, 300, impl_->stemmer, Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                      "<b>", "</b>", "…");
        Json provs = Json::array();
        for (const auto& p : data.value("provisions", Json::array())) {
          if (p.is_array() && p.size() == 2) provs.push_back({{"provision", p[0]}, {"stance", p[1]}});
        }
        hit["provisions"] = provs;
        hit["cites"] = data.value("cites", Json::array());
        hit["rank"] = it.get_rank() + 1;
        hit["score"] = ranked ? it.get_percent() : 0;
        hits.push_back(std::move(hit));
      }
      out["hits"] = std::move(hits);
      std::map<std::string, Xapian::doccount> c_town, c_county, c_prov, c_stance, c_type, c_cite;
      count_into(spy_town, c_town);
      count_into(spy_county, c_county);
      count_into(spy_prov, c_prov);
      count_into(spy_stance, c_stance);
      count_into(spy_type, c_type);
      count_into(spy_cite, c_cite);
      out["facets"] = {{"town", facet_json(c_town)},   {"county", facet_json(c_county)},
                       {"provision", facet_json(c_prov)}, {"stance", facet_json(c_stance)},
                       {"doc_type", facet_json(c_type)}, {"cites", facet_json(c_cite)}};
      return out;
    } catch (const Xapian::DatabaseModifiedError&) {
      // A writer committed while we read: reopen at the new revision and run again.
      if (attempt >= 3) return make_error(ErrorCode::kIndex, "the index kept changing while searching");
      db.reopen();
    } catch (const Xapian::QueryParserError& e) {
      return make_error(ErrorCode::kInvalidArgument, "bad query '" + req.query + "': " + e.get_msg());
    } catch (const Xapian::NetworkError& e) {
      return make_error(ErrorCode::kNetwork, "remote index: " + e.get_description());
    } catch (const Xapian::Error& e) {
      return make_error(ErrorCode::kIndex, "search '" + req.query + "': " + e.get_description());
    }
  }
}

}  // namespace policyindex::query::detail
