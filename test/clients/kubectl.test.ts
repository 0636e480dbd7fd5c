import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageInput, ociImage } from '../support/images.js';
import { run, startTlsServer, type TlsTestServer } from './tls.js';

/**
 * kubectl, unchanged, against the service over HTTPS with a token: the
 * discovery, OpenAPI, Table, patch and Status answers are what it needs.
 */
describe('kubectl against the REST API', () => {
  let server: TlsTestServer;
  let kubeconfig: string;
  let minor = 0;
  const ns = 'kubectl-e2e';

  const kubectl = async (args: string[], config = kubeconfig) => {
    try {
      const { stdout, stderr } = await run('kubectl', ['--kubeconfig', config, '--cache-dir', join(server.dir, 'cache'), '-n', ns, ...args], { timeout: 20_000 });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  };
  const ok = async (args: string[]) => {
    const res = await kubectl(args);
    expect(res.code, `kubectl ${args.join(' ')}: ${res.stderr}`).toBe(0);
    return res.stdout;
  };
  const manifest = async (file: string, body: unknown) => {
    const path = join(server.dir, file);
    await writeFile(path, JSON.stringify(body));
    return path;
  };
  const stream = (name: string, tags: Array<[string, string]>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name },
    spec: { tags: tags.map(([tag, image]) => ({ name: tag, from: { kind: 'DockerImage', name: image } })), ...extra },
  });
  const tagsOf = async (name: string) => JSON.parse(await ok(['get', 'is', name, '-o', 'json'])).spec.tags.map((t: { name: string }) => t.name).sort();

  beforeAll(async () => {
    server = await startTlsServer();
    kubeconfig = await server.kubeconfig();
    const version = JSON.parse((await run('kubectl', ['version', '--client', '-o', 'json'])).stdout) as { clientVersion: { minor: string } };
    minor = Number.parseInt(version.clientVersion.minor, 10);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates from a file, validated by the server (fieldValidation=Strict from OpenAPI v3)', async () => {
    // kubectl before 1.27 validates against OpenAPI v2 (protobuf only), which the service does not serve.
    const validate = minor >= 27 ? [] : ['--validate=false'];
    const out = await ok(['create', ...validate, '-f', await manifest('ruby.json', stream('ruby', [['latest', 'ruby:3.3'], ['3.2', 'ruby:3.2']]))]);
    expect(out.trim()).toBe('imagestream.image.openshift.io/ruby created');
    if (minor >= 27) {
      const bad = await kubectl(['create', '-f', await manifest('bad.json', stream('bad', [], { colour: 'red' }))]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('unknown field "spec.colour"');
    }
  });

  it('gets image streams as a table with the reference columns', async () => {
    const out = await ok(['get', 'is']);
    const [header, ...rows] = out.trim().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['NAME', 'IMAGE REPOSITORY', 'TAGS', 'UPDATED']);
    expect(rows.map((r) => r.split(/\s+/)[0])).toContain('ruby');
    const wide = await ok(['get', 'imagestreams', '--all-namespaces']);
    expect(wide.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+IMAGE REPOSITORY/);
    expect(wide).toMatch(new RegExp(`${ns}\\s+ruby`));
  });

  it('gets one stream as JSON', async () => {
    const obj = JSON.parse(await ok(['get', 'is', 'ruby', '-o', 'json']));
    expect(obj).toMatchObject({ kind: 'ImageStream', apiVersion: 'image.openshift.io/v1', metadata: { name: 'ruby', namespace: ns, generation: 1 } });
    expect(obj.spec.tags.map((t: { name: string }) => t.name)).toEqual(['3.2', 'latest']);
  });

  it('applies twice; the second apply merges tags into the stream by name', async () => {
    const first = await ok(['apply', '-f', await manifest('web-1.json', stream('web', [['latest', 'nginx:1.25']]))]);
    expect(first.trim()).toBe('imagestream.image.openshift.io/web created');
    // A tag added by someone else (oc tag does this) between the two applies.
    await ok(['patch', 'is', 'web', '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/spec/tags/-', value: { name: 'extra', from: { kind: 'DockerImage', name: 'nginx:1.0' } } }])]);
    const second = await ok(['apply', '-f', await manifest('web-2.json', stream('web', [['latest', 'nginx:1.27'], ['stable', 'nginx:1.26']]))]);
    expect(second.trim()).toBe('imagestream.image.openshift.io/web configured');
    const obj = JSON.parse(await ok(['get', 'is', 'web', '-o', 'json']));
    const tags = Object.fromEntries(obj.spec.tags.map((t: { name: string; from: { name: string } }) => [t.name, t.from.name]));
    expect(tags.latest).toBe('nginx:1.27');
    expect(tags.stable).toBe('nginx:1.26');
    // Strategic merge (OpenAPI v3, kubectl >= 1.27) keeps the tag apply never owned; a plain merge patch would drop it.
    if (minor >= 27) expect(tags.extra).toBe('nginx:1.0');
    expect(obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"stable"');
  });

  it('patches (strategic by default, and merge) and selects by label', async () => {
    expect((await ok(['patch', 'is', 'ruby', '-p', '{"metadata":{"labels":{"team":"a"}}}'])).trim()).toBe('imagestream.image.openshift.io/ruby patched');
    await ok(['patch', 'is', 'ruby', '--type=merge', '-p', '{"spec":{"lookupPolicy":{"local":true}}}']);
    const out = await ok(['get', 'is', '-l', 'team=a', '-o', 'name']);
    expect(out.trim().split('\n')).toEqual(['imagestream.image.openshift.io/ruby']);
    expect(JSON.parse(await ok(['get', 'is', 'ruby', '-o', 'json'])).spec.lookupPolicy.local).toBe(true);
    expect(await tagsOf('ruby')).toEqual(['3.2', 'latest']);
  });

  it('watches with get is -w: the current rows, then a change, until stopped', async () => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(server.dir, 'cache'), '-n', ns, 'get', 'is', '-w', '--output-watch-events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Bounded waits on what kubectl printed; kubectl is stopped whatever happens.
    const until = (pattern: RegExp, what: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) done(resolve);
          else if (child.exitCode !== null) done(() => reject(new Error(`kubectl get -w exited before ${what}: ${err}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`kubectl get -w never printed ${what}: stdout ${out} stderr ${err}`))), 15_000);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.off('exit', check);
          settle();
        };
        child.stdout.on('data', check);
        child.on('exit', check);
        check();
      });
    try {
      await until(/ADDED\s+ruby\s/, 'the existing stream');
      expect(out.split('\n')[0].split(/\s{2,}/)).toEqual(['EVENT', 'NAME', 'IMAGE REPOSITORY', 'TAGS', 'UPDATED']);
      await ok(['label', 'is', 'ruby', 'watched=yes']);
      await until(/MODIFIED\s+ruby\s/, 'the modification');
    } finally {
      child.kill();
      await exited;
    }
  });

  it('gets image stream tags (get istag) after an image is mapped into the stream', async () => {
    const img = ociImage('kubectl-istag');
    const mapping = { kind: 'ImageStreamMapping', apiVersion: 'image.openshift.io/v1', metadata: { name: 'ruby' }, image: imageInput(img), tag: 'pushed' };
    const created = await ok(['create', '--raw', `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreammappings`, '-f', await manifest('mapping.json', mapping)]);
    expect(JSON.parse(created)).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    expect((await ok(['get', 'istag', '-o', 'name'])).trim().split('\n')).toContain('imagestreamtag.image.openshift.io/ruby:pushed');
    const tag = JSON.parse(await ok(['get', 'istag', 'ruby:pushed', '-o', 'json']));
    expect(tag).toMatchObject({ kind: 'ImageStreamTag', metadata: { name: 'ruby:pushed', namespace: ns }, image: { metadata: { name: img.name } } });
  });

  it('deletes, then reports NotFound from the server', async () => {
    expect((await ok(['delete', 'is', 'ruby'])).trim()).toBe('imagestream.image.openshift.io "ruby" deleted');
    const gone = await kubectl(['get', 'is', 'ruby']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('Error from server (NotFound): imagestreams.image.openshift.io "ruby" not found');
  });

  it('reports a bad token as Unauthorized', async () => {
    const res = await kubectl(['get', 'is'], await server.kubeconfig('not-a-valid-token-at-all'));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/Unauthorized/);
  });
});
