#!/usr/bin/env python3
"""Generates fictional town websites with policy documents buried among the furniture of a
real municipal site: calendars (month pages chained by previous/next, day pages, week views
by date parameter), paginated news, a faceted document center (department x type x sort,
every listing linking every other facet), minutes archives, departments, session-id login
links. The towns, names and texts are made up.

Usage: gen_sites.py OUT_DIR [--towns N] [--seed S]
Writes OUT_DIR/tN/... (one directory per town, served as a host's root) and
OUT_DIR/manifest.json: {"towns": [{"dir": "t0", "name": ..., "policy": [paths]}]}.
"""
import argparse
import json
import os
import random

TOWNS = ["Ashbrook", "Corvale", "Millhaven", "Tern Harbor", "Quillfield", "Brackenridge"]
DEPARTMENTS = ["Assessor", "Board of Health", "Building", "Conservation", "Council on Aging",
               "Fire", "Library", "Planning", "Public Works", "Recreation", "Treasurer",
               "Veterans Services", "Water", "Zoning Board", "Cemetery"]
DOC_TYPES = ["Reports", "Forms", "Budgets", "Notices"]
SORTS = ["date", "title", "popular"]
GENERAL_ORDERS = [
    ("use-of-force", "Use of Force"),
    ("foreign-nationals", "Foreign Nationals: Arrest and Consular Notification"),
    ("bias-free-policing", "Bias-Free Policing"),
    ("civil-immigration-detainers", "Civil Immigration Detainers"),
    ("vehicle-pursuits", "Vehicle Pursuits"),
    ("body-worn-cameras", "Body-Worn Cameras"),
    ("evidence-handling", "Evidence Handling"),
    ("juvenile-procedures", "Juvenile Procedures"),
]
NEWS_WORDS = ["road", "paving", "festival", "library", "hours", "snow", "parking", "recycling",
              "concert", "farmers", "market", "school", "budget", "hearing", "water", "main"]


def page(title, body, nav=True):
    menu = ""
    if nav:
        menu = ("<nav><ul>"
                "<li><a href='/'>Home</a></li>"
                "<li><a href='/departments/'>Departments</a></li>"
                "<li><a href='/calendar/'>Calendar</a></li>"
                "<li><a href='/news/'>News</a></li>"
                "<li><a href='/documents/'>Document Center</a></li>"
                "<li><a href='/login?sid=%s'>Log in</a></li>"
                "</ul></nav>" % "".join(random.choice("0123456789abcdef") for _ in range(24)))
    return ("<!doctype html><html><head><meta charset='utf-8'><title>%s</title></head><body>"
            "%s<main><h1>%s</h1>%s</main><footer><a href='/privacy-policy/'>Privacy Policy</a> "
            "<a href='/accessibility/'>Accessibility</a></footer></body></html>"
            % (title, menu, title, body))


def pdf(text):
    return ("%%PDF-1.4\n%% fictional document\n1 0 obj << /Title (%s) >> endobj\n%%%%EOF\n"
            % text).encode()


class Site:
    def __init__(self, root, name):
        self.root = root
        self.name = name
        self.policy = []

    def write(self, path, data):
        full = os.path.join(self.root, path.lstrip("/"))
        if full.endswith("/"):
            full += "index.html"
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    def doc(self, path, title, policy):
        self.write(path, pdf(title))
        if policy:
            self.policy.append(path)


