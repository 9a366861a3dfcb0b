// The advocate's report of one file (pipeline/analyze_report.h): moved here from app/ so that
// `analyze` and the web upload give the same report, the same JSON and the same plain errors.

#include "pipeline/analyze_report.h"

#include <nlohmann/json.hpp>

#include "corpus/models.h"
#include "extract/extract.h"
#include "query/model_compare.h"
#include "render/report.h"

namespace policyindex::pipeline {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string named(std::string_view name, std::string_view rest) {
  std::string out(name);
  out += rest;
  return out;
}

// What a file that is none of the supported types looks like, for the message.
std::string looks_like(std::string_view head) {
  if (starts_with(head, "\x89PNG") || starts_with(head, "\xFF\xD8\xFF") || starts_with(head, "GIF8") ||
      starts_with(head, "II*") || starts_with(head, std::string_view("MM\0*", 4)))
    return " (it looks like an image: scan it to PDF, or give a PDF with its text)";
  if (starts_with(head, "PK\x03\x04")) return " (it looks like a ZIP archive that is not a Word document)";
  if (starts_with(head, "\xD0\xCF\x11\xE0")) return " (it looks like an old Word .doc file: save it as .docx or PDF)";
  if (starts_with(head, "{\\rtf")) return " (it looks like an RTF file: save it as .docx or PDF)";
  return "";
}

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n\f") == std::string_view::npos; }

// A scorecard as JSON: "Q1".."Q7" then provision ids, each {provision, question, label,
// verdict, present, evidence[{document, section, heading, page, stance, text}]}.
nlohmann::json scorecard_json(const provisions::Scorecard& card, const provisions::Taxonomy& taxonomy) {
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
    out[e.question.empty() ? e.provision : e.question] = {{"provision", e.provision},
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
nlohmann::json analysis_json(const Analysis& a, const provisions::Taxonomy& taxonomy) {
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
    nlohmann::json j = {{"id", s.key}, {"number", s.number}, {"heading", s.heading}, {"level", s.level}};
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

// The report's input from the analysis.
query::ReportInput report_input(const Analysis& a) {
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

// The corpus of DATA_DIR when it has one; nothing (and no catalog created) otherwise.
std::optional<std::filesystem::path> corpus_catalog(const std::filesystem::path& data_dir) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(data_dir / "catalog.sqlite", ec)) return data_dir / "catalog.sqlite";
  return std::nullopt;
}

// The comparison of the analyzed file with the model NAME of the corpus at DATA_DIR.
Result<query::ModelComparison> compare_model(const ReportRequest& request, const Analysis& a,
                                             const provisions::Tagger& tagger) {
  const std::string& name = request.model;
  auto path = corpus_catalog(request.data_dir);
  if (!path)
    return make_error(ErrorCode::kNotFound, "comparing with a model needs a corpus: there is none in " +
                                                request.data_dir.string() + " (" + request.data_hint + ")");
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
                                                std::to_string((*model)->document_id) +
                                                ") has no extracted text yet: run extract");
  std::vector<query::CompareSection> model_sections, town_sections;
  for (const auto& s : *sections)
    model_sections.push_back(
        {s.number, s.heading, s.page ? std::optional<int>(static_cast<int>(*s.page)) : std::nullopt, s.text});
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

Status check_analyze_bytes(std::string_view name, std::string_view head) {
  if (head.empty()) return make_error(ErrorCode::kParse, named(name, " is empty (0 bytes)"));
  if (blank(head.substr(0, 64 * 1024))) return make_error(ErrorCode::kParse, named(name, " is empty (only blank space)"));
  if (extract::sniff_type(head.substr(0, 64 * 1024)) == extract::FileType::kUnknown)
    return make_error(ErrorCode::kUnsupported,
                      named(name, " is not a PDF, Word (DOCX), HTML or text file") + looks_like(head));
  return {};
}

std::string plain_extract_error(std::string_view name, const Error& error) {
  const std::string& m = error.message;
  auto has = [&](std::string_view s) { return m.find(s) != std::string::npos; };
  if (has("encrypted")) return named(name, " is an encrypted PDF: it needs a password to open; ask for an unlocked copy");
  if (has("corrupt or unreadable PDF") || has("PDF has no pages") || has("XRef") || has("trailer"))
    return named(name, " is not a readable PDF (it may be damaged or incomplete)");
  if (has("empty file")) return named(name, " is empty");
  if (has("unsupported file type")) return named(name, " is not a PDF, Word (DOCX), HTML or text file");
  if (error.code == ErrorCode::kTooLarge) return named(name, " is too large to analyze (") + m + ")";
  if (has("timed out") || has("time limit")) return named(name, " took too long to read (") + m + "); try --timeout";
  // The extractor's own words, already naming the file when they come from analyze_file.
  return m.rfind(name, 0) == 0 ? m : named(name, ": ") + m;
}

std::string no_text_error(std::string_view name, const extract::Document& doc, bool ocr) {
  if (!blank(doc.text)) return "";
  if (doc.type == extract::FileType::kPdf && !ocr)
    return named(name, " has no text layer (it looks like a scan): run without --no-ocr to read it by OCR");
  if (doc.type == extract::FileType::kPdf)
    return named(name, " has no readable text: it looks like a scan, and OCR found no text in it");
  return named(name, " has no readable text");
}

Result<AnalyzedReport> analyze_report(std::string_view bytes, const SectionTagger& tagger,
                                      const AnalyzeOptions& options, const ReportRequest& request) {
  if (auto st = check_analyze_bytes(request.name, bytes); !st) return tl::make_unexpected(st.error());
  auto analysis = analyze_bytes(request.name, bytes, tagger, options);
  if (!analysis) return make_error(analysis.error().code, plain_extract_error(request.name, analysis.error()));
  if (std::string e = no_text_error(request.name, analysis->document, options.ocr); !e.empty())
    return make_error(ErrorCode::kParse, e);

  AnalyzedReport out{std::move(*analysis), {}};
  // The report: verdicts, then what to borrow from the corpus, then the model.
  out.report = query::make_report(report_input(out.analysis), tagger.taxonomy());
  if (!corpus_catalog(request.data_dir)) {
    out.report.borrow_note = "No corpus was given (no catalog in " + request.data_dir.string() + "; " +
                             request.data_hint + "), so there is no language from other towns to borrow.";
  } else {
    auto borrower = query::Borrower::open(request.data_dir, tagger.taxonomy_ptr());
    if (!borrower) return tl::make_unexpected(borrower.error());
    if (auto st = borrower->fill(out.report, request.town, out.analysis.document.text); !st)
      return tl::make_unexpected(st.error());
  }
  if (!request.model.empty()) {
    provisions::Tagger plain(tagger.taxonomy_ptr());
    auto cmp = compare_model(request, out.analysis, plain);
    if (!cmp) return tl::make_unexpected(cmp.error());
    out.report.model = std::make_shared<const query::ModelComparison>(std::move(*cmp));
  }
  return out;
}

std::string analyze_json(const AnalyzedReport& a, const SectionTagger& tagger, bool explain) {
  const Analysis& analysis = a.analysis;
  nlohmann::json result = analysis_json(analysis, tagger.taxonomy());
  // What kind of document this is (an additive field of the analyze JSON).
  const DocumentStanding& standing = analysis.standing;
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
  if (explain) {  // the tagger's reasons, and hits in descriptive text (context only)
    result["explain"] = nlohmann::json::array();
    for (const extract::Section& s : analysis.document.sections) {
      const provisions::Tagged t = tagger.tag_raw(s);
      for (const auto* hits : {&t.hits, &t.context})
        for (const auto& h : *hits)
          result["explain"].push_back({{"section", s.number.empty() ? s.key : s.number},
                                       {"provision", h.provision},
                                       {"stance", provisions::stance_name(h.stance)},
                                       {"descriptive", h.descriptive},
                                       {"rule", h.rule},
                                       {"why", h.why},
                                       {"start", h.start},
                                       {"end", h.end},
                                       {"evidence", h.evidence}});
    }
  }
  result["report"] = nlohmann::json::parse(render::report_json(a.report));  // additive
  return result.dump(2) + "\n";
}

}  // namespace policyindex::pipeline
