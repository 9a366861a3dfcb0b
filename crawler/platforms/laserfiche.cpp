// Laserfiche WebLink repositories, on any host: folder pages (Browse.aspx?id=N or
// ?startid=N, with dbid and repo) are walked best-first by entry names, each folder capped
// in entries, each repository in folders (a budget carried from a folder to its children);
// a document (DocView.aspx?id=N, the URL a person opens) is fetched through
// ElectronicFile.aspx?docid=N, and when that gives no file (a scanned document without an
// electronic file), through the WebLink 10/11 file route {app}/{dbid}/edoc/{id}/document.pdf.
// WebLink 10/11 browse pages are JavaScript applications with no entries in their HTML:
// their folder listing is a POST of a JSON query ({repoName, folderId, getNewListing, start,
// end, sortColumn, sortAscending}) to {app}/FolderListingService.aspx/GetFolderListing2,
// answered {"data": {"results": [{"entryId", "name", "type" (0 a folder, -2 a document),
// "extension"}, ...], "totalEntries", "failed", "errMsg"}}. A browse page that lists
// nothing is asked that way; its subfolders are listed by POST straight away. The listing
// POST only reads, so it is retried like a GET; robots.txt is checked on the service URL.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crawler/platforms/platform.h"
#include "crawler/platforms/records_util.h"

namespace policyindex::crawler::platforms {

namespace {

using namespace records;

constexpr std::string_view kName = "laserfiche";
// Folders walked in one repository from the folder first claimed.
constexpr int kMaxFolders = 200;
// Entries taken from one folder page.
constexpr size_t kMaxEntries = 300;

struct Parsed {
  std::string app;   // "/WebLink" (the path before the page name, original case)
  std::string page;  // "browse.aspx", "docview.aspx", "electronicfile.aspx", "edoc", "doc"
  std::string id;
  std::string dbid;
  std::string repo;
};

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

std::optional<Parsed> parse(const Url& u) {
  std::string p = lower(u.path);
  Parsed x;
  x.dbid = query_param(u.query, "dbid");
  x.repo = query_param(u.query, "repo");
  bool weblink = p.find("weblink") != std::string::npos;
  // /{app}/{dbid}/edoc/{id}/{name} and /{app}/{dbid}/doc/{id}/Page1.aspx (WebLink 10/11).
  for (std::string_view marker : {"/edoc/", "/doc/"}) {
    size_t at = p.find(marker);
    if (at == std::string::npos || !weblink) continue;
    size_t slash = p.rfind('/', at - 1);
    if (slash == std::string::npos) continue;
    std::string db = p.substr(slash + 1, at - slash - 1);
    std::string rest = p.substr(at + marker.size());
    std::string id = rest.substr(0, rest.find('/'));
    if (!all_digits(db) || !all_digits(id)) continue;
    x.app = u.path.substr(0, slash);
    x.page = std::string(marker.substr(1, marker.size() - 2));
    x.id = id;
    x.dbid = db;
    return x;
  }
  size_t slash = p.rfind('/');
  std::string file = p.substr(slash + 1);
  if (file != "browse.aspx" && file != "docview.aspx" && file != "electronicfile.aspx")
    return std::nullopt;
  if (!weblink && x.dbid.empty()) return std::nullopt;
  x.app = u.path.substr(0, slash);
  x.page = file;
  x.id = query_param(u.query, file == "electronicfile.aspx" ? "docid" : "id");
  if (x.id.empty() && file == "browse.aspx") x.id = query_param(u.query, "startid");
  if (x.id.empty() && file == "electronicfile.aspx") x.id = query_param(u.query, "id");
  if (!all_digits(x.id)) return std::nullopt;
  if (x.dbid.empty()) x.dbid = "0";
  return x;
}

std::string repo_suffix(const Parsed& x) {
  return x.repo.empty() ? std::string() : "&repo=" + encode_query_value(x.repo);
}

Request document_request(const Url& u, const Parsed& x, std::string_view title) {
  std::string origin = u.origin();
  std::string human =
      origin + x.app + "/DocView.aspx?id=" + x.id + "&dbid=" + x.dbid + repo_suffix(x);
  std::string fetch =
      origin + x.app + "/ElectronicFile.aspx?docid=" + x.id + "&dbid=" + x.dbid + repo_suffix(x);
  return make_request(fetch, Role::kDocument, std::string(title), human, {}, "file");
}

Request folder_request(std::string url, std::string_view title, int budget) {
  return make_request(std::move(url), Role::kListing, std::string(title), {}, {},
                      std::to_string(budget));
}

// The WebLink 10/11 folder listing of folder `id`: a POST to the listing service. Its key
// in the frontier (every listing POST shares the service URL, and the folder's browse page
// is a GET of its own) is the service URL naming the repository and folder.
Request listing_post(const Url& u, const Parsed& x, const std::string& id, const std::string& repo,
                     std::string_view title, int budget) {
  const std::string app = u.origin() + x.app;
  nlohmann::json q = {{"repoName", repo},    {"folderId", std::stoll(id)},
                      {"getNewListing", true}, {"start", 0},
                      {"end", kMaxEntries},  {"sortColumn", ""},
                      {"sortAscending", true}};
  const std::string service = app + "/FolderListingService.aspx/GetFolderListing2";
  Request r = make_request(service, Role::kListing, std::string(title),
                           service + "?dbid=" + x.dbid + "&folderId=" + id +
                               "&repoName=" + encode_query_value(repo),
                           {}, std::to_string(budget));
  r.headers = {"Content-Type: application/json; charset=utf-8", "Accept: application/json"};
  r.method = "POST";
  r.body = q.dump();
  return r;
}

// The repository's name on a WebLink 10/11 browse page without repo= in its URL: the app's
// settings name it ("repoName":"X" or repo=X in a script or a link).
std::string repo_in_page(std::string_view html) {
  for (std::string_view key : {"\"repoName\":\"", "repoName: '", "repo="}) {
    size_t at = html.find(key);
    if (at == std::string_view::npos) continue;
    at += key.size();
    size_t end = at;
    while (end < html.size() && (std::isalnum(static_cast<unsigned char>(html[end])) ||
                                 html[end] == '-' || html[end] == '_' || html[end] == '.')) {
      ++end;
    }
    if (end > at) return std::string(html.substr(at, end - at));
  }
  return {};
}

int budget_of(const Request& req) {
  try {
    return std::stoi(req.context);
  } catch (const std::exception&) {
    return 1;
  }
}

// Splits what is left of a repository's budget among the folders below (best first).
void share_budget(std::vector<Request>& folders, int budget) {
  const int left = budget - 1;
  const size_t take = std::min(folders.size(), static_cast<size_t>(std::max(0, left)));
  folders.resize(take);
  for (Request& f : folders) f.context = std::to_string(std::max(1, left / static_cast<int>(take)));
}

class Laserfiche final : public Adapter {
 public:
  std::string_view name() const override { return kName; }

