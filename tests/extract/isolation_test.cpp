// Worker isolation and hostile inputs: each one a recorded error or a correct result
// within the limits, never a crash of the caller.

#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <string_view>

#include <gtest/gtest.h>

#include "extract/extract.h"
#include "tests/extract/makers.h"
#include "tests/testing/testing.h"

namespace policyindex::extract {
namespace {

// A hand-written PDF; offsets in the xref are computed.
std::string build_pdf(const std::vector<std::string>& objects, int root = 1,
                      const std::string& trailer_extra = "") {
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offs;
  for (size_t i = 0; i < objects.size(); ++i) {
    offs.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  char buf[32];
  for (size_t o : offs) {
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", o);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root " + std::to_string(root) +
         " 0 R " + trailer_extra + ">>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string text_page_stream(const std::string& text) {
  std::string s = "BT /F1 12 Tf 72 700 Td (" + text + ") Tj ET";
  return "<< /Length " + std::to_string(s.size()) + " >>\nstream\n" + s + "\nendstream";
}

TEST(IsolationTest, CrashHangAndBalloonCostOnlyTheirDocument) {
  Limits limits;
  limits.wall_seconds = 3;
  limits.cpu_seconds = 2;
  limits.memory_bytes = size_t{400} << 20;
  Options crash, hang, balloon;
  crash.test_fault = "crash";
  hang.test_fault = "hang";
  balloon.test_fault = "balloon";
  auto c = extract_isolated("PURPOSE\n\ntext\n", crash, limits);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("crashed"), std::string::npos) << c.error().message;
  auto t0 = std::chrono::steady_clock::now();
  auto h = extract_isolated("PURPOSE\n\ntext\n", hang, limits);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, ErrorCode::kTimeout) << h.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  auto b = extract_isolated("PURPOSE\n\ntext\n", balloon, limits);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, ErrorCode::kTooLarge) << b.error().message;
  // The process that asked is fine and can go on.
  auto ok = extract_isolated("1. PURPOSE\n\nThe town welcomes all.\n", {}, limits);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->sections.at(0).heading, "PURPOSE");
}

TEST(IsolationTest, BatchRunsEveryJobAndReportsEach) {
  std::vector<std::string> docs;
  for (int i = 0; i < 6; ++i) docs.push_back("1. PART " + std::to_string(i) + "\n\nBody " + std::to_string(i) + ".\n");
  docs.push_back("%PDF-1.4 truncated");
  std::map<size_t, Result<Document>> results;
  BatchOptions b;
  b.workers = 2;
  extract_batch(
      docs.size() + 1,
      [&](size_t i) -> Result<std::string> {
        if (i == docs.size()) return make_error(ErrorCode::kNotFound, "blob missing");
        return docs[i];
      },
      [&](size_t i, Result<Document> r) { results.emplace(i, std::move(r)); }, b);
  ASSERT_EQ(results.size(), docs.size() + 1);
  for (size_t i = 0; i < 6; ++i) {
    ASSERT_TRUE(results.at(i).has_value()) << i;
    EXPECT_EQ(results.at(i)->sections.at(0).heading, "PART " + std::to_string(i));
  }
  ASSERT_FALSE(results.at(6));
  EXPECT_NE(results.at(6).error().message.find("corrupt"), std::string::npos) << results.at(6).error().message;
  ASSERT_FALSE(results.at(7));
  EXPECT_EQ(results.at(7).error().message, "blob missing");
}

TEST(IsolationTest, WorkersServeManyDocumentsAndAreReplacedAfterAFailure) {
  // Ten documents on two workers; the third crashes its worker, the sixth hangs and the
  // eighth balloons. Every other document comes back extracted, workers are reused (a
  // fork per document would give ten process ids), and a failure costs only its document.
  std::vector<std::string> docs;
  for (int i = 0; i < 10; ++i) docs.push_back("1. PART " + std::to_string(i) + "\n\nBody " + std::to_string(i) + ".\n");
  docs[2] += "CRASHME\n";
  docs[5] += "HANGME\n";
  docs[7] += "BALLOONME\n";
  BatchOptions b;
  b.workers = 2;
  b.limits.wall_seconds = 2;
  b.limits.cpu_seconds = 2;
  b.limits.memory_bytes = size_t{400} << 20;
  std::map<size_t, Result<Document>> results;
  std::map<size_t, std::string> notes;
  for (const char* fault : {"crash:CRASHME", "hang:HANGME", "balloon:BALLOONME"}) {
    results.clear();
    notes.clear();
    b.options.test_fault = fault;
    b.annotate = [](const Document& d) { return std::to_string(getpid()) + " " + d.sections.at(0).heading; };
    extract_batch(
        docs.size(), [&](size_t i) -> Result<std::string> { return docs[i]; },
        [&](size_t i, Result<Document> r, std::string note) {
          results.emplace(i, std::move(r));
          notes.emplace(i, std::move(note));
        },
        b);
    ASSERT_EQ(results.size(), docs.size()) << fault;
    std::set<std::string> pids;
    size_t bad = std::string_view(fault).starts_with("crash") ? 2 : std::string_view(fault).starts_with("hang") ? 5 : 7;
    for (size_t i = 0; i < docs.size(); ++i) {
      if (i == bad) {
        ASSERT_FALSE(results.at(i)) << fault;
        EXPECT_EQ(notes.at(i), "");
        continue;
      }
      ASSERT_TRUE(results.at(i).has_value()) << fault << " " << i << ": " << results.at(i).error().message;
      EXPECT_EQ(results.at(i)->sections.at(0).heading, "PART " + std::to_string(i));
      std::string note = notes.at(i);
      ASSERT_NE(note.find(' '), std::string::npos) << note;
      EXPECT_EQ(note.substr(note.find(' ') + 1), "PART " + std::to_string(i));
      EXPECT_NE(note.substr(0, note.find(' ')), std::to_string(getpid())) << "annotate ran in the parent";
      pids.insert(note.substr(0, note.find(' ')));
    }
    EXPECT_LE(pids.size(), 4u) << fault << ": workers are not reused";
    const Error& e = results.at(bad).error();
    if (bad == 2) {
      EXPECT_NE(e.message.find("crashed"), std::string::npos) << e.message;
    } else if (bad == 5) {
      EXPECT_EQ(e.code, ErrorCode::kTimeout) << e.message;
    } else {
      EXPECT_EQ(e.code, ErrorCode::kTooLarge) << e.message;
    }
  }
}

