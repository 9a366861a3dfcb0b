// The tagger against the hand annotations of the seeds (../shared/gold): per document,
// precision / recall / F1 of (provision, stance) pairs against the non-optional gold
// items (optional ones count neither for nor against), `absent` provisions untagged,
// nothing tagged in `no_provisions_in` sections, each gold evidence phrase overlapping the
// evidence of a matching hit, and the gold citations found.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "provisions/provisions.h"
#include "tests/testing/testing.h"

namespace policyindex::provisions {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::shared_dir;

struct Sec {
  std::string number;
  std::string heading;
  std::string text;
};

std::string strip_struck(const std::string& s) {
  static const std::regex struck("~~[\\s\\S]*?~~");
  return std::regex_replace(s, struck, "");
}

// A minimal segmentation of the seed .txt files, independent of extract/: numbered
// section lines, ALL-CAPS lines and lettered items ("b) Heading. Text...") open sections.
std::vector<Sec> segment_txt(const std::string& raw) {
  static const std::regex numbered(
      R"(^\s*(?:\d+\.\s+)?(?:Sec(?:tion)?\.?\s+)?(\d+(?:[.\-]\d+)+|\d+)\.?\s*(?:-\s*)?([A-Z][^\n]{0,90}?)\s*$)");
  static const std::regex lettered(
      R"(^\s*-?\s*(?:(?:[a-z]{1,2}\.?\)){1,2}|\([a-z]\)|[a-z]\.)\s*([A-Z][^.\n]{2,80})\.\**\s*(.*)$)");
  std::vector<Sec> out;
  out.push_back(Sec{});
  std::string text = strip_struck(raw);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    std::smatch m;
    std::string trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\r')) trimmed.pop_back();
    bool has_lower = std::any_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    bool has_upper = std::count_if(trimmed.begin(), trimmed.end(), [](char c) { return c >= 'A' && c <= 'Z'; }) >= 4;
    if (trimmed.size() < 100 && std::regex_match(trimmed, m, numbered) && m[2].str().size() < 80 &&
        m[2].str().find(',') == std::string::npos) {
      std::string heading = m[2].str();
      while (!heading.empty() && (heading.back() == '.' || heading.back() == ' ')) heading.pop_back();
      out.push_back(Sec{m[1].str(), heading, ""});
    } else if (!has_lower && has_upper && trimmed.size() < 60) {
      std::string heading = trimmed;
      while (!heading.empty() && (heading.back() == '.' || heading.back() == ' ')) heading.pop_back();
      while (!heading.empty() && heading.front() == ' ') heading.erase(0, 1);
      out.push_back(Sec{"", heading, ""});
    } else if (std::regex_match(line, m, lettered)) {
      out.push_back(Sec{"", m[1].str(), m[2].str() + "\n"});
    } else {
      out.back().text += line + "\n";
    }
    if (nl == text.size()) break;
  }
  return out;
}

// Folds case, whitespace runs and curly quotes; keeps a map back to byte offsets.
struct Folded {
  std::string text;
  std::vector<size_t> at;  // at[i]: offset in the original of folded byte i
};
Folded fold(std::string_view s) {
  Folded f;
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      ++i;
      continue;
    }
    if (space && !f.text.empty()) {
      f.text.push_back(' ');
      f.at.push_back(i);
    }
    space = false;
    if (s.compare(i, 3, "\xE2\x80\x99") == 0 || s.compare(i, 3, "\xE2\x80\x98") == 0) {
      f.text.push_back('\'');
      f.at.push_back(i);
      i += 3;
    } else if (s.compare(i, 3, "\xE2\x80\x9C") == 0 || s.compare(i, 3, "\xE2\x80\x9D") == 0) {
      f.text.push_back('"');
      f.at.push_back(i);
      i += 3;
    } else if (s.compare(i, 2, "\xC2\xA0") == 0) {
      space = true;
      i += 2;
    } else {
      f.text.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : char(c));
      f.at.push_back(i);
      ++i;
    }
  }
  f.at.push_back(s.size());
  return f;
}

