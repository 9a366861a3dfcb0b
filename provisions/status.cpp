// A document's standing (classify_status), its dates (find_dates) and navigation pages
// (navigation_genre). The cue lists are the tables below; each verdict names the cue that
// decided it.

#include "provisions/status.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace policyindex::provisions {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Position of WORD in HAY (lower case) as a whole word (prefix match when WORD ends in '*'),
// from POS; npos when absent.
size_t find_word(const std::string& hay, std::string_view word, size_t pos = 0) {
  const bool prefix = !word.empty() && word.back() == '*';
  if (prefix) word.remove_suffix(1);
  for (size_t at = hay.find(word, pos); at != std::string::npos; at = hay.find(word, at + 1)) {
    const bool left = at == 0 || !is_word_char(hay[at - 1]);
    const size_t end = at + word.size();
    const bool right = prefix || end >= hay.size() || !is_word_char(hay[end]);
    if (left && right) return at;
  }
  return std::string::npos;
}

// The first of CUES found (whole words) in HAY, or "".
std::string first_cue(const std::string& hay, std::initializer_list<std::string_view> cues) {
  size_t best = std::string::npos;
  std::string found;
  for (std::string_view c : cues) {
    size_t at = find_word(hay, c);
    if (at < best) {
      best = at;
      found = std::string(c);
      if (!found.empty() && found.back() == '*') found.pop_back();
    }
  }
  return found;
}

// The phrase around AT in TEXT, one line at most, for reasons.
std::string phrase_at(std::string_view text, size_t at, size_t len) {
  size_t a = at, b = std::min(text.size(), at + len);
  while (a > 0 && at - a < 40 && text[a - 1] != '\n' && text[a - 1] != '.') --a;
  while (b < text.size() && b - at < 110 && text[b] != '\n') ++b;
  std::string out(text.substr(a, b - a));
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.front()))) out.erase(out.begin());
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

constexpr std::array<const char*, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};

int month_of(std::string_view word) {
  std::string w = lower(word);
  if (w.size() < 3) return 0;
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (w.compare(0, 3, kMonths[i]) == 0) return int(i) + 1;
  return 0;
}

std::string two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::string iso(int y, int m, int d) {
  if (y < 100) y += y < 50 ? 2000 : 1900;
  std::string out = std::to_string(y);
  if (m > 0) out += "-" + two(m);
  if (m > 0 && d > 0) out += "-" + two(d);
  return out;
}

// The first date in WINDOW (lower case), as ISO, and where it ends; "" when none.
std::pair<std::string, size_t> date_in(const std::string& window) {
  static const std::regex kIso(R"(\b(\d{4})-(\d{2})-(\d{2})\b)");
  static const std::regex kNumeric(R"(\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})\b)");
  static const std::regex kNamed(
      R"(\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})\b)");
  static const std::regex kDayFirst(
      R"(\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:day\s+)?(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b)");
  std::smatch m;
  std::string best;
  size_t best_pos = std::string::npos, best_end = 0;
  auto consider = [&](const std::regex& re, auto make) {
    if (std::regex_search(window, m, re) && static_cast<size_t>(m.position(0)) < best_pos) {
      std::string d = make(m);
      if (d.empty()) return;
      best = d;
      best_pos = static_cast<size_t>(m.position(0));
      best_end = best_pos + static_cast<size_t>(m.length(0));
    }
  };
  consider(kIso, [](const std::smatch& x) {
    int mo = std::stoi(x[2]), d = std::stoi(x[3]);
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 ? iso(std::stoi(x[1]), mo, d) : std::string();
  });
  consider(kNumeric, [](const std::smatch& x) {
    int mo = std::stoi(x[1]), d = std::stoi(x[2]);
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 ? iso(std::stoi(x[3]), mo, d) : std::string();
  });
  consider(kNamed, [](const std::smatch& x) {
    int d = x[2].matched ? std::stoi(x[2]) : 0;
    return iso(std::stoi(x[3]), month_of(x[1].str()), d <= 31 ? d : 0);
  });
  consider(kDayFirst, [](const std::smatch& x) {
    int d = std::stoi(x[1]);
    return iso(std::stoi(x[3]), month_of(x[2].str()), d <= 31 ? d : 0);
  });
  return {best, best_end};
}

