// Packs every publishable package as it would be published and checks the tarball, in `npm test`:
// - `pnpm pack` (not `npm pack`: npm leaves `workspace:^` in the packed manifest, so the tarball would
//   not install outside this repository; pnpm replaces it with the version range);
// - our own rules: no build info (`.tsbuildinfo`) in the tarball, a README.md whose links stay inside the
//   package (or are repository-rooted `/docs/…` links to files that exist, or URLs), the repository's
//   LICENSE (Apache-2.0, the same text as at the root), and full metadata pointing at the same repository;
// - `publint --strict` and `@arethetypeswrong/cli --profile esm-only` on the tarball. attw's analysis
//   runs in this process (its CLI would load TypeScript once per package: most of the run's time), with
//   the CLI's own exit rule and the esm-only profile; a package that fails is run through the CLI too,
//   for its report.
// A package is publishable when its package.json under packages/ is not `"private": true`.
// Prints one line saying what it does (ending in "ok" when all is well); any problem fails the run
// (exit 1) with the tools' output, package by package.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { getExitCode } from '@arethetypeswrong/cli/internal/getExitCode';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bin = (name) => join(root, 'node_modules', '.bin', name);
/** What `attw --profile esm-only` ignores: ESM-only packages are not for `node10` or `require()`. */
const EsmOnlyIgnoredResolutions = ['node10', 'node16-cjs'];
const RequiredFields = ['description', 'license', 'repository', 'homepage', 'keywords', 'engines'];
/** Every package says the same about where it comes from (the repository URL is a placeholder for now). */
const Repository = { type: 'git', url: 'git+https://github.com/tributary/tributary.git' };
const Bugs = 'https://github.com/tributary/tributary/issues';
const HomepagePrefix = 'https://github.com/tributary/tributary';
const License = readFileSync(join(root, 'LICENSE'), 'utf8');

function publishablePackages() {
  const found = [];
  const visit = (dir, depth) => {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (pkg.private !== true) found.push({ dir, name: pkg.name });
      return;
    }
    if (depth === 0) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules') visit(join(dir, entry.name), depth - 1);
    }
  };
  visit(join(root, 'packages'), 2);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs a command; resolves with its output whatever the exit code (`code` says how it went). */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, output: `${stdout}${stderr}`.trim(), spawnError: error !== null && typeof error.code !== 'number' ? error : null });
    });
  });
}

