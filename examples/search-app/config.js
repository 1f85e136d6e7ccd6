"use strict";
// Everything the app reads from its environment, in one place. A tier with `elasticsearch: true` gets
// ELASTICSEARCH_URL, ELASTICSEARCH_USERNAME, ELASTICSEARCH_PASSWORD (from the tier user's Secret) and, with
// TLS, ELASTICSEARCH_CA_CERT (a file mounted from the cluster's CA Secret).
const fs = require("node:fs");

/** @returns {{ url: URL, username: string, password: string, ca: string | undefined, index: string }} */
function elasticsearchConfig(env = process.env) {
  const missing = ["ELASTICSEARCH_URL", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD"].filter((k) => !env[k]);
  if (missing.length) throw new Error(`missing environment: ${missing.join(", ")}`);
  const url = new URL(env.ELASTICSEARCH_URL);
  const ca = env.ELASTICSEARCH_CA_CERT ? fs.readFileSync(env.ELASTICSEARCH_CA_CERT, "utf8") : undefined;
  if (url.protocol === "https:" && !ca) throw new Error("ELASTICSEARCH_URL is https but ELASTICSEARCH_CA_CERT is not set");
  // The tier's Elasticsearch role covers "<tier>-*" by default: the index lives there.
  const index = env.SEARCH_INDEX || `${env.ELASTICSEARCH_USERNAME}-documents`;
  return { url, username: env.ELASTICSEARCH_USERNAME, password: env.ELASTICSEARCH_PASSWORD, ca, index };
}

function port(env = process.env, fallback = 8080) {
  const p = Number(env.PORT || fallback);
  if (!Number.isInteger(p) || p <= 0 || p > 65535) throw new Error(`PORT must be a TCP port, not ${env.PORT}`);
  return p;
}

module.exports = { elasticsearchConfig, port };
