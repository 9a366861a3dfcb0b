// policyindex analyze as the advocate's report, model add/list and the comparison with a
// model, and analyze's plain errors; end to end through the binary, on fictional texts.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/extract/makers.h"
#include "tests/testing/testing.h"

// fontconfig (under cairo and poppler) keeps process-global caches it never
// frees; they are not ours to leak-check.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

namespace policyindex {
namespace {

using testing::run_command;

std::string bin() { return testing::policyindex_binary().string(); }

// A minimal PDF of OBJECTS (object 1 the catalog) with a correct cross-reference table.
std::string build_pdf(const std::vector<std::string>& objects, const std::string& trailer_extra) {
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offs;
  for (size_t i = 0; i < objects.size(); ++i) {
    offs.push_back(out.size());
    out += std::to_string(i + 1);
    out += " 0 obj\n";
    out += objects[i];
    out += "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 ";
  out += std::to_string(objects.size() + 1);
  out += "\n0000000000 65535 f \n";
  char buf[32];
  for (size_t o : offs) {
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", o);
    out += buf;
  }
  out += "trailer\n<< /Size ";
  out += std::to_string(objects.size() + 1);
  out += " /Root 1 0 R ";
  out += trailer_extra;
  out += ">>\nstartxref\n";
  out += std::to_string(xref);
  out += "\n%%EOF\n";
  return out;
}

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = " --data " + (dir_ / "data").string();
    // Fictional policy texts, filed under registry towns.
    add("worcester.txt", "Worcester", "ordinance", "https://example.org/worcester-trust",
        "1. Information\n\nNo officer or employee of the City shall share information about any person's release "
        "date with federal immigration authorities.\n");
    add("acton.txt", "Acton", "bylaw", "https://example.org/acton-welcoming",
        "1. Purpose\n\nThe purpose of this bylaw is to ensure that no Town officer shall share information with "
        "federal immigration authorities.\n\n2. Information\n\nNo Town officer shall provide any person's address or "
        "release date to federal immigration authorities.\n");
    add("concord.txt", "Concord", "police_policy", "https://example.org/concord-policy",
        "1. Information\n\nNo officer shall provide any person's release date to federal immigration authorities.\n\n"
        "2. Cooperation\n\nOfficers may share information with federal immigration authorities when it serves a "
        "public safety interest.\n");
    add("model.txt", "Lincoln", "policy", "https://example.org/model-trust-act",
        "1. Detainers\n\nThe Police Department shall provide the person with a copy of any immigration detainer "
        "received.\n\n2. Agreements\n\nThe Town shall not enter into any agreement under section 287(g) of the "
        "Immigration and Nationality Act.\n");
    std::string out, err;
    ASSERT_EQ(run_command(bin() + data_ + " extract --format json", &out, &err), 0) << err;
    testing::write_file(dir_ / "bedford.txt",
                        "1. Detainers\n\nThe Police Department may provide the person with a copy of any immigration "
                        "detainer received.\n\n2. Information\n\nOfficers may share information with federal "
                        "immigration authorities.\n");
  }
  void add(const char* name, const char* town, const char* type, const char* url, const char* text) {
    testing::write_file(dir_ / name, text);
    std::string out, err;
    ASSERT_EQ(run_command(bin() + data_ + " add " + (dir_ / name).string() + " --town " + town + " --type " + type +
                              " --url " + url,
                          &out, &err),
              0)
        << err;
  }
  nlohmann::json analyze(const std::string& extra) {
    std::string out, err;
    EXPECT_EQ(run_command(bin() + data_ + " analyze " + (dir_ / "bedford.txt").string() + " --format json " + extra, &out,
                          &err),
              0)
        << err;
    return nlohmann::json::parse(out);
  }
  testing::TempDir dir_;
  std::string data_;
};

TEST_F(ReportCli, SummaryCountsMatchAndBorrowingIsGreenNearestAndOperative) {
  auto j = analyze("--town Bedford");
  const auto& r = j["report"];
  int sum = 0, protective = 0;
  for (const auto& q : r["questions"]) {
    if (q["key"].get<std::string>().rfind("Q", 0) != 0) continue;
    ++sum;
    protective += q["verdict"] == "green";
  }
  EXPECT_EQ(sum, 7);
  EXPECT_EQ(r["counts"]["protective"], protective);
  EXPECT_EQ(r["counts"]["questions"], 7);
  EXPECT_TRUE(r["borrow_note"].get<std::string>().empty()) << r["borrow_note"];
  // The original analyze shape is still there.
  EXPECT_TRUE(j["sections"].is_array());
  EXPECT_TRUE(j["scorecard"].contains("Q2"));
  const nlohmann::json* q2 = nullptr;
  for (const auto& q : r["questions"])
    if (q["key"] == "Q2") q2 = &q;
  ASSERT_NE(q2, nullptr);
  EXPECT_NE((*q2)["verdict"], "green");
  const auto& borrow = (*q2)["borrow"];
  ASSERT_GE(borrow.size(), 2u) << borrow.dump(2);
  // Green towns first, the same county (Middlesex) first among them.
  EXPECT_EQ(borrow[0]["town"], "Acton") << borrow.dump(2);
  EXPECT_EQ(borrow[0]["nearness"], "same county");
  EXPECT_EQ(borrow[0]["town_verdict"], "green");
  bool seen_mixed = false;
  for (const auto& b : borrow) {
    const std::string text = b["text"].get<std::string>();
    EXPECT_EQ(text.find("purpose"), std::string::npos) << "a purpose clause was offered: " << text;
    EXPECT_NE(b["town"], "Bedford");
    if (b["town_verdict"] == "mixed") seen_mixed = true;
    else EXPECT_FALSE(seen_mixed) << "a green town after a mixed one";
    EXPECT_FALSE(b["url"].get<std::string>().empty());
    EXPECT_FALSE(b["section"].get<std::string>().empty());
  }
}

TEST_F(ReportCli, TextAndHtmlReports) {
  std::string out, err;
  ASSERT_EQ(run_command(bin() + data_ + " analyze " + (dir_ / "bedford.txt").string() + " --town Bedford", &out, &err), 0)
      << err;
  EXPECT_NE(out.find("Summary: "), std::string::npos) << out;
  EXPECT_NE(out.find("What to borrow:"), std::string::npos) << out;
  EXPECT_EQ(out.find("(untitled)"), std::string::npos);
  ASSERT_EQ(run_command(bin() + data_ + " analyze " + (dir_ / "bedford.txt").string() + " --format html", &out, &err), 0)
      << err;
  EXPECT_EQ(out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(out.find("href=\"https://example.org/acton-welcoming\""), std::string::npos);
}

TEST_F(ReportCli, ModelAddListAndCompare) {
  std::string out, err;
  ASSERT_EQ(run_command(bin() + data_ + " model add https://example.org/model-trust-act --name 'Model trust act'", &out, &err),
            0)
      << err;
  ASSERT_EQ(run_command(bin() + data_ + " model list --format json", &out, &err), 0) << err;
  auto list = nlohmann::json::parse(out);
  ASSERT_EQ(list["models"].size(), 1u);
  EXPECT_EQ(list["models"][0]["name"], "Model trust act");
  EXPECT_EQ(list["models"][0]["town"], "Lincoln");
  auto j = analyze("--model 'model trust act'");
  const auto& m = j["report"]["model"];
  ASSERT_TRUE(m.is_object()) << j["report"].dump(2);
  bool weakened = false, dropped = false;
  for (const auto& c : m["changes"]) {
    if (c["kind"] == "weakened" && c["reason"].get<std::string>().find("\"shall\" became \"may\"") != std::string::npos)
      weakened = true;
    if (c["kind"] == "dropped" && c["model_text"].get<std::string>().find("287(g)") != std::string::npos) dropped = true;
  }
  EXPECT_TRUE(weakened) << m.dump(2);
  EXPECT_TRUE(dropped) << m.dump(2);
  EXPECT_EQ(run_command(bin() + data_ + " analyze " + (dir_ / "bedford.txt").string() + " --model Nonesuch", &out, &err), 1);
  EXPECT_NE(err.find("no model named \"Nonesuch\" (models: Model trust act)"), std::string::npos) << err;
  EXPECT_EQ(run_command(bin() + data_ + " model add 99999 --name X", &out, &err), 1);
  EXPECT_NE(err.find("no document 99999"), std::string::npos) << err;
}

TEST(ReportCliAlone, SaysPlainlyThatThereIsNoCorpus) {
  testing::TempDir dir;
  testing::write_file(dir / "p.txt", "1. Status\n\nOfficers may ask any person about immigration status.\n");
  std::string out, err;
  const auto data = dir / "nothing-here";
  ASSERT_EQ(run_command(bin() + " --data " + data.string() + " analyze " + (dir / "p.txt").string() + " --format json",
                        &out, &err),
            0)
      << err;
  auto j = nlohmann::json::parse(out);
  EXPECT_NE(j["report"]["borrow_note"].get<std::string>().find("No corpus was given"), std::string::npos);
  for (const auto& q : j["report"]["questions"]) EXPECT_TRUE(q["borrow"].empty());
  EXPECT_FALSE(std::filesystem::exists(data)) << "analyze must not create a corpus";
}

TEST(ReportCliAlone, PlainErrorsNameTheFile) {
  testing::TempDir dir;
  std::string out, err;
  auto expect = [&](const std::filesystem::path& f, const std::string& sentence) {
    EXPECT_EQ(run_command(bin() + " analyze " + f.string(), &out, &err), 1) << f;
    EXPECT_NE(err.find(f.string() + sentence), std::string::npos) << err;
    EXPECT_EQ(err.find("XRef"), std::string::npos) << err;
  };
  std::filesystem::create_directories(dir / "folder");
  expect(dir / "folder", " is a directory, not a file");
  testing::write_file(dir / "empty.pdf", "");
  expect(dir / "empty.pdf", " is empty");
  testing::write_file(dir / "broken.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n");
  expect(dir / "broken.pdf", " is not a readable PDF (it may be damaged or incomplete)");
  testing::write_file(dir / "photo.pdf", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(64, '\0'));
  expect(dir / "photo.pdf", " is not a PDF, Word (DOCX), HTML or text file (it looks like an image");
  expect(dir / "missing.txt", " does not exist");
  // Password-protected (the standard security handler; the empty password does not open it).
  const std::string page = "BT /F1 12 Tf 72 700 Td (Sealed town) Tj ET";
  testing::write_file(
      dir / "sealed.pdf",
      build_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                 std::string("<< /Length ").append(std::to_string(page.size())).append(" >>\nstream\n").append(page).append("\nendstream"),
                 "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                 std::string("<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <")
                     .append(64, '7').append("> /U <").append(64, 'A').append("> >>")},
                "/Encrypt 6 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] "));
  expect(dir / "sealed.pdf", " is an encrypted PDF");
  // A scan without a text layer, read without OCR.
  testing::write_file(dir / "scan.pdf", testing::make_pdf({{{{"1. Detainers", 72, 100, 12, false, false}}, true}}));
  EXPECT_EQ(run_command(bin() + " analyze --no-ocr " + (dir / "scan.pdf").string(), &out, &err), 1);
  EXPECT_NE(err.find((dir / "scan.pdf").string() + " has no text layer (it looks like a scan)"), std::string::npos) << err;
}

}  // namespace
}  // namespace policyindex
