#include <algorithm>
#include <cctype>

#include "provisions/provisions.h"

namespace policyindex::provisions {

std::string_view stance_name(Stance s) {
  switch (s) {
    case Stance::kProtective: return "protective";
    case Stance::kPermissive: return "permissive";
    case Stance::kNeutral: return "neutral";
  }
  return "neutral";
}

std::optional<Stance> parse_stance(std::string_view s) {
  if (s == "protective") return Stance::kProtective;
  if (s == "permissive") return Stance::kPermissive;
  if (s == "neutral") return Stance::kNeutral;
  return std::nullopt;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kGreen: return "green";
    case Verdict::kRed: return "red";
    case Verdict::kMixed: return "mixed";
    case Verdict::kAbsent: return "absent";
  }
  return "absent";
}

Verdict verdict_from(bool protective, bool permissive) {
  if (protective && permissive) return Verdict::kMixed;
  if (protective) return Verdict::kGreen;
  if (permissive) return Verdict::kRed;
  return Verdict::kAbsent;
}

const ScoreEntry* Scorecard::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.provision == key) return &e;
    if (!e.question.empty() && e.question.size() == key.size() &&
        std::equal(key.begin(), key.end(), e.question.begin(), [](char a, char b) {
          return std::toupper(static_cast<unsigned char>(a)) == b;
        })) {
      return &e;
    }
  }
  return nullptr;
}

}  // namespace policyindex::provisions
