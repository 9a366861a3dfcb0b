#include "tests/demo/demo_checks.h"

#include <map>
#include <set>
#include <sstream>

namespace policyindex::demo_checks {
namespace {

std::string verdict_of(const json& entry) {
  if (entry.is_string()) return entry.get<std::string>();  // matrix cell
  if (entry.is_object() && entry.contains("verdict") && entry["verdict"].is_string()) {
    return entry["verdict"].get<std::string>();
  }
  return "(missing)";
}

std::string set_str(const std::set<std::string>& s) {
  std::string out = "{";
  for (const auto& x : s) out += (out.size() > 1 ? ", " : "") + x;
  return out + "}";
}

}  // namespace

std::vector<std::string> check_scorecards(const json& tour, const json& expected) {
  std::vector<std::string> bad;
  const json& cards = tour.contains("scorecards") ? tour["scorecards"] : json::object();
  for (const auto& [town, exp] : expected["towns"].items()) {
    if (!cards.contains(town)) {
      bad.push_back(town + ": no scorecard in the tour");
      continue;
    }
    const json& card = cards[town];
    auto compare = [&](const std::string& key, const std::string& want) {
      std::string got = card.contains(key) ? verdict_of(card[key]) : "(missing)";
      if (got != want) bad.push_back(town + " " + key + ": expected " + want + ", got " + got);
    };
    for (const auto& [q, v] : exp["scorecard"].items()) compare(q, v.get<std::string>());
    for (const auto& [p, v] : exp["other"].items()) compare(p, v.get<std::string>());
  }
  return bad;
}

std::vector<std::string> check_matrix(const json& tour, const json& expected) {
  std::vector<std::string> bad;
  std::map<std::string, json> rows;
  if (tour.contains("matrix") && tour["matrix"].contains("rows")) {
    for (const auto& row : tour["matrix"]["rows"]) rows[row.value("town", "")] = row;
  }
  for (const auto& [town, exp] : expected["towns"].items()) {
    auto it = rows.find(town);
    if (it == rows.end()) {
      bad.push_back(town + ": no matrix row");
      continue;
    }
    for (const auto& [q, v] : exp["scorecard"].items()) {
      std::string got = it->second.contains("cells") && it->second["cells"].contains(q)
                            ? verdict_of(it->second["cells"][q])
                            : "(missing)";
      if (got != v.get<std::string>()) {
        bad.push_back("matrix " + town + " " + q + ": expected " + v.get<std::string>() + ", got " +
                      got);
      }
    }
  }
  return bad;
}

std::vector<std::string> check_search_facet(const json& search, const json& facet) {
  std::set<std::string> want, got;
  for (const auto& t : facet["towns"]) want.insert(t.get<std::string>());
  if (search.contains("facets") && search["facets"].contains("town")) {
    for (const auto& [town, n] : search["facets"]["town"].items()) {
      if (n.is_number() && n.get<int>() > 0) got.insert(town);
    }
  }
  if (want == got) return {};
  return {"facet '" + facet.value("what", std::string()) + "': expected towns " + set_str(want) +
          ", got " + set_str(got)};
}

std::vector<std::string> check_peers(const json& peers, const json& expected_peers) {
  std::vector<std::string> bad;
  std::vector<std::string> order;
  for (const auto& p : peers.value("provisions", json::array())) {
    if (p.value("provision", "") != expected_peers.value("provision", "")) continue;
    for (const auto& peer : p.value("peers", json::array()))
      order.push_back(peer.value("town", ""));
  }
  if (order.empty())
    return {"peers: no peers for " + expected_peers.value("provision", std::string())};
  if (order.front() != expected_peers["first"]) {
    bad.push_back("peers: expected " + expected_peers["first"].get<std::string>() + " first, got " +
                  order.front());
  }
  std::set<std::string> have(order.begin(), order.end());
  for (const auto& t : expected_peers["includes"]) {
    if (!have.count(t.get<std::string>()))
      bad.push_back("peers: " + t.get<std::string>() + " missing");
  }
  if (have.count(expected_peers["town"].get<std::string>()))
    bad.push_back("peers: lists the town itself");
  return bad;
}

std::vector<std::string> check_access_log(
    const std::string& log, const json& expected,
    const std::vector<std::pair<std::string, std::string>>& addresses) {
  std::map<std::string, std::string> address_of(addresses.begin(), addresses.end());
  struct Line {
    std::string address, method, target;
    int status = 0;
  };
  std::vector<Line> lines;
  std::istringstream in(log);
  for (std::string l; std::getline(in, l);) {
    std::istringstream ls(l);
    Line x;
    ls >> x.address >> x.method >> x.target >> x.status;
    if (!x.target.empty()) lines.push_back(x);
  }
  std::vector<std::string> bad;
  if (lines.empty()) return {"access log: no requests at all"};
  for (const auto& nf : expected["never_fetched"]) {
    const std::string addr = address_of[nf["site"].get<std::string>()];
    const std::string prefix = nf["path_prefix"];
    for (const auto& x : lines) {
      if (x.address == addr && x.target.rfind(prefix, 0) == 0) {
        bad.push_back("robots.txt ignored: " + x.method + " " + nf["site"].get<std::string>() +
                      x.target);
      }
    }
  }
  for (const auto& site : addresses) {
    bool robots = false;
    for (const auto& x : lines) robots |= x.address == site.second && x.target == "/robots.txt";
    if (!robots) bad.push_back(site.first + ": robots.txt never requested");
  }
  for (const auto& r : expected["redirects"]) {
    const std::string addr = address_of[r["site"].get<std::string>()];
    bool from = false, to = false;
    for (const auto& x : lines) {
      from |= x.address == addr && x.target == r["from"] && x.status == r["status"].get<int>();
      to |= x.address == addr && x.target == r["to"] && (x.status == 200 || x.status == 304);
    }
    if (!from) bad.push_back("redirect source never requested: " + r["from"].get<std::string>());
    if (!to) bad.push_back("redirect target never fetched: " + r["to"].get<std::string>());
  }
  return bad;
}

json expected_answers(const json& exp) {
  json out = {{"scorecards", json::object()},
              {"matrix", {{"columns", json::array()}, {"rows", json::array()}}}};
  for (const auto& [town, t] : exp["towns"].items()) {
    json card = {{"town", town}, {"county", t["county"]}, {"documents", json::array()}};
    json cells = json::object();
    for (const auto& [q, v] : t["scorecard"].items()) {
      json evidence = json::array();
      if (v != "absent") evidence.push_back({{"text", "evidence for " + q}, {"section", "1"}});
      card[q] = {{"provision", q}, {"question", q}, {"verdict", v}, {"evidence", evidence}};
      cells[q] = v;
    }
    for (const auto& [p, v] : t["other"].items()) card[p] = {{"provision", p}, {"verdict", v}};
    out["scorecards"][town] = card;
    out["matrix"]["rows"].push_back({{"town", town}, {"county", t["county"]}, {"cells", cells}});
  }
  const json& facet = exp["facets"][0];
  json towns = json::object();
  json hits = json::array();
  for (const auto& t : facet["towns"]) {
    towns[t.get<std::string>()] = 1;
    hits.push_back(
        {{"town", t}, {"title", "a title"}, {"number", "5"}, {"snippet", "… <b>287(g)</b> …"}});
  }
  out["search"] = {{"query", facet["query"]},
                   {"total", hits.size()},
                   {"hits", hits},
                   {"facets", {{"town", towns}}}};
  const json& p = exp["peers"][0];
  json peers = json::array();
  peers.push_back({{"town", p["first"]},
                   {"county", exp["towns"][p["first"].get<std::string>()]["county"]},
                   {"same_county", true},
                   {"verdict", "green"}});
  for (const auto& t : p["includes"]) {
    if (t == p["first"]) continue;
    peers.push_back({{"town", t},
                     {"county", exp["towns"][t.get<std::string>()]["county"]},
                     {"same_county", false},
                     {"verdict", "green"}});
  }
  out["peers"] = {{"town", p["town"]},
                  {"provisions", {{{"provision", p["provision"]}, {"peers", peers}}}}};
  return out;
}

}  // namespace policyindex::demo_checks
