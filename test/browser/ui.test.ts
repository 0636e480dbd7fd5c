import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateImageDocument, CreateMappingDocument, CreateSignatureDocument, CreateStreamDocument, UpdateStreamStatusDocument, type TagEventInput } from '../generated/graphql.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, metricValue, type TestBrowser } from '../support/browser.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { imageInput, indexOf, ociImage } from '../support/images.js';
import { startRegistryFixtures } from '../support/registry/fixtures.js';
import { watchOverWebSocket } from '../support/watch-client.js';

/**
 * GraphiQL and the console in a real browser (Debian's chromium), against
 * the service with the UI built by `npm ci` (console/dist). One service and
 * one browser for the file; the steps build on each other as a user would.
 */
const SHOTS = 'test-results/browser';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const event = (c: string): TagEventInput => ({ dockerImageReference: `registry.example/demo/ruby@${digest(c)}`, image: digest(c) });

describe('web UI in Chromium', () => {
  let app: TestApp;
  let client: GraphQLClient;
  let ui: TestBrowser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [app, ui] = await Promise.all([startTestApp('pglite'), launchBrowser()]);
    client = new GraphQLClient(app.url, app.token);
    // The stream GraphiQL's first example asks for (demo/ruby), with two history events.
    const created = await client.ok(CreateStreamDocument, {
      namespace: 'demo',
      imageStream: { metadata: { name: 'ruby' }, spec: { tags: [{ name: '3.3', from: { kind: 'DockerImage', name: 'docker.io/library/ruby:3.3' } }] } },
    });
    await client.ok(UpdateStreamStatusDocument, {
      namespace: 'demo',
      name: 'ruby',
      imageStream: { metadata: { resourceVersion: created.createImageStream.metadata.resourceVersion }, status: { tags: [{ tag: '3.3', items: [event('b'), event('a')] }] } },
    });
  }, 60_000);

  afterAll(async () => {
    await ui?.close();
    await app?.close();
  });

  it('serves the UI files with their content types and caching, and nothing outside them', async () => {
    const page = await fetch(`${app.url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${app.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/console/%2e%2e/package.json', '/console/assets/..%2f..%2f..%2fpackage.json', '/console/.vite/manifest.json', '/console/assets/missing.js']) {
      expect((await fetch(`${app.url}${path}`)).status, path).toBe(404);
    }
    // GraphQL over GET still answers JSON (with Apollo's CSRF header); only a browser navigation gets GraphiQL.
    const html = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('GraphiQL');
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ imageStream(namespace: "demo", name: "ruby") { metadata { name } } }')}`, {
      headers: { accept: 'text/html, application/json', authorization: `Bearer ${app.token}`, 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { imageStream: { metadata: { name: 'ruby' } } } });
  });

  it('console: signs in with a token, shows namespaces, the stream and its history newest first, and follows changes live over watchImageStreams without polling', async () => {
    const before = await (await fetch(`${app.url}/metrics`)).text();
    const page = await ui.context.newPage();
    // Every HTTP GraphQL request the page makes, and the console's watch over graphql-ws.
    const posts: string[] = [];
    let inFlight = 0;
    page.on('request', (r) => {
      if (r.url() !== `${app.url}/graphql`) return;
      posts.push(String((r.postDataJSON() as { query?: string } | null)?.query ?? ''));
      inFlight++;
    });
    const settle = (r: { url(): string }) => {
      if (r.url() === `${app.url}/graphql`) inFlight--;
    };
    page.on('requestfinished', settle);
    page.on('requestfailed', settle);
    const frames: { sent: Array<Record<string, any>>; received: Array<Record<string, any>> } = { sent: [], received: [] };
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => frames.sent.push(JSON.parse(String(f.payload))));
      ws.on('framereceived', (f) => frames.received.push(JSON.parse(String(f.payload))));
    });
    // Keeps the page's sockets reachable, so the test can drop the connection as a network failure would.
    await page.addInitScript({
      content: `(() => { const Native = window.WebSocket; window.__sockets = [];
        window.WebSocket = class extends Native { constructor(...a) { super(...a); window.__sockets.push(this); } }; })()`,
    });
    await page.goto(`${app.url}/console`);
    await page.getByLabel('Token').fill('not-a-valid-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();

    await page.getByLabel('Token').fill(app.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Namespaces' });
    await nav.locator('[data-namespace="demo"]').getByRole('link', { name: /ruby/ }).click();
    const tag = page.locator('[data-tag="3.3"]');
    await tag.locator('tbody tr').nth(1).waitFor();
    expect(await tag.locator('tbody tr td:nth-child(2)').allInnerTexts()).toEqual([digest('b'), digest('a')]);
    await expect.poll(() => tag.locator('h3').innerText()).toContain('docker.io/library/ruby:3.3');
    const badge = page.locator('.top .live');
    await expect.poll(() => badge.innerText()).toBe('live');
    // The watch was opened with the token in connection_init, from the version of a list.
    expect(frames.sent[0]).toEqual({ type: 'connection_init', payload: { authorization: `Bearer ${app.token}` } });
    const watches = () => frames.sent.filter((f) => f.type === 'subscribe' && f.payload.operationName === 'ConsoleWatch');
    expect(watches()).toHaveLength(1);
    expect(watches()[0].payload.variables.resourceVersion).toMatch(/^\d+$/);

    // Changes made through the API show up without reloading the page: a new stream, and a mapping into the open tag's history.
    const other = await client.ok(CreateStreamDocument, { namespace: 'demo', imageStream: { metadata: { name: 'python' } } });
    expect(other.createImageStream.metadata.name).toBe('python');
    await nav.locator('[data-namespace="demo"]').getByRole('link', { name: /python/ }).waitFor({ timeout: 10_000 });

    // No polling: once the page's reads are done, a quiet period (longer than the old 2 s poll) brings no request at all.
    // Absence can only be observed over time, hence the one fixed wait in this file.
    await expect.poll(() => inFlight).toBe(0);
    const quietFrom = posts.length;
    await page.waitForTimeout(3_000);
    expect(posts.slice(quietFrom)).toEqual([]);

    const single = ociImage('console-live');
    const mapped = await client.ok(CreateMappingDocument, { namespace: 'demo', mapping: { metadata: { name: 'ruby' }, tag: '3.3', image: imageInput(single) } });
    expect(mapped.createImageStreamMapping.image?.metadata.name).toBe(single.name);
    await expect.poll(() => tag.locator('tbody tr td:nth-child(2)').allInnerTexts(), { timeout: 10_000 }).toEqual([single.name, digest('b'), digest('a')]);
    // Each event re-reads what it touched: the list and the open stream, nothing else.
    await expect.poll(() => inFlight).toBe(0);
    expect(posts.slice(quietFrom).map((q) => /^(?:query|mutation) (\w+)/.exec(q)?.[1]).sort()).toEqual(['ConsoleStream', 'ConsoleStreams']);
    await page.screenshot({ path: `${SHOTS}/console.png`, fullPage: true });

    // A dropped connection: the watch resumes from the last resourceVersion it received, and a later change still arrives.
    const lastSeen = frames.received.filter((f) => f.type === 'next').at(-1)?.payload.data.watchImageStreams.resourceVersion;
    expect(lastSeen).toMatch(/^\d+$/);
    await page.evaluate(() => (globalThis as unknown as { __sockets: Array<{ close(): void }> }).__sockets.at(-1)!.close());
    await expect.poll(() => watches().length, { timeout: 10_000 }).toBe(2);
    expect(watches()[1].payload.variables.resourceVersion).toBe(lastSeen);
    await expect.poll(() => badge.innerText()).toBe('live');
    const amd = ociImage('console-amd');
    const arm = ociImage('console-arm', 'arm64');
    const list = indexOf([{ image: amd, arch: 'amd64' }, { image: arm, arch: 'arm64' }]);
    await client.ok(CreateImageDocument, { image: imageInput(amd) });
    await client.ok(CreateSignatureDocument, { signature: { metadata: { name: `${amd.name}@console` }, type: 'AtomicImageV1', content: Buffer.from('amd').toString('base64') } });
    await client.ok(CreateMappingDocument, { namespace: 'demo', mapping: { metadata: { name: 'ruby' }, tag: '3.3', image: imageInput(list) } });
    await expect.poll(() => tag.locator('tbody tr td:nth-child(2)').allInnerTexts(), { timeout: 10_000 }).toEqual([list.name, single.name, digest('b'), digest('a')]);

    // Each history event with a stored image links to it; the bare digests of the first events (no Image object) do not.
    expect(await tag.getByRole('link').allInnerTexts()).toEqual([list.name, single.name]);
    // Each history event links to its image: a manifest list shows its platform manifests with each child's layers and signatures.
    await tag.getByRole('link', { name: list.name }).click();
    const view = page.getByRole('article', { name: `Image ${list.name}` });
    await view.waitFor();
    const platforms = view.locator('.platform');
    await expect.poll(() => platforms.evaluateAll((els) => els.map((e) => e.getAttribute('data-platform')))).toEqual(['linux/amd64', 'linux/arm64']);
    const amdView = view.locator('[data-platform="linux/amd64"]');
    expect(await amdView.locator('table.layers tbody td:nth-child(2)').allInnerTexts()).toEqual(amd.layers.map((l) => l.digest));
    expect(await amdView.locator('.signatures').innerText()).toContain(`${amd.name}@console`);
    expect(await view.locator('[data-platform="linux/arm64"]').innerText()).toContain('not stored');
    await page.screenshot({ path: `${SHOTS}/console-image.png`, fullPage: true });
    // A single image shows its own layers; back to the stream by its link.
    await view.getByRole('link', { name: /demo\/ruby/ }).click();
    await tag.getByRole('link', { name: single.name }).click();
    const singleView = page.getByRole('article', { name: `Image ${single.name}` });
    await expect.poll(() => singleView.locator('table.layers tbody td:nth-child(2)').allInnerTexts()).toEqual(single.layers.map((l) => l.digest));

    const after = await (await fetch(`${app.url}/metrics`)).text();
    const consoleLoads = (t: string) => metricValue(t, 'imagestreams_http_request_duration_seconds_count', { route: '/console', method: 'GET', status: '200' });
    expect(consoleLoads(after)).toBe(consoleLoads(before) + 1);
    const listed = (t: string) => metricValue(t, 'imagestreams_graphql_operation_duration_seconds_count', { operation: 'ConsoleStreams', type: 'query' });
    expect(listed(after)).toBeGreaterThanOrEqual(listed(before) + 2);
    const unauthenticated = (t: string) => metricValue(t, 'imagestreams_graphql_errors_total', { code: 'UNAUTHENTICATED' });
    expect(unauthenticated(after)).toBe(unauthenticated(before) + 1);
    await page.close();
  });

  it('console: re-lists when the watch comes back after its resourceVersion left the change log (EXPIRED)', async () => {
    // A service keeping one second of changes, so a short outage outlasts the retention.
    const brief = await startTestApp('pglite', { IMAGESTREAMS_WATCH_RETENTION: '1s' });
    try {
      const api = new GraphQLClient(brief.url, brief.token);
      await api.ok(CreateStreamDocument, { namespace: 'demo', imageStream: { metadata: { name: 'go' } } });
      const page = await ui.context.newPage();
      await page.addInitScript({ content: `sessionStorage.setItem('imagestreams.token', ${JSON.stringify(brief.token)})` });
      // Every graphql-ws connection goes through this route: passed to the service, or refused during the outage.
      let outage = false;
      let current: { close(): Promise<void> } | undefined;
      const watched: Array<string | undefined> = [];
      await page.routeWebSocket(/\/graphql$/, (ws) => {
        if (outage) return void ws.close({ code: 1011, reason: 'outage' });
        current = ws;
        const server = ws.connectToServer();
        ws.onMessage((m) => {
          const frame = JSON.parse(String(m));
          if (frame.type === 'subscribe') watched.push(frame.payload.variables?.resourceVersion);
          server.send(m);
        });
      });
      const lists: number[] = [];
      page.on('request', (r) => {
        if (r.url() === `${brief.url}/graphql` && /ConsoleStreams/.test(r.postData() ?? '')) lists.push(Date.now());
      });
      await page.goto(`${brief.url}/console#/demo/go`);
      const badge = page.locator('.top .live');
      await expect.poll(() => badge.innerText(), { timeout: 10_000 }).toBe('live');
      expect(watched).toHaveLength(1);
      const lastSeen = watched[0]!;

      outage = true;
      await current!.close();
      await expect.poll(() => badge.innerText()).toBe('reconnecting…');
      const single = ociImage('console-expired');
      await api.ok(CreateMappingDocument, { namespace: 'demo', mapping: { metadata: { name: 'go' }, tag: 'latest', image: imageInput(single) } });
      // Wait until the service itself refuses to resume from the page's version.
      await expect
        .poll(
          async () => {
            const probe = watchOverWebSocket(brief.url, brief.token, { resourceVersion: lastSeen });
            await probe.received.until((r) => r.errors.length > 0 || r.events.length > 0, 'an answer', 5_000);
            await probe.close();
            return probe.received.errors[0]?.extensions?.code;
          },
          { timeout: 10_000 },
        )
        .toBe('EXPIRED');
      const listsBefore = lists.length;
      outage = false;
      // The page gets EXPIRED, re-lists, and watches again from the new list's version; the mapping made during the outage shows.
      const tag = page.locator('[data-tag="latest"]');
      await expect.poll(() => tag.locator('tbody tr td:nth-child(2)').allInnerTexts(), { timeout: 20_000 }).toEqual([single.name]);
      await expect.poll(() => watched.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      expect(watched.at(-2)).toBe(lastSeen);
      expect(Number(watched.at(-1))).toBeGreaterThan(Number(lastSeen));
      expect(lists.length).toBeGreaterThan(listsBefore);
      await expect.poll(() => badge.innerText()).toBe('live');
      await page.close();
    } finally {
      await brief.close();
    }
  });

  it('console: previews an image from a registry with the import form, then imports it and the stream appears live', async () => {
    // Its own service: fixture registries are plain HTTP on loopback, which only this setting (and insecure) lets an import reach.
    const [fx, importer] = await Promise.all([startRegistryFixtures(), startTestApp('pglite', { IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'true' })]);
    try {
      const api = new GraphQLClient(importer.url, importer.token);
      await api.ok(CreateStreamDocument, { namespace: 'team', imageStream: { metadata: { name: 'base' } } });
      const page = await ui.context.newPage();
      await page.addInitScript({ content: `sessionStorage.setItem('imagestreams.token', ${JSON.stringify(importer.token)})` });
      await page.goto(`${importer.url}/console#/team/base`);
      await expect.poll(() => page.locator('.top .live').innerText(), { timeout: 10_000 }).toBe('live');
      const form = page.getByRole('form', { name: 'Import an image into team' });
      await form.getByLabel('Stream name').fill('app');
      await form.getByLabel('Source pull spec').fill(`${fx.open.host}/fixtures/docker-image:v1`);
      await form.getByLabel('Target tag').fill('stable');
      await form.getByLabel(/Insecure/).check();

      const docker = fx.images.docker;
      await form.getByRole('button', { name: 'Preview' }).click();
      const preview = form.getByRole('list', { name: 'Preview result' });
      await expect.poll(() => preview.innerText(), { timeout: 10_000 }).toContain(docker.digest);
      expect(await preview.locator('li').getAttribute('data-status')).toBe('Success');
      expect(await preview.innerText()).toMatch(/^stable: Success sha256:/);
      expect(await preview.innerText()).toContain(`${docker.platform.os}/${docker.platform.architecture}`);
      await page.screenshot({ path: `${SHOTS}/console-import-preview.png`, fullPage: true });
      // A preview stores nothing.
      const nav = page.getByRole('navigation', { name: 'Namespaces' });
      expect(await nav.locator('[data-namespace="team"]').getByRole('link').allInnerTexts()).toEqual([expect.stringMatching(/^base/)]);

      await form.getByRole('button', { name: 'Import' }).click();
      await expect.poll(() => form.getByRole('list', { name: 'Import result' }).innerText(), { timeout: 10_000 }).toContain(docker.digest);
      // The new stream arrives through the watch; its tag's current image is the one previewed.
      await nav.locator('[data-namespace="team"]').getByRole('link', { name: /^app/ }).click({ timeout: 10_000 });
      const tag = page.locator('[data-tag="stable"]');
      await expect.poll(() => tag.locator('tbody tr td:nth-child(2)').allInnerTexts(), { timeout: 10_000 }).toEqual([docker.digest]);
      await page.screenshot({ path: `${SHOTS}/console-import.png`, fullPage: true });

      // The form on the new stream's page starts fresh (its name filled in, insecure off): failures show their reason instead of a digest.
      expect(await form.getByLabel('Stream name').inputValue()).toBe('app');
      await form.getByLabel('Source pull spec').fill(`${fx.open.host}/fixtures/missing:v1`);
      const failed = form.getByRole('list', { name: 'Preview result' }).locator('li');
      await form.getByRole('button', { name: 'Preview' }).click();
      await expect.poll(() => failed.innerText(), { timeout: 10_000 }).toContain('requires the insecure flag');
      expect(await failed.getAttribute('data-status')).toBe('Failure');
      await form.getByLabel(/Insecure/).check();
      await form.getByRole('button', { name: 'Preview' }).click();
      await expect.poll(() => failed.innerText(), { timeout: 10_000 }).toContain('NotFound');
      expect(await failed.getAttribute('data-status')).toBe('Failure');
      await page.close();
    } finally {
      await importer.close();
      await fx.stop();
    }
  }, 30_000);

  it('GraphiQL: runs the preloaded stream query with the token in the headers editor and shows the result', async () => {
    const before = await (await fetch(`${app.url}/metrics`)).text();
    const page = await ui.context.newPage();
    // A new tab has an empty sessionStorage: put the token where the console keeps it, as signing in there would.
    await page.addInitScript({ content: `sessionStorage.setItem('imagestreams.token', ${JSON.stringify(app.token)})` });
    await page.goto(`${app.url}/graphql`);
    await page.locator('.graphiql-editor-tool').getByText(`Bearer ${app.token}`).waitFor();
    await page.locator('button.graphiql-execute-button').click();
    // Monaco renders only the lines in view (with no-break spaces): the stream and the top of its history are.
    const response = async () => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
    // Both, polled together: on a busy machine the editor may still be laying out its lines.
    await expect.poll(async () => { const r = await response(); return r.includes('"tag": "3.3"') && r.includes('"items": ['); }, { timeout: 10_000 }).toBe(true);
    const shown = await response();
    expect(shown).toContain('"name": "ruby"');
    expect(shown).toContain('"items": [');
    expect(shown).not.toContain('"errors"');
    await page.screenshot({ path: `${SHOTS}/graphiql.png` });

    const after = await (await fetch(`${app.url}/metrics`)).text();
    const ran = (t: string) => metricValue(t, 'imagestreams_graphql_operation_duration_seconds_count', { operation: 'StreamWithHistory', type: 'query' });
    expect(ran(after)).toBe(ran(before) + 1);
    // GraphiQL found every asset it asked for, and the workers it starts.
    const missing = (t: string) => metricValue(t, 'imagestreams_http_request_duration_seconds_count', { route: '/console/*', method: 'GET', status: '404' });
    expect(missing(after)).toBe(missing(before));
    const assets = (t: string) => metricValue(t, 'imagestreams_http_request_duration_seconds_count', { route: '/console/*', method: 'GET', status: '200' });
    expect(assets(after)).toBeGreaterThan(assets(before));
    await page.close();
  });

  it('GraphiQL: runs subscriptions over graphql-ws on /graphql with the headers editor token in connection_init', async () => {
    const open = async (token: string) => {
      const page = await ui.context.newPage();
      await page.addInitScript({ content: `sessionStorage.setItem('imagestreams.token', ${JSON.stringify(token)})` });
      const frames: { sent: unknown[]; received: unknown[] } = { sent: [], received: [] };
      page.on('websocket', (ws) => {
        expect(ws.url()).toBe(`${app.url.replace('http:', 'ws:')}/graphql`);
        ws.on('framesent', (f) => frames.sent.push(JSON.parse(String(f.payload))));
        ws.on('framereceived', (f) => frames.received.push(JSON.parse(String(f.payload))));
      });
      await page.goto(`${app.url}/graphql`);
      // The tab switch is done when its operation is in the editor; a click while GraphiQL still starts is lost, so click until it is.
      await expect
        .poll(async () => {
          await page.getByText('Watch', { exact: true }).click();
          return (await page.locator('.graphiql-query-editor').innerText()).replace(/\u00a0/g, ' ');
        })
        .toContain('subscription Watch');
      await page.locator('button.graphiql-execute-button').click();
      return { page, frames };
    };

    const good = await open(app.token);
    await expect.poll(() => good.frames.received).toContainEqual({ type: 'connection_ack' });
    expect(good.frames.sent[0]).toEqual({ type: 'connection_init', payload: { authorization: `Bearer ${app.token}` } });
    await expect.poll(() => good.frames.sent).toContainEqual(expect.objectContaining({ type: 'subscribe', payload: expect.objectContaining({ operationName: 'Watch' }) }));
    await good.page.close();

    // A token the service refuses: the socket is closed at connection_init and GraphiQL says why, without retrying.
    const bad = await open('not-a-token-of-this-service');
    const response = async () => (await bad.page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ').replace(/\s+/g, ' ');
    await expect.poll(response, { timeout: 5_000 }).toContain('the service closed the WebSocket: 4403 Forbidden');
    expect(bad.frames.received).toEqual([]);
    await bad.page.close();
  });
});
