import { describe, expect, it } from 'vitest';
import { parseRegistryReference, ReferenceParseError, splitHostPort } from '../../src/registry/reference.js';

describe('normalising pull specs for registry access (reference §2.2)', () => {
  it.each([
    ['busybox', { registry: 'docker.io', endpoint: 'registry-1.docker.io', repository: 'library/busybox', tag: 'latest', digest: '' }],
    ['busybox:1.36', { registry: 'docker.io', repository: 'library/busybox', tag: '1.36' }],
    ['library/busybox', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' }],
    ['openshift/origin-cli:v4', { registry: 'docker.io', endpoint: 'registry-1.docker.io', repository: 'openshift/origin-cli', tag: 'v4' }],
    ['docker.io/busybox', { registry: 'docker.io', repository: 'library/busybox' }],
    ['index.docker.io/busybox', { registry: 'docker.io', endpoint: 'registry-1.docker.io', repository: 'library/busybox' }],
    ['registry-1.docker.io/a/b/c:t', { registry: 'docker.io', repository: 'a/b/c', tag: 't' }],
    ['quay.io/busybox', { registry: 'quay.io', endpoint: 'quay.io', repository: 'busybox', tag: 'latest' }],
    ['Quay.IO/ns/app:1', { registry: 'quay.io', endpoint: 'quay.io', repository: 'ns/app' }],
    ['localhost:5000/app', { registry: 'localhost:5000', endpoint: 'localhost:5000', repository: 'app', tag: 'latest' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['127.0.0.1:5000/team/app:v1', { registry: '127.0.0.1:5000', repository: 'team/app', tag: 'v1' }],
  ])('%s', (spec, expected) => {
    expect(parseRegistryReference(spec)).toMatchObject(expected);
  });

  it('keeps the tag empty for digest-only specs and keeps both when both are given', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseRegistryReference(`busybox@${digest}`)).toMatchObject({ tag: '', digest });
    expect(parseRegistryReference(`busybox:1@${digest}`)).toMatchObject({ tag: '1', digest });
  });

  it('rejects what the grammar rejects', () => {
    expect(() => parseRegistryReference('Busybox')).toThrow(ReferenceParseError);
    expect(() => parseRegistryReference(`busybox@sha256:${'a'.repeat(63)}`)).toThrow('invalid checksum digest length');
  });

  it('splits host and port', () => {
    expect(splitHostPort('quay.io')).toEqual({ host: 'quay.io', port: undefined });
    expect(splitHostPort('127.0.0.1:5000')).toEqual({ host: '127.0.0.1', port: 5000 });
    expect(splitHostPort('[::1]:5000')).toEqual({ host: '[::1]', port: 5000 });
  });
});
