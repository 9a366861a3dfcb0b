// The comparison with a model: sections aligned by shared provisions and word similarity,
// sentences matched by word overlap, weakenings found by their drafting cues, word diffs by
// dtl.
#include "query/model_compare.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <dtl/dtl.hpp>

#include "query/report.h"

namespace policyindex::query {
namespace {

namespace pv = policyindex::provisions;

constexpr double kMatch = 0.5;  // Dice overlap of words from which two sentences are "the same"

std::vector<std::string> lower_words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

double dice(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  size_t common = 0;
  for (const auto& w : a) common += b.count(w);
  return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
}

size_t count_of(const std::vector<std::string>& words, std::string_view w) {
  return static_cast<size_t>(std::count(words.begin(), words.end(), w));
}

// "to the extent" in WORDS (a lowercase word list), as the index of its first word, or npos.
size_t find_phrase(const std::vector<std::string>& words, std::string_view phrase) {
  const std::vector<std::string> p = lower_words(phrase);
  if (p.empty() || words.size() < p.size()) return std::string::npos;
  for (size_t i = 0; i + p.size() <= words.size(); ++i)
    if (std::equal(p.begin(), p.end(), words.begin() + static_cast<std::ptrdiff_t>(i))) return i;
  return std::string::npos;
}

struct Sentence {
  size_t section = 0;
  std::string text;
  std::vector<std::string> words;
  std::set<std::string> bag;
  std::string provision;  // the first operative provision the sentence carries
  bool descriptive = false;
};

std::vector<Sentence> sentences_of(const std::vector<CompareSection>& sections, const pv::Tagger& tagger) {
  std::vector<Sentence> out;
  for (size_t i = 0; i < sections.size(); ++i) {
    for (auto& s : split_sentences(sections[i].text)) {
      Sentence x;
      x.section = i;
      x.words = lower_words(s);
      x.bag = std::set<std::string>(x.words.begin(), x.words.end());
      const pv::Tagged t = tagger.tag(pv::SectionInput{sections[i].heading, sections[i].number, s});
      if (!t.hits.empty()) x.provision = t.hits.front().provision;
      x.descriptive = t.hits.empty() && !t.context.empty();
      if (!x.words.empty() && x.words.front() == "whereas") x.descriptive = true;
      x.text = std::move(s);
      out.push_back(std::move(x));
    }
  }
  return out;
}

bool operative(const Sentence& s) {
  if (s.descriptive) return false;
  if (!s.provision.empty()) return true;
  for (std::string_view m : {"shall", "must", "will", "may"})
    if (count_of(s.words, m)) return true;
  return false;
}

// Why MODEL's sentence is weaker in TOWN's, in words; "" when it is not.
std::string weakening(const Sentence& model, const Sentence& town) {
  for (std::string_view strong : {"shall", "must", "will"}) {
    if (count_of(model.words, strong) > count_of(town.words, strong) && count_of(town.words, "may") > count_of(model.words, "may"))
      return "\"" + std::string(strong) + "\" became \"may\"";
  }
  const auto negations = [](const std::vector<std::string>& w) {
    return count_of(w, "not") + count_of(w, "no") + count_of(w, "never") + count_of(w, "prohibited") + count_of(w, "nor");
  };
  if (negations(model.words) > negations(town.words)) return "the prohibition lost its \"not\"";
  for (std::string_view cue : {"unless", "except", "to the extent", "provided that", "provided however",
                               "where practicable", "when feasible", "at the discretion", "in its discretion"}) {
    const size_t at = find_phrase(town.words, cue);
    if (at == std::string::npos || find_phrase(model.words, cue) != std::string::npos) continue;
    std::string quote;
    for (size_t i = at; i < town.words.size() && i < at + 8; ++i) {
      if (!quote.empty()) quote += ' ';
      quote += town.words[i];
    }
    if (at + 8 < town.words.size()) quote += " ...";
    return "an exception was added: \"" + quote + "\"";
  }
  return "";
}

std::vector<WordDiff> word_diff(std::string_view a_text, std::string_view b_text) {
  auto split = [](std::string_view t) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : t) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!cur.empty()) out.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
  };
  const auto a = split(a_text), b = split(b_text);
  dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
  if (a.size() + b.size() > 4000) diff.onHuge();
  diff.compose();
  std::vector<WordDiff> out;
  for (const auto& [word, info] : diff.getSes().getSequence()) {
    const char op = info.type == dtl::SES_ADD ? '+' : info.type == dtl::SES_DELETE ? '-' : '=';
    if (out.empty() || out.back().op != op) {
      out.push_back({op, word});
    } else {
      out.back().text += ' ';
      out.back().text += word;
    }
  }
  return out;
}

