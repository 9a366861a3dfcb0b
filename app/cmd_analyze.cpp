// policyindex analyze FILE [--format text|json|html] [--town T] [--model NAME]: one local
// file extracted (in a worker process, like every extraction), tagged, scored and reported
// for people: summary, legend, verdicts with their quotes, what to borrow from other towns of
// the corpus (when there is one), and the comparison with a model document.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/analyze_input.h"
#include "app/app.h"
#include "corpus/corpus.h"
#include "extract/extract.h"
#include "pipeline/analyze_report.h"
#include "render/report.h"

namespace policyindex::app {

void register_analyze(Registry& r) {
  struct Opts {
    std::string file, format = "text", town, model;
    bool no_ocr = false, explain = false;
    int timeout = 600;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand("analyze", "The report of one local file: summary, verdicts with quotes, what to borrow");
  sub->add_option("FILE", opts->file, "A PDF, HTML, DOCX or text file")->required();
  sub->add_option("--format", opts->format, "Output format (html: a printable page)")
      ->check(CLI::IsMember({"text", "json", "html"}));
  sub->add_option("--town", opts->town, "The town the policy is from: nearest towns first, and it is not offered to itself");
  sub->add_option("--model", opts->model, "Compare with this model document of the corpus (see `model list`)");
  sub->add_flag("--no-ocr", opts->no_ocr, "Do not OCR pages without a text layer");
  sub->add_flag("--explain", opts->explain, "Show why each provision was tagged (rule, cues, list structure, context)");
  sub->add_option("--timeout", opts->timeout, "Seconds before the extraction is abandoned")->check(CLI::PositiveNumber);
  Globals& g = r.globals;
  r.add(sub, [opts, &g]() -> int {
    if (auto st = check_analyze_input(opts->file); !st) return fail(st.error().message);
    auto tagger = pipeline::SectionTagger::create(g.taxonomy);
    if (!tagger) return fail(tagger.error());
    pipeline::AnalyzeOptions options;
    options.ocr = !opts->no_ocr;
    options.timeout_s = opts->timeout;
    pipeline::ReportRequest request;
    request.name = opts->file;
    request.town = opts->town;
    request.model = opts->model;
    request.data_dir = corpus::default_data_dir(g.data_dir);
    std::ifstream in(opts->file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto analyzed = pipeline::analyze_report(bytes.str(), *tagger, options, request);
    if (!analyzed) return fail(analyzed.error().message);
    const query::Report& report = analyzed->report;
    const extract::Document* doc = &analyzed->analysis.document;
    const pipeline::DocumentStanding& standing = analyzed->analysis.standing;
    if (opts->format == "html") {
      std::cout << render::report_html(report);
      return kExitOk;
    }
    const std::string json = pipeline::analyze_json(*analyzed, *tagger, opts->explain);
    if (opts->format == "json") {
      std::cout << json;
      return kExitOk;
    }
    const nlohmann::json result = nlohmann::json::parse(json);
    std::cout << render::report_text(report);
    std::cout << "status: " << provisions::doc_status_name(standing.status.status) << " ("
              << standing.status.reason << ")\n";
    for (const auto& d : standing.status.dates)
      std::cout << "  " << d.kind << ": " << (d.date.empty() ? "-" : d.date) << " (\"" << d.text << "\")\n";
    for (const auto& c : standing.status.conflicts) std::cout << "  dates disagree: " << c << "\n";
    if (opts->explain) {
      std::cout << "\nWhy (genre: " << result["genre"]["id"].get<std::string>() << ", from "
                << result["genre"]["reason"].get<std::string>() << "):\n";
      for (const auto& e : result["explain"])
        std::cout << "  [" << e["section"].get<std::string>() << "] " << e["provision"].get<std::string>() << " "
                  << e["stance"].get<std::string>() << (e["descriptive"].get<bool>() ? " (context)" : "") << " -- "
                  << e["rule"].get<std::string>() << ": " << e["why"].get<std::string>() << "\n      \""
                  << e["evidence"].get<std::string>() << "\" [" << e["start"].get<size_t>() << ", "
                  << e["end"].get<size_t>() << ")\n";
    }
    if (!doc->struck.empty()) std::cout << doc->struck.size() << " struck passages set aside\n";
    return kExitOk;
  });
}

}  // namespace policyindex::app
