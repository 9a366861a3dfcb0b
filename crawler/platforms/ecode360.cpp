// eCode360 (General Code; most Massachusetts towns' codes). The interactive pages are a
// JavaScript application, but two views are plain HTML:
//
//   ecode360.com/{CODE}        the code's page: its table of contents as links to
//                              ecode360.com/{id} (parts, chapters, articles, sections)
//   ecode360.com/{id}          a part or chapter: its own contents, the same way
//   ecode360.com/print/{CODE}?guid={id}&children=true
//                              the printable view of a part, chapter or section with
//                              everything below it, as one static page
//
// CODE is two letters and four digits (MA1234); ids are numbers. A town's link to either
// page is read as a listing; chapters whose titles are on topic are fetched through the
// print view and stored under ecode360.com/{id}; titles where such rules sit are opened.

#include <algorithm>
#include <cctype>

#include "crawler/internal.h"
#include "crawler/platforms/common.h"
#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms {
namespace {


bool is_code(std::string_view s) {
  if (s.size() != 6) return false;
  for (size_t i = 0; i < 6; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (i < 2 ? !std::isalpha(c) : !std::isdigit(c)) return false;
  }
  return true;
}

bool is_id(std::string_view s) {
  return s.size() >= 4 && s.size() <= 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The single path segment of an ecode360 URL ("" when there are more).
std::string_view segment(const Url& u) {
  std::string_view p = u.path;
  if (p.size() < 2) return {};
  p.remove_prefix(1);
  if (!p.empty() && p.back() == '/') p.remove_suffix(1);
  if (p.find('/') != std::string_view::npos) return {};
  return p;
}

Request listing(std::string url, std::string context, std::string title, int relevance) {
  Request r;
  r.fetch_url = std::move(url);
  r.role = Role::kListing;
  r.context = std::move(context);
  r.title = std::move(title);
  r.relevance = relevance;
  return r;
}

// `site` is "https://ecode360.com/" (as the claimed link addressed it).
Request print_view(std::string_view site, std::string_view code, std::string_view id,
                   std::string title, int relevance) {
  Request r;
  r.fetch_url = std::string(site) + "print/" + std::string(code) + "?children=true&guid=" +
                std::string(id);
  r.human_url = std::string(site) + std::string(id);
  r.role = Role::kDocument;
  r.context = make_context({{"site", site}, {"code", code}, {"id", id}});
  r.title = std::move(title);
  r.doc_type = "bylaw";
  r.relevance = relevance;
  return r;
}

// The town's code named on a part's or chapter's page: a link to ecode360.com/{CODE} or to
// a print view of it.
std::string code_on_page(const std::vector<Link>& links) {
  for (const auto& l : links) {
    auto u = parse_url(l.url);
    if (!u || u->host != "ecode360.com") continue;
    std::string_view seg = segment(*u);
    if (is_code(seg)) return upper_ascii(seg);
    if (u->path.rfind("/print/", 0) == 0 && is_code(std::string_view(u->path).substr(7))) {
      return upper_ascii(std::string_view(u->path).substr(7));
    }
  }
  return {};
}

class Ecode360 final : public Adapter {
 public:
  std::string_view name() const override { return "ecode360"; }

  std::optional<std::vector<Request>> claim(const Url& link, std::string_view anchor) const override {
    if (link.host != "ecode360.com" && link.host != "www.ecode360.com") return std::nullopt;
    const std::string site = origin_like(link, "ecode360.com") + "/";
    if (link.path.rfind("/print/", 0) == 0) {
      std::string code = upper_ascii(std::string_view(link.path).substr(7));
      std::string id = query_param(link.query, "guid");
      if (!is_code(code)) return std::nullopt;
      if (id.empty()) {
        return std::vector<Request>{
            listing(site + code, make_context({{"site", site}, {"code", code}}), "", 1)};
      }
      return std::vector<Request>{
          print_view(site, code, id, std::string(anchor), title_relevance(anchor))};
    }
    std::string_view seg = segment(link);
    if (is_code(seg)) {
      std::string code = upper_ascii(seg);
      return std::vector<Request>{listing(
          site + code, make_context({{"site", site}, {"code", code}}), std::string(anchor), 1)};
    }
    if (is_id(seg)) {
      // A part, chapter or section: its page names the code and lists what is below it.
      const int rel = title_relevance(anchor);
      const std::string rel_text = std::to_string(rel);
      return std::vector<Request>{
          listing(site + std::string(seg),
                  make_context({{"site", site}, {"id", seg}, {"rel", rel_text}}),
                  std::string(anchor), rel)};
    }
    return std::nullopt;
  }

  Reading read(const Request& req, const Response& resp) const override {
    Reading out;
    if (!ok_status(resp.status)) {
      out.problem = "HTTP " + std::to_string(resp.status);
      return out;
    }
    if (!looks_like_html(resp.content_type, resp.body)) {
      out.problem = "a page that is not HTML (content type '" + std::string(resp.content_type) + "')";
      return out;
    }
    if (looks_like_challenge(resp.body)) {
      out.problem = "a web-application-firewall challenge page instead of the code";
      return out;
    }
    if (req.role == Role::kDocument) {
      if (html_title(resp.body).empty() && resp.body.size() < 200) {
        out.problem = "an empty print view";
        return out;
      }
      out.store = true;
      return out;
    }
    return read_contents(req, resp);
  }

 private:
  static Reading read_contents(const Request& req, const Response& resp) {
    Reading out;
    auto base = parse_url(resp.effective_url.empty() ? std::string_view(req.fetch_url) : resp.effective_url);
    if (!base) base = parse_url(req.fetch_url);
    if (!base) {
      out.problem = "a listing without a usable address";
      return out;
    }
    auto links = extract_links(resp.body, *base);
    std::string code = context_value(req.context, "code");
    if (code.empty()) code = code_on_page(links);
    if (code.empty()) {
      out.problem = "a page that names no code (no link to ecode360.com/XX1234): the page "
                    "layout changed";
      return out;
    }
    const std::string self = context_value(req.context, "id");
    const std::string site = context_value(req.context, "site");
    // A section or chapter linked straight from a town's page, on topic by the link's words:
    // the print view of it.
    // (the link's relevance is kept in the context: it survives a resumed crawl)
    const std::string link_rel = context_value(req.context, "rel");
    if (!self.empty() && (link_rel == "2" || link_rel == "3")) {
      out.requests.push_back(print_view(site, code, self, req.title, req.relevance));
    }
    size_t entries = 0;
    for (const auto& l : links) {
      auto u = parse_url(l.url);
      if (!u || u->host != "ecode360.com") continue;
      std::string_view seg = segment(*u);
      if (!is_id(seg) || seg == self) continue;
      ++entries;
      const int rel = title_relevance(l.anchor);
      if (rel >= 3) {
        out.requests.push_back(print_view(site, code, seg, l.anchor, rel));
      } else if (rel >= 1) {
        out.requests.push_back(listing(site + std::string(seg),
                                       make_context({{"site", site}, {"code", code}, {"id", seg}}),
                                       l.anchor, rel));
      }
    }
    if (entries == 0 && out.requests.empty() && self.empty()) {
      out.problem = "a table of contents with no entries (the page layout changed, or the "
                    "contents are loaded by JavaScript)";
      return out;
    }
    std::stable_sort(out.requests.begin(), out.requests.end(),
                     [](const Request& a, const Request& b) { return a.relevance > b.relevance; });
    return out;
  }
};

}  // namespace

const Adapter& ecode360_adapter() {
  static const Ecode360 a;
  return a;
}

}  // namespace policyindex::crawler::platforms
