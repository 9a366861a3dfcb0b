// The advocate's report of one file, shared by `policyindex analyze` and the web upload:
// the plain errors for bad input (each a sentence naming the file), the analysis, the report
// with what to borrow and the model comparison, and the analyze JSON. Nothing is stored.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"
#include "pipeline/pipeline.h"
#include "query/report.h"

namespace policyindex::pipeline {

// Checks the first bytes HEAD of the file NAME before extraction: not empty, not only blank
// space, and by content (never its name) a PDF, Word (DOCX), HTML or text file. Errors are
// one plain sentence naming NAME ("NAME is empty (0 bytes)"; kParse or kUnsupported).
[[nodiscard]] Status check_analyze_bytes(std::string_view name, std::string_view head);

// The extraction error ERROR of NAME in plain words: a corrupt PDF is "NAME is not a readable
// PDF (it may be damaged or incomplete)", an encrypted one needs its password, ...
std::string plain_extract_error(std::string_view name, const Error& error);

// "" when DOC has text; else why not, in plain words naming NAME (a scan without OCR, a scan
// where OCR found nothing, ...). OCR says whether OCR was on.
std::string no_text_error(std::string_view name, const extract::Document& doc, bool ocr);

struct ReportRequest {
  std::string name;                  // how the report and its errors name the file
  std::string town;                  // the town the policy is from ("" when not said)
  std::string model;                 // a model document of the corpus to compare with ("": none)
  std::filesystem::path data_dir;    // the corpus (borrowing and models); no catalog there: none
  std::string data_hint = "use --data DIR";  // how the user gives a corpus, for the notes
};

struct AnalyzedReport {
  Analysis analysis;
  query::Report report;
};

// BYTES checked, extracted in a worker process under OPTIONS' limits, tagged, scored and
// reported: the whole of `analyze`. Reads the corpus of REQUEST.data_dir, writes nothing.
// Errors are plain sentences naming REQUEST.name, with the extraction's code (kTooLarge,
// kTimeout, kParse, kUnsupported, kNotFound for an unknown model, ...).
[[nodiscard]] Result<AnalyzedReport> analyze_report(std::string_view bytes, const SectionTagger& tagger,
                                                    const AnalyzeOptions& options, const ReportRequest& request);

// The JSON of `analyze --format json` (and of /api/analyze): the analysis, genre, title,
// status, the report, and with EXPLAIN the tagger's reasons. Ends with a newline.
std::string analyze_json(const AnalyzedReport& a, const SectionTagger& tagger, bool explain);

}  // namespace policyindex::pipeline
