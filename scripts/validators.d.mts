/** standaloneValidators returns the source of a module exporting compileValidator, with the validators of schemas/*.schema.json compiled. */
export declare function standaloneValidators(root: string, options?: { esm?: boolean }): string;
/** precompiledValidators is the esbuild plugin that puts that module in place of src/config/validators.ts. */
export declare function precompiledValidators(root: string): unknown;
/** splitValidators is that plugin for the single binary: each validator a chunk of its own, entries the modules to add to esbuild's entry points. */
export declare function splitValidators(root: string): { plugin: unknown; entries: string[] };
