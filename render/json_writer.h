// Private to render/: the JSON writer, straight into one string (no DOM). Its bytes are those
// of nlohmann::ordered_json's dump() (the tests compare the two).
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace policyindex::render::detail {

// A JSON string as nlohmann's dump() writes it (UTF-8 kept, control characters escaped);
// invalid UTF-8, which dump() refuses, becomes U+FFFD as with its `replace` handler.
void put_string(std::string& out, std::string_view s);

template <class Int>
void put_int(std::string& out, Int v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// A number as nlohmann's dump() writes a double ("0.5", "1.0").
void put_double(std::string& out, double v);

// `"key":` (KEY needs no escaping).
inline void put_key(std::string& out, std::string_view key) {
  out.push_back('"');
  out.append(key);
  out.append("\":", 2);
}

// JSON text stored elsewhere (a change's detail), as nlohmann dumps it once parsed; text
// that is not JSON becomes a string.
void put_json_text(std::string& out, std::string_view text);

// Objects and arrays with the commas kept track of.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // The key of the next value in an object.
  JsonWriter& key(std::string_view k) {
    comma();
    put_string(out_, k);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }
  JsonWriter& value(std::string_view s) {
    comma();
    put_string(out_, s);
    return *this;
  }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n) {
    comma();
    put_int(out_, n);
    return *this;
  }
  JsonWriter& value(uint64_t n) {
    comma();
    put_int(out_, n);
    return *this;
  }
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(double d) {
    comma();
    put_double(out_, d);
    return *this;
  }
  JsonWriter& value(bool b) {
    comma();
    out_ += b ? "true" : "false";
    return *this;
  }
  JsonWriter& null() {
    comma();
    out_ += "null";
    return *this;
  }
  template <class T>
  JsonWriter& value(const std::optional<T>& v) {
    return v ? value(*v) : null();
  }
  JsonWriter& json_text(std::string_view text) {
    comma();
    put_json_text(out_, text);
    return *this;
  }
  JsonWriter& strings(const std::vector<std::string>& list) {
    begin_array();
    for (const auto& s : list) value(s);
    return end_array();
  }
  // KEY and VALUE in one go.
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  JsonWriter& open(char c) {
    comma();
    out_.push_back(c);
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_.push_back(c);
    first_ = false;
    return *this;
  }
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_) out_.push_back(',');
    first_ = false;
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

}  // namespace policyindex::render::detail