// For each model section, the town section that shares most provisions and words.
std::vector<size_t> align_sections(const std::vector<Sentence>& model, size_t model_sections,
                                   const std::vector<Sentence>& town, size_t town_sections) {
  std::vector<std::set<std::string>> mw(model_sections), tw(town_sections), mp(model_sections), tp(town_sections);
  for (const auto& s : model) {
    for (const auto& w : s.bag)
      if (w.size() >= 4) mw[s.section].insert(w);
    if (!s.provision.empty()) mp[s.section].insert(s.provision);
  }
  for (const auto& s : town) {
    for (const auto& w : s.bag)
      if (w.size() >= 4) tw[s.section].insert(w);
    if (!s.provision.empty()) tp[s.section].insert(s.provision);
  }
  std::vector<size_t> out(model_sections, std::string::npos);
  for (size_t i = 0; i < model_sections; ++i) {
    double best = 0.1;
    for (size_t j = 0; j < town_sections; ++j) {
      const double score = dice(mw[i], tw[j]) + 0.25 * dice(mp[i], tp[j]);
      if (score > best) {
        best = score;
        out[i] = j;
      }
    }
  }
  return out;
}

std::string label_of(const std::vector<CompareSection>& sections, size_t i) {
  return section_label(sections[i].number, sections[i].heading, sections[i].page);
}

}  // namespace

std::vector<std::string> split_sentences(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(" \t\n");
    size_t e = cur.find_last_not_of(" \t\n");
    if (b != std::string::npos) {
      std::string s = cur.substr(b, e - b + 1);
      for (char& c : s)
        if (c == '\n' || c == '\t') c = ' ';
      if (lower_words(s).size() >= 4) out.push_back(std::move(s));
    }
    cur.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    cur += c;
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\n' && next == '\n') {
      flush();
    } else if (c == ';' && next == '\n') {
      flush();
    } else if ((c == '.' || c == '?' || c == '!') && (next == ' ' || next == '\n' || next == '\0')) {
      // Not after an abbreviation ("U.S.C.", "v.", "No.", "c."): the word before must be long.
      size_t start = cur.find_last_of(" \n(", cur.size() - 2);
      std::string_view word = std::string_view(cur).substr(start == std::string::npos ? 0 : start + 1);
      word.remove_suffix(1);
      const bool abbreviation = word.size() <= 3 || word.find('.') != std::string_view::npos;
      if (!abbreviation) flush();
    }
  }
  flush();
  return out;
}

ModelComparison compare_with_model(const std::vector<CompareSection>& model, const std::vector<CompareSection>& town,
                                   const pv::Tagger& tagger) {
  ModelComparison out;
  const std::vector<Sentence> ms = sentences_of(model, tagger);
  const std::vector<Sentence> ts = sentences_of(town, tagger);
  const std::vector<size_t> aligned = align_sections(ms, model.size(), ts, town.size());
  std::vector<char> town_matched(ts.size(), 0);
  std::vector<ModelChange> dropped, weakened, added;
  for (const Sentence& m : ms) {
    if (!operative(m)) continue;
    ++out.model_sentences;
    double best = 0;
    size_t best_j = std::string::npos;
    for (size_t j = 0; j < ts.size(); ++j) {
      const double score = dice(m.bag, ts[j].bag) + (ts[j].section == aligned[m.section] ? 0.05 : 0.0);
      if (score > best) {
        best = score;
        best_j = j;
      }
    }
    ModelChange c;
    c.provision = m.provision;
    c.model_section = label_of(model, m.section);
    c.model_text = m.text;
    c.similarity = std::round(std::min(best, 1.0) * 1000) / 1000;
    if (best_j == std::string::npos || best < kMatch) {
      c.kind = "dropped";
      c.reason = "not found in the town's text";
      if (aligned[m.section] != std::string::npos) c.town_section = label_of(town, aligned[m.section]);
      dropped.push_back(std::move(c));
      continue;
    }
    town_matched[best_j] = 1;
    const Sentence& t = ts[best_j];
    std::string why = weakening(m, t);
    if (why.empty()) {
      ++out.kept;
      continue;
    }
    c.kind = "weakened";
    c.reason = std::move(why);
    c.town_section = label_of(town, t.section);
    c.town_text = t.text;
    c.diff = word_diff(m.text, t.text);
    weakened.push_back(std::move(c));
  }
  for (size_t j = 0; j < ts.size(); ++j) {
    const Sentence& t = ts[j];
    if (town_matched[j] || t.provision.empty() || t.descriptive) continue;
    double best = 0;
    for (const Sentence& m : ms) best = std::max(best, dice(m.bag, t.bag));
    if (best >= kMatch) continue;
    ModelChange c;
    c.kind = "added";
    c.provision = t.provision;
    c.town_section = label_of(town, t.section);
    c.town_text = t.text;
    c.reason = "not in the model";
    c.similarity = std::round(best * 1000) / 1000;
    added.push_back(std::move(c));
  }
  for (auto* list : {&dropped, &weakened, &added})
    for (auto& c : *list) out.changes.push_back(std::move(c));
  return out;
}

}  // namespace policyindex::query
