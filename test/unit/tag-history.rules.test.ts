import { describe, expect, it } from 'vitest';
import type { NamedTagEventList, TagEvent, TagReference } from '../../src/modules/image-stream/image-stream.model.js';
import {
  addTagEvent,
  applyTagEvent,
  imageMatches,
  matchingImages,
  rewriteInternalReference,
  splitStreamImage,
  splitStreamTag,
  trackedTag,
  type StreamView,
} from '../../src/modules/tag-history/tag-history.rules.js';

const ev = (ref: string, image: string, generation = 1, created = '2024-01-01T00:00:00Z'): TagEvent => ({ created, dockerImageReference: ref, image, generation });
const failed = { type: 'ImportSuccess', status: 'False', lastTransitionTime: '2024-01-01T00:00:00Z', reason: 'NotFound', message: 'x', generation: 1 };
const withHistory = (...items: TagEvent[]): NamedTagEventList => ({ tag: 't', items, conditions: [failed] });

describe('addTagEvent (reference §3.4)', () => {
  it('no history: the event becomes the only item', () => {
    const { list, change } = addTagEvent(undefined, 't', ev('r1', 'i1'));
    expect(change).toBe('prepended');
    expect(list).toEqual({ tag: 't', items: [ev('r1', 'i1')] });
  });

  it('no history but a failure condition: item added, condition cleared', () => {
    const { list } = addTagEvent({ tag: 't', items: null, conditions: [failed] }, 't', ev('r1', 'i1'));
    expect(list.items).toEqual([ev('r1', 'i1')]);
    expect(list.conditions).toBeUndefined();
  });

  it('same reference, image and generation: no-op, conditions kept', () => {
    const before = withHistory(ev('r1', 'i1', 2));
    const { list, change } = addTagEvent(before, 't', ev('r1', 'i1', 2, '2030-01-01T00:00:00Z'));
    expect(change).toBe('none');
    expect(list).toBe(before);
    expect(list.conditions).toEqual([failed]);
  });

  it('same reference and image, other generation: generation updated in place, created kept', () => {
    const { list, change } = addTagEvent(withHistory(ev('r1', 'i1', 1), ev('r0', 'i0')), 't', ev('r1', 'i1', 5, '2030-01-01T00:00:00Z'));
    expect(change).toBe('updated');
    expect(list.items).toEqual([ev('r1', 'i1', 5), ev('r0', 'i0')]);
    expect(list.conditions).toBeUndefined();
  });

  it('same reference only: image and generation updated in place', () => {
    const { list, change } = addTagEvent(withHistory(ev('r1', 'i1', 1)), 't', ev('r1', 'i2', 3, '2030-01-01T00:00:00Z'));
    expect(change).toBe('updated');
    expect(list.items).toEqual([ev('r1', 'i2', 3)]);
    expect(list.conditions).toBeUndefined();
  });

  it('same image only: reference and generation updated in place', () => {
    const { list, change } = addTagEvent(withHistory(ev('r1', 'i1', 1)), 't', ev('r2', 'i1', 3, '2030-01-01T00:00:00Z'));
    expect(change).toBe('updated');
    expect(list.items).toEqual([ev('r2', 'i1', 3)]);
    expect(list.conditions).toBeUndefined();
  });

  it('different reference and image: prepended, history grows by one', () => {
    const newer = ev('r2', 'i2', 2, '2030-01-01T00:00:00Z');
    const { list, change } = addTagEvent(withHistory(ev('r1', 'i1'), ev('r0', 'i0')), 't', newer);
    expect(change).toBe('prepended');
    expect(list.items).toEqual([newer, ev('r1', 'i1'), ev('r0', 'i0')]);
    expect(list.conditions).toBeUndefined();
  });

  it('compares only with items[0]: an older image coming back is prepended again', () => {
    const { list } = addTagEvent(withHistory(ev('r1', 'i1'), ev('r0', 'i0')), 't', ev('r0', 'i0'));
    expect(list.items!.map((i) => i.image)).toEqual(['i0', 'i1', 'i0']);
  });
});

const specTag = (name: string, fromName: string, extra: Partial<TagReference> = {}): TagReference => ({
  name,
  annotations: null,
  from: { kind: 'ImageStreamTag', name: fromName },
  generation: 1,
  importPolicy: { importMode: 'Legacy' },
  referencePolicy: { type: 'Source' },
  ...extra,
});

const stream = (tags: TagReference[], status: NamedTagEventList[] = []): StreamView => ({
  metadata: { namespace: 'ns', name: 'app' },
  spec: { tags },
  status: status.length ? { tags: status } : {},
});

