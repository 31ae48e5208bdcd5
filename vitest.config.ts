import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };
const TEXT_FILE = /\.(tmpl|proto|asc|txt)$/;

export default defineConfig({
  define: { PXECTL_VERSION: JSON.stringify(pkg.version) },
  plugins: [
    {
      // the same text loader esbuild uses in scripts/build.mjs
      name: "text-files",
      transform(code, id) {
        if (TEXT_FILE.test(id)) return { code: `export default ${JSON.stringify(code)};`, map: null };
        return undefined;
      },
    },
  ],
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    pool: "forks",
  },
});
