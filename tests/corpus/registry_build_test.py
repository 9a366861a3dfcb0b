#!/usr/bin/env python3
"""Tests of corpus/massachusetts/build/build_registry.py: its matching rules on made-up hosts,
its merge on a fictional registry built in a temporary directory, and that the committed
registry is what the script builds from the committed inputs.

  python3 tests/corpus/registry_build_test.py SOURCE_DIR
"""

import csv
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = os.path.abspath(sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
SCRIPT = os.path.join(SOURCE_DIR, "corpus", "massachusetts", "build", "build_registry.py")


def load(script):
    spec = importlib.util.spec_from_file_location("build_registry_under_test", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


br = load(SCRIPT)


class HostRules(unittest.TestCase):
    def test_host_named_exactly_after_a_town(self):
        for host in ("alderbrook.ma.us", "town.alderbrook.ma.us", "www.ci.alderbrook.ma.us",
                     "alderbrookma.gov", "alderbrook-ma.org", "townofalderbrook.com",
                     "cityofalderbrook.net", "alderbrookmass.com", "town.alderbrook.net",
                     "www.alderbrook.gov", "townhall.alderbrook.ma.us"):
            self.assertEqual(br.host_name_key(host), "alderbrook", host)

    def test_other_hosts_are_not_a_town_name(self):
        for host in ("cdn.alderbrook.ma.us", "records.alderbrookma.gov", "alderbrooknews.com",
                     "myalderbrook.com", "alderbrook.s3.amazonaws.com", "content.civicplus.com",
                     "www.townhall.alderbrook.com", "library.alderbrook.ma.us"):
            self.assertNotEqual(br.host_name_key(host), "alderbrook", host)

    def test_a_host_spells_the_town_unless_it_names_another_state(self):
        self.assertTrue(br.names_town("townofalderbrook.com", "alderbrook"))
        self.assertTrue(br.names_town("www.alderbrookma.gov", "alderbrook"))
        self.assertTrue(br.names_town("alderbrooktown.org", "alderbrook"))
        self.assertFalse(br.names_town("alderbrooknh.org", "alderbrook"))
        self.assertFalse(br.names_town("www.alderbrookct.gov", "alderbrook"))
        self.assertFalse(br.names_town("golfcourse.com", "alderbrook"))
        # ".com" after the name is the top-level domain, not Colorado.
        self.assertTrue(br.names_town("alderbrook.com", "alderbrook"))

    def test_compass_abbreviations(self):
        self.assertTrue(br.names_town("walderbrook.org", "westalderbrook"))
        self.assertTrue(br.names_town("nalderbrook.com", "northalderbrook"))
        self.assertFalse(br.names_town("walderbrook.org", "eastalderbrook"))
        # Too short a rest for an abbreviation to mean anything.
        self.assertFalse(br.names_town("wlee.org", "westlee"))

    def test_gov_hosts_rank_first(self):
        self.assertEqual(sorted(["townofalderbrook.net", "alderbrook-ma.gov"], key=br.rank_host),
                         ["alderbrook-ma.gov", "townofalderbrook.net"])


FIXTURE_REGISTRY = """\
# fictional towns
name\tcounty\tkind\tpopulation\twebsite\tpolice_website\tcode_host\talt_domains\tprovenance
Alderbrook\tEssex\ttown\t\thttps://www.alderbrook.example/\t\t\t\twebsite=prior
Birchfield\tEssex\tcity\t\t\t\t\t\t
Cedarvale\tDukes\ttown\t\t\t\t\t\t
Dunmore\tDukes\ttown\t\t\t\t\t\t
West Elmwood\tDukes\ttown\t\t\t\t\t\t
Elmwood Falls\tDukes\ttown\t\t\t\t\t\t
Fernhill\tDukes\ttown\t\t\t\t\t\t
Gorsemoor\tDukes\tcity\t\t\t\t\t\t
"""

FIXTURE_DOTGOV = """\
Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email
BIRCHFIELDMA.GOV,City,City of Birchfield,,Birchfield,MA,
BIRCHFIELD-MA.GOV,City,City of Birchfield,,Birchfield,MA,
BIRCHFIELDPD.GOV,City,Birchfield Police Department,,Birchfield,MA,
ALDERBROOKMA.GOV,City,Town of Alderbrook,,Alderbrook,MA,
BIRCHFIELDRETIREMENT.GOV,City,Birchfield Retirement Board,,Birchfield,MA,
"""


class MergeOnFictionalTowns(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        build = os.path.join(self.dir, "build")
        os.makedirs(os.path.join(build, "sources"))
        shutil.copy(SCRIPT, build)
        self.write("municipalities.tsv", FIXTURE_REGISTRY)
        self.write("sources.tsv", "municipality\turl\tdoc_type\tnote\n"
                   "Birchfield\thttps://library.municode.com/ma/birchfield/codes/code_of_ordinances\t\t\n")
        s = "build/sources/"
        self.write(s + "dotgov-ma.csv", FIXTURE_DOTGOV)
        self.write(s + "civicpatch-crawl-urls.tsv", "jurisdiction\turl\tfile\tcommit\n"
                   "Elmwood Falls town\thttps://www.elmwoodfalls.example/\tf\tc\n")
        self.write(s + "civicpatch-wikipedia-urls.tsv", "# a comment\njurisdiction\turl\n"
                   "Birchfield city\thttp://www.birchfield-ma.gov\nCedarvale town\thttp://www.cedarvale.ma.us\n"
                   "Elmwood Falls Town city\thttp://elmwoodfalls.org/home\nFernhill town\thttp://www.fernhill.ma.us\n")
        self.write(s + "muniharvest-atr-hosts.tsv", "municipality\thost\n"
                   "Cedarvale\tcedarvalenh.org\nCedarvale\twww.townofcedarvale.org\nCedarvale\tgolf.example.com\n"
                   "Birchfield\tcityofbirchfield.org\nWest Elmwood\twelmwood.org\nFernhill\tfernhillma.gov\n")
        self.write(s + "muniharvest-hosts.txt", "# list\ndunmore-ma.gov\ntown.dunmore.ma.us\nnews-dunmore.com\n"
                   "cedarvale.ma.us\n")
        self.write(s + "uscityurl-ma.tsv", "# data set\njurisdiction\turl\tgisjoin\n"
                   "Gorsemoor Town\thttps://www.gorsemoor.example/\tG1\nDunmore Town\thttps://dunmore.example/\tG2\n")
        self.write(s + "muniharvest-dead-hosts.tsv", "host\tstatus\treplacement\ndunmore-ma.gov\tdns_fail\t\n")
        self.write(s + "muniharvest-population.csv", "community,population\nAlderbrook,1200\nBirchfield,45000\n")
        self.write(s + "code-hosts.tsv", "municipality\tcode_host\tevidence\n"
                   "Cedarvale\tecode360:CE1234\tsome/repo file.md@abc\nBirchfield\tecode360:BI0001\tx\n")
        self.write(s + "sheriff-pages.tsv", "county\twebsite\tevidence_url\tevidence\n"
                   "Dukes\thttps://sheriff.example/\thttps://sheriff.example/about\tnames the office\n")
        self.module = load(os.path.join(build, "build_registry.py"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, rel, text):
        with open(os.path.join(self.dir, rel), "w", encoding="utf-8") as f:
            f.write(text)

    def rows(self):
        muni, sher, rows, conflicts, sheriffs, agreement = self.module.build()
        lines = [l for l in muni.splitlines() if not l.startswith("#")]
        table = {r["name"]: r for r in csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t")}
        self.agreement = agreement
        return table, sher, conflicts, sheriffs

    def test_precedence_provenance_and_conflicts(self):
        t, sher, conflicts, sheriffs = self.rows()
        a, b, c, d, w = (t[n] for n in ("Alderbrook", "Birchfield", "Cedarvale", "Dunmore", "West Elmwood"))
        # A website of the first version is kept; the town's .gov registration is its alternate.
        self.assertEqual(a["website"], "https://www.alderbrook.example/")
        self.assertEqual(a["alt_domains"], "alderbrookma.gov")
        self.assertIn("website=prior", a["provenance"])
        self.assertEqual(a["population"], "1200")
        # .gov registrations: NAMEma.gov before NAME-ma.gov; police and retirement apart.
        self.assertEqual(b["website"], "https://birchfieldma.gov/")
        self.assertEqual(b["police_website"], "https://birchfieldpd.gov/")
        self.assertEqual(b["alt_domains"], "birchfield-ma.gov,cityofbirchfield.org")
        self.assertEqual(b["code_host"], "municode:birchfield")
        self.assertIn("code_host=sources.tsv", b["provenance"])
        # The Wikipedia list comes before the annual-report hosts; its root URL gets its slash.
        self.assertEqual(c["website"], "http://www.cedarvale.ma.us/")
        self.assertIn("website=cpwiki", c["provenance"])
        self.assertEqual(c["alt_domains"], "townofcedarvale.org")
        # A crawl's start URL comes before the Wikipedia list; a URL with a path is kept whole.
        e = t["Elmwood Falls"]
        self.assertEqual(e["website"], "https://www.elmwoodfalls.example/")
        self.assertIn("website=cpcrawl", e["provenance"])
        self.assertEqual(e["alt_domains"], "elmwoodfalls.org")
        # A .gov host named after the town, from a later source, comes before a host outside .gov.
        f = t["Fernhill"]
        self.assertEqual(f["website"], "https://fernhillma.gov/")
        self.assertIn("website=mhatr", f["provenance"])
        self.assertEqual(f["alt_domains"], "fernhill.ma.us")
        self.assertEqual(c["code_host"], "ecode360:CE1234")
        self.assertIn("code_host=codehosts", c["provenance"])
        # The host list: a dead host never becomes the website; a news site is no town's.
        self.assertEqual(d["website"], "https://town.dunmore.ma.us/")
        self.assertIn("website=mhhosts", d["provenance"])
        self.assertEqual(d["alt_domains"], "")
        self.assertEqual(w["website"], "https://welmwood.org/")
        # The municipal-websites data set comes last: it fills only what no other list names.
        g = t["Gorsemoor"]
        self.assertEqual(g["website"], "https://www.gorsemoor.example/")
        self.assertIn("website=uscity", g["provenance"])
        self.assertEqual(d["population"], "")
        self.assertNotIn("population=", d["provenance"])
        # Disagreements are reported, with the earlier source kept.
        found = {(cells.name, col, kept_src, other_src) for cells, col, kept, kept_src, other, other_src in conflicts}
        self.assertIn(("Alderbrook", "website", "prior", "dotgov"), found)
        self.assertIn(("Birchfield", "website", "dotgov", "mhatr"), found)
        self.assertIn(("Birchfield", "code_host", "sources.tsv", "codehosts"), found)
        self.assertIn(("Cedarvale", "website", "cpwiki", "mhatr"), found)
        self.assertIn(("Elmwood Falls", "website", "cpcrawl", "cpwiki"), found)
        self.assertIn(("Fernhill", "website", "mhatr", "cpwiki"), found)
        self.assertIn(("Dunmore", "website", "mhhosts", "uscity"), found)
        # The Wikipedia list names the other .gov registration: reported, and it is an alternate.
        self.assertIn(("Birchfield", "website", "dotgov", "cpwiki"), found)
        self.assertEqual(sheriffs, (2, 1))  # Dukes and Essex; only Dukes has evidence
        # How many sources name the kept website's host (www. or not): Cedarvale's two lists.
        self.assertEqual(self.agreement["Alderbrook"], 1)
        self.assertEqual(self.agreement["Cedarvale"], 2)
        self.assertEqual(self.agreement["Dunmore"], 1)
        self.assertIn("Dukes Sheriff's Department\tDukes\thttps://sheriff.example/\thttps://sheriff.example/about", sher)
        self.assertIn("Essex Sheriff's Department\tEssex\t\t\n", sher)

    def test_unknown_municipality_is_an_error_naming_the_file(self):
        self.write("build/sources/muniharvest-population.csv", "community,population\nNowhere,5\n")
        with self.assertRaises(SystemExit) as e:
            self.module.build()
        self.assertIn("muniharvest-population.csv: unknown municipality 'Nowhere'", str(e.exception))

    def test_annual_report_hosts_skip_other_states_and_unrelated_hosts(self):
        self.write("build/sources/civicpatch-wikipedia-urls.tsv", "jurisdiction\turl\n")
        t = self.rows()[0]
        self.assertEqual(t["Cedarvale"]["website"], "https://townofcedarvale.org/")
        self.assertIn("website=mhatr", t["Cedarvale"]["provenance"])
        self.assertEqual(t["Cedarvale"]["alt_domains"], "cedarvale.ma.us")

    def test_a_url_that_is_not_http_is_an_error(self):
        self.write("build/sources/civicpatch-wikipedia-urls.tsv", "jurisdiction\turl\nCedarvale town\tftp://x\n")
        with self.assertRaises(SystemExit) as e:
            self.module.build()
        self.assertIn("civicpatch-wikipedia-urls.tsv: Cedarvale town: url 'ftp://x' is not an http(s) URL",
                      str(e.exception))

    def test_a_code_host_without_evidence_is_an_error(self):
        self.write("build/sources/code-hosts.tsv", "municipality\tcode_host\tevidence\nCedarvale\tecode360:CE1\t\n")
        with self.assertRaises(SystemExit) as e:
            self.module.build()
        self.assertIn("code-hosts.tsv: Cedarvale: no evidence for ecode360:CE1", str(e.exception))

    def test_bad_population_is_an_error(self):
        self.write("build/sources/muniharvest-population.csv", "community,population\nAlderbrook,many\n")
        with self.assertRaises(SystemExit) as e:
            self.module.build()
        self.assertIn("Alderbrook: population 'many' is not a number", str(e.exception))

    def test_check_mode_and_rebuild_is_stable(self):
        out = subprocess.run([sys.executable, os.path.join(self.dir, "build", "build_registry.py")],
                             capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("conflicts in website", out.stdout)
        again = subprocess.run([sys.executable, os.path.join(self.dir, "build", "build_registry.py"), "--check"],
                               capture_output=True, text=True)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.write("sheriffs.tsv", "edited by hand\n")
        stale = subprocess.run([sys.executable, os.path.join(self.dir, "build", "build_registry.py"), "--check"],
                               capture_output=True, text=True)
        self.assertEqual(stale.returncode, 1)
        self.assertIn("sheriffs.tsv: differs from a fresh build", stale.stderr)


class CommittedRegistry(unittest.TestCase):
    def test_committed_files_are_a_fresh_build(self):
        out = subprocess.run([sys.executable, SCRIPT, "--check"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_population_sums_to_the_2020_census_count_of_the_commonwealth(self):
        path = os.path.join(SOURCE_DIR, "corpus", "massachusetts", "build", "sources", "muniharvest-population.csv")
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 351)
        self.assertEqual(sum(int(r["population"]) for r in rows), 7029917)


if __name__ == "__main__":
    unittest.main(verbosity=1)
