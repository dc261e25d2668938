#!/usr/bin/env node
// `npm run build`: the Node packages (apps/ingestion, apps/gateway, libs/*, devices/*) compiled to
// CommonJS in each package's dist/, so production runs JavaScript and no compiler hook. The swc
// settings are .swcrc's, the ones jest and the dev loop use (legacy decorators with metadata, for
// NestJS); type checking stays `npm run typecheck`.
//
// Imports of workspace packages (`@tm/contracts`, `@tm/gateway/src/drivers`) are rewritten at
// compile time (swc jsc.paths) into relative paths to the other packages' dist/. The packages'
// package.json files keep naming src/index.ts, so typecheck, jest and the register hook of the dev
// loop read sources, and compiled code never resolves a workspace package through node_modules:
// a plain `node apps/ingestion/dist/main.js` runs, with no flag and no resolver hook.
//
// Each package's dist/ mirrors its src/ (src/db/migrate.ts -> dist/db/migrate.js), so paths the
// code builds from __dirname (migrations, the dashboard build, the gateway CLI) hold in both;
// files in src/ that are not TypeScript (the embedded database's .cjs child) are copied as they are.
'use strict';
const { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { basename, dirname, join, relative } = require('node:path');

const root = join(__dirname, '..');
/**
 * Written last by a successful build, one per package: its mtime is what staleness is measured
 * against, its content the workspace packages the package imports (so the gateway's CLI checks its
 * own sources and those of its libraries, not the ingestion's).
 */
const STAMP = '.build-stamp.json';
/** Files whose change makes every package's build stale. */
const BUILD_INPUTS = [join(root, '.swcrc'), __filename];

/** The packages built here, in the order they are compiled (the order does not matter to swc). */
function packageDirs() {
  const under = (folder) =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(root, folder, e.name, 'package.json')))
      .map((e) => `${folder}/${e.name}`)
      .sort();
  return [...under('libs'), ...under('devices'), 'apps/gateway', 'apps/ingestion'];
}

/** Name and folder of each package built here. */
function workspacePackages() {
  return packageDirs().map((dir) => {
    const { name, main } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    if (main !== 'src/index.ts') throw new Error(`${dir}/package.json: main is "${main}", the build expects src/index.ts`);
    return { dir, name };
  });
}

/**
 * Why the build is not current, or undefined when dist/ is newer than the sources: of every
 * package, or of `entryDir` (e.g. 'apps/gateway') and the workspace packages it imports.
 */
function staleReason(entryDir) {
  const inputs = Math.max(...BUILD_INPUTS.map((f) => statSync(f).mtimeMs));
  const queue = entryDir === undefined ? packageDirs() : [entryDir];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const dir = queue.shift();
    const src = join(root, dir, 'src');
    if (!existsSync(src)) continue; // an image that ships dist/ only
    const stamp = join(root, dir, 'dist', STAMP);
    let dependsOn;
    try {
      ({ dependsOn } = JSON.parse(readFileSync(stamp, 'utf8')));
    } catch {
      return `${dir} is not built`;
    }
    const builtAt = statSync(stamp).mtimeMs;
    if (inputs > builtAt || newest(src) > builtAt) return `${dir}/src changed since the last build`;
    for (const dep of dependsOn.filter((d) => !seen.has(d))) {
      seen.add(dep);
      queue.push(dep);
    }
  }
  return undefined;
}

/** Files of src/ that are not part of the build. */
const NOT_BUILT = /\.(spec|test)\.ts$|\.d\.ts$|\.md$/;

/** Newest mtime of the built files of a tree, directories included (so an added or deleted file counts). */
function newest(dir) {
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_BUILT.test(entry.name)) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** .swcrc plus the workspace-import rewrite and external source maps. */
let baseOptions;
function swcOptions(outFile) {
  baseOptions ??= readSwcOptions();
  // Relative paths of rewritten imports are computed from where the JavaScript will live.
  return { ...baseOptions, filename: outFile.replace(/\.js$/, '.ts') };
}

function readSwcOptions() {
  const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
  delete swcrc.$schema;
  const paths = {};
  for (const { dir, name } of workspacePackages()) {
    paths[name] = [`${dir}/dist/index.js`];
    paths[`${name}/src/*`] = [`${dir}/dist/*`];
  }
  return {
    ...swcrc,
    swcrc: false,
    sourceMaps: true,
    jsc: { ...swcrc.jsc, baseUrl: root, paths },
  };
}

/** Compiles one TypeScript file to `outFile` (plus `outFile.map`). Also used by bench/ for its own entry scripts. */
function compileFile(sourceFile, outFile) {
  const swc = require('@swc/core');
  const options = swcOptions(outFile);
  const output = swc.transformSync(readFileSync(sourceFile, 'utf8'), { ...options, sourceFileName: relative(dirname(outFile), sourceFile) });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${output.code}\n//# sourceMappingURL=${basename(outFile)}.map\n`);
  if (output.map) writeFileSync(`${outFile}.map`, output.map);
}

function buildPackage(dir, dirByName) {
  const src = join(root, dir, 'src');
  const dist = join(root, dir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  let compiled = 0;
  let copied = 0;
  const dependsOn = new Set();
  const walk = (from, to) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = join(from, entry.name);
      if (entry.isDirectory()) walk(source, join(to, entry.name));
      else if (NOT_BUILT.test(entry.name)) continue;
      else if (entry.name.endsWith('.ts')) {
        compileFile(source, join(to, entry.name.replace(/\.ts$/, '.js')));
        for (const [, name] of readFileSync(source, 'utf8').matchAll(/from '(@tm\/[\w-]+)/g)) {
          const other = dirByName.get(name);
          if (other !== undefined && other !== dir) dependsOn.add(other);
        }
        compiled++;
      } else {
        mkdirSync(to, { recursive: true });
        copyFileSync(source, join(to, entry.name));
        copied++;
      }
    }
  };
  walk(src, dist);
  writeFileSync(join(dist, STAMP), `${JSON.stringify({ builtAt: new Date().toISOString(), dependsOn: [...dependsOn].sort() })}\n`);
  return { compiled, copied };
}

function build() {
  const started = Date.now();
  let compiled = 0;
  let copied = 0;
  const dirByName = new Map(workspacePackages().map(({ dir, name }) => [name, dir]));
  for (const dir of dirByName.values()) {
    const counts = buildPackage(dir, dirByName);
    compiled += counts.compiled;
    copied += counts.copied;
  }
  process.stdout.write(`built ${compiled} TypeScript files (+${copied} copied) into dist/ of ${packageDirs().length} packages in ${Date.now() - started} ms\n`);
}

module.exports = { build, compileFile, staleReason };

if (require.main === module) {
  try {
    build();
  } catch (error) {
    process.stderr.write(`build failed: ${error.message}\n`);
    process.exit(1);
  }
}
