import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';

describe('registry settings', () => {
  it('defaults to every public registry and no private ones', () => {
    const c = loadConfig({});
    expect(c.IMAGESTREAMS_ALLOWED_REGISTRIES).toEqual([]);
    expect(c.IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES).toBe(false);
  });

  it('parses the allow-list and the private flag', () => {
    const c = loadConfig({ IMAGESTREAMS_ALLOWED_REGISTRIES: 'quay.io, *.corp:5000', IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'true' });
    expect(c.IMAGESTREAMS_ALLOWED_REGISTRIES).toEqual([{ host: 'quay.io' }, { host: '*.corp', port: '5000' }]);
    expect(c.IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES).toBe(true);
    expect(loadConfig({ IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'false' }).IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES).toBe(false);
  });

  it('reports bad values', () => {
    expect(() => loadConfig({ IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({ IMAGESTREAMS_ALLOWED_REGISTRIES: 'https://quay.io' })).toThrow(/not a host or host:port pattern/);
  });
});
