// A query::Api answering with fixed JSON (the shapes of docs/API.md) full of hostile strings,
// recording what it was asked. For handler tests and the demo server without a corpus.
#pragma once

#include <nlohmann/json.hpp>

#include "query/query.h"

namespace policyindex::testing {

inline const std::string kEvil = "<script>alert(\"x\")</script>\"'><img src=x onerror=alert(1)>&amp;";

class FakeApi : public query::Api {
 public:
  using Json = nlohmann::json;
  // Recorded requests.
  query::SearchRequest last_search;
  std::vector<std::string> last_compare;
  std::string last_town, last_provision, last_history;
  int64_t last_document = 0;
  size_t last_limit = 0;
  // When set, every call fails with this error.
  std::optional<Error> fail;

  Result<std::string> search(const query::SearchRequest& r) override {
    last_search = r;
    if (fail) return tl::make_unexpected(*fail);
    Json hit = {{"section_id", "17/" + kEvil}, {"document_id", "17"}, {"town", "Quillfield"},
                {"county", "Brackett"}, {"doc_type", "ordinance"}, {"title", "Title " + kEvil},
                {"url", "javascript:alert(1)"}, {"number", "50-103"}, {"heading", "Heading " + kEvil},
                {"page", 2}, {"rank", r.offset + 1}, {"score", 90},
                {"snippet", "before <b>detainer</b> &lt;script&gt; <script>raw()</script> & after"},
                {"provisions", Json::array({{{"provision", "detention_on_detainer"}, {"stance", "protective"}}})},
                {"cites", Json::array({"lunn"})}};
    Json hit2 = hit;
    hit2["url"] = "https://quillfield.example/a.pdf?x=1&y=\"2\"";
    hit2["rank"] = r.offset + 2;
    Json out = {{"query", r.query}, {"total", 45}, {"offset", r.offset}, {"limit", r.limit},
                {"suggestion", r.query == "detaner" ? "detainer" : ""}, {"hits", Json::array({hit, hit2})},
                {"facets", {{"town", {{"Quillfield", 30}, {"Town " + kEvil, 15}}},
                            {"county", {{"Brackett", 45}}},
                            {"provision", {{"detention_on_detainer", 40}, {"287g", 5}}},
                            {"stance", {{"protective", 44}, {"permissive", 1}}},
                            {"doc_type", {{"ordinance", 45}}},
                            {"cites", {{"lunn", 12}}}}}};
    return out.dump();
  }

  static Json evidence() {
    return Json::array({{{"document_id", "17"}, {"document", "Doc " + kEvil}, {"url", "https://q.example/d.pdf"},
                         {"section", "50-103"}, {"heading", kEvil}, {"page", 2}, {"stance", "protective"},
                         {"text", "Quoted " + kEvil}}});
  }

  Result<std::string> scorecard(std::string_view town) override {
    last_town = town;
    if (fail) return tl::make_unexpected(*fail);
    if (town == "Nowhere") {
      return make_error(ErrorCode::kNotFound, "unknown town 'Nowhere'; did you mean: Norwell, Norwood");
    }
    Json out = {{"town", "Quillfield"}, {"county", "Brackett"},
                {"documents", Json::array({{{"id", "17"}, {"title", "Doc " + kEvil}, {"url", "javascript:alert(2)"},
                                            {"doc_type", "ordinance"}, {"status", "active"},
                                            {"fetched_at", "2025-03-01T10:00:00Z"}, {"versions", 2}}})}};
    const char* verdicts[] = {"green", "red", "mixed", "absent", "green", "absent", "green"};
    const char* ids[] = {"status_inquiry", "info_sharing", "detention_on_detainer", "detainer_notice",
                         "enforcement_operations", "local_resources", "287g"};
    for (int i = 0; i < 7; ++i) {
      std::string q = "Q" + std::to_string(i + 1);
      out[q] = {{"provision", ids[i]}, {"question", q}, {"label", "Label " + q},
                {"verdict", verdicts[i]}, {"evidence", std::string(verdicts[i]) == "absent" ? Json::array() : evidence()}};
    }
    out["facility_access"] = {{"provision", "facility_access"}, {"question", ""}, {"label", "ICE access"},
                              {"verdict", "absent"}, {"evidence", Json::array()}};
    return out.dump();
  }

