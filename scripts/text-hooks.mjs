// Text files (.proto, .tmpl, ...) imported as strings: `import text from "./x.proto"`.
// esbuild (scripts/build.mjs) and vitest (vitest.config.ts) inline them at build time;
// these Node module hooks do the same for scripts run unbundled with tsx, e.g. the
// matchbox test server and bench/. registerTextHooks() must run before any module that
// imports such a file is loaded, so entry points load the rest with a dynamic import().
import { readFile } from "node:fs/promises";
import { register } from "node:module";

/** Extensions bundled as plain strings: templates, protos, keys. */
export const TEXT_EXTENSIONS = [".tmpl", ".proto", ".asc", ".txt"];

/** load is the Node module hook: a text file becomes a module whose default export is its text. */
export async function load(url, context, nextLoad) {
  if (url.startsWith("file:") && TEXT_EXTENSIONS.some((e) => url.endsWith(e))) {
    const text = await readFile(new URL(url), "utf8");
    return { format: "module", source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}

let registered = false;

/** registerTextHooks installs load() for this process, once; it does nothing inside a bundle. */
export function registerTextHooks() {
  // in a bundle import.meta.url is undefined, and text files are already inlined
  if (registered || !import.meta.url) return;
  registered = true;
  register(import.meta.url);
}