struct Counts {
  int tp = 0, fp = 0, fn = 0;
};
double precision(const Counts& c) { return c.tp + c.fp == 0 ? 1.0 : double(c.tp) / (c.tp + c.fp); }
double recall(const Counts& c) { return c.tp + c.fn == 0 ? 1.0 : double(c.tp) / (c.tp + c.fn); }
double f1(const Counts& c) {
  double p = precision(c), r = recall(c);
  return p + r == 0 ? 0 : 2 * p * r / (p + r);
}

using Pair = std::pair<std::string, std::string>;

struct DocResult {
  std::string name;
  Counts counts;
  std::vector<std::string> problems;  // hard failures
  std::vector<std::string> notes;     // misses and false positives, for the log
};

DocResult evaluate(const std::string& name, const nlohmann::json& gold, const std::vector<Sec>& sections,
                   const Tagger& tagger) {
  DocResult r;
  r.name = name;
  std::vector<Tagged> tagged;
  std::set<Pair> predicted;
  std::set<std::string> cites;
  for (const auto& s : sections) {
    tagged.push_back(tagger.tag(SectionInput{s.heading, s.number, s.text}));
    if (std::getenv("PI_GOLD_VERBOSE")) {
      std::printf("== %s [%s] %s\n", name.c_str(), s.number.c_str(), s.heading.c_str());
      for (const auto& h : tagged.back().hits) {
        std::printf("   %s/%s [%s] %s\n", h.provision.c_str(), std::string(stance_name(h.stance)).c_str(),
                    h.rule.c_str(), h.evidence.substr(0, 140).c_str());
      }
    }
    for (const auto& h : tagged.back().hits) predicted.insert({h.provision, std::string(stance_name(h.stance))});
    cites.insert(tagged.back().cites.begin(), tagged.back().cites.end());
  }
  std::set<Pair> required, optional;
  for (const auto& item : gold["provisions"]) {
    Pair p{item["provision"].get<std::string>(), item["stance"].get<std::string>()};
    if (item.value("optional", false)) optional.insert(p);
    else required.insert(p);
  }
  for (const auto& p : predicted) {
    if (required.count(p)) ++r.counts.tp;
    else if (!optional.count(p)) {
      ++r.counts.fp;
      std::string where;
      for (size_t i = 0; i < sections.size(); ++i) {
        for (const auto& h : tagged[i].hits) {
          if (h.provision == p.first && stance_name(h.stance) == p.second && where.empty()) {
            where = "[" + h.rule + "] " + h.evidence.substr(0, 160);
          }
        }
      }
      r.notes.push_back("false positive " + p.first + "/" + p.second + ": " + where);
    }
  }
  for (const auto& p : required) {
    if (!predicted.count(p)) {
      ++r.counts.fn;
      r.notes.push_back("missed " + p.first + "/" + p.second);
    }
  }
  // Evidence: each non-optional gold phrase overlaps a matching hit.
  for (const auto& item : gold["provisions"]) {
    if (item.value("optional", false)) continue;
    std::string prov = item["provision"], stance = item["stance"];
    Folded phrase = fold(item["evidence"].get<std::string>());
    bool found = false, overlapped = false;
    for (size_t i = 0; i < sections.size() && !overlapped; ++i) {
      Folded ft = fold(sections[i].text);
      for (size_t at = ft.text.find(phrase.text); at != std::string::npos && !overlapped;
           at = ft.text.find(phrase.text, at + 1)) {
        found = true;
        size_t b = ft.at[at], e = ft.at[at + phrase.text.size() - 1] + 1;
        for (const auto& h : tagged[i].hits) {
          if (h.provision == prov && stance_name(h.stance) == stance && h.start < e && b < h.end) overlapped = true;
        }
      }
    }
    if (!found) r.problems.push_back("gold evidence not found in any section: \"" + phrase.text + "\"");
    else if (!overlapped && predicted.count({prov, stance})) {
      r.problems.push_back("no " + prov + "/" + stance + " hit overlaps \"" + phrase.text + "\"");
    } else if (!overlapped) {
      r.notes.push_back("evidence not covered (pair missed): " + prov + "/" + stance);
    }
  }
  // absent provisions
  for (const auto& a : gold.value("absent", nlohmann::json::array())) {
    for (const auto& p : predicted) {
      if (p.first == a.get<std::string>()) r.problems.push_back("absent provision tagged: " + p.first);
    }
  }
  // no_provisions_in
  for (const auto& heading : gold.value("no_provisions_in", nlohmann::json::array())) {
    std::string want = heading.get<std::string>();
    bool seen = false;
    for (size_t i = 0; i < sections.size(); ++i) {
      if (fold(sections[i].heading).text != fold(want).text) continue;
      seen = true;
      for (const auto& h : tagged[i].hits) {
        r.problems.push_back("tagged in " + want + ": " + h.provision + " [" + h.rule + "] " + h.evidence.substr(0, 100));
      }
    }
    if (!seen) r.problems.push_back("no section headed " + want);
  }
  // citations
  for (const auto& c : gold.value("citations", nlohmann::json::array())) {
    auto ids = find_citations(c.get<std::string>());
    if (ids.size() != 1) {
      r.problems.push_back("gold citation does not normalize to one id: " + c.get<std::string>());
      continue;
    }
    if (!cites.count(ids[0])) r.problems.push_back("citation not found: " + ids[0]);
  }
  for (const auto& s : gold.value("struck_text_must_not_be_indexed", nlohmann::json::array())) {
    for (const auto& id : find_citations(s.get<std::string>())) {
      if (cites.count(id)) r.problems.push_back("struck citation found: " + id);
    }
  }
  return r;
}

