// Plain labels (query/labels.h): citations, document types, dates, sections, verdicts,
// stances, standing, and the legend of the seven questions in plain words.
#include "query/labels.h"

#include <array>
#include <cctype>
#include <map>
#include <regex>

namespace policyindex::query {
namespace {

std::string capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// The internal key of an unnumbered section ("s3", "p2"): never shown.
bool internal_key(std::string_view number) {
  return number.size() >= 2 && (number[0] == 's' || number[0] == 'p') && all_digits(number.substr(1));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whether heading LHEAD (lower case) names section number LNUM: it starts with it, or says
// "section N", "§ N", "article N", each followed by a non-alphanumeric or the end.
bool repeats_number(const std::string& lhead, const std::string& lnum) {
  auto ends_word = [&](size_t at) {
    return at >= lhead.size() || !std::isalnum(static_cast<unsigned char>(lhead[at]));
  };
  if (lhead.rfind(lnum, 0) == 0 && ends_word(lnum.size())) return true;
  for (const char* word : {"section ", "§ ", "§", "article ", "sec. "}) {
    const std::string needle = std::string(word) + lnum;
    for (size_t at = lhead.find(needle); at != std::string::npos; at = lhead.find(needle, at + 1)) {
      if (ends_word(at + needle.size())) return true;
    }
  }
  return false;
}

}  // namespace

std::string citation_label(std::string_view id) {
  static const std::map<std::string, std::string, std::less<>> known = {
      {"lunn", "Lunn v. Commonwealth, 477 Mass. 517 (2017)"},
      {"tvpa", "Victims of Trafficking and Violence Prevention Act"},
      {"vawa", "Violence Against Women Act"},
  };
  if (auto it = known.find(id); it != known.end()) return it->second;
  const std::string s(id);
  std::smatch m;
  static const std::regex usc(R"(^(\d+)usc(\d+)([a-z]*)$)");
  static const std::regex cfr(R"(^(\d+)cfr([\d.]+)$)");
  static const std::regex mgl(R"(^mgl-c(\w+?)(?:-s(\w+))?$)");
  if (std::regex_match(s, m, usc)) {
    std::string out = m[1].str();
    out += " U.S.C. § ";
    out += m[2].str();
    if (m[3].length() > 0) out += "(" + m[3].str() + ")";
    return out;
  }
  if (std::regex_match(s, m, cfr)) {
    std::string out = m[1].str();
    out += " C.F.R. § ";
    out += m[2].str();
    return out;
  }
  if (std::regex_match(s, m, mgl)) {
    std::string chapter = m[1].str();
    for (char& c : chapter) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string out = "G.L. c. ";
    out += chapter;
    if (m[2].matched) {
      out += ", § ";
      out += m[2].str();
    }
    return out;
  }
  return s;
}

std::string doc_type_label(std::string_view type) {
  static const std::map<std::string, std::string, std::less<>> known = {
      {"police_policy", "Police policy"}, {"executive_order", "Executive order"}, {"webpage", "Web page"},
      {"bylaw", "Bylaw"}, {"draft", "Draft"}, {"document", "Document"}};
  if (auto it = known.find(type); it != known.end()) return it->second;
  std::string out(type);
  for (char& c : out)
    if (c == '_') c = ' ';
  return capitalized(out);
}

std::string date_label(std::string_view iso) {
  static const std::array<const char*, 12> months = {"January", "February", "March",     "April",   "May",      "June",
                                                     "July",    "August",   "September", "October", "November", "December"};
  if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-' || !all_digits(iso.substr(0, 4)) ||
      !all_digits(iso.substr(5, 2)) || !all_digits(iso.substr(8, 2)))
    return std::string(iso);
  const int month = std::stoi(std::string(iso.substr(5, 2)));
  const int day = std::stoi(std::string(iso.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(iso);
  std::string out = months[static_cast<size_t>(month - 1)];
  out += " " + std::to_string(day) + ", ";
  out += iso.substr(0, 4);
  return out;
}

std::string section_label(std::string_view number, std::string_view heading, std::optional<int> page) {
  std::string num = internal_key(number) ? std::string() : std::string(number);
  std::string head(heading);
  const std::string lnum = lower(num), lhead = lower(head);
  // A heading that already carries the number ("Section 3. Detainers" or "3. Detainers" for
  // number "3"), but not one that merely holds its digits ("287(g) agreements" for "2").
  if (!num.empty() && !head.empty() && repeats_number(lhead, lnum)) num.clear();
  if (!num.empty()) {
    const std::string l = lower(num);
    const bool worded = l.rfind("section", 0) == 0 || l.rfind("article", 0) == 0 || l.rfind("chapter", 0) == 0 ||
                        l.rfind("part", 0) == 0 || l.rfind("§", 0) == 0;
    if (!worded) num = (num.size() <= 3 ? "Section " : "§ ") + num;
  }
  if (!num.empty() && !head.empty()) return num + ". " + head;
  if (!num.empty()) return num;
  if (!head.empty()) return head;
  if (page && *page > 0) return "Text on page " + std::to_string(*page);
  return "Opening text";
}

std::string verdict_label(std::string_view verdict) {
  if (verdict == "green") return "protective";
  if (verdict == "red") return "permissive";
  if (verdict == "mixed") return "mixed";
  return "not addressed";
}

std::string stance_label(std::string_view stance) { return capitalized(std::string(stance)); }

std::string status_label(std::string_view status) {
  static const std::map<std::string, std::string, std::less<>> known = {
      {"in_force", "In force"}, {"proposed", "Proposed"}, {"superseded", "Superseded"},
      {"rescinded", "Rescinded"}, {"descriptive", "Describes a policy"}, {"active", "Active"}};
  if (auto it = known.find(status); it != known.end()) return it->second;
  std::string out(status);
  for (char& c : out)
    if (c == '_') c = ' ';
  return capitalized(out);
}

LegendEntry legend_for(const provisions::ProvisionInfo& info) {
  struct Words {
    const char* green;
    const char* red;
  };
  // What protective and permissive language says, per question, in plain words.
  static const std::map<std::string, Words, std::less<>> words = {
      {"status_inquiry",
       {"officers may not ask about or check a person's immigration status, or act on it",
        "officers may ask about, check or act on immigration status"}},
      {"info_sharing",
       {"staff may not give ICE information such as release dates, addresses or custody status",
        "staff may share information with ICE or tell it when someone is released"}},
      {"detention_on_detainer",
       {"no one is held or arrested on an ICE detainer or administrative warrant alone (as Lunn v. Commonwealth requires)",
        "people may be held for ICE on a detainer or administrative warrant"}},
      {"detainer_notice",
       {"a person is told about an ICE detainer and given a copy",
        "a detainer is added to the person's file without telling them"}},
      {"enforcement_operations",
       {"police do not take part in or assist ICE operations and raids",
        "police may assist ICE operations beyond keeping the peace"}},
      {"local_resources",
       {"town money, staff, buildings and equipment may not be used for immigration enforcement",
        "town resources may be used to support immigration enforcement"}},
      {"287g",
       {"the town will not sign a 287(g) agreement deputizing its officers as immigration agents",
        "the town has or may enter a 287(g) agreement"}},
  };
  LegendEntry e;
  e.key = info.question.empty() ? info.id : info.question;
  e.provision = info.id;
  e.label = info.label;
  std::string green, red;
  if (auto it = words.find(info.id); it != words.end()) {
    green = it->second.green;
    red = it->second.red;
  } else {
    green = "the policy limits cooperation on " + lower(info.label);
    red = "the policy allows or invites cooperation on " + lower(info.label);
  }
  e.green = "Protective: " + green + ".";
  e.red = "Permissive: " + red + ".";
  e.mixed = "Mixed: the policy has both kinds of language (" + green + ", but elsewhere " + red + ").";
  e.absent = "Not addressed: the policy says nothing that decides this question.";
  return e;
}

}  // namespace policyindex::query
