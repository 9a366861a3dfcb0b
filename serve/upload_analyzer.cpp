#include "serve/upload_analyzer.h"

#include "corpus/models.h"
#include "pipeline/analyze_report.h"

namespace policyindex::serve {

Result<UploadServices> make_upload_services(const std::filesystem::path& data_dir, const std::string& taxonomy_file) {
  auto tagger = pipeline::SectionTagger::create(taxonomy_file);
  if (!tagger) return tl::make_unexpected(tagger.error());
  auto shared = std::make_shared<const pipeline::SectionTagger>(std::move(*tagger));
  UploadServices out;
  out.analyzer = [shared, data_dir](const UploadInput& in, const UploadLimits& limits) -> Result<UploadReport> {
    pipeline::AnalyzeOptions options;
    options.timeout_s = limits.timeout_s;
    options.max_pages = limits.max_pages;
    options.memory_bytes = limits.memory_bytes;
    pipeline::ReportRequest request;
    request.name = in.name;
    request.town = in.town;
    request.model = in.model;
    request.data_dir = data_dir;
    auto analyzed = pipeline::analyze_report(in.bytes, *shared, options, request);
    if (!analyzed) return tl::make_unexpected(analyzed.error());
    std::string json = pipeline::analyze_json(*analyzed, *shared, false);
    return UploadReport{std::move(analyzed->report), std::move(json)};
  };
  out.models = [data_dir]() {
    std::vector<std::string> names;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(data_dir / "catalog.sqlite", ec)) return names;
    auto catalog = corpus::Catalog::open(data_dir / "catalog.sqlite");
    if (!catalog) return names;
    corpus::ReportReader reader(*catalog);
    if (auto all = reader.models(); all)
      for (const auto& m : *all) names.push_back(m.name);
    return names;
  };
  return out;
}

}  // namespace policyindex::serve