def build(root, name, rng):
    s = Site(root, name)
    slug = name.lower().replace(" ", "-")
    # -- home: navigation, services, latest news (one item about the welcoming resolution)
    services = "".join("<li><a href='/departments/%s/'>%s</a></li>" % (d.lower().replace(" ", "-"), d)
                       for d in DEPARTMENTS)
    latest = ["<li><a href='/news/%s.html'>%s</a></li>" % (a, t) for a, t in [
        ("summer-concerts", "Summer concert series announced"),
        ("welcoming-resolution", "Select Board adopts Welcoming Community resolution"),
        ("paving-schedule", "Paving schedule for Main Street")]]
    s.write("/", page("Town of %s" % name,
                      "<h2>Government</h2><ul><li><a href='/select-board/'>Select Board</a></li>"
                      "<li><a href='/clerk/'>Town Clerk</a></li>"
                      "<li><a href='/police/'>Police Department</a></li>"
                      "<li><a href='/jobs/'>Employment</a></li></ul>"
                      "<h2>Services</h2><ul>%s</ul><h2>Latest news</h2><ul>%s</ul>"
                      % (services, "".join(latest))))
    for p in ["/privacy-policy/", "/accessibility/", "/jobs/", "/login"]:
        s.write(p if p != "/login" else "/login/", page(p.strip("/").title(), "<p>...</p>"))
    # -- departments: each with a few news links and a contact page
    for d in DEPARTMENTS:
        ds = d.lower().replace(" ", "-")
        s.write("/departments/%s/" % ds, page(d, "<p>The %s office.</p><a href='staff.html'>Staff</a>"
                                              "<a href='/news/?dept=%s'>News from %s</a>" % (d, ds, d)))
        s.write("/departments/%s/staff.html" % ds, page(d + " staff", "<p>Names.</p>"))
    s.write("/departments/", page("Departments", "<ul>%s</ul>" % services))
    # -- police: policies two clicks down
    s.write("/police/", page("Police Department",
                             "<ul><li><a href='/police/community/'>Community Programs</a></li>"
                             "<li><a href='/police/annual-report-2023.pdf'>Annual Report</a></li>"
                             "<li><a href='/police/policies/'>Policies and Procedures</a></li>"
                             "</ul>"))
    s.doc("/police/annual-report-2023.pdf", "Police annual report 2023", False)
    s.write("/police/community/", page("Community Programs", "<p>Coffee with a cop.</p>"))
    rows = []
    for i, (f, t) in enumerate(GENERAL_ORDERS):
        path = "/police/policies/go-%d-%02d-%s.pdf" % (1 + i // 4, i + 1, f)
        s.doc(path, "General Order: " + t, True)
        rows.append("<tr><td>%d.%02d</td><td><a href='%s'>%s</a></td></tr>" % (1 + i // 4, i + 1, path, t))
    s.write("/police/policies/", page("Policies and Procedures", "<table>%s</table>" % "".join(rows)))
    # -- clerk: bylaws and town meeting warrants
    warrants = "".join("<li><a href='/clerk/town-meeting/warrant-%d.pdf'>Annual Town Meeting %d warrant</a></li>"
                       % (y, y) for y in range(2012, 2025))
    for y in range(2012, 2025):
        s.doc("/clerk/town-meeting/warrant-%d.pdf" % y, "Warrant %d" % y, False)
    s.write("/clerk/town-meeting/", page("Town Meeting", "<ul>%s</ul>" % warrants))
    s.write("/clerk/", page("Town Clerk",
                            "<ul><li><a href='/clerk/general-bylaws.pdf'>General Bylaws</a></li>"
                            "<li><a href='/clerk/zoning-bylaw.pdf'>Zoning Bylaw</a></li>"
                            "<li><a href='/clerk/town-meeting/'>Town Meeting</a></li>"
                            "<li><a href='/clerk/dog-licenses/'>Dog licenses</a></li></ul>"))
    s.write("/clerk/dog-licenses/", page("Dog licenses", "<p>Apply by April.</p>"))
    s.doc("/clerk/general-bylaws.pdf", "General Bylaws of " + name, True)
    s.doc("/clerk/zoning-bylaw.pdf", "Zoning Bylaw of " + name, True)
    # -- select board: minutes archive, one meeting voted the Trust policy
    vote = rng.randrange(60)
    rows = []
    for k in range(60):
        y, m = 2016 + k // 12, 1 + k % 12
        path = "/select-board/minutes/%d-%02d-06.pdf" % (y, m)
        note = ("Vote to adopt the Trust Act policy on civil immigration detainers"
                if k == vote else rng.choice(["Liquor license renewals", "Road acceptance",
                                              "Budget review", "Appointments"]))
        s.doc(path, "Minutes %d-%02d-06" % (y, m), k == vote)
        rows.append("<tr><td>%s</td><td><a href='%s'>Minutes %d-%02d-06</a></td></tr>" % (note, path, y, m))
    s.write("/select-board/minutes/", page("Select Board minutes", "<table>%s</table>" % "".join(rows)))
    s.write("/select-board/", page("Select Board",
                                   "<ul><li><a href='/select-board/minutes/'>Meeting minutes</a></li>"
                                   "<li><a href='/calendar/?view=month&board=select'>Meetings calendar</a></li>"
                                   "<li><a href='/select-board/members/'>Members</a></li></ul>"))
    s.write("/select-board/members/", page("Members", "<p>Five members.</p>"))
    # -- news: paginated list; one article links the resolution
    articles = ["welcoming-resolution", "summer-concerts", "paving-schedule"]
    for k in range(120):
        articles.append("%s-%s-%d" % (rng.choice(NEWS_WORDS), rng.choice(NEWS_WORDS), k))
    for a in articles:
        body = "<p>%s</p>" % a.replace("-", " ")
        if a == "welcoming-resolution":
            body = ("<p>The Select Board voted to adopt a Welcoming Community resolution.</p>"
                    "<a href='/files/welcoming-community-resolution.pdf'>Read the resolution</a>")
        s.write("/news/%s.html" % a, page(a.replace("-", " ").title(), body))
    s.doc("/files/welcoming-community-resolution.pdf", "Welcoming Community Resolution", True)
    pages = [articles[i:i + 10] for i in range(0, len(articles), 10)]
    # One listing file answers every ?page=N (the server ignores the query, like a CMS that
    # renders the same template): links to every page number and each article.
    s.write("/news/", page("News", "<ul>%s</ul><p>%s</p>" % (
        "".join("<li><a href='/news/%s.html'>%s</a></li>" % (a, a.replace("-", " ")) for a in articles[:10]),
        " ".join("<a href='/news/?page=%d'>%d</a>" % (i + 1, i + 1) for i in range(len(pages))))))
    # -- calendar: month pages chained, day pages, week views by date parameter
    months = [(2023 + k // 12, 1 + k % 12) for k in range(36)]
    for i, (y, m) in enumerate(months):
        links = []
        if i > 0:
            links.append("<a href='/calendar/%d-%02d.html'>Previous month</a>" % months[i - 1])
        if i + 1 < len(months):
            links.append("<a href='/calendar/%d-%02d.html'>Next month</a>" % months[i + 1])
        for d in range(1, 29, 3):
            links.append("<a href='/calendar/%d-%02d-%02d.html'>%d</a>" % (y, m, d, d))
            s.write("/calendar/%d-%02d-%02d.html" % (y, m, d),
                    page("Events %d-%02d-%02d" % (y, m, d),
                         "<a href='/calendar/?view=week&date=%d-%02d-%02d'>Week view</a>" % (y, m, d)))
        s.write("/calendar/%d-%02d.html" % (y, m), page("Calendar %d-%02d" % (y, m), " ".join(links)))
    s.write("/calendar/", page("Calendar", "<a href='/calendar/2024-06.html'>This month</a>"
                               " <a href='/calendar/?view=month&date=2024-07-01'>Next</a>"))
    # -- document center: facets (every listing links every facet value), decoys and policies
    decoys = []
    for k in range(40):
        path = "/documents/view/%d.pdf" % (1000 + k)
        s.doc(path, "Document %d" % k, False)
        decoys.append((path, "%s %s %d" % (rng.choice(DEPARTMENTS), rng.choice(DOC_TYPES)[:-1], 2010 + k % 15)))
    listing = ["<li><a href='%s'>%s</a></li>" % d for d in decoys]
    listing += ["<li><a href='/police/policies/go-1-%02d-%s.pdf'>Police %s</a></li>" % (i + 1, f, t)
                for i, (f, t) in enumerate(GENERAL_ORDERS[:2])]
    facets = []
    for d in DEPARTMENTS[:6]:
        ds = d.lower().replace(" ", "-")
        for t in DOC_TYPES:
            facets.append("<a href='/documents/?dept=%s&type=%s'>%s %s</a>" % (ds, t.lower(), d, t))
            for o in SORTS:
                facets.append("<a href='/documents/?dept=%s&type=%s&sort=%s'>sorted by %s</a>" % (ds, t.lower(), o, o))
    s.write("/documents/", page("Document Center", "<div class='facets'>%s</div><ul>%s</ul>"
                                % (" ".join(facets), "".join(listing))))
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--towns", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    random.seed(a.seed)
    towns = []
    for i in range(a.towns):
        name = TOWNS[i % len(TOWNS)] + ("" if i < len(TOWNS) else " %d" % i)
        s = build(os.path.join(a.out, "t%d" % i), name, rng)
        towns.append({"dir": "t%d" % i, "name": name, "policy": sorted(s.policy)})
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump({"towns": towns}, f, indent=1)
    files = sum(len(fs) for _, _, fs in os.walk(a.out))
    print("%d towns, %d files, %d policy documents" % (len(towns), files,
                                                        sum(len(t["policy"]) for t in towns)))


if __name__ == "__main__":
    main()
