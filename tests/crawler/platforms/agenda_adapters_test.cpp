// Agenda systems: CivicPlus, Granicus, Legistar, IQM2, NovusAgenda, CivicClerk, against
// recorded responses in records/ (fictional towns, the platforms' real shapes).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/crawler/platforms/records_fixture.h"

namespace policyindex::crawler::platforms {
namespace {

using namespace testing;

bool has_substr(const std::vector<std::string>& v, std::string_view s) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& x) { return x.find(s) != std::string::npos; });
}

// ---------------------------------------------------------------------------------------
// CivicPlus

TEST(CivicPlusTest, ClaimsItsModulePathsOnAnyHost) {
  for (const char* url :
       {"https://www.marrowfield-ma.gov/DocumentCenter/View/311/Trust-Act-PDF",
        "https://quillbrook.example.gov/documentcenter/view/12",
        "https://www.marrowfield-ma.gov/ArchiveCenter/ViewFile/Item/512",
        "https://www.marrowfield-ma.gov/Archive.aspx?ADID=905",
        "https://www.marrowfield-ma.gov/AgendaCenter/ViewFile/Minutes/_03122024-455"}) {
    Request q = claim_one("civicplus", url);
    EXPECT_EQ(q.role, Role::kDocument) << url;
  }
  for (const char* url : {"https://www.marrowfield-ma.gov/DocumentCenter/Index/42",
                          "https://www.marrowfield-ma.gov/Archive.aspx?AMID=36",
                          "https://www.marrowfield-ma.gov/AgendaCenter"}) {
    EXPECT_EQ(claim_one("civicplus", url).role, Role::kListing) << url;
  }
  for (const char* url :
       {"https://www.marrowfield-ma.gov/", "https://www.marrowfield-ma.gov/Calendar.aspx",
        "https://www.marrowfield-ma.gov/DocumentCenter/View/",
        "https://www.marrowfield-ma.gov/docs/DocumentCenter/View/3"}) {
    EXPECT_FALSE(claim("civicplus", url)) << url;
  }
}

