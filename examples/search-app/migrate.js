"use strict";
// `node migrate.js`: creates the app's index with its mapping (the platform runs it as the tier's
// migrations Job before each rollout). Waits up to MIGRATE_TIMEOUT_SECONDS (default 120) for
// Elasticsearch to answer and to accept the credentials (right after a password rotation the Job can
// start before Elasticsearch reloaded its users); exits non-zero on anything else, so the Job retries.
const { elasticsearchConfig } = require("./config");
const { Elasticsearch } = require("./elasticsearch");
const { migrate } = require("./documents");

async function main() {
  const config = elasticsearchConfig();
  const es = new Elasticsearch(config);
  const deadline = Date.now() + Number(process.env.MIGRATE_TIMEOUT_SECONDS || 120) * 1000;
  for (;;) {
    try {
      const outcome = await migrate(es, config.index);
      console.log(`migrate: index ${config.index} ${outcome}`);
      return;
    } catch (err) {
      // A 403 will not go away by waiting; a 401 may (a rotated password not yet reloaded).
      if (err.status === 403 || Date.now() > deadline) throw err;
      console.log(`migrate: waiting for Elasticsearch (${err.message})`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

main().catch((err) => {
  console.error(`migrate: ${err.message}`);
  process.exit(1);
});
