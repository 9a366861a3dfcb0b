// The search answer's JSON written straight into a string (the server's fast path) against
// the same answer built as an nlohmann DOM and dumped (the reference): byte for byte, over
// words, phrases, operators, filters, paging, no-match suggestions, and a hostile document
// whose text holds quotes, backslashes, control characters, markup and invalid UTF-8. And
// the compact section record the index stores, including the JSON records of older indexes.
#include <xapian.h>

#include <nlohmann/json.hpp>
#include <random>

#include "index/index.h"
#include "query/internal.h"
#include "tests/query/as_json.h"
#include "query/query.h"
#include "query/snippet.h"
#include "tests/index/fixture.h"
#include "tests/query/cache_rounds.h"
#include "tests/testing/testing.h"

namespace policyindex {
namespace {

using nlohmann::json;
using testing::TempDir;

query::detail::Resolvers resolvers() {
  query::detail::Resolvers r;
  r.town = [](std::string_view v) -> Result<std::string> { return index::town_term(v); };
  r.county = [](std::string_view v) -> Result<std::string> { return index::facet_term(v); };
  r.provision = [](std::string_view v) -> Result<std::string> { return index::facet_term(v); };
  return r;
}

// The answer built as an nlohmann DOM and dumped: what render::json's hand-written search
// writer must equal byte for byte.
std::string reference_json(const query::SearchResult& r) {
  nlohmann::ordered_json out;
  out["query"] = r.query;
  out["total"] = r.total;
  out["offset"] = r.offset;
  out["limit"] = r.limit;
  out["omitted"] = r.total > r.offset + r.hits.size() ? r.total - r.offset - r.hits.size() : 0;
  out["suggestion"] = r.suggestion;
  nlohmann::ordered_json hits = nlohmann::ordered_json::array();
  for (const auto& h : r.hits) {
    const auto& rec = *h.record;
    nlohmann::ordered_json hit;
    hit["section_id"] = rec.section_id;
    hit["document_id"] = rec.document_id;
    hit["town"] = rec.town;
    hit["county"] = rec.county;
    hit["doc_type"] = rec.doc_type;
    hit["title"] = rec.title;
    hit["url"] = rec.url;
    hit["number"] = rec.number;
    hit["heading"] = rec.heading;
    hit["page"] = rec.page ? nlohmann::ordered_json(*rec.page) : nlohmann::ordered_json(nullptr);
    hit["snippet"] = h.snippet;
    nlohmann::ordered_json provs = nlohmann::ordered_json::array();
    for (const auto& [p, st] : rec.provisions) provs.push_back({{"provision", p}, {"stance", st}});
    hit["provisions"] = std::move(provs);
    hit["cites"] = rec.cites;
    hit["rank"] = h.rank;
    hit["score"] = h.score;
    const auto& p = h.provenance;
    hit["version_id"] = p.version_id;
    hit["sha256"] = p.sha256;
    hit["fetched_at"] = p.fetched_at;
    hit["start"] = p.start ? nlohmann::ordered_json(*p.start) : nlohmann::ordered_json(nullptr);
    hit["end"] = p.end ? nlohmann::ordered_json(*p.end) : nlohmann::ordered_json(nullptr);
    hit["status"] = p.status;
    hit["version_url"] = p.version_url;
    hits.push_back(std::move(hit));
  }
  out["hits"] = std::move(hits);
  nlohmann::ordered_json facets = nlohmann::ordered_json::object();
  for (size_t f = 0; f < query::kFacetCount; ++f) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (const auto& [value, n] : r.facets[f]) o[std::string(value)] = n;
    facets[query::kFacetNames[f]] = std::move(o);
  }
  out["facets"] = std::move(facets);
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// Runs every request through the fast path and writer, and through the reference (every
// record decoded, Xapian's own snippets, facets counted by value, an nlohmann DOM); both
// must succeed alike, with the same bytes.
void expect_same_answers(const std::filesystem::path& index_dir, const std::vector<query::SearchRequest>& requests) {
  auto fast = query::detail::Searcher::open({index_dir.string()});
  auto reference = query::detail::Searcher::open({index_dir.string()});
  ASSERT_OK(fast);
  ASSERT_OK(reference);
  (*reference)->set_reference_output(true);
  const auto res = resolvers();
  size_t with_hits = 0;
  for (const auto& r : requests) {
    auto a = as_json((*fast)->search(r, res));
    auto ref = (*reference)->search(r, res);
    ASSERT_EQ(a.has_value(), ref.has_value()) << r.query;
    if (!a) continue;
    EXPECT_EQ(*a, reference_json(*ref)) << "query '" << r.query << "' offset " << r.offset;
    const json j = json::parse(*a, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << *a;
    if (!j["hits"].empty()) ++with_hits;
  }
  EXPECT_GE(with_hits, requests.size() / 2) << "most requests should find something";
}

query::SearchRequest req(std::string q, size_t offset = 0, size_t limit = 20) {
  query::SearchRequest r;
  r.query = std::move(q);
  r.offset = offset;
  r.limit = limit;
  return r;
}

TEST(SearchOutputTest, FastWriterMatchesTheReferenceOnTheSmallCorpusAndAHostileDocument) {
  TempDir dir;
  auto store = corpus::Store::open(dir / "data");
  ASSERT_OK(store);
  testing::build_small_corpus(*store);
  testing::FixtureSection hostile;
  hostile.number = "9-\"1\"";
  hostile.heading = "Back\\slash \"heading\"\ttab";
  hostile.text = std::string("The officer shall not <script>alert(\"x\")</script> ask about status. ") +
                 "Quote \" backslash \\ tab\tnewline\ncontrol \x01\x1f del \x7f caf\xc3\xa9 and a bad byte \xff here; " +
                 "federal agency & detainer.";
  hostile.page = 3;
  corpus::StoredHit hit;
  hit.provision = "status_inquiry";
  hit.stance = "protective";
  hit.evidence = "The officer shall not ask";
  hostile.hits = {hit};
  hostile.cites = {"lunn"};
  testing::add_document(*store, "Quillfield", "https://quillfield.example/\"odd\".pdf", "police_policy",
                        "Title with \"quotes\" & <tags>", {hostile});
  ASSERT_OK(index::update_index(*store, {}));

  std::vector<query::SearchRequest> requests = {
      req("detainer"),      req("officer"),         req("\"federal agency\""), req("script alert"),
      req("quote backslash"), req("cafe"),          req("police NOT school"),  req("records OR report"),
      req("officer", 1, 3), req("officer", 0, 0),   req("detainr"),            req("zzqqxx"),
      req("status stance:protective"), req("legal:287g"), req("bad byte"),
  };
  query::SearchRequest filters;
  filters.provisions = {"status_inquiry"};
  requests.push_back(filters);
  filters.counties = {"Brackett"};
  filters.offset = 1;
  requests.push_back(filters);
  expect_same_answers(dir / "data" / "xapian", requests);

  // The hostile text comes back as JSON text, never as markup.
  auto searcher = query::detail::Searcher::open({(dir / "data" / "xapian").string()});
  ASSERT_OK(searcher);
  auto out = as_json((*searcher)->search(req("script alert"), resolvers()));
  ASSERT_OK(out);
  const json j = json::parse(*out);
  ASSERT_EQ(j["hits"].size(), 1u);
  const std::string snippet = j["hits"][0]["snippet"];
  EXPECT_EQ(snippet.find("<script>"), std::string::npos) << snippet;
  EXPECT_NE(snippet.find("&lt;<b>script</b>&gt;"), std::string::npos) << snippet;
  EXPECT_EQ(j["hits"][0]["title"], "Title with \"quotes\" & <tags>");
  EXPECT_EQ(j["hits"][0]["heading"], "Back\\slash \"heading\"\ttab");
  EXPECT_EQ(j["hits"][0]["page"], 3);
}

TEST(SearchOutputTest, FastWriterMatchesTheReferenceOnARandomCorpus) {
  TempDir dir;
  auto store = corpus::Store::open(dir / "data");
  ASSERT_OK(store);
  testing::build_random_corpus(*store, 40, 8, 23);
  ASSERT_OK(index::update_index(*store, {}));
  const auto& vocab = testing::random_vocabulary();
  std::vector<query::SearchRequest> requests;
  for (size_t i = 0; i + 1 < vocab.size() && i < 24; i += 2) {
    requests.push_back(req(vocab[i], i % 3, 20));
    requests.push_back(req(vocab[i] + " OR " + vocab[i + 1], 0, 10));
    requests.push_back(req("\"" + vocab[i] + " " + vocab[i + 1] + "\""));
  }
  for (const auto& p : testing::random_provisions()) {
    query::SearchRequest r;
    r.provisions = {p};
    requests.push_back(r);
  }
  expect_same_answers(dir / "data" / "xapian", requests);
}

// Facets and total counted before the ranked pass — by a pass without weights (two passes),
// or from the terms' posting lists (the default) — against one BM25 pass over every match:
// the same answer, byte for byte (total, every facet count, the hits, their order and
// scores), for random word, OR, NOT, phrase and filtered queries at random pages on a random
// corpus.
TEST(SearchOutputTest, CountingBeforeTheRankedPassGivesTheOnePassAnswer) {
  using Passes = query::detail::Searcher::CountPasses;
  TempDir dir;
  auto store = corpus::Store::open(dir / "data");
  ASSERT_OK(store);
  testing::build_random_corpus(*store, 60, 8, 41);
  ASSERT_OK(index::update_index(*store, {}));
  const std::string path = (dir / "data" / "xapian").string();
  auto one = query::detail::Searcher::open({path});
  auto two = query::detail::Searcher::open({path});
  auto postings = query::detail::Searcher::open({path});
  auto all_postings = query::detail::Searcher::open({path});
  ASSERT_OK(all_postings);
  (*all_postings)->set_count_passes(Passes::kAllPostings);
  ASSERT_OK(one);
  ASSERT_OK(two);
  ASSERT_OK(postings);
  (*one)->set_count_passes(Passes::kOnePass);
  (*two)->set_count_passes(Passes::kTwoPass);
  (*postings)->set_count_passes(Passes::kPostings);
  const auto& vocab = testing::random_vocabulary();
  const auto& provisions = testing::random_provisions();
  const auto res = resolvers();
  std::mt19937 rng(7);
  auto word = [&] { return vocab[rng() % vocab.size()]; };
  size_t compared = 0, big = 0;
  for (int i = 0; i < 180; ++i) {
    query::SearchRequest r;
    switch (i % 9) {
      case 0: r.query = word(); break;
      case 1: r.query = word() + " " + word(); break;
      case 2: r.query = word() + " OR " + word() + " OR " + word(); break;
      case 3: r.query = word() + " NOT " + word(); break;
      case 4: r.query = "\"" + word() + " " + word() + "\""; break;
      case 5: r.query = "(" + word() + " OR " + word() + ") " + word() + " NOT " + word(); break;
      case 6: r.query = "NOT " + word(); break;
      case 7: r.query = word() + " AND (" + word() + " OR stance:neutral)"; break;
      default: break;  // filters only (below)
    }
    if (r.query.empty()) r.provisions = {provisions[rng() % provisions.size()]};
    if (i % 3 == 0) r.provisions = {provisions[rng() % provisions.size()]};
    if (i % 7 == 0) r.stances = {"protective"};
    r.offset = (i % 4 == 0) ? rng() % 30 : 0;
    r.limit = 1 + rng() % 25;
    auto a = as_json((*one)->search(r, res));
    auto b = as_json((*two)->search(r, res));
    auto c = as_json((*postings)->search(r, res));
    auto d = as_json((*all_postings)->search(r, res));
    ASSERT_EQ(a.has_value(), d.has_value()) << r.query;
    ASSERT_EQ(a.has_value(), b.has_value()) << r.query;
    ASSERT_EQ(a.has_value(), c.has_value()) << r.query;
    if (!a) continue;
    EXPECT_EQ(*a, *b) << "two passes: query '" << r.query << "' offset " << r.offset << " limit " << r.limit;
    EXPECT_EQ(*a, *c) << "postings: query '" << r.query << "' offset " << r.offset << " limit " << r.limit;
    EXPECT_EQ(*a, *d) << "all postings: query '" << r.query << "' offset " << r.offset << " limit " << r.limit;
    const json j = json::parse(*a);
    if (j["total"].get<size_t>() > r.offset + r.limit) ++big;  // the ranked pass could stop early
    ++compared;
  }
  EXPECT_GE(compared, 150u);
  EXPECT_GE(big, 40u) << "most queries should match more than their page";
}

// Hits' records kept in memory per index revision (SearchContext's record cache): the same bytes
// as read from the index each time — warm, re-read, and under a budget too small to hold
// them all (emptied and refilled) — and never stale: after a document changes and is
// reindexed, its new text shows.
TEST(SearchOutputTest, CachedHitRecordsGiveTheSameAnswerAndFollowTheIndex) {
  TempDir dir;
  auto store = corpus::Store::open(dir / "data");
  ASSERT_OK(store);
  testing::build_random_corpus(*store, 30, 6, 5);
  ASSERT_OK(index::update_index(*store, {}));
  const std::string path = (dir / "data" / "xapian").string();
  const auto res = resolvers();
  const auto& vocab = testing::random_vocabulary();
  std::vector<query::SearchRequest> requests;
  for (size_t i = 0; i < 12; ++i) {
    requests.push_back(req(vocab[i % vocab.size()] + " OR " + vocab[(i + 1) % vocab.size()], i % 3, 15));
  }
  auto run_all = [&](size_t budget) { return testing::search_two_rounds({path}, requests, res, budget); };
  const auto uncached = run_all(0);
  size_t hits = 0;
  for (const auto& a : uncached) hits += json::parse(a)["hits"].size();
  EXPECT_GE(hits, 100u);
  EXPECT_EQ(run_all(64u << 20), uncached);
  EXPECT_EQ(run_all(4000), uncached);  // a few records at a time

  // A changed document: its sections' new text, not the cached one.
  auto context = std::make_shared<query::SearchContext>(64u << 20);
  testing::FixtureSection s;
  s.text = "The officer shall not ask about zephyrine status.";
  testing::add_document(*store, "Ashmere", "https://ashmere.example/policy.txt", "police_policy", "Policy", {s});
  ASSERT_OK(index::update_index(*store, {}));
  auto searcher = query::detail::Searcher::open({path}, context);
  ASSERT_OK(searcher);
  auto before = as_json((*searcher)->search(req("zephyrine"), res));
  ASSERT_OK(before);
  EXPECT_NE(before->find("zephyrine"), std::string::npos);
  s.text = "The officer shall not ask about quorvane status.";
  testing::add_document(*store, "Ashmere", "https://ashmere.example/policy.txt", "police_policy", "Policy", {s},
                        "2025-04-01T10:00:00Z");
  ASSERT_OK(index::update_index(*store, {}));
  auto after = as_json((*searcher)->search(req("officer status"), res));
  ASSERT_OK(after);
  EXPECT_NE(after->find("quorvane"), std::string::npos) << *after;
  EXPECT_EQ(after->find("zephyrine"), std::string::npos) << *after;

  // A full budget held by an older revision's records: the current revision's are cached
  // all the same (the least recently used cache is emptied first).
  for (const auto& r : requests) ASSERT_OK(as_json((*searcher)->search(r, res)));
  const size_t full = (*searcher)->cached_record_bytes();
  EXPECT_GT(full, 4u * 1024) << "the searches' records";
  context->set_record_cache_bytes(full + 4096);  // this revision's records fill it
  s.text = "The officer shall not ask about plenthar status.";
  testing::add_document(*store, "Ashmere", "https://ashmere.example/policy.txt", "police_policy", "Policy", {s},
                        "2025-05-01T10:00:00Z");
  ASSERT_OK(index::update_index(*store, {}));
  EXPECT_EQ((*searcher)->cached_record_bytes(), 0u) << "a new revision starts with no records";
  for (const auto& r : requests) ASSERT_OK(as_json((*searcher)->search(r, res)));
  EXPECT_GT((*searcher)->cached_record_bytes(), full / 2);
}

index::SectionRecord sample_record() {
  index::SectionRecord r;
  r.section_id = "17/s3";
  r.document_id = "17";
  r.town = "Quillfield";
  r.county = "Brackett";
  r.doc_type = "ordinance";
  r.title = "Trust \"Act\"";
  r.url = "https://quillfield.example/a.pdf";
  r.number = "50-103";
  r.heading = "Detainers";
  r.page = 2;
  r.text = std::string(300, 'x') + " caf\xc3\xa9";  // over 127 bytes: a two-byte length
  r.provisions = {{"detention_on_detainer", "protective"}, {"status_inquiry", "permissive"}};
  r.cites = {"lunn", "8usc1373"};
  return r;
}

void expect_equal(const index::SectionRecord& a, const index::SectionRecord& b) {
  EXPECT_EQ(a.section_id, b.section_id);
  EXPECT_EQ(a.document_id, b.document_id);
  EXPECT_EQ(a.town, b.town);
  EXPECT_EQ(a.county, b.county);
  EXPECT_EQ(a.doc_type, b.doc_type);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.url, b.url);
  EXPECT_EQ(a.number, b.number);
  EXPECT_EQ(a.heading, b.heading);
  EXPECT_EQ(a.page, b.page);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.provisions, b.provisions);
  EXPECT_EQ(a.cites, b.cites);
}

TEST(SectionRecordTest, RoundTrips) {
  index::SectionRecord r = sample_record();
  for (std::optional<int64_t> page : {std::optional<int64_t>(), std::optional<int64_t>(0),
                                      std::optional<int64_t>(-5), std::optional<int64_t>(1234567890123)}) {
    r.page = page;
    const std::string data = index::encode_section_record(r);
    EXPECT_EQ(data[0], index::kSectionRecordFormat);
    index::SectionRecord back = sample_record();  // decoding replaces every field
    back.provisions.push_back({"x", "y"});
    ASSERT_TRUE(index::decode_section_record(data, back));
    expect_equal(r, back);
  }
  index::SectionRecord empty;
  index::SectionRecord back = sample_record();
  ASSERT_TRUE(index::decode_section_record(index::encode_section_record(empty), back));
  expect_equal(empty, back);
}

TEST(SectionRecordTest, ReadsTheJsonRecordsOfOlderIndexes) {
  // What the writer stored before the compact record (format 1).
  const std::string old = R"({"section_id":"17/s3","document_id":"17","town":"Quillfield","county":"Brackett",)"
                          R"("doc_type":"ordinance","title":"Trust \"Act\"","url":"https://quillfield.example/a.pdf",)"
                          R"("number":"50-103","heading":"Detainers","page":null,"text":"caf\u00e9",)"
                          R"("provisions":[["detention_on_detainer","protective"]],"cites":["lunn"]})";
  index::SectionRecord r;
  ASSERT_TRUE(index::decode_section_record(old, r));
  EXPECT_EQ(r.section_id, "17/s3");
  EXPECT_EQ(r.title, "Trust \"Act\"");
  EXPECT_EQ(r.text, "caf\xc3\xa9");
  EXPECT_FALSE(r.page.has_value());
  ASSERT_EQ(r.provisions.size(), 1u);
  EXPECT_EQ(r.provisions[0].second, "protective");
  EXPECT_EQ(r.cites, std::vector<std::string>{"lunn"});
}

