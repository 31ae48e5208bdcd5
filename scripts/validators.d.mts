/** standaloneValidators returns the source of a module exporting compileValidator, with the validators of schemas/*.schema.json compiled. */
export declare function standaloneValidators(root: string, options?: { esm?: boolean }): string;
/** precompiledValidators is the esbuild plugin that puts that module in place of src/config/validators.ts. */
export declare function precompiledValidators(root: string): unknown;
