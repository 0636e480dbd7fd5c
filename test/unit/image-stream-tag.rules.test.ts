import { describe, expect, it } from 'vitest';
import type { ImageStream } from '../../src/modules/image-stream/image-stream.model.js';
import { imageAsSeenThroughTag, imageStreamTagView, withoutTag, withSpecTag } from '../../src/modules/image-stream-tag/image-stream-tag.rules.js';

const stream: ImageStream = {
  metadata: { name: 'app', namespace: 'ns', uid: 'u', resourceVersion: '7', generation: 3, creationTimestamp: '2020-01-01T00:00:00Z', labels: { l: 'v' } },
  spec: {
    lookupPolicy: { local: true },
    tags: [
      { name: 'local', annotations: { a: 'spec' }, from: { kind: 'ImageStreamTag', name: 'pushed' }, generation: 2, importPolicy: {}, referencePolicy: { type: 'Local' } },
      { name: 'spec-only', annotations: null, from: { kind: 'DockerImage', name: 'x/y:1' }, generation: 3, importPolicy: {}, referencePolicy: { type: 'Source' } },
    ],
  },
  status: {
    dockerImageRepository: 'reg:5000/ns/app',
    tags: [
      { tag: 'local', items: [{ created: '2024-01-01T00:00:00Z', dockerImageReference: 'quay.io/a/b@sha256:1', image: 'sha256:1', generation: 2 }] },
      { tag: 'pushed', items: [{ created: '2024-02-01T00:00:00Z', dockerImageReference: 'quay.io/a/b@sha256:1', image: 'sha256:1', generation: 3 }] },
    ],
  },
};

describe('imageStreamTagView (reference §3.8)', () => {
  it('takes identity from the stream, time and generation from items[0], annotations from the spec tag', () => {
    expect(imageStreamTagView(stream, 'local')).toEqual({
      metadata: { name: 'app:local', namespace: 'ns', uid: 'u', resourceVersion: '7', creationTimestamp: '2024-01-01T00:00:00Z', labels: { l: 'v' }, annotations: { a: 'spec' } },
      tag: stream.spec.tags![0],
      generation: 2,
      lookupPolicy: { local: true },
      imageName: 'sha256:1',
      imageReference: 'reg:5000/ns/app@sha256:1',
    });
  });

  it('a status-only tag has no spec tag and its source pull spec; a spec-only tag has no image; unknown tags none', () => {
    expect(imageStreamTagView(stream, 'pushed')).toMatchObject({ tag: null, imageName: 'sha256:1', imageReference: 'quay.io/a/b@sha256:1' });
    expect(imageStreamTagView(stream, 'spec-only')).toMatchObject({ imageName: null, generation: null });
    expect(imageStreamTagView(stream, 'nope')).toBeUndefined();
  });

  it('shows the image without raw blobs, with the resolved reference and merged annotations', () => {
    const view = imageStreamTagView(stream, 'local')!;
    const image = { metadata: { annotations: { a: 'image', b: 'image' } }, dockerImageReference: 'quay.io/a/b@sha256:1', dockerImageManifest: '{}', dockerImageConfig: '{}' };
    expect(imageAsSeenThroughTag(image, view)).toEqual({ metadata: { annotations: { a: 'spec', b: 'image' } }, dockerImageReference: 'reg:5000/ns/app@sha256:1' });
  });
});

describe('withSpecTag / withoutTag', () => {
  it('replaces one spec tag and keeps the rest; creates a stream with it when missing', () => {
    const write = withSpecTag(stream, 'app', { name: 'local', from: { kind: 'DockerImage', name: 'z:1' } });
    expect(write.spec!.tags!.map((t) => [t.name, t.from?.name])).toEqual([
      ['spec-only', 'x/y:1'],
      ['local', 'z:1'],
    ]);
    expect(withSpecTag(undefined, 'new', { name: 't' })).toEqual({ metadata: { name: 'new' }, spec: { tags: [{ name: 't' }] } });
  });

  it('removes a tag from spec and status, or answers undefined when it is in neither', () => {
    const stored = { ...stream, status: { tags: stream.status.tags } };
    const out = withoutTag(stored, 'local')!;
    expect(out.spec.tags!.map((t) => t.name)).toEqual(['spec-only']);
    expect(out.status.tags!.map((t) => t.tag)).toEqual(['pushed']);
    expect(withoutTag(stored, 'nope')).toBeUndefined();
  });
});
