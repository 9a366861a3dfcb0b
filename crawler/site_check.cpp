#include "crawler/site_check.h"

#include <array>
#include <cctype>
#include <vector>

namespace policyindex::crawler {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Letters and digits of `s`, lower case, every other run as one space: "Manchester-by-the-Sea"
// and "manchester by the sea" read alike.
std::string fold(std::string_view s) {
  std::string out;
  bool space = true;
  for (char c : s) {
    if (word_char(c)) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      space = false;
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Positions where `needle` occurs in `hay` as whole words (both folded).
std::vector<size_t> word_hits(const std::string& hay, const std::string& needle) {
  std::vector<size_t> out;
  if (needle.empty()) return out;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) {
    const size_t end = at + needle.size();
    if ((at == 0 || hay[at - 1] == ' ') && (end == hay.size() || hay[end] == ' ')) out.push_back(at);
  }
  return out;
}

struct State {
  const char* name;  // folded
  const char* abbr;  // lower case postal code
};

// The states (and DC) other than Massachusetts.
constexpr std::array<State, 50> kOtherStates{{
    {"alabama", "al"}, {"alaska", "ak"}, {"arizona", "az"}, {"arkansas", "ar"},
    {"california", "ca"}, {"colorado", "co"}, {"connecticut", "ct"}, {"delaware", "de"},
    {"florida", "fl"}, {"georgia", "ga"}, {"hawaii", "hi"}, {"idaho", "id"},
    {"illinois", "il"}, {"indiana", "in"}, {"iowa", "ia"}, {"kansas", "ks"},
    {"kentucky", "ky"}, {"louisiana", "la"}, {"maine", "me"}, {"maryland", "md"},
    {"michigan", "mi"}, {"minnesota", "mn"}, {"mississippi", "ms"}, {"missouri", "mo"},
    {"montana", "mt"}, {"nebraska", "ne"}, {"nevada", "nv"}, {"new hampshire", "nh"},
    {"new jersey", "nj"}, {"new mexico", "nm"}, {"new york", "ny"}, {"north carolina", "nc"},
    {"north dakota", "nd"}, {"ohio", "oh"}, {"oklahoma", "ok"}, {"oregon", "or"},
    {"pennsylvania", "pa"}, {"rhode island", "ri"}, {"south carolina", "sc"},
    {"south dakota", "sd"}, {"tennessee", "tn"}, {"texas", "tx"}, {"utah", "ut"},
    {"vermont", "vt"}, {"virginia", "va"}, {"washington", "wa"}, {"west virginia", "wv"},
    {"wisconsin", "wi"}, {"wyoming", "wy"}, {"district of columbia", "dc"},
}};

bool starts_with_word(std::string_view s, std::string_view w) {
  return s.substr(0, w.size()) == w && (s.size() == w.size() || s[w.size()] == ' ');
}

bool ma_zip(std::string_view s) {  // "01970" .. "02791" as a word at the start of s
  if (s.size() < 5) return false;
  for (size_t i = 0; i < 5; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  if (s.size() > 5 && s[5] != ' ') return false;
  const int zip = std::stoi(std::string(s.substr(0, 5)));
  return zip >= 1000 && zip <= 2799;
}

}  // namespace

std::string visible_text(std::string_view html) {
  std::string out;
  out.reserve(std::min<size_t>(html.size(), 1u << 20));
  size_t i = 0;
  const std::string low = lower(html.substr(0, 4u << 20));
  while (i < low.size()) {
    if (low[i] == '<') {
      for (const char* skip : {"script", "style", "noscript"}) {
        const std::string open = std::string("<") + skip;
        if (low.compare(i, open.size(), open) == 0) {
          const auto close = low.find(std::string("</") + skip, i);
          i = close == std::string::npos ? low.size() : close;
          break;
        }
      }
      const auto end = low.find('>', i);
      out += ' ';
      i = end == std::string::npos ? low.size() : end + 1;
      continue;
    }
    if (low[i] == '&') {
      const auto semi = low.find(';', i);
      if (semi != std::string::npos && semi - i <= 8) {
        const std::string ent = low.substr(i + 1, semi - i - 1);
        if (ent == "amp") out += '&';
        else if (ent == "nbsp" || ent == "#160") out += ' ';
        else if (ent == "#39" || ent == "apos" || ent == "rsquo") out += '\'';
        else out += ' ';
        i = semi + 1;
        continue;
      }
    }
    out += low[i++];
  }
  return out;
}

HomePageVerdict verify_home_page(std::string_view html, std::string_view municipality) {
  using corpus::SiteVerdict;
  const std::string text = fold(visible_text(html));
  const std::string town = fold(municipality);
  HomePageVerdict v;
  const auto hits = word_hits(text, town);
  if (hits.empty()) {
    v.reason = "the home page does not name " + std::string(municipality);
    return v;
  }
  bool massachusetts = !word_hits(text, "massachusetts").empty();
  // "Mass." (folding drops the dot): look in the unfolded text.
  const std::string raw = visible_text(html);
  for (size_t at = raw.find("mass."); !massachusetts && at != std::string::npos;
       at = raw.find("mass.", at + 1)) {
    massachusetts = at == 0 || !word_char(raw[at - 1]);
  }
  std::string other;
  bool ma_after = false;  // "Salem, MA": Massachusetts right after the town's name
  for (size_t at : hits) {
    std::string_view after = std::string_view(text).substr(at + town.size());
    if (!after.empty() && after.front() == ' ') after.remove_prefix(1);
    // "Salem, MA", "Salem MA 01970", "Salem 01970".
    if (starts_with_word(after, "ma") || starts_with_word(after, "massachusetts") || ma_zip(after)) {
      ma_after = true;
    }
    for (const auto& s : kOtherStates) {
      if (starts_with_word(after, s.name) || starts_with_word(after, s.abbr)) {
        // "Salem, OR" / "Salem, Oregon"; "in" and "me" are common words: need a ZIP after.
        const std::string_view ab(s.abbr);
        if (starts_with_word(after, s.name) ||
            (ab != "in" && ab != "me" && ab != "or" && ab != "de" && ab != "hi" && ab != "ok" &&
             ab != "oh" && ab != "la" && ab != "pa" && ab != "co")) {
          if (other.empty()) other = s.name;
        } else {
          auto rest = after.substr(std::min<size_t>(ab.size() + 1, after.size()));
          if (rest.size() >= 5 && std::isdigit(static_cast<unsigned char>(rest[0])) && !ma_zip(rest)) {
            if (other.empty()) other = s.name;
          }
        }
      }
    }
  }
  // Another state right after the town's name ("Salem, Oregon") outweighs a Massachusetts
  // named elsewhere on the page ("an hour from the Massachusetts line"); not "Salem, MA".
  if (!ma_after && (!other.empty() || !massachusetts)) {
    if (!other.empty()) {
      v.reason = "the home page names " + std::string(municipality) + ", " + other +
                 ", not Massachusetts";
    } else {
      v.reason = "the home page names " + std::string(municipality) + " but not Massachusetts";
    }
    return v;
  }
  v.verdict = SiteVerdict::kVerified;
  v.reason = "names " + std::string(municipality) + " and Massachusetts";
  return v;
}

}  // namespace policyindex::crawler
