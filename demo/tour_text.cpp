// The tour for people (text) and as JSON.

#include <algorithm>
#include <cstring>
#include <set>

#include "demo/demo.h"

namespace policyindex::demo {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string strip_tags(std::string s) {
  std::string out;
  bool in_tag = false;
  for (char c : s) {
    if (c == '<')
      in_tag = true;
    else if (c == '>')
      in_tag = false;
    else if (!in_tag)
      out += c;
  }
  for (auto [from, to] :
       {std::pair{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}}) {
    for (size_t p; (p = out.find(from)) != std::string::npos;)
      out.replace(p, std::strlen(from), to);
  }
  return out;
}

std::string clip(std::string s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return s.substr(0, cut) + "…";
}

}  // namespace

void print_tour(const Tour& t, const std::vector<std::string>& towns, std::ostream& os) {
  const std::set<std::string> sample_towns(towns.begin(), towns.end());
  os << "\n1. Which towns ban 287(g) agreements?\n"
     << "   $ policyindex search '" << kSearchQuery << "' --provision " << kSearchProvision
     << " --stance " << kSearchStance << "\n";
  if (t.search.contains("facets") && t.search["facets"].contains("town")) {
    os << "   " << t.search.value("total", 0) << " sections in";
    bool first = true;
    for (const auto& [town, n] : t.search["facets"]["town"].items()) {
      os << (first ? " " : ", ") << town << " (" << n.get<int>() << ")";
      first = false;
    }
    os << "\n";
  }
  for (const auto& hit : t.search.value("hits", json::array())) {
    os << "   - " << str(hit, "town") << ", " << str(hit, "title");
    if (!str(hit, "number").empty()) os << " § " << str(hit, "number");
    os << ": " << clip(strip_tags(str(hit, "snippet")), 110) << "\n";
  }

  for (const auto& [town, card] : t.scorecards.items()) {
    os << "\n2. How does " << town << " score on the seven questions?\n"
       << "   $ policyindex scorecard '" << town << "'\n";
    for (int q = 1; q <= 7; ++q) {
      std::string key = "Q" + std::to_string(q);
      if (!card.contains(key)) continue;
      const auto& e = card[key];
      std::string line = "   " + key + " " + str(e, "provision");
      line.resize(std::max<size_t>(line.size(), 30), ' ');
      line += str(e, "verdict");
      const auto ev = e.value("evidence", json::array());
      if (!ev.empty()) {
        line.resize(std::max<size_t>(line.size(), 38), ' ');
        line += "\"" + clip(str(ev[0], "text"), 80) + "\"";
      }
      os << line << "\n";
    }
    break;  // one scorecard in the text tour
  }

  os << "\n3. Which peer towns have protective language on information sharing that " << kPeersTown
     << " lacks?\n"
     << "   $ policyindex peers " << kPeersTown << " --provision " << kPeersProvision << "\n";
  for (const auto& p : t.peers.value("provisions", json::array())) {
    for (const auto& peer : p.value("peers", json::array())) {
      os << "   - " << str(peer, "town") << " (" << str(peer, "county")
         << (peer.value("same_county", false) ? ", same county" : "")
         << "): " << str(peer, "verdict");
      const auto ev = peer.value("evidence", json::array());
      if (!ev.empty()) os << ", \"" << clip(str(ev[0], "text"), 70) << "\"";
      os << "\n";
    }
  }

  os << "\n4. The matrix (sample towns; `policyindex matrix --format csv` for all):\n";
  os << "   town              Q1 Q2 Q3 Q4 Q5 Q6 Q7\n";
  auto mark = [](const std::string& v) {
    if (v == "green") return " ✔ ";
    if (v == "red") return " ✘ ";
    if (v == "mixed") return " ± ";
    if (v == "absent") return " · ";
    return "   ";
  };
  for (const auto& row : t.matrix.value("rows", json::array())) {
    std::string town = str(row, "town");
    if (!sample_towns.count(town)) continue;
    std::string line = "   " + town;
    line.resize(21, ' ');
    for (int q = 1; q <= 7; ++q) line += mark(row["cells"].value("Q" + std::to_string(q), ""));
    os << line << "\n";
  }
  os << "   ✔ green (protective)  ✘ red (permissive)  ± mixed  · absent\n";
}

json tour_json(const Run& run) {
  return {{"data", run.data.string()},
          {"sample", {{"port", run.sample_port}, {"registry", run.registry_dir.string()}}},
          {"search", run.tour.search},
          {"scorecards", run.tour.scorecards},
          {"peers", run.tour.peers},
          {"matrix", run.tour.matrix}};
}

}  // namespace policyindex::demo
