import { defineConfig } from "vitest/config";

// `npm run test:real-model`: only the live test against the real model (see real_model_live.ts).
export default defineConfig({
  test: {
    include: ["tests/real_model/real_model_live.ts"],
    setupFiles: ["tests/_setup.ts"],
    testTimeout: 7_200_000,
    hookTimeout: 7_200_000,
    pool: "forks",
  },
});
