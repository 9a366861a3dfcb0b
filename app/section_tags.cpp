#include "app/section_tags.h"

namespace policyindex::app {

std::string tagger_version() { return "extract-1"; }

SectionTags tag_section(const extract::Section&) {
  return {};  // provisions tagging lands with the provisions issue
}

}  // namespace policyindex::app
