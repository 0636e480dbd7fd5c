import { describe, expect, it } from 'vitest';
import { InvalidError } from '../../src/platform/errors.js';
import type { StoredStream } from '../../src/modules/image-stream/image-stream.store.js';
import { ANNOTATION_REPOSITORY_CHECK } from '../../src/modules/import/import.model.js';
import { applyImport, normaliseImportSpec, pickPlatform, repositoryStatus, serverPlatform, validateImport, type TagOutcome } from '../../src/modules/import/import.rules.js';
import { prioritizeTags, splitByBulkLimit } from '../../src/modules/import/tag-priority.rules.js';

describe('prioritizeTags (reference §5.3)', () => {
  it('orders latest, minor versions, full versions, then the rest', () => {
    const tags = ['zeta', 'alpha', 'latest', '1.0', 'v1.1', '1.2-beta', '2.0', '10.1', '1.0.0', 'v1.0.0', '1.0.1', '2.0.0-rc1', '2.0.0', 'v3.1.4', '0.9.9', 'build-01'];
    expect(prioritizeTags(tags)).toEqual(['latest', '10.1', '2.0', '1.2-beta', 'v1.1', '1.0', 'v3.1.4', '2.0.0', '2.0.0-rc1', '1.0.1', '1.0.0', 'v1.0.0', '0.9.9', 'alpha', 'build-01', 'zeta']);
  });

  it('treats an empty tag as latest and drops duplicates', () => {
    expect(prioritizeTags(['', 'latest', 'a', 'a'])).toEqual(['latest', 'a']);
  });

  it('puts the unprefixed version before the v-prefixed one of the same number', () => {
    expect(prioritizeTags(['v1.2', '1.2'])).toEqual(['1.2', 'v1.2']);
    expect(prioritizeTags(['v1.2.3', '1.2.3'])).toEqual(['1.2.3', 'v1.2.3']);
  });

  it('splits at the bulk limit; -1 takes everything', () => {
    expect(splitByBulkLimit(['a', 'b', 'c'], 2)).toEqual({ imported: ['a', 'b'], additional: ['c'] });
    expect(splitByBulkLimit(['a', 'b', 'c'], -1)).toEqual({ imported: ['a', 'b', 'c'], additional: [] });
  });
});

describe('pickPlatform (Legacy mode)', () => {
  const entries = [
    { digest: 'a', platform: { architecture: 'arm64', os: 'linux' } },
    { digest: 'b', platform: { architecture: 'amd64', os: 'linux' } },
    { digest: 'c', platform: { architecture: 'ppc64le', os: 'linux' } },
  ];
  it('prefers the spec tag annotations', () => {
    expect(pickPlatform(entries, { arch: 'ppc64le', os: 'linux' }, { arch: 'arm64', os: 'linux' })?.digest).toBe('c');
  });
  it('falls back to the server platform, then linux/amd64, then the first', () => {
    expect(pickPlatform(entries, {}, { arch: 'arm64', os: 'linux' })?.digest).toBe('a');
    expect(pickPlatform(entries, {}, { arch: 's390x', os: 'linux' })?.digest).toBe('b');
    expect(pickPlatform([entries[0], entries[2]], {}, { arch: 's390x', os: 'linux' })?.digest).toBe('a');
  });
  it('needs both architecture and OS to match', () => {
    expect(pickPlatform(entries, { arch: 'ppc64le', os: 'windows' }, { arch: 's390x', os: 'linux' })?.digest).toBe('b');
  });
  it('maps node names to registry names', () => {
    expect(serverPlatform('x64', 'linux')).toEqual({ arch: 'amd64', os: 'linux' });
  });
});

describe('ImageStreamImport defaulting and validation (§1.2, §2.8)', () => {
  it('defaults to from the tag, reference policy Source and the server import mode', () => {
    const spec = normaliseImportSpec({ images: [{ from: { kind: 'DockerImage', name: 'quay.io/a/b:v2' } }, { from: { kind: 'DockerImage', name: `quay.io/a/b@sha256:${'a'.repeat(64)}` } }] }, 'Legacy');
    expect(spec.import).toBe(false);
    expect(spec.images?.[0]).toMatchObject({ to: { name: 'v2' }, referencePolicy: { type: 'Source' }, importPolicy: { importMode: 'Legacy' } });
    expect(spec.images?.[1].to).toBeUndefined();
  });

  const causes = (spec: Parameters<typeof normaliseImportSpec>[0], name = 'is') => {
    try {
      validateImport('ns', name, normaliseImportSpec(spec, 'Legacy'));
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidError);
      return (e as InvalidError).toStatus().details!.causes!.map((c) => `${c.field}: ${c.message}`);
    }
  };

  it('needs images or a repository', () => {
    expect(causes({})).toEqual(['spec.images: Invalid value: null: you must specify at least one image or a repository import']);
  });
  it('checks kinds, names, targets and modes', () => {
    const found = causes({
      images: [
        { from: { kind: 'ImageStreamTag', name: 'x:y' } },
        { from: { kind: 'DockerImage', name: 'Bad Name' }, to: { name: '' } },
        { from: { kind: 'DockerImage', name: 'a/b' }, importPolicy: { importMode: 'Other' } },
      ],
      repository: { from: { kind: 'DockerImage', name: 'quay.io/a/b:tag' } },
    });
    expect(found).toEqual([
      'spec.images[0].from.kind: Invalid value: "ImageStreamTag": only DockerImage is supported',
      'spec.images[1].from.name: Invalid value: "Bad Name": invalid reference format',
      'spec.images[1].to.name: Required value: the name of the target tag must be specified',
      'spec.images[2].importPolicy.importMode: Invalid value: "Other": supported values: "Legacy", "PreserveOriginal"',
      'spec.repository.from.name: Invalid value: "quay.io/a/b:tag": you must specify an image repository, not a tag or ID',
    ]);
  });
  it('accepts a valid request and checks the stream name', () => {
    expect(causes({ images: [{ from: { kind: 'DockerImage', name: 'a/b:c' } }] })).toEqual([]);
    expect(causes({ images: [{ from: { kind: 'DockerImage', name: 'a/b:c' } }] }, 'Bad')).toHaveLength(1);
  });
});

