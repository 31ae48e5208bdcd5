// The Butane variants pxectl translates, and the Ignition spec each becomes. Only specs
// matchbox v0.11 serves (<= 3.4.0) are here: fcos 1.6+ and Flatcar's experimental
// variant would be served by matchbox as an empty config.
import type { IgnitionSpec } from "./schema";

/** ButaneVariant is one supported (variant, version) pair. */
export interface ButaneVariant {
  variant: "flatcar" | "fcos";
  version: string;
  spec: IgnitionSpec;
}

/** BUTANE_VARIANTS lists every Butane variant/version pxectl accepts. */
export const BUTANE_VARIANTS: readonly ButaneVariant[] = [
  { variant: "flatcar", version: "1.0.0", spec: "3.3.0" },
  { variant: "flatcar", version: "1.1.0", spec: "3.4.0" },
  { variant: "fcos", version: "1.5.0", spec: "3.4.0" },
];

/** findVariant returns the supported pair, or undefined. */
export function findVariant(variant: unknown, version: unknown): ButaneVariant | undefined {
  return BUTANE_VARIANTS.find((v) => v.variant === variant && v.version === version);
}

/** describeVariants lists the supported pairs for error messages: "flatcar 1.0.0, flatcar 1.1.0, fcos 1.5.0". */
export function describeVariants(): string {
  return BUTANE_VARIANTS.map((v) => `${v.variant} ${v.version}`).join(", ");
}
