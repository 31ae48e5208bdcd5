/** Extensions bundled as plain strings: templates, protos, keys. */
export declare const TEXT_EXTENSIONS: readonly string[];
/** registerTextHooks makes `import text from "./x.proto"` work in scripts run with tsx; it does nothing inside a bundle. */
export declare function registerTextHooks(): void;
