import { describe, expect, it } from 'vitest';
import { RestClient } from '../../support/rest-client.js';
import type { SuiteContext } from '../harness.js';

/** Discovery, /version and OpenAPI as standard Kubernetes clients read them. */
export function restDiscoverySuite(ctx: SuiteContext): void {
  const rest = () => new RestClient(ctx.app.url, ctx.app.token);

  describe('REST discovery', () => {
    it('answers /version without a token', async () => {
      const res = await rest().get('/version', { token: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/) });
    });

    it('requires a token for discovery and answers 401 as a Status', async () => {
      for (const path of ['/api', '/apis', '/apis/image.openshift.io/v1', '/openapi/v3']) {
        const res = await rest().get(path, { token: null });
        expect(res.status, path).toBe(401);
        expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      }
      expect((await rest().get('/apis', { token: 'not-a-token' })).status).toBe(401);
    });

    it('lists the core and image API versions', async () => {
      expect((await rest().get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
      const core = (await rest().get('/api/v1')).body;
      expect(core).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
      expect(core.resources.length).toBeGreaterThan(0);
      const groups = (await rest().get('/apis')).body;
      expect(groups.kind).toBe('APIGroupList');
      expect(groups.groups).toEqual([
        { name: 'image.openshift.io', versions: [{ groupVersion: 'image.openshift.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'image.openshift.io/v1', version: 'v1' } },
      ]);
      const group = (await rest().get('/apis/image.openshift.io')).body;
      expect(group).toMatchObject({ kind: 'APIGroup', name: 'image.openshift.io', preferredVersion: { version: 'v1' } });
    });

    it('describes the image resources with verbs, kinds, scope and short names', async () => {
      const list = (await rest().get('/apis/image.openshift.io/v1')).body;
      expect(list).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'image.openshift.io/v1' });
      const byName = Object.fromEntries(list.resources.map((r: { name: string }) => [r.name, r]));
      expect(Object.keys(byName)).toEqual(
        expect.arrayContaining(['imagestreams', 'imagestreams/status', 'imagestreamtags', 'imagestreamimages', 'imagestreamimports', 'imagestreammappings', 'images', 'imagesignatures']),
      );
      expect(byName.imagestreams).toMatchObject({ kind: 'ImageStream', namespaced: true, shortNames: ['is'], singularName: 'imagestream', categories: ['all'] });
      expect([...byName.imagestreams.verbs].sort()).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
      expect(byName.imagestreamtags).toMatchObject({ kind: 'ImageStreamTag', shortNames: ['istag'] });
      expect(byName.imagestreamtags.verbs).not.toContain('watch');
      expect(byName.imagestreamimages).toMatchObject({ kind: 'ImageStreamImage', shortNames: ['isimage'], verbs: ['get'] });
      expect(byName.imagestreammappings.verbs).toEqual(['create']);
      expect(byName.images).toMatchObject({ kind: 'Image', namespaced: false });
      expect(byName.imagesignatures.verbs.sort()).toEqual(['create', 'delete']);
      const legacy = (await rest().get('/oapi/v1')).body;
      expect(legacy.groupVersion).toBe('v1');
      expect(legacy.resources.map((r: { name: string }) => r.name)).toContain('imagestreams');
    });

    it('serves OpenAPI v3 that kubectl can validate against and build strategic patches from', async () => {
      const index = (await rest().get('/openapi/v3')).body;
      const entry = index.paths['apis/image.openshift.io/v1'];
      expect(entry.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/image\.openshift\.io\/v1\?hash=[0-9A-F]+$/);
      const doc = (await rest().get(entry.serverRelativeURL)).body;
      expect(doc.openapi).toMatch(/^3\./);
      const item = doc.paths['/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams/{name}'];
      expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'image.openshift.io', version: 'v1', kind: 'ImageStream' });
      expect(item.patch.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun']));
      expect(Object.keys(item.patch.requestBody.content)).toContain('application/strategic-merge-patch+json');
      const schema = doc.components.schemas['com.github.openshift.api.image.v1.ImageStream'];
      expect(schema['x-kubernetes-group-version-kind']).toEqual([{ group: 'image.openshift.io', kind: 'ImageStream', version: 'v1' }]);
      const tags = schema.properties.spec.properties.tags;
      expect(tags).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
      expect(tags.items.properties.from.properties.kind).toEqual({ type: 'string' }); // nullable unions collapsed for OpenAPI 3.0
      expect(schema.properties.status.properties.tags['x-kubernetes-patch-merge-key']).toBe('tag');
      expect(JSON.stringify(doc)).not.toContain('"null"');
    });

    it('answers any valid namespace as an active core Namespace (namespaces are implicit)', async () => {
      const ok = await rest().get('/api/v1/namespaces/team-a');
      expect(ok.body).toMatchObject({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'team-a' }, status: { phase: 'Active' } });
      const bad = await rest().get('/api/v1/namespaces/Not_Valid');
      expect(bad.status).toBe(404);
      expect(bad.body).toMatchObject({ reason: 'NotFound', message: 'namespaces "Not_Valid" not found', details: { name: 'Not_Valid', kind: 'namespaces' } });
      expect(bad.body.details.group).toBeUndefined();
    });

    it('answers 404 as a Status for paths nobody serves and 405 for verbs a path lacks', async () => {
      const missing = await rest().get('/apis/image.openshift.io/v1/nothing-here');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
      const wrongVerb = await rest().put('/apis/image.openshift.io/v1/imagestreams', {});
      expect(wrongVerb.status).toBe(405);
      expect(wrongVerb.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'MethodNotAllowed', code: 405 });
    });
  });
}