  Result<std::string> matrix() override {
    if (fail) return tl::make_unexpected(*fail);
    Json cols = Json::array({"Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "facility_access"});
    Json rows = Json::array();
    auto row = [&](std::string town, std::string county, int docs, std::string v) {
      Json cells;
      for (const auto& c : cols) cells[c.get<std::string>()] = docs ? v : "no document";
      rows.push_back({{"town", town}, {"county", county}, {"documents", docs}, {"cells", cells}});
    };
    row("Quillfield", "Brackett", 1, "green");
    row("Ashmere", "Brackett", 1, "red");
    row("Town " + kEvil, "Brackett", 0, "");
    row("Port Tessaly", "Coldwater", 2, "mixed");
    row("=HYPERLINK(\"x\")", "Coldwater", 0, "");
    return Json({{"columns", cols}, {"labels", {{"Q1", "status_inquiry"}}}, {"rows", rows}}).dump();
  }

  Result<std::string> compare(const std::vector<std::string>& towns, std::string_view provision) override {
    last_compare = towns;
    last_provision = provision;
    if (fail) return tl::make_unexpected(*fail);
    Json ts = Json::array(), cells = Json::array();
    for (const auto& t : towns) {
      ts.push_back({{"town", t}, {"county", "Brackett"}});
      cells.push_back({{"town", t}, {"verdict", "green"}, {"evidence", evidence()}});
    }
    return Json({{"towns", ts},
                 {"rows", Json::array({{{"provision", "287g"}, {"question", "Q7"}, {"label", "287(g) " + kEvil}, {"cells", cells}}})}})
        .dump();
  }

  Result<std::string> peers(std::string_view town, std::string_view provision) override {
    last_town = town;
    last_provision = provision;
    if (fail) return tl::make_unexpected(*fail);
    Json peer = {{"town", "Ashmere"}, {"county", "Brackett"}, {"same_county", true}, {"similarity", 0.42},
                 {"verdict", "green"}, {"evidence", evidence()}};
    return Json({{"town", town}, {"county", "Brackett"},
                 {"provisions", Json::array({{{"provision", "info_sharing"}, {"question", "Q2"}, {"label", "Sharing"},
                                              {"verdict", "absent"}, {"peers", Json::array({peer})}}})}})
        .dump();
  }

  Result<std::string> history(std::string_view t) override {
    last_history = t;
    if (fail) return tl::make_unexpected(*fail);
    return Json({{"town", "Quillfield"},
                 {"documents", Json::array({{{"id", "17"}, {"title", "Doc"}, {"url", ""}, {"status", "active"},
                                             {"versions", Json::array({{{"id", "31"}, {"fetched_at", "2025-03-01"},
                                                                        {"sha256", "ab"}, {"size", 12}, {"http_status", 200},
                                                                        {"changes", nullptr}}})}}})},
                 {"changes", Json::array()}})
        .dump();
  }

  Result<std::string> document(int64_t id) override {
    last_document = id;
    if (fail) return tl::make_unexpected(*fail);
    if (id == 404) return make_error(ErrorCode::kNotFound, "no document 404");
    const std::string text = "Intro " + kEvil + " Officers shall not ask about immigration status. é end";
    const auto start = static_cast<int64_t>(text.find("Officers"));
    Json sec = {{"id", "17/50-103"}, {"number", "50-103"}, {"heading", kEvil}, {"level", 1}, {"page", 2},
                {"text", text},
                {"provisions", Json::array({{{"provision", "status_inquiry"}, {"stance", "protective"},
                                             {"evidence", "Officers shall not ask"}, {"start", start},
                                             {"end", start + 47}, {"rule", "r"}},
                                            // out of range: must be ignored, not crash
                                            {{"provision", "287g"}, {"stance", "neutral"}, {"evidence", "zzz"},
                                             {"start", 5}, {"end", 100000}, {"rule", "r"}}})},
                {"cites", Json::array({"lunn"})}};
    return Json({{"id", std::to_string(id)}, {"town", "Quillfield"}, {"county", "Brackett"}, {"title", "Doc " + kEvil},
                 {"url", "https://q.example/d.pdf"}, {"doc_type", "ordinance"}, {"status", "active"},
                 {"versions", Json::array()}, {"current_version", "31"}, {"type", "pdf"}, {"pages", 7},
                 {"sections", Json::array({sec})}})
        .dump();
  }

  Result<std::string> changes(std::string_view town, std::string_view provision, size_t limit) override {
    last_town = town;
    last_provision = provision;
    last_limit = limit;
    if (fail) return tl::make_unexpected(*fail);
    return Json({{"changes", Json::array({{{"id", "5"}, {"detected_at", "2025-06-01T09:00:01Z"}, {"kind", "provision_change"},
                                           {"town", "Port Tessaly"}, {"document_id", "3"}, {"url", "https://t.example/a"},
                                           {"summary", "Q7 " + kEvil + "\x01"}, {"detail", Json::object()}}})}})
        .dump();
  }

  Result<std::string> taxonomy() override {
    if (fail) return tl::make_unexpected(*fail);
    Json provs = Json::array();
    const char* ids[] = {"status_inquiry", "info_sharing", "detention_on_detainer", "detainer_notice",
                         "enforcement_operations", "local_resources", "287g"};
    for (int i = 0; i < 7; ++i) {
      provs.push_back({{"id", ids[i]}, {"label", std::string("Label ") + ids[i]}, {"question", "Q" + std::to_string(i + 1)},
                       {"description", "Desc " + kEvil}});
    }
    provs.push_back({{"id", "facility_access"}, {"label", "ICE access"}, {"question", ""}, {"description", ""}});
    return Json({{"provisions", provs},
                 {"municipalities", Json::array({{{"name", "Quillfield"}, {"county", "Brackett"}, {"kind", "town"}, {"documents", 1}},
                                                 {{"name", "Town " + kEvil}, {"county", "Brackett"}, {"kind", "town"}, {"documents", 0}}})}})
        .dump();
  }
};

}  // namespace policyindex::testing
