// Reads a checkout the way the structure rules need it: every workspace package with its manifest,
// and every TypeScript file with its line count, its functions' lengths and the packages it imports.
// Files are parsed with the TypeScript compiler, so comments and strings never count as imports.
// A function is any function, method, accessor or callback with a body, except a `describe` callback.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface WorkspacePackage {
  name: string;
  /** Folder relative to the repository root, with forward slashes: `packages/engine`. */
  dir: string;
  dependencies: ReadonlySet<string>;
  devDependencies: ReadonlySet<string>;
}

export interface FunctionRoom {
  /** Enclosing classes and functions, then this one: `Engine.apply`, `test('fills') > check`. */
  name: string;
  line: number;
  lines: number;
}

export interface WorkspaceImport {
  /** The imported workspace package's name. */
  target: string;
  line: number;
  /** The specifier as written (a relative path when it reaches into another package's folder). */
  specifier: string;
}

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  lines: number;
  functions: FunctionRoom[];
  /** Imports of workspace packages (by name, or by a relative path into their folder). */
  imports: WorkspaceImport[];
  /** The package whose folder holds the file; undefined for the root's own `bench/` and `test/`. */
  owner: WorkspacePackage | undefined;
  /** Test, bench and script code may use the owner's devDependencies; shipped code only its dependencies. */
  devOnly: boolean;
}

export interface RepoScan {
  packages: WorkspacePackage[];
  files: SourceFile[];
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'data', 'coverage', 'test-results', 'tmp-prof']);
const CODE = /\.(ts|tsx|mts|cts)$/;

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Workspace packages from the root manifest's `workspaces` globs (`packages/*` form only). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const globs = (readJson(join(root, 'package.json')).workspaces ?? []) as string[];
  const out: WorkspacePackage[] = [];
  for (const glob of globs) {
    if (!glob.endsWith('/*')) throw new Error(`unsupported workspace glob ${glob}`);
    const parent = join(root, glob.slice(0, -2));
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const manifest = join(parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const json = readJson(manifest);
      out.push({
        name: json.name as string,
        dir: toPosix(relative(root, join(parent, entry.name))),
        dependencies: new Set(Object.keys((json.dependencies ?? {}) as object)),
        devDependencies: new Set(Object.keys((json.devDependencies ?? {}) as object)),
      });
    }
  }
  return out.sort((a, b) => a.dir.localeCompare(b.dir));
}

function codeFiles(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) codeFiles(root, path, out);
    else if (CODE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
}

/** A readable name for a function: its own, or what it is assigned to, or the call it is passed to. */
function ownName(node: ts.Node, sf: ts.SourceFile): string | undefined {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (ts.isClassLike(node) || ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) {
    return node.name?.getText(sf);
  }
  if (ts.isAccessor(node)) return node.name.getText(sf);
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return undefined;
  if (node.name !== undefined) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText(sf);
  }
  if (ts.isPropertyDeclaration(parent)) return parent.name.getText(sf);
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText(sf).replace(/\s+/g, '');
    const first = parent.arguments[0];
    const title =
      first !== undefined &&
      (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))
        ? `'${first.text}'`
        : '';
    return `${callee}(${title})`;
  }
  return '(anonymous)';
}

function scanFunctions(sf: ts.SourceFile): FunctionRoom[] {
  const out: FunctionRoom[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node, path: string): void => {
    let inner = path;
    const isFunction = ts.isFunctionLike(node) && (node as { body?: ts.Node }).body !== undefined;
    if (isFunction || ts.isClassLike(node)) {
      const own = ownName(node, sf) ?? '(anonymous)';
      inner = path === '' ? own : `${path}${ts.isClassLike(node.parent) ? '.' : ' > '}${own}`;
      // A describe callback groups tests the way a file does; the file limit bounds it.
      if (isFunction && !/^(describe|suite)\(/.test(own)) {
        const line = lineOf(node.getStart(sf));
        out.push({ name: inner, line, lines: lineOf(node.getEnd()) - line + 1 });
      }
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sf, '');
  return out;
}

function moduleSpecifiers(sf: ts.SourceFile): { specifier: string; line: number }[] {
  const out: { specifier: string; line: number }[] = [];
  const add = (lit: ts.Node) => {
    if (ts.isStringLiteralLike(lit)) {
      out.push({ specifier: lit.text, line: sf.getLineAndCharacterOfPosition(lit.pos).line + 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      add(node.moduleSpecifier);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      add(node.moduleReference.expression);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg !== undefined) add(arg);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function ownerOf(
  path: string,
  packages: readonly WorkspacePackage[],
): WorkspacePackage | undefined {
  return packages.find((p) => path.startsWith(`${p.dir}/`));
}

function lineCount(text: string): number {
  if (text === '') return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

/** Scans every TypeScript file of the checkout at `root` (node_modules, dist and data left out). */
export function scanRepo(root: string): RepoScan {
  const packages = workspacePackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const paths: string[] = [];
  codeFiles(root, '', paths);
  const files: SourceFile[] = [];
  for (const path of paths.sort()) {
    const text = readFileSync(join(root, path), 'utf8');
    const kind = path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
    const owner = ownerOf(path, packages);
    const imports: WorkspaceImport[] = [];
    for (const { specifier, line } of moduleSpecifiers(sf)) {
      let target: string | undefined;
      if (specifier.startsWith('.')) {
        const resolved = toPosix(relative(root, resolve(root, dirname(path), specifier)));
        const into = ownerOf(resolved, packages);
        if (into !== undefined && into !== owner) target = into.name;
      } else {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        if (byName.has(name) && byName.get(name) !== owner) target = name;
      }
      if (target !== undefined) imports.push({ target, line, specifier });
    }
    const inPackage = owner === undefined ? path : path.slice(owner.dir.length + 1);
    const devOnly = /^(test|bench|scripts)\//.test(inPackage) || /\.test\.tsx?$/.test(path);
    files.push({
      path,
      lines: lineCount(text),
      functions: scanFunctions(sf),
      imports,
      owner,
      devOnly,
    });
  }
  return { packages, files };
}
