// Provisions: the taxonomy (a TOML data file), the tagger that finds provisions, stance,
// evidence and citations in a section's text, and the seven-question scorecard.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace policyindex::provisions {

enum class Stance { kProtective, kPermissive, kNeutral };
std::string_view stance_name(Stance s);  // "protective", "permissive", "neutral"
std::optional<Stance> parse_stance(std::string_view s);

struct ProvisionInfo {
  std::string id;           // "287g", "info_sharing", ...
  std::string label;        // "287(g) agreements"
  std::string question;     // "Q7", or "" for provisions outside the seven questions
  std::string description;
};

// The provisions and their rules, loaded from a TOML data file (provisions/taxonomy.toml
// is the built-in one). Immutable once loaded; safe to share between threads.
class Taxonomy {
 public:
  // Loads and validates FILE; errors read "FILE:LINE: what is wrong".
  [[nodiscard]] static Result<std::shared_ptr<const Taxonomy>> load(
      const std::filesystem::path& file);
  // Loads and validates CONTENT; NAME stands for the file in error messages.
  [[nodiscard]] static Result<std::shared_ptr<const Taxonomy>> load_text(std::string_view content,
                                                                        const std::string& name);
  // The taxonomy compiled into the binary (provisions/taxonomy.toml).
  [[nodiscard]] static Result<std::shared_ptr<const Taxonomy>> builtin();
  // FILE when not empty (the --taxonomy option), else the built-in taxonomy.
  [[nodiscard]] static Result<std::shared_ptr<const Taxonomy>> load_or_builtin(const std::string& file);

  const std::vector<ProvisionInfo>& provisions() const;
  const ProvisionInfo* find(std::string_view id) const;
  // The provision a question ("Q1".."Q7", case-insensitive) asks about, or null.
  const ProvisionInfo* by_question(std::string_view question) const;
  // Changes whenever the file's content does; stored with each extraction so that a new
  // taxonomy or tagger re-tags what was tagged before.
  const std::string& version() const;

  struct Impl;
  explicit Taxonomy(std::unique_ptr<Impl> impl);
  ~Taxonomy();
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// A provision found in a section.
struct Hit {
  std::string provision;
  Stance stance = Stance::kNeutral;
  std::string evidence;  // the sentence or clause, as in the section text
  size_t start = 0;      // byte offsets of the evidence in the section text
  size_t end = 0;
  std::string rule;      // which rule fired
  // Descriptive text (a recital, purpose or findings clause, reported speech, a news report,
  // guidance): context only, never a verdict on its own. Such hits are in Tagged::context.
  bool descriptive = false;
  // Why, in words: the cues and the drafting structure that decided the stance ("list item
  // under the lead-in 'may not use City resources to:' (negated)", "exception: 'unless ...'").
  std::string why;
};

// What the tagger sees of a section.
struct SectionInput {
  std::string_view heading;
  std::string_view number;
  std::string_view text;
  // The document's genre id when known (see classify_genre): a descriptive genre (news,
  // guidance, minutes) makes every hit context.
  std::string_view genre = {};
};

struct Tagged {
  std::vector<Hit> hits;           // operative text: what verdicts are built from
  std::vector<std::string> cites;  // normalized citation ids, sorted, unique
  std::vector<Hit> context;        // the same provisions found in descriptive text
};

// What kind of document a text is, from its title and opening words: "ordinance" (and
// bylaws, code sections), "police_policy" (general orders, directives), "resolution",
// "warrant_article" (town-meeting articles and votes), "agreement" (287(g) MOAs),
// "state_law" (bills, acts, statutes), "executive_order", "news" (and press releases),
// "guidance" (FAQs, know-your-rights, staff reports), "minutes" (and agendas), or "unknown".
struct Genre {
  std::string id;
  std::string reason;       // the words that decided it
  bool descriptive = false; // news, guidance, minutes: the text reports or explains
};
Genre classify_genre(std::string_view title, std::string_view text);

// Tags sections with provisions, stance, evidence and citations. Thread-safe (const).
class Tagger {
 public:
  explicit Tagger(std::shared_ptr<const Taxonomy> taxonomy);
  Tagged tag(const SectionInput& section) const;
  const Taxonomy& taxonomy() const { return *taxonomy_; }
  // The taxonomy's version plus the tagger's own rule-engine version.
  std::string version() const;

 private:
  std::shared_ptr<const Taxonomy> taxonomy_;
};

// Normalized citation ids found in TEXT ("lunn", "8usc1373", "8usc1357g", "mgl-c66-s10"...),
// sorted and unique.
std::vector<std::string> find_citations(std::string_view text);

// The verdict of one question.
enum class Verdict { kGreen, kRed, kMixed, kAbsent };
std::string_view verdict_name(Verdict v);  // "green", "red", "mixed", "absent"

// One piece of evidence for a scorecard entry.
struct Evidence {
  std::string document;  // document id or file name
  std::string section;   // section number or key
  std::string heading;
  int page = 0;
  std::string text;
  Stance stance = Stance::kNeutral;
};

struct ScoreEntry {
  std::string provision;
  std::string question;  // "Q1".."Q7" or ""
  Verdict verdict = Verdict::kAbsent;
  bool present = false;  // any hit at all, neutral ones included (a savings clause)
  std::vector<Evidence> evidence;  // protective first, then permissive, then neutral
};

// Q1..Q7 in order, then every other provision of the taxonomy.
struct Scorecard {
  std::vector<ScoreEntry> entries;
  const ScoreEntry* find(std::string_view provision_or_question) const;
};

// A hit with where it was found, as the scorecard consumes it.
struct ScoredHit {
  std::string provision;
  Evidence evidence;
};

// The scorecard of a document or a whole town (all its current documents' hits): Q1..Q7
// in question order, then the other provisions in taxonomy order. Hits of provisions the
// taxonomy does not know are ignored.
Scorecard score(const Taxonomy& taxonomy, const std::vector<ScoredHit>& hits);

// Convenience for one document: every hit of every section, with the section's number,
// heading and page, as ScoredHits (document = DOCUMENT).
struct TaggedSection {
  std::string number;
  std::string heading;
  int page = 0;
  const Tagged* tagged = nullptr;
};
std::vector<ScoredHit> scored_hits(std::string_view document, const std::vector<TaggedSection>& sections);

// Verdict from the stances found: protective only -> green, permissive only -> red,
// both -> mixed, none -> absent. Neutral hits alone count as absent.
Verdict verdict_from(bool protective, bool permissive);

}  // namespace policyindex::provisions
