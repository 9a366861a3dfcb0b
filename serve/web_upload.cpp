// /analyze and /api/analyze: an advocate's own file, analyzed and reported without being
// stored (serve/web_upload.h).

#include "serve/web_upload.h"

#include <algorithm>
#include <cctype>

#include "render/render.h"
#include "render/report.h"
#include "serve/web.h"

namespace policyindex::serve {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string request_header(const HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (iequals(k, name)) return v;
  return "";
}

// The value of parameter NAME in a header value such as `form-data; name="file"; filename="a.pdf"`
// (quoted with backslash escapes, or a bare token); nullopt when absent.
std::optional<std::string> header_param(std::string_view value, std::string_view name) {
  size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view key = trim(value.substr(i, eq - i));
    size_t j = eq + 1;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    std::string v;
    if (j < value.size() && value[j] == '"') {
      ++j;
      while (j < value.size() && value[j] != '"') {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        v += value[j++];
      }
      if (j < value.size()) ++j;  // the closing quote
      i = value.find(';', j);
    } else {
      size_t end = value.find(';', j);
      v = std::string(trim(value.substr(j, end == std::string_view::npos ? std::string_view::npos : end - j)));
      i = end;
    }
    if (iequals(key, name)) return v;
  }
  return std::nullopt;
}

bool media_type_is(std::string_view content_type, std::string_view type) {
  return iequals(trim(content_type.substr(0, content_type.find(';'))), type);
}

auto bad(const std::string& message) { return make_error(ErrorCode::kInvalidArgument, message); }

// The file's name as shown in the report: its last path component, printable, valid UTF-8,
// at most 200 bytes; "the uploaded file" when nothing is left.
std::string display_name(std::string_view filename) {
  const size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  std::string out;
  for (size_t i = 0; i < filename.size() && out.size() < 200;) {
    const auto c = static_cast<unsigned char>(filename[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= filename.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(filename[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      out += '?';
      ++i;
      continue;
    }
    if (len == 1 && (c < 0x20 || c == 0x7F)) {
      ++i;
      continue;
    }
    out.append(filename.substr(i, len));
    i += len;
  }
  std::string_view t = trim(out);
  return t.empty() || t == "." || t == ".." ? "the uploaded file" : std::string(t);
}

std::string megabytes(size_t bytes) { return std::to_string(bytes >> 20) + " MB"; }

int upload_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kTimeout: return 504;
    case ErrorCode::kBusy: return 503;
    case ErrorCode::kNotFound:
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
    case ErrorCode::kIndex: return 500;
    default: return 422;  // a file we cannot read: corrupt, encrypted, empty, scanned, unsupported
  }
}

HttpResponse json_fail(int status, const Error& e) {
  return web::json_response(status, render::json_error(error_code_name(e.code), e.message));
}

}  // namespace

HttpResponse upload_busy_response(std::string_view target, const Uploads& uploads) {
  const bool api = target.substr(0, target.find('?')) == "/api/analyze";
  const std::string message = "The server is already analyzing " + std::to_string(uploads.limits().max_concurrent) +
                              " files. Please try again in a minute.";
  HttpResponse r = api ? json_fail(503, Error{ErrorCode::kBusy, message})
                       : web::error_page(503, "Busy, please try again", message);
  r.headers.emplace_back("Retry-After", "10");
  return r;
}

