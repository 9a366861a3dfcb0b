// Private to render/'s report writers: string building without `"literal" + std::string`
// (which GCC 12 under ASan can misread as overlapping copies).
#pragma once

#include <string>
#include <string_view>

namespace policyindex::render::detail {

template <class... A>
void add(std::string& out, const A&... parts) {
  (out.append(std::string_view(parts)), ...);
}

template <class... A>
std::string cat(const A&... parts) {
  std::string out;
  add(out, parts...);
  return out;
}

}  // namespace policyindex::render::detail
