import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStreamDocument, CreateTokenDocument, GetStreamDocument, GrantRoleDocument, ListStreamsDocument, PatchStreamDocument, RevokeRoleDocument, RevokeTokenDocument } from '../generated/graphql.js';
import { ADMIN_TOKEN, testEnv } from '../support/app.js';
import { GraphQLClient } from '../support/graphql-client.js';
import { startReplica, type Replica } from '../support/replica.js';

/**
 * Each replica answers repeated reads from memory and caches identities.
 * Neither may make a replica answer with less than what another replica has
 * acknowledged: a write, a token revocation or a role revocation made on B
 * holds on A's very next request (A reads the database's watermark after
 * the request arrives and waits for nothing else).
 */
describe('caches across two replicas on one PostgreSQL', () => {
  let replicas: Replica[] = [];
  let a: GraphQLClient;
  let b: GraphQLClient;

  beforeAll(async () => {
    // No help from the safety-net poll: A learns of B's writes through the watermark and LISTEN/NOTIFY only.
    const env = await testEnv('postgres', { IMAGESTREAMS_WATCH_POLL_INTERVAL: '1h' });
    replicas = [await startReplica(env)];
    replicas.push(await startReplica(env));
    [a, b] = replicas.map((r) => new GraphQLClient(r.url, ADMIN_TOKEN));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
  });

  it('reads on one replica see every write the other acknowledged before', async () => {
    await b.ok(CreateStreamDocument, { namespace: 'cache-x', imageStream: { metadata: { name: 'app' } } });
    for (let i = 0; i < 20; i++) {
      // Warm A's cache for both documents, then write on B and read on A at once.
      await a.ok(GetStreamDocument, { namespace: 'cache-x', name: 'app' });
      await a.ok(ListStreamsDocument, { namespace: 'cache-x' });
      const written = await b.ok(PatchStreamDocument, { namespace: 'cache-x', name: 'app', patch: { metadata: { labels: { round: String(i) } } } });
      const read = await a.ok(GetStreamDocument, { namespace: 'cache-x', name: 'app' });
      expect(read.imageStream?.metadata.resourceVersion).toBe(written.patchImageStream.metadata.resourceVersion);
      const list = await a.ok(ListStreamsDocument, { namespace: 'cache-x' });
      expect(list.imageStreams.nodes[0]?.metadata.labels).toEqual({ round: String(i) });
    }
  });

  it('refuses on one replica a token revoked on the other, on the next request', async () => {
    await b.ok(CreateStreamDocument, { namespace: 'cache-t', imageStream: { metadata: { name: 'app' } } });
    const token = (await b.ok(CreateTokenDocument, { user: 'cache-t-admin', groups: ['system:masters'] })).createToken;
    const onA = a.withToken(token);
    for (let i = 0; i < 3; i++) await onA.ok(GetStreamDocument, { namespace: 'cache-t', name: 'app' });
    expect((await b.withToken(token).ok(RevokeTokenDocument, { token })).revokeToken).toBe(true);
    expect(await onA.errorCode(GetStreamDocument, { namespace: 'cache-t', name: 'app' })).toBe('UNAUTHENTICATED');
  });

  it('refuses on one replica a role revoked on the other, on the next request', async () => {
    await b.ok(CreateStreamDocument, { namespace: 'cache-r', imageStream: { metadata: { name: 'app' } } });
    await b.ok(GrantRoleDocument, { namespace: 'cache-r', role: 'view', user: 'cache-r-viewer' });
    const token = (await b.ok(CreateTokenDocument, { user: 'cache-r-viewer', groups: [] })).createToken;
    const onA = a.withToken(token);
    for (let i = 0; i < 3; i++) await onA.ok(GetStreamDocument, { namespace: 'cache-r', name: 'app' });
    await b.ok(RevokeRoleDocument, { namespace: 'cache-r', role: 'view', user: 'cache-r-viewer' });
    expect(await onA.errorCode(GetStreamDocument, { namespace: 'cache-r', name: 'app' })).toBe('FORBIDDEN');
  });
});