struct Doc {
  std::string stem;
  nlohmann::json gold;
};

std::vector<Doc> gold_docs() {
  std::vector<Doc> docs;
  for (const auto& e : fs::directory_iterator(shared_dir() / "gold")) {
    if (e.path().extension() != ".json") continue;
    docs.push_back(Doc{e.path().stem().string(), nlohmann::json::parse(read_file(e.path()))});
  }
  std::sort(docs.begin(), docs.end(), [](const Doc& a, const Doc& b) { return a.stem < b.stem; });
  return docs;
}

void print_table(const std::string& title, const std::vector<DocResult>& results, Counts total) {
  std::printf("\n%s\n%-28s %4s %4s %4s %6s %6s %6s\n", title.c_str(), "document", "tp", "fp", "fn", "P", "R", "F1");
  for (const auto& r : results) {
    std::printf("%-28s %4d %4d %4d %6.3f %6.3f %6.3f\n", r.name.c_str(), r.counts.tp, r.counts.fp, r.counts.fn,
                precision(r.counts), recall(r.counts), f1(r.counts));
    for (const auto& n : r.notes) std::printf("    %s\n", n.c_str());
    for (const auto& n : r.problems) std::printf("    PROBLEM %s\n", n.c_str());
  }
  std::printf("%-28s %4d %4d %4d %6.3f %6.3f %6.3f\n", "micro", total.tp, total.fp, total.fn, precision(total),
              recall(total), f1(total));
  std::fflush(stdout);
}

TEST(GoldTest, SeedsAsTextMeetTheBar) {
  auto tax = Taxonomy::builtin();
  ASSERT_OK(tax);
  Tagger tagger(*tax);
  auto docs = gold_docs();
  ASSERT_EQ(docs.size(), 5u);
  std::vector<DocResult> results;
  Counts total;
  for (const auto& d : docs) {
    auto text = read_file(shared_dir() / "seeds" / (d.stem + ".txt"));
    auto r = evaluate(d.stem, d.gold, segment_txt(text), tagger);
    total.tp += r.counts.tp;
    total.fp += r.counts.fp;
    total.fn += r.counts.fn;
    results.push_back(r);
  }
  print_table("gold: seeds (.txt, test segmentation)", results, total);
  EXPECT_GE(f1(total), 0.9);
  for (const auto& r : results) {
    EXPECT_TRUE(r.problems.empty()) << r.name << ": " << r.problems.size() << " problems (see table)";
  }
}

}  // namespace
}  // namespace policyindex::provisions
