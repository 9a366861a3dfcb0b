// The report benchmark's inputs, drawn with cairo (tests/extract/makers.h), fictional text:
//   make_report_pdfs OUTDIR  ->  OUTDIR/text30.pdf (30 pages with a text layer) and
//                                OUTDIR/scan10.pdf (10 image-only pages: a scan, read by OCR).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "tests/extract/makers.h"

namespace {

// Section I of the fictional Town of Brindlecombe's trust policy: a heading and a few
// paragraphs of operative and descriptive sentences, varied by I.
std::vector<std::string> section(int i) {
  static const char* kTopics[] = {"Immigration status", "Information sharing", "Detainers", "Notice to the person",
                                  "Joint operations", "Town resources", "Agreements", "Training", "Records",
                                  "Complaints"};
  const std::string topic = kTopics[i % 10];
  const std::string n = std::to_string(i + 1);
  return {"#Section " + n + ". " + topic,
          "No officer or employee of the Town of Brindlecombe shall ask any person about immigration status in the "
          "course of matter " + n + ", except as required by a court order naming that person.",
          "No Town officer shall share information about any person's release date, home address or custody status "
          "with federal immigration authorities under item " + n + " of this policy.",
          "The Police Department shall not hold any person on the basis of an immigration detainer alone, and shall "
          "give the person a copy of any detainer received within one business day.",
          "The purpose of this section is to foster trust between the residents of the Town and its officers, so "
          "that every resident may report crimes and seek help without fear.",
          "Town funds, facilities and personnel shall not be used to assist in civil immigration enforcement, and "
          "the Town shall not enter into an agreement under section 287(g) of the Immigration and Nationality Act.",
          "The Chief shall report to the Select Board each year on the number of requests received under section " +
              n + " and the answers given, without naming any person."};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_report_pdfs OUTDIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  // 30 pages with a text layer: sections until the layout reaches 30 pages (44 lines a page).
  std::vector<std::string> paras = {"#Town of Brindlecombe Trust Policy"};
  for (int i = 0; i < 75; ++i)
    for (auto& p : section(i)) paras.push_back(p);
  std::ofstream(out / "text30.pdf", std::ios::binary)
      << policyindex::testing::make_flowing_pdf(paras, "Town of Brindlecombe Trust Policy", 44);
  // 10 scanned pages: each page's lines drawn, then the page rasterised (no text layer).
  std::vector<policyindex::testing::PdfPage> pages;
  for (int p = 0; p < 10; ++p) {
    policyindex::testing::PdfPage page;
    page.image_only = true;
    double y = 90;
    const auto s = section(p);
    page.texts.push_back({s[0].substr(1), 72, y, 14, true, false});
    y += 30;
    for (size_t k = 1; k < s.size(); ++k) {
      // About 80 characters a line.
      std::string rest = s[k];
      while (!rest.empty()) {
        size_t cut = rest.size() <= 80 ? rest.size() : rest.rfind(' ', 80);
        if (cut == std::string::npos || cut == 0) cut = std::min<size_t>(80, rest.size());
        page.texts.push_back({rest.substr(0, cut), 72, y, 11, false, false});
        rest = cut < rest.size() ? rest.substr(cut + 1) : "";
        y += 16;
      }
      y += 10;
    }
    pages.push_back(std::move(page));
  }
  std::ofstream(out / "scan10.pdf", std::ios::binary) << policyindex::testing::make_pdf(pages);
  return 0;
}
