import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { CreatePullSecretDocument, DeletePullSecretDocument, ImageStreamSecretsDocument, ImportImagesDocument } from '../../generated/graphql.js';
import type { SuiteContext } from '../harness.js';
import type { ImportFixtures } from './import.suite.js';

const dockerConfig = (host: string, username: string, password: string) =>
  JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } });

/** Pull secrets: sealed at rest, matched by registry host, anonymous retry on a wrong password (reference §5.1, §8.7). */
export function pullSecretSuite(ctx: SuiteContext, fixtures: () => ImportFixtures): void {
  const fx = () => fixtures().fx;
  const importOne = async (namespace: string, from: string) => {
    const res = await ctx.client.ok(ImportImagesDocument, { namespace, import: { metadata: { name: 's' }, spec: { import: false, images: [{ from: { kind: 'DockerImage', name: from }, importPolicy: { insecure: true } }] } } });
    return res.importImages.status.images![0];
  };

  describe('pull secrets', () => {
    it('stores ciphertext only and shows the document to callers allowed get imagestreams/secrets', async () => {
      const ns = ctx.namespace('sec');
      const { basic } = fx();
      const doc = dockerConfig(basic.host, basic.username, basic.password);
      const created = (await ctx.client.ok(CreatePullSecretDocument, { namespace: ns, name: 'basic-creds', dockerConfigJson: doc })).createPullSecret;
      expect(created).toMatchObject({ kind: 'Secret', apiVersion: 'v1', type: 'kubernetes.io/dockerconfigjson', dockerConfigJson: doc, metadata: { name: 'basic-creds', namespace: ns } });
      const rows = (await ctx.app.database.db.execute(sql`select sealed_data, key_id from pull_secrets where namespace = ${ns}`)) as unknown as { rows: Array<{ sealed_data: string; key_id: string }> };
      expect(rows.rows).toHaveLength(1);
      const sealed = rows.rows[0].sealed_data;
      expect(sealed).not.toContain(basic.password);
      expect(sealed).not.toContain(Buffer.from(`${basic.username}:${basic.password}`).toString('base64'));
      expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain(basic.host);
      const listed = (await ctx.client.ok(ImageStreamSecretsDocument, { namespace: ns, name: 'any-stream' })).imageStreamSecrets;
      expect(listed).toEqual([{ type: 'kubernetes.io/dockerconfigjson', dockerConfigJson: doc, metadata: { name: 'basic-creds', namespace: ns } }]);
    });

    it('refuses a document that is not a docker config, without echoing it', async () => {
      const ns = ctx.namespace('sec');
      const res = await ctx.client.request(CreatePullSecretDocument, { namespace: ns, name: 'bad', dockerConfigJson: '{"password":"hunter2"}' });
      expect(res.errors?.[0].extensions?.code).toBe('INVALID');
      expect(JSON.stringify(res.errors)).not.toContain('hunter2');
      expect((await ctx.client.ok(ImageStreamSecretsDocument, { namespace: ns, name: 'x' })).imageStreamSecrets).toEqual([]);
    });

    it('Basic auth: imports a private image with the namespace\'s secret, and fails again once it is deleted', async () => {
      const ns = ctx.namespace('sec');
      const { basic } = fx();
      const from = `${basic.host}/team/app:v1`;
      expect((await importOne(ns, from)).status.reason).toBe('Unauthorized');
      await ctx.client.ok(CreatePullSecretDocument, { namespace: ns, name: 'creds', dockerConfigJson: dockerConfig(basic.host, basic.username, basic.password) });
      const ok = await importOne(ns, from);
      expect(ok.status.status).toBe('Success');
      expect(ok.image?.metadata.name).toBe(fx().images.basicPrivate.digest);
      // Another namespace does not see the secret.
      expect((await importOne(ctx.namespace('sec'), from)).status.reason).toBe('Unauthorized');
      expect((await ctx.client.ok(DeletePullSecretDocument, { namespace: ns, name: 'creds' })).deletePullSecret).toBe(true);
      expect(await ctx.client.errorCode(DeletePullSecretDocument, { namespace: ns, name: 'creds' })).toBe('NOT_FOUND');
      expect((await importOne(ns, from)).status.reason).toBe('Unauthorized');
    });

    it('token auth: imports a private image with the secret', async () => {
      const ns = ctx.namespace('sec');
      const { token } = fx();
      await ctx.client.ok(CreatePullSecretDocument, { namespace: ns, name: 'creds', dockerConfigJson: dockerConfig(token.host, token.username, token.password) });
      const ok = await importOne(ns, `${token.host}/private/app:v1`);
      expect(ok.status.status).toBe('Success');
      expect(ok.image?.metadata.name).toBe(fx().images.tokenPrivate.digest);
    });

    it('a wrong password retries anonymously: public images import, private ones report the wrong password', async () => {
      const ns = ctx.namespace('sec');
      const { token } = fx();
      await ctx.client.ok(CreatePullSecretDocument, { namespace: ns, name: 'wrong', dockerConfigJson: dockerConfig(token.host, token.username, 'not-the-password') });
      const res = await ctx.client.ok(ImportImagesDocument, {
        namespace: ns,
        import: {
          metadata: { name: 's' },
          spec: {
            import: false,
            images: [
              { from: { kind: 'DockerImage', name: `${token.host}/public/app:v1` }, importPolicy: { insecure: true } },
              { from: { kind: 'DockerImage', name: `${token.host}/private/app:v1` }, importPolicy: { insecure: true } },
            ],
          },
        },
      });
      const [pub, priv] = res.importImages.status.images!;
      expect(pub.status.status).toBe('Success');
      expect(pub.image?.metadata.name).toBe(fx().images.tokenPublic.digest);
      expect(priv.status).toMatchObject({ reason: 'Unauthorized', code: 401, message: `incorrect username or password for image "${token.host}/private/app:v1"` });
    });
  });
}
