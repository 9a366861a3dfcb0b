// policyindex analyze FILE [--format text|json]: one local file extracted (in a worker
// process, like every extraction) and printed as sections.

#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/section_tags.h"
#include "extract/extract.h"

namespace policyindex::app {

nlohmann::json analyze_json(const std::string& file, const extract::Document& doc) {
  nlohmann::json sections = nlohmann::json::array();
  for (const extract::Section& s : doc.sections) {
    SectionTags tags = tag_section(s);
    nlohmann::json provisions = nlohmann::json::array();
    for (const corpus::StoredHit& h : tags.hits)
      provisions.push_back({{"provision", h.provision}, {"stance", h.stance}, {"evidence", h.evidence},
                            {"start", h.start}, {"end", h.end}, {"rule", h.rule}});
    nlohmann::json j = {{"id", s.key}, {"number", s.number}, {"heading", s.heading}, {"level", s.level}};
    if (s.page > 0) {
      j["page"] = s.page;
      j["page_end"] = s.page_end;
    } else {
      j["page"] = nullptr;
    }
    j["text"] = s.text;
    j["provisions"] = provisions;
    j["cites"] = tags.cites;
    sections.push_back(std::move(j));
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& w : doc.warnings) errors.push_back(w);
  return {{"file", file},
          {"type", extract::file_type_name(doc.type)},
          {"title", doc.title},
          {"pages", doc.pages},
          {"ocr_pages", doc.ocr_pages},
          {"sections", sections},
          {"struck", doc.struck},
          {"errors", errors}};
}

void register_analyze(Registry& r) {
  struct Opts {
    std::string file, format = "text";
    bool no_ocr = false;
    int timeout = 600;
  };
  auto opts = std::make_shared<Opts>();
  auto* sub = r.app.add_subcommand("analyze", "Sections, provisions and the seven-question scorecard of one local file");
  sub->add_option("FILE", opts->file, "A PDF, HTML, DOCX or text file")->required();
  sub->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  sub->add_flag("--no-ocr", opts->no_ocr, "Do not OCR pages without a text layer");
  sub->add_option("--timeout", opts->timeout, "Seconds before the extraction is abandoned")->check(CLI::PositiveNumber);
  r.add(sub, [opts]() -> int {
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
    if (opts->format == "json") {
      std::cout << analyze_json(opts->file, *doc).dump(2) << "\n";
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
    if (!doc->struck.empty()) std::cout << doc->struck.size() << " struck passages set aside\n";
    for (const auto& w : doc->warnings) std::cout << "warning: " << w << "\n";
    return kExitOk;
  });
}

}  // namespace policyindex::app
