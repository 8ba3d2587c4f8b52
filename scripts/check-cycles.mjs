// Fails when the packages' sources import each other in a cycle, in `npm test`.
//
// Reads every packages/**/src/**/*.ts file (not tests, not dist), follows its relative imports and
// re-exports with the TypeScript parser, and looks for cycles among the edges that exist at run time:
// - `import type …` and `export type … from` are erased by the compiler: they are not edges;
// - `import { type A } from './a.js'` is an edge: with `verbatimModuleSyntax` it is emitted as
//   `import {} from './a.js'`, which still evaluates './a.js' first (write `import type` instead);
// - `import('./a.js')` (dynamic) is not an edge: it runs later, after both modules have been evaluated.
// Package imports (`@tributary/core`, …) are not followed: the packages' own dependency graph is acyclic
// by construction (project references would not build otherwise).
//
// A cycle is reported once, as the list of files around it, starting from its first file in path order.
// The allow-list below is for a cycle that must stay: each entry has its reason next to it. It is empty.
// Prints one line ending in "ok" when there are no cycles; otherwise lists each cycle and exits 1.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Cycles allowed to stay, each written as its files (repository-relative, in any rotation). */
const AllowedCycles = [
  // (none)
];

/** Every `src` directory of a package under packages/ (packages/core/src, packages/connectors/kafka/src…). */
function sourceDirs() {
  const dirs = [];
  const visit = (dir, depth) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.name === 'src') dirs.push(path);
      else if (depth < 2) visit(path, depth + 1);
    }
  };
  visit(join(root, 'packages'), 0);
  return dirs;
}

function tsFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tsFiles(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The module specifiers of the imports and re-exports of `file` that exist at run time. */
function runtimeSpecifiers(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.isTypeOnly) continue;
      specifiers.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      if (statement.isTypeOnly) continue;
      // `export { type A } from './a.js'` is dropped entirely when every name in it is type-only.
      const names = statement.exportClause && ts.isNamedExports(statement.exportClause) ? statement.exportClause.elements : undefined;
      if (names && names.length > 0 && names.every((n) => n.isTypeOnly)) continue;
      specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
}

/** The source file a relative specifier (`./a.js`, `../b/index.js`, `./c`) resolves to, if it is one of ours. */
function resolveRelative(from, specifier, known) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.(m?js)$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base];
  for (const candidate of candidates) if (known.has(candidate)) return candidate;
  try {
    if (statSync(base).isFile()) return undefined; // a non-TypeScript file (JSON…): no imports to follow
  } catch {}
  throw new Error(`${relative(root, from)}: cannot resolve '${specifier}'`);
}

/** Strongly connected components (Tarjan), then one simple cycle through each non-trivial component. */
function findCycles(graph) {
  let index = 0;
  const indices = new Map();
  const lowlink = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const strongConnect = (v) => {
    indices.set(v, index);
    lowlink.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!indices.has(w)) {
        strongConnect(w);
        lowlink.set(v, Math.min(lowlink.get(v), lowlink.get(w)));
      } else if (onStack.has(w)) {
        lowlink.set(v, Math.min(lowlink.get(v), indices.get(w)));
      }
    }
    if (lowlink.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v).includes(v)) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) strongConnect(v);

  // Within each component, every elementary cycle through the edges of that component (bounded: a
  // component is small, and a cycle is listed once, rotated to start at its smallest file).
  const cycles = new Map();
  for (const component of components) {
    const members = new Set(component);
    for (const start of component) {
      const path = [start];
      const visiting = new Set([start]);
      const walk = (v) => {
        for (const w of graph.get(v)) {
          if (!members.has(w) || w < start) continue;
          if (w === start) {
            cycles.set(path.join('\0'), [...path]);
            if (cycles.size > 200) return;
          } else if (!visiting.has(w)) {
            visiting.add(w);
            path.push(w);
            walk(w);
            path.pop();
            visiting.delete(w);
          }
        }
      };
      walk(start);
    }
  }
  return { components, cycles: [...cycles.values()] };
}

function sameCycle(cycle, allowed) {
  if (cycle.length !== allowed.length) return false;
  const files = cycle.map((f) => relative(root, f).split(sep).join('/'));
  const at = files.indexOf(allowed[0]);
  return at >= 0 && allowed.every((f, i) => files[(at + i) % files.length] === f);
}

const files = sourceDirs().flatMap((dir) => tsFiles(dir));
const known = new Set(files);
const graph = new Map();
for (const file of files) {
  const targets = new Set();
  for (const specifier of runtimeSpecifiers(file)) {
    const target = resolveRelative(file, specifier, known);
    if (target) targets.add(target);
  }
  graph.set(file, [...targets].sort());
}

const { cycles } = findCycles(graph);
const reported = cycles.filter((c) => !AllowedCycles.some((a) => sameCycle(c, a)));
const line = `check-cycles: ${files.length} source files under packages/*/src, runtime imports`;
if (reported.length === 0) {
  console.log(`${line}: no import cycles${cycles.length > 0 ? ` (${cycles.length} allowed)` : ''} ok`);
} else {
  console.error(`${line}: ${reported.length} import cycle(s):`);
  for (const cycle of reported) {
    const names = cycle.map((f) => relative(root, f).split(sep).join('/'));
    console.error(`  ${[...names, names[0]].join('\n    → ')}`);
  }
  process.exit(1);
}
