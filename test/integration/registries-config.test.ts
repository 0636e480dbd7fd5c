import { describe, expect, it } from 'vitest';
import { CreateStreamDocument, GetStreamDocument } from '../generated/graphql.js';
import { useSuiteContext } from './harness.js';

describe('status repositories follow configuration (§3.5)', () => {
  const ctx = useSuiteContext('pglite', {
    IMAGESTREAMS_INTERNAL_REGISTRY: 'image-registry.example.svc:5000',
    IMAGESTREAMS_PUBLIC_REGISTRY: 'registry.example.com',
  });

  it('reports internal and public pull locations on create and read', async () => {
    const ns = ctx.namespace();
    const created = await ctx.client.ok(CreateStreamDocument, { namespace: ns, imageStream: { metadata: { name: 'app' }, spec: { dockerImageRepository: 'quay.io/org/app' } } });
    expect(created.createImageStream.status).toMatchObject({
      dockerImageRepository: `image-registry.example.svc:5000/${ns}/app`,
      publicDockerImageRepository: `registry.example.com/${ns}/app`,
    });
    const read = await ctx.client.ok(GetStreamDocument, { namespace: ns, name: 'app' });
    expect(read.imageStream?.status.dockerImageRepository).toBe(`image-registry.example.svc:5000/${ns}/app`);
    expect(read.imageStream?.spec.dockerImageRepository).toBe('quay.io/org/app');
  });
});
