// policyindex analyze FILE [--format text|json]: one local file extracted (in a worker
// process, like every extraction) and printed as sections.

#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/pipeline.h"
#include "extract/extract.h"

namespace policyindex::app {

namespace {

// The advocate's view: the seven questions first, each with its strongest sentence.
void print_scorecard_text(const nlohmann::json& card) {
  std::cout << "\nScorecard (seven questions, then other provisions):\n";
  for (const auto& [key, e] : card.items()) {
    const std::string verdict = e["verdict"].get<std::string>();
    const bool question = !e["question"].get<std::string>().empty();
    if (!question && verdict == "absent" && !e["present"].get<bool>()) continue;
    std::string head = question ? key + " " : "   ";
    std::cout << "  " << head << e["label"].get<std::string>() << ": " << verdict << "\n";
    size_t shown = 0;
    for (const auto& ev : e["evidence"]) {
      if (shown++ == 2) break;
      std::string where = ev["section"].get<std::string>();
      if (!ev["heading"].get<std::string>().empty()) where += " " + ev["heading"].get<std::string>();
      if (!ev["page"].is_null()) where += ", p. " + std::to_string(ev["page"].get<int>());
      std::string text = ev["text"].get<std::string>();
      if (text.size() > 220) text = text.substr(0, 217) + "...";
      std::cout << "        [" << ev["stance"].get<std::string>() << "] \"" << text << "\" (" << where
                << ")\n";
    }
  }
}

}  // namespace

void register_analyze(Registry& r) {
  struct Opts {
    std::string file, format = "text";
    bool no_ocr = false, explain = false;
    int timeout = 600;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand("analyze", "Sections, provisions and the seven-question scorecard of one local file");
  sub->add_option("FILE", opts->file, "A PDF, HTML, DOCX or text file")->required();
  sub->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  sub->add_flag("--no-ocr", opts->no_ocr, "Do not OCR pages without a text layer");
  sub->add_flag("--explain", opts->explain, "Show why each provision was tagged (rule, cues, list structure, context)");
  sub->add_option("--timeout", opts->timeout, "Seconds before the extraction is abandoned")->check(CLI::PositiveNumber);
  Globals& g = r.globals;
  r.add(sub, [opts, &g]() -> int {
    auto tagger = SectionTagger::create(g.taxonomy);
    if (!tagger) return fail(tagger.error());
    std::ifstream in(opts->file, std::ios::binary);
    if (!in) return fail(opts->file + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    extract::Options options;
    options.ocr = !opts->no_ocr;
    extract::Limits limits;
    limits.wall_seconds = opts->timeout;
    limits.cpu_seconds = opts->timeout;
    auto doc = extract::extract_isolated(ss.str(), options, limits);
    if (!doc) return fail(opts->file + ": " + doc.error().message);
    nlohmann::json result = analyze_json(opts->file, *doc, *tagger);
    if (opts->explain) {  // the tagger's reasons, and hits in descriptive text (context only)
      std::string opening;
      for (const extract::Section& s : doc->sections) opening += s.heading + "\n" + s.text + "\n";
      const provisions::Genre genre = provisions::classify_genre(doc->title, opening);
      result["genre"] = {{"id", genre.id}, {"reason", genre.reason}, {"descriptive", genre.descriptive}};
      result["explain"] = nlohmann::json::array();
      for (const extract::Section& s : doc->sections) {
        const provisions::Tagged t = tagger->tag_raw(s);
        for (const auto* hits : {&t.hits, &t.context})
          for (const auto& h : *hits)
            result["explain"].push_back({{"section", s.number.empty() ? s.key : s.number}, {"provision", h.provision},
                                         {"stance", provisions::stance_name(h.stance)}, {"descriptive", h.descriptive},
                                         {"rule", h.rule}, {"why", h.why}, {"start", h.start}, {"end", h.end},
                                         {"evidence", h.evidence}});
      }
    }
    if (opts->format == "json") {
      std::cout << result.dump(2) << "\n";
      return kExitOk;
    }
    std::cout << opts->file << ": " << extract::file_type_name(doc->type);
    if (doc->pages) std::cout << ", " << doc->pages << " pages";
    if (!doc->ocr_pages.empty()) std::cout << " (" << doc->ocr_pages.size() << " by OCR)";
    std::cout << ", " << doc->sections.size() << " sections\n";
    if (!doc->title.empty()) std::cout << "title: " << doc->title << "\n";
    for (const extract::Section& s : doc->sections) {
      std::cout << std::string(static_cast<size_t>(2 * (s.level - 1)), ' ') << "- ";
      if (!s.number.empty()) std::cout << s.number << " ";
      std::cout << (s.heading.empty() ? "(untitled)" : s.heading);
      if (s.page) std::cout << "  [p. " << s.page << (s.page_end > s.page ? "-" + std::to_string(s.page_end) : "") << "]";
      std::cout << "\n";
    }
    print_scorecard_text(result["scorecard"]);
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
    for (const auto& w : doc->warnings) std::cout << "warning: " << w << "\n";
    return kExitOk;
  });
}

}  // namespace policyindex::app
