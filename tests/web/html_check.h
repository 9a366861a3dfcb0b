// A strict little scanner for the HTML the handler writes: every tag and attribute parsed,
// so that a document's text that escaped escaping shows up as a tag or an on* attribute.
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace policyindex::testing {

struct HtmlProblems {
  std::vector<std::string> list;
  bool empty() const { return list.empty(); }
};

inline HtmlProblems check_html(const std::string& html) {
  static const std::set<std::string> allowed = {
      "!doctype", "html", "head", "meta", "title", "link", "script", "body", "a", "header", "div", "span",
      "nav", "ul", "ol", "li", "form", "label", "input", "button", "main", "h1", "h2", "h3", "p", "footer",
      "kbd", "code", "aside", "section", "article", "details", "summary", "datalist", "option", "select",
      "table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "blockquote", "b", "mark", "time",
      "strong", "fieldset", "legend", "br", "dl", "dt", "dd",
      // inline SVG (the statewide map)
      "svg", "g", "path", "circle", "rect", "use", "defs", "figure", "figcaption"};
  HtmlProblems out;
  size_t i = 0;
  int scripts = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    size_t j = i + 1;
    if (j < html.size() && html[j] == '/') ++j;
    size_t name_start = j;
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '!')) ++j;
    std::string name = html.substr(name_start, j - name_start);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name.empty()) {
      out.list.push_back("bare '<' at " + std::to_string(i) + ": " + html.substr(i, 40));
      i = j;
      continue;
    }
    if (!allowed.count(name)) out.list.push_back("unexpected tag <" + name + "> at " + std::to_string(i));
    // Attributes up to '>'.
    while (j < html.size() && html[j] != '>') {
      while (j < html.size() && std::isspace(static_cast<unsigned char>(html[j]))) ++j;
      if (j >= html.size() || html[j] == '>') break;
      if (html[j] == '/') { ++j; continue; }
      size_t a = j;
      while (j < html.size() && !std::isspace(static_cast<unsigned char>(html[j])) && html[j] != '=' &&
             html[j] != '>' && html[j] != '"' && html[j] != '\'') ++j;
      std::string attr = html.substr(a, j - a);
      for (char& c : attr) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (attr.empty()) {
        out.list.push_back("garbage in <" + name + "> at " + std::to_string(j) + ": " + html.substr(j, 30));
        ++j;
        continue;
      }
      std::string value;
      if (j < html.size() && html[j] == '=') {
        ++j;
        if (j < html.size() && html[j] == '"') {
          size_t end = html.find('"', j + 1);
          if (end == std::string::npos) { out.list.push_back("unterminated attribute"); return out; }
          value = html.substr(j + 1, end - j - 1);
          j = end + 1;
        } else {
          out.list.push_back("unquoted value for " + attr + " in <" + name + ">");
        }
      }
      if (attr.rfind("on", 0) == 0) out.list.push_back("event handler attribute " + attr + " in <" + name + ">");
      if ((attr == "href" || attr == "src" || attr == "action") && value.rfind("javascript:", 0) == 0) {
        out.list.push_back("javascript: URL in <" + name + ">");
      }
      if (name == "script" && attr == "src" && value.rfind("/assets/app.js", 0) != 0) {
        out.list.push_back("foreign script " + value);
      }
      if (value.find('<') != std::string::npos) out.list.push_back("'<' inside attribute " + attr);
    }
    if (name == "script" && html[name_start - 1] != '/') ++scripts;
    i = j;
  }
  if (scripts > 1) out.list.push_back(std::to_string(scripts) + " <script> elements (only app.js expected)");
  return out;
}

}  // namespace policyindex::testing
