// DOCX written by hand: the few WordprocessingML parts Word and LibreOffice need, zipped
// with libzip. Entries carry a fixed date so that the build is reproducible.

#include <zip.h>

#include <ctime>
#include <memory>
#include <stdexcept>

#include "demo/sample/gen/render.h"

namespace policyindex::sample_gen {
namespace {

std::string xml_escape(std::string_view s) { return markup_escape(s, true); }

constexpr const char* kNs =
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

std::string run(const Span& s) {
  std::string props;
  if (s.bold) props += "<w:b/>";
  if (s.italic) props += "<w:i/>";
  if (s.struck) props += "<w:strike/>";
  if (s.inserted) props += "<w:u w:val=\"single\"/>";
  std::string out = "<w:r>";
  if (!props.empty()) out += "<w:rPr>" + props + "</w:rPr>";
  out += "<w:t xml:space=\"preserve\">" + xml_escape(s.text) + "</w:t></w:r>";
  return out;
}

std::string document_xml(const Doc& doc) {
  std::string body;
  body += "<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr>" + run(Span{doc.title}) + "</w:p>";
  for (const auto& b : doc.blocks) {
    switch (b.kind) {
      case BlockKind::kPageBreak:
        body += "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>";
        continue;
      case BlockKind::kHeading:
        body += "<w:p><w:pPr><w:pStyle w:val=\"Heading" + std::to_string(b.level) + "\"/></w:pPr>";
        break;
      case BlockKind::kBullet:
        body +=
            "<w:p><w:pPr><w:ind w:left=\"720\" w:hanging=\"360\"/></w:pPr>" + run(Span{"\u2022\t"});
        break;
      case BlockKind::kParagraph:
        body += b.level > 0 ? "<w:p><w:pPr><w:ind w:left=\"" + std::to_string(720 * b.level) +
                                  "\"/></w:pPr>"
                            : "<w:p>";
        break;
    }
    for (const auto& s : b.spans) body += run(s);
    body += "</w:p>";
  }
  body +=
      "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>"
      "<w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>"
      "<w:pgSz w:w=\"12240\" w:h=\"15840\"/>"
      "<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" "
      "w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/></w:sectPr>";
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") +
         "<w:document " + kNs + "><w:body>" + body + "</w:body></w:document>";
}

std::string styles_xml() {
  auto heading = [](int n, int size_half_points) {
    return "<w:style w:type=\"paragraph\" w:styleId=\"Heading" + std::to_string(n) +
           "\"><w:name w:val=\"heading " + std::to_string(n) +
           "\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>"
           "<w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:outlineLvl "
           "w:val=\"" +
           std::to_string(n - 1) + "\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"" +
           std::to_string(size_half_points) + "\"/></w:rPr></w:style>";
  };
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") +
         "<w:styles " + kNs +
         "><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Liberation Serif\" "
         "w:hAnsi=\"Liberation Serif\"/><w:sz w:val=\"22\"/></w:rPr></w:rPrDefault>"
         "<w:pPrDefault><w:pPr><w:spacing w:after=\"120\"/></w:pPr></w:pPrDefault></w:docDefaults>"
         "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
         "w:val=\"Normal\"/><w:qFormat/></w:style>"
         "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>"
         "<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:jc "
         "w:val=\"center\"/><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/><w:sz "
         "w:val=\"36\"/></w:rPr></w:style>" +
         heading(1, 30) + heading(2, 26) + heading(3, 23) +
         "<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/>"
         "<w:basedOn w:val=\"Normal\"/><w:rPr><w:sz w:val=\"17\"/></w:rPr></w:style>"
         "<w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/>"
         "<w:basedOn w:val=\"Normal\"/><w:rPr><w:sz w:val=\"17\"/></w:rPr></w:style>"
         "</w:styles>";
}

std::string header_xml(const std::string& text) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") +
         "<w:hdr " + kNs + "><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr>" + run(Span{text}) +
         "</w:p></w:hdr>";
}

std::string footer_xml(const std::string& text) {
  // "TEXT    Page N of M" with PAGE and NUMPAGES fields.
  std::string p =
      "<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>" + run(Span{text}) + run(Span{"\tPage "}) +
      "<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple>" + run(Span{" of "}) +
      "<w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>1</w:t></w:r></w:fldSimple>"
      "</w:p>";
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") +
         "<w:ftr " + kNs + ">" + p + "</w:ftr>";
}

constexpr const char* kContentTypes =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "</Types>";

constexpr const char* kRootRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    "core-properties\" Target=\"docProps/core.xml\"/>"
    "</Relationships>";

constexpr const char* kDocumentRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rIdStyles\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/>"
    "<Relationship Id=\"rIdHeader\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" "
    "Target=\"header1.xml\"/>"
    "<Relationship Id=\"rIdFooter\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" "
    "Target=\"footer1.xml\"/>"
    "</Relationships>";

std::string core_xml(const Doc& doc) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") +
         "<cp:coreProperties "
         "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
         "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>" +
         xml_escape(doc.title) +
         "</dc:title><dc:creator>policyindex sample generator</dc:creator>"
         "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-03-04T12:00:00Z</dcterms:created>"
         "</cp:coreProperties>";
}

}  // namespace

void render_docx(const Doc& doc, const std::filesystem::path& out) {
  std::filesystem::remove(out);
  int err = 0;
  zip_t* raw = zip_open(out.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!raw)
    throw std::runtime_error(out.string() + ": cannot create zip (libzip error " +
                             std::to_string(err) + ")");
  std::unique_ptr<zip_t, decltype(&zip_discard)> archive(raw, zip_discard);
  // libzip reads sources when the archive is closed: keep the strings alive until then.
  std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml", kContentTypes},          {"_rels/.rels", kRootRels},
      {"word/document.xml", document_xml(doc)},        {"word/styles.xml", styles_xml()},
      {"word/header1.xml", header_xml(doc.header)},    {"word/footer1.xml", footer_xml(doc.footer)},
      {"word/_rels/document.xml.rels", kDocumentRels}, {"docProps/core.xml", core_xml(doc)},
  };
  std::tm tm{};
  tm.tm_year = 2024 - 1900;
  tm.tm_mon = 2;
  tm.tm_mday = 4;
  tm.tm_hour = 12;
  const time_t when = timegm(&tm);
  for (const auto& [name, content] : parts) {
    zip_source_t* src = zip_source_buffer(archive.get(), content.data(), content.size(), 0);
    if (!src) throw std::runtime_error(out.string() + ": " + zip_strerror(archive.get()));
    zip_int64_t idx = zip_file_add(archive.get(), name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
      zip_source_free(src);
      throw std::runtime_error(out.string() + ": " + zip_strerror(archive.get()));
    }
    zip_file_set_mtime(archive.get(), static_cast<zip_uint64_t>(idx), when, 0);
  }
  if (zip_close(archive.get()) != 0) {
    throw std::runtime_error(out.string() + ": " + zip_strerror(archive.get()));
  }
  archive.release();  // zip_close freed it
}

}  // namespace policyindex::sample_gen
