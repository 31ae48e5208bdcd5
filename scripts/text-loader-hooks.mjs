// Module hooks for scripts/text-loader.mjs: the same extensions as scripts/build.mjs.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const TEXT = /\.(tmpl|proto|asc|txt)$/;

export async function load(url, context, nextLoad) {
  if (!TEXT.test(new URL(url).pathname)) return nextLoad(url, context);
  const text = await readFile(fileURLToPath(url), "utf8");
  return { format: "module", source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
