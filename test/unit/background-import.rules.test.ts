import { describe, expect, it } from 'vitest';
import type { TagReference } from '../../src/modules/image-stream/image-stream.model.js';
import type { StoredStream } from '../../src/modules/image-stream/image-stream.store.js';
import { backgroundImportRequest, needsImport, observedGeneration, scheduledTags, TokenBucket } from '../../src/modules/import/background-import.rules.js';

const tag = (name: string, generation: number | null, extra: Partial<TagReference> = {}): TagReference => ({
  name, annotations: null, from: { kind: 'DockerImage', name: `quay.io/a/b:${name}` }, generation, importPolicy: {}, referencePolicy: { type: 'Source' }, ...extra,
});
const stream = (tags: TagReference[], status: StoredStream['status'] = {}, annotations?: Record<string, string>, dockerImageRepository?: string): StoredStream => ({
  metadata: { name: 's', namespace: 'ns', uid: 'u', resourceVersion: '7', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z', ...(annotations ? { annotations } : {}) },
  spec: { lookupPolicy: { local: false }, tags, ...(dockerImageRepository ? { dockerImageRepository } : {}) },
  status,
});
const checked = { 'openshift.io/image.dockerRepositoryCheck': '2026-01-01T00:00:00Z' };
const event = (generation: number) => ({ created: 'x', dockerImageReference: 'r', image: 'sha256:1', generation });

describe('needsImport (reference §7.1)', () => {
  it('a stream never checked imports every importable tag, and its repository when it has one', () => {
    const s = stream([tag('a', 1), tag('ref', 1, { reference: true }), tag('ist', 1, { from: { kind: 'ImageStreamTag', name: 'x:y' } })]);
    expect(needsImport(s)?.tags.map((t) => t.name)).toEqual(['a']);
    expect(needsImport(stream([], {}, undefined, 'quay.io/a/b'))).toEqual({ tags: [], repository: true });
    expect(needsImport(stream([tag('ref', 1, { reference: true })]))).toBeUndefined();
  });
  it('afterwards only tags ahead of their observed generation (event or ImportSuccess condition)', () => {
    const status = {
      tags: [
        { tag: 'done', items: [event(3)] },
        { tag: 'behind', items: [event(1)] },
        { tag: 'failed', items: null, conditions: [{ type: 'ImportSuccess', status: 'False', lastTransitionTime: 'x', generation: 3 }] },
      ],
    };
    const s = stream([tag('done', 3), tag('behind', 2), tag('failed', 3), tag('new', 3), tag('nil', null)], status, checked);
    expect(observedGeneration(s, 'failed')).toBe(3);
    expect(needsImport(s)?.tags.map((t) => t.name)).toEqual(['behind', 'new']);
    expect(needsImport(stream([tag('done', 3)], { tags: [{ tag: 'done', items: [event(3)] }] }, checked))).toBeUndefined();
  });
});

describe('scheduled tags and requests (§7.2)', () => {
  it('keeps digest tags scheduled only until their first import', () => {
    const byDigest = tag('d', 1, { from: { kind: 'DockerImage', name: `quay.io/a/b@sha256:${'a'.repeat(64)}` }, importPolicy: { scheduled: true } });
    const s = stream([tag('t', 1, { importPolicy: { scheduled: true } }), tag('u', 1), byDigest]);
    expect(scheduledTags(s).map((t) => t.name)).toEqual(['t', 'd']);
    expect(scheduledTags({ ...s, status: { tags: [{ tag: 'd', items: [event(1)] }] } }).map((t) => t.name)).toEqual(['t']);
  });
  it('sends a preconditioned import of the tags with their policies', () => {
    const s = stream([tag('t', 1, { importPolicy: { insecure: true, importMode: 'PreserveOriginal' } })], {}, { 'openshift.io/image.insecureRepository': 'true' }, 'quay.io/a/b');
    const req = backgroundImportRequest(s, { tags: s.spec.tags!, repository: true });
    expect(req.metadata).toEqual({ name: 's', namespace: 'ns', resourceVersion: '7', uid: 'u' });
    expect(req.spec?.images?.[0]).toMatchObject({ from: { name: 'quay.io/a/b:t' }, to: { name: 't' }, importPolicy: { insecure: true, importMode: 'PreserveOriginal' } });
    expect(req.spec?.repository).toEqual({ from: { kind: 'DockerImage', name: 'quay.io/a/b' }, importPolicy: { insecure: true } });
  });
  it('limits with a token bucket', () => {
    const bucket = new TokenBucket(60, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, false]);
    expect(bucket.take(1000)).toBe(true);
  });
});
