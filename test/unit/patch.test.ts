import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/platform/errors.js';
import { applyPatch } from '../../src/modules/image-stream/patch.rules.js';
import { decodeImageStreamJson, decodeImageStreamJsonStrict } from '../../src/modules/image-stream/wire.rules.js';

const doc = { metadata: { name: 'x', labels: { a: '1' } }, spec: { tags: [{ name: 'a', reference: true }, { name: 'b' }] } };

describe('patches', () => {
  it('merge patch: null deletes, objects merge, lists replace', () => {
    expect(applyPatch(doc, { metadata: { labels: { a: null, b: '2' } }, spec: { tags: [{ name: 'c' }] } }, 'MERGE')).toEqual({
      metadata: { name: 'x', labels: { b: '2' } },
      spec: { tags: [{ name: 'c' }] },
    });
  });

  it('strategic merge patch merges spec.tags by name and honours $patch: delete', () => {
    const out = applyPatch(doc, { spec: { tags: [{ name: 'a', reference: false }, { name: 'b', $patch: 'delete' }, { name: 'c' }] } }, 'STRATEGIC') as typeof doc;
    expect(out.spec.tags).toEqual([{ name: 'a', reference: false }, { name: 'c' }]);
  });

  it('JSON patch applies operations and rejects failing tests', () => {
    expect(applyPatch(doc, [{ op: 'replace', path: '/metadata/name', value: 'y' }], 'JSON')).toMatchObject({ metadata: { name: 'y' } });
    expect(() => applyPatch(doc, [{ op: 'test', path: '/metadata/name', value: 'nope' }], 'JSON')).toThrow(BadRequestError);
  });

  it('never changes the document it was given', () => {
    const copy = structuredClone(doc);
    applyPatch(doc, { metadata: { name: 'z' } }, 'MERGE');
    applyPatch(doc, [{ op: 'remove', path: '/spec/tags/0' }], 'JSON');
    expect(doc).toEqual(copy);
  });
});

describe('decoding ImageStream JSON', () => {
  it('reports unknown fields by path and keeps the known ones', () => {
    const { value, unknownFields } = decodeImageStreamJson({ metadata: { name: 'a', colour: 'red' }, spec: { tags: [{ name: 't', extra: 1 }] } });
    expect(unknownFields.sort()).toEqual(['metadata.colour', 'spec.tags[0].extra']);
    expect(value.metadata?.name).toBe('a');
  });

  it('rejects wrong types with BAD_REQUEST', () => {
    expect(() => decodeImageStreamJson({ spec: { tags: 'x' } })).toThrow(BadRequestError);
    expect(() => decodeImageStreamJson({ metadata: { labels: { a: 1 } } })).toThrow(BadRequestError);
  });

  it('strict decoding refuses unknown fields', () => {
    expect(() => decodeImageStreamJsonStrict({ spec: { colour: 'red' } })).toThrow(/unknown field "spec.colour"/);
  });
});
