import { describe, expect, it } from 'vitest';
import { prepareImage, validateImage } from '../../src/modules/image/image.rules.js';
import { applyPatch } from '../../src/modules/image-stream/patch.rules.js';
import { BadRequestError, CauseList } from '../../src/platform/errors.js';
import { assertWellFormedStrings } from '../../src/platform/http/well-formed.js';

/** Inputs the reliability fuzzer (test/reliability/fuzz.test.ts) found answered with INTERNAL. */
describe('input hardening', () => {
  it('refuses strings with an unpaired surrogate, in keys and values, at any depth', () => {
    expect(() => assertWellFormedStrings({ a: [{ b: 'x\ud800' }] })).toThrow(BadRequestError);
    expect(() => assertWellFormedStrings({ ['\udc00']: 'x' })).toThrow(BadRequestError);
    expect(() => assertWellFormedStrings({ a: ['🙂', 'ＡＢＣ', '\u0000', 1, null, true] })).not.toThrow();
  });

  it('answers a JSON patch adding under a missing parent with BAD_REQUEST', () => {
    expect(() => applyPatch({ metadata: { name: 'x' } }, [{ op: 'add', path: '/metadata/labels/a', value: '1' }], 'JSON')).toThrow(BadRequestError);
  });

  it('refuses an image name longer than 253 characters', () => {
    const causes = new CauseList();
    validateImage(prepareImage({ metadata: { name: 'x'.repeat(254) }, dockerImageReference: 'a/b@sha256:' + 'c'.repeat(64) }, '2024-01-01T00:00:00Z'), causes);
    expect(causes.causes.map((c) => c.field)).toEqual(['metadata.name']);
  });
});
