// Lets Node (and tsx) import templates, protos and keys as strings, as esbuild's text
// loader does in the build and vitest's plugin does in tests:
//   npx tsx --import ./scripts/text-loader.mjs test/support/matchbox/main.ts
import { register } from "node:module";

register("./text-loader-hooks.mjs", import.meta.url);
