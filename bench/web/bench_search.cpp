// Micro-benchmark of the uncached search path alone (no HTTP): the /api/search requests of
// bench/web/queries.lua, run in turn on one thread, with the CPU time per search.
//
//   bench_search INDEX_DIR QUERIES_LUA [ROUNDS]
//
// Three ways of counting facets and the total (Searcher::CountPasses): in the ranked BM25
// pass over every match (one pass); in a pass without weights before a ranked pass that may
// stop at its page (two passes); from the terms' posting lists where the query is plain
// boolean algebra, before that ranked pass (postings, the default). Checks that all three
// give the same bytes for every request, then times each, alternating.
#include <time.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "index/index.h"
#include "query/internal.h"
#include "query/query.h"
#include "render/render.h"

using namespace policyindex;
using Passes = query::detail::Searcher::CountPasses;

namespace {

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<query::SearchRequest> read_requests(const std::string& lua) {
  std::ifstream in(lua);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  std::vector<query::SearchRequest> out;
  std::regex path("\"/api/search\\?([^\"]*)\"");
  for (std::sregex_iterator it(all.begin(), all.end(), path), end; it != end; ++it) {
    query::SearchRequest r;
    std::stringstream params((*it)[1].str());
    std::string kv;
    while (std::getline(params, kv, '&')) {
      const auto eq = kv.find('=');
      const std::string k = kv.substr(0, eq), v = url_decode(kv.substr(eq + 1));
      if (k == "q") r.query = v;
      else if (k == "limit") r.limit = std::stoul(v);
      else if (k == "offset") r.offset = std::stoul(v);
      else if (k == "provision") r.provisions.push_back(v);
      else if (k == "stance") r.stances.push_back(v);
      else if (k == "county") r.counties.push_back(v);
      else if (k == "type") r.types.push_back(v);
      else if (k == "cites") r.cites.push_back(v);
      else if (k == "town") r.towns.push_back(v);
    }
    out.push_back(r);
  }
  return out;
}

double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_search INDEX_DIR QUERIES_LUA [ROUNDS]\n");
    return 2;
  }
  const int rounds = argc > 3 ? std::stoi(argv[3]) : 200;
  const auto requests = read_requests(argv[2]);
  if (requests.empty()) {
    std::fprintf(stderr, "%s: no /api/search requests in it\n", argv[2]);
    return 1;
  }
  query::detail::Resolvers res;
  res.town = [](std::string_view v) -> Result<std::string> { return index::town_term(v); };
  res.county = [](std::string_view v) -> Result<std::string> { return index::facet_term(v); };
  res.provision = [](std::string_view v) -> Result<std::string> { return index::facet_term(v); };
  constexpr int kModes = 4;
  const char* names[kModes] = {"one pass", "two passes", "postings", "all postings"};
  const Passes modes[kModes] = {Passes::kOnePass, Passes::kTwoPass, Passes::kPostings, Passes::kAllPostings};
  std::vector<std::unique_ptr<query::detail::Searcher>> searchers;
  for (int m = 0; m < kModes; ++m) {
    auto s = query::detail::Searcher::open({argv[1]});
    if (!s) {
      std::fprintf(stderr, "%s: %s\n", argv[1], s.error().message.c_str());
      return 1;
    }
    (*s)->set_count_passes(modes[m]);
    searchers.push_back(std::move(*s));
  }
  // Warm up (facet tables, page cache) and compare the answers.
  for (const auto& r : requests) {
    std::string first;
    for (int m = 0; m < kModes; ++m) {
      auto a = searchers[m]->search(r, res);
      if (!a) {
        std::fprintf(stderr, "search '%s' failed: %s\n", r.query.c_str(), a.error().message.c_str());
        return 1;
      }
      const std::string bytes = render::json(*a);
      if (m == 0) first = bytes;
      else if (bytes != first) {
        std::fprintf(stderr, "DIFFERENT answers for '%s' (%s)\n", r.query.c_str(), names[m]);
        return 1;
      }
    }
  }
  std::printf("%zu requests: the four ways give the same bytes\n", requests.size());
  std::vector<std::vector<double>> per_query(kModes, std::vector<double>(requests.size(), 0));
  std::vector<double> total(kModes, 0);
  for (int round = 0; round < rounds; ++round) {
    for (int m = 0; m < kModes; ++m) {
      for (size_t i = 0; i < requests.size(); ++i) {
        const double t0 = cpu_ms();
        auto out = searchers[m]->search(requests[i], res);
        if (!out) return 1;
        const std::string bytes = render::json(*out);  // the answer as the server sends it
        const double dt = cpu_ms() - t0;
        if (bytes.empty()) return 1;
        per_query[m][i] += dt;
        total[m] += dt;
      }
    }
  }
  const double n = static_cast<double>(rounds);
  std::printf("CPU ms per search:                         one pass  two passes  postings  all postings\n");
  for (size_t i = 0; i < requests.size(); ++i) {
    std::string label = requests[i].query;
    for (const auto* f : {&requests[i].provisions, &requests[i].stances, &requests[i].counties, &requests[i].types,
                          &requests[i].cites}) {
      for (const auto& v : *f) label += " [" + v + "]";
    }
    std::printf("%-42s %9.3f %11.3f %9.3f %13.3f\n", label.c_str(), per_query[0][i] / n, per_query[1][i] / n,
                per_query[2][i] / n, per_query[3][i] / n);
  }
  const double q = n * static_cast<double>(requests.size());
  std::printf("%-42s %9.3f %11.3f %9.3f %13.3f\n", "mean", total[0] / q, total[1] / q, total[2] / q, total[3] / q);
  return 0;
}
