import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetStreamDocument } from '../generated/graphql.js';
import { MANY_TAGS, startRegistryFixtures, type RegistryFixtures } from '../support/registry/fixtures.js';
import { prioritizeTags } from '../../src/modules/import/tag-priority.rules.js';
import { useSuiteContext } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/imagestreams.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `imagestreams import` as an operator runs it: a separate process talking to a running service over HTTP. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const { IMAGESTREAMS_URL: _u, IMAGESTREAMS_TOKEN: _t, ...inherited } = process.env;
    const child = spawn(process.execPath, [BIN, 'import', ...args], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let fx: RegistryFixtures;
beforeAll(async () => {
  fx = await startRegistryFixtures();
}, 120_000);
afterAll(async () => {
  await fx?.stop();
});

describe('imagestreams import (CLI)', () => {
  // The CLI speaks HTTP: the database driver behind the service does not matter, one is enough.
  const ctx = useSuiteContext('pglite', { IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'true' });
  const server = () => ({ IMAGESTREAMS_URL: ctx.app.url, IMAGESTREAMS_TOKEN: ctx.app.token });

  it('imports one image into a stream with --confirm and exits 0', async () => {
    const ns = ctx.namespace('cli-import');
    const from = `${fx.open.host}/fixtures/docker-image:v1`;
    const run = await cli([`${ns}/app`, '--from', from, '--insecure', '--confirm'], server());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`v1\tSuccess\t${fx.open.host}/fixtures/docker-image@${fx.images.docker.digest}\nimported 1 of 1 images into ${ns}/app\n`);
    const stream = (await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'app' })).imageStream;
    expect(stream?.status.tags?.find((t) => t.tag === 'v1')?.items?.[0]?.imageName).toBe(fx.images.docker.digest);
  });

  it('previews without --confirm (nothing stored) and takes --server/--token flags', async () => {
    const ns = ctx.namespace('cli-import');
    const run = await cli([`${ns}/app`, '--from', `${fx.open.host}/fixtures/oci-image:v1`, '--to', 'stable', '--insecure', '--server', ctx.app.url, '--token', ctx.app.token]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`stable\tSuccess\t${fx.open.host}/fixtures/oci-image@${fx.images.oci.digest}`);
    expect(run.stdout).toContain(`preview: 1 of 1 images would be imported into ${ns}/app (--confirm to import)`);
    expect((await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'app' })).imageStream).toBeNull();
  });

  it('imports a whole repository with --all, drawing per-tag progress on stderr', async () => {
    const ns = ctx.namespace('cli-import');
    const repo = `${fx.open.host}/${fx.images.manyTags.repository}`;
    const run = await cli([`${ns}/many`, '--from', repo, '--all', '--insecure', '--confirm'], server());
    expect(run.code).toBe(0);
    const bars = run.stderr.trim().split('\n');
    // Not a terminal: one line per event, from 0/50 to 50/50 (the last is DONE).
    expect(bars[0]).toBe(`[${'.'.repeat(30)}] 0/50`);
    expect(bars.filter((l) => / \d+\/50 /.test(l)).length).toBe(50);
    expect(bars.at(-1)).toMatch(/^\[#{30}\] 50\/50$/);
    const ordered = prioritizeTags(MANY_TAGS);
    expect(run.stdout).toContain(`imported 50 of 50 images into ${ns}/many`);
    expect(run.stdout).toContain(`not imported (over the per-repository limit): ${ordered.slice(50).join(' ')}`);
    const stream = (await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'many' })).imageStream;
    expect(stream?.status.tags?.length).toBe(50);
  });

  it('exits 1 when an image fails, saying why', async () => {
    const ns = ctx.namespace('cli-import');
    const run = await cli([`${ns}/app`, '--from', `${fx.open.host}/fixtures/docker-image:absent`, '--insecure', '--confirm'], server());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^absent\tFailure\tNotFound: /);
    expect(run.stdout).toContain(`imported 0 of 1 images into ${ns}/app`);
  });

  it('exits 1 on a refused token or an unreachable server', async () => {
    const ns = ctx.namespace('cli-import');
    const from = `${fx.open.host}/fixtures/docker-image:v1`;
    const refused = await cli([`${ns}/app`, '--from', from, '--insecure'], { IMAGESTREAMS_URL: ctx.app.url, IMAGESTREAMS_TOKEN: 'not-a-token' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('UNAUTHENTICATED');
    const unreachable = await cli([`${ns}/app`, '--from', from], { IMAGESTREAMS_URL: 'http://127.0.0.1:1', IMAGESTREAMS_TOKEN: ctx.app.token });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach http://127.0.0.1:1');
  });

  it('exits 2 on bad usage, printing the usage', async () => {
    const cases = [
      [['only-a-namespace', '--from', 'x'], 'is not NAMESPACE/STREAM'],
      [['ns/s'], 'needs --from'],
      [['ns/s', '--from', 'x', '--bogus'], "Unknown option '--bogus'"],
      [['ns/s', '--from', 'x', '--all', '--to', 't'], '--all imports every tag'],
    ] as const;
    for (const [args, message] of cases) {
      const run = await cli([...args], server());
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('usage: imagestreams');
    }
    const noServer = await cli(['ns/s', '--from', 'x']);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('IMAGESTREAMS_URL');
  });
});
