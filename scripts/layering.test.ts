// The layering rule of ARCHITECTURE.md, checked on the sources: imports point down only.
// core/ is pure TypeScript (no node:* or bare Node modules, no DOM, nothing from native/, engine/,
// cli/, server/, electron/, renderer/); native/ and engine/ never import cli/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from './repo-root.js';

const root = repoRoot();

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'build') sources(p, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(IMPORT)) found.push((m[1] ?? m[2])!);
  return found;
}

/** Layer of a repo-relative path: its first folder. */
const layerOf = (p: string): string => p.split('/')[0]!;

const FORBIDDEN: Record<string, readonly string[]> = {
  core: ['native', 'engine', 'cli', 'server', 'electron', 'renderer', 'bench', 'scap-samples'],
  native: ['engine', 'cli', 'server', 'electron', 'renderer'],
  engine: ['cli', 'server', 'electron', 'renderer'],
};

test('core/ uses no Node or DOM API and nothing above it; lower layers never import upper ones', () => {
  const problems: string[] = [];
  for (const file of sources(root).filter((f) => !f.includes('/dist/'))) {
    const rel = relative(root, file);
    const layer = layerOf(rel);
    const banned = FORBIDDEN[layer];
    if (!banned || rel.endsWith('.test.ts')) continue;
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) {
        // Bare specifiers: core may not use Node builtins or any package with platform APIs.
        if (layer === 'core') problems.push(`${rel}: imports '${spec}'`);
        continue;
      }
      const target = relative(root, resolve(dirname(file), spec));
      if (banned.includes(layerOf(target))) problems.push(`${rel}: imports ${target}`);
    }
    if (layer === 'core') {
      // Comments may mention anything; only code counts.
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const api of [/\bprocess\.(env|stdout|argv|exit)/, /\brequire\(/, /\bdocument\./, /\bwindow\./]) {
        if (api.test(text)) problems.push(`${rel}: uses ${api.source}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