struct DateCue {
  const char* word;  // whole word, '*' for a prefix
  const char* kind;
};
constexpr DateCue kDateCues[] = {
    {"adopted", "adopted"},   {"enacted", "adopted"},    {"passed", "adopted"},
    {"approved", "adopted"},  {"voted", "adopted"},      {"signed", "adopted"},
    {"effective", "effective"}, {"take effect", "effective"}, {"takes effect", "effective"},
    {"amended", "amended"},   {"revised", "amended"},    {"revision", "amended"},
    {"rescinded", "rescinded"}, {"repealed", "rescinded"},
};

// Events that stand for an effective date ("Effective upon signature").
constexpr const char* kEffectiveEvents[] = {"upon signature", "upon passage", "upon adoption", "upon its adoption",
                                            "upon approval", "immediately", "upon enactment", "upon publication"};

}  // namespace

std::string_view doc_status_name(DocStatus s) {
  switch (s) {
    case DocStatus::kInForce: return "in_force";
    case DocStatus::kProposed: return "proposed";
    case DocStatus::kSuperseded: return "superseded";
    case DocStatus::kRescinded: return "rescinded";
    case DocStatus::kDescriptive: return "descriptive";
  }
  return "in_force";
}

std::optional<DocStatus> parse_doc_status(std::string_view s) {
  for (DocStatus d : {DocStatus::kInForce, DocStatus::kProposed, DocStatus::kSuperseded, DocStatus::kRescinded,
                      DocStatus::kDescriptive}) {
    if (doc_status_name(d) == s) return d;
  }
  return std::nullopt;
}

const DateMark* first_date(const std::vector<DateMark>& dates, std::string_view kind) {
  for (const auto& d : dates)
    if (d.kind == kind) return &d;
  return nullptr;
}

std::vector<DateMark> find_dates(std::string_view text) {
  const std::string hay = lower(text);
  struct Found {
    size_t at;
    DateMark mark;
  };
  std::vector<Found> found;
  size_t covered_until = 0;  // a date is claimed by the nearest keyword before it only
  std::vector<std::pair<size_t, const DateCue*>> cues;
  for (const DateCue& c : kDateCues) {
    for (size_t at = find_word(hay, c.word); at != std::string::npos; at = find_word(hay, c.word, at + 1))
      cues.emplace_back(at, &c);
  }
  std::sort(cues.begin(), cues.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < cues.size(); ++i) {
    const auto [at, cue] = cues[i];
    if (at < covered_until) continue;
    const size_t from = at + std::string_view(cue->word).size();
    // The window: up to 70 characters, not past the next keyword's own date or a line end
    // followed by another line.
    size_t to = std::min(hay.size(), from + 70);
    if (i + 1 < cues.size() && cues[i + 1].first > from) to = std::min(to, cues[i + 1].first);
    const std::string window = hay.substr(from, to - from);
    auto [date, end] = date_in(window);
    if (!date.empty()) {
      found.push_back({at, DateMark{cue->kind, date, std::string(text.substr(at, from + end - at))}});
      covered_until = from + end;
      continue;
    }
    if (std::string_view(cue->kind) == "effective") {
      for (const char* ev : kEffectiveEvents) {
        size_t e = window.find(ev);
        if (e != std::string::npos && e < 25) {
          const size_t stop = from + e + std::string_view(ev).size();
          found.push_back({at, DateMark{"effective", "", std::string(text.substr(at, stop - at))}});
          covered_until = stop;
          break;
        }
      }
    }
  }
  std::vector<DateMark> out;
  for (auto& f : found) {
    if (std::find(out.begin(), out.end(), f.mark) == out.end()) out.push_back(std::move(f.mark));
  }
  return out;
}

