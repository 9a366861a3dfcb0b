// policyindex analyze FILE [--format text|json|html] [--town T] [--model NAME]: one local
// file extracted (in a worker process, like every extraction), tagged, scored and reported
// for people: summary, legend, verdicts with their quotes, what to borrow from other towns of
// the corpus (when there is one), and the comparison with a model document.

#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/analyze_input.h"
#include "app/app.h"
#include "corpus/models.h"
#include "extract/extract.h"
#include "pipeline/pipeline.h"
#include "query/model_compare.h"
#include "query/report.h"
#include "render/report.h"

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

}  // namespace

namespace {

// The report's input from the analysis.
query::ReportInput report_input(const pipeline::Analysis& a) {
  const extract::Document& doc = a.document;
  query::ReportInput in;
  in.file = a.file;
  in.type = std::string(extract::file_type_name(doc.type));
  in.title = doc.title;
  in.pages = doc.pages;
  in.ocr_pages = doc.ocr_pages;
  in.warnings = doc.warnings;
  in.scorecard = &a.scorecard;
  for (size_t i = 0; i < doc.sections.size(); ++i) {
    const extract::Section& s = doc.sections[i];
    in.sections.push_back({s.number, s.heading, s.level, s.page, s.page_end, s.text, &a.tags[i]});
  }
  return in;
}

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n\f") == std::string_view::npos; }

// The corpus of DATA_DIR when it has one; nothing (and no catalog created) otherwise.
std::optional<std::filesystem::path> corpus_catalog(const std::filesystem::path& data_dir) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(data_dir / "catalog.sqlite", ec)) return data_dir / "catalog.sqlite";
  return std::nullopt;
}

// The comparison of the analyzed file with the model NAME of the corpus at DATA_DIR.
Result<query::ModelComparison> compare_model(const std::filesystem::path& data_dir, const std::string& name,
                                             const pipeline::Analysis& a, const provisions::Tagger& tagger) {
  auto path = corpus_catalog(data_dir);
  if (!path)
    return make_error(ErrorCode::kNotFound, "--model needs a corpus: there is none in " + data_dir.string() +
                                                " (use --data DIR)");
  auto catalog = corpus::Catalog::open(*path);
  if (!catalog) return tl::make_unexpected(catalog.error());
  corpus::ReportReader reader(*catalog);
  auto model = reader.model(name);
  if (!model) return tl::make_unexpected(model.error());
  if (!*model) {
    std::string known;
    if (auto all = reader.models(); all) {
      for (const auto& m : *all) {
        if (!known.empty()) known += ", ";
        known += m.name;
      }
    }
    std::string message = "no model named \"";
    message += name;
    message += known.empty() ? "\" (none marked yet: policyindex model add)" : "\" (models: " + known + ")";
    return make_error(ErrorCode::kNotFound, message);
  }
  auto sections = reader.current_sections((*model)->document_id);
  if (!sections) return tl::make_unexpected(sections.error());
  if (sections->empty())
    return make_error(ErrorCode::kNotFound, "the model \"" + name + "\" (document " +
                                                std::to_string((*model)->document_id) + ") has no extracted text yet: run extract");
  std::vector<query::CompareSection> model_sections, town_sections;
  for (const auto& s : *sections)
    model_sections.push_back({s.number, s.heading, s.page ? std::optional<int>(static_cast<int>(*s.page)) : std::nullopt, s.text});
  for (const auto& s : a.document.sections)
    town_sections.push_back({s.number, s.heading, s.page > 0 ? std::optional<int>(s.page) : std::nullopt, s.text});
  query::ModelComparison out = query::compare_with_model(model_sections, town_sections, tagger);
  out.name = (*model)->name;
  out.document = (*model)->title.empty() ? (*model)->url : (*model)->title;
  out.url = (*model)->url;
  out.town = (*model)->town;
  return out;
}

}  // namespace

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
    auto analysis = pipeline::analyze_file(opts->file, *tagger, options);
    if (!analysis) return fail(plain_extract_error(opts->file, analysis.error()));
    const extract::Document* doc = &analysis->document;
    if (blank(doc->text)) {
      if (doc->type == extract::FileType::kPdf && opts->no_ocr)
        return fail(opts->file + " has no text layer (it looks like a scan): run without --no-ocr to read it by OCR");
      if (doc->type == extract::FileType::kPdf)
        return fail(opts->file + " has no readable text: it looks like a scan, and OCR found no text in it");
      return fail(opts->file + " has no readable text");
    }

    // The report: verdicts, then what to borrow from the corpus, then the model.
    query::Report report = query::make_report(report_input(*analysis), tagger->taxonomy());
    const std::filesystem::path data_dir = corpus::default_data_dir(g.data_dir);
    if (!corpus_catalog(data_dir)) {
      report.borrow_note = "No corpus was given (no catalog in " + data_dir.string() +
                           "; use --data DIR), so there is no language from other towns to borrow.";
    } else {
      auto borrower = query::Borrower::open(data_dir, tagger->taxonomy_ptr());
      if (!borrower) return fail(borrower.error());
      if (auto st = borrower->fill(report, opts->town, doc->text); !st) return fail(st.error());
    }
    if (!opts->model.empty()) {
      provisions::Tagger plain(tagger->taxonomy_ptr());
      auto cmp = compare_model(data_dir, opts->model, *analysis, plain);
      if (!cmp) return fail(cmp.error());
      report.model = std::make_shared<const query::ModelComparison>(std::move(*cmp));
    }
    if (opts->format == "html") {
      std::cout << render::report_html(report);
      return kExitOk;
    }

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
      result["report"] = nlohmann::json::parse(render::report_json(report));  // additive
      std::cout << result.dump(2) << "\n";
      return kExitOk;
    }
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
