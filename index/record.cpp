// The section record stored as each Xapian document's data (index.h): a format byte, then
// the fields as varint-length-prefixed bytes, so a search reads its 20 hits without a JSON
// parser. Indexes written before hold a JSON object, still read here.
#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "index/index.h"

namespace policyindex::index {
namespace {

using nlohmann::json;

// Invalid UTF-8 replaced as the JSON records of format 1 did (nlohmann's `replace`).
void put_string(std::string& out, std::string_view s) {
  std::string fixed;
  if (!valid_utf8(s)) {
    fixed = json::parse(json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace))
                .get<std::string>();
    s = fixed;
  }
  uint64_t n = s.size();
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
  out.append(s);
}

void put_uint(std::string& out, uint64_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

struct Reader {
  std::string_view in;
  bool ok = true;
  uint64_t uint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in.empty()) break;
      const auto c = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      v |= static_cast<uint64_t>(c & 0x7F) << shift;
      if ((c & 0x80) == 0) return v;
    }
    ok = false;
    return 0;
  }
  void str(std::string& out) {
    const uint64_t n = uint();
    if (!ok || n > in.size()) {
      ok = false;
      return;
    }
    out.assign(in.data(), static_cast<size_t>(n));
    in.remove_prefix(static_cast<size_t>(n));
  }
};

bool decode_json_record(std::string_view data, SectionRecord& out) {
  json j = json::parse(data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto text = [&](const char* k, std::string& dst) {
    auto f = j.find(k);
    if (f != j.end() && f->is_string()) dst = std::move(f->get_ref<std::string&>());
  };
  text("section_id", out.section_id);
  text("document_id", out.document_id);
  text("town", out.town);
  text("county", out.county);
  text("doc_type", out.doc_type);
  text("title", out.title);
  text("url", out.url);
  text("number", out.number);
  text("heading", out.heading);
  text("text", out.text);
  if (auto p = j.find("page"); p != j.end() && p->is_number_integer()) out.page = p->get<int64_t>();
  if (auto p = j.find("provisions"); p != j.end() && p->is_array()) {
    for (auto& pair : *p) {
      if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string()) {
        out.provisions.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
      }
    }
  }
  if (auto c = j.find("cites"); c != j.end() && c->is_array()) {
    for (auto& v : *c) {
      if (v.is_string()) out.cites.push_back(v.get<std::string>());
    }
  }
  return true;
}

}  // namespace

std::string encode_section_record(const SectionRecord& r) {
  std::string out;
  out.reserve(64 + r.text.size() + r.title.size() + r.url.size() + r.heading.size());
  out.push_back(kSectionRecordFormat);
  for (const std::string* s : {&r.section_id, &r.document_id, &r.town, &r.county, &r.doc_type, &r.title,
                               &r.url, &r.number, &r.heading}) {
    put_string(out, *s);
  }
  // Page: 0 for none, else zigzag(page) + 1.
  put_uint(out, r.page ? ((static_cast<uint64_t>(*r.page) << 1) ^ static_cast<uint64_t>(*r.page >> 63)) + 1 : 0);
  put_string(out, r.text);
  put_uint(out, r.provisions.size());
  for (const auto& [p, s] : r.provisions) {
    put_string(out, p);
    put_string(out, s);
  }
  put_uint(out, r.cites.size());
  for (const auto& c : r.cites) put_string(out, c);
  return out;
}

bool decode_section_record(std::string_view data, SectionRecord& out) {
  // Cleared, not replaced: a caller decoding hit after hit into one record reuses its buffers.
  for (std::string* s : {&out.section_id, &out.document_id, &out.town, &out.county, &out.doc_type, &out.title,
                         &out.url, &out.number, &out.heading, &out.text}) {
    s->clear();
  }
  out.page.reset();
  out.provisions.clear();
  out.cites.clear();
  if (data.empty()) return false;
  if (data.front() == '{') return decode_json_record(data, out);
  if (data.front() != kSectionRecordFormat) return false;
  Reader in{data.substr(1)};
  for (std::string* s : {&out.section_id, &out.document_id, &out.town, &out.county, &out.doc_type, &out.title,
                         &out.url, &out.number, &out.heading}) {
    in.str(*s);
  }
  if (const uint64_t page = in.uint(); page != 0) {
    const uint64_t z = page - 1;
    out.page = static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  in.str(out.text);
  const uint64_t provisions = in.uint();
  if (!in.ok || provisions > in.in.size()) return false;
  out.provisions.resize(static_cast<size_t>(provisions));
  for (auto& [p, s] : out.provisions) {
    in.str(p);
    in.str(s);
  }
  const uint64_t cites = in.uint();
  if (!in.ok || cites > in.in.size()) return false;
  out.cites.resize(static_cast<size_t>(cites));
  for (auto& c : out.cites) in.str(c);
  return in.ok && in.in.empty();
}

}  // namespace policyindex::index