StatusVerdict classify_status(const StatusInput& in) {
  StatusVerdict v;
  const std::string title = lower(in.title);
  const std::string url = lower(in.url);
  // The opening and the closing of the text: where drafts are marked and adoption recorded.
  std::string_view text = in.text;
  std::string body(text.substr(0, std::min<size_t>(text.size(), 6000)));
  if (text.size() > 6000) body.append("\n").append(text.substr(std::max<size_t>(6000, text.size() - 3000)));
  const std::string hay = lower(body);
  v.dates = find_dates(body);

  // Conflicts: an effective or rescission date before the adoption date.
  const DateMark* adopted = first_date(v.dates, "adopted");
  for (const auto& d : v.dates) {
    if (!adopted || d.date.empty() || adopted->date.empty()) continue;
    if ((d.kind == "effective" || d.kind == "rescinded" || d.kind == "amended") && d.date.size() == 10 &&
        adopted->date.size() == 10 && d.date < adopted->date) {
      v.conflicts.push_back(d.kind + " date " + d.date + " ('" + d.text + "') is before the adoption date " +
                            adopted->date + " ('" + adopted->text + "')");
    }
  }
  for (const auto& d : v.dates) {
    if (d.kind == "adopted" && adopted && !d.date.empty() && !adopted->date.empty() && d.date.size() == 10 &&
        adopted->date.size() == 10 && d.date != adopted->date) {
      v.conflicts.push_back("two adoption dates: " + adopted->date + " ('" + adopted->text + "') and " + d.date +
                            " ('" + d.text + "')");
      break;
    }
  }

  // 1. Rescinded or superseded, said of the document itself.
  static const std::regex kGone(
      R"(\bthis (?:ordinance|bylaw|by-law|policy|order|general order|directive|resolution|executive order|memorandum|procedure) (?:is|was|has been|is hereby|was hereby|has been hereby) (rescinded|repealed|superseded))");
  std::smatch m;
  if (std::regex_search(hay, m, kGone)) {
    v.status = m[1].str() == "superseded" ? DocStatus::kSuperseded : DocStatus::kRescinded;
    v.reason = "the text says " + quote(phrase_at(body, static_cast<size_t>(m.position(0)), static_cast<size_t>(m.length(0))));
    return v;
  }
  if (size_t at = hay.find("superseded by"); at != std::string::npos && at < 1500) {
    v.status = DocStatus::kSuperseded;
    v.reason = "the text says " + quote(phrase_at(body, at, 13));
    return v;
  }
  if (std::string c = first_cue(title, {"rescinded", "repealed", "superseded"}); !c.empty()) {
    v.status = c == "superseded" ? DocStatus::kSuperseded : DocStatus::kRescinded;
    v.reason = "the title says " + quote(c);
    return v;
  }

  // 2. Descriptive genres: news, press releases, guidance, minutes (also of a vote).
  // A numbered policy, order or bylaw that reads like guidance (a manual explaining itself)
  // is still policy: only news and minutes are descriptive whatever their title.
  static const std::regex kNumberedPolicy(
      R"(\b(policy|order|ordinance|bylaw|by-law|directive|procedure|rule)\s*(no\.?|number|#)?\s*\d)");
  const bool numbered_policy = in.genre == "guidance" && std::regex_search(title, m, kNumberedPolicy);
  if (in.genre_descriptive && !numbered_policy) {
    v.status = DocStatus::kDescriptive;
    v.reason = "a " + std::string(in.genre) + " document: it reports or explains policy rather than making it";
    return v;
  }

  // 3. Draft and proposal marks.
  std::string draft;
  if (std::string c = first_cue(title, {"draft", "redline", "redlined", "proposed", "proposal", "for discussion"});
      !c.empty()) {
    draft = quote(c) + " in the title";
  } else if (in.doc_type == "draft") {
    draft = "listed as a draft by its source";
  } else if (std::string c2 = first_cue(url, {"draft*", "redline*", "proposed*"}); !c2.empty()) {
    draft = quote(c2) + " in the address";
  } else if (in.struck_passages > 0) {
    draft = "struck-through text (a redline, " + std::to_string(in.struck_passages) + " passage" +
            (in.struck_passages > 1 ? "s" : "") + ")";
  } else {
    static const std::regex kDraftBanner(R"((^|[^A-Za-z])DRAFT([^A-Za-z]|$))");
    static const std::regex kProposed(
        R"(\b(proposed (?:ordinance|bylaw|by-law|order|executive order|policy|amendment|resolution|general order|directive)|for discussion purposes|not yet adopted))");
    std::smatch d;
    const std::string opening = body.substr(0, std::min<size_t>(body.size(), 2500));
    if (std::regex_search(opening, d, kDraftBanner)) {
      draft = "'DRAFT' marked in the text";
    } else if (std::regex_search(hay, d, kProposed)) {
      draft = "the text says " + quote(phrase_at(body, static_cast<size_t>(d.position(1)), static_cast<size_t>(d.length(1))));
    }
  }
  // Adoption marks: a dated adoption or effective date, or a recorded vote.
  std::string adoption;
  for (const auto& d : v.dates) {
    if ((d.kind == "adopted" || d.kind == "effective") && !d.date.empty()) {
      adoption = quote(d.text);
      break;
    }
  }
  static const std::regex kEnacted(
      R"(\b((?:adopted|passed|approved|enacted|accepted) by (?:the )?(?:town meeting|city council|town council|board of selectmen|select board|board of aldermen|attorney general|voters)|so ordered|so voted|\bord\. no\.[^\n]{0,30}adopted))");
  if (adoption.empty() && std::regex_search(hay, m, kEnacted)) {
    adoption = quote(phrase_at(body, static_cast<size_t>(m.position(1)), static_cast<size_t>(m.length(1))));
  }
  if (!draft.empty()) {
    v.status = DocStatus::kProposed;
    v.reason = "proposed: " + draft;
    if (!adoption.empty()) v.reason += "; it also carries " + adoption + ", which is not taken as adoption of this text";
    if (v.dates.empty()) v.reason += "; undated";
    return v;
  }
  if (in.genre == "warrant_article") {
    static const std::regex kVoted(R"(\b(voted|so voted|passed|adopted|carried|approved)\b)");
    if (!std::regex_search(hay, m, kVoted)) {
      v.status = DocStatus::kProposed;
      v.reason = "proposed: a warrant article with no recorded vote";
      return v;
    }
  }
  if (!adoption.empty()) {
    v.status = DocStatus::kInForce;
    v.reason = "adopted: " + adoption;
    return v;
  }
  if (in.genre == "state_law" && (hay.find(" bill") != std::string::npos || hay.find("bill ") == 0)) {
    v.status = DocStatus::kProposed;
    v.presumed = true;
    v.reason = "presumed proposed: a bill, with no record of its enactment";
    return v;
  }
  v.status = DocStatus::kInForce;
  v.presumed = true;
  const std::string genre = in.genre.empty() || in.genre == "unknown" ? std::string("document") : std::string(in.genre);
  v.reason = "presumed in force: a published " + genre + " with no draft, proposal or adoption marks";
  return v;
}

