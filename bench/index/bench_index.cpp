// Index and search benchmark on synthetic sections (see bench/README.md).
//
//   bench_index generate WORK N   catalog rows for N sections in WORK/data, and the same
//                                 texts as files under WORK/texts (for omindex)
//   bench_index index WORK [rebuild] [nospell] [dir=PATH]
//                                 policyindex's incremental writer, timed
//   bench_index query WORK Q      Q searches: two mid-frequency words + a provision filter,
//                                 exact facet counts, 10 hits with snippets; p50/p99
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "corpus/corpus.h"
#include "index/index.h"
#include "query/query.h"
#include "render/render.h"

using namespace policyindex;
namespace fs = std::filesystem;

namespace {

constexpr size_t kVocabulary = 30000;
constexpr int kSectionsPerDoc = 10;

std::vector<std::string> make_vocabulary() {
  const char* syll[] = {"ka", "to", "ri", "men", "sa", "lo", "ver", "di", "nu", "pe", "tor",
                        "ba", "gel", "mo", "ran", "fi", "chu", "les", "ot", "wen", "ast", "il"};
  std::mt19937 rng(1);
  std::vector<std::string> v;
  std::set<std::string> seen;
  while (v.size() < kVocabulary) {
    std::string w;
    int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) w += syll[rng() % (sizeof syll / sizeof *syll)];
    if (w.size() >= 3 && seen.insert(w).second) v.push_back(w);
  }
  return v;
}

struct Zipf {
  std::vector<double> cdf;
  explicit Zipf(size_t n) : cdf(n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) cdf[i] = (s += 1.0 / static_cast<double>(i + 1));
    for (auto& x : cdf) x /= s;
  }
  size_t operator()(std::mt19937& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
  }
};

const char* kProvisions[] = {"status_inquiry", "info_sharing", "detention_on_detainer", "detainer_notice",
                             "enforcement_operations", "local_resources", "287g", "facility_access",
                             "equal_treatment", "u_visa", "school_records", "unlicensed_driving",
                             "registry_programs", "complaints", "reporting", "federal_law_compliance"};
const char* kStances[] = {"protective", "permissive", "neutral"};
const char* kTypes[] = {"ordinance", "bylaw", "police_policy", "policy", "minutes"};
const char* kLegal[] = {"287(g)", "8 U.S.C. \xC2\xA7 1373", "I-247A", "G.L. c. 66, \xC2\xA7 10", "1357(g)"};

int generate(const fs::path& work, size_t n) {
  auto store = corpus::Store::open(work / "data");
  if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
  auto towns = store->catalog().municipalities();
  auto vocab = make_vocabulary();
  Zipf zipf(kVocabulary);
  std::mt19937 rng(7);
  const size_t docs = (n + kSectionsPerDoc - 1) / kSectionsPerDoc;
  size_t written = 0, words_total = 0;
  for (size_t d = 0; d < docs; ++d) {
    const auto& town = (*towns)[d % towns->size()];
    std::string url = "https://bench.example/" + std::to_string(d);
    auto doc = store->catalog().ensure_document(url, town.first, kTypes[d % 5], "Document " + std::to_string(d), "crawl");
    corpus::VersionInput v;
    v.document_id = *doc;
    v.sha256 = corpus::sha256_hex(url);
    v.size = 1;
    v.fetched_at = "2025-0" + std::to_string(1 + d % 9) + "-01T00:00:00Z";
    auto ver = store->catalog().add_version(v);
    corpus::ExtractionRecord rec;
    rec.version_id = ver->version_id;
    rec.type = "text";
    rec.status = "ok";
    rec.tagger_version = "bench";
    for (int s = 0; s < kSectionsPerDoc && written < n; ++s, ++written) {
      corpus::StoredSection sec;
      sec.ord = s;
      sec.key = std::to_string(s + 1);
      sec.number = sec.key;
      sec.heading = vocab[zipf(rng)] + " " + vocab[zipf(rng)];
      size_t len = 120 + rng() % 180;  // 120-300 words, 210 on average
      words_total += len;
      for (size_t w = 0; w < len; ++w) {
        if (w) sec.text += (w % 17 == 0) ? ". " : " ";
        sec.text += vocab[zipf(rng)];
      }
      if (rng() % 20 == 0) sec.text += " under " + std::string(kLegal[rng() % 5]) + ".";
      for (size_t h = 0, nh = rng() % 3; h < nh; ++h) {
        sec.hits.push_back({kProvisions[rng() % 16], kStances[rng() % 3], sec.text.substr(0, 80), 0, 80, "bench"});
      }
      if (rng() % 10 == 0) sec.cites.push_back("8usc1373");
      rec.sections.push_back(sec);
      fs::path file = work / "texts" / std::to_string(written / 1000) / (std::to_string(written) + ".txt");
      fs::create_directories(file.parent_path());
      std::ofstream(file) << sec.heading << "\n\n" << sec.text << "\n";
    }
    if (auto st = store->catalog().store_extraction(rec); !st) {
      return std::fprintf(stderr, "%s\n", st.error().message.c_str()), 1;
    }
  }
  std::printf("generated %zu sections in %zu documents, %.0f words per section on average\n", written, docs,
              static_cast<double>(words_total) / static_cast<double>(written));
  return 0;
}

