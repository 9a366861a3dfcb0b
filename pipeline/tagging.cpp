// Section tagging: provisions, stance and citations of extracted sections, and the compact
// form in which the extraction workers send the tags back (pipeline/extract_job.cpp).

#include "pipeline/tagging.h"

namespace policyindex::pipeline {
namespace {

// Bump when extraction or segmentation changes what it produces: stored versions are then
// extracted again by the next `extract` or `refresh`.
constexpr const char* kExtractorVersion = "extract-2";  // 2: DOCX numbering, run-in ends, OCR case redlines

using extract::wire::put_str;
using extract::wire::put_u64;
using TagReader = extract::wire::Reader;

}  // namespace

std::string serialize_tags(const std::vector<SectionTags>& tags) {
  std::string out;
  put_u64(out, tags.size());
  for (const SectionTags& t : tags) {
    put_u64(out, t.hits.size());
    for (const corpus::StoredHit& h : t.hits) {
      put_str(out, h.provision);
      put_str(out, h.stance);
      put_str(out, h.evidence);
      put_u64(out, static_cast<uint64_t>(h.start));
      put_u64(out, static_cast<uint64_t>(h.end));
      put_str(out, h.rule);
    }
    put_u64(out, t.cites.size());
    for (const std::string& c : t.cites) put_str(out, c);
  }
  return out;
}

bool deserialize_tags(std::string_view bytes, size_t sections, std::vector<SectionTags>& out) {
  TagReader r(bytes);
  uint64_t n;
  if (!r.u64(n) || n != sections) return false;
  out.assign(sections, {});
  for (SectionTags& t : out) {
    uint64_t hits, cites;
    if (!r.u64(hits) || hits > bytes.size()) return false;
    t.hits.resize(hits);
    for (corpus::StoredHit& h : t.hits) {
      if (!r.str(h.provision) || !r.str(h.stance) || !r.str(h.evidence) || !r.i64(h.start) ||
          !r.i64(h.end) || !r.str(h.rule))
        return false;
    }
    if (!r.u64(cites) || cites > bytes.size()) return false;
    t.cites.resize(cites);
    for (std::string& c : t.cites)
      if (!r.str(c)) return false;
  }
  return r.done();
}

SectionTagger::SectionTagger(std::shared_ptr<const provisions::Taxonomy> taxonomy)
    : taxonomy_(taxonomy), tagger_(std::move(taxonomy)) {}

Result<SectionTagger> SectionTagger::create(const std::string& taxonomy_file) {
  auto taxonomy = provisions::Taxonomy::load_or_builtin(taxonomy_file);
  if (!taxonomy) return tl::make_unexpected(taxonomy.error());
  return SectionTagger(std::move(*taxonomy));
}

provisions::Genre document_genre(const extract::Document& doc) {
  // classify_genre reads the first few thousand characters: headings and text in order.
  constexpr size_t kOpening = 4000;
  std::string opening;
  for (const extract::Section& s : doc.sections) {
    if (opening.size() >= kOpening) break;
    opening.append(s.heading).append("\n").append(s.text).append("\n");
  }
  return provisions::classify_genre(doc.title, opening);
}

provisions::Tagged SectionTagger::tag_raw(const extract::Section& section) const {
  return tagger_.tag({section.heading, section.number, section.text});
}

SectionTags SectionTagger::tag(const extract::Section& section) const {
  provisions::Tagged tagged = tag_raw(section);
  SectionTags out;
  out.cites = std::move(tagged.cites);
  for (auto& h : tagged.hits) {
    out.hits.push_back({std::move(h.provision), std::string(provisions::stance_name(h.stance)),
                        std::move(h.evidence), static_cast<int64_t>(h.start),
                        static_cast<int64_t>(h.end), std::move(h.rule)});
  }
  return out;
}

std::string SectionTagger::version() const {
  return std::string(kExtractorVersion) + "/" + tagger_.version();
}

}  // namespace policyindex::pipeline
