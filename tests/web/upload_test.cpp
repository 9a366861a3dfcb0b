// The upload of one's own policy (/analyze, /api/analyze) through the handler, with the real
// analyzer (serve/upload_analyzer.h -> pipeline::analyze_report): multipart parsing, the
// limits, the plain errors (the same sentences as `policyindex analyze`), escaping, nothing
// stored, and the API's JSON byte for byte that of `analyze --format json`.
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "serve/http_handler.h"
#include "serve/upload_analyzer.h"
#include "serve/web_upload.h"
#include "tests/extract/makers.h"
#include "tests/testing/testing.h"
#include "tests/web/fake_api.h"

// fontconfig (under cairo and poppler) keeps process-global caches it never frees.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

namespace policyindex {
namespace {

namespace fs = std::filesystem;
using serve::FormPart;
using serve::parse_multipart;

const std::string kPolicy =
    "1. Detainers\n\nThe Police Department shall not hold any person on an immigration detainer. "
    "<script>alert(\"pwn\")</script>\n\n2. Agreements\n\nThe Town shall not enter into any agreement under "
    "section 287(g) of the Immigration and Nationality Act.\n";

std::string multipart(const std::string& boundary, const std::vector<FormPart>& parts,
                      const std::string& preamble = "", const std::string& epilogue = "") {
  std::string b = preamble;
  for (const auto& p : parts) {
    b += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) b += "; filename=\"" + p.filename + "\"";
    b += "\r\n";
    if (!p.content_type.empty()) b += "Content-Type: " + p.content_type + "\r\n";
    b += "\r\n" + p.data + "\r\n";
  }
  return b + "--" + boundary + "--\r\n" + epilogue;
}

// ---- multipart/form-data --------------------------------------------------------------------

TEST(Multipart, PartsWithFilesFieldsPreambleAndEpilogue) {
  const std::string body = multipart("XyZ", {{"town", "", "", "Acton"}, {"file", "a.pdf", "application/pdf", "%PDF\r\nx--XyZ\r\n-XyZ\r\n"}},
                                     "a preamble\r\n", "an epilogue");
  auto parts = parse_multipart("multipart/form-data; boundary=XyZ", body);
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "town");
  EXPECT_EQ((*parts)[0].data, "Acton");
  EXPECT_EQ((*parts)[1].filename, "a.pdf");
  EXPECT_EQ((*parts)[1].content_type, "application/pdf");
  // The boundary inside the data, not right after CRLF "--", stays data (and so does the CRLF at its end).
  EXPECT_EQ((*parts)[1].data, "%PDF\r\nx--XyZ\r\n-XyZ\r\n");
}

TEST(Multipart, QuotedBoundaryEscapedFilenameAndCaseInsensitiveHeaders) {
  const std::string body = "--a b:c\r\ncontent-disposition: FORM-DATA; name=file; filename=\"we\\\"ird; name.txt\"\r\n\r\n"
                           "data\r\n--a b:c--";
  auto parts = parse_multipart("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"", body);
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "file");
  EXPECT_EQ((*parts)[0].filename, "we\"ird; name.txt");
  EXPECT_EQ((*parts)[0].data, "data");
}

TEST(Multipart, EmptyPartAndEmptyBodyOfAField) {
  auto parts = parse_multipart("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n--b--\r\n");
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].data, "");
}

TEST(Multipart, MalformedBodiesAreErrorsInPlainWords) {
  const std::string ct = "multipart/form-data; boundary=b";
  auto err = [&](std::string_view content_type, std::string_view body) {
    auto r = parse_multipart(content_type, body);
    return r ? std::string("(parsed)") : r.error().message;
  };
  EXPECT_NE(err("multipart/form-data", "--b\r\n").find("no valid boundary"), std::string::npos);
  EXPECT_NE(err("multipart/form-data; boundary=" + std::string(71, 'x'), "").find("no valid boundary"), std::string::npos);
  EXPECT_NE(err("text/plain; boundary=b", "--b--").find("not multipart"), std::string::npos);
  EXPECT_NE(err(ct, "nothing here").find("no part"), std::string::npos);
  // Cut off: no closing delimiter, or headers that never end.
  EXPECT_NE(err(ct, "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nhalf a fi").find("closing boundary is missing"),
            std::string::npos);
  EXPECT_NE(err(ct, "--b\r\nContent-Disposition: form-data; name=\"f\"").find("cut off"), std::string::npos);
  EXPECT_NE(err(ct, "--b\r\nX-Other: 1\r\n\r\ndata\r\n--b--").find("no Content-Disposition"), std::string::npos);
  EXPECT_NE(err(ct, "--bjunk\r\n").find("not ended"), std::string::npos);
}

// ---- the handler ---------------------------------------------------------------------------

