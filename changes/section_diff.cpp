// Section alignment and word diffs between two stored versions of a document. Pure
// functions: no catalog, no I/O.

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <dtl/dtl.hpp>

#include "changes/changes.h"

namespace policyindex::changes {
namespace {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) words.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string join_words(const std::vector<std::string>& words, size_t from, size_t to) {
  std::string out;
  for (size_t k = from; k < to; ++k) {
    if (!out.empty()) out += ' ';
    out += words[k];
  }
  return out;
}

// Whitespace collapsed to single spaces, trimmed: a re-flowed paragraph or a PDF whose line
// breaks moved is the same text.
std::string normalize(std::string_view text) {
  auto words = split_words(text);
  return join_words(words, 0, words.size());
}

std::string fold_word(std::string_view w) {
  std::string out;
  out.reserve(w.size());
  for (char c : w) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) out += static_cast<char>(std::tolower(u));
  }
  return out;
}

using WordBag = std::unordered_map<std::string, int>;

WordBag bag_of(std::string_view text) {
  WordBag bag;
  for (auto& w : split_words(text)) {
    auto f = fold_word(w);
    if (!f.empty()) ++bag[f];
  }
  return bag;
}

double dice(const WordBag& a, const WordBag& b, int size_a, int size_b) {
  if (size_a == 0 && size_b == 0) return 1.0;
  if (size_a == 0 || size_b == 0) return 0.0;
  const WordBag& small = a.size() <= b.size() ? a : b;
  const WordBag& large = a.size() <= b.size() ? b : a;
  int common = 0;
  for (const auto& [w, n] : small) {
    auto it = large.find(w);
    if (it != large.end()) common += std::min(n, it->second);
  }
  return 2.0 * common / (size_a + size_b);
}

int bag_size(const WordBag& bag) {
  int n = 0;
  for (const auto& [w, c] : bag) n += c;
  return n;
}

struct Prepared {
  std::string text;  // normalized body text
  std::string full;  // normalized number + heading + text
  WordBag bag;       // of heading + text
  int size = 0;
};

Prepared prepare_section(const corpus::StoredSection& s) {
  Prepared p;
  p.text = normalize(s.text);
  p.full = normalize(s.number) + "\x1f" + normalize(s.heading) + "\x1f" + p.text;
  p.bag = bag_of(s.heading + " " + s.text);
  p.size = bag_size(p.bag);
  return p;
}

std::vector<HitChange> hit_changes(const corpus::StoredSection* before,
                                   const corpus::StoredSection* after) {
  // Multisets of (provision, stance): evidence wording may move without the language
  // changing; only a provision/stance appearing or disappearing is a language change.
  using Key = std::pair<std::string, std::string>;
  std::map<Key, std::vector<const corpus::StoredHit*>> old_hits, new_hits;
  if (before) {
    for (const auto& h : before->hits) old_hits[{h.provision, h.stance}].push_back(&h);
  }
  if (after) {
    for (const auto& h : after->hits) new_hits[{h.provision, h.stance}].push_back(&h);
  }
  std::vector<HitChange> out;
  for (const auto& [key, hits] : new_hits) {
    size_t had = old_hits.count(key) ? old_hits[key].size() : 0;
    if (had > 0) continue;  // the section already had this language
    out.push_back({key.first, key.second, hits.front()->evidence, true});
  }
  for (const auto& [key, hits] : old_hits) {
    if (new_hits.count(key)) continue;
    out.push_back({key.first, key.second, hits.front()->evidence, false});
  }
  return out;
}

}  // namespace

double text_similarity(std::string_view a, std::string_view b) {
  auto ba = bag_of(a);
  auto bb = bag_of(b);
  return dice(ba, bb, bag_size(ba), bag_size(bb));
}

