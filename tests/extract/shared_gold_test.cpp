// Gold tests on ../shared: for each seed with annotated headings, the seed text and every
// rendering of it (HTML, Windows-1252 HTML, DOCX, PDF, scanned PDF). Prints a table of the
// figures so CI logs show them.

#include <poppler-document.h>
#include <poppler-page.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "extract/extract.h"
#include "tests/testing/testing.h"

// fontconfig (under cairo and poppler) keeps process-global caches it never frees; they are
// not allocations of ours. LeakSanitizer reads this hook at exit.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

namespace policyindex::extract {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::shared_dir;

// Headings compared after folding case, whitespace, quotes and numbering.
std::string fold_heading(std::string h) {
  h = fold_for_matching(h);
  std::string out;
  for (char c : h) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != ' ') out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  // Leading numbering: "2 129 040 order" -> "order", "a equal" -> "equal".
  for (;;) {
    size_t sp = out.find(' ');
    if (sp == std::string::npos) break;
    std::string first = out.substr(0, sp);
    bool numeric = std::all_of(first.begin(), first.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (numeric || first == "sec" || first == "section" || (first.size() == 1 && out.size() > 2)) out = out.substr(sp + 1);
    else break;
  }
  return out;
}

struct Figures {
  double recall = 0, precision = 0;
  size_t gold = 0, found = 0;
  std::vector<std::string> missing, extra;
};

Figures score(const std::vector<std::string>& gold, const Document& d) {
  Figures f;
  std::multiset<std::string> mine;
  for (const Section& s : d.sections)
    if (!s.heading.empty()) mine.insert(fold_heading(s.heading));
  std::set<std::string> g;
  for (const auto& h : gold) g.insert(fold_heading(h));
  size_t hit = 0;
  for (const auto& h : g) {
    if (mine.count(h)) ++hit;
    else f.missing.push_back(h);
  }
  size_t good = 0;
  for (const auto& h : mine) {
    if (g.count(h)) ++good;
    else f.extra.push_back(h);
  }
  f.gold = g.size();
  f.found = mine.size();
  f.recall = g.empty() ? 1 : double(hit) / g.size();
  f.precision = mine.empty() ? 0 : double(good) / mine.size();
  return f;
}

std::string join(const std::vector<std::string>& v) {
  std::string o;
  for (const auto& s : v) o += (o.empty() ? "" : "; ") + s;
  return o;
}

std::string page_text_folded(poppler::document& doc, int page) {
  std::unique_ptr<poppler::page> p(doc.create_page(page - 1));
  if (!p) return "";
  auto b = p->text().to_utf8();
  return fold_heading(std::string(b.begin(), b.end()));
}

struct Case {
  std::string seed;  // "002_7ae7247b169c9d91"
  fs::path file;
  std::string rendering;
  nlohmann::json gold;
};

std::vector<Case> cases(bool scans) {
  std::vector<Case> out;
  std::vector<fs::path> golds;
  for (const auto& e : fs::directory_iterator(shared_dir() / "gold")) golds.push_back(e.path());
  std::sort(golds.begin(), golds.end());
  for (const fs::path& g : golds) {
    nlohmann::json gold = nlohmann::json::parse(read_file(g));
    if (!gold.contains("headings")) continue;
    std::string seed = g.stem().string();
    if (!scans) out.push_back({seed, shared_dir() / "seeds" / (seed + ".txt"), "txt", gold});
    for (const char* r : {".html", ".cp1252.html", ".docx", ".pdf", ".scan.pdf"}) {
      fs::path f = shared_dir() / "fixtures" / (seed + r);
      bool scan = std::string_view(r) == ".scan.pdf";
      if (fs::exists(f) && scan == scans) out.push_back({seed, f, r + 1, gold});
    }
  }
  return out;
}

std::vector<Result<Document>> run_all(const std::vector<Case>& cs) {
  std::vector<Result<Document>> results(cs.size(), make_error(ErrorCode::kInternal, "not run"));
  BatchOptions b;
  b.workers = 2;
  extract_batch(
      cs.size(), [&](size_t i) -> Result<std::string> { return read_file(cs[i].file); },
      [&](size_t i, Result<Document> r) { results[i] = std::move(r); }, b);
  return results;
}

void check(const std::vector<Case>& cs, const std::vector<Result<Document>>& results, double min_recall,
           double min_precision, const std::map<std::string, const Document*>* pdf_by_seed) {
  std::printf("\n%-36s %-10s %6s %6s %9s %6s %7s\n", "seed", "rendering", "recall", "prec", "found/gold", "nums", "struck");
  for (size_t i = 0; i < cs.size(); ++i) {
    const Case& c = cs[i];
    SCOPED_TRACE(c.file.string());
    ASSERT_TRUE(results[i].has_value()) << results[i].error().message;
    const Document& d = *results[i];
    Figures f = score(c.gold["headings"].get<std::vector<std::string>>(), d);
    // Section numbers.
    size_t nums_ok = 0, nums = 0;
    if (c.gold.contains("section_numbers")) {
      std::set<std::string> have;
      for (const Section& s : d.sections) have.insert(s.number);
      for (const auto& n : c.gold["section_numbers"]) {
        ++nums;
        if (have.count(n.get<std::string>())) ++nums_ok;
        else ADD_FAILURE() << "section number " << n << " not found";
      }
    }
    // Struck text absent from everything that reaches sections.
    std::string struck_state = "-";
    if (c.gold.contains("struck_text_must_not_be_indexed")) {
      struck_state = "absent";
      for (const auto& s : c.gold["struck_text_must_not_be_indexed"]) {
        std::string needle = s.get<std::string>();
        bool in_text = d.text.find(needle) != std::string::npos;
        for (const Section& sec : d.sections)
          in_text = in_text || sec.text.find(needle) != std::string::npos || sec.heading.find(needle) != std::string::npos;
        if (in_text) struck_state = "PRESENT";
        EXPECT_FALSE(in_text) << "struck text '" << needle << "' reached the sections";
      }
    }
    std::printf("%-36s %-10s %6.2f %6.2f %4zu/%-4zu %2zu/%-3zu %7s\n", c.seed.c_str(), c.rendering.c_str(), f.recall,
                f.precision, f.found, f.gold, nums_ok, nums, struck_state.c_str());
    EXPECT_GE(f.recall, min_recall) << "missing: " << join(f.missing);
    EXPECT_GE(f.precision, min_precision) << "extra: " << join(f.extra);
    // Pages: a section's page is the page where its heading is printed.
    if (c.rendering == "pdf") {
      std::unique_ptr<poppler::document> pdf(poppler::document::load_from_file(c.file.string()));
      ASSERT_TRUE(pdf);
      size_t checked = 0;
      for (const Section& s : d.sections) {
        if (s.heading.empty()) continue;
        ASSERT_GE(s.page, 1) << s.heading;
        ASSERT_LE(s.page, d.pages);
        // Word by word: the text layer of a redline still holds struck letters ("pPolice").
        std::string page = page_text_folded(*pdf, s.page);
        std::string h = fold_heading(s.heading);
        size_t at = 0;
        bool on_page = true;
        for (size_t k = 0; k <= h.size(); ++k) {
          if (k < h.size() && h[k] != ' ') continue;
          std::string w = h.substr(at, k - at);
          at = k + 1;
          if (!w.empty() && page.find(w) == std::string::npos) on_page = false;
        }
        EXPECT_TRUE(on_page) << "heading '" << s.heading << "' is not on page " << s.page;
        ++checked;
      }
      EXPECT_GT(checked, 5u);
    }
    if (c.rendering == "scan.pdf" && pdf_by_seed && pdf_by_seed->count(c.seed)) {
      // The scan is the PDF rasterised: the same heading on the same page.
      const Document& text_pdf = *pdf_by_seed->at(c.seed);
      std::map<std::string, int> page_of;
      for (const Section& s : text_pdf.sections) page_of.emplace(fold_heading(s.heading), s.page);
      for (const Section& s : d.sections) {
        auto it = page_of.find(fold_heading(s.heading));
        if (it != page_of.end() && !s.heading.empty()) {
          EXPECT_EQ(s.page, it->second) << "scan heading '" << s.heading << "'";
        }
      }
      EXPECT_FALSE(d.ocr_pages.empty());
      EXPECT_EQ(static_cast<int>(d.ocr_pages.size()), d.pages);
    }
  }
  std::fflush(stdout);
}

TEST(GoldTest, HeadingsNumbersStrikesAndPagesInEveryTextRendering) {
  auto cs = cases(false);
  ASSERT_GE(cs.size(), 16u);
  auto results = run_all(cs);
  check(cs, results, 0.95, 0.9, nullptr);
}

TEST(GoldTest, ScannedRenderingsThroughOcr) {
  auto cs = cases(true);
  ASSERT_GE(cs.size(), 4u);
  // The text PDFs, for the page comparison.
  std::vector<Case> pdfs;
  for (const Case& c : cs) pdfs.push_back({c.seed, shared_dir() / "fixtures" / (c.seed + ".pdf"), "pdf", c.gold});
  cs.insert(cs.end(), pdfs.begin(), pdfs.end());
  auto results = run_all(cs);
  std::map<std::string, const Document*> pdf_by_seed;
  size_t n = cs.size() / 2;
  for (size_t i = n; i < cs.size(); ++i)
    if (results[i]) pdf_by_seed[cs[i].seed] = &*results[i];
  std::vector<Case> scans(cs.begin(), cs.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<Result<Document>> scan_results;
  for (size_t i = 0; i < n; ++i) scan_results.push_back(results[i]);
  // OCR, at the figures. Cambridge's redline has a heading whose struck first letter
  // is glued to the word ("pPolice"): extract/pdf.cpp's struck_case_change sets it aside.
  check(scans, scan_results, 0.95, 0.9, &pdf_by_seed);
}

}  // namespace
}  // namespace policyindex::extract
