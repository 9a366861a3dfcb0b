// Extraction: bytes of a stored version in, a normalized section tree out. Knows nothing of
// HTTP, the store or Xapian.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace policyindex::extract {

enum class FileType { kPdf, kHtml, kDocx, kText, kUnknown };

// "pdf", "html", "docx", "text", "unknown".
std::string_view file_type_name(FileType t);

// The type of a file from its bytes (never its name): %PDF-, a ZIP holding
// word/document.xml, HTML sniffing, else text when it decodes as text.
FileType sniff_type(std::string_view bytes);

struct Section {
  std::string key;      // stable within the document: from the number when there is one
  std::string number;   // "50-103", "2.129.040", "3", "a", "" when unnumbered
  std::string heading;  // "Order", "" when none
  int level = 1;        // 1 = top
  int page = 0;         // 1-based first page; 0 when the format has no pages
  int page_end = 0;
  std::string text;     // the section's body text, UTF-8 NFC, paragraphs separated by "\n\n"
  size_t start = 0;     // offsets of the section in Document::text
  size_t end = 0;
};

struct Document {
  FileType type = FileType::kUnknown;
  std::string title;                 // the format's title, else a first short unnumbered block
  std::string meta_title;            // the format's own title (PDF Info, DOCX core, HTML <title>)
  int pages = 0;                     // 0 when the format has no pages
  std::vector<int> ocr_pages;        // 1-based pages whose text came from OCR
  std::string text;                  // the whole normalized text
  std::vector<Section> sections;     // in document order
  std::vector<std::string> struck;   // deleted (struck-through) passages, not in `text`
  std::vector<std::string> warnings; // recoverable problems
};

struct Options {
  std::string content_type;  // HTTP Content-Type when known (a charset hint only)
  bool ocr = true;           // OCR pages that have no text layer
  size_t max_bytes = 200u << 20;
  int max_pages = 5000;       // pages past this are skipped, with a warning
  // Scanned pages read by OCR at once (threads); 1 when several documents are extracted in
  // parallel already, more for one document on its own (analyze, an upload).
  int ocr_threads = 1;
  // Test seam for the worker isolation: "crash", "hang" or "balloon" make extract() fail
  // that way instead of extracting; "crash:MARK" (etc.) only for documents containing MARK.
  // Empty in production.
  std::string test_fault;
};

// A document's title and where it came from: "number" (the ordinance, order or policy
// number with its title: "Ordinance No. 2019-12: Trust Ordinance"), "heading" (the first
// real heading or title block), "metadata" (the format's own title, when meaningful),
// "link" (the text of the link to it; never "click here", "Download", "Read the ordinance
// (PDF)"), or "" when nothing fits.
struct TitleChoice {
  std::string title;
  std::string source;
};
TitleChoice choose_title(const Document& doc, std::string_view link_text = {});
// False for titles that name nothing: "Untitled", "Microsoft Word - doc1.docx", a file name,
// "click here", "Download", "Read the ordinance (PDF)", "Home", digits only.
bool meaningful_title(std::string_view title);

// A near-duplicate signature of TEXT: MinHash (64 values) over 5-word shingles of its
// normalized words (lower case, letters and digits), as hex; "" when the text has fewer than
// 5 words. Two texts' signature_similarity estimates the Jaccard similarity of their
// shingle sets (1 for the same words in any format; 0 for unrelated texts; -1 when either
// signature is empty or malformed).
std::string text_signature(std::string_view text);
double signature_similarity(std::string_view a, std::string_view b);

// Folds curly quotes, primes and dashes to ASCII for matching; display text keeps them.
std::string fold_for_matching(std::string_view text);

// Extracts one document in this process. Errors (encrypted, corrupt, too large, unsupported) name the
// reason; the caller adds the input's name.
[[nodiscard]] Result<Document> extract(std::string_view bytes, const Options& options = {});

// Resource limits for one extraction in a worker process.
struct Limits {
  size_t memory_bytes = size_t{3} << 30;  // address space (RLIMIT_AS); not applied under ASan
  int cpu_seconds = 300;                  // RLIMIT_CPU
  int wall_seconds = 600;                 // killed after this long, whatever it is doing
};

// Extracts one document in a forked worker process under LIMITS, so that a crash, a hang or
// a memory balloon in a parser becomes an error for this document (naming the signal or the
// limit) and nothing else. Call from a single-threaded process.
[[nodiscard]] Result<Document> extract_isolated(std::string_view bytes, const Options& options = {},
                                                const Limits& limits = {});

struct BatchOptions {
  Options options;
  Limits limits;
  int workers = 0;  // worker processes at once; 0 = the number of cores
  // Runs in the worker process after a successful extraction; what it returns reaches the
  // three-argument DONE with the document (e.g. the document's sections tagged), so that
  // such work is spread over the workers too. Must not throw.
  std::function<std::string(const Document&)> annotate;
  // Called in this process between waits, at least every 100 ms while documents are out
  // (e.g. to commit a batch of results).
  std::function<void()> tick;
};

// Extracts COUNT documents in worker processes, up to `workers` at once. A worker is a
// child forked once that handles many documents in turn (a document's CPU limit and wall
// deadline are its own); a worker that crashes, crosses a limit or misses the deadline is
// killed and replaced, and only its current document fails, naming the signal or the limit.
// LOAD(i) returns the bytes of job i (called in this process, just before the job starts);
// DONE(i, result) is called in this process as each job finishes, in completion order,
// while the workers go on with the next documents. Call from a single-threaded process.
void extract_batch(size_t count, const std::function<Result<std::string>(size_t)>& load,
                   const std::function<void(size_t, Result<Document>)>& done,
                   const BatchOptions& batch = {});
// The same, DONE also getting what BatchOptions::annotate returned ("" after a failure).
void extract_batch(size_t count, const std::function<Result<std::string>(size_t)>& load,
                   const std::function<void(size_t, Result<Document>, std::string)>& done,
                   const BatchOptions& batch);

// The wire format between a worker and its parent (exposed for tests and fuzzing).
std::string serialize(const Result<Document>& result);
[[nodiscard]] Result<Document> deserialize(std::string_view bytes);

// A small byte format for what crosses the worker pipe: unsigned 64-bit integers in little
// endian, strings prefixed by their length. Documents and errors travel in it, and callers
// may use it for what BatchOptions::annotate returns.
namespace wire {
void put_u64(std::string& out, uint64_t v);
void put_str(std::string& out, std::string_view s);

// Reads what put_u64/put_str wrote; each call false when the bytes run out or lie.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool u64(uint64_t& v);
  bool i64(int64_t& v);
  bool str(std::string& out);
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};
}  // namespace wire

}  // namespace policyindex::extract
