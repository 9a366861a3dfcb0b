// Inside pipeline/: the tags of a document's sections as the extraction workers send them
// back (extract::wire), and their reading in the parent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/pipeline.h"

namespace policyindex::pipeline {

std::string serialize_tags(const std::vector<SectionTags>& tags);
// False when BYTES is not what serialize_tags wrote for SECTIONS sections.
bool deserialize_tags(std::string_view bytes, size_t sections, std::vector<SectionTags>& out);

}  // namespace policyindex::pipeline
