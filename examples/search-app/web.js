"use strict";
// The web front end: `node web.js`. A search page on PORT (default 8080) that asks the API at API_URL.
//
//   GET /          the page
//   GET /search?q= the API's /search, passed through
//   GET /healthz   200 while the process runs
const http = require("node:http");
const { port } = require("./config");
const { send, shutdownOnSignal } = require("./http-util");

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>search</title></head>
<body>
<form id="f"><input id="q" name="q" placeholder="search" autofocus> <button>Search</button></form>
<ol id="hits"></ol>
<script>
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await fetch("search?q=" + encodeURIComponent(document.getElementById("q").value));
  const data = await res.json();
  const list = document.getElementById("hits");
  list.replaceChildren(...(data.hits || []).map((h) => Object.assign(document.createElement("li"), { textContent: h.title + " — " + (h.body || "") })));
});
</script>
</body></html>
`;

function main() {
  if (!process.env.API_URL) throw new Error("missing environment: API_URL");
  const apiUrl = new URL(process.env.API_URL);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (req.method === "GET" && url.pathname === "/healthz") return send(res, 200, { status: "ok" });
    if (req.method === "GET" && url.pathname === "/") return send(res, 200, PAGE, "text/html");
    if (req.method === "GET" && url.pathname === "/search") {
      const upstream = http.get(new URL(`/search${url.search}`, apiUrl), { timeout: 10_000 }, (r) => {
        res.writeHead(r.statusCode || 502, { "Content-Type": r.headers["content-type"] || "application/json" });
        r.pipe(res);
      });
      upstream.on("timeout", () => upstream.destroy(new Error("the API did not answer in 10 s")));
      upstream.on("error", (err) => send(res, 502, { error: err.message }));
      return;
    }
    return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  });
  server.listen(port(process.env, 8080), () => console.log(`search-web: on :${server.address().port}, API ${apiUrl.origin}`));
  shutdownOnSignal([server]);
}

main();
