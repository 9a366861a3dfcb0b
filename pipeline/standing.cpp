// A document's standing (title, genre, status and dates) as the extract job and analyze
// compute it, and the grouping of documents that hold the same text into renditions.

#include <algorithm>
#include <numeric>

#include "corpus/standing.h"
#include "pipeline/pipeline.h"

namespace policyindex::pipeline {

DocumentStanding document_standing(const extract::Document& doc, size_t provision_hits, std::string_view url,
                                   std::string_view doc_type, std::string_view link_text) {
  DocumentStanding out;
  out.title = extract::choose_title(doc, link_text);
  out.genre = document_genre(doc);
  // A listing page, site map or landing page: short entries, little prose, nothing
  // operative. Only web pages: a short PDF is still a document.
  if (doc.type == extract::FileType::kHtml) {
    if (auto nav = provisions::navigation_genre(doc.text, provision_hits)) out.genre = std::move(*nav);
  }
  if (out.genre.id == "navigation") {
    out.status.status = provisions::DocStatus::kDescriptive;
    out.status.reason = "a navigation page (" + out.genre.reason + "), not a policy document";
    return out;
  }
  provisions::StatusInput in;
  in.title = out.title.title.empty() ? std::string_view(doc.title) : std::string_view(out.title.title);
  in.url = url;
  in.doc_type = doc_type;
  in.genre = out.genre.id;
  in.genre_descriptive = out.genre.descriptive;
  in.text = doc.text;
  in.struck_passages = doc.struck.size();
  out.status = provisions::classify_status(in);
  return out;
}

namespace {

int format_rank(const std::string& type) {
  if (type == "pdf") return 0;
  if (type == "docx") return 1;
  if (type == "html") return 2;
  return 3;
}

struct UnionFind {
  std::vector<size_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), size_t{0}); }
  size_t find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(size_t a, size_t b) { parent[find(a)] = find(b); }
};

}  // namespace

Result<size_t> group_renditions(corpus::Catalog& catalog, double threshold) {
  auto sigs = corpus::current_signatures(catalog);
  if (!sigs) return tl::make_unexpected(sigs.error());
  const auto& rows = *sigs;
  const size_t n = rows.size();
  UnionFind uf(n);
  std::vector<double> best(n, 1.0);
  std::vector<std::string> method(n);
  // Within each town (documents of no town among themselves): equal bytes, or signatures
  // at least THRESHOLD alike.
  std::map<std::optional<int64_t>, std::vector<size_t>> by_town;
  for (size_t i = 0; i < n; ++i) by_town[rows[i].municipality_id].push_back(i);
  for (const auto& [town, members] : by_town) {
    for (size_t a = 0; a < members.size(); ++a) {
      for (size_t b = a + 1; b < members.size(); ++b) {
        const auto& x = rows[members[a]];
        const auto& y = rows[members[b]];
        double sim = x.sha256 == y.sha256 ? 1.0 : extract::signature_similarity(x.text_sig, y.text_sig);
        if (sim < threshold) continue;
        uf.unite(members[a], members[b]);
        const std::string how = x.sha256 == y.sha256 ? "sha256" : "minhash";
        for (size_t k : {members[a], members[b]}) {
          if (method[k].empty() || sim < best[k]) {
            best[k] = sim;
            method[k] = how;
          }
        }
      }
    }
  }
  std::map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < n; ++i) groups[uf.find(i)].push_back(i);
  std::vector<corpus::RenditionRow> out;
  size_t renditions = 0;
  for (auto& [root, members] : groups) {
    if (members.size() < 2) continue;
    size_t canon = *std::min_element(members.begin(), members.end(), [&](size_t a, size_t b) {
      int ra = format_rank(rows[a].type), rb = format_rank(rows[b].type);
      return ra != rb ? ra < rb : rows[a].document_id < rows[b].document_id;
    });
    for (size_t m : members) {
      const bool is_canon = m == canon;
      out.push_back(corpus::RenditionRow{rows[m].document_id, rows[canon].document_id, is_canon ? 1.0 : best[m],
                                         is_canon ? "canonical" : method[m]});
      if (!is_canon) ++renditions;
    }
  }
  if (auto st = corpus::replace_renditions(catalog, out); !st) return tl::make_unexpected(st.error());
  return renditions;
}

}  // namespace policyindex::pipeline
