// Google Drive and Docs links: a file's viewer page is a JavaScript application, but its
// export links return the file itself:
//
//   drive.google.com/file/d/{ID}/view (or /edit, /preview), drive.google.com/open?id={ID},
//   drive.google.com/uc?id={ID}            -> drive.google.com/uc?export=download&id={ID}
//   docs.google.com/document/d/{ID}/...    -> docs.google.com/document/d/{ID}/export?format=pdf
//
// The document is stored under the viewer's URL. Drive answers a file too large for its
// virus scan with an HTML warning page instead of the file, and a file that is not shared
// with a sign-in page: both are recorded as problems, never stored as the document.

#include <cctype>

#include "crawler/internal.h"
#include "crawler/platforms/common.h"
#include "crawler/platforms/platform.h"

namespace policyindex::crawler::platforms {
namespace {

bool is_file_id(std::string_view id) {
  if (id.size() < 10 || id.size() > 100) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

// The id after "/d/" in a path like /file/d/{ID}/view or /document/d/{ID}/edit.
std::string id_after(std::string_view path, std::string_view prefix) {
  if (path.rfind(prefix, 0) != 0) return {};
  path.remove_prefix(prefix.size());
  return std::string(path.substr(0, path.find('/')));
}

Request document(std::string fetch, std::string human, std::string_view kind, std::string_view anchor) {
  Request r;
  r.fetch_url = std::move(fetch);
  r.human_url = std::move(human);
  r.role = Role::kDocument;
  r.context = make_context({{"kind", kind}});
  r.title = std::string(anchor);
  r.relevance = title_relevance(anchor);
  return r;
}

class GoogleDrive final : public Adapter {
 public:
  std::string_view name() const override { return "gdrive"; }

  std::optional<std::vector<Request>> claim(const Url& link, std::string_view anchor) const override {
    if (link.host == "drive.google.com") {
      std::string id = id_after(link.path, "/file/d/");
      if (id.empty() && (link.path == "/open" || link.path == "/uc")) id = query_param(link.query, "id");
      if (!is_file_id(id)) return std::nullopt;
      const std::string site = origin_like(link, "drive.google.com");
      return std::vector<Request>{document(site + "/uc?export=download&id=" + id,
                                           site + "/file/d/" + id + "/view", "file", anchor)};
    }
    if (link.host == "docs.google.com") {
      std::string id = id_after(link.path, "/document/d/");
      if (!is_file_id(id)) return std::nullopt;
      const std::string site = origin_like(link, "docs.google.com");
      return std::vector<Request>{document(site + "/document/d/" + id + "/export?format=pdf",
                                           site + "/document/d/" + id + "/edit", "document",
                                           anchor)};
    }
    return std::nullopt;
  }

  Reading read(const Request&, const Response& resp) const override {
    Reading out;
    if (!ok_status(resp.status)) {
      out.problem = "HTTP " + std::to_string(resp.status);
      return out;
    }
    if (looks_like_html(resp.content_type, resp.body)) {
      const std::string head = lower_ascii(resp.body.substr(0, 65536));
      if (head.find("virus scan warning") != std::string::npos ||
          head.find("scan this file for viruses") != std::string::npos ||
          head.find("download-form") != std::string::npos) {
        out.problem = "Google Drive answered with its virus-scan warning page instead of the "
                      "file (a file too large to scan); not stored";
      } else if (head.find("accounts.google.com") != std::string::npos ||
                 head.find("sign in") != std::string::npos) {
        out.problem = "Google Drive asks to sign in: the file is not shared publicly";
      } else {
        out.problem = "Google Drive answered with an HTML page instead of the file";
      }
      return out;
    }
    if (resp.body.empty()) {
      out.problem = "Google Drive answered with an empty file";
      return out;
    }
    out.store = true;
    return out;
  }
};

}  // namespace

const Adapter& gdrive_adapter() {
  static const GoogleDrive a;
  return a;
}

}  // namespace policyindex::crawler::platforms
