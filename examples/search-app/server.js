"use strict";
// The search API: `node server.js`. Listens on PORT (default 8080) and on DOCS_PORT (default 8100, a
// plain-text description of the API).
//
//   GET  /healthz          200 while the process runs (liveness)
//   GET  /health           200 when Elasticsearch accepts the app's credentials, else 503
//   POST /documents        {id?, title, body?, tags?} → 201 {id, result}; searchable when it returns
//   GET  /documents/:id    200 the document, or 404
//   GET  /search?q=&size=  200 {total, hits: [{id, score, title, body, tags, created}]}
//
// A failure of Elasticsearch is answered 502 with {error, upstreamStatus}, so a client tells a 401 of
// Elasticsearch (wrong password) from one of its own request.
const http = require("node:http");
const { elasticsearchConfig, port } = require("./config");
const { Elasticsearch, ElasticsearchError } = require("./elasticsearch");
const { validateDocument, indexDocument, getDocument, search } = require("./documents");
const { send, readJson, shutdownOnSignal } = require("./http-util");

const DOCS = `search-app API
GET  /healthz            liveness
GET  /health             Elasticsearch reachable with the app's credentials
POST /documents          {"id"?: string, "title": string, "body"?: string, "tags"?: string[]}
GET  /documents/:id
GET  /search?q=TEXT&size=N
`;

function api(es, index) {
  return async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    try {
      if (req.method === "GET" && url.pathname === "/healthz") return send(res, 200, { status: "ok" });
      if (req.method === "GET" && url.pathname === "/health") {
        const auth = await es.request("GET", "/_security/_authenticate", undefined, 3000).catch((err) => ({ status: 0, body: { error: { reason: err.message } } }));
        if (auth.status === 200) return send(res, 200, { status: "ok", elasticsearch: { user: auth.body.username, index } });
        return send(res, 503, { status: "unavailable", upstreamStatus: auth.status, error: auth.body && auth.body.error ? auth.body.error.reason || auth.body.error.type : "no answer" });
      }
      if (req.method === "POST" && url.pathname === "/documents") {
        const doc = await readJson(req);
        const problems = validateDocument(doc);
        if (problems.length) return send(res, 400, { error: "invalid document", problems });
        return send(res, 201, await indexDocument(es, index, doc));
      }
      const m = /^\/documents\/([^/]+)$/.exec(url.pathname);
      if (req.method === "GET" && m) {
        const doc = await getDocument(es, index, decodeURIComponent(m[1]));
        return doc ? send(res, 200, doc) : send(res, 404, { error: "no such document" });
      }
      if (req.method === "GET" && url.pathname === "/search") {
        const size = Math.min(Math.max(Number(url.searchParams.get("size") || 10), 1), 100);
        return send(res, 200, await search(es, index, url.searchParams.get("q") || "", size));
      }
      return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    } catch (err) {
      if (err instanceof ElasticsearchError) return send(res, 502, { error: err.message, upstreamStatus: err.status });
      if (err.status) return send(res, err.status, { error: err.message });
      console.error(err);
      return send(res, 502, { error: err.message, upstreamStatus: 0 });
    }
  };
}

function main() {
  const config = elasticsearchConfig();
  const es = new Elasticsearch(config);
  const server = http.createServer(api(es, config.index));
  const docs = http.createServer((req, res) => send(res, 200, DOCS, "text/plain"));
  server.listen(port(process.env, 8080), () => console.log(`search-app: API on :${server.address().port}, index ${config.index}, Elasticsearch ${config.url.origin}`));
  docs.listen(port({ PORT: process.env.DOCS_PORT }, 8100));
  shutdownOnSignal([server, docs]);
}

if (require.main === module) main();
module.exports = { api };