namespace {

// The form, with MESSAGE (an error, escaped here) above it when there is one.
std::string form_html(Api& api, const Uploads& uploads, std::string_view message, std::string_view town,
                      std::string_view model) {
  const std::string limit = megabytes(uploads.limits().max_bytes);
  std::string h = "<h1>Analyze your town's policy</h1>\n";
  if (!message.empty()) h += "<p class=\"error\" role=\"alert\" id=\"upload-error\">" + web::html_escape(message) + "</p>\n";
  h += "<p>Upload the policy you have, for example a PDF from a public records request. You get its "
       "scorecard on the seven questions, the sentences each verdict rests on, and language other towns "
       "adopted that you could propose. The file is read once and not kept.</p>\n"
       "<form id=\"upload-form\" class=\"upload\" action=\"/analyze\" method=\"post\" enctype=\"multipart/form-data\">\n"
       "<p><label for=\"upload-file\">Your town's policy (PDF, Word, web page or text file, up to " + limit +
       ")</label><br><input id=\"upload-file\" name=\"file\" type=\"file\" required "
       "accept=\".pdf,.docx,.html,.htm,.txt,application/pdf,text/html,text/plain,"
       "application/vnd.openxmlformats-officedocument.wordprocessingml.document\"></p>\n";
  auto tax = web::load_taxonomy(api);
  h += "<p><label for=\"upload-town\">Your town (optional: nearby towns' language is shown first)</label><br>"
       "<select id=\"upload-town\" name=\"town\"><option value=\"\">Not said</option>";
  if (tax) {
    for (const auto& m : tax->municipalities) {
      h += "<option" + std::string(m.name == town ? " selected" : "") + ">" + web::html_escape(m.name) + "</option>";
    }
  }
  h += "</select></p>\n";
  const std::vector<std::string> models = uploads.models();
  if (!models.empty()) {
    h += "<p><label for=\"upload-model\">Compare with a model policy (optional)</label><br>"
         "<select id=\"upload-model\" name=\"model\"><option value=\"\">No comparison</option>";
    for (const auto& m : models)
      h += "<option" + std::string(m == model ? " selected" : "") + ">" + web::html_escape(m) + "</option>";
    h += "</select></p>\n";
  }
  h += "<p><button type=\"submit\" id=\"upload-submit\" data-busy=\"Analyzing…, scanned pages take up to 20 seconds\">"
       "Analyze</button></p>\n<p class=\"upload-status\" id=\"upload-status\" role=\"status\" aria-live=\"polite\"></p>\n"
       "</form>\n<p class=\"note\">Scanned PDFs are read by OCR, which takes up to 20 seconds for 10 pages. PDFs are "
       "read up to " + std::to_string(uploads.limits().max_pages) + " pages. Programs can POST the file to "
       "<code>/api/analyze</code> for the JSON report.</p>\n";
  return h;
}

HttpResponse form_page(int status, Api& api, const Uploads& uploads, std::string_view message,
                       std::string_view town = {}, std::string_view model = {}) {
  return web::html_response(status, web::layout({"Analyze a policy", "analyze", "", ""},
                                                form_html(api, uploads, message, town, model)));
}

// The report page: the one HTML writer's report (render::report_html) inside the site layout.
HttpResponse report_page(const query::Report& report) {
  const std::string full = render::report_html(report);
  const size_t open = full.find("<main>"), close = full.rfind("</main>");
  std::string_view inner = open == std::string::npos || close == std::string::npos || close < open
                               ? std::string_view(full)
                               : std::string_view(full).substr(open + 6, close - open - 6);
  std::string m = "<div class=\"report upload-report\" id=\"report\">";
  m += inner;
  m += "</div>\n<p class=\"note no-print\">Nothing you uploaded was kept. Print this page (or save it as PDF) to take "
       "the report with you. <a href=\"/analyze\">Analyze another file</a>.</p>\n";
  const std::string title = "Report: " + (report.title.empty() ? report.file : report.title);
  return web::html_response(200, web::layout({title, "analyze", "", ""}, m));
}

// The upload of REQUEST: the file, its name, and the town and model chosen (form fields, or
// the query string of a raw /api/analyze body).
Result<UploadInput> read_upload(const HttpRequest& request, const web::Params& params, bool api,
                                const UploadLimits& limits) {
  const std::string content_type = request_header(request, "Content-Type");
  UploadInput in;
  in.town = params.get("town");
  in.model = params.get("model");
  std::string filename = params.get("name");
  if (media_type_is(content_type, "multipart/form-data")) {
    auto parts = parse_multipart(content_type, request.body);
    if (!parts) return tl::make_unexpected(parts.error());
    bool have_file = false;
    for (auto& p : *parts) {
      if (p.name == "file" && !have_file) {
        have_file = true;
        in.bytes = std::move(p.data);
        filename = p.filename;
      } else if (p.name == "town") {
        in.town = p.data;
      } else if (p.name == "model") {
        in.model = p.data;
      }
    }
    if (!have_file || (filename.empty() && in.bytes.empty()))
      return bad("No file was chosen: choose your town's policy (a PDF, Word, web page or text file) and press Analyze.");
  } else if (!api) {
    return bad("The form must be sent as multipart/form-data (the upload form does this).");
  } else {
    in.bytes = request.body;  // a raw body: the type is sniffed from the bytes, never this header
  }
  in.name = display_name(filename);
  if (in.bytes.size() > limits.max_bytes)
    return make_error(ErrorCode::kTooLarge, in.name + " is larger than " + megabytes(limits.max_bytes) +
                                                ", the most this page takes; send a smaller file (for example only "
                                                "the policy's pages)");
  return in;
}

}  // namespace