describe('applyTagEvent: alias tags follow their source in the same stream (§3.3)', () => {
  it('aliases by bare tag and by this-stream:tag follow, transitively', () => {
    const s = stream([specTag('a', 'latest'), specTag('b', 'app:latest'), specTag('c', 'a')]);
    const { stream: out, changed } = applyTagEvent(s, 'latest', ev('r1', 'i1'));
    expect(changed.sort()).toEqual(['a', 'b', 'c', 'latest']);
    expect(out.status.tags!.map((t) => [t.tag, t.items![0].image])).toEqual([
      ['a', 'i1'],
      ['b', 'i1'],
      ['c', 'i1'],
      ['latest', 'i1'],
    ]);
  });

  it('a tag pointing at another stream or namespace is not followed', () => {
    const s = stream([
      specTag('other', 'elsewhere:latest'),
      specTag('otherns', 'latest', { from: { kind: 'ImageStreamTag', name: 'latest', namespace: 'ns2' } }),
      specTag('img', 'x', { from: { kind: 'ImageStreamImage', name: 'app@sha256:1' } }),
    ]);
    const { stream: out, changed } = applyTagEvent(s, 'latest', ev('r1', 'i1'));
    expect(changed).toEqual(['latest']);
    expect(out.status.tags!.map((t) => t.tag)).toEqual(['latest']);
  });

  it('an alias cycle terminates', () => {
    const s = stream([specTag('a', 'b'), specTag('b', 'a')]);
    const { changed } = applyTagEvent(s, 'a', ev('r1', 'i1'));
    expect(changed.sort()).toEqual(['a', 'b']);
  });

  it('a no-op on the source leaves the stream and its aliases untouched', () => {
    const s = stream([specTag('a', 'latest')], [{ tag: 'latest', items: [ev('r1', 'i1')] }]);
    const res = applyTagEvent(s, 'latest', ev('r1', 'i1'));
    expect(res.changed).toEqual([]);
    expect(res.stream).toBe(s);
  });

  it('keeps status tags sorted by name', () => {
    const s = stream([], [{ tag: 'z', items: [ev('r', 'i')] }]);
    expect(applyTagEvent(s, 'b', ev('r1', 'i1')).stream.status.tags!.map((t) => t.tag)).toEqual(['b', 'z']);
  });
});

describe('trackedTag', () => {
  it('names the followed tag only for same-stream ImageStreamTag sources', () => {
    const meta = { namespace: 'ns', name: 'app' };
    expect(trackedTag(specTag('x', 'latest'), meta)).toBe('latest');
    expect(trackedTag(specTag('x', 'app:v1'), meta)).toBe('v1');
    expect(trackedTag(specTag('x', 'v1', { from: { kind: 'ImageStreamTag', name: 'v1', namespace: 'ns' } }), meta)).toBe('v1');
    expect(trackedTag(specTag('x', 'other:v1'), meta)).toBeUndefined();
    expect(trackedTag(specTag('x', 'v1', { from: { kind: 'DockerImage', name: 'v1' } }), meta)).toBeUndefined();
  });
});

describe('rewriteInternalReference', () => {
  const reg = 'registry.local:5000';
  it('rewrites a pull spec into the source stream of the integrated registry', () => {
    expect(rewriteInternalReference(`${reg}/src/app@sha256:abc`, reg, { namespace: 'src', name: 'app' }, { namespace: 'dst', name: 'web' })).toBe(`${reg}/dst/web@sha256:abc`);
  });
  it('keeps external references and internal ones of other streams', () => {
    expect(rewriteInternalReference('quay.io/src/app@sha256:abc', reg, { namespace: 'src', name: 'app' }, { namespace: 'dst', name: 'web' })).toBe('quay.io/src/app@sha256:abc');
    expect(rewriteInternalReference(`${reg}/src/other@sha256:abc`, reg, { namespace: 'src', name: 'app' }, { namespace: 'dst', name: 'web' })).toBe(`${reg}/src/other@sha256:abc`);
  });
  it('changes nothing without an internal registry', () => {
    expect(rewriteInternalReference(`${reg}/src/app@sha256:abc`, undefined, { namespace: 'src', name: 'app' }, { namespace: 'dst', name: 'web' })).toBe(`${reg}/src/app@sha256:abc`);
  });
});

describe('names and digest prefixes (§2.1, §6)', () => {
  it('splits stream:tag and stream@id strictly', () => {
    expect(splitStreamTag('app:v1')).toEqual({ stream: 'app', tag: 'v1' });
    for (const bad of ['app', 'app:', ':v1', 'a:b:c', 'app@sha256:x']) expect(splitStreamTag(bad)).toBeUndefined();
    expect(splitStreamImage('app@sha256:ab')).toEqual({ stream: 'app', id: 'sha256:ab' });
    for (const bad of ['app', 'app@', '@x', 'a@b@c']) expect(splitStreamImage(bad)).toBeUndefined();
  });

  it('matches a prefix of the hex part or of the whole name', () => {
    const n = 'sha256:abcdef0123';
    expect(imageMatches(n, 'abcd')).toBe(true);
    expect(imageMatches(n, 'sha256:ab')).toBe(true);
    expect(imageMatches(n, n)).toBe(true);
    expect(imageMatches(n, 'bcd')).toBe(false);
  });

  it('lists distinct matches sorted, so the first is deterministic', () => {
    expect(matchingImages(['sha256:abd', 'sha256:abc', 'sha256:abc', 'sha256:ffff'], 'ab')).toEqual(['sha256:abc', 'sha256:abd']);
  });
});
