import { describe, expect, it } from 'vitest';
import { prepareImage, validateImage } from '../../src/modules/image/image.rules.js';
import { applyPatch } from '../../src/modules/image-stream/patch.rules.js';
import { validateStatusTags } from '../../src/modules/image-stream/image-stream.rules.js';
import { BadRequestError, CauseList } from '../../src/platform/errors.js';
import { assertWellFormedStrings } from '../../src/platform/http/well-formed.js';

/** Inputs the reliability fuzzer (test/reliability/fuzz.test.ts) found answered with INTERNAL. */
describe('input hardening', () => {
  it('refuses strings with an unpaired surrogate, in keys and values, at any depth', () => {
    expect(() => assertWellFormedStrings({ a: [{ b: 'x\ud800' }] })).toThrow(BadRequestError);
    expect(() => assertWellFormedStrings({ ['\udc00']: 'x' })).toThrow(BadRequestError);
    expect(() => assertWellFormedStrings({ a: 'nul\u0000' })).toThrow(BadRequestError);
    expect(() => assertWellFormedStrings({ a: ['🙂', 'ＡＢＣ', '\u0001', 1, null, true] })).not.toThrow();
  });

  it('answers a JSON patch adding under a missing parent with BAD_REQUEST', () => {
    expect(() => applyPatch({ metadata: { name: 'x' } }, [{ op: 'add', path: '/metadata/labels/a', value: '1' }], 'JSON')).toThrow(BadRequestError);
  });

  it('refuses status timestamps that are not RFC 3339', () => {
    const causes = new CauseList();
    const item = { created: '🙂', dockerImageReference: 'quay.io/a/b@sha256:' + 'c'.repeat(64), image: 'sha256:' + 'c'.repeat(64), generation: 1 };
    validateStatusTags([{ tag: 'a', items: [item, { ...item, created: '2024-05-01T10:00:00Z' }], conditions: [{ type: 'ImportSuccess', status: 'False', lastTransitionTime: '-271821-04-20', generation: 1 }] }], causes);
    expect(causes.causes.map((c) => c.field)).toEqual(['status.tags[a].items[0].created', 'status.tags[a].conditions[0].lastTransitionTime']);
  });

  it('refuses status tags that are not tag names, and history images longer than 253 characters', () => {
    const causes = new CauseList();
    const item = { created: '2024-05-01T10:00:00Z', dockerImageReference: 'quay.io/a/b@sha256:' + 'c'.repeat(64), image: 'sha256:' + 'c'.repeat(64), generation: 1 };
    validateStatusTags([{ tag: 'x'.repeat(3000), items: [item] }, { tag: 'ok', items: [{ ...item, image: 'i'.repeat(254) }] }, { tag: 'v1.0_rc-1', items: [item] }], causes);
    expect(causes.causes.map((c) => c.field)).toEqual(['status.tags.tag', 'status.tags[ok].items[0].image']);
  });

  it('refuses an image name longer than 253 characters', () => {
    const causes = new CauseList();
    validateImage(prepareImage({ metadata: { name: 'x'.repeat(254) }, dockerImageReference: 'a/b@sha256:' + 'c'.repeat(64) }, '2024-01-01T00:00:00Z'), causes);
    expect(causes.causes.map((c) => c.field)).toEqual(['metadata.name']);
  });
});
