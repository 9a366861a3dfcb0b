// Lays out each text file given (one paragraph per line; "#" starts a heading) as a PDF with
// cairo, with a running header and page numbers: make_pdfs OUTDIR FILE.txt...
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tests/extract/makers.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: make_pdfs OUTDIR FILE.txt...\n";
    return 2;
  }
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i]);
    std::vector<std::string> paras;
    std::string line, header;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      if (header.empty()) header = line.substr(line[0] == '#' ? 1 : 0);
      paras.push_back(line);
    }
    std::string pdf = policyindex::testing::make_flowing_pdf(paras, header, 44);
    std::filesystem::path out = std::filesystem::path(argv[1]) / std::filesystem::path(argv[i]).stem();
    std::ofstream(out.string() + ".pdf", std::ios::binary) << pdf;
  }
  return 0;
}
