// Benchmark: sections tagged per second on a large synthetic corpus.
//   bench_tagger [SECTIONS] [THREADS]
// The corpus is generated (fixed seed): sections of 60..400 words mixing policy sentences
// (prohibitions, permissions, exceptions, citations, fictional towns) with the ordinary
// prose of police manuals and town bylaws, which is most of what a crawl brings in.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "provisions/provisions.h"

using namespace policyindex::provisions;

namespace {

const char* kTowns[] = {"Alderbrook", "Pine Hollow", "Eastmere", "North Quarry", "Wrenfield", "Saltmarsh",
                        "Glenmoor", "Harrow Point", "Marlow Bay", "Ravensford"};

const char* kPolicy[] = {
    "No officer or employee of the {T} Police Department shall inquire about the immigration status of any "
    "victim, witness or suspect, except as required by law.",
    "Officers may detain a person for a reasonable period of time in order to contact federal immigration "
    "officials.",
    "The {T} Police Department will not honor ICE detainer requests unless accompanied by a judicial warrant.",
    "No member of this department will prohibit, or in any way restrict, any other member from sending "
    "information to federal immigration officials (8 U.S.C. § 1373).",
    "Nothing in this bylaw shall be construed to violate any valid federal law, consistent with 8 USC 1373.",
    "No town funds, resources, facilities, property, equipment, or personnel shall be used to assist in the "
    "enforcement of federal immigration law.",
    "The Department shall not enter into an agreement under 8 U.S.C. section 1357(g).",
    "If the Department receives an immigration detainer for a person in its custody, it shall provide the "
    "person with a copy of the detainer.",
    "Consistent with Lunn v. Commonwealth, 477 Mass. 517 (2017), no person shall be held solely on the basis of "
    "a civil immigration detainer.",
    "Requests by federal immigration officials for assistance should be directed to a supervisor. The "
    "Department may provide available support services.",
    "ICE agents shall not be allowed access to individuals in custody, except in response to a judicial warrant.",
    "Records are available under G.L. c. 66, § 10 and G.L. c. 4, § 7 (twenty-sixth).",
};

const char* kFiller[] = {
    "Officers shall wear the approved uniform at all times while on duty.",
    "The shift supervisor is responsible for the daily inspection of patrol vehicles and equipment.",
    "All evidence shall be logged into the property room within the same tour of duty.",
    "The Select Board may appoint such committees as it deems necessary for the conduct of town business.",
    "Snow and ice removal operations on town roads begin when accumulation exceeds two inches.",
    "Members will complete annual in-service training in first aid and the use of force.",
    "The Town Clerk shall keep a record of all votes taken at town meeting.",
    "Radio communications shall be brief, clear and limited to official business.",
    "Any vehicle parked in violation of the winter parking ban may be towed at the owner's expense.",
    "Dispatchers shall answer emergency calls promptly and record the time of each call.",
    "The department maintains mutual aid agreements with neighboring communities for large events.",
    "Personnel files are confidential and maintained by the human resources office.",
};

std::string section(std::mt19937& rng) {
  std::string text;
  int sentences = 4 + int(rng() % 22);
  for (int i = 0; i < sentences; ++i) {
    std::string s = (rng() % 10 < 3) ? kPolicy[rng() % std::size(kPolicy)] : kFiller[rng() % std::size(kFiller)];
    if (auto p = s.find("{T}"); p != std::string::npos) s.replace(p, 3, kTowns[rng() % std::size(kTowns)]);
    text += s;
    text += (i % 4 == 3) ? "\n\n" : " ";
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
  int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  auto tax = Taxonomy::builtin();
  if (!tax) {
    std::fprintf(stderr, "%s\n", tax.error().message.c_str());
    return 1;
  }
  Tagger tagger(*tax);
  std::mt19937 rng(1);
  std::vector<std::string> corpus;
  corpus.reserve(n);
  size_t bytes = 0, words = 0;
  for (size_t i = 0; i < n; ++i) {
    corpus.push_back(section(rng));
    bytes += corpus.back().size();
    for (char c : corpus.back()) words += (c == ' ' || c == '\n');
  }
  std::atomic<size_t> next{0}, hits{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      size_t local = 0;
      for (size_t i; (i = next.fetch_add(1)) < corpus.size();) {
        local += tagger.tag(SectionInput{"", "", corpus[i]}).hits.size();
      }
      hits += local;
    });
  }
  for (auto& th : pool) th.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("sections %zu, %.1f MB, %zu words, threads %d, hits %zu\n", n, bytes / 1e6, words, threads,
              hits.load());
  std::printf("time %.3f s: %.0f sections/s, %.2f MB/s, %.0f words/s\n", secs, n / secs, bytes / 1e6 / secs,
              words / secs);
  return 0;
}
