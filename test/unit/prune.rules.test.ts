import { describe, expect, it } from 'vitest';
import type { StoredStream } from '../../src/modules/image-stream/image-stream.store.js';
import { pinnedImages, pruneStream } from '../../src/modules/prune/prune.rules.js';

const old = '2020-01-01T00:00:00Z';
const stream = (items: Array<[string, string]>, specFrom?: { kind: string; name: string }): StoredStream => ({
  metadata: { name: 'app', namespace: 'ns', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: old },
  spec: {
    lookupPolicy: { local: false },
    ...(specFrom ? { tags: [{ name: 'pin', annotations: null, from: specFrom, generation: 1, importPolicy: {}, referencePolicy: { type: 'Source' } }] } : {}),
  },
  status: { tags: [{ tag: 'latest', items: items.map(([image, created]) => ({ image, created, dockerImageReference: `r@${image}`, generation: 1 })) }] },
});
const policy = { keepTagRevisions: 2, keepAfter: new Date('2024-01-01T00:00:00Z') };

describe('pruneStream (reference §9)', () => {
  it('keeps the newest revisions and younger items, removes the rest', () => {
    const s = stream([['i4', old], ['i3', old], ['i2', '2025-01-01T00:00:00Z'], ['i1', old], ['i0', old]]);
    const { stream: out, removed } = pruneStream(s, policy, new Set());
    expect(out.status.tags![0].items!.map((i) => i.image)).toEqual(['i4', 'i3', 'i2']);
    expect(removed.map((r) => r.image)).toEqual(['i1', 'i0']);
  });

  it('never removes an item a spec tag pins by digest', () => {
    const s = stream([['i2', old], ['i1', old], ['i0', old]], { kind: 'ImageStreamImage', name: 'app@i0' });
    const { stream: out } = pruneStream(s, policy, pinnedImages([s]));
    expect(out.status.tags![0].items!.map((i) => i.image)).toEqual(['i2', 'i1', 'i0']);
  });

  it('drops a tag left without items, and skips streams younger than the threshold', () => {
    const s = stream([['i0', old]]);
    expect(pruneStream(s, { ...policy, keepTagRevisions: 0 }, new Set()).stream.status).toEqual({});
    const young = { ...s, metadata: { ...s.metadata, creationTimestamp: '2025-01-01T00:00:00Z' } };
    expect(pruneStream(young, { ...policy, keepTagRevisions: 0 }, new Set()).removed).toEqual([]);
  });

  it('collects pins from ImageStreamImage sources and DockerImage pull specs by digest', () => {
    const a = stream([], { kind: 'ImageStreamImage', name: 'other@sha256:a' });
    const b = stream([], { kind: 'DockerImage', name: 'quay.io/x/y@sha256:b' });
    const c = stream([], { kind: 'DockerImage', name: 'quay.io/x/y:1' });
    expect([...pinnedImages([a, b, c])].sort()).toEqual(['sha256:a', 'sha256:b']);
  });
});
