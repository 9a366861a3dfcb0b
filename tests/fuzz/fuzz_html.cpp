// libFuzzer target: the html path of extract (parser + segmentation), OCR off.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/internal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace policyindex::extract;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Options o;
  o.ocr = false;
  o.max_pages = 20;
  auto parsed = detail::parse_html(bytes, o);
  if (parsed) {
    Document d = detail::segment(std::move(*parsed), FileType::kUnknown);
    (void)deserialize(serialize(d));
  }
  return 0;
}