std::optional<Genre> navigation_genre(std::string_view text, size_t provision_hits) {
  size_t lines = 0, short_lines = 0, words = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    size_t w = 0;
    bool in_word = false;
    for (char c : line) {
      bool wc = !std::isspace(static_cast<unsigned char>(c));
      if (wc && !in_word) ++w;
      in_word = wc;
    }
    if (w == 0) continue;
    ++lines;
    words += w;
    char last = line.find_last_not_of(" \t\r") == std::string_view::npos ? ' ' : line[line.find_last_not_of(" \t\r")];
    if (w <= 8 && last != '.' && last != ';' && last != ':') ++short_lines;
  }
  const std::string hay = lower(text);
  const std::string operative = first_cue(hay, {"shall", "must", "may not", "will not", "prohibited", "is prohibited"});
  if (provision_hits > 0 || !operative.empty()) return std::nullopt;
  Genre g;
  g.id = "navigation";
  g.descriptive = true;
  if (lines >= 6 && short_lines * 10 >= lines * 6) {
    g.reason = std::to_string(short_lines) + " of " + std::to_string(lines) +
               " lines are short entries (links, menus), no operative language";
    return g;
  }
  if (words < 60) {
    g.reason = "little prose (" + std::to_string(words) + " words), no operative language";
    return g;
  }
  return std::nullopt;
}

}  // namespace policyindex::provisions
