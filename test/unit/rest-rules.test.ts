import { describe, expect, it } from 'vitest';
import { checkContinueTokenFresh, decodeContinueToken, encodeContinueToken, parseResourceVersion } from '../../src/modules/image-stream/continue-token.rules.js';
import { findDuplicateJsonKeys } from '../../src/platform/http/duplicate-keys.js';
import { loadConfig } from '../../src/platform/config.js';
import { negotiate, patchTypeOf } from '../../src/rest/media.js';
import { humanDuration, tagsColumn, updatedColumn } from '../../src/rest/tables.js';

describe('findDuplicateJsonKeys', () => {
  it('finds repeated keys at any depth, with their paths', () => {
    expect(findDuplicateJsonKeys('{"a":1,"b":{"c":[{"d":1,"d":2}],"c":3},"a":{"x":"y"}}')).toEqual(['b.c[0].d', 'b.c', 'a']);
  });
  it('is not fooled by keys inside strings, escapes or empty containers', () => {
    expect(findDuplicateJsonKeys('{"s":"\\"s\\":1","t":{},"u":[],"v":[1, 2 ,"x"],"w":null,"x":true}')).toEqual([]);
    expect(findDuplicateJsonKeys(' { "a\\u0062" : 1 , "ab" : 2 } ')).toEqual(['ab']);
    expect(findDuplicateJsonKeys('[{"k":1},{"k":2}]')).toEqual([]);
  });
});

describe('continue tokens', () => {
  it('round-trip and reject anything else with 400', () => {
    const t = { resourceVersion: '42', namespace: 'ns', name: 'a' };
    expect(decodeContinueToken(encodeContinueToken(t))).toEqual(t);
    for (const bad of ['', 'garbage', Buffer.from('{"v":2,"rv":"1","start":["a","b"]}').toString('base64url'), Buffer.from('{"v":1,"rv":"x","start":["a","b"]}').toString('base64url')]) {
      expect(() => decodeContinueToken(bad)).toThrow(expect.objectContaining({ httpStatus: 400 }));
    }
  });
  it('expire once the change log no longer holds the change right after them', () => {
    const t = { resourceVersion: '10', namespace: 'ns', name: 'a' };
    expect(() => checkContinueTokenFresh(t, undefined)).not.toThrow();
    expect(() => checkContinueTokenFresh(t, 11)).not.toThrow();
    expect(() => checkContinueTokenFresh(t, 12)).toThrow(expect.objectContaining({ httpStatus: 410, reason: 'Expired' }));
  });
  it('parse resourceVersion parameters', () => {
    expect(parseResourceVersion(undefined)).toBeUndefined();
    expect(parseResourceVersion('')).toBeUndefined();
    expect(parseResourceVersion('0')).toBe(0);
    expect(parseResourceVersion('17')).toBe(17);
    expect(() => parseResourceVersion('-1')).toThrow(expect.objectContaining({ httpStatus: 400 }));
  });
});

describe('media negotiation', () => {
  it('takes the first entry it can serve', () => {
    expect(negotiate(undefined)).toEqual({ format: 'json', table: false });
    expect(negotiate('application/json;as=Table;v=v1;g=meta.k8s.io,application/json')).toEqual({ format: 'json', table: true });
    expect(negotiate('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/yaml')).toEqual({ format: 'yaml', table: false });
    expect(negotiate('application/vnd.kubernetes.protobuf, */*')).toEqual({ format: 'json', table: false });
    expect(() => negotiate('application/vnd.kubernetes.protobuf')).toThrow(expect.objectContaining({ httpStatus: 406 }));
  });
  it('maps patch content types and refuses the rest with 415', () => {
    expect(patchTypeOf('application/merge-patch+json')).toBe('MERGE');
    expect(patchTypeOf('application/json-patch+json; charset=utf-8')).toBe('JSON');
    expect(patchTypeOf('application/strategic-merge-patch+json')).toBe('STRATEGIC');
    expect(() => patchTypeOf('application/json')).toThrow(expect.objectContaining({ httpStatus: 415 }));
    expect(() => patchTypeOf(undefined)).toThrow(expect.objectContaining({ httpStatus: 415 }));
  });
});

describe('table columns', () => {
  it('words durations as the printer does', () => {
    expect(humanDuration(400)).toBe('Less than a second');
    expect(humanDuration(30_000)).toBe('30 seconds');
    expect(humanDuration(90_000)).toBe('About a minute');
    expect(humanDuration(3_600_000)).toBe('About an hour');
    expect(humanDuration(5 * 3_600_000)).toBe('5 hours');
    expect(humanDuration(3 * 86_400_000)).toBe('3 days');
    expect(humanDuration(20 * 86_400_000)).toBe('2 weeks');
  });
  it('lists tags newest first, cut at 40 characters', () => {
    const ev = (tag: string, created: string) => ({ tag, items: [{ created, dockerImageReference: 'x', image: 'y', generation: 1 }] });
    expect(tagsColumn([ev('old', '2024-01-01T00:00:00Z'), ev('new', '2024-06-01T00:00:00Z'), { tag: 'empty', items: null }])).toBe('new,old,empty');
    const many = Array.from({ length: 10 }, (_, i) => ev(`tag-number-${i}`, `2024-01-${String(i + 1).padStart(2, "0")}T00:00:00Z`));
    expect(tagsColumn(many)).toBe('tag-number-9,tag-number-8,tag-number-7 + 7 more...');
    expect(updatedColumn([ev('a', '2024-01-01T00:00:00Z')], Date.parse('2024-01-01T00:10:00Z'))).toBe('10 minutes ago');
    expect(updatedColumn(undefined)).toBe('');
  });
});

describe('TLS configuration', () => {
  it('needs certificate and key together', () => {
    expect(() => loadConfig({ IMAGESTREAMS_TLS_CERT: '/c.pem' })).toThrow(/IMAGESTREAMS_TLS_KEY: IMAGESTREAMS_TLS_CERT and IMAGESTREAMS_TLS_KEY must be set together/);
    expect(loadConfig({ IMAGESTREAMS_TLS_CERT: '/c.pem', IMAGESTREAMS_TLS_KEY: '/k.pem' })).toMatchObject({ IMAGESTREAMS_TLS_CERT: '/c.pem' });
  });
});
