// policyindex search | scorecard | matrix | compare | peers | history: the query commands.
// Each asks query::Api for the JSON of docs/API.md and prints it as is (--format json) or
// renders it as text for people or CSV for spreadsheets, R and pandas.

#include <unistd.h>

#include <iostream>
#include <cstring>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "corpus/corpus.h"
#include "query/query.h"

namespace policyindex::app {
namespace {

using Json = nlohmann::ordered_json;

struct Common {
  std::string format = "text";
  std::vector<std::string> index_paths;
};

// RFC 4180: quote when needed, double the quotes inside.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    line += csv_field(fields[i]);
  }
  return line + "\r\n";
}

std::string str(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

// Snippets are HTML-escaped with <b> around matches: plain text for the terminal.
std::string plain_snippet(const std::string& html, bool ansi) {
  std::string out;
  for (size_t i = 0; i < html.size();) {
    auto starts = [&](const char* s) { return html.compare(i, std::strlen(s), s) == 0; };
    if (starts("<b>")) { out += ansi ? "\x1b[1m" : ""; i += 3; }
    else if (starts("</b>")) { out += ansi ? "\x1b[0m" : ""; i += 4; }
    else if (starts("&amp;")) { out += '&'; i += 5; }
    else if (starts("&lt;")) { out += '<'; i += 4; }
    else if (starts("&gt;")) { out += '>'; i += 4; }
    else if (starts("&quot;")) { out += '"'; i += 6; }
    else if (starts("&#39;")) { out += '\''; i += 5; }
    else if (html[i] == '\n') { out += ' '; ++i; }
    else { out += html[i]; ++i; }
  }
  return out;
}

std::string where(const Json& ev) {
  std::string w = str(ev.value("document", Json(""))); 
  std::string sec = str(ev.value("section", Json("")));
  if (!sec.empty()) w += ", § " + sec;
  std::string heading = str(ev.value("heading", Json("")));
  if (!heading.empty()) w += " " + heading;
  if (ev.contains("page") && !ev["page"].is_null()) w += ", p. " + str(ev["page"]);
  return w;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

void print_evidence(const Json& evidence, size_t max, const std::string& indent) {
  size_t n = 0;
  for (const auto& ev : evidence) {
    if (n++ == max) {
      std::cout << indent << "(" << evidence.size() - max << " more)\n";
      break;
    }
    std::cout << indent << "\"" << str(ev["text"]) << "\"\n" << indent << "  — " << where(ev)
              << " [" << str(ev["stance"]) << "]\n";
  }
}

int run_api(const Globals& g, const Common& c, const std::function<Result<std::string>(query::Api&)>& call,
            const std::function<void(const Json&)>& text, const std::function<void(const Json&)>& csv = {}) {
  auto api = query::open_api(corpus::default_data_dir(g.data_dir), c.index_paths);
  if (!api) return fail(api.error());
  auto out = call(**api);
  if (!out) return fail(out.error());
  if (c.format == "json") {
    std::cout << *out << "\n";
    return kExitOk;
  }
  Json j = Json::parse(*out);
  if (c.format == "csv" && csv) {
    csv(j);
  } else {
    text(j);
  }
  return kExitOk;
}

void add_common(CLI::App* sub, Common& c, std::vector<std::string> formats, bool index_option) {
  c.format = formats.front();
  std::string help = "Output format: ";
  for (size_t i = 0; i < formats.size(); ++i) help += (i ? "|" : "") + formats[i];
  sub->add_option("--format", c.format, help)->check(CLI::IsMember(formats));
  if (index_option) {
    sub->add_option("--index", c.index_paths,
                    "Search these Xapian databases as one instead of DATA/xapian (repeatable: "
                    "directories, stub files, or tcp:HOST:PORT of a xapian-tcpsrv)");
  }
}

void scorecard_text(const Json& j) {
  std::cout << str(j["town"]) << " (" << str(j["county"]) << " County)\n";
  const auto& docs = j["documents"];
  if (docs.empty()) {
    std::cout << "No document in the corpus for this town: every question is unanswered.\n";
  }
  for (const auto& d : docs) {
    std::cout << "  document " << str(d["id"]) << ": " << str(d["title"]) << " [" << str(d["doc_type"])
              << "] " << str(d["url"]) << "\n";
  }
  std::cout << "\n";
  for (const auto& [key, e] : j.items()) {
    if (!e.is_object() || !e.contains("verdict")) continue;
    std::cout << key << "  " << upper(str(e["verdict"])) << "  " << str(e["label"]);
    if (key != str(e["provision"])) std::cout << " (" << str(e["provision"]) << ")";
    std::cout << "\n";
    print_evidence(e["evidence"], 3, "    ");
  }
}

}  // namespace

void register_query(Registry& r) {
  Globals& g = r.globals;

  // -- search ---------------------------------------------------------------------------------
  {
    struct Opts {
      Common c;
      query::SearchRequest req;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = r.app.add_subcommand("search", "Full-text search with facets over every indexed section");
    sub->add_option("QUERY", o->req.query,
                    "Words, \"phrases\", AND/OR/NOT, NEAR, and town: county: provision: stance: "
                    "type: cites: fields; may be empty when a filter is given");
    sub->add_option("--town", o->req.towns, "Only these towns (repeatable)");
    sub->add_option("--county", o->req.counties, "Only these counties (repeatable)");
    sub->add_option("--provision", o->req.provisions, "Only sections tagged with these provisions or questions (Q1..Q7)");
    sub->add_option("--stance", o->req.stances, "Only these stances: protective, permissive, neutral");
    sub->add_option("--type", o->req.types, "Only these document types");
    sub->add_option("--cites", o->req.cites, "Only sections citing these (lunn, 8usc1373, ...)");
    sub->add_option("--limit", o->req.limit, "Hits per page")->check(CLI::Range(size_t{0}, size_t{1000}));
    sub->add_option("--offset", o->req.offset, "Skip this many hits (paging)");
    add_common(sub, o->c, {"text", "json", "csv"}, true);
    r.add(sub, [o, &g] {
      const bool ansi = isatty(STDOUT_FILENO);
      return run_api(
          g, o->c, [&](query::Api& api) { return api.search(o->req); },
          [&](const Json& j) {
            size_t total = j["total"].get<size_t>();
            size_t off = j["offset"].get<size_t>();
            size_t shown = j["hits"].size();
            std::cout << total << (total == 1 ? " section matches" : " sections match");
            if (!o->req.query.empty()) std::cout << " \"" << o->req.query << "\"";
            if (shown) std::cout << " (showing " << off + 1 << "-" << off + shown << ")";
            std::cout << "\n";
            if (!str(j["suggestion"]).empty()) std::cout << "Did you mean: " << str(j["suggestion"]) << "\n";
            for (const auto& h : j["hits"]) {
              std::cout << "\n" << str(h["rank"]) << ". " << str(h["town"]) << " — " << str(h["title"])
                        << " [" << str(h["doc_type"]) << "]";
              if (!str(h["number"]).empty()) std::cout << " § " << str(h["number"]);
              if (!str(h["heading"]).empty()) std::cout << " " << str(h["heading"]);
              if (!h["page"].is_null()) std::cout << ", p. " << str(h["page"]);
              std::cout << "\n   " << plain_snippet(str(h["snippet"]), ansi) << "\n";
              if (!h["provisions"].empty()) {
                std::cout << "   provisions:";
                for (const auto& p : h["provisions"]) std::cout << " " << str(p["provision"]) << " (" << str(p["stance"]) << ")";
                std::cout << "\n";
              }
              if (!h["cites"].empty()) {
                std::cout << "   cites:";
                for (const auto& c : h["cites"]) std::cout << " " << str(c);
                std::cout << "\n";
              }
              std::cout << "   " << str(h["url"]) << "  (section " << str(h["section_id"]) << ")\n";
            }
            if (total) {
              std::cout << "\nFacets (exact counts over all " << total << " matches):\n";
              for (const auto& [name, counts] : j["facets"].items()) {
                if (counts.empty()) continue;
                std::cout << "  " << name << ":";
                size_t n = 0;
                for (const auto& [value, count] : counts.items()) {
                  if (n++ == 12) { std::cout << " …"; break; }
                  std::cout << " " << value << " (" << count.get<size_t>() << ")";
                }
                std::cout << "\n";
              }
            }
          },
          [&](const Json& j) {
            std::cout << csv_row({"rank", "town", "county", "doc_type", "title", "url", "document_id",
                                  "section_id", "number", "heading", "page", "provisions", "cites", "snippet"});
            for (const auto& h : j["hits"]) {
              std::string provs, cites;
              for (const auto& p : h["provisions"]) provs += (provs.empty() ? "" : ";") + str(p["provision"]) + ":" + str(p["stance"]);
              for (const auto& c : h["cites"]) cites += (cites.empty() ? "" : ";") + str(c);
              std::cout << csv_row({str(h["rank"]), str(h["town"]), str(h["county"]), str(h["doc_type"]),
                                    str(h["title"]), str(h["url"]), str(h["document_id"]), str(h["section_id"]),
                                    str(h["number"]), str(h["heading"]), str(h["page"]), provs, cites,
                                    plain_snippet(str(h["snippet"]), false)});
            }
          });
    });
  }

  // -- scorecard ------------------------------------------------------------------------------
  {
    struct Opts {
      Common c;
      std::string town;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = r.app.add_subcommand("scorecard", "A town's seven-question scorecard and other provisions, with evidence");
    sub->add_option("TOWN", o->town, "Municipality (forgiving: case, 'Town of', prefixes)")->required();
    add_common(sub, o->c, {"text", "json"}, false);
    r.add(sub, [o, &g] {
      return run_api(g, o->c, [&](query::Api& api) { return api.scorecard(o->town); }, scorecard_text);
    });
  }

  // -- matrix ---------------------------------------------------------------------------------
  {
    auto c = std::make_shared<Common>();
    auto* sub = r.app.add_subcommand("matrix", "Every municipality x Q1-Q7 and the other provisions");
    add_common(sub, *c, {"csv", "json", "text"}, false);
    r.add(sub, [c, &g] {
      auto csv = [](const Json& j) {
        std::vector<std::string> header{"town", "county", "documents"};
        for (const auto& col : j["columns"]) header.push_back(str(col));
        std::cout << csv_row(header);
        for (const auto& row : j["rows"]) {
          std::vector<std::string> f{str(row["town"]), str(row["county"]), str(row["documents"])};
          for (const auto& col : j["columns"]) f.push_back(str(row["cells"][str(col)]));
          std::cout << csv_row(f);
        }
      };
      auto text = [](const Json& j) {
        std::printf("%-24s %-11s %4s", "town", "county", "docs");
        for (const auto& col : j["columns"]) if (str(col).size() == 2) std::printf(" %-6s", str(col).c_str());
        std::printf("\n");
        for (const auto& row : j["rows"]) {
          std::printf("%-24s %-11s %4s", str(row["town"]).c_str(), str(row["county"]).c_str(), str(row["documents"]).c_str());
          for (const auto& col : j["columns"]) {
            if (str(col).size() != 2) continue;
            std::string v = str(row["cells"][str(col)]);
            std::printf(" %-6s", v == "no document" ? "-" : v.c_str());
          }
          std::printf("\n");
        }
      };
      return run_api(g, *c, [](query::Api& api) { return api.matrix(); }, text, csv);
    });
  }

  // -- compare --------------------------------------------------------------------------------
  {
    struct Opts {
      Common c;
      std::vector<std::string> towns;
      std::string provision;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = r.app.add_subcommand("compare", "Towns side by side per provision, with their language");
    sub->add_option("TOWN", o->towns, "Two or more municipalities")->required();
    sub->add_option("--provision", o->provision, "Only this provision or question (Q1..Q7)");
    add_common(sub, o->c, {"text", "json"}, false);
    r.add(sub, [o, &g] {
      return run_api(g, o->c, [&](query::Api& api) { return api.compare(o->towns, o->provision); },
                     [](const Json& j) {
                       for (const auto& row : j["rows"]) {
                         std::cout << (str(row["question"]).empty() ? "" : str(row["question"]) + " ")
                                   << str(row["label"]) << " (" << str(row["provision"]) << ")\n";
                         for (const auto& cell : row["cells"]) {
                           std::cout << "  " << str(cell["town"]) << ": " << upper(str(cell["verdict"])) << "\n";
                           print_evidence(cell["evidence"], 2, "      ");
                         }
                         std::cout << "\n";
                       }
                     });
    });
  }

  // -- peers ----------------------------------------------------------------------------------
  {
    struct Opts {
      Common c;
      std::string town, provision;
      size_t limit = 5;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = r.app.add_subcommand("peers", "Towns with stronger language a town could borrow");
    sub->add_option("TOWN", o->town, "Municipality")->required();
    sub->add_option("--provision", o->provision, "Only this provision or question (default: every question not green)");
    sub->add_option("--limit", o->limit, "Peers shown per provision in text output");
    add_common(sub, o->c, {"text", "json"}, false);
    r.add(sub, [o, &g] {
      return run_api(g, o->c, [&](query::Api& api) { return api.peers(o->town, o->provision); },
                     [&](const Json& j) {
                       std::cout << "Peers for " << str(j["town"]) << " (" << str(j["county"]) << " County)\n";
                       if (j["provisions"].empty()) std::cout << "Nothing to borrow: every question is green.\n";
                       for (const auto& p : j["provisions"]) {
                         std::cout << "\n" << (str(p["question"]).empty() ? "" : str(p["question"]) + " ")
                                   << str(p["label"]) << " — " << str(j["town"]) << ": " << upper(str(p["verdict"]))
                                   << "\n";
                         if (p["peers"].empty()) std::cout << "  no town has protective language on this yet\n";
                         size_t n = 0;
                         for (const auto& peer : p["peers"]) {
                           if (n++ == o->limit) {
                             std::cout << "  (" << p["peers"].size() - o->limit << " more; --format json lists all)\n";
                             break;
                           }
                           std::cout << "  " << str(peer["town"]) << " (" << str(peer["county"])
                                     << (peer["same_county"].get<bool>() ? ", same county" : "")
                                     << ", similarity " << str(peer["similarity"]) << "): "
                                     << upper(str(peer["verdict"])) << "\n";
                           print_evidence(peer["evidence"], 1, "      ");
                         }
                       }
                     });
    });
  }

  // -- history --------------------------------------------------------------------------------
  {
    struct Opts {
      Common c;
      std::string what;
    };
    auto o = std::make_shared<Opts>();
    auto* sub = r.app.add_subcommand("history", "Versions of a town's documents and what changed");
    sub->add_option("TOWN|DOCUMENT", o->what, "Municipality name, or a document id")->required();
    add_common(sub, o->c, {"text", "json"}, false);
    r.add(sub, [o, &g] {
      return run_api(g, o->c, [&](query::Api& api) { return api.history(o->what); }, [](const Json& j) {
        std::cout << "History of " << str(j["town"]) << "\n";
        for (const auto& d : j["documents"]) {
          std::cout << "\ndocument " << str(d["id"]) << ": " << str(d["title"]) << " [" << str(d["status"]) << "] "
                    << str(d["url"]) << "\n";
          for (const auto& v : d["versions"]) {
            std::cout << "  version " << str(v["id"]) << "  " << str(v["fetched_at"]) << "  "
                      << str(v["size"]) << " bytes  sha256 " << str(v["sha256"]).substr(0, 12) << "\n";
            if (v.contains("changes") && v["changes"].is_object()) {
              for (const auto& [k, list] : v["changes"].items()) {
                if (list.empty()) continue;
                std::cout << "    " << k << ":";
                for (const auto& x : list) std::cout << " " << str(x) << ";";
                std::cout << "\n";
              }
            }
          }
        }
        if (!j["changes"].empty()) std::cout << "\nChanges detected:\n";
        for (const auto& c : j["changes"]) {
          std::cout << "  " << str(c["detected_at"]) << "  " << str(c["kind"]) << "  " << str(c["summary"]) << "\n";
        }
      });
    });
  }
}

}  // namespace policyindex::app
