// End to end: a fictional town's website served by nginx on loopback, crawled, changed in
// every way the issue lists, refreshed; the report must show each change as it should. And
// crash safety: refresh killed with SIGKILL at random moments, then run to completion, leaves
// catalog, blobs and index consistent.
//
// These need the whole pipeline (crawler, extract, provisions, index) wired into
// app/cmd_refresh.cpp; until then they fail with the step refresh names as missing.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "corpus/corpus.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
using testing::TempDir;
using testing::write_file;

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

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
  Site() : port_(free_port()) {
    write_file(root() / "robots.txt", "User-agent: *\nAllow: /\n");
    write_file(dir_ / "redirects.conf", "");
    write_index({"ordinance.html", "policy.pdf", "memo.html", "old-name.html"});
    write_ordinance(kInfoProtective, "The chief shall report every detainer request to the select board each quarter.");
    write_file(root() / "policy.pdf",
               make_pdf({"Lakemont Police Policy 4.2", "1. Status. Officers shall not ask any person",
                         "about immigration status."},
                        "Fictional Writer 1.0"));
    write_file(root() / "memo.html", html("Memo", "<h1>Memo</h1><p>Officers shall treat everyone "
                                                  "equally regardless of immigration status.</p>"));
    write_file(root() / "old-name.html",
               html("Welcoming resolution", "<h1>Welcoming resolution</h1><p>The town of Lakemont "
                                            "welcomes residents of every origin.</p>"));
    write_file(dir_ / "nginx.conf", config());
    std::string out, err;
    int rc = testing::run_command("/usr/sbin/nginx -p " + dir_.path().string() + " -c " +
                                      (dir_ / "nginx.conf").string() + " -e " + (dir_ / "error.log").string(),
                                  &out, &err);
    started_ = rc == 0;
    if (!started_) start_error_ = err;
    for (int i = 0; i < 50 && started_; ++i) {  // wait until it listens
      if (std::filesystem::exists(dir_ / "nginx.pid")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~Site() {
    std::string out;
    testing::run_command("/usr/sbin/nginx -p " + dir_.path().string() + " -c " +
                             (dir_ / "nginx.conf").string() + " -s stop 2>/dev/null",
                         &out);
  }
  bool started() const { return started_; }
  const std::string& start_error() const { return start_error_; }
  std::filesystem::path root() const { return dir_ / "www"; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
  }
  std::filesystem::path registry() const {
    write_file(dir_ / "registry" / "municipalities.tsv",
               "name\tcounty\tkind\tpopulation\twebsite\nLakemont\tBerkshire\ttown\t4321\t" + url("") + "\n");
    return dir_ / "registry";
  }
  void write_index(const std::vector<std::string>& links) {
    std::string body = "<h1>Town of Lakemont</h1><ul>";
    for (const auto& l : links) body += "<li><a href=\"/" + l + "\">" + l + "</a></li>";
    write_file(root() / "index.html", html("Town of Lakemont", body + "</ul>"));
  }
  void write_ordinance(const std::string& info, const std::string& reporting) {
    write_file(root() / "ordinance.html",
               html("Lakemont Trust Ordinance",
                    "<h1>Lakemont Trust Ordinance</h1>"
                    "<h2>Section 1. Purpose</h2><p>This ordinance builds trust between the residents of Lakemont and its police.</p>"
                    "<h2>Section 2. Information</h2><p>" + info + "</p>"
                    "<h2>Section 3. Agreements</h2><p>The town shall not enter into any agreement under section 287(g) of the Immigration and Nationality Act.</p>"
                    "<h2>Section 4. Reporting</h2><p>" + reporting + "</p>"));
  }
  void redirect(const std::string& from, const std::string& to) {
    write_file(dir_ / "redirects.conf", "location = /" + from + " { return 301 /" + to + "; }\n");
    std::string out;
    testing::run_command("/usr/sbin/nginx -p " + dir_.path().string() + " -c " +
                             (dir_ / "nginx.conf").string() + " -s reload",
                         &out);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }

 private:
  std::string config() const {
    const std::string d = dir_.path().string();
    return "daemon on;\nworker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d +
           "/error.log;\nevents { worker_connections 64; }\nhttp {\n"
           "  access_log " + d + "/access.log;\n"
           "  client_body_temp_path " + d + "/tmp_body;\n  proxy_temp_path " + d + "/tmp_proxy;\n"
           "  fastcgi_temp_path " + d + "/tmp_fcgi;\n  uwsgi_temp_path " + d + "/tmp_uwsgi;\n"
           "  scgi_temp_path " + d + "/tmp_scgi;\n"
           "  types { text/html html; application/pdf pdf; text/plain txt; }\n"
           "  server {\n    listen 127.0.0.1:" + std::to_string(port_) + ";\n    root " + d + "/www;\n"
           "    etag on;\n    include " + d + "/redirects.conf;\n  }\n}\n";
  }
  TempDir dir_;
  int port_;
  bool started_ = false;
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
  EXPECT_EQ(first["counts"]["new"], 4) << first.dump(2);

  // A refresh with nothing changed reports nothing.
  rc = testing::run_command(pi(data) + "refresh" + kFast + "--report " + (work / "same.json").string(), &out, &err);
  ASSERT_EQ(rc, 0) << err;
  auto same = json::parse(testing::read_file(work / "same.json"));
  EXPECT_TRUE(same["documents"].empty()) << same.dump(2);
  EXPECT_EQ(out.rfind("refresh ok: 1 towns, ", 0), 0u) << out;

  // Change one section's wording and flip the information-sharing provision; remove the memo;
  // add a new document; rename one with a redirect; change only the PDF's metadata.
  site.write_ordinance(kInfoPermissive, "The chief shall report every detainer request to the select board each month.");
  std::filesystem::remove(site.root() / "memo.html");
  write_file(site.root() / "new-policy.html",
             html("Lakemont U visa policy", "<h1>U visa certification</h1><p>The chief shall sign U "
                                            "visa certifications for eligible victims within 30 days.</p>"));
  std::filesystem::rename(site.root() / "old-name.html", site.root() / "new-name.html");
  site.redirect("old-name.html", "new-name.html");
  site.write_index({"ordinance.html", "policy.pdf", "memo.html", "old-name.html", "new-policy.html"});
  write_file(site.root() / "policy.pdf",
             make_pdf({"Lakemont Police Policy 4.2", "1. Status. Officers shall not ask any person",
                       "about immigration status."},
                      "Fictional  Writer 1.0 "));

  rc = testing::run_command(pi(data) + "refresh" + kFast + "--report " + (work / "r.json").string(), &out, &err);
  ASSERT_EQ(rc, 0) << err;
  auto r = json::parse(testing::read_file(work / "r.json"));
  SCOPED_TRACE(r.dump(2));

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
  // The rename is not a change of content: the old URL is not reported as changed, and the
  // new URL, where the crawler records it, is the same text.
  auto old_name = document_for(r, site.url("old-name.html"));
  EXPECT_TRUE(old_name.is_null() || old_name["kind"] != "changed") << old_name.dump();

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

// Invariants after any number of killed refreshes followed by one complete one.
void check_consistent(const std::filesystem::path& data) {
  auto store = corpus::Store::open(data);
  ASSERT_OK(store);
  auto& cat = store->catalog();
  auto scalar = [&](const std::string& sql) {
    auto st = cat.prepare(sql);
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
  auto shas = cat.prepare("SELECT DISTINCT sha256 FROM versions");
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

TEST(RefreshCrashTest, SigkillAtRandomMomentsLosesAndDuplicatesNothing) {
  Site site;
  ASSERT_TRUE(site.started()) << site.start_error();
  TempDir work;
  auto data = work.path() / "data";
  std::string out, err;
  ASSERT_EQ(testing::run_command(pi(data) + "refresh --registry " + site.registry().string() + kFast, &out, &err), 0) << err;
  std::mt19937 rng(20261124);
  for (int round = 0; round < 6; ++round) {
    // Something changes every round, so that every phase has work when the kill lands.
    site.write_ordinance(round % 2 ? kInfoPermissive : kInfoProtective,
                         "The chief reports to the select board, round " + std::to_string(round) + ".");
    write_file(site.root() / ("added-" + std::to_string(round) + ".html"),
               html("Notice", "<p>Notice number " + std::to_string(round) + ".</p>"));
    std::vector<std::string> links = {"ordinance.html", "policy.pdf", "memo.html", "old-name.html"};
    for (int k = 0; k <= round; ++k) links.push_back("added-" + std::to_string(k) + ".html");
    site.write_index(links);
    const int delay_ms = std::uniform_int_distribution<int>(5, 600)(rng);
    pid_t child = ::fork();
    if (child == 0) {
      std::string cmd = pi(data) + "refresh" + kFast + ">/dev/null 2>&1";
      ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
  }
  int rc = testing::run_command(pi(data) + "refresh" + kFast + "--format json", &out, &err);
  ASSERT_EQ(rc, 0) << err;
  check_consistent(data);
}

}  // namespace
}  // namespace policyindex
