import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';
import { SecretCipher } from '../../src/modules/pull-secret/secret-cipher.js';

describe('import settings', () => {
  it('parses durations and defaults', () => {
    const c = loadConfig({});
    expect(c.IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL).toBe(900_000);
    expect(c.IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY).toBe(50);
    expect(c.IMAGESTREAMS_BACKGROUND_IMPORTS).toBe(true);
    expect(loadConfig({ IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: '1s' }).IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL).toBe(1_000);
    expect(loadConfig({ IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: '500ms' }).IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL).toBe(500);
    expect(loadConfig({ IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: '2h' }).IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL).toBe(7_200_000);
    expect(loadConfig({ IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY: '0' }).IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY).toBe(50);
    expect(loadConfig({ IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY: '-1' }).IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY).toBe(-1);
  });

  it('reads the registry client bounds and the import lease', () => {
    const c = loadConfig({});
    expect([c.IMAGESTREAMS_REGISTRY_REQUEST_TIMEOUT, c.IMAGESTREAMS_REGISTRY_RESPONSE_TIMEOUT, c.IMAGESTREAMS_REGISTRY_RETRIES, c.IMAGESTREAMS_REGISTRY_RETRY_DELAY, c.IMAGESTREAMS_IMPORT_LEASE]).toEqual([60_000, 30_000, 2, 1_000, 300_000]);
    const t = loadConfig({ IMAGESTREAMS_REGISTRY_REQUEST_TIMEOUT: '3s', IMAGESTREAMS_REGISTRY_RESPONSE_TIMEOUT: '500ms', IMAGESTREAMS_REGISTRY_RETRIES: '0', IMAGESTREAMS_REGISTRY_RETRY_DELAY: '50ms', IMAGESTREAMS_IMPORT_LEASE: '2s' });
    expect([t.IMAGESTREAMS_REGISTRY_REQUEST_TIMEOUT, t.IMAGESTREAMS_REGISTRY_RESPONSE_TIMEOUT, t.IMAGESTREAMS_REGISTRY_RETRIES, t.IMAGESTREAMS_REGISTRY_RETRY_DELAY, t.IMAGESTREAMS_IMPORT_LEASE]).toEqual([3_000, 500, 0, 50, 2_000]);
    expect(() => loadConfig({ IMAGESTREAMS_REGISTRY_RETRIES: '-1', IMAGESTREAMS_IMPORT_LEASE: '100ms', IMAGESTREAMS_REGISTRY_REQUEST_TIMEOUT: 'soon' })).toThrow(ConfigError);
  });

  it('reports bad values together, never echoing the secret key', () => {
    const bad = randomBytes(31).toString('base64');
    try {
      loadConfig({ IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL: 'soon', IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY: '-2', IMAGESTREAMS_SECRET_KEY: bad });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['IMAGESTREAMS_MAX_IMAGES_BULK_IMPORTED_PER_REPOSITORY', 'IMAGESTREAMS_SCHEDULED_IMPORT_INTERVAL', 'IMAGESTREAMS_SECRET_KEY']);
      expect(problems.join('\n')).not.toContain(bad);
    }
    expect(loadConfig({ IMAGESTREAMS_SECRET_KEY: randomBytes(32).toString('base64') }).IMAGESTREAMS_SECRET_KEY).toBeDefined();
  });
});

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = new SecretCipher(randomBytes(32));
  it('round-trips, with a fresh IV each time', () => {
    const a = cipher.seal('{"auths":{}}', 'ns/a/uid');
    expect(a).not.toBe(cipher.seal('{"auths":{}}', 'ns/a/uid'));
    expect(cipher.open(a, 'ns/a/uid')).toBe('{"auths":{}}');
  });
  it('refuses tampered data, another identity, or another key', () => {
    const sealed = cipher.seal('secret', 'ns/a/uid');
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.open(raw.toString('base64'), 'ns/a/uid')).toThrow();
    expect(() => cipher.open(sealed, 'ns/b/uid')).toThrow();
    const other = new SecretCipher(randomBytes(32));
    expect(other.keyId).not.toBe(cipher.keyId);
    expect(() => other.open(sealed, 'ns/a/uid')).toThrow();
  });
});
