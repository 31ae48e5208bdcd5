// For running TypeScript that imports text files by hand:
//   npx tsx --import ./scripts/register-text.mjs some/file.ts
import { registerTextHooks } from "./text-hooks.mjs";

registerTextHooks();