  std::optional<std::vector<Request>> claim(const Url& link,
                                            std::string_view anchor) const override {
    auto x = parse(link);
    if (!x) return std::nullopt;
    if (x->page == "browse.aspx")
      return std::vector<Request>{folder_request(link.str(), anchor, kMaxFolders)};
    if (x->page == "edoc") {
      Request q = make_request(link.str(), Role::kDocument, std::string(anchor), {}, {}, "edoc");
      return std::vector<Request>{q};
    }
    return std::vector<Request>{document_request(link, *x, anchor)};
  }

  Reading read(const Request& req, const Response& resp) const override {
    if (req.role != Role::kListing) return read_file(req, resp);
    if (req.method == "POST") return read_listing_json(req, resp);
    Reading r;
    if (auto p = listing_status_problem(kName, req, resp); !p.empty()) {
      r.problem = p;
      return r;
    }
    if (!looks_like_html(resp.body)) {
      r.problem = problem(kName, req.fetch_url, "the folder page is not HTML");
      return r;
    }
    if (looks_like_login(resp.body)) {
      r.problem = problem(kName, req.fetch_url, "the repository asks for a login");
      return r;
    }
    const int budget = budget_of(req);
    std::string base = resp.effective_url.empty() ? req.fetch_url : std::string(resp.effective_url);
    auto self = parse_url(base);
    if (!self) {
      r.problem = problem(kName, req.fetch_url, "the folder's URL does not parse");
      return r;
    }
    auto self_parsed = parse(*self);
    std::vector<Request> docs;
    std::vector<Request> folders;
    size_t entries = 0;
    for (const Link& l : extract_links(resp.body, *self)) {
      auto u = parse_url(l.url);
      if (!u || u->host != self->host) continue;
      auto x = parse(*u);
      if (!x) continue;
      if (x->page == "browse.aspx") {
        if (self_parsed && x->id == self_parsed->id) continue;  // the folder itself
        folders.push_back(folder_request(u->str(), l.anchor, 0));
      } else if (x->page == "docview.aspx" || x->page == "electronicfile.aspx" ||
                 x->page == "doc") {
        docs.push_back(document_request(*u, *x, l.anchor));
      } else {
        continue;
      }
      if (++entries >= kMaxEntries) break;
    }
    if (entries == 0 && self_parsed && self_parsed->page == "browse.aspx") {
      // No entries in the HTML: a WebLink 10/11 application. Its listing is a POST.
      std::string repo = self_parsed->repo.empty() ? repo_in_page(resp.body) : self_parsed->repo;
      if (repo.empty()) {
        r.problem = problem(kName, req.fetch_url,
                            "the folder page lists no entries and names no repository "
                            "(repo=) to ask its listing service for them");
        return r;
      }
      r.requests.push_back(listing_post(*self, *self_parsed, self_parsed->id, repo, req.title,
                                        budget));
      return r;
    }
    best_first(docs, kMaxEntries);
    best_first(folders, kMaxEntries);
    // The folders below share what is left of the repository's budget.
    share_budget(folders, budget);
    r.requests = std::move(docs);
    for (Request& f : folders) r.requests.push_back(std::move(f));
    best_first(r.requests, kMaxEntries);
    return r;
  }

