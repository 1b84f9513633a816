/** Files under src/ that are read at run time (through import.meta.url), not compiled. */
export declare const RUNTIME_ASSETS: readonly string[];
/** Builds dist/ (a clean build unless `clean: false`); throws with tsc's output when the compiler reports an error. */
export declare function build(options?: { clean?: boolean }): void;
/** An incremental build when something under src/ changed since the last one; returns whether it built. */
export declare function buildIfStale(): boolean;
