// The structure rules, as pure functions from a scanned checkout to a list of violations (empty when
// the checkout keeps them): room sizes with a shrinking allow-list, imports of workspace packages that
// the importer's package.json declares, and imports that point down the declared layering only.

import type { RepoScan } from './scan.ts';

export interface StructureConfig {
  maxFileLines: number;
  maxFunctionLines: number;
  /** Files allowed over the limit (they were when it came in), by path. */
  fileAllowList: readonly string[];
  /** Functions allowed over the limit (they were when it came in), by `path#name`. */
  functionAllowList: readonly string[];
  /** Workspace packages from the bottom layer up; a package imports only from layers below its own. */
  layers: readonly (readonly string[])[];
  /** Packages whose shipped code sees the exchange only through the public API packages. */
  publicApiOnly: { readonly packages: readonly string[]; readonly api: readonly string[] };
}

function checkAllowList(
  what: string,
  limit: number,
  sizes: ReadonlyMap<string, number>,
  allowList: readonly string[],
): string[] {
  const out: string[] = [];
  const allowed = new Set(allowList);
  for (const [key, lines] of sizes) {
    if (lines > limit && !allowed.has(key)) {
      out.push(`${key}: ${what} of ${lines} lines is over ${limit}; split it along its seams`);
    }
  }
  for (const key of allowed) {
    const lines = sizes.get(key);
    if (lines === undefined || lines <= limit) {
      out.push(`${key}: no longer over ${limit} lines; remove it from the ${what} allow-list`);
    }
  }
  return out;
}

/** Files over `maxFileLines` and functions over `maxFunctionLines`, and stale allow-list entries. */
export function roomViolations(scan: RepoScan, config: StructureConfig): string[] {
  const fileSizes = new Map<string, number>();
  const functionSizes = new Map<string, number>();
  for (const file of scan.files) {
    fileSizes.set(file.path, file.lines);
    for (const fn of file.functions) {
      const key = `${file.path}#${fn.name}`;
      functionSizes.set(key, Math.max(fn.lines, functionSizes.get(key) ?? 0));
    }
  }
  return [
    ...checkAllowList('file', config.maxFileLines, fileSizes, config.fileAllowList),
    ...checkAllowList('function', config.maxFunctionLines, functionSizes, config.functionAllowList),
  ];
}

/** Imports of a workspace package that the importing package's package.json does not declare. */
export function dependencyViolations(scan: RepoScan): string[] {
  const out: string[] = [];
  for (const file of scan.files) {
    const owner = file.owner;
    if (owner === undefined) continue; // the root's bench/ and test/ see every workspace
    for (const imp of file.imports) {
      if (owner.dependencies.has(imp.target)) continue;
      if (file.devOnly && owner.devDependencies.has(imp.target)) continue;
      const where = file.devOnly ? 'devDependencies' : 'dependencies';
      out.push(
        `${file.path}:${imp.line}: imports ${imp.target} ('${imp.specifier}') but ${owner.dir}/package.json does not declare it in ${where}`,
      );
    }
  }
  return out;
}

/** Imports that point up or sideways in the declared layering, and packages with no layer. */
export function layeringViolations(scan: RepoScan, config: StructureConfig): string[] {
  const out: string[] = [];
  const layerOf = new Map<string, number>();
  config.layers.forEach((names, i) => {
    for (const name of names) layerOf.set(name, i);
  });
  for (const pkg of scan.packages) {
    if (!layerOf.has(pkg.name)) {
      out.push(
        `${pkg.dir}: package ${pkg.name} has no layer; declare it in test/structure/config.ts`,
      );
    }
  }
  const publicOnly = new Set(config.publicApiOnly.packages);
  const publicApi = new Set(config.publicApiOnly.api);
  for (const file of scan.files) {
    const owner = file.owner;
    if (owner === undefined) continue;
    const from = layerOf.get(owner.name);
    for (const imp of file.imports) {
      const to = layerOf.get(imp.target);
      if (from !== undefined && to !== undefined && to >= from) {
        out.push(
          `${file.path}:${imp.line}: ${owner.name} (layer ${from}) imports ${imp.target} (layer ${to}); imports point down the layers only`,
        );
      }
      if (publicOnly.has(owner.name) && !file.devOnly && !publicApi.has(imp.target)) {
        out.push(
          `${file.path}:${imp.line}: ${owner.name} sees the exchange only through ${[...publicApi].join(', ')}, not ${imp.target}`,
        );
      }
    }
  }
  return out;
}