std::vector<WordRun> word_diff(std::string_view before, std::string_view after,
                               int context_words) {
  auto a = split_words(before);
  auto b = split_words(after);
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  // dtl's O(NP) algorithm keeps its path in memory; onHuge() trades exactness of the
  // shortest edit script for bounded memory on very long sections.
  if (a.size() + b.size() > 20000) diff.onHuge();
  diff.compose();
  // Merge the edit script into runs of one op each.
  struct Raw {
    char op;
    std::vector<std::string> words;
  };
  std::vector<Raw> raw;
  for (const auto& [word, info] : diff.getSes().getSequence()) {
    char op = info.type == dtl::SES_ADD ? '+' : info.type == dtl::SES_DELETE ? '-' : '=';
    if (raw.empty() || raw.back().op != op) raw.push_back({op, {}});
    raw.back().words.push_back(word);
  }
  // Within a change, show deletions before additions ("[-old-] {+new+}").
  for (size_t i = 0; i + 1 < raw.size(); ++i) {
    if (raw[i].op == '+' && raw[i + 1].op == '-') std::swap(raw[i], raw[i + 1]);
  }
  std::vector<WordRun> runs;
  const size_t ctx = static_cast<size_t>(std::max(0, context_words));
  for (size_t i = 0; i < raw.size(); ++i) {
    const auto& r = raw[i];
    if (r.op != '=') {
      runs.push_back({r.op, join_words(r.words, 0, r.words.size()), 0});
      continue;
    }
    const bool first = i == 0;
    const bool last = i + 1 == raw.size();
    const size_t n = r.words.size();
    if (first && last) {
      runs.push_back({'=', join_words(r.words, 0, n), 0});  // no change at all
    } else if (first) {
      size_t keep = std::min(n, ctx);
      runs.push_back({'=', (keep < n ? "… " : "") + join_words(r.words, n - keep, n),
                      static_cast<int>(n - keep)});
    } else if (last) {
      size_t keep = std::min(n, ctx);
      runs.push_back({'=', join_words(r.words, 0, keep) + (keep < n ? " …" : ""),
                      static_cast<int>(n - keep)});
    } else if (n > 2 * ctx + 1) {
      runs.push_back({'=', join_words(r.words, 0, ctx) + " … " + join_words(r.words, n - ctx, n),
                      static_cast<int>(n - 2 * ctx)});
    } else {
      runs.push_back({'=', join_words(r.words, 0, n), 0});
    }
  }
  return runs;
}

std::string SectionChange::label() const {
  const bool use_new = kind != "removed";
  const std::string& number = use_new ? new_number : old_number;
  const std::string& heading = use_new ? new_heading : old_heading;
  const std::string& key = use_new ? new_key : old_key;
  if (!number.empty()) {
    return "section " + number + (heading.empty() ? "" : " (" + heading + ")");
  }
  if (!heading.empty()) return "section '" + heading + "'";
  return "section #" + key;
}

int DocumentDiff::count(std::string_view kind) const {
  return static_cast<int>(std::count_if(changes.begin(), changes.end(),
                                        [&](const SectionChange& c) { return c.kind == kind; }));
}

