import { defineConfig } from "vitest/config";

// End-to-end tests against a real (local, offline) control plane and the real Pulumi CLI.
// Run with `npm run test:e2e`, which first builds or reuses the toolchain (scripts/e2e-tools).
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    // One control plane at a time: the machine has 2 cores.
    fileParallelism: false,
    pool: "forks",
    testTimeout: 20 * 60_000,
    hookTimeout: 10 * 60_000,
    teardownTimeout: 60_000,
  },
});
