import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The benchmark scripts must not rot: each runs here with `--smoke` (a tiny
 * dataset, a few hundred requests) and writes its section to a temporary
 * file, never BENCHMARKS.md. Nothing here judges speed; only that every
 * script finishes and prints its figures.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function runBench(script: string): Promise<{ code: number | null; output: string; section: string }> {
  const file = join(out, `${script.replace(/\W/g, '_')}.md`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--smoke', '--out', file], {
    cwd: root,
    env: { ...process.env, BENCH_OUT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  let section = '';
  try {
    section = readFileSync(file, 'utf8');
  } catch {
    /* the assertions below say what is missing */
  }
  return { code, output, section };
}

/** The table row whose first cell starts with `label`, as its cells. */
function row(section: string, label: string): string[] {
  const line = section.split('\n').find((l) => l.startsWith(`| ${label}`));
  expect(line, `no row "${label}" in:\n${section}`).toBeDefined();
  return line!.split('|').slice(1, -1).map((c) => c.trim());
}

const number = /\d+(\.\d+)?/;

describe.concurrent('benchmark scripts (smoke)', { timeout: 180_000 }, () => {
  it('executor: GraphQL, REST and raw throughput, and the { __typename } cost', async () => {
    const r = await runBench('bench/executor.ts');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('## Executor overhead and fixed cost');
    for (const label of ['GraphQL req/s', 'REST req/s', 'GraphQL ÷ raw', 'REST ÷ raw']) expect(row(r.section, label)[1]).toMatch(number);
    expect(row(r.section, '`{ __typename }`')[1]).toMatch(/\d+ µs/);
    expect(row(r.section, 'REST ÷ raw')[2]).toBe('≥ 0.7');
  });

  it('latency: p50 and p99 of get, both lists and the mapping, on a generated dataset', async () => {
    const r = await runBench('bench/latency.ts');
    expect(r.code, r.output).toBe(0);
    expect(r.section).toMatch(/Dataset: \d+ streams/);
    for (const label of ['`imageStream` get', '`imageStreams` namespace list of', '`createImageStreamMapping`']) {
      const cells = row(r.section, label);
      expect(cells[4], label).toMatch(number);
      expect(cells[5], label).toMatch(number);
    }
  });

  it('statements: counts per operation on two datasets', async () => {
    const r = await runBench('bench/statements.ts');
    expect(r.code, r.output).toBe(0);
    expect(r.section).toContain('Large dataset:');
    for (const label of ['`{ __typename }`', '`imageStream` get', 'REST get', 'graph walk', '`createImageStreamMapping`']) {
      const cells = row(r.section, label);
      expect(cells[2], label).toMatch(/^\d+ \/ \d+$/);
      expect(cells[4], label).toMatch(/^\d+ \/ \d+$/);
    }
  });

  it('start: time to /readyz on the embedded database, empty and with the dataset', async () => {
    const r = await runBench('bench/start.ts');
    expect(r.code, r.output).toBe(0);
    for (const label of ['empty, first start', 'empty, restart', 'with the dataset']) expect(row(r.section, label)[1]).toMatch(/^\d+\.\d\d s$/);
  });

  it('watch: delivery latency, memory and writers with and without subscribers', async () => {
    const r = await runBench('bench/watch/run.ts');
    expect(r.code, r.output).toBe(0);
    expect(r.section).toContain('## watch');
    expect(r.section).toMatch(/\| \d[\d,]* \| 1 \|/);
  });

  it('import: a repository import from a local registry', async () => {
    const r = await runBench('bench/import.ts');
    expect(r.code, r.output).toBe(0);
    expect(row(r.section, 'first import')[1]).toMatch(/^\d+$/);
  });
});
