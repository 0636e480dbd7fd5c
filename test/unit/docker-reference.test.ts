import { describe, expect, it } from 'vitest';
import { parseDockerReference, ReferenceParseError } from '../../src/registry/reference.js';

const digest = 'sha256:' + 'a'.repeat(64);

describe('Docker pull specs (§2.2)', () => {
  it.each([
    ['busybox', { registry: '', namespace: '', name: 'busybox', tag: '', digest: '' }],
    ['library/busybox:1.36', { registry: '', namespace: 'library', name: 'busybox', tag: '1.36', digest: '' }],
    ['quay.io/org/app/sub:v1', { registry: 'quay.io', namespace: 'org', name: 'app/sub', tag: 'v1', digest: '' }],
    ['localhost:5000/app', { registry: 'localhost:5000', namespace: '', name: 'app', tag: '', digest: '' }],
    [`registry:5000/ns/app@${digest}`, { registry: 'registry:5000', namespace: 'ns', name: 'app', tag: '', digest }],
    ['foo/bar', { registry: '', namespace: 'foo', name: 'bar', tag: '', digest: '' }],
  ])('parses %s', (spec, expected) => {
    expect(parseDockerReference(spec)).toEqual(expected);
  });

  it.each([
    ['', 'repository name must have at least one component'],
    ['Busybox', 'repository name must be lowercase'],
    ['busy box', 'invalid reference format'],
    ['a:b:c', 'invalid reference format'],
    ['busybox@sha256:abc', 'invalid reference format'],
    [`busybox@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length'],
    [`busybox@sha256:${'a'.repeat(65)}`, 'invalid checksum digest length'],
    [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [`${'a'.repeat(256)}`, 'repository name must not be more than 255 characters'],
  ])('rejects %j with %s', (spec, message) => {
    expect(() => parseDockerReference(spec)).toThrow(new ReferenceParseError(message));
  });
});
