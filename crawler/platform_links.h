// Links to known platforms (crawler/platforms) found on a town's page: queued as their
// adapter's requests, on or off site, attributed to the page's town. Private to crawler/.
#pragma once

#include <string_view>
#include <vector>

#include "crawler/frontier.h"
#include "crawler/internal.h"
#include "crawler/records.h"

namespace policyindex::crawler {

// When `u` (the link `link`, already made an item one level below its page) is claimed by a
// platform adapter: queues the adapter's requests that are wanted (by the page's policy and
// the link's score) and not seen yet, and returns true; false when no adapter claims it.
bool queue_platform_link(const Item& link, const Url& u, bool policy_page, int score,
                         Frontier& frontier, std::vector<Item>& queued);

// When an adapter recognises `page` (an ordinary page fetched from a host no adapter claims)
// as its platform's: queues the adapter's requests not seen yet, one level below the page,
// and returns true (the page's own links are then not read); false otherwise.
bool queue_recognised_page(const Item& page, std::string_view html, Frontier& frontier,
                           std::vector<Item>& queued);

}  // namespace policyindex::crawler
