"use strict";
// The app's one index: its mapping (created by migrate.js) and the operations the API offers.

/** The index's mapping. Only analyzers of Elasticsearch's core (standard), no analysis plugins. */
const MAPPING = {
  dynamic: "strict",
  properties: {
    title: { type: "text" },
    body: { type: "text" },
    tags: { type: "keyword" },
    created: { type: "date" },
  },
};

const SETTINGS = { number_of_shards: 1, number_of_replicas: 0 };

/** Creates the index with its mapping, or applies the mapping to an existing one. Safe to run again. */
async function migrate(es, index) {
  const res = await es.request("PUT", `/${encodeURIComponent(index)}`, { settings: SETTINGS, mappings: MAPPING });
  if (res.status >= 200 && res.status < 300) return "created";
  if (res.status === 400 && res.body && res.body.error && res.body.error.type === "resource_already_exists_exception") {
    await es.call("PUT", `/${encodeURIComponent(index)}/_mapping`, MAPPING);
    return "updated";
  }
  await es.call("PUT", `/${encodeURIComponent(index)}`, { settings: SETTINGS, mappings: MAPPING }); // throws with the reason
  return "created";
}

/** Checks a document from a request body; returns the problems, empty when it is fine. */
function validateDocument(doc) {
  const problems = [];
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return ["the body must be a JSON object"];
  if (typeof doc.title !== "string" || !doc.title.trim()) problems.push("title: must be a non-empty string");
  if (doc.body !== undefined && typeof doc.body !== "string") problems.push("body: must be a string");
  if (doc.tags !== undefined && !(Array.isArray(doc.tags) && doc.tags.every((t) => typeof t === "string"))) problems.push("tags: must be a list of strings");
  if (doc.id !== undefined && !(typeof doc.id === "string" && /^[A-Za-z0-9_-]{1,128}$/.test(doc.id))) problems.push("id: must be 1-128 letters, digits, _ or -");
  return problems;
}

async function indexDocument(es, index, doc) {
  const source = { title: doc.title, body: doc.body || "", tags: doc.tags || [], created: new Date().toISOString() };
  const path = doc.id ? `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(doc.id)}` : `/${encodeURIComponent(index)}/_doc`;
  // refresh=wait_for: a search right after the write finds the document.
  const res = await es.call(doc.id ? "PUT" : "POST", `${path}?refresh=wait_for`, source);
  return { id: res._id, result: res.result };
}

async function getDocument(es, index, id) {
  const res = await es.request("GET", `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(id)}`);
  if (res.status === 404) return undefined;
  if (res.status !== 200) return es.call("GET", `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(id)}`);
  return { id: res.body._id, ...res.body._source };
}

async function search(es, index, q, size = 10) {
  const query = q ? { multi_match: { query: q, fields: ["title^2", "body", "tags"] } } : { match_all: {} };
  const res = await es.call("POST", `/${encodeURIComponent(index)}/_search`, { query, size });
  return {
    total: typeof res.hits.total === "object" ? res.hits.total.value : res.hits.total,
    hits: res.hits.hits.map((h) => ({ id: h._id, score: h._score, ...h._source })),
  };
}

module.exports = { MAPPING, migrate, validateDocument, indexDocument, getDocument, search };