class UploadHandler : public ::testing::Test {
 protected:
  void SetUp() override { make_uploads(fs::path(dir_.path()) / "no-corpus", {}); }
  void make_uploads(const fs::path& data, serve::UploadLimits limits) {
    auto services = serve::make_upload_services(data, "");
    ASSERT_TRUE(services) << services.error().message;
    uploads_ = std::make_unique<serve::Uploads>(std::move(services->analyzer), std::move(services->models), limits);
  }
  serve::HttpResponse post(const std::string& target, const std::string& content_type, std::string body) {
    serve::HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.headers.emplace_back("Content-Type", content_type);
    r.body = std::move(body);
    return serve::handle_request(r, api_, uploads_.get());
  }
  serve::HttpResponse form_post(const std::string& filename, const std::string& bytes, const std::string& town = "") {
    std::vector<FormPart> parts = {{"file", filename, "application/octet-stream", bytes}};
    if (!town.empty()) parts.push_back({"town", "", "", town});
    return post("/analyze", "multipart/form-data; boundary=----pi7", multipart("----pi7", parts));
  }
  // The error message of /api/analyze for BYTES named NAME.
  std::string api_error(const std::string& name, const std::string& bytes, int* status = nullptr) {
    auto r = post("/api/analyze?name=" + name, "application/octet-stream", bytes);
    if (status) *status = r.status;
    auto j = nlohmann::json::parse(r.body);
    return j.contains("error") ? j["error"]["message"].get<std::string>() : "(no error)";
  }

  testing::TempDir dir_;
  testing::FakeApi api_;
  std::unique_ptr<serve::Uploads> uploads_;
};

TEST_F(UploadHandler, FormPageHasLabelledFieldsAndWorksWithoutScript) {
  serve::HttpRequest r;
  r.method = "GET";
  r.target = "/analyze";
  auto res = serve::handle_request(r, api_, uploads_.get());
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("<label for=\"upload-file\">Your town's policy (PDF, Word, web page or text file, up to 20 MB)</label>"),
            std::string::npos);
  EXPECT_NE(res.body.find("method=\"post\" enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(res.body.find("<label for=\"upload-town\">"), std::string::npos);
  EXPECT_NE(res.body.find("id=\"upload-town\""), std::string::npos);
  EXPECT_EQ(res.body.find("<script>alert"), std::string::npos);  // the fake's hostile town names are escaped
  // Without an upload service the route says so.
  EXPECT_EQ(serve::handle_request(r, api_, nullptr).status, 404);
  r.method = "DELETE";
  EXPECT_EQ(serve::handle_request(r, api_, uploads_.get()).status, 405);
}

TEST_F(UploadHandler, ReportPageIsTheReportWithTheDocumentsTextEscaped) {
  auto res = form_post("../../etc/<b>policy.txt", kPolicy);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.content_type, "text/html; charset=utf-8");
  EXPECT_NE(res.body.find("<p class=\"summary\">2 of 7 questions protective"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("<script>alert(\"pwn\")"), std::string::npos);
  EXPECT_NE(res.body.find("&lt;script&gt;alert("), std::string::npos);
  // The name shown is the last part of what the browser sent, escaped; never a path.
  EXPECT_NE(res.body.find("&lt;b&gt;policy.txt"), std::string::npos);
  EXPECT_EQ(res.body.find("etc/"), std::string::npos);
  EXPECT_NE(res.header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
}

TEST_F(UploadHandler, NoFileChosenAndNotMultipart) {
  auto res = post("/analyze", "multipart/form-data; boundary=b", multipart("b", {{"town", "", "", "Acton"}}));
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("No file was chosen"), std::string::npos);
  res = post("/analyze", "application/x-www-form-urlencoded", "file=x");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("multipart/form-data"), std::string::npos);
  res = post("/analyze", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ncut");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("closing boundary is missing"), std::string::npos);
}

TEST_F(UploadHandler, SizeLimitIs413InPlainWords) {
  serve::UploadLimits limits;
  limits.max_bytes = 1 << 20;
  make_uploads(fs::path(dir_.path()) / "no-corpus", limits);
  int status = 0;
  std::string big = kPolicy + std::string((1 << 20) + 10, 'x');
  EXPECT_NE(api_error("big.txt", big, &status).find("big.txt is larger than 1 MB"), std::string::npos);
  EXPECT_EQ(status, 413);
  auto res = form_post("big.txt", big);
  EXPECT_EQ(res.status, 413);
  EXPECT_NE(res.body.find("big.txt is larger than 1 MB"), std::string::npos);
  res = post("/analyze", "multipart/form-data; boundary=b", std::string((1 << 20) + 70 * 1024, 'x'));
  EXPECT_EQ(res.status, 413);
}

