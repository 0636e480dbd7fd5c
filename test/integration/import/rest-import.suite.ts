import { describe, expect, it } from 'vitest';
import { CreatePullSecretDocument } from '../../generated/graphql.js';
import type { SuiteContext } from '../harness.js';
import { RestClient } from '../../support/rest-client.js';
import type { ImportFixtures } from './import.suite.js';

const G = '/apis/image.openshift.io/v1';

/** The REST edge of imports: POST imagestreamimports and GET imagestreams/{name}/secrets. */
export function restImportSuite(ctx: SuiteContext, fixtures: () => ImportFixtures): void {
  const rest = () => new RestClient(ctx.app.url, ctx.app.token);

  describe('REST imagestreamimports and secrets', () => {
    it('POST imagestreamimports answers 201 with the ImageStreamImport; dryRun=All only previews', async () => {
      const ns = ctx.namespace('rest');
      const { fx } = fixtures();
      const from = `${fx.open.host}/fixtures/docker-image:v1`;
      const body = { kind: 'ImageStreamImport', apiVersion: 'image.openshift.io/v1', metadata: { name: 'app' }, spec: { import: true, images: [{ from: { kind: 'DockerImage', name: from }, importPolicy: { insecure: true } }] } };
      const dry = await rest().request('POST', `${G}/namespaces/${ns}/imagestreamimports?dryRun=All`, { body });
      expect(dry.status).toBe(201);
      expect(dry.body.status.import).toBeUndefined();
      expect((await rest().request('GET', `${G}/namespaces/${ns}/imagestreams/app`)).status).toBe(404);

      const res = await rest().request('POST', `${G}/namespaces/${ns}/imagestreamimports`, { body });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ kind: 'ImageStreamImport', apiVersion: 'image.openshift.io/v1', metadata: { name: 'app', namespace: ns } });
      expect(res.body.status.images[0]).toMatchObject({ tag: 'v1', status: { status: 'Success' }, image: { metadata: { name: fx.images.docker.digest } } });
      expect(res.body.status.images[0].image.os).toBeUndefined();
      expect(res.body.status.import).toMatchObject({ kind: 'ImageStream', metadata: { name: 'app' } });
      expect((await rest().request('GET', `${G}/namespaces/${ns}/imagestreams/app`)).body.status.tags[0].items[0].image).toBe(fx.images.docker.digest);
    });

    it('invalid imports are a 422 Status', async () => {
      const ns = ctx.namespace('rest');
      const res = await rest().request('POST', `${G}/namespaces/${ns}/imagestreamimports`, { body: { metadata: { name: 'app' }, spec: { import: true } } });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'Invalid', details: { kind: 'ImageStreamImport' } });
    });

    it('GET imagestreams/{name}/secrets lists the namespace\'s docker-config secrets as a SecretList', async () => {
      const ns = ctx.namespace('rest');
      const doc = JSON.stringify({ auths: { 'registry.example.com': { auth: Buffer.from('u:p').toString('base64') } } });
      await ctx.client.ok(CreatePullSecretDocument, { namespace: ns, name: 'creds', dockerConfigJson: doc });
      const res = await rest().request('GET', `${G}/namespaces/${ns}/imagestreams/whatever/secrets`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ kind: 'SecretList', apiVersion: 'image.openshift.io/v1' });
      expect(res.body.items).toEqual([
        expect.objectContaining({ kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: expect.objectContaining({ name: 'creds', namespace: ns }), data: { '.dockerconfigjson': Buffer.from(doc).toString('base64') } }),
      ]);
      expect((await rest().request('GET', `${G}/namespaces/${ns}/imagestreams/whatever/secrets`, { token: null })).status).toBe(401);
    });
  });
}