TEST(HostileTest, TruncatedPdf) {
  std::string pdf = testing::make_pdf({{{{"1. PURPOSE", 72, 100, 12, false, false}}, false}});
  auto r = extract_isolated(pdf.substr(0, pdf.size() / 3));
  // Poppler may reconstruct what is left, or give up: either way no crash and a clear answer.
  if (!r) {
    EXPECT_NE(r.error().message.find("PDF"), std::string::npos) << r.error().message;
  }
  auto empty = extract_isolated(std::string("%PDF-"));
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("corrupt"), std::string::npos) << empty.error().message;
}

// A public-records response that came password-protected: the standard security handler
// with a user password (its /U check value does not match the empty password), so nothing
// can be read without it. A clear recorded error, in process and in a worker.
TEST(HostileTest, PasswordProtectedPdfIsAClearError) {
  const std::string hex32(64, 'A');
  std::string pdf = build_pdf(
      {
          "<< /Type /Catalog /Pages 2 0 R >>",
          "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
          "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
          text_page_stream("Sealed town"),
          "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
          "<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + std::string(64, '7') + "> /U <" +
              hex32 + "> >>",
      },
      1, "/Encrypt 6 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] ");
  auto direct = extract(pdf);
  ASSERT_FALSE(direct) << "a locked PDF must not yield text";
  EXPECT_NE(direct.error().message.find("encrypted"), std::string::npos) << direct.error().message;
  EXPECT_NE(direct.error().message.find("password"), std::string::npos) << direct.error().message;
  auto isolated = extract_isolated(pdf);
  ASSERT_FALSE(isolated);
  EXPECT_EQ(isolated.error().message, direct.error().message);
}

TEST(HostileTest, PageTreeLoop) {
  // The page tree's Kids point back at the tree itself.
  std::string pdf = build_pdf({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      text_page_stream("Looping town"),
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  });
  Limits limits;
  limits.wall_seconds = 30;
  auto r = extract_isolated(pdf, {}, limits);
  if (r) {
    EXPECT_LE(r->pages, 2);
  } else {
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(HostileTest, TenThousandPagePdfIsCappedWithAWarning) {
  const int kPages = 10000;
  std::vector<std::string> objs;
  objs.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (int i = 0; i < kPages; ++i) kids += std::to_string(5 + i) + " 0 R ";
  objs.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(kPages) + " >>");
  objs.push_back(text_page_stream("A page of the long code"));
  objs.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (int i = 0; i < kPages; ++i)
    objs.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>");
  Options o;
  o.max_pages = 200;
  auto r = extract_isolated(build_pdf(objs), o);
  ASSERT_OK(r);
  EXPECT_EQ(r->pages, kPages);
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings[0].find("only the first 200"), std::string::npos) << r->warnings[0];
}

TEST(HostileTest, FiftyMegabyteSingleLineHtml) {
  std::string html = "<html><body><main><h2>1. PURPOSE</h2><p>";
  html.reserve(50u << 20);
  while (html.size() < (50u << 20)) html += "The town welcomes every resident and serves all. ";
  html += "</p></main></body></html>";
  Limits limits;
  limits.wall_seconds = 120;
  auto r = extract_isolated(html, {}, limits);
  ASSERT_OK(r);
  ASSERT_FALSE(r->sections.empty());
  EXPECT_EQ(r->sections[0].heading, "PURPOSE");
  EXPECT_GT(r->sections[0].text.size(), 40u << 20);
}

TEST(HostileTest, ZipBombDocxInAWorker) {
  auto r = extract_isolated(testing::make_zip_bomb(80u << 20));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
}

}  // namespace
}  // namespace policyindex::extract