DocumentDiff diff_sections(const std::vector<corpus::StoredSection>& before,
                           const std::vector<corpus::StoredSection>& after,
                           const DiffOptions& options) {
  DocumentDiff result;
  result.sections_before = static_cast<int>(before.size());
  result.sections_after = static_cast<int>(after.size());
  std::vector<Prepared> pb, pa;
  pb.reserve(before.size());
  pa.reserve(after.size());
  for (const auto& s : before) pb.push_back(prepare_section(s));
  for (const auto& s : after) pa.push_back(prepare_section(s));

  // Same content: identical structure, or the same words in the same order however the
  // segmenter cut them.
  {
    std::string all_b, all_a, words_b, words_a;
    for (const auto& p : pb) all_b += p.full + "\x1e";
    for (const auto& p : pa) all_a += p.full + "\x1e";
    if (all_b == all_a) {
      result.same_text = true;
    } else {
      for (size_t i = 0; i < before.size(); ++i) {
        words_b += normalize(before[i].number + " " + before[i].heading) + " " + pb[i].text + " ";
      }
      for (size_t j = 0; j < after.size(); ++j) {
        words_a += normalize(after[j].number + " " + after[j].heading) + " " + pa[j].text + " ";
      }
      result.same_text = normalize(words_b) == normalize(words_a);
    }
  }

  const size_t n = before.size(), m = after.size();
  std::vector<long> match_old(n, -1), match_new(m, -1);
  auto pair_up = [&](size_t i, size_t j) {
    match_old[i] = static_cast<long>(j);
    match_new[j] = static_cast<long>(i);
  };

  // Pass 1: identical heading and text, preferring the same key among equal candidates.
  {
    std::unordered_map<std::string, std::vector<size_t>> by_text;
    for (size_t j = 0; j < m; ++j) by_text[pa[j].text + "\x1f" + normalize(after[j].heading)].push_back(j);
    for (size_t i = 0; i < n; ++i) {
      auto it = by_text.find(pb[i].text + "\x1f" + normalize(before[i].heading));
      if (it == by_text.end()) continue;
      long best = -1;
      for (size_t j : it->second) {
        if (match_new[j] != -1) continue;
        if (best == -1) best = static_cast<long>(j);
        if (after[j].key == before[i].key) {
          best = static_cast<long>(j);
          break;
        }
      }
      if (best != -1) pair_up(i, static_cast<size_t>(best));
    }
  }
  // Pairs left-over sections that share a key and pass ACCEPT(similarity, same heading).
  auto pair_by_key = [&](auto accept) {
    std::unordered_map<std::string, std::vector<size_t>> by_key;
    for (size_t j = 0; j < m; ++j) {
      if (match_new[j] == -1 && !after[j].key.empty()) by_key[after[j].key].push_back(j);
    }
    for (size_t i = 0; i < n; ++i) {
      if (match_old[i] != -1) continue;
      auto it = by_key.find(before[i].key);
      if (it == by_key.end()) continue;
      for (size_t j : it->second) {
        if (match_new[j] != -1) continue;
        double sim = dice(pb[i].bag, pa[j].bag, pb[i].size, pa[j].size);
        bool same_heading = !before[i].heading.empty() &&
                            normalize(before[i].heading) == normalize(after[j].heading);
        if (accept(sim, same_heading)) pair_up(i, j);
        break;
      }
    }
  };
  // Pass 2: the same key and similar text.
  pair_by_key([&](double sim, bool) { return sim >= options.min_similarity; });
  // Pass 3: best text similarity among what is left (renumbered and edited sections). Before
  // weak key matches, so that after a removal "section 3" is not paired with the unrelated
  // section that now carries number 3.
  {
    std::vector<size_t> left_old, left_new;
    for (size_t i = 0; i < n; ++i) if (match_old[i] == -1) left_old.push_back(i);
    for (size_t j = 0; j < m; ++j) if (match_new[j] == -1) left_new.push_back(j);
    // Quadratic; bounded so that a document re-segmented from scratch cannot stall a run.
    if (!left_old.empty() && !left_new.empty() && left_old.size() * left_new.size() <= 250000) {
      std::vector<std::tuple<double, size_t, size_t>> candidates;
      for (size_t i : left_old) {
        for (size_t j : left_new) {
          double sim = dice(pb[i].bag, pa[j].bag, pb[i].size, pa[j].size);
          if (sim >= options.min_similarity) candidates.emplace_back(sim, i, j);
        }
      }
      // Highest similarity first; ties keep document order.
      std::sort(candidates.begin(), candidates.end(), [](const auto& x, const auto& y) {
        if (std::get<0>(x) != std::get<0>(y)) return std::get<0>(x) > std::get<0>(y);
        return std::tie(std::get<1>(x), std::get<2>(x)) < std::tie(std::get<1>(y), std::get<2>(y));
      });
      for (const auto& [sim, i, j] : candidates) {
        if (match_old[i] == -1 && match_new[j] == -1) pair_up(i, j);
      }
    }
  }
  // Pass 4: the same key with the text mostly rewritten, or the same heading.
  pair_by_key([&](double sim, bool same_heading) {
    return sim >= options.min_key_similarity || same_heading;
  });

  auto fill_old = [&](SectionChange& c, size_t i) {
    c.old_key = before[i].key;
    c.old_number = before[i].number;
    c.old_heading = before[i].heading;
    c.old_page = before[i].page;
  };
  auto fill_new = [&](SectionChange& c, size_t j) {
    c.new_key = after[j].key;
    c.new_number = after[j].number;
    c.new_heading = after[j].heading;
    c.new_page = after[j].page;
  };
  auto removed = [&](size_t i) {
    SectionChange c;
    c.kind = "removed";
    fill_old(c, i);
    c.hits = hit_changes(&before[i], nullptr);
    result.changes.push_back(std::move(c));
  };

  // Emit in new-document order; a removed section goes where it stood, before the first
  // new section aligned with an old section that followed it.
  size_t next_removed = 0;
  for (size_t j = 0; j < m; ++j) {
    long i_match = match_new[j];
    if (i_match != -1) {
      for (; next_removed < static_cast<size_t>(i_match); ++next_removed) {
        if (match_old[next_removed] == -1) removed(next_removed);
      }
    }
    SectionChange c;
    fill_new(c, j);
    if (i_match == -1) {
      c.kind = "added";
      c.hits = hit_changes(nullptr, &after[j]);
      result.changes.push_back(std::move(c));
      continue;
    }
    const auto i = static_cast<size_t>(i_match);
    fill_old(c, i);
    const bool same_body = pb[i].text == pa[j].text &&
                           normalize(before[i].heading) == normalize(after[j].heading);
    if (same_body) {
      if (normalize(before[i].number) == normalize(after[j].number)) {
        ++result.unchanged;
        continue;
      }
      c.kind = "renumbered";
      c.similarity = 1.0;
      result.changes.push_back(std::move(c));
      continue;
    }
    c.kind = "modified";
    c.similarity = dice(pb[i].bag, pa[j].bag, pb[i].size, pa[j].size);
    std::string old_text = before[i].heading.empty() ? before[i].text
                                                     : before[i].heading + "\n" + before[i].text;
    std::string new_text = after[j].heading.empty() ? after[j].text
                                                    : after[j].heading + "\n" + after[j].text;
    c.words = word_diff(old_text, new_text, options.context_words);
    for (const auto& run : c.words) {
      if (run.op == '=') continue;
      int words = static_cast<int>(split_words(run.text).size());
      (run.op == '+' ? c.words_added : c.words_removed) += words;
    }
    c.hits = hit_changes(&before[i], &after[j]);
    result.changes.push_back(std::move(c));
  }
  for (; next_removed < n; ++next_removed) {
    if (match_old[next_removed] == -1) removed(next_removed);
  }
  return result;
}

}  // namespace policyindex::changes
