// Loads one entry point of the installed package in a fresh Node process and reports what that cost:
// run by scripts/consumer-test.ts with plain Node from the consumer project.
//
//   node load.js <specifier> <comma-separated value names>
//
// Prints one JSON line: the modules in require.cache after the require (all, and those under
// @pulumi/aws and @pulumi/eks), the wall time of the require, and any expected value that is undefined.
"use strict";
const [specifier, list] = process.argv.slice(2);
const started = process.hrtime.bigint();
const loaded = require(specifier);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const modules = Object.keys(require.cache);
const under = (name) => modules.filter((m) => m.includes(`/node_modules/${name}/`)).length;
const names = list ? list.split(",") : [];
console.log(
  JSON.stringify({
    specifier,
    modules: modules.length,
    aws: under("@pulumi/aws"),
    eks: under("@pulumi/eks"),
    kubernetes: under("@pulumi/kubernetes"),
    ms: Math.round(ms),
    missing: names.filter((n) => loaded[n] === undefined),
  }),
);