int run_index(const fs::path& work, const std::vector<std::string>& flags) {
  auto store = corpus::Store::open(work / "data");
  if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
  index::IndexOptions o;
  o.batch_sections = 10000;
  for (const auto& f : flags) {
    if (f == "rebuild") o.rebuild = true;
    if (f == "nospell") o.spelling = false;
    if (f.rfind("dir=", 0) == 0) o.index_dir = f.substr(4);
  }
  auto stats = index::update_index(*store, o);
  if (!stats) return std::fprintf(stderr, "%s\n", stats.error().message.c_str()), 1;
  std::printf("indexed %zu sections in %.1f s: %.0f sections/s\n", stats->sections_added, stats->seconds,
              static_cast<double>(stats->sections_added) / stats->seconds);
  return 0;
}

int run_queries(const fs::path& work, int count) {
  auto api = query::open_api(work / "data");
  if (!api) return std::fprintf(stderr, "%s\n", api.error().message.c_str()), 1;
  auto vocab = make_vocabulary();
  std::mt19937 rng(99);
  std::vector<double> ms, cpu;
  double hits = 0;
  auto thread_cpu_ms = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  for (int i = -50; i < count; ++i) {  // 50 warm-up queries
    query::SearchRequest r;
    // mid-frequency words: Zipf ranks 50..1000
    r.query = vocab[50 + rng() % 950] + " " + vocab[50 + rng() % 950];
    r.provisions = {kProvisions[rng() % 16]};
    r.limit = 10;
    auto t0 = std::chrono::steady_clock::now();
    double c0 = thread_cpu_ms();
    auto result = (*api)->search(r);
    if (!result) return std::fprintf(stderr, "%s\n", result.error().message.c_str()), 1;
    const std::string json = render::json(*result);  // the answer as the server sends it
    const std::string* out = &json;
    double c = thread_cpu_ms() - c0;
    double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (i < 0) continue;
    ms.push_back(t);
    cpu.push_back(c);
    auto pos = out->find("\"total\":");
    hits += std::stod(out->substr(pos + 8));
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  auto pct = [](const std::vector<double>& v, double p) {
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
  };
  std::printf("%d queries (2 words AND + provision filter, exact facets on 6 facets, 10 snippets, JSON): "
              "wall p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; CPU p50 %.2f ms, p99 %.2f ms; "
              "%.0f matches on average\n",
              count, pct(ms, 0.5), pct(ms, 0.9), pct(ms, 0.99), ms.back(), pct(cpu, 0.5), pct(cpu, 0.99),
              hits / count);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_index generate WORK N | index WORK | query WORK COUNT\n");
    return 2;
  }
  std::string cmd = argv[1];
  fs::path work = argv[2];
  if (cmd == "generate" && argc == 4) return generate(work, std::stoul(argv[3]));
  if (cmd == "index") return run_index(work, std::vector<std::string>(argv + 3, argv + argc));
  if (cmd == "query" && argc == 4) return run_queries(work, std::stoi(argv[3]));
  std::fprintf(stderr, "bad arguments\n");
  return 2;
}
