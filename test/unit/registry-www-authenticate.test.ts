import { describe, expect, it } from 'vitest';
import { findChallenge, parseWwwAuthenticate } from '../../src/registry/www-authenticate.js';

describe('WWW-Authenticate parsing', () => {
  it('reads a Docker Hub style Bearer challenge', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
  });

  it('reads Basic, unquoted values, escapes, spacing and several challenges', () => {
    const challenges = parseWwwAuthenticate('Basic realm="Registry \\"Realm\\"" , Bearer realm=https://x/token, error=invalid_token');
    expect(challenges).toEqual([
      { scheme: 'basic', params: { realm: 'Registry "Realm"' } },
      { scheme: 'bearer', params: { realm: 'https://x/token', error: 'invalid_token' } },
    ]);
    expect(findChallenge(challenges, 'bearer')?.params.realm).toBe('https://x/token');
  });

  it('keeps commas inside quoted values and lowercases names', () => {
    expect(parseWwwAuthenticate('BEARER Realm="r",Scope="repository:a:pull,push"')[0]).toEqual({ scheme: 'bearer', params: { realm: 'r', scope: 'repository:a:pull,push' } });
  });

  it('accepts header arrays and nothing', () => {
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate(['Basic realm="a"', 'Bearer realm="b"']).map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});
