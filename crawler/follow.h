// Which discovered links join the frontier: links of a page (documents from policy pages or
// with strong words, same-site pages with policy words) and URLs of a sitemap. Private to
// crawler/.
#pragma once

#include <string_view>
#include <vector>

#include "crawler/frontier.h"
#include "crawler/records.h"

namespace policyindex::crawler {

// Reads the links of `page` (HTML, fresh or as stored), queues the wanted ones not seen yet
// in `frontier` and appends them to `queued` (their frontier rows). Pages at `max_depth`
// are not read (the caller checks). When `canonical` is given and the page's
// rel=canonical names another URL of the town's site, that URL is queued (if new) and
// written there: the page is a variant of it.
void follow_links(const Item& page, std::string_view html, Frontier& frontier,
                  std::vector<Item>& queued, std::string* canonical = nullptr);

// The same for a sitemap or sitemap index (indexes nest at most twice).
void follow_sitemap(const Item& sitemap, std::string_view xml, Frontier& frontier,
                    std::vector<Item>& queued);

}  // namespace policyindex::crawler
