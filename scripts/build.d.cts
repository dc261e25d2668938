// Types of scripts/build.cjs, for TypeScript that drives the build (bench/gateway-memory.ts).

/** Compiles the Node packages (apps/ingestion, apps/gateway, libs/*, devices/*) into their dist/. */
export function build(): void;
/** Compiles one TypeScript file to `outFile`, workspace imports pointing into the packages' dist/. */
export function compileFile(sourceFile: string, outFile: string): void;
/**
 * Why the build is not current (e.g. "apps/gateway/src changed since the last build"), or undefined
 * when it is: of every package, or of `entryDir` (e.g. 'apps/gateway') and the packages it imports.
 */
export function staleReason(entryDir?: string): string | undefined;