TEST_F(UploadHandler, BeyondTheConcurrentLimitIs503WithRetryAfter) {
  auto a = uploads_->try_acquire();
  auto b = uploads_->try_acquire();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(uploads_->try_acquire());
  auto res = form_post("policy.txt", kPolicy);
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.header("Retry-After"), "10");
  EXPECT_NE(res.body.find("try again"), std::string::npos);
  a.reset();
  EXPECT_EQ(form_post("policy.txt", kPolicy).status, 200);
  EXPECT_EQ(uploads_->in_progress(), 1u);  // b still held; the upload gave its place back
}

// The plain errors of the web are the CLI's, word for word (the same code: pipeline/analyze_report).
TEST_F(UploadHandler, PlainErrorsAreTheCommandLinesSentences) {
  const fs::path d = dir_.path();
  std::map<std::string, std::string> files;
  files["empty.pdf"] = "";
  files["blank.txt"] = "  \n\n\t ";
  files["broken.pdf"] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
  files["photo.pdf"] = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(64, '\0');
  files["archive.zip"] = std::string("PK\x03\x04", 4) + std::string(64, '\x01');
  // A scan whose page OCR finds no text on (an empty raster).
  files["scan.pdf"] = testing::make_pdf({{{}, true}});
  const std::map<std::string, std::string> expected_start = {
      {"empty.pdf", "empty.pdf is empty (0 bytes)"},
      {"blank.txt", "blank.txt is empty (only blank space)"},
      {"broken.pdf", "broken.pdf is not a readable PDF (it may be damaged or incomplete)"},
      {"photo.pdf", "photo.pdf is not a PDF, Word (DOCX), HTML or text file (it looks like an image"},
      {"archive.zip", "archive.zip is not a PDF, Word (DOCX), HTML or text file (it looks like a ZIP archive"},
      {"scan.pdf", "scan.pdf has no readable text: it looks like a scan, and OCR found no text in it"}};
  for (const auto& [name, bytes] : files) {
    testing::write_file(d / name, bytes);
    int status = 0;
    const std::string web = api_error(name, bytes, &status);
    EXPECT_EQ(web.rfind(expected_start.at(name), 0), 0u) << name << ": " << web;
    EXPECT_EQ(status, 422) << name;
    std::string out, err;
    EXPECT_EQ(testing::run_command("cd " + d.string() + " && " + testing::policyindex_binary().string() +
                                       " --data no-corpus analyze " + name,
                                   &out, &err),
              1);
    EXPECT_NE(err.find(web), std::string::npos) << name << ": CLI said " << err << "; web said " << web;
    // The form page says the same, escaped, with the form again.
    auto page = form_post(name, bytes);
    EXPECT_EQ(page.status, 422);
    EXPECT_NE(page.body.find("id=\"upload-error\""), std::string::npos);
    EXPECT_NE(page.body.find("id=\"upload-file\""), std::string::npos);
  }
}

// A hash of every file under DIR (but SQLite's shared-memory index, which readers touch).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename().string().ends_with("-shm")) continue;
    out[fs::relative(e.path(), dir).string()] = std::to_string(std::hash<std::string>{}(testing::read_file(e.path())));
  }
  return out;
}

TEST_F(UploadHandler, WithACorpusNothingIsStoredAndTheJsonIsTheCommandLinesByteForByte) {
  const fs::path d = dir_.path();
  const std::string bin = testing::policyindex_binary().string() + " --data " + (d / "data").string();
  testing::write_file(d / "acton.txt",
                      "1. Information\n\nNo Town officer shall provide any person's address or release date to federal "
                      "immigration authorities.\n");
  std::string out, err;
  ASSERT_EQ(testing::run_command(bin + " add " + (d / "acton.txt").string() + " --town Acton --type bylaw", &out, &err), 0) << err;
  ASSERT_EQ(testing::run_command(bin + " extract", &out, &err), 0) << err;
  make_uploads(d / "data", {});
  const auto before = snapshot(d / "data");
  ASSERT_FALSE(before.empty());

  testing::write_file(d / "policy.txt", kPolicy);
  ASSERT_EQ(testing::run_command("cd " + d.string() + " && " + bin + " analyze policy.txt --format json", &out, &err), 0) << err;
  auto api = post("/api/analyze?name=policy.txt", "text/plain", kPolicy);
  ASSERT_EQ(api.status, 200) << api.body;
  EXPECT_EQ(api.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(api.body, out);  // byte for byte
  // Borrowing ran against the corpus: Acton's sentence is offered for information sharing.
  EXPECT_NE(api.body.find("release date to federal"), std::string::npos);
  // The same through the form, as multipart, with a town.
  auto page = form_post("policy.txt", kPolicy, "Acton");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(snapshot(d / "data"), before);  // nothing stored in the corpus
}

}  // namespace
}  // namespace policyindex
