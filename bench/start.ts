import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer } from '../test/support/server-process.js';
import { BENCH_TOKEN } from './lib/environment.js';
import { describeDataset, generateIntoPglite, scaleArgument, scaledDataset } from './lib/dataset.js';
import { median } from './lib/load.js';
import { writeSection } from './lib/report.js';

/**
 * Start (issue 9): time from spawning the service on the embedded database
 * (PGlite, no DATABASE_URL, its data in a temporary directory) to the first
 * 200 from /readyz. Three cases: a first start on an empty directory
 * (creates and migrates the database), a restart of that empty database,
 * and a start on the benchmark dataset (generated into PGlite beforehand).
 * Medians of several runs. `--smoke`: one run each on a tiny dataset;
 * `--scale <s>` scales the dataset; `--out <file>`.
 */
const smoke = process.argv.includes('--smoke');
const runs = smoke ? 1 : 5;
const size = scaledDataset(scaleArgument(smoke ? 0.03 : 1));
const POLL_MS = 5;

/** Spawn → first /readyz 200, in ms; the process is stopped afterwards. */
async function timeToReady(dataDir: string): Promise<number> {
  const started = performance.now();
  const server = await spawnServer({ IMAGESTREAMS_DATA_DIR: dataDir, IMAGESTREAMS_BOOTSTRAP_TOKEN: BENCH_TOKEN, IMAGESTREAMS_BACKGROUND_IMPORTS: 'false' }, { waitReady: false });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode}:\n${server.output()}`);
      const ok = await fetch(`${server.url}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) return performance.now() - started;
      if (Date.now() > deadline) throw new Error(`not ready in 120 s:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    const code = await server.stop();
    if (code !== 0) throw new Error(`server stopped with ${code}:\n${server.output()}`);
  }
}

const root = mkdtempSync(join(tmpdir(), 'bench-start-'));
try {
  const first: number[] = [];
  const restart: number[] = [];
  for (let r = 0; r < runs; r++) {
    const dir = join(root, `empty-${r}`);
    first.push(await timeToReady(dir));
    restart.push(await timeToReady(dir));
    if (r < runs - 1) rmSync(dir, { recursive: true, force: true });
  }
  // The last empty database, migrated by the service itself, receives the dataset.
  const dataDir = join(root, `empty-${runs - 1}`);
  const dataset = await generateIntoPglite(dataDir, size);
  const withData: number[] = [];
  for (let r = 0; r < runs; r++) withData.push(await timeToReady(dataDir));

  const fmt = (ms: number[]) => `${(median(ms) / 1000).toFixed(2)} s`;
  const all = (ms: number[]) => ms.map((m) => (m / 1000).toFixed(2)).join(', ');
  const target = median(first) <= 2000 ? '≤ 2 s (holds)' : `≤ 2 s (misses by ${(median(first) / 2000).toFixed(1)}×)`;
  writeSection('Start', smoke ? 'npm run bench:start -- --smoke' : 'npm run bench:start', [
    `The service spawned as \`npm start\` runs it (\`node --import tsx src/main.ts\`) with no DATABASE_URL, so on the embedded PostgreSQL (PGlite) with its data in a temporary directory; the time is from spawn to the first 200 from \`/readyz\` (polled every ${POLL_MS} ms), median of ${runs} run${runs > 1 ? 's' : ''}. ` +
      `Dataset (generated into PGlite before the runs): ${describeDataset(size, dataset)}.`,
    '',
    '| case | median | runs | target |',
    '| --- | --- | --- | --- |',
    `| empty, first start (creates and migrates the database) | ${fmt(first)} | ${all(first)} | ${target} |`,
    `| empty, restart | ${fmt(restart)} | ${all(restart)} | |`,
    `| with the dataset | ${fmt(withData)} | ${all(withData)} | |`,
  ]);
} finally {
  rmSync(root, { recursive: true, force: true });
}
