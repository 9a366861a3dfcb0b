// OCR of page images with Tesseract (Debian's libtesseract and tesseract-ocr-eng).

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <cstdlib>
#include <memory>

#include "extract/internal.h"

// libgomp, when Tesseract was built with OpenMP: its thread count is read from the
// environment when the library loads, too late to set it here, so it is set by call.
extern "C" void omp_set_num_threads(int) __attribute__((weak));

namespace policyindex::extract::detail {

Result<std::vector<std::vector<OcrWord>>> ocr_lines(const GrayImage& img, int dpi) {
  // One thread per worker: the workers already keep every core busy. (Tesseract's own
  // num_threads clauses are capped only by OMP_THREAD_LIMIT, which libgomp reads when it
  // loads: the policyindex binary sets it before that, app/main.cpp.)
  if (omp_set_num_threads) omp_set_num_threads(1);
  static thread_local std::unique_ptr<tesseract::TessBaseAPI> api;
  if (!api) {
    auto a = std::make_unique<tesseract::TessBaseAPI>();
    if (a->Init(nullptr, "eng", tesseract::OEM_DEFAULT) != 0)
      return make_error(ErrorCode::kInternal, "Tesseract could not load English (tesseract-ocr-eng installed?)");
    a->SetVariable("debug_file", "/dev/null");
    api = std::move(a);
  }
  api->SetImage(img.pixels.data(), img.width, img.height, 1, img.width);
  api->SetSourceResolution(dpi);
  if (api->Recognize(nullptr) != 0) return make_error(ErrorCode::kParse, "Tesseract recognition failed");
  std::vector<std::vector<OcrWord>> lines;
  std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
  if (it) {
    do {
      if (it->Empty(tesseract::RIL_WORD)) continue;
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE) || lines.empty()) lines.emplace_back();
      std::unique_ptr<char[]> txt(it->GetUTF8Text(tesseract::RIL_WORD));
      int l, t, r, b;
      if (!txt || !it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) continue;
      if (it->Confidence(tesseract::RIL_WORD) < 20) continue;  // specks and rules
      lines.back().push_back(OcrWord{txt.get(), double(l), double(t), double(r), double(b)});
    } while (it->Next(tesseract::RIL_WORD));
  }
  api->Clear();
  return lines;
}

}  // namespace policyindex::extract::detail
