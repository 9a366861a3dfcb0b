// End to end: a fictional town's website served by nginx on loopback, crawled, changed in
// every way the issue lists, refreshed; the report must show each change as it should. And
// crash safety: refresh killed with SIGKILL at random moments, then run to completion, leaves
// catalog, blobs and index consistent.
//
// These need the whole pipeline (crawler, extract, provisions, index) wired into
// app/cmd_refresh.cpp; until then they fail with the step refresh names as missing.

#include <arpa/inet.h>
#include <pty.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "corpus/corpus.h"
#include "corpus/sql.h"
#include "tests/testing/nginx.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::write_file;

// A minimal valid PDF with one page of Helvetica text lines; PRODUCER goes in the Info
// dictionary, so two PDFs that differ only there have different bytes and the same text.
std::string make_pdf(const std::vector<std::string>& lines, const std::string& producer) {
  std::string content = "BT /F1 11 Tf 72 720 Td 14 TL\n";
  for (const auto& l : lines) content += "(" + l + ") Tj T*\n";
  content += "ET\n";
  std::vector<std::string> objs = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
      "/Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream",
      "<< /Producer (" + producer + ") /Title (Lakemont police policy) >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objs.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objs.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    pdf += buf;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objs.size() + 1) + " /Root 1 0 R /Info 6 0 R >>\n";
  pdf += "startxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string html(const std::string& title, const std::string& body) {
  return "<!doctype html><html><head><meta charset=utf-8><title>" + title + "</title></head><body>" +
         body + "</body></html>\n";
}

const char* kInfoProtective =
    "No officer of the Lakemont Police Department shall share release dates, home addresses or "
    "custody status with federal immigration officials.";
const char* kInfoPermissive =
    "Officers of the Lakemont Police Department may share release dates with federal "
    "immigration officials when it serves a public safety interest.";

// The site of the fictional town of Lakemont.
class Site {
 public:
  Site() {
    put("robots.txt", "User-agent: *\nAllow: /\n");
    write_file(redirects(), "");
    write_index({"ordinance.html", "policy.pdf", "memo.html", "old-name.html", "notice.html"});
    write_ordinance(kInfoProtective, "The chief shall report every detainer request to the select board each quarter.");
    put("policy.pdf",
               make_pdf({"Lakemont Police Policy 4.2", "1. Status. Officers shall not ask any person",
                         "about immigration status."},
                        "Fictional Writer 1.0"));
    put("memo.html", html("Memo", "<h1>Memo</h1><p>Officers shall treat everyone "
                                                  "equally regardless of immigration status.</p>"));
    put("old-name.html",
               html("Welcoming resolution", "<h1>Welcoming resolution</h1><p>The town of Lakemont "
                                            "welcomes residents of every origin.</p>"));
    put("notice.html", html("Notice", "<h1>Public notice</h1><p>Lakemont officers shall not stop "
                                      "anyone only to ask about their immigration status.</p>"));
    try {
      nginx_ = std::make_unique<testing::Nginx>(
          dir_ / "nginx",
          std::vector<testing::NginxSite>{{"127.0.0.1", root(), "etag on; include " + redirects().string() + ";"}});
    } catch (const std::exception& e) {
      start_error_ = e.what();
    }
  }
  bool started() const { return nginx_ != nullptr; }
  const std::string& start_error() const { return start_error_; }
  std::filesystem::path root() const { return dir_ / "www"; }
  std::vector<testing::AccessEntry> access_log() const { return nginx_->access_log(); }
  std::string url(const std::string& path) const {
    return nginx_->base("127.0.0.1") + "/" + path;
  }
  std::filesystem::path registry() const {
    write_file(dir_ / "registry" / "municipalities.tsv",
               "name\tcounty\tkind\tpopulation\twebsite\nLakemont\tBerkshire\ttown\t4321\t" + url("") + "\n");
    return dir_ / "registry";
  }
  // The home page links each file with the words a town site would use: the crawler follows
  // links by their words (crawler/discovery.cpp), so "memo.html" alone would not be fetched.
  void write_index(const std::vector<std::string>& links) {
    // A registry website's home page names its town and Massachusetts (the crawl checks).
    std::string body = "<h1>Town of Lakemont, Massachusetts</h1><ul>";
    for (const auto& l : links) body += "<li><a href=\"/" + l + "\">" + anchor(l) + "</a></li>";
    put("index.html", html("Town of Lakemont", body + "</ul>"));
  }
  // Writes a file of the site with an mtime one second later than any before: nginx's ETag
  // is mtime-size, so a same-size rewrite within the same second would keep its validator
  // and rightly get a 304 (a real server's weak validator has the same blind spot).
  void put(const std::filesystem::path& rel, const std::string& text) {
    write_file(root() / rel, text);
    std::filesystem::last_write_time(root() / rel,
                                     std::filesystem::file_time_type::clock::now() +
                                         std::chrono::seconds(++generation_));
  }
  static std::string anchor(const std::string& file) {
    if (file == "ordinance.html") return "Lakemont Trust Ordinance";
    if (file == "policy.pdf") return "Police Policy 4.2: immigration status";
    if (file == "memo.html") return "Police memo on immigration status";
    if (file == "old-name.html" || file == "new-name.html") return "Welcoming resolution";
    if (file == "new-policy.html") return "U visa certification policy";
    return "Immigration notice " + file;
  }
  void write_ordinance(const std::string& info, const std::string& reporting) {
    put("ordinance.html",
               html("Lakemont Trust Ordinance",
                    "<h1>Lakemont Trust Ordinance</h1>"
                    "<h2>Section 1. Purpose</h2><p>This ordinance builds trust between the residents of Lakemont and its police.</p>"
                    "<h2>Section 2. Information</h2><p>" + info + "</p>"
                    "<h2>Section 3. Agreements</h2><p>The town shall not enter into any agreement under section 287(g) of the Immigration and Nationality Act.</p>"
                    "<h2>Section 4. Reporting</h2><p>" + reporting + "</p>"));
  }
  void redirect(const std::string& from, const std::string& to) {
    write_file(redirects(), "location = /" + from + " { return 301 /" + to + "; }\n");
    nginx_->reload();
  }

