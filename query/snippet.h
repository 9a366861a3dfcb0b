// Private to query/: search snippets without Xapian's MSet::snippet on the common path.
#pragma once

#include <xapian.h>

#include <memory>
#include <string>

namespace policyindex::query::detail {

// The snippets of one MSet's hits, exactly as
//   mset.snippet(text, 300, stemmer, Xapian::MSet::SNIPPET_EXHAUSTIVE, "<b>", "</b>", "…")
// makes them with Xapian 1.4.22 (a 300-byte window sliding over the words, each query term
// weighing its termweight plus the largest one, halved at every repeat inside the window;
// tight phrases of terms; opening and closing punctuation kept; "…" where text is cut;
// &, <, > escaped), but with the query analysed once per MSet instead of once per hit, ASCII
// characters classified from tables (other code points by Xapian's Unicode functions), and
// stems memoised per search. Invalid UTF-8, CJK n-gram mode (XAPIAN_CJK_NGRAM), wildcard
// queries, and a match-all beside terms (whose weights the public API does not show) go
// to MSet::snippet itself. A newer Xapian's snippets may differ: the tests compare the two.
// Not thread-safe (one per search).
class Snipper {
 public:
  Snipper(const Xapian::MSet& mset, const Xapian::Query& query, const Xapian::Stem& stemmer);
  ~Snipper();
  Snipper(const Snipper&) = delete;
  Snipper& operator=(const Snipper&) = delete;
  std::string operator()(const std::string& text);
  // Xapian's own answer, for tests and for what the fast path does not cover.
  std::string reference(const std::string& text) const;
  // Whether operator() can use the fast path for this query at all (tests).
  bool fast() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyindex::query::detail
