import { describe, expect, it } from 'vitest';
import type { ImageStream, TagReference } from '../../src/modules/image-stream/image-stream.model.js';
import {
  applyGenerations,
  computeRepositories,
  isSpecTagChanged,
  normaliseSpecTags,
  normaliseStatusTags,
  stampCreateGenerations,
  validateImageStream,
} from '../../src/modules/image-stream/image-stream.rules.js';

const defaults = { importMode: 'Legacy' };
const tag = (name: string, from: string, extra: Partial<TagReference> = {}): TagReference => ({
  name,
  annotations: null,
  from: { kind: 'DockerImage', name: from },
  generation: 1,
  importPolicy: { importMode: 'Legacy' },
  referencePolicy: { type: 'Source' },
  ...extra,
});
const stream = (tags: TagReference[], generation = 1): ImageStream => ({
  metadata: { name: 's', namespace: 'ns', uid: 'u', resourceVersion: '1', generation, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { lookupPolicy: { local: false }, tags },
  status: { dockerImageRepository: '' },
});

describe('spec tag normalisation', () => {
  it('sorts by name, keeps the last duplicate and fills defaults', () => {
    const tags = normaliseSpecTags([{ name: 'b' }, { name: 'a', from: { kind: 'DockerImage', name: 'x' } }, { name: 'b', reference: true }], defaults);
    expect(tags.map((t) => t.name)).toEqual(['a', 'b']);
    expect(tags[1].reference).toBe(true);
    expect(tags[0].referencePolicy).toEqual({ type: 'Source' });
    expect(tags[0].importPolicy).toEqual({ importMode: 'Legacy' });
    expect(tags[0].annotations).toBeNull();
  });

  it('uses the configured default import mode', () => {
    expect(normaliseSpecTags([{ name: 'a' }], { importMode: 'PreserveOriginal' })[0].importPolicy.importMode).toBe('PreserveOriginal');
  });

  it('forces every tag to generation 1 on create', () => {
    expect(stampCreateGenerations({ lookupPolicy: { local: false }, tags: [tag('a', 'x', { generation: 9 })] }).tags![0].generation).toBe(1);
  });
});

describe('status tag normalisation', () => {
  it('sorts by tag and fills created and generation', () => {
    const tags = normaliseStatusTags([{ tag: 'z', items: [{ dockerImageReference: 'a' }] }, { tag: 'a', items: [] }], '2026-01-01T00:00:00Z', 4);
    expect(tags.map((t) => t.tag)).toEqual(['a', 'z']);
    expect(tags[0].items).toBeNull();
    expect(tags[1].items![0]).toEqual({ created: '2026-01-01T00:00:00Z', dockerImageReference: 'a', image: '', generation: 4 });
  });
});

describe('what counts as a changed spec tag (§3.2)', () => {
  it.each([
    ['a different from.name', tag('t', 'y'), true],
    ['a different namespace', tag('t', 'x', { from: { kind: 'DockerImage', name: 'x', namespace: 'other' } }), true],
    ['the same namespace written out', tag('t', 'x', { from: { kind: 'DockerImage', name: 'x', namespace: 'ns' } }), false],
    ['reference toggled', tag('t', 'x', { reference: true }), true],
    ['import mode changed', tag('t', 'x', { importPolicy: { importMode: 'PreserveOriginal' } }), true],
    ['generation reset to 0', tag('t', 'x', { generation: 0 }), true],
    ['only insecure changed', tag('t', 'x', { importPolicy: { importMode: 'Legacy', insecure: true } }), false],
    ['only the reference policy changed', tag('t', 'x', { referencePolicy: { type: 'Local' } }), false],
    ['only the kind changed', tag('t', 'x', { from: { kind: 'ImageStreamTag', name: 'x' } }), false],
  ])('%s → %s', (_what, next, changed) => {
    expect(isSpecTagChanged(tag('t', 'x'), next, 'ns')).toBe(changed);
  });

  it('never counts a tag without from', () => {
    expect(isSpecTagChanged(undefined, { ...tag('t', 'x'), from: undefined }, 'ns')).toBe(false);
  });
});

describe('server-owned generations (§3.1)', () => {
  it('keeps the generation when only metadata or nothing changed', () => {
    const prev = stream([tag('a', 'x')], 3);
    const { generation, spec } = applyGenerations(prev, { lookupPolicy: { local: false }, tags: [tag('a', 'x', { generation: 99 })] });
    expect(generation).toBe(3);
    expect(spec.tags![0].generation).toBe(1);
  });

  it('bumps by one on a spec change and stamps new and changed tags only', () => {
    const prev = stream([tag('a', 'x'), tag('b', 'y')], 2);
    const { generation, spec } = applyGenerations(prev, { lookupPolicy: { local: false }, tags: [tag('a', 'x'), tag('b', 'z'), tag('c', 'w')] });
    expect(generation).toBe(3);
    expect(spec.tags!.map((t) => [t.name, t.generation])).toEqual([['a', 1], ['b', 3], ['c', 3]]);
  });

  it('treats generation 0 as a re-import request', () => {
    const prev = stream([tag('a', 'x', { generation: 2 })], 2);
    const { generation, spec } = applyGenerations(prev, { lookupPolicy: { local: false }, tags: [tag('a', 'x', { generation: 0 })] });
    expect(generation).toBe(3);
    expect(spec.tags![0].generation).toBe(3);
  });

  it('keeps the old value for a legacy null generation', () => {
    const prev = stream([tag('a', 'x', { generation: 2 })], 5);
    const { generation, spec } = applyGenerations(prev, { lookupPolicy: { local: false }, tags: [tag('a', 'x', { generation: null })] });
    expect(generation).toBe(5);
    expect(spec.tags![0].generation).toBe(2);
  });

  it('bumps on a lookup policy change', () => {
    expect(applyGenerations(stream([], 1), { lookupPolicy: { local: true } }).generation).toBe(2);
  });
});

describe('repositories in status (§3.5)', () => {
  it('uses the internal and public registries when configured', () => {
    expect(computeRepositories('ns', 's', 'docker.io/x/y', { internal: 'registry:5000', public: 'pub.example.com' })).toEqual({
      dockerImageRepository: 'registry:5000/ns/s',
      publicDockerImageRepository: 'pub.example.com/ns/s',
    });
  });

  it('falls back to spec.dockerImageRepository, stripped of tag and digest', () => {
    expect(computeRepositories('ns', 's', 'quay.io/x/y:latest', {})).toEqual({ dockerImageRepository: 'quay.io/x/y' });
    expect(computeRepositories('ns', 's', undefined, {})).toEqual({ dockerImageRepository: '' });
  });
});

describe('stream validation', () => {
  it('collects every cause with the reference field paths', () => {
    const s = stream([tag('ok', 'busybox'), { ...tag('bad', 'x'), from: { kind: 'Git', name: '' }, referencePolicy: { type: 'Other' } }]);
    const fields = validateImageStream(s).causes.map((c) => c.field);
    expect(fields).toEqual(['spec.tags[bad].from.name', 'spec.tags[bad].from.kind', 'spec.tags[bad].referencePolicy.type']);
  });
});