TEST(CivicPlusTest, DocumentCenterFolderGivesDocumentsBestFirstAndSubfolders) {
  Request folder = claim_one("civicplus", "https://www.marrowfield-ma.gov/DocumentCenter/Index/42");
  Reading r = read("civicplus", folder, recorded("civicplus_document_index.html"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  auto urls = fetch_urls(r.requests);
  ASSERT_EQ(urls.size(), 5u);
  // On-topic first, then the bylaws, then the police folder; the beach form last ranks.
  EXPECT_EQ(
      urls[0],
      "https://www.marrowfield-ma.gov/DocumentCenter/View/311/Welcoming-Community-Trust-Act-PDF");
  EXPECT_EQ(r.requests[0].relevance, 3);
  EXPECT_EQ(r.requests[0].title, "Welcoming Community Trust Act (2019)");
  EXPECT_EQ(urls[1], "https://www.marrowfield-ma.gov/DocumentCenter/View/313/Town-Bylaws-PDF");
  EXPECT_TRUE(has_substr(urls, "/DocumentCenter/Index/43"));
  EXPECT_FALSE(has_substr(urls, "elsewhere.example.org"));
  EXPECT_FALSE(has_substr(urls, "Calendar.aspx"));
}

TEST(CivicPlusTest, AgendaCenterReadsTheLandingThenTenYearsBySearch) {
  Request home = claim_one("civicplus", "https://www.marrowfield-ma.gov/AgendaCenter");
  Reading r = read("civicplus", home, recorded("civicplus_agenda_home.html"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  int docs = 0, searches = 0;
  for (const auto& q : r.requests) {
    if (q.role == Role::kDocument) ++docs;
    if (q.context == "agenda_search") ++searches;
  }
  EXPECT_EQ(docs, 3);
  EXPECT_EQ(searches, 10);  // 2024 back to 2015, from the newest agenda file's date
  auto urls = fetch_urls(r.requests);
  EXPECT_TRUE(has_substr(urls, "startDate=01/01/2024&endDate=12/31/2024"));
  EXPECT_TRUE(has_substr(urls, "startDate=01/01/2015&endDate=12/31/2015"));
  EXPECT_FALSE(has_substr(urls, "startDate=01/01/2014"));
  EXPECT_EQ(r.requests[0].fetch_url,
            "https://www.marrowfield-ma.gov/AgendaCenter/ViewFile/Agenda/_03122024-455");
  // A search page gives documents only: no further searches (no endless year walk).
  Request search = r.requests.back();
  Reading again = read("civicplus", search, recorded("civicplus_agenda_home.html"));
  for (const auto& q : again.requests) EXPECT_NE(q.role, Role::kListing) << q.fetch_url;
}

TEST(CivicPlusTest, ArchiveRootGivesModulesAndItems) {
  Request root = claim_one("civicplus", "https://www.marrowfield-ma.gov/Archive.aspx");
  Reading r = read("civicplus", root, recorded("civicplus_archive_root.html"));
  ASSERT_TRUE(r.problem.empty());
  auto urls = fetch_urls(r.requests);
  ASSERT_EQ(urls.size(), 4u);
  EXPECT_EQ(urls[0], "https://www.marrowfield-ma.gov/Archive.aspx?ADID=905");  // "Sanctuary"
  EXPECT_TRUE(has_substr(urls, "AMID=37"));
}

TEST(CivicPlusTest, ATownsCivicPlusPageIsNotTakenOver) {
  // The crawl reads a recognised page through its adapter instead of for its links; a
  // CivicPlus home page's own links must stay the crawl's.
  auto page = parse_url("https://www.marrowfield-ma.gov/");
  ASSERT_TRUE(page);
  EXPECT_FALSE(adapter("civicplus").recognise(*page, recorded("civicplus_document_index.html")));
}

TEST(CivicPlusTest, DocumentChecksAndListingErrors) {
  Request doc =
      claim_one("civicplus", "https://www.marrowfield-ma.gov/DocumentCenter/View/311", "Trust Act");
  Reading ok = read("civicplus", doc, kPdf, 200, "application/octet-stream");
  EXPECT_TRUE(ok.store);
  EXPECT_TRUE(ok.problem.empty());
  Reading login = read("civicplus", doc, recorded("login.html"));
  EXPECT_FALSE(login.store);
  EXPECT_NE(login.problem.find("login page"), std::string::npos) << login.problem;
  Reading missing = read("civicplus", doc, "Not found", 404, "text/plain");
  EXPECT_NE(missing.problem.find("HTTP 404"), std::string::npos);

  Request folder = claim_one("civicplus", "https://www.marrowfield-ma.gov/DocumentCenter/Index/42");
  Reading empty =
      read("civicplus", folder, "<!DOCTYPE html><html><body><p>No documents.</p></body></html>");
  EXPECT_TRUE(empty.problem.empty());
  EXPECT_TRUE(empty.requests.empty());
  Reading json = read("civicplus", folder, "{\"d\": []}", 200, "application/json");
  EXPECT_NE(json.problem.find("not an HTML page"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Granicus

TEST(GranicusTest, Claims) {
  EXPECT_EQ(
      claim_one("granicus", "https://marrowfield.granicus.com/ViewPublisher.php?view_id=3").role,
      Role::kListing);
  EXPECT_EQ(
      claim_one("granicus",
                "https://marrowfield.granicus.com/MetaViewer.php?view_id=3&clip_id=9&meta_id=8")
          .role,
      Role::kDocument);
  EXPECT_EQ(
      claim_one("granicus", "https://www.quillbrook-ma.gov/home/showpublisheddocument/2207/637812")
          .role,
      Role::kDocument);
  EXPECT_EQ(claim_one("granicus",
                      "https://www.quillbrook-ma.gov/DocumentCenter/Home/ShowPublishedDocument/5/1")
                .role,
            Role::kDocument);
  EXPECT_FALSE(
      claim("granicus", "https://marrowfield.granicus.com/MediaPlayer.php?view_id=3&clip_id=1"));
  EXPECT_FALSE(claim("granicus", "https://marrowfield.granicus.com/ViewPublisher.php"));
  EXPECT_FALSE(claim("granicus", "https://www.quillbrook-ma.gov/MetaViewer.php?meta_id=1"));
}

TEST(GranicusTest, PublisherRowsGiveDocumentsInTheRecentWindow) {
  Request pub =
      claim_one("granicus", "https://marrowfield.granicus.com/ViewPublisher.php?view_id=3");
  Reading r = read("granicus", pub, recorded("granicus_publisher.html"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  auto urls = fetch_urls(r.requests);
  ASSERT_EQ(urls.size(), 4u);  // no video, nothing from 2009
  EXPECT_FALSE(has_substr(urls, "clip_id=12&"));
  EXPECT_FALSE(has_substr(urls, "MediaPlayer"));
  EXPECT_EQ(r.requests[0].relevance, 3);  // the welcoming-city hearing first
  EXPECT_NE(r.requests[0].title.find("Welcoming City Ordinance"), std::string::npos);
  EXPECT_TRUE(has_substr(urls, "meta_id=8801"));
}

TEST(GranicusTest, AgendaViewerMayBeHtmlButAFileLinkMayNot) {
  Request agenda = claim_one(
      "granicus", "https://marrowfield.granicus.com/AgendaViewer.php?view_id=3&clip_id=1");
  EXPECT_TRUE(read("granicus", agenda, "<html><body><h1>Agenda</h1></body></html>").store);
  Request file =
      claim_one("granicus", "https://www.quillbrook-ma.gov/home/showpublisheddocument/2207/637812");
  Reading r = read("granicus", file, "<html><body><h1>Page not found</h1></body></html>");
  EXPECT_FALSE(r.store);
  EXPECT_NE(r.problem.find("HTML page came back where a file was expected"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// Legistar

TEST(LegistarTest, ClaimsClientPagesAndTheApi) {
  Request p = claim_one("legistar", "https://quillbrook.legistar.com/Calendar.aspx");
  EXPECT_EQ(p.role, Role::kListing);
  EXPECT_EQ(
      p.fetch_url,
      "https://webapi.legistar.com/v1/quillbrook/matters?$top=1&$orderby=MatterIntroDate%20desc");
  EXPECT_NE(std::find(p.headers.begin(), p.headers.end(), "Accept: application/json"),
            p.headers.end());
  Request detail = claim_one(
      "legistar", "https://quillbrook.legistar.com/LegislationDetail.aspx?ID=4987&GUID=0A1B2C3D",
      "Trust Act");
  EXPECT_EQ(detail.fetch_url, "https://webapi.legistar.com/v1/quillbrook/matters/4987/attachments");
  Request file =
      claim_one("legistar", "https://quillbrook.legistar.com/View.ashx?M=F&ID=13001&GUID=AB");
  EXPECT_EQ(file.role, Role::kDocument);
  EXPECT_FALSE(claim("legistar", "https://www.legistar.com/products"));
  EXPECT_FALSE(claim("legistar", "https://quillbrook.legistar.com.example.org/Calendar.aspx"));
  EXPECT_FALSE(claim("legistar", "https://quillbrook.legistar.com/LegislationDetail.aspx?ID=abc"));
}

TEST(LegistarTest, ProbeGivesTenYearsOfMatterAndEventRanges) {
  Request p = claim_one("legistar", "https://quillbrook.legistar.com/");
  Reading r = read("legistar", p, recorded("legistar_probe.json"), 200, "application/json");
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  ASSERT_EQ(r.requests.size(), 20u);
  auto urls = fetch_urls(r.requests);
  EXPECT_EQ(urls[0],
            "https://webapi.legistar.com/v1/quillbrook/"
            "matters?$filter=MatterIntroDate%20ge%20datetime%272024-01-01%27"
            "%20and%20MatterIntroDate%20lt%20datetime%272025-01-01%27");
  EXPECT_TRUE(has_substr(urls, "/events?$filter=EventDate%20ge%20datetime%272015-01-01%27"));
  EXPECT_FALSE(has_substr(urls, "2014-01-01"));
}

TEST(LegistarTest, PolicyMattersLeadToAttachmentsStoredUnderTheDetailPage) {
  Request p = claim_one("legistar", "https://quillbrook.legistar.com/");
  Reading probe = read("legistar", p, recorded("legistar_probe.json"));
  Reading matters = read("legistar", probe.requests[0], recorded("legistar_matters_2024.json"));
  ASSERT_TRUE(matters.problem.empty()) << matters.problem;
  ASSERT_EQ(matters.requests.size(), 2u);  // the proclamation is not fetched
  EXPECT_EQ(matters.requests[0].fetch_url,
            "https://webapi.legistar.com/v1/quillbrook/matters/4987/attachments");
  EXPECT_EQ(matters.requests[0].relevance, 3);
  EXPECT_EQ(matters.requests[1].fetch_url,
            "https://webapi.legistar.com/v1/quillbrook/matters/5001/attachments");

  Reading one = read("legistar", matters.requests[0], recorded("legistar_attachments_one.json"));
  ASSERT_TRUE(one.problem.empty());
  ASSERT_EQ(one.requests.size(), 1u);
  const Request& doc = one.requests[0];
  EXPECT_EQ(doc.role, Role::kDocument);
  EXPECT_EQ(doc.fetch_url,
            "https://quillbrook.legistar.com/"
            "View.ashx?M=F&ID=13001&GUID=AB000000-0000-4000-8000-000000013001");
  EXPECT_EQ(doc.human_url,
            "https://quillbrook.legistar.com/"
            "LegislationDetail.aspx?ID=4987&GUID=0A1B2C3D-0000-4000-8000-000000004987");
  EXPECT_NE(doc.title.find("24-0107"), std::string::npos);
  EXPECT_NE(doc.title.find("final text"), std::string::npos);
  EXPECT_TRUE(read("legistar", doc, kPdf, 200, "application/pdf").store);

  // Two attachments cannot share one page as their URL: each keeps its own file link.
  Reading two = read("legistar", matters.requests[0], recorded("legistar_attachments_two.json"));
  ASSERT_EQ(two.requests.size(), 2u);
  for (const auto& q : two.requests) EXPECT_TRUE(q.human_url.empty()) << q.fetch_url;
}

TEST(LegistarTest, EventsGiveOneFilePerMeetingTheLatestFirstAndCapped) {
  Request p = claim_one("legistar", "https://quillbrook.legistar.com/");
  Reading probe = read("legistar", p, recorded("legistar_probe.json"));
  ASSERT_NE(probe.requests[10].fetch_url.find("/events?"), std::string::npos);  // after matters
  Reading events = read("legistar", probe.requests[10], recorded("legistar_events_2024.json"));
  ASSERT_TRUE(events.problem.empty()) << events.problem;
  ASSERT_EQ(events.requests.size(), 1u);  // the minutes, not also the agenda; none for 881
  EXPECT_EQ(events.requests[0].doc_type, "minutes");
  EXPECT_NE(events.requests[0].title.find("City Council 2024-03-04"), std::string::npos);

  std::string many = "[";
  for (int d = 1; d <= 28; ++d) {
    std::string day = (d < 10 ? "0" : "") + std::to_string(d);
    many += "{\"EventId\":" + std::to_string(d) + ",\"EventBodyName\":\"" +
            (d == 2 ? "Ordinance Committee" : "City Council") + "\",\"EventDate\":\"2024-02-" +
            day +
            "T00:00:00\",\"EventAgendaFile\":\"https://quillbrook.legistar.com/View.ashx?M=A&ID=" +
            std::to_string(d) + "\"},";
  }
  many.back() = ']';
  Reading capped = read("legistar", probe.requests[10], many);
  ASSERT_TRUE(capped.problem.empty()) << capped.problem;
  ASSERT_EQ(capped.requests.size(), 13u);  // 12 plain meetings and the ordinance committee
  EXPECT_NE(capped.requests[0].title.find("Ordinance Committee"), std::string::npos);
  EXPECT_NE(capped.requests[1].title.find("2024-02-28"), std::string::npos);
  EXPECT_NE(capped.requests[12].title.find("2024-02-17"), std::string::npos);
}

TEST(LegistarTest, ErrorsAndChangedShapesArePlainProblems) {
  Request p = claim_one("legistar", "https://nowhere.legistar.com/");
  Reading err = read("legistar", p, recorded("legistar_error.json"), 400, "application/json");
  EXPECT_NE(err.problem.find("Agency was not found"), std::string::npos) << err.problem;
  EXPECT_TRUE(err.requests.empty());
  Reading html = read("legistar", p, recorded("login.html"));
  EXPECT_NE(html.problem.find("HTML page, not JSON"), std::string::npos);
  Reading empty = read("legistar", p, "[]", 200, "application/json");
  EXPECT_TRUE(empty.problem.empty());
  EXPECT_TRUE(empty.requests.empty());
  Reading renamed_probe = read("legistar", p, recorded("legistar_matters_renamed.json"));
  EXPECT_NE(renamed_probe.problem.find("MatterIntroDate"), std::string::npos);
  Reading probe = read("legistar", claim_one("legistar", "https://quillbrook.legistar.com/"),
                       recorded("legistar_probe.json"));
  Reading renamed = read("legistar", probe.requests[0], recorded("legistar_matters_renamed.json"));
  EXPECT_NE(renamed.problem.find("no MatterId field"), std::string::npos) << renamed.problem;
  EXPECT_TRUE(renamed.requests.empty());
}

TEST(LegistarTest, AFullPageAsksForTheNextUpToACap) {
  std::string page = "[";
  for (int i = 0; i < 1000; ++i) {
    if (i) page += ",";
    page += "{\"MatterId\":" + std::to_string(i) +
            ",\"MatterTitle\":\"Sidewalk order\",\"MatterIntroDate\":\"2024-01-02\"}";
  }
  page += "]";
  Reading probe = read("legistar", claim_one("legistar", "https://quillbrook.legistar.com/"),
                       recorded("legistar_probe.json"));
  Request req = probe.requests[0];
  int pages = 0;
  for (;;) {
    Reading r = read("legistar", req, page);
    ASSERT_TRUE(r.problem.empty());
    ++pages;
    if (r.requests.empty()) break;
    ASSERT_EQ(r.requests.size(), 1u);
    req = r.requests[0];
    EXPECT_NE(req.fetch_url.find("$skip=" + std::to_string(pages * 1000)), std::string::npos)
        << req.fetch_url;
    ASSERT_LT(pages, 100) << "the listing never ended";
  }
  EXPECT_EQ(pages, 20);
}

// ---------------------------------------------------------------------------------------
// IQM2

TEST(Iqm2Test, CalendarGivesFilesMeetingsAndYearRanges) {
  EXPECT_FALSE(claim("iqm2", "https://fenwickharbor.example.gov/Citizens/Calendar.aspx"));
  EXPECT_EQ(
      claim_one("iqm2", "https://fenwickharbor.iqm2.com/Citizens/FileOpen.aspx?Type=1&ID=2231")
          .role,
      Role::kDocument);
  Request home = claim_one("iqm2", "https://fenwickharbor.iqm2.com/Citizens/Default.aspx");
  EXPECT_EQ(home.fetch_url, "https://fenwickharbor.iqm2.com/Citizens/Calendar.aspx");
  Reading r = read("iqm2", home, recorded("iqm2_calendar.html"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  auto urls = fetch_urls(r.requests);
  // The Safe Communities meeting's files and page first.
  EXPECT_EQ(r.requests[0].relevance, 3);
  EXPECT_NE(r.requests[0].fetch_url.find("ID=2231"), std::string::npos);
  EXPECT_TRUE(has_substr(urls, "/Citizens/Detail_Meeting.aspx?ID=2219"));
  EXPECT_TRUE(has_substr(urls, "Calendar.aspx?From=1/1/2024&To=12/31/2024"));
  EXPECT_TRUE(has_substr(urls, "Calendar.aspx?From=1/1/2015&To=12/31/2015"));
  EXPECT_FALSE(has_substr(urls, "From=1/1/2014"));
  int ranges = 0;
  for (const auto& q : r.requests) ranges += q.context == "range";
  EXPECT_EQ(ranges, 10);
  // A year's calendar makes no more calendars.
  Reading year = read("iqm2", r.requests.back(), recorded("iqm2_calendar.html"));
  for (const auto& q : year.requests) EXPECT_NE(q.context, "range");
}

// ---------------------------------------------------------------------------------------
// NovusAgenda

TEST(NovusAgendaTest, LandingAndMeetingPages) {
  EXPECT_FALSE(claim("novusagenda", "https://quillbrook.novusagenda.com/agenda/"));
  Request home = claim_one("novusagenda", "https://quillbrook.novusagenda.com/agendapublic/");
  ASSERT_EQ(home.role, Role::kListing);
  Reading r = read("novusagenda", home, recorded("novus_home.html"));
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  auto urls = fetch_urls(r.requests);
  ASSERT_EQ(urls.size(), 3u);  // not the 2011 agenda
  EXPECT_EQ(r.requests[0].relevance, 3);
  EXPECT_FALSE(has_substr(urls, "MeetingID=12"));
  EXPECT_TRUE(has_substr(urls, "DisplayAgendaPDF.ashx?MeetingID=1405"));

  Request meeting =
      claim_one("novusagenda",
                "https://quillbrook.novusagenda.com/agendapublic/MeetingView.aspx?MeetingID=1411");
  Reading m = read("novusagenda", meeting, recorded("novus_meeting.html"));
  ASSERT_EQ(m.requests.size(), 2u);  // the two cover sheets, not the previous meeting
  EXPECT_EQ(m.requests[0].role, Role::kPage);
  EXPECT_NE(m.requests[0].fetch_url.find("ItemID=8802"), std::string::npos);
  EXPECT_TRUE(read("novusagenda", m.requests[0], "<html><body>Item 2</body></html>").store);
}

// ---------------------------------------------------------------------------------------
// CivicClerk

TEST(CivicClerkTest, PortalLeadsToTheApiAndFilesKeepThePortalUrl) {
  EXPECT_FALSE(claim("civicclerk", "https://civicclerk.com/"));
  Request p = claim_one("civicclerk", "https://fenwickharbor.portal.civicclerk.com/");
  EXPECT_EQ(
      p.fetch_url,
      "https://fenwickharbor.api.civicclerk.com/v1/Events?$orderby=startDateTime%20desc&$top=1");
  Reading probe = read("civicclerk", p, recorded("civicclerk_probe.json"), 200, "application/json");
  ASSERT_TRUE(probe.problem.empty()) << probe.problem;
  ASSERT_EQ(probe.requests.size(), 10u);
  EXPECT_NE(probe.requests[0].fetch_url.find("2025-01-01T00%3A00%3A00Z"), std::string::npos)
      << probe.requests[0].fetch_url;
  EXPECT_NE(probe.requests[9].fetch_url.find("2016-01-01"), std::string::npos);

  Reading ev = read("civicclerk", probe.requests[0], recorded("civicclerk_events_2025.json"));
  ASSERT_TRUE(ev.problem.empty()) << ev.problem;
  ASSERT_EQ(ev.requests.size(), 4u);
  const Request& first = ev.requests[0];
  EXPECT_EQ(first.fetch_url,
            "https://fenwickharbor.api.civicclerk.com/v1/Meetings/"
            "GetMeetingFileStream(fileId=4415,plainText=false)");
  EXPECT_EQ(first.human_url,
            "https://fenwickharbor.portal.civicclerk.com/event/591/files/attachment/4415");
  EXPECT_EQ(first.relevance, 3);
  EXPECT_EQ(ev.requests[3].role, Role::kListing);  // the next page, last
  EXPECT_NE(ev.requests[3].fetch_url.find("$skip=2"), std::string::npos);
  bool minutes = false;
  for (const auto& q : ev.requests) {
    if (q.human_url == "https://fenwickharbor.portal.civicclerk.com/event/590/files/minutes/4472") {
      minutes = q.doc_type == "minutes";
    }
  }
  EXPECT_TRUE(minutes);
  EXPECT_TRUE(read("civicclerk", first, kPdf, 200, "application/pdf").store);
}

TEST(CivicClerkTest, ErrorsAndChangedShapes) {
  Request p = claim_one("civicclerk", "https://fenwickharbor.portal.civicclerk.com/");
  Reading err = read("civicclerk", p, recorded("civicclerk_error.json"), 400, "application/json");
  EXPECT_NE(err.problem.find("Could not find a property"), std::string::npos) << err.problem;
  Reading changed = read("civicclerk", p, "{\"items\": []}", 200, "application/json");
  EXPECT_NE(changed.problem.find("no \"value\" list"), std::string::npos);
  Reading empty = read("civicclerk", p, "{\"value\": []}", 200, "application/json");
  EXPECT_TRUE(empty.problem.empty());
  EXPECT_TRUE(empty.requests.empty());
  Reading html =
      read("civicclerk", p, "<!DOCTYPE html><html><head><title>CivicClerk</title></head></html>");
  EXPECT_NE(html.problem.find("HTML page"), std::string::npos);
}

TEST(CivicClerkTest, MeetingFilesWithoutPolicyWordsAreCappedPerPage) {
  Reading probe =
      read("civicclerk", claim_one("civicclerk", "https://fenwickharbor.portal.civicclerk.com/"),
           recorded("civicclerk_probe.json"));
  std::string body = "{\"value\":[";
  for (int i = 0; i < 30; ++i) {
    body += "{\"id\":" + std::to_string(700 + i) +
            ",\"eventName\":\"Board of Health\",\"startDateTime\":\"2025-05-01T22:00:00Z\","
            "\"publishedFiles\":[{\"type\":\"Agenda\",\"name\":\"Agenda\",\"fileId\":" +
            std::to_string(5000 + i) + "}]},";
  }
  body +=
      "{\"id\":800,\"eventName\":\"Select Board\",\"startDateTime\":\"2025-04-01T22:00:00Z\","
      "\"publishedFiles\":[{\"type\":\"Attachment\",\"name\":\"Welcoming community "
      "resolution\",\"fileId\":5999}]}]}";
  Reading r = read("civicclerk", probe.requests[0], body);
  ASSERT_TRUE(r.problem.empty()) << r.problem;
  ASSERT_EQ(r.requests.size(), 13u);
  EXPECT_NE(r.requests[0].fetch_url.find("fileId=5999"), std::string::npos);
  EXPECT_NE(r.requests[1].fetch_url.find("fileId=5000"), std::string::npos);
}

TEST(CivicClerkTest, AListingThatNeverEndsIsCapped) {
  Reading probe =
      read("civicclerk", claim_one("civicclerk", "https://fenwickharbor.portal.civicclerk.com/"),
           recorded("civicclerk_probe.json"));
  Request req = probe.requests[0];
  std::string body = recorded("civicclerk_events_2025.json");
  int pages = 0;
  for (;;) {
    Reading r = read("civicclerk", req, body);
    ASSERT_TRUE(r.problem.empty());
    ++pages;
    if (r.requests.empty() || r.requests.back().role != Role::kListing) break;
    req = r.requests.back();
    ASSERT_LT(pages, 100) << "the listing never ended";
  }
  EXPECT_EQ(pages, 20);
}

}  // namespace
}  // namespace policyindex::crawler::platforms
