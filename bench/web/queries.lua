-- wrk script: cycles through searches with facets (every /api/search answer counts every
-- facet over the whole match set), so the figures are not one cached query.
local paths = {
  "/api/search?q=officer&limit=20",
  "/api/search?q=immigration+status&provision=Q1&limit=20",
  "/api/search?q=detainer+warrant&stance=protective&limit=20",
  "/api/search?q=%22federal+agency%22&county=Middlesex&limit=20",
  "/api/search?q=records+OR+report&type=ordinance&limit=20",
  "/api/search?q=police+NOT+school&provision=287g&provision=Q3&limit=20",
  "/api/search?q=community+trust&cites=lunn&limit=20",
  "/api/search?provision=Q7&limit=20",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
