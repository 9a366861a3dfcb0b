// What kind of document a text is (classify_genre): cue phrases in its title and opening
// words, weighed; the strongest genre wins, ties going to the earlier row of the table.

#include <algorithm>
#include <cctype>
#include <string>

#include "provisions/provisions.h"

namespace policyindex::provisions {

namespace {

struct GenreCues {
  const char* id;
  bool descriptive;
  const char* const* cues;  // lower-case phrases, null-terminated
};

constexpr const char* kMinutes[] = {"minutes of", "meeting minutes", "called to order", "roll call",
                                    "motion to approve", "seconded by", "adjourned", "agenda", nullptr};
constexpr const char* kNews[] = {" said ", " said.", " said,", "according to", "press release", "for immediate release",
                                 "news conference", "told reporters", "reported that", "(ap)", "staff writer", nullptr};
constexpr const char* kGuidance[] = {"frequently asked questions", "faq", "know your rights", "how to file",
                                     "what is the", "staff report", "guidance", "advisory", "this guide", nullptr};
constexpr const char* kExecutiveOrder[] = {"executive order", "do hereby order", "mayoral order", "hereby ordered", nullptr};
constexpr const char* kStateLaw[] = {"be it enacted by the legislature", "a bill to be entitled", "an act relating to",
                                     "senate bill", "house bill", "general laws", "bill summary", "legislature of the state",
                                     nullptr};
constexpr const char* kWarrant[] = {"warrant article", "town meeting", "to see if the town will vote",
                                    "town will vote", "article ", nullptr};
constexpr const char* kResolution[] = {"resolution", "be it resolved", "resolved,", "now, therefore", "whereas", nullptr};
constexpr const char* kAgreement[] = {"memorandum of agreement", "memorandum of understanding", "the parties agree",
                                      "this agreement", nullptr};
constexpr const char* kPolicy[] = {"general order", "directive", "policy and procedure", "operations order", "command order",
                                   "sheriff's office", "police department", "subject:", "effective date", "procedure:",
                                   "jail division", "officers will", "officers shall", nullptr};
constexpr const char* kOrdinance[] = {"ordinance", "bylaw", "by-law", "code of ordinances", "municipal code",
                                      "admin code", "administrative code", "chapter ", "sec. ", "\xC2\xA7", nullptr};

constexpr GenreCues kGenres[] = {
    {"minutes", true, kMinutes},         {"news", true, kNews},
    {"guidance", true, kGuidance},       {"executive_order", false, kExecutiveOrder},
    {"state_law", false, kStateLaw},     {"warrant_article", false, kWarrant},
    {"resolution", false, kResolution},  {"agreement", false, kAgreement},
    {"police_policy", false, kPolicy},   {"ordinance", false, kOrdinance},
};

}  // namespace

Genre classify_genre(std::string_view title, std::string_view text) {
  std::string hay = " ";
  hay.append(title);
  hay += " \n ";
  hay.append(text.substr(0, std::min<size_t>(text.size(), 3000)));
  std::transform(hay.begin(), hay.end(), hay.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  Genre best;
  best.id = "unknown";
  int best_score = 0;
  for (const auto& g : kGenres) {
    int score = 0;
    std::string first;
    for (const char* const* c = g.cues; *c; ++c) {
      size_t n = 0;
      for (size_t pos = hay.find(*c); pos != std::string::npos && n < 5; pos = hay.find(*c, pos + 1)) ++n;
      if (n && first.empty()) first = *c;
      score += int(n);
    }
    if (score > best_score) {
      best_score = score;
      best.id = g.id;
      best.descriptive = g.descriptive;
      // trim the cue's padding for the reason
      size_t a = first.find_first_not_of(' '), b = first.find_last_not_of(" .,");
      best.reason = "'" + first.substr(a, b - a + 1) + "' (" + std::to_string(score) + " cue" + (score > 1 ? "s" : "") + ")";
    }
  }
  return best;
}

}  // namespace policyindex::provisions
