import { ApiException, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from './tls.js';

/** @kubernetes/client-node's CustomObjectsApi, unchanged, over HTTPS with a token. */
describe('@kubernetes/client-node against the REST API', () => {
  let server: TlsTestServer;
  let api: CustomObjectsApi;
  let kc: KubeConfig;
  const ns = 'client-node';
  const is = { group: 'image.openshift.io', version: 'v1', namespace: ns, plural: 'imagestreams' };

  const expectStatus = async (call: Promise<unknown>, code: number, reason: string) => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiException);
    const apiErr = err as ApiException<string>;
    expect(apiErr.code).toBe(code);
    expect(JSON.parse(apiErr.body)).toMatchObject({ kind: 'Status', reason, code });
  };

  beforeAll(async () => {
    server = await startTlsServer();
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: server.app.url, caFile: server.certFile }],
      users: [{ name: 'test', token: server.app.token }],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
    api = kc.makeApiClient(CustomObjectsApi);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates, gets, lists, patches, replaces and deletes image streams', async () => {
    const created = (await api.createNamespacedCustomObject({
      ...is,
      body: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'app', labels: { tier: 'web' } }, spec: { tags: [{ name: 'latest', from: { kind: 'DockerImage', name: 'busybox:1' } }] } },
    })) as { metadata: { resourceVersion: string; uid: string }; spec: { tags: Array<{ name: string }> } };
    expect(created).toMatchObject({ kind: 'ImageStream', metadata: { name: 'app', namespace: ns, generation: 1 } });

    const got = (await api.getNamespacedCustomObject({ ...is, name: 'app' })) as typeof created;
    expect(got.metadata.uid).toBe(created.metadata.uid);

    const list = (await api.listNamespacedCustomObject({ ...is, labelSelector: 'tier=web' })) as { kind: string; items: Array<{ metadata: { name: string } }> };
    expect(list.kind).toBe('ImageStreamList');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['app']);

    // The generated client sends JSON patch unless told otherwise.
    const jsonPatched = (await api.patchNamespacedCustomObject({ ...is, name: 'app', body: [{ op: 'add', path: '/metadata/annotations', value: { note: 'x' } }] })) as { metadata: { annotations: Record<string, string> } };
    expect(jsonPatched.metadata.annotations).toEqual({ note: 'x' });
    const merged = (await api.patchNamespacedCustomObject(
      { ...is, name: 'app', body: { spec: { tags: [{ name: 'v2', from: { kind: 'DockerImage', name: 'busybox:2' } }] } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    )) as typeof created;
    expect(merged.spec.tags.map((t) => t.name)).toEqual(['latest', 'v2']);

    const replaced = (await api.replaceNamespacedCustomObject({ ...is, name: 'app', body: { ...merged, spec: { tags: [] } } })) as typeof created & { metadata: { generation: number } };
    expect(replaced.spec.tags).toBeUndefined();
    expect(replaced.metadata.generation).toBe(3); // 1 on create, 2 when v2 was added, 3 now
    await expectStatus(api.replaceNamespacedCustomObject({ ...is, name: 'app', body: merged }), 409, 'Conflict');

    const deleted = (await api.deleteNamespacedCustomObject({ ...is, name: 'app' })) as { kind: string; status: string; details: { uid: string } };
    expect(deleted).toMatchObject({ kind: 'Status', status: 'Success', details: { uid: created.metadata.uid } });
    await expectStatus(api.getNamespacedCustomObject({ ...is, name: 'app' }), 404, 'NotFound');
  });

  it('pages a cluster-wide list with limit and continue', async () => {
    for (const name of ['p1', 'p2', 'p3']) {
      await api.createNamespacedCustomObject({ ...is, body: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name, labels: { paged: 'yes' } } } });
    }
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = (await api.listClusterCustomObject({ group: is.group, version: is.version, plural: is.plural, labelSelector: 'paged=yes', limit: 2, _continue: token })) as {
        metadata: { continue?: string };
        items: Array<{ metadata: { name: string } }>;
      };
      names.push(...page.items.map((i) => i.metadata.name));
      token = page.metadata.continue;
    } while (token);
    expect(names).toEqual(['p1', 'p2', 'p3']);
  });

  it('watches with Watch: ADDED for the current stream, bookmarks when allowed, live changes, and ends on timeoutSeconds', async () => {
    const wns = 'client-node-watch';
    await api.createNamespacedCustomObject({ ...is, namespace: wns, body: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'w1' } } });
    const seen: Array<[string, string | undefined]> = [];
    const listeners = new Set<() => void>();
    let ended: unknown = 'open';
    const until = (predicate: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate()) finish(resolve);
          else if (ended !== 'open') finish(() => reject(new Error(`the watch ended (${String(ended)}) before ${what}: ${JSON.stringify(seen)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(seen)}`))), 10_000);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    const notify = () => listeners.forEach((l) => l());
    const controller = await new Watch(kc).watch(
      `/apis/image.openshift.io/v1/namespaces/${wns}/imagestreams`,
      { allowWatchBookmarks: true, timeoutSeconds: 2 },
      (phase, obj: { kind: string; metadata: { name?: string } }) => {
        expect(obj.kind).toBe('ImageStream');
        seen.push([phase, obj.metadata.name]);
        notify();
      },
      (err) => {
        ended = err ?? null;
        notify();
      },
    );
    try {
      await until(() => seen.some(([p]) => p === 'BOOKMARK'), 'the initial-events-end bookmark');
      await api.createNamespacedCustomObject({ ...is, namespace: wns, body: { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'w2' } } });
      await until(() => seen.some(([p, n]) => p === 'ADDED' && n === 'w2'), 'the live ADDED');
      expect(seen).toEqual([['ADDED', 'w1'], ['BOOKMARK', undefined], ['ADDED', 'w2']]);
      // timeoutSeconds=2: the server ends the stream and the client reports done without an error.
      await until(() => ended !== 'open', 'the server to end the watch');
      expect(ended).toBeNull();
    } finally {
      controller.abort();
    }
  });
});
