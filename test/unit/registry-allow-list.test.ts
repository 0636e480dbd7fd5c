import { describe, expect, it } from 'vitest';
import { allowListEntryProblem, describeRefusal, isAllowedByList, parseAllowList } from '../../src/registry/allow-list.js';
import { FetchGuard } from '../../src/registry/fetch-guard.js';
import { RegistryForbiddenError } from '../../src/registry/errors.js';

describe('registry allow-list (reference §5.10)', () => {
  it('allows everything when empty', () => {
    expect(isAllowedByList([], 'anything.example:1234', false)).toBe(true);
  });

  it('defaults the port to 443, or 80 for insecure imports', () => {
    const list = parseAllowList('quay.io');
    expect(isAllowedByList(list, 'quay.io', false)).toBe(true);
    expect(isAllowedByList(list, 'quay.io:443', false)).toBe(true);
    expect(isAllowedByList(list, 'quay.io', true)).toBe(true);
    expect(isAllowedByList(list, 'quay.io:5000', false)).toBe(false);
    expect(isAllowedByList(list, 'evil-quay.io', false)).toBe(false);
  });

  it('matches * and ? in host and port', () => {
    const list = parseAllowList('*.example.com, registry-?.corp:*, 10.0.0.1:50?0');
    expect(isAllowedByList(list, 'a.b.example.com', false)).toBe(true);
    expect(isAllowedByList(list, 'example.com', false)).toBe(false);
    expect(isAllowedByList(list, 'registry-1.corp:5000', false)).toBe(true);
    expect(isAllowedByList(list, 'registry-12.corp:5000', false)).toBe(false);
    expect(isAllowedByList(list, '10.0.0.1:5000', false)).toBe(true);
    expect(isAllowedByList(list, '10.0.0.1:5100', false)).toBe(false);
    expect(isAllowedByList(list, 'A.EXAMPLE.COM', false)).toBe(true);
  });

  it('treats the Docker Hub names as one registry', () => {
    const list = parseAllowList('docker.io');
    expect(isAllowedByList(list, 'registry-1.docker.io', false)).toBe(true);
    expect(isAllowedByList(list, 'index.docker.io', false)).toBe(true);
    expect(isAllowedByList(parseAllowList('index.docker.io'), 'docker.io', false)).toBe(true);
  });

  it('words refusals as the reference does', () => {
    expect(describeRefusal(parseAllowList('a,b:5000'), 'c:1')).toBe('registry "c" not allowed by whitelist: "a:443", "b:5000"');
    expect(describeRefusal(parseAllowList('a,b,c,d,e,f'), 'x')).toBe('registry "x" not allowed by whitelist: "a:443", "b:443", "c:443", "d:443", and 2 more ...');
    expect(describeRefusal([], 'x')).toBe('registry "x" not allowed by empty whitelist');
  });

  it('validates entries', () => {
    expect(allowListEntryProblem('quay.io:443')).toBeUndefined();
    expect(allowListEntryProblem('*.corp')).toBeUndefined();
    expect(allowListEntryProblem('http://quay.io')).toBeDefined();
    expect(allowListEntryProblem('quay.io/ns')).toBeDefined();
  });
});

describe('FetchGuard name checks', () => {
  const guard = new FetchGuard({ allowedRegistries: parseAllowList('quay.io,127.0.0.1:5000'), allowPrivate: false });

  it('refuses unlisted registries and IP literals of refused classes before any lookup', () => {
    expect(() => guard.checkRegistry('docker.io', false)).toThrow(RegistryForbiddenError);
    expect(() => guard.checkRegistry('quay.io', false)).not.toThrow();
    expect(() => guard.checkRegistry('127.0.0.1:5000', false)).toThrow(/private registries are not allowed/);
    expect(() => new FetchGuard().checkRegistry('169.254.169.254', false)).toThrow(/link-local/);
  });

  it('checks follow-up URLs for scheme, credentials and list', () => {
    expect(() => guard.checkFollowUp(new URL('https://quay.io/token'), 'token realm', false)).not.toThrow();
    expect(() => guard.checkFollowUp(new URL('http://quay.io/token'), 'token realm', false)).toThrow(/scheme/);
    expect(() => guard.checkFollowUp(new URL('http://quay.io/token'), 'token realm', true)).not.toThrow();
    expect(() => guard.checkFollowUp(new URL('file:///etc/passwd'), 'redirect to', true)).toThrow(/scheme/);
    expect(() => guard.checkFollowUp(new URL('https://u:p@quay.io/'), 'redirect to', false)).toThrow(/credentials/);
    expect(() => guard.checkFollowUp(new URL('https://cdn.example/'), 'redirect to', false)).toThrow(/not allowed by whitelist/);
    // literal spellings of the metadata address all normalise to something refused
    const open = new FetchGuard({ allowPrivate: true });
    for (const url of ['http://[::ffff:169.254.169.254]/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[fe80::1]/', 'http://0.0.0.0/']) {
      expect(() => open.checkFollowUp(new URL(url), 'redirect to', true), url).toThrow(RegistryForbiddenError);
    }
  });

  it('resolves names and refuses when any address is refused', async () => {
    const g = new FetchGuard({
      allowPrivate: true,
      resolve: async (name) => (name === 'ok.test' ? [{ address: '10.0.0.1', family: 4 }] : [{ address: '10.0.0.1', family: 4 }, { address: 'fe80::1', family: 6 }]),
    });
    await expect(g.resolve('ok.test')).resolves.toEqual([{ address: '10.0.0.1', family: 4 }]);
    await expect(g.resolve('mixed.test')).rejects.toBeInstanceOf(RegistryForbiddenError);
    await expect(g.resolve('[fe80::1]')).rejects.toBeInstanceOf(RegistryForbiddenError);
  });
});
