// Tests compare the JSON of docs/API.md: a typed answer rendered by render/ (the writer the
// CLI and the server use).
#pragma once

#include <string>

#include "common/result.h"
#include "render/render.h"

namespace policyindex {

template <class T>
Result<std::string> as_json(const Result<T>& r) {
  if (!r) return tl::make_unexpected(r.error());
  return render::json(*r);
}

template <class T>
std::string as_json(const T& r) {
  return render::json(r);
}

}  // namespace policyindex