 private:
  std::filesystem::path redirects() const { return dir_ / "redirects.conf"; }
  TempDir dir_;
  std::unique_ptr<testing::Nginx> nginx_;
  int generation_ = 0;
  std::string start_error_;
};

std::string pi(const std::filesystem::path& data) {
  return testing::policyindex_binary().string() + " --quiet --data " + data.string() + " ";
}

const std::string kFast = " --delay-ms 0 --per-host 4 ";

json document_for(const json& report, const std::string& url) {
  for (const auto& d : report["documents"]) {
    if (d["url"] == url) return d;
  }
  return json();
}

TEST(RefreshEndToEndTest, EveryKindOfChangeShowsUpInTheReport) {
  Site site;
  ASSERT_TRUE(site.started()) << site.start_error();
  TempDir work;
  auto data = work.path() / "data";
  std::string out, err;
  // First refresh on an empty store: everything is new.
  int rc = testing::run_command(pi(data) + "refresh --registry " + site.registry().string() + kFast +
                                    "--report " + (work / "first.json").string(),
                                &out, &err);
  ASSERT_EQ(rc, 0) << err;
  auto first = json::parse(testing::read_file(work / "first.json"));
  // The five documents. The crawler also stores the navigation pages it reads as documents
  // of doc_type "webpage" (refresh re-checks them for new links), but a page without policy
  // language is not news.
  EXPECT_EQ(first["counts"]["new"], 5) << first.dump(2);
  EXPECT_EQ(first["counts"]["urls"], 6) << first.dump(2);
  EXPECT_TRUE(document_for(first, site.url("")).is_null()) << first.dump(2);

  // A refresh with nothing changed reports nothing.
  rc = testing::run_command(pi(data) + "refresh" + kFast + "--report " + (work / "same.json").string(), &out, &err);
  ASSERT_EQ(rc, 0) << err;
  auto same = json::parse(testing::read_file(work / "same.json"));
  EXPECT_TRUE(same["documents"].empty()) << same.dump(2);
  EXPECT_EQ(out.rfind("refresh ok: 1 towns, ", 0), 0u) << out;

  // Change one section's wording and flip the information-sharing provision; remove the memo;
  // add a new document; rename one with a redirect and one without (the link changes, the old
  // address answers 404); change only the PDF's metadata.
  site.write_ordinance(kInfoPermissive, "The chief shall report every detainer request to the select board each month.");
  std::filesystem::remove(site.root() / "memo.html");
  site.put("new-policy.html",
             html("Lakemont U visa policy", "<h1>U visa certification</h1><p>The chief shall sign U "
                                            "visa certifications for eligible victims within 30 days.</p>"));
  std::filesystem::rename(site.root() / "old-name.html", site.root() / "new-name.html");
  site.redirect("old-name.html", "new-name.html");
  std::filesystem::rename(site.root() / "notice.html", site.root() / "notice-2026.html");
  site.write_index({"ordinance.html", "policy.pdf", "memo.html", "old-name.html", "new-policy.html",
                    "notice-2026.html"});
  site.put("policy.pdf",
             make_pdf({"Lakemont Police Policy 4.2", "1. Status. Officers shall not ask any person",
                       "about immigration status."},
                      "Fictional  Writer 1.0 "));

  // --full: every known document is re-checked tonight, whatever its revisit schedule (the
  // changed documents were crawled seconds ago, so none is due yet; see the revisit tests).
  rc = testing::run_command(pi(data) + "refresh --full" + kFast + "--report " + (work / "r.json").string(), &out, &err);
  ASSERT_EQ(rc, 0) << err;
  auto r = json::parse(testing::read_file(work / "r.json"));
  SCOPED_TRACE(r.dump(2));

  // Exactly one change of content (the ordinance), one gone, one new, two moved; the PDF
  // whose metadata changed is a new version without a change of content. (The home page's new
  // link list is a new version of a navigation page: not reported.)
  EXPECT_EQ(r["counts"]["changed"], 1);
  EXPECT_EQ(r["counts"]["gone"], 1);
  EXPECT_EQ(r["counts"]["new"], 1);
  EXPECT_EQ(r["counts"]["moved"], 2);
  EXPECT_EQ(r["counts"]["no_content_change"], 1);
  EXPECT_EQ(r["counts"]["failed"], 0);
  EXPECT_TRUE(document_for(r, site.url("")).is_null());
  EXPECT_EQ(r["counts"]["requests"], r["counts"]["conditional"].get<int>() + 3)
      << "known documents are re-checked conditionally (robots.txt and the two new links are not)";

  auto ordinance = document_for(r, site.url("ordinance.html"));
  ASSERT_FALSE(ordinance.is_null());
  EXPECT_EQ(ordinance["kind"], "changed");
  std::map<std::string, int> kinds;
  for (const auto& s : ordinance["sections"]) ++kinds[s["kind"]];
  EXPECT_EQ(kinds["modified"], 2);  // Information (flipped) and Reporting (quarter -> month)
  EXPECT_EQ(kinds["added"] + kinds["removed"] + kinds["renumbered"], 0);

  EXPECT_EQ(document_for(r, site.url("memo.html"))["kind"], "gone");
  EXPECT_EQ(document_for(r, site.url("new-policy.html"))["kind"], "new_document");
  EXPECT_EQ(document_for(r, site.url("policy.pdf"))["kind"], "no_content_change");
  // The renames are moves, not changes of content: by redirect (the document keeps its URL
  // and now lives at the redirect's target) ...
  auto old_name = document_for(r, site.url("old-name.html"));
  EXPECT_EQ(old_name["kind"], "moved") << old_name.dump();
  EXPECT_EQ(old_name["moved_from"], site.url("old-name.html"));
  EXPECT_EQ(old_name["location"], site.url("new-name.html"));
  // ... and by a new link to a new name, the old address gone: one move, not gone + new.
  auto notice = document_for(r, site.url("notice-2026.html"));
  EXPECT_EQ(notice["kind"], "moved") << notice.dump();
  EXPECT_EQ(notice["moved_from"], site.url("notice.html"));
  EXPECT_TRUE(document_for(r, site.url("notice.html")).is_null());

  bool flipped = false, language = false;
  for (const auto& t : r["provision_changes"]) {
    EXPECT_EQ(t["town"], "Lakemont");
    for (const auto& v : t["verdicts"]) {
      if (v["question"] == "Q2" && v["before"] == "green" && v["after"] == "red") flipped = true;
    }
    for (const auto& l : t["language"]) {
      if (l["provision"] == "info_sharing" && l["stance"] == "permissive" && l["change"] == "added") language = true;
    }
  }
  EXPECT_TRUE(flipped) << "Q2 green -> red";
  EXPECT_TRUE(language) << "new permissive info_sharing language";

  // The text and Markdown renderings of the same run name the same changes.
  rc = testing::run_command(pi(data) + "refresh" + kFast + "--format markdown", &out, &err);
  ASSERT_EQ(rc, 0) << err;
  EXPECT_NE(out.find("## Changed (0)"), std::string::npos) << out;
}

