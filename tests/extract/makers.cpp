#include "tests/extract/makers.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <zip.h>

#include <memory>
#include <stdexcept>

namespace policyindex::testing {
namespace {

cairo_status_t append(void* closure, const unsigned char* data, unsigned int len) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), len);
  return CAIRO_STATUS_SUCCESS;
}

void draw_texts(cairo_t* cr, const std::vector<PdfText>& texts) {
  for (const PdfText& t : texts) {
    cairo_select_font_face(cr, "DejaVu Serif", CAIRO_FONT_SLANT_NORMAL,
                           t.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, t.size);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, t.x, t.y);
    cairo_show_text(cr, t.text.c_str());
    if (t.struck) {
      cairo_text_extents_t ext;
      cairo_text_extents(cr, t.text.c_str(), &ext);
      cairo_set_line_width(cr, t.size / 14);
      double y = t.y - t.size * 0.28;
      cairo_move_to(cr, t.x, y);
      cairo_line_to(cr, t.x + ext.x_advance, y);
      cairo_stroke(cr);
    }
  }
}

}  // namespace

std::string make_pdf(const std::vector<PdfPage>& pages) {
  std::string out;
  cairo_surface_t* s = cairo_pdf_surface_create_for_stream(&append, &out, 612, 792);
  cairo_t* cr = cairo_create(s);
  for (const PdfPage& p : pages) {
    if (p.image_only) {
      // 200 dpi raster of the page, painted as an image.
      double k = 200.0 / 72;
      cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(612 * k), static_cast<int>(792 * k));
      cairo_t* ic = cairo_create(img);
      cairo_set_source_rgb(ic, 1, 1, 1);
      cairo_paint(ic);
      cairo_scale(ic, k, k);
      draw_texts(ic, p.texts);
      cairo_destroy(ic);
      cairo_save(cr);
      cairo_scale(cr, 1 / k, 1 / k);
      cairo_set_source_surface(cr, img, 0, 0);
      cairo_paint(cr);
      cairo_restore(cr);
      cairo_surface_destroy(img);
    } else {
      draw_texts(cr, p.texts);
    }
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(s);
  cairo_surface_destroy(s);
  return out;
}

std::string make_flowing_pdf(const std::vector<std::string>& paragraphs, const std::string& header,
                             int lines_per_page) {
  std::vector<PdfPage> pages(1);
  double y = 100;
  int line = 0;
  auto new_page = [&] {
    pages.emplace_back();
    y = 100;
    line = 0;
  };
  for (const std::string& para : paragraphs) {
    bool heading = !para.empty() && para[0] == '#';
    std::string text = heading ? para.substr(1) : para;
    std::vector<std::string> lines;
    std::string cur;
    size_t i = 0;
    while (i < text.size()) {
      size_t e = text.find(' ', i);
      if (e == std::string::npos) e = text.size();
      std::string w = text.substr(i, e - i);
      if (!cur.empty() && cur.size() + 1 + w.size() > 80) {
        lines.push_back(cur);
        cur.clear();
      }
      cur += (cur.empty() ? "" : " ") + w;
      i = e + 1;
    }
    if (!cur.empty()) lines.push_back(cur);
    if (heading && line + 3 > lines_per_page) new_page();
    for (const std::string& l : lines) {
      if (line >= lines_per_page) new_page();
      pages.back().texts.push_back({l, 72, y, heading ? 14.0 : 11.0, heading, false});
      y += heading ? 20 : 14;
      ++line;
    }
    y += 8;  // paragraph spacing
  }
  for (size_t p = 0; p < pages.size(); ++p) {
    pages[p].texts.push_back({header, 72, 40, 9, false, false});
    pages[p].texts.push_back({"Page " + std::to_string(p + 1), 290, 760, 9, false, false});
  }
  return make_pdf(pages);
}

namespace {

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

std::string zip_of(const std::vector<std::pair<std::string, std::string>>& files) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_source_keep(src);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (!z) throw std::runtime_error("zip_open_from_source");
  for (const auto& [name, data] : files) {
    zip_source_t* fs = zip_source_buffer(z, data.data(), data.size(), 0);  // lives until zip_close
    zip_file_add(z, name.c_str(), fs, ZIP_FL_OVERWRITE);
  }
  if (zip_close(z) != 0) throw std::runtime_error("zip_close");
  zip_source_open(src);
  zip_source_seek(src, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  std::string out(static_cast<size_t>(size), '\0');
  zip_source_read(src, out.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

}  // namespace

std::string make_docx(const std::vector<DocxPara>& paras, const std::string& numbering_xml,
                      const std::string& styles_xml) {
  std::string body;
  for (const DocxPara& p : paras) {
    body += "<w:p>";
    if (!p.style.empty() || p.num_id) {
      body += "<w:pPr>";
      if (!p.style.empty()) body += "<w:pStyle w:val=\"" + p.style + "\"/>";
      if (p.num_id) {
        body += "<w:numPr><w:ilvl w:val=\"" + std::to_string(p.ilvl) + "\"/><w:numId w:val=\"" +
                std::to_string(p.num_id) + "\"/></w:numPr>";
      }
      body += "</w:pPr>";
    }
    for (const DocxRun& r : p.runs) {
      std::string run = "<w:r>";
      if (r.strike || r.bold) {
        run += "<w:rPr>";
        if (r.bold) run += "<w:b/>";
        if (r.strike) run += "<w:strike/>";
        run += "</w:rPr>";
      }
      run += r.deleted ? "<w:delText xml:space=\"preserve\">" + xml_escape(r.text) + "</w:delText>"
                       : "<w:t xml:space=\"preserve\">" + xml_escape(r.text) + "</w:t>";
      run += "</w:r>";
      body += r.deleted ? "<w:del w:id=\"1\" w:author=\"clerk\">" + run + "</w:del>" : run;
    }
    body += "</w:p>";
  }
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" +
      body + "<w:sectPr/></w:body></w:document>";
  std::string types =
      "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
  std::vector<std::pair<std::string, std::string>> parts = {{"[Content_Types].xml", types},
                                                            {"word/document.xml", doc}};
  if (!numbering_xml.empty()) parts.push_back({"word/numbering.xml", numbering_xml});
  if (!styles_xml.empty()) parts.push_back({"word/styles.xml", styles_xml});
  return zip_of(parts);
}

std::string make_zip_bomb(size_t inflated) {
  std::string big = "<?xml version=\"1.0\"?><w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>";
  big.append(inflated, ' ');
  big += "</w:t></w:r></w:p></w:body></w:document>";
  return zip_of({{"word/document.xml", big}});
}

}  // namespace policyindex::testing