 private:
  // A GetFolderListing2 answer: folders are listed by POST in turn, documents fetched.
  Reading read_listing_json(const Request& req, const Response& resp) const {
    Reading r;
    if (auto p = listing_status_problem(kName, req, resp); !p.empty()) {
      r.problem = p;
      return r;
    }
    auto u = parse_url(req.human_url);
    std::optional<Parsed> self;
    if (u) {  // {app}/FolderListingService.aspx/GetFolderListing2?dbid=D&folderId=F&repoName=R
      const size_t at = lower(u->path).rfind("/folderlistingservice.aspx/");
      Parsed x;
      x.app = at == std::string::npos ? std::string() : u->path.substr(0, at);
      x.page = "listing";
      x.id = query_param(u->query, "folderId");
      x.dbid = query_param(u->query, "dbid");
      x.repo = query_param(u->query, "repoName");
      if (at != std::string::npos && all_digits(x.id) && !x.repo.empty()) {
        if (x.dbid.empty()) x.dbid = "0";
        self = std::move(x);
      }
    }
    if (!self) {
      r.problem = problem(kName, req.fetch_url, "the listing's folder URL does not parse");
      return r;
    }
    auto doc = nlohmann::json::parse(resp.body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      r.problem = problem(kName, req.fetch_url,
                          looks_like_html(resp.body) && looks_like_login(resp.body)
                              ? "the listing service asks for a login"
                              : "the folder listing is not a JSON object");
      return r;
    }
    const nlohmann::json* data = nullptr;
    for (const char* key : {"data", "d"}) {  // WebLink 11; ASP.NET page methods' wrapper
      if (doc.contains(key) && doc[key].is_object()) data = &doc[key];
    }
    if (!data) {
      r.problem = problem(kName, req.fetch_url, "the folder listing has no \"data\" object");
      return r;
    }
    if (data->value("failed", false)) {
      std::string why = data->contains("errMsg") && (*data)["errMsg"].is_string()
                            ? (*data)["errMsg"].get<std::string>()
                            : std::string("no reason given");
      r.problem = problem(kName, req.fetch_url, "the listing service refused: " + why);
      return r;
    }
    if (!data->contains("results") || !(*data)["results"].is_array()) {
      r.problem = problem(kName, req.fetch_url, "the folder listing has no \"results\" array");
      return r;
    }
    std::vector<Request> docs, folders;
    const std::string repo = self->repo;
    for (const auto& e : (*data)["results"]) {
      if (docs.size() + folders.size() >= kMaxEntries) break;
      if (!e.is_object() || !e.contains("entryId") || !e["entryId"].is_number_integer()) continue;
      const std::string id = std::to_string(e["entryId"].get<long long>());
      const std::string name = e.contains("name") && e["name"].is_string()
                                   ? e["name"].get<std::string>()
                                   : std::string();
      const int type = e.contains("type") && e["type"].is_number_integer() ? e["type"].get<int>()
                                                                            : 1;
      if (type == 0) {
        if (id == self->id) continue;
        folders.push_back(listing_post(*u, *self, id, repo, name, 0));
      } else if (type == -2) {
        Parsed d = *self;
        d.id = id;
        docs.push_back(document_request(*u, d, name));
      }
    }
    best_first(docs, kMaxEntries);
    best_first(folders, kMaxEntries);
    share_budget(folders, budget_of(req));
    r.requests = std::move(docs);
    for (Request& f : folders) r.requests.push_back(std::move(f));
    best_first(r.requests, kMaxEntries);
    return r;
  }

  Reading read_file(const Request& req, const Response& resp) const {
    bool html = looks_like_html(resp.body) || icontains(resp.content_type, "text/html");
    if (req.context == "file" && resp.status >= 200 && resp.status < 300 && html &&
        !looks_like_login(resp.body)) {
      // No electronic file: ask the WebLink 10/11 file route for the document as a PDF.
      auto u = parse_url(req.human_url.empty() ? req.fetch_url : req.human_url);
      auto x = u ? parse(*u) : std::nullopt;
      if (x) {
        Reading r;
        Request q = req;
        q.fetch_url = u->origin() + x->app + "/" + x->dbid + "/edoc/" + x->id + "/document.pdf";
        q.context = "edoc";
        r.requests.push_back(std::move(q));
        return r;
      }
    }
    return read_document(kName, req, resp, false);
  }
};

}  // namespace

const Adapter& laserfiche_adapter() {
  static const Laserfiche adapter;
  return adapter;
}

}  // namespace policyindex::crawler::platforms
