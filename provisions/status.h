// A document's standing: whether its text is in force, proposed, superseded, rescinded or
// only describes policy (news, guidance, minutes), with its dates (adopted, effective,
// amended, rescinded) and the words that decided each — and whether a page is navigation
// (a listing, a site map, a landing page) rather than a document at all.
//
// Everything here reads words; nothing is guessed silently: every verdict carries its
// reason, a verdict without marks in the text says "presumed", and dates that disagree are
// listed as conflicts beside the dates as found.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisions/provisions.h"

namespace policyindex::provisions {

enum class DocStatus { kInForce, kProposed, kSuperseded, kRescinded, kDescriptive };
// "in_force", "proposed", "superseded", "rescinded", "descriptive".
std::string_view doc_status_name(DocStatus s);
std::optional<DocStatus> parse_doc_status(std::string_view s);
// Only in-force text decides a verdict.
inline bool counts_toward_verdicts(DocStatus s) { return s == DocStatus::kInForce; }

// A date found in the text (or given by the source), with the words it came from.
struct DateMark {
  std::string kind;  // adopted | effective | amended | rescinded
  std::string date;  // ISO: "2019-05-02", "2018-05" (month only), "2018"; "" when the text
                     // names an event instead ("Effective upon signature")
  std::string text;  // the phrase as written
  bool operator==(const DateMark&) const = default;
};

struct StatusInput {
  std::string_view title;     // the document's title
  std::string_view url;       // where it came from ("" for a local file)
  std::string_view doc_type;  // the catalog's type ("draft", "ordinance", ...), "" unknown
  std::string_view genre;     // classify_genre's id
  bool genre_descriptive = false;
  std::string_view text;      // the document's text (headings and bodies, in order)
  size_t struck_passages = 0; // struck-through passages (a redline)
};

struct StatusVerdict {
  DocStatus status = DocStatus::kInForce;
  std::string reason;     // the words that decided it
  bool presumed = false;  // no marks either way: presumed from the genre, and said so
  std::vector<DateMark> dates;       // in text order
  std::vector<std::string> conflicts;  // dates that disagree, in words
};

StatusVerdict classify_status(const StatusInput& input);

// The first date of a kind (dates are kept in text order), or null.
const DateMark* first_date(const std::vector<DateMark>& dates, std::string_view kind);

// Dates found in TEXT: a keyword (adopted, enacted, passed, approved, voted, signed;
// effective, takes effect; amended, revised; rescinded, repealed) followed closely by a
// date ("5-2-2019", "May 2, 2019", "May 2018", "2019-05-02") or, for effective, an event
// ("upon signature").
std::vector<DateMark> find_dates(std::string_view text);

// Whether a page is navigation — a listing, a site map, a department landing page — from
// its text: mostly short lines (links and menu entries), little prose and no operative
// language, and no provision hit. Returns the "navigation" genre with its reason, or null
// for a document (including a listing page that also holds policy language).
std::optional<Genre> navigation_genre(std::string_view text, size_t provision_hits);

}  // namespace policyindex::provisions
