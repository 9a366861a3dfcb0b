// policyindex analyze FILE [--format text|json]: one local file extracted (in a worker
// process, like every extraction) and printed as sections.

#include <iostream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "extract/extract.h"
#include "pipeline/pipeline.h"

namespace policyindex::app {

namespace {

// A scorecard as JSON: "Q1".."Q7" then provision ids, each {provision, question, label,
// verdict, present, evidence[{document, section, heading, page, stance, text}]}.
nlohmann::json scorecard_json(const provisions::Scorecard& card,
                              const provisions::Taxonomy& taxonomy) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& e : card.entries) {
    const auto* info = taxonomy.find(e.provision);
    nlohmann::json evidence = nlohmann::json::array();
    for (const auto& ev : e.evidence) {
      nlohmann::json j = {{"document", ev.document},
                          {"section", ev.section},
                          {"heading", ev.heading},
                          {"stance", provisions::stance_name(ev.stance)},
                          {"text", ev.text}};
      j["page"] = ev.page > 0 ? nlohmann::json(ev.page) : nlohmann::json(nullptr);
      evidence.push_back(std::move(j));
    }
    out[e.question.empty() ? e.provision : e.question] = {
        {"provision", e.provision},
        {"question", e.question},
        {"label", info ? info->label : e.provision},
        {"verdict", provisions::verdict_name(e.verdict)},
        {"present", e.present},
        {"evidence", std::move(evidence)}};
  }
  return out;
}

// The analyze JSON of DESIGN.md: file, type, pages, ocr_pages, sections with provisions and
// cites, scorecard, errors.
nlohmann::json analysis_json(const pipeline::Analysis& a, const provisions::Taxonomy& taxonomy) {
  const extract::Document& doc = a.document;
  nlohmann::json sections = nlohmann::json::array();
  for (size_t i = 0; i < doc.sections.size(); ++i) {
    const extract::Section& s = doc.sections[i];
    nlohmann::json provisions_json = nlohmann::json::array();
    for (const auto& h : a.tags[i].hits) {
      provisions_json.push_back({{"provision", h.provision},
                                 {"stance", provisions::stance_name(h.stance)},
                                 {"evidence", h.evidence},
                                 {"start", h.start},
                                 {"end", h.end},
                                 {"rule", h.rule}});
    }
    nlohmann::json j = {{"id", s.key}, {"number", s.number}, {"heading", s.heading},
                        {"level", s.level}};
    if (s.page > 0) {
      j["page"] = s.page;
      j["page_end"] = s.page_end;
    } else {
      j["page"] = nullptr;
    }
    j["text"] = s.text;
    j["provisions"] = std::move(provisions_json);
    j["cites"] = a.tags[i].cites;
    sections.push_back(std::move(j));
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& w : doc.warnings) errors.push_back(w);
  return {{"file", a.file},
          {"type", extract::file_type_name(doc.type)},
          {"title", doc.title},
          {"pages", doc.pages},
          {"ocr_pages", doc.ocr_pages},
          {"sections", std::move(sections)},
          {"scorecard", scorecard_json(a.scorecard, taxonomy)},
          {"struck", doc.struck},
          {"errors", std::move(errors)}};
}

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
    auto tagger = pipeline::SectionTagger::create(g.taxonomy);
    if (!tagger) return fail(tagger.error());
    pipeline::AnalyzeOptions options;
    options.ocr = !opts->no_ocr;
    options.timeout_s = opts->timeout;
    auto analysis = pipeline::analyze_file(opts->file, *tagger, options);
    if (!analysis) return fail(analysis.error());
    const extract::Document* doc = &analysis->document;
    nlohmann::json result = analysis_json(*analysis, tagger->taxonomy());
    // What kind of document this is (an additive field of the analyze JSON).
    const pipeline::DocumentStanding& standing = analysis->standing;
    const provisions::Genre& genre = standing.genre;
    result["genre"] = {{"id", genre.id}, {"reason", genre.reason}, {"descriptive", genre.descriptive}};
    // Its title from the document itself and its status with dates (additive fields).
    if (!standing.title.title.empty()) result["title"] = standing.title.title;
    result["title_source"] = standing.title.source;
    nlohmann::json dates = nlohmann::json::array();
    for (const auto& d : standing.status.dates) dates.push_back({{"kind", d.kind}, {"date", d.date}, {"text", d.text}});
    result["status"] = {{"status", provisions::doc_status_name(standing.status.status)},
                        {"reason", standing.status.reason},
                        {"presumed", standing.status.presumed},
                        {"counts_toward_verdicts", provisions::counts_toward_verdicts(standing.status.status)},
                        {"dates", std::move(dates)},
                        {"conflicts", standing.status.conflicts}};
    if (opts->explain) {  // the tagger's reasons, and hits in descriptive text (context only)
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
    const std::string title = result["title"].get<std::string>();
    if (!title.empty()) std::cout << "title: " << title << "\n";
    std::cout << "status: " << provisions::doc_status_name(standing.status.status) << " ("
              << standing.status.reason << ")\n";
    for (const auto& d : standing.status.dates)
      std::cout << "  " << d.kind << ": " << (d.date.empty() ? "-" : d.date) << " (\"" << d.text << "\")\n";
    for (const auto& c : standing.status.conflicts) std::cout << "  dates disagree: " << c << "\n";
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