TEST(SectionRecordTest, RefusesGarbageAndReplacesInvalidUtf8) {
  index::SectionRecord r;
  EXPECT_FALSE(index::decode_section_record("", r));
  EXPECT_FALSE(index::decode_section_record("not a record", r));
  EXPECT_FALSE(index::decode_section_record("{broken json", r));
  std::string data = index::encode_section_record(sample_record());
  EXPECT_FALSE(index::decode_section_record(data.substr(0, data.size() / 2), r)) << "truncated";
  EXPECT_FALSE(index::decode_section_record(data + "x", r)) << "trailing bytes";

  index::SectionRecord bad = sample_record();
  bad.text = "bad \xff byte";
  ASSERT_TRUE(index::decode_section_record(index::encode_section_record(bad), r));
  EXPECT_EQ(r.text, "bad \xef\xbf\xbd byte");  // U+FFFD, as the JSON records had it
}

}  // namespace
}  // namespace policyindex

namespace policyindex {
namespace {

// Random ASCII text made to trip the word splitter and the window: acronyms, infixes,
// suffixes, digits with separators, sentence ends, markup characters, long words, runs of
// spaces, and the query's own words (so there is something to highlight).
std::string random_text(std::mt19937& rng, const std::vector<std::string>& words) {
  static const std::vector<std::string> odd = {
      "U.S.C.", "I.C.E", "AT&T", "O'Brien", "1,000.50", "3;4", "C++", "C#", "x+++++", "a_b", "287(g)",
      "<script>", "&amp;", "\"quoted\"", "end.", "why?!", "...", "--", "\t", "\n", "  ", "Officer",
      "DETAINER", "e.g.", "No.5", std::string(70, 'q'), "'tis", "rock&roll", "#tag", "a.b.c",
      "($5)", "[x]", "50%", "@home", "~t", "`tick`", "{b}", "-dash-", "/s/", "((((((deep", "end))))))", "<>",
      "caf\u00e9", "na\u00efve", "\u00a7 12", "\u201cquoted\u201d", "town\u2019s", "don\u2019t", "\uff11\uff12",
      "\u03a9mega", "\u0130stanbul", "Stra\u00dfe", "x\u200by", "\u20ac5", "\u00bfqu\u00e9?", "\u00abguill\u00bb",
      "\ufb01ne", "\u216b", "\u65e5\u672c\u8a9e", "\U0001F600", "1\u066b5", "\u00a0nbsp", "a\u00b7b",
  };
  std::string text;
  const int n = static_cast<int>(rng() % 140);
  for (int i = 0; i < n; ++i) {
    if (!text.empty()) text += (rng() % 9 == 0) ? ". " : (rng() % 13 == 0) ? ", " : " ";
    text += rng() % 4 == 0 ? odd[rng() % odd.size()] : words[rng() % words.size()];
  }
  if (rng() % 3 == 0) text += ".";
  return text;
}

TEST(SnippetTest, SameAsXapiansMSetSnippetOverRandomTexts) {
  TempDir dir;
  auto store = corpus::Store::open(dir / "data");
  ASSERT_OK(store);
  testing::build_random_corpus(*store, 30, 6, 5);
  ASSERT_OK(index::update_index(*store, {}));
  Xapian::Database db((dir / "data" / "xapian").string());
  const auto& vocab = testing::random_vocabulary();
  std::vector<std::string> words = vocab;
  for (const char* w : {"officers", "detained", "police", "agency", "federal", "s", "a", "the",
                        // Longer than the word table's 16 inline bytes (the last two alike in those).
                        "nondiscrimination", "nondiscriminatory", "counterintelligence", "counterintelligences"}) {
    words.push_back(w);
  }
  Xapian::Stem stemmer("english");
  Xapian::QueryParser qp;
  qp.set_stemmer(stemmer);
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);
  qp.set_default_op(Xapian::Query::OP_AND);
  qp.set_database(db);
  qp.add_boolean_prefix("provision", std::string(index::kPrefixProvision));
  const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PURE_NOT;
  std::vector<Xapian::Query> queries;
  for (size_t i = 0; i + 2 < vocab.size() && i < 30; i += 3) {
    queries.push_back(qp.parse_query(vocab[i], flags));
    queries.push_back(qp.parse_query(vocab[i] + " " + vocab[i + 1], flags));
    queries.push_back(qp.parse_query(vocab[i] + " OR " + vocab[i + 1] + " OR " + vocab[i + 2], flags));
    queries.push_back(qp.parse_query("\"" + vocab[i] + " " + vocab[i + 1] + "\" " + vocab[i + 2], flags));
    queries.push_back(qp.parse_query(vocab[i] + " NOT " + vocab[i + 1], flags));
  }
  queries.push_back(qp.parse_query("nondiscriminatory OR counterintelligence OR " + vocab[0], flags));
  // Words with other letters (not in the index: termweight 0, still highlighted).
  for (const char* w : {"caf\u00e9", "Stra\u00dfe", "town\u2019s", "\u03a9mega", "na\u00efve"}) {
    queries.push_back(qp.parse_query(std::string(w) + " OR " + vocab[0], flags));
  }
  // Filter-only: the empty term beside a boolean filter term.
  queries.emplace_back(Xapian::Query::OP_FILTER, Xapian::Query(std::string()),
                       Xapian::Query(std::string(index::kPrefixProvision) + index::facet_term(testing::random_provisions()[0])));
  std::mt19937 rng(99);
  size_t compared = 0, fast = 0, highlighted = 0;
  for (const auto& q : queries) {
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    Xapian::MSet mset = enquire.get_mset(0, 10);
    if (mset.empty()) continue;
    query::detail::Snipper snipper(mset, q, stemmer);
    if (snipper.fast()) ++fast;
    for (int t = 0; t < 100; ++t) {
      const std::string text = random_text(rng, words);
      const std::string expected = snipper.reference(text);
      ASSERT_EQ(snipper(text), expected) << q.get_description() << "\ntext: " << text;
      if (expected.find("<b>") != std::string::npos) ++highlighted;
      ++compared;
    }
    // Stored texts too.
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      index::SectionRecord rec;
      ASSERT_TRUE(index::decode_section_record(it.get_document().get_data(), rec));
      ASSERT_EQ(snipper(rec.text), snipper.reference(rec.text)) << q.get_description();
    }
  }
  EXPECT_GE(compared, 1000u);
  EXPECT_GE(fast, queries.size() / 2) << "most queries take the fast path";
  EXPECT_GE(highlighted, compared / 4) << "and most snippets highlight something";
}

}  // namespace
}  // namespace policyindex