/** The regular files of a .tgz, by path (without the leading `package/`). */
function tarballFiles(tgz) {
  const tar = gunzipSync(readFileSync(tgz));
  const files = new Map();
  let longName = null;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, length) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = longName ?? (prefix === '' ? field(0, 100) : `${prefix}/${field(0, 100)}`);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    longName = null;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '') files.set(name.replace(/^package\//, ''), body);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Problems our own rules find in a packed tarball. */
function ownProblems(files, where) {
  const problems = [];
  for (const path of files.keys()) if (path.endsWith('.tsbuildinfo')) problems.push(`build info in the tarball: ${path}`);
  const manifest = files.get('package.json');
  if (manifest === undefined) return [...problems, 'no package.json in the tarball'];
  const pkg = JSON.parse(manifest.toString('utf8'));
  for (const field of RequiredFields) if (pkg[field] === undefined) problems.push(`package.json has no "${field}"`);
  if (pkg.engines !== undefined && pkg.engines.node !== '>=20') problems.push(`engines.node must be ">=20", got ${JSON.stringify(pkg.engines.node)}`);
  if (Array.isArray(pkg.keywords) && pkg.keywords.length === 0) problems.push('package.json has no keywords');
  if (pkg.license !== 'Apache-2.0') problems.push(`license must be "Apache-2.0", got ${JSON.stringify(pkg.license)}`);
  const license = files.get('LICENSE');
  if (license === undefined) problems.push('no LICENSE in the tarball (pnpm pack adds the root LICENSE to a package that has none)');
  else if (license.toString('utf8') !== License) problems.push('LICENSE differs from the repository root LICENSE');
  const repo = pkg.repository ?? {};
  if (repo.type !== Repository.type || repo.url !== Repository.url || repo.directory !== where) {
    problems.push(`repository must be ${JSON.stringify({ ...Repository, directory: where })}, got ${JSON.stringify(pkg.repository)}`);
  }
  if (pkg.bugs !== Bugs) problems.push(`bugs must be ${JSON.stringify(Bugs)}, got ${JSON.stringify(pkg.bugs)}`);
  if (typeof pkg.homepage !== 'string' || !(pkg.homepage === HomepagePrefix || /^[#/]/.test(pkg.homepage.slice(HomepagePrefix.length)))) {
    problems.push(`homepage must be on ${HomepagePrefix}, got ${JSON.stringify(pkg.homepage)}`);
  }
  const ranges = ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => Object.entries(pkg[k] ?? {}));
  for (const [dep, range] of ranges) if (String(range).startsWith('workspace:')) problems.push(`${dep} is still "${range}" (packed with npm instead of pnpm?)`);
  const readme = files.get('README.md');
  if (readme === undefined) return [...problems, 'no README.md in the tarball'];
  for (const [, target] of readme.toString('utf8').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const path = target.replace(/#.*$/, '');
    if (path === '' || /^[a-z][a-z+.-]*:/i.test(path)) continue; // an anchor, or a URL
    if (path.startsWith('/')) {
      if (!existsSync(join(root, path))) problems.push(`README.md links to ${target}, which is not in the repository`);
      continue;
    }
    const inside = posix.normalize(path);
    if (inside.startsWith('../')) problems.push(`README.md links outside the package: ${target} (link /docs/… from the repository root instead)`);
    else if (![...files.keys()].some((f) => f === inside || f.startsWith(`${inside.replace(/\/$/, '')}/`)))
      problems.push(`README.md links to ${target}, which is not in the tarball`);
  }
  return problems;
}

/** The pinned pnpm's executable, fetched once by npx (seven `npx pnpm` calls would cost a second each). */
async function pinnedPnpm() {
  const found = await run('npx', ['-y', '-p', packageManager, '-c', 'command -v pnpm'], root);
  const path = found.output.split('\n').pop()?.trim() ?? '';
  if (found.code !== 0 || !path.startsWith('/'))
    throw new Error(`check-packages: could not get ${packageManager} through npx (exit ${found.code}):\n${found.output}`);
  return path;
}

async function check(pkg, dest, pnpm) {
  const where = relative(root, pkg.dir);
  const packed = await run(pnpm, ['pack', '--pack-destination', dest], pkg.dir);
  if (packed.code !== 0) return { where, problems: [`pnpm pack failed (exit ${packed.code}):\n${packed.output}`] };
  const tgz = join(dest, `${pkg.name.replace(/^@/, '').replace('/', '-')}-${JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')).version}.tgz`);
  if (!existsSync(tgz)) return { where, problems: [`pnpm pack did not write ${tgz}:\n${packed.output}`] };
  const problems = ownProblems(tarballFiles(tgz), where.split('\\').join('/'));
  const publint = await run(bin('publint'), ['--strict', tgz], root);
  if (publint.spawnError !== null) problems.push(`publint could not be run (${publint.spawnError.message}); run \`node scripts/setup.mjs\` to install it`);
  else if (publint.code !== 0) problems.push(`publint --strict failed (exit ${publint.code}):\n${publint.output}`);
  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tgz))));
  // attw passes a package without types; ours are TypeScript packages, so that is a failure here.
  if (!analysis.types) problems.push('attw found no type declarations in the package');
  else if (getExitCode(analysis, { ignoreResolutions: EsmOnlyIgnoredResolutions }) !== 0) {
    const report = await run(bin('attw'), ['--profile', 'esm-only', '--format', 'ascii', tgz], root);
    problems.push(`attw --profile esm-only failed:\n${report.output}`);
  }
  return { where, problems };
}

const packages = publishablePackages();
const started = Date.now();
process.stdout.write(
  `[check-packages] packing ${packages.length} packages with pnpm pack and checking each tarball (no build info, README, LICENSE, metadata, publint --strict, attw --profile esm-only)… `,
);
const dest = mkdtempSync(join(tmpdir(), 'tributary-pack-'));
let failed = 0;
try {
  const pnpm = await pinnedPnpm();
  const queue = [...packages];
  const results = [];
  const worker = async () => {
    for (let pkg = queue.shift(); pkg !== undefined; pkg = queue.shift()) results.push(await check(pkg, dest, pnpm));
  };
  await Promise.all(Array.from({ length: Math.min(4, Math.max(2, availableParallelism())) }, worker));
  const failures = results.filter((r) => r.problems.length > 0).sort((a, b) => a.where.localeCompare(b.where));
  failed = failures.length;
  if (failed === 0) process.stdout.write(`ok (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  else process.stdout.write('FAILED\n');
  for (const { where, problems } of failures) {
    console.error(`[check-packages] FAILED ${where}:\n${problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')}`);
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`[check-packages] ${failed} of ${packages.length} packages failed the packaging checks (see above)`);
  process.exit(1);
}
