-- The catalog schema, version 1. Migrations in catalog.cpp bring older catalogs here.
-- Times are ISO 8601 UTC text. Ids are SQLite rowids.

CREATE TABLE municipalities(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  folded TEXT NOT NULL UNIQUE,          -- fold_town_name(name), for forgiving lookups
  county TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT '',
  population INTEGER,
  website TEXT NOT NULL DEFAULT ''
);

-- Registry sources, seeds and websites given to crawl/refresh, kept for later refreshes.
CREATE TABLE sources(
  id INTEGER PRIMARY KEY,
  municipality_id INTEGER REFERENCES municipalities(id),
  url TEXT NOT NULL UNIQUE,
  doc_type TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'source',  -- source | seed | website
  added_at TEXT NOT NULL
);

-- One row per URL (or per added file).
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  municipality_id INTEGER REFERENCES municipalities(id),
  url TEXT NOT NULL UNIQUE,
  doc_type TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL DEFAULT 'crawl',  -- crawl | add
  status TEXT NOT NULL DEFAULT 'active', -- active | gone
  etag TEXT,
  last_modified TEXT,
  first_seen TEXT NOT NULL,
  last_checked TEXT,
  current_version_id INTEGER,
  indexed_version_id INTEGER,            -- what the Xapian index holds for this document
  indexed_status TEXT,
  indexed_fingerprint TEXT               -- extraction + metadata the index was built from
);
CREATE INDEX documents_town ON documents(municipality_id);

-- One row per distinct content of a document.
CREATE TABLE versions(
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents(id),
  sha256 TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  http_status INTEGER,
  etag TEXT,
  last_modified TEXT,
  content_type TEXT,
  size INTEGER NOT NULL
);
CREATE INDEX versions_doc ON versions(document_id);
CREATE INDEX versions_sha ON versions(sha256);

CREATE TABLE crawl_runs(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,                   -- crawl | refresh
  started_at TEXT NOT NULL,
  finished_at TEXT,
  summary TEXT                          -- JSON
);

-- Every fetch attempt.
CREATE TABLE fetch_log(
  id INTEGER PRIMARY KEY,
  run_id INTEGER,
  url TEXT NOT NULL,
  document_id INTEGER,
  started_at TEXT NOT NULL,
  http_status INTEGER,
  bytes INTEGER NOT NULL DEFAULT 0,
  elapsed_ms REAL NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  conditional INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetch_log_url ON fetch_log(url);  -- dropped by migration 3 (corpus/catalog.cpp)

-- The crawl frontier, so that a killed crawl resumes.
CREATE TABLE frontier(
  url TEXT PRIMARY KEY,
  run_id INTEGER,
  municipality_id INTEGER,
  depth INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT 'page',    -- seed | page | document | sitemap
  -- (schema 5 adds fetch_url, adapter, role, context, headers, title; schema 10 method, body:
  -- corpus/migrations.cpp)
  state TEXT NOT NULL DEFAULT 'queued', -- queued | done | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  doc_type TEXT NOT NULL DEFAULT '',
  parent TEXT,
  anchor TEXT
);

CREATE TABLE extractions(
  version_id INTEGER PRIMARY KEY REFERENCES versions(id),
  extracted_at TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'unknown',
  pages INTEGER,
  ocr_pages TEXT NOT NULL DEFAULT '[]',  -- JSON array of 1-based page numbers
  title TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,                  -- ok | error
  error TEXT NOT NULL DEFAULT '',
  struck TEXT NOT NULL DEFAULT '[]',     -- JSON array of deleted (struck) passages
  tagger_version TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sections(
  id INTEGER PRIMARY KEY,
  version_id INTEGER NOT NULL REFERENCES versions(id),
  ord INTEGER NOT NULL,
  key TEXT NOT NULL,
  number TEXT NOT NULL DEFAULT '',
  heading TEXT NOT NULL DEFAULT '',
  level INTEGER NOT NULL DEFAULT 1,
  page INTEGER,
  page_end INTEGER,
  text TEXT NOT NULL,
  start_offset INTEGER NOT NULL DEFAULT 0,
  end_offset INTEGER NOT NULL DEFAULT 0,
  UNIQUE(version_id, ord)
);

CREATE TABLE provision_hits(
  id INTEGER PRIMARY KEY,
  section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
  provision TEXT NOT NULL,
  stance TEXT NOT NULL,
  evidence TEXT NOT NULL,
  start_offset INTEGER NOT NULL DEFAULT 0,
  end_offset INTEGER NOT NULL DEFAULT 0,
  rule TEXT NOT NULL DEFAULT ''
);
CREATE INDEX provision_hits_section ON provision_hits(section_id);
CREATE INDEX provision_hits_provision ON provision_hits(provision, stance);

CREATE TABLE section_cites(
  section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
  cite TEXT NOT NULL,
  PRIMARY KEY(section_id, cite)
);

-- What refresh found: new, gone and changed documents, provision changes.
CREATE TABLE changes(
  id INTEGER PRIMARY KEY,
  detected_at TEXT NOT NULL,
  run_id INTEGER,
  municipality_id INTEGER,
  document_id INTEGER,
  old_version_id INTEGER,
  new_version_id INTEGER,
  kind TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX changes_town ON changes(municipality_id, detected_at);

-- What the change log last reported for each document (refresh, query/changes.h): a
-- document whose current version or status differs from its row here has changes not yet
-- reported. Written in the same transaction as the changes rows, so a killed refresh
-- neither loses nor repeats a change.
CREATE TABLE change_state(
  document_id INTEGER PRIMARY KEY REFERENCES documents(id),
  version_id INTEGER,
  status TEXT NOT NULL,
  reported_at TEXT NOT NULL
);

-- Small key/value settings (index generation, last run ids, ...).
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
