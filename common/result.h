// Result<T> and Error: how every module reports failures that come from outside the
// program (bad input, I/O, network). Exceptions stay at the edges (main, library adapters).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace policyindex {

enum class ErrorCode {
  kInvalidArgument,  // bad usage or bad input named in the message
  kNotFound,
  kIo,
  kNetwork,
  kTimeout,
  kHttp,
  kParse,
  kUnsupported,
  kTooLarge,
  kIndex,
  kBusy,  // another process holds a lock
  kInternal,
};

// The name of a code, for messages and JSON ("io", "parse", ...).
std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // names the input: a path, a URL, a file:line
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

inline tl::unexpected<Error> make_error(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

inline Status ok_status() { return {}; }

inline std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kNetwork: return "network";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kHttp: return "http";
    case ErrorCode::kParse: return "parse";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kTooLarge: return "too_large";
    case ErrorCode::kIndex: return "index";
    case ErrorCode::kBusy: return "busy";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace policyindex