Result<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body) {
  if (!media_type_is(content_type, "multipart/form-data"))
    return bad("the request is not multipart/form-data");
  auto boundary = header_param(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70)
    return bad("the multipart/form-data request has no valid boundary");
  const std::string delim = "--" + *boundary;
  // The first delimiter: at the very start, or after the preamble on a line of its own.
  size_t pos;
  if (body.substr(0, delim.size()) == delim) {
    pos = 0;
  } else {
    pos = body.find("\r\n" + delim);
    if (pos == std::string_view::npos) return bad("the multipart/form-data body has no part");
    pos += 2;
  }
  std::vector<FormPart> parts;
  const std::string next = "\r\n" + delim;
  for (;;) {
    pos += delim.size();
    if (body.substr(pos, 2) == "--") return parts;  // the close delimiter; the epilogue is ignored
    // Transport padding (spaces, tabs) then CRLF.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return bad("the multipart/form-data body is malformed (a boundary line is not ended)");
    pos += 2;
    const size_t head_end = body.find("\r\n\r\n", pos);
    const size_t first_crlf = body.find("\r\n", pos);
    FormPart part;
    size_t data_start;
    if (first_crlf == pos) {  // no headers at all
      data_start = pos + 2;
    } else {
      if (head_end == std::string_view::npos) return bad("the multipart/form-data body is cut off (a part's headers do not end)");
      std::string_view headers = body.substr(pos, head_end - pos);
      data_start = head_end + 4;
      bool disposition = false;
      while (!headers.empty()) {
        const size_t eol = headers.find("\r\n");
        std::string_view line = headers.substr(0, eol);
        headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) return bad("the multipart/form-data body has a malformed part header");
        const std::string_view name = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
        if (iequals(name, "Content-Disposition")) {
          if (!media_type_is(value, "form-data")) return bad("a part of the form is not form-data");
          disposition = true;
          part.name = header_param(value, "name").value_or("");
          part.filename = header_param(value, "filename").value_or("");
        } else if (iequals(name, "Content-Type")) {
          part.content_type = std::string(value);
        }
      }
      if (!disposition) return bad("a part of the form has no Content-Disposition");
    }
    const size_t end = body.find(next, data_start);
    if (end == std::string_view::npos)
      return bad("the multipart/form-data body is cut off (the closing boundary is missing)");
    part.data = std::string(body.substr(data_start, end - data_start));
    parts.push_back(std::move(part));
    pos = end + 2;
  }
}

Uploads::Uploads(Analyzer analyzer, ModelList models, UploadLimits limits)
    : analyzer_(std::move(analyzer)), models_(std::move(models)), limits_(limits) {}

std::optional<Uploads::Slot> Uploads::try_acquire() {
  size_t n = in_progress_.load();
  do {
    if (n >= limits_.max_concurrent) return std::nullopt;
  } while (!in_progress_.compare_exchange_weak(n, n + 1));
  return Slot(&in_progress_);
}

bool is_upload_target(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return path == "/analyze" || path == "/api/analyze";
}

HttpResponse upload_route(const HttpRequest& request, Api& api, Uploads* uploads) {
  const size_t q = request.target.find('?');
  const std::string_view path = std::string_view(request.target).substr(0, q);
  const bool api_path = path == "/api/analyze";
  auto params = web::parse_query_string(q == std::string::npos ? std::string_view() : std::string_view(request.target).substr(q + 1));
  if (!params) return api_path ? json_fail(400, params.error()) : web::error_page(400, "Bad request", params.error().message);
  if (uploads == nullptr) {
    const std::string message = "This server does not analyze uploaded files.";
    return api_path ? json_fail(404, Error{ErrorCode::kNotFound, message}) : web::error_page(404, "Not available", message);
  }
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (!api_path && get) return form_page(200, api, *uploads, "");
  if (request.method != "POST") {
    const std::string message = api_path ? "POST the file to /api/analyze" : "use GET for the form and POST to send a file";
    HttpResponse r = api_path ? json_fail(405, Error{ErrorCode::kInvalidArgument, message})
                              : web::error_page(405, "Bad request", message);
    r.headers.emplace_back("Allow", api_path ? "POST" : "GET, HEAD, POST");
    return r;
  }
  auto slot = uploads->try_acquire();
  if (!slot) return upload_busy_response(request.target, *uploads);
  // The request body may hold a little more than the file (the form's other fields).
  if (request.body.size() > uploads->limits().max_bytes + 64 * 1024) {
    const std::string message = "The file is larger than " + megabytes(uploads->limits().max_bytes) +
                                ", the most this page takes; send a smaller file (for example only the policy's pages).";
    return api_path ? json_fail(413, Error{ErrorCode::kTooLarge, message})
                    : form_page(413, api, *uploads, message);
  }
  auto input = read_upload(request, *params, api_path, uploads->limits());
  if (!input) {
    const int status = upload_status(input.error().code);
    return api_path ? json_fail(status, input.error()) : form_page(status, api, *uploads, input.error().message);
  }
  auto out = uploads->analyze(*input);
  if (!out) {
    const int status = upload_status(out.error().code);
    return api_path ? json_fail(status, out.error())
                    : form_page(status, api, *uploads, out.error().message, input->town, input->model);
  }
  if (api_path) return web::json_response(200, std::move(out->json));
  return report_page(out->report);
}

}  // namespace policyindex::serve
