// Ignition rendering, pure (text in, JSON out; no network, no files): handlebars templates,
// Butane/Container Linux Config -> Ignition 3.3/3.4 translation, and validation.
export { type CompiledConfig, type ConfigFormat, type ConfigInput, TRANSLATION_REVISION, compileConfig } from "./config";
export { type Template, type TemplateOrigin, compileTemplate, isTemplate } from "./template";
export { type ReadLocal } from "./butane/translate";
export { stringifyIgnition } from "./json";
export { BUTANE_VARIANTS, describeVariants } from "./variants";
export { IGNITION_SPECS, type IgnitionSpec } from "./schema";
