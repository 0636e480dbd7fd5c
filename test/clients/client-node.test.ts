import { ApiException, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from './tls.js';

/** @kubernetes/client-node's CustomObjectsApi, unchanged, over HTTPS with a token. */
describe('@kubernetes/client-node against the REST API', () => {
  let server: TlsTestServer;
  let api: CustomObjectsApi;
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
    const kc = new KubeConfig();
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
});