describe('applyImport (§5.7, §3.6)', () => {
  const now = '2026-01-01T00:00:00Z';
  const base: StoredStream = {
    metadata: { name: 's', namespace: 'ns', uid: 'u', resourceVersion: '5', generation: 2, creationTimestamp: now },
    spec: { lookupPolicy: { local: false } },
    status: {},
  };
  const policy = { insecure: false, scheduled: false, importMode: 'Legacy' };
  const ok = (tag: string, image: string): TagOutcome => ({ tag, from: `r/x:${tag}`, importPolicy: policy, referencePolicy: { type: 'Source' }, specTagOnFailure: true, result: { image, reference: `r/x@${image}` } });
  const fail = (tag: string, specTagOnFailure = true): TagOutcome => ({ ...ok(tag, ''), specTagOnFailure, result: { failure: { status: 'Failure', reason: 'NotFound', code: 404, message: 'gone' } } });

  it('writes spec tag, event and annotation; spec tags and events take the next generation', () => {
    const next = applyImport(base, true, [ok('v1', 'sha256:1')], now);
    expect(next.metadata.generation).toBe(3);
    expect(next.metadata.annotations?.[ANNOTATION_REPOSITORY_CHECK]).toBe(now);
    expect(next.spec.tags?.[0]).toMatchObject({ name: 'v1', from: { kind: 'DockerImage', name: 'r/x:v1' }, generation: 3 });
    expect(next.status.tags?.[0].items?.[0]).toMatchObject({ image: 'sha256:1', dockerImageReference: 'r/x@sha256:1', generation: 3 });
  });

  it('a new stream starts at generation 1', () => {
    const next = applyImport({ ...base, metadata: { ...base.metadata, generation: 0 } }, false, [ok('v1', 'sha256:1')], now);
    expect(next.metadata.generation).toBe(1);
    expect(next.spec.tags?.[0].generation).toBe(1);
  });

  it('an unchanged re-import of an annotated stream writes nothing', () => {
    const once = applyImport(base, true, [ok('v1', 'sha256:1')], now);
    expect(applyImport(once, true, [ok('v1', 'sha256:1')], '2026-02-02T00:00:00Z')).toBe(once);
  });

  it('a failure keeps history, adds one condition, resets the spec tag generation; an identical failure changes nothing', () => {
    const once = applyImport(base, true, [ok('v1', 'sha256:1')], now);
    const failed = applyImport(once, true, [fail('v1')], '2026-02-02T00:00:00Z');
    const list = failed.status.tags?.find((t) => t.tag === 'v1');
    expect(list?.items?.[0].image).toBe('sha256:1');
    expect(list?.conditions).toEqual([{ type: 'ImportSuccess', status: 'False', reason: 'NotFound', message: 'gone', generation: 4, lastTransitionTime: '2026-02-02T00:00:00Z' }]);
    expect(failed.metadata.generation).toBe(4);
    expect(failed.spec.tags?.[0].generation).toBe(4);
    expect(applyImport(failed, true, [fail('v1')], '2026-03-03T00:00:00Z')).toBe(failed);
    // Success clears the condition.
    const healed = applyImport(failed, true, [ok('v1', 'sha256:1')], now);
    expect(healed.status.tags?.find((t) => t.tag === 'v1')?.conditions).toBeUndefined();
  });

  it('a failed images[] entry leaves a spec tag; a failed repository tag only a condition', () => {
    expect(applyImport(base, true, [fail('new')], now).spec.tags?.map((t) => t.name)).toEqual(['new']);
    const repo = applyImport(base, true, [fail('new', false)], now);
    expect(repo.spec.tags).toBeUndefined();
    expect(repo.status.tags?.[0].conditions?.[0].reason).toBe('NotFound');
  });

  it('summarises repository failures', () => {
    expect(repositoryStatus(0)).toEqual({ status: 'Success' });
    expect(repositoryStatus(1).message).toBe('one of the images from this repository failed to import');
    expect(repositoryStatus(3)).toMatchObject({ reason: 'ImportFailed', message: '3 of the images from this repository failed to import' });
  });
});
