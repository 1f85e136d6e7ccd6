import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    // Each file runs in its own process: the Pulumi runtime is process-global state.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
