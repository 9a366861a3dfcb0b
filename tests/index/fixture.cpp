#include "tests/index/fixture.h"

#include <gtest/gtest.h>

#include <random>

namespace policyindex::testing {

using corpus::StoredHit;

const std::vector<std::string>& fictional_towns() {
  static const std::vector<std::string> t{"Quillfield", "North Quillfield", "Ashmere",
                                          "Port Tessaly", "Vinehaven-by-the-Lake", "Marrow Falls"};
  return t;
}

void add_fictional_towns(corpus::Catalog& catalog) {
  std::vector<corpus::Municipality> towns{
      {"Quillfield", "Brackett", "town", 12000, ""},
      {"North Quillfield", "Brackett", "town", 4000, ""},
      {"Ashmere", "Brackett", "city", 51000, ""},
      {"Port Tessaly", "Coldwater", "city", 30000, ""},
      {"Vinehaven-by-the-Lake", "Coldwater", "town", 2500, ""},
      {"Marrow Falls", "Coldwater", "town", 8000, ""},
  };
  auto st = catalog.upsert_municipalities(towns);
  ASSERT_TRUE(st.has_value()) << st.error().message;
}

int64_t add_document(corpus::Store& store, const std::string& town, const std::string& url,
                     const std::string& doc_type, const std::string& title,
                     const std::vector<FixtureSection>& sections, const std::string& fetched_at) {
  auto& cat = store.catalog();
  auto town_id = cat.find_municipality(town);
  EXPECT_TRUE(town_id && *town_id) << town;
  auto doc = cat.ensure_document(url, *town_id, doc_type, title, "crawl");
  EXPECT_TRUE(doc.has_value());
  std::string content = url;
  for (const auto& s : sections) content += "\n" + s.number + s.heading + s.text;
  corpus::VersionInput v;
  v.document_id = *doc;
  v.sha256 = corpus::sha256_hex(content);
  v.size = content.size();
  v.fetched_at = fetched_at;
  v.http_status = 200;
  v.content_type = "text/plain";
  auto ver = cat.add_version(v);
  EXPECT_TRUE(ver.has_value()) << (ver ? "" : ver.error().message);
  corpus::ExtractionRecord rec;
  rec.version_id = ver->version_id;
  rec.type = "text";
  rec.title = title;
  rec.status = "ok";
  rec.tagger_version = "fixture-1";
  int ord = 0;
  for (const auto& s : sections) {
    corpus::StoredSection ss;
    ss.ord = ord++;
    ss.key = s.number.empty() ? "s" + std::to_string(ss.ord) : s.number;
    ss.number = s.number;
    ss.heading = s.heading;
    ss.page = s.page;
    ss.text = s.text;
    ss.hits = s.hits;
    ss.cites = s.cites;
    rec.sections.push_back(ss);
  }
  auto st = cat.store_extraction(rec);
  EXPECT_TRUE(st.has_value()) << (st ? "" : st.error().message);
  return *doc;
}

namespace {
StoredHit hit(const std::string& p, const std::string& s, const std::string& evidence) {
  return StoredHit{p, s, evidence, 0, static_cast<int64_t>(evidence.size()), "fixture"};
}
}  // namespace

void build_small_corpus(corpus::Store& store) {
  add_fictional_towns(store.catalog());
  const std::string s2 =
      "The Town shall not enter into any 287(g) agreement under 8 U.S.C. \xC2\xA7 1357(g), nor "
      "deputize officers as immigration officers.";
  const std::string s3 =
      "No officer shall detain a person solely on the basis of an ICE detainer (form I-247A), "
      "consistent with Lunn v. Commonwealth.";
  add_document(store, "Quillfield", "https://quillfield.example/welcoming.pdf", "ordinance",
               "Welcoming Community Ordinance",
               {{"1", "Purpose",
                 "The Town of Quillfield values the trust of every resident, regardless of "
                 "immigration status. The council runs open meetings.",
                 1, {hit("equal_treatment", "protective", "regardless of immigration status")}, {}},
                {"2", "287(g) agreements", s2, 1, {hit("287g", "protective", s2)}, {"8usc1357g"}},
                {"3", "Detainers", s3, 2, {hit("detention_on_detainer", "protective", s3)}, {"lunn"}},
                {"4", "Records",
                 "Public records requests are governed by G.L. c. 66, \xC2\xA7 10. Nothing herein "
                 "prohibits communication permitted by section 1373 of Title 8.",
                 2, {hit("federal_law_compliance", "neutral", "Nothing herein prohibits communication")},
                 {"mgl-c66-s10", "8usc1373"}}});
  const std::string n1 = "Officers may inquire about immigration status when it serves a public safety interest.";
  const std::string n2 = "The Department may share release dates with federal immigration officials.";
  add_document(store, "North Quillfield", "https://nq.example/policy.html", "police_policy",
               "Departmental Policy on Immigration",
               {{"A", "Status", n1, std::nullopt, {hit("status_inquiry", "permissive", n1)}, {}},
                {"B", "Information", n2, std::nullopt, {hit("info_sharing", "permissive", n2)}, {}}});
  const std::string a1 = "Officers will not ask about immigration status.";
  const std::string a2 =
      "The municipality shall not share information with ICE about release dates, addresses or "
      "custody status, except as required by 8 USC 1373.";
  add_document(store, "Ashmere", "https://ashmere.example/trust.pdf", "ordinance", "Ashmere Trust Ordinance",
               {{"1", "Inquiries", a1 + " The caf\xC3\xA9 on Main Street hosts the Bridges forum.", 3,
                 {hit("status_inquiry", "protective", a1)}, {}},
                {"2", "Information sharing", a2, 3,
                 {hit("info_sharing", "protective", a2), hit("federal_law_compliance", "neutral", "except as required by 8 USC 1373")},
                 {"8usc1373"}}});
  const std::string p10 = "No town funds, facilities or personnel shall be used for immigration enforcement.";
  const std::string p11 = "Officers shall not share information with federal immigration agents about release dates.";
  const std::string p12 = "The council shall publish an annual report on detainer requests received.";
  std::vector<FixtureSection> tessaly{
      {"10", "Resources", p10, 1, {hit("local_resources", "protective", p10)}, {}},
      {"11", "Information", p11, 1, {hit("info_sharing", "protective", p11)}, {}},
      {"12", "Reports", p12, 2, {hit("reporting", "protective", p12)}, {}}};
  int64_t tess = add_document(store, "Port Tessaly", "https://tessaly.example/trust-act.pdf", "ordinance",
                              "Port Tessaly Trust Act", tessaly, "2024-05-01T09:00:00Z");
  const std::string p12b = "The council shall publish a quarterly report on detainer requests and transfers.";
  const std::string p13 = "Complaints may be filed with the town clerk.";
  tessaly[2] = {"12", "Reports", p12b, 2, {hit("reporting", "protective", p12b)}, {}};
  tessaly.push_back({"13", "Complaints", p13, 2, {hit("complaints", "protective", p13)}, {}});
  add_document(store, "Port Tessaly", "https://tessaly.example/trust-act.pdf", "ordinance",
               "Port Tessaly Trust Act", tessaly, "2025-06-01T09:00:00Z");
  corpus::ChangeRecord ch;
  auto tid = store.catalog().find_municipality("Port Tessaly");
  ch.municipality_id = *tid;
  ch.document_id = tess;
  ch.kind = "provision_change";
  ch.summary = "complaints: absent -> green";
  ch.detail = R"({"provision":"complaints","from":"absent","to":"green"})";
  ch.detected_at = "2025-06-01T09:00:01Z";
  EXPECT_TRUE(store.catalog().add_change(ch).has_value());
  int64_t gone = add_document(store, "Marrow Falls", "https://marrow.example/old.html", "bylaw", "Old bylaw",
                              {{"1", "Zebra", "A zebra crossing bylaw that no longer exists.", std::nullopt, {}, {}}});
  EXPECT_TRUE(store.catalog().set_document_status(gone, "gone").has_value());
}

const std::vector<std::string>& random_vocabulary() {
  static const std::vector<std::string> v{"harbor", "lantern", "meadow", "copper", "violet", "orchard",
                                          "willow", "falcon", "ember", "thistle", "pebble", "quarry"};
  return v;
}
const std::vector<std::string>& random_provisions() {
  static const std::vector<std::string> v{"status_inquiry", "info_sharing", "detention_on_detainer",
                                          "287g", "local_resources", "reporting"};
  return v;
}
const std::vector<std::string>& random_cites() {
  static const std::vector<std::string> v{"lunn", "8usc1373", "8usc1357g", "mgl-c66-s10"};
  return v;
}

void build_random_corpus(corpus::Store& store, int docs, int sections_per_doc, unsigned seed,
                         int first_doc, int doc_step) {
  add_fictional_towns(store.catalog());
  const char* stances[] = {"protective", "permissive", "neutral"};
  const char* types[] = {"ordinance", "bylaw", "police_policy"};
  for (int d = first_doc; d < docs; d += doc_step) {
    std::mt19937 rng(seed * 7919u + static_cast<unsigned>(d));
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    std::vector<FixtureSection> secs;
    for (int s = 0; s < sections_per_doc; ++s) {
      FixtureSection fs;
      fs.number = std::to_string(s + 1);
      size_t words = 8 + pick(20);
      for (size_t w = 0; w < words; ++w) {
        if (w) fs.text += ' ';
        fs.text += random_vocabulary()[pick(random_vocabulary().size())];
      }
      size_t nh = pick(4);
      for (size_t h = 0; h < nh; ++h) {
        fs.hits.push_back(hit(random_provisions()[pick(random_provisions().size())], stances[pick(3)], fs.text.substr(0, 20)));
      }
      size_t nc = pick(3);
      for (size_t c = 0; c < nc; ++c) {
        const auto& cite = random_cites()[pick(random_cites().size())];
        if (std::find(fs.cites.begin(), fs.cites.end(), cite) == fs.cites.end()) fs.cites.push_back(cite);
      }
      std::sort(fs.cites.begin(), fs.cites.end());
      secs.push_back(std::move(fs));
    }
    const std::string town = fictional_towns()[static_cast<size_t>(d) % fictional_towns().size()];
    add_document(store, town, "https://random.example/doc" + std::to_string(d), types[d % 3],
                 "Random document " + std::to_string(d), secs);
  }
}

}  // namespace policyindex::testing