// What a refresh may have written: blob files, catalog rows, the Xapian revision.
struct Footprint {
  int64_t blobs = 0;
  int64_t versions = 0;
  int64_t extractions = 0;
  int64_t sections = 0;
  int64_t changes = 0;
  std::string xapian_revision;

  static Footprint of(const std::filesystem::path& data) {
    Footprint f;
    for (const auto& e : std::filesystem::recursive_directory_iterator(data / "blobs")) {
      if (e.is_regular_file()) ++f.blobs;
    }
    auto store = corpus::Store::open(data);
    EXPECT_TRUE(store.has_value());
    if (!store) return f;
    auto scalar = [&](const std::string& sql) -> int64_t {
      auto st = corpus::sql::prepare(store->catalog(), sql);
      if (!st || !*st->step()) return -1;
      return st->int64(0);
    };
    f.versions = scalar("SELECT count(*) FROM versions");
    f.extractions = scalar("SELECT count(*) FROM extractions");
    f.sections = scalar("SELECT count(*) FROM sections");
    f.changes = scalar("SELECT count(*) FROM changes");
    std::string out;
    testing::run_command("xapian-delve " + (data / "xapian").string() + " | grep '^revision = '", &out);
    f.xapian_revision = out;
    return f;
  }
  bool operator==(const Footprint&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Footprint& f) {
  return os << "blobs " << f.blobs << ", versions " << f.versions << ", extractions "
            << f.extractions << ", sections " << f.sections << ", changes " << f.changes
            << ", xapian " << f.xapian_revision;
}

TEST(RefreshEndToEndTest, NothingChangedSendsOnlyConditionalRequestsAndWritesNothing) {
  Site site;
  ASSERT_TRUE(site.started()) << site.start_error();
  TempDir work;
  auto data = work.path() / "data";
  std::string out, err;
  ASSERT_EQ(testing::run_command(pi(data) + "refresh --registry " + site.registry().string() + kFast, &out, &err), 0) << err;
  const Footprint before = Footprint::of(data);
  ASSERT_GT(before.blobs, 0);
  ASSERT_GT(before.versions, 0);
  ASSERT_NE(before.xapian_revision, "");
  size_t log_before = site.access_log().size();

  // An adaptive refresh the night after: only the home page (a seed) is due; the documents
  // were fetched seconds ago. Nothing is written either.
  int rc = testing::run_command(pi(data) + "refresh" + kFast + "--format json", &out, &err);
  ASSERT_EQ(rc, 0) << err;
  {
    auto r = json::parse(out);
    EXPECT_TRUE(r["documents"].empty()) << r.dump(2);
    EXPECT_EQ(r["counts"]["urls"], 1) << r.dump(2);
    EXPECT_EQ(Footprint::of(data), before);
    const auto log = site.access_log();
    std::vector<std::string> paths;
    for (size_t i = log_before; i < log.size(); ++i) paths.push_back(log[i].path);
    EXPECT_EQ(paths, (std::vector<std::string>{"/robots.txt", "/"}));
    log_before = log.size();
  }

  // --full: every document and page, conditionally.
  rc = testing::run_command(pi(data) + "refresh --full" + kFast + "--format json", &out, &err);
  ASSERT_EQ(rc, 0) << err;
  auto r = json::parse(out);
  SCOPED_TRACE(r.dump(2));
  EXPECT_TRUE(r["documents"].empty());
  EXPECT_EQ(r["counts"]["indexed"], 0);
  EXPECT_EQ(r["counts"]["unchanged"], r["counts"]["urls"]);
  // No blob, no version, no extraction, no change row, no index commit.
  EXPECT_EQ(Footprint::of(data), before);

  // Every document and page was asked for conditionally (robots.txt aside), in the catalog's
  // fetch log and on the wire: nginx answered each with 304.
  auto store = corpus::Store::open(data);
  ASSERT_OK(store);
  auto st = corpus::sql::prepare(store->catalog(), 
      "SELECT url, conditional, http_status, outcome FROM fetch_log WHERE run_id = ?1");
  ASSERT_OK(st);
  st->bind(1, r["run_id"].get<int64_t>());
  int fetches = 0;
  while (*st->step()) {
    const std::string url = st->text(0);
    if (url.ends_with("/robots.txt")) continue;
    ++fetches;
    EXPECT_EQ(st->int64(1), 1) << url << " was fetched unconditionally";
    EXPECT_EQ(st->int64(2), 304) << url;
    EXPECT_EQ(st->text(3), "not_modified") << url;
  }
  EXPECT_EQ(fetches, 6);  // the home page and the five documents
  const auto log = site.access_log();
  int served = 0;
  for (size_t i = log_before; i < log.size(); ++i) {
    if (log[i].path == "/robots.txt") continue;
    ++served;
    EXPECT_EQ(log[i].status, 304) << log[i].path;
  }
  EXPECT_EQ(served, 6);
}

// Invariants after any number of killed refreshes followed by one complete one.
void check_consistent(const std::filesystem::path& data) {
  auto store = corpus::Store::open(data);
  ASSERT_OK(store);
  auto& cat = store->catalog();
  auto scalar = [&](const std::string& sql) {
    auto st = corpus::sql::prepare(cat, sql);
    EXPECT_TRUE(st.has_value()) << sql;
    EXPECT_TRUE(*st->step()) << sql;
    return st->int64(0);
  };
  EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT document_id, sha256 FROM versions GROUP BY document_id, sha256 HAVING count(*) > 1)"), 0)
      << "a version was duplicated";
  EXPECT_EQ(scalar("SELECT count(*) FROM documents WHERE current_version_id IS NOT NULL AND current_version_id NOT IN (SELECT id FROM versions)"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM versions v LEFT JOIN extractions e ON e.version_id = v.id WHERE e.version_id IS NULL"), 0)
      << "a version was left unextracted";
  EXPECT_EQ(scalar("SELECT count(*) FROM documents d LEFT JOIN change_state c ON c.document_id = d.id WHERE d.current_version_id IS NOT NULL AND (c.version_id IS NOT d.current_version_id OR c.status IS NOT d.status)"), 0)
      << "a change was left unreported";
  EXPECT_EQ(scalar("SELECT count(*) FROM (SELECT document_id, new_version_id, kind FROM changes WHERE kind <> 'provision_change' GROUP BY 1, 2, 3 HAVING count(*) > 1)"), 0)
      << "a change was reported twice";
  auto shas = corpus::sql::prepare(cat, "SELECT DISTINCT sha256 FROM versions");
  ASSERT_OK(shas);
  while (*shas->step()) EXPECT_TRUE(store->blobs().contains(shas->text(0))) << "missing blob " << shas->text(0);

  // The index equals a rebuild from the catalog.
  TempDir copy;
  std::filesystem::copy(data, copy.path() / "data", std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(copy.path() / "data" / "xapian");
  std::filesystem::remove(copy.path() / "data" / "refresh.lock");
  std::string out, err;
  ASSERT_EQ(testing::run_command(pi(copy.path() / "data") + "index", &out, &err), 0) << err;
  std::string a, b;
  ASSERT_EQ(testing::run_command("xapian-delve -a -1 " + (data / "xapian").string() + " | sort", &a), 0);
  ASSERT_EQ(testing::run_command("xapian-delve -a -1 " + (copy.path() / "data" / "xapian").string() + " | sort", &b), 0);
  EXPECT_EQ(a, b) << "index terms differ from a rebuild";
}

// Runs a refresh of DATA (--full: every document is re-checked, so every stage has work) on a
// pseudo-terminal, so that it announces each stage, and kills it (SIGKILL) DELAY_MS after it
// announces STAGE. Returns whether the kill landed before the refresh ended on its own.
bool refresh_killed_after(const std::filesystem::path& data, const std::string& stage, int delay_ms) {
  const std::string cmd = testing::policyindex_binary().string() + " --data " + data.string() + " refresh --full" + kFast;
  int terminal = -1;
  const pid_t child = ::forkpty(&terminal, nullptr, nullptr, nullptr);
  if (child < 0) return false;
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd + " >/dev/null").c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::string mark = "refresh: " + stage;
  std::string said;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(terminal, buf, sizeof buf);
    if (n <= 0) break;  // EIO: the refresh ended without announcing STAGE
    said.append(buf, static_cast<size_t>(n));
    if (said.find(mark) != std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      break;
    }
    if (said.size() > 65536) said.erase(0, said.size() - 256);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(terminal);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// Where a killed refresh stopped, read from what it left in the catalog.
std::string phase_left(const std::filesystem::path& data) {
  auto store = corpus::Store::open(data);
  if (!store) return "unreadable: " + store.error().message;
  auto& cat = store->catalog();
  auto scalar = [&](const std::string& sql) -> int64_t {
    auto st = corpus::sql::prepare(cat, sql);
    if (!st || !*st->step()) return -1;
    return st->int64(0);
  };
  if (scalar("SELECT count(*) FROM crawl_runs WHERE finished_at IS NULL") > 0) return "crawl";
  if (scalar("SELECT count(*) FROM versions v LEFT JOIN extractions e ON e.version_id = v.id "
             "WHERE e.version_id IS NULL") > 0) {
    return "extract";
  }
  if (scalar("SELECT count(*) FROM documents WHERE current_version_id IS NOT indexed_version_id "
             "OR status IS NOT indexed_status") > 0) {
    return "index";
  }
  if (scalar("SELECT count(*) FROM documents d LEFT JOIN change_state c ON c.document_id = d.id "
             "WHERE d.current_version_id IS NOT NULL AND (c.version_id IS NOT d.current_version_id "
             "OR c.status IS NOT d.status)") > 0) {
    return "changes";
  }
  return "done";
}

TEST(RefreshCrashTest, SigkillAtRandomMomentsLosesAndDuplicatesNothing) {
  Site site;
  ASSERT_TRUE(site.started()) << site.start_error();
  TempDir work;
  auto data = work.path() / "data";
  std::string out, err;
  ASSERT_EQ(testing::run_command(pi(data) + "refresh --registry " + site.registry().string() + kFast, &out, &err), 0) << err;

  // Something changes every round, in every kind of document, so that every phase has work
  // when the kill lands: the ordinance, the PDF (Poppler), and a dozen pages.
  auto change_site = [&](int round) {
    site.write_ordinance(round % 2 ? kInfoPermissive : kInfoProtective,
                         "The chief reports to the select board, round " + std::to_string(round) + ".");
    site.put("policy.pdf",
               make_pdf({"Lakemont Police Policy 4.2", "1. Status. Officers shall not ask any person",
                         "about immigration status, revision " + std::to_string(round) + "."},
                        "Fictional Writer 1.0"));
    std::vector<std::string> links = {"ordinance.html", "policy.pdf", "memo.html", "old-name.html"};
    for (int k = 0; k < 12; ++k) {
      const std::string name = "added-" + std::to_string(k) + ".html";
      if (k <= round + 6) links.push_back(name);
      site.put(name,
                 html("Notice", "<h1>Immigration notice</h1><p>Officers shall not detain anyone on "
                                "a civil immigration detainer alone. Notice " +
                                    std::to_string(k) + ", round " + std::to_string(round) + ".</p>"));
    }
    site.write_index(links);
  };

  change_site(0);
  ASSERT_EQ(testing::run_command(pi(data) + "refresh" + kFast, &out, &err), 0) << err;

  // Each round's refresh runs on a terminal, where it announces each stage as it starts
  // ("refresh: extract…"); the kill lands a few random milliseconds after the announcement of
  // the stage that round aims at, crawl, extract, index and changes in turn. Aiming by what the
  // refresh says rather than by the clock keeps the kills mid-refresh however loaded the
  // machine is.
  std::mt19937 rng(20261124);
  std::map<std::string, int> phases;
  const std::vector<std::string> stages = {"crawl", "extract", "index", "changes"};
  for (int round = 1; round <= 12; ++round) {
    change_site(round);
    const std::string& stage = stages[round % stages.size()];
    const int delay_ms = std::uniform_int_distribution<int>(0, 20)(rng);
    const bool killed = refresh_killed_after(data, stage, delay_ms);
    ++phases[killed ? phase_left(data) : "finished"];
  }
  std::string seen;
  for (const auto& [phase, n] : phases) seen += phase + "=" + std::to_string(n) + " ";
  RecordProperty("kill_phases", seen);
  std::cerr << "kills left work in: " << seen << "\n";
  // The test is only worth something if kills landed mid-refresh, with work left behind.
  EXPECT_GE(phases["crawl"] + phases["extract"] + phases["index"] + phases["changes"], 3) << seen;

  int rc = testing::run_command(pi(data) + "refresh" + kFast + "--format json", &out, &err);
  ASSERT_EQ(rc, 0) << err;
  check_consistent(data);
}

}  // namespace
}  // namespace policyindex
