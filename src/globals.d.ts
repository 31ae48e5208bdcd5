/** PXECTL_VERSION is package.json's version, set at build time (esbuild and vitest define it). */
declare const PXECTL_VERSION: string;

declare module "*.tmpl" {
  const text: string;
  export default text;
}
declare module "*.proto" {
  const text: string;
  export default text;
}
declare module "*.asc" {
  const text: string;
  export default text;
}
