// The Atom feed (RFC 4287) of recorded changes.
#include "changes/changes.h"

namespace policyindex::changes {

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;  // not allowed in XML 1.0
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string atom_feed(const AtomFeed& feed) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  x += "<title>" + xml_escape(feed.title) + "</title>\n";
  x += "<id>" + xml_escape(feed.id) + "</id>\n";
  x += "<updated>" + xml_escape(feed.entries.empty() ? "1970-01-01T00:00:00Z" : feed.entries.front().updated) +
       "</updated>\n";
  x += "<author><name>policyindex</name></author>\n";
  x += "<link rel=\"self\" href=\"" + xml_escape(feed.self) + "\"/>\n";
  x += "<link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(feed.alternate) + "\"/>\n";
  for (const auto& e : feed.entries) {
    x += "<entry>\n<id>" + xml_escape(e.id) + "</id>\n";
    x += "<title>" + xml_escape(e.title) + "</title>\n";
    x += "<updated>" + xml_escape(e.updated) + "</updated>\n";
    x += "<link href=\"" + xml_escape(e.link) + "\"/>\n";
    x += "<category term=\"" + xml_escape(e.category) + "\"/>\n";
    x += "<content type=\"text\">" + xml_escape(e.content) + "</content>\n</entry>\n";
  }
  x += "</feed>\n";
  return x;
}

}  // namespace policyindex::changes
