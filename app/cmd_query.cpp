// policyindex search | scorecard | matrix | compare | peers | history: the query commands.
// Each asks query::Api for a typed answer and prints it through render/: the JSON of
// docs/API.md (--format json), text for people, or CSV for spreadsheets, R and pandas.

#include <unistd.h>

#include <iostream>
#include <cstring>
#include <type_traits>

#include "app/app.h"
#include "corpus/corpus.h"
#include "query/query.h"
#include "render/render.h"

namespace policyindex::app {
namespace {

struct Common {
  std::string format = "text";
  std::vector<std::string> index_paths;
};

// Opens the Api, asks CALL, and prints its typed answer through render/: as JSON
// (--format json), CSV (when CSV is given and asked for) or TEXT.
template <class Call, class Text, class Csv = std::nullptr_t>
int run_api(const Globals& g, const Common& c, Call call, Text text, Csv csv = nullptr) {
  auto api = query::open_api(corpus::default_data_dir(g.data_dir), c.index_paths);
  if (!api) return fail(api.error());
  auto out = call(**api);
  if (!out) return fail(out.error());
  if (c.format == "json") {
    std::cout << render::json(*out) << "\n";
    return kExitOk;
  }
  if constexpr (!std::is_same_v<Csv, std::nullptr_t>) {
    if (c.format == "csv") {
      std::cout << csv(*out);
      return kExitOk;
    }
  }
  std::cout << text(*out);
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

}  // namespace

void register_query(Registry& r) {
  Globals& g = r.globals;

  // -- search ---------------------------------------------------------------------------------
  {
    struct Opts {
      Common c;
      query::SearchRequest req;
      bool all = false;
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
    sub->add_flag("--all", o->all, "Every hit from --offset on (no --limit): for CSV and JSON exports");
    add_common(sub, o->c, {"text", "json", "csv"}, true);
    r.add(sub, [o, &g] {
      const bool ansi = isatty(STDOUT_FILENO);
      // No silent caps: what a page leaves out is said on stderr (JSON also has "omitted").
      auto call = [&](query::Api& api) -> Result<query::SearchResult> {
        auto res = api.search(o->req);
        if (res && o->all && res->omitted() > 0) {
          query::SearchRequest every = o->req;
          every.limit = res->total - o->req.offset;
          res = api.search(every);
        }
        if (res && o->c.format != "text") {
          if (const std::string note = render::search_omitted_note(*res, false); !note.empty()) {
            std::cerr << note << "\n";
          }
        }
        return res;
      };
      return run_api(
          g, o->c, call, [&](const query::SearchResult& a) { return render::search_text(a, ansi); },
          [](const query::SearchResult& a) { return render::search_csv(a); });
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
      return run_api(g, o->c, [&](query::Api& api) { return api.scorecard(o->town); },
                     [](const query::Scorecard& a) { return render::scorecard_text(a); });
    });
  }

  // -- matrix ---------------------------------------------------------------------------------
  {
    struct Opts {
      Common c;
      bool long_form = false;
      std::string by = "question";
    };
    auto o = std::make_shared<Opts>();
    auto* sub = r.app.add_subcommand("matrix", "Every municipality x Q1-Q7 and the other provisions");
    add_common(sub, o->c, {"csv", "json", "text"}, false);
    sub->add_flag("--long", o->long_form,
                  "Tidy data: one row per town x question with its state, quote and provenance (version, sha256)");
    sub->add_option("--by", o->by, "With --long: one row per town x question, per town x provision, or per evidence")
        ->check(CLI::IsMember({"question", "provision", "evidence"}));
    r.add(sub, [o, &g] {
      if (!o->long_form) {
        if (o->by != "question") {
          std::cerr << "policyindex: matrix: --by needs --long\n";
          return kExitUsage;
        }
        return run_api(
            g, o->c, [](query::Api& api) { return api.matrix(); },
            [](const query::Matrix& m) { return render::matrix_text(m); },
            [](const query::Matrix& m) { return render::matrix_csv(m); });
      }
      return run_api(
          g, o->c, [&](query::Api& api) { return api.matrix_long(o->by); },
          [](const query::MatrixLong& m) { return render::matrix_long_text(m); },
          [](const query::MatrixLong& m) { return render::matrix_long_csv(m); });
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
                     [](const query::Comparison& a) { return render::compare_text(a); });
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
                     [&](const query::Peers& a) { return render::peers_text(a, o->limit); });
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
      return run_api(g, o->c, [&](query::Api& api) { return api.history(o->what); },
                     [](const query::History& a) { return render::history_text(a); });
    });
  }
}

}  // namespace policyindex::app
