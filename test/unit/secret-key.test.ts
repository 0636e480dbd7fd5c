import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { loadSecretKey, SECRET_KEY_FILE } from '../../src/platform/secret-key.js';

const log = createLogger('silent');

describe('loadSecretKey', () => {
  it('generates the key once into the data directory, mode 0600, and reads it back', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'imagestreams-key-')), 'data');
    const first = loadSecretKey({ IMAGESTREAMS_DATA_DIR: dir }, log);
    expect(first).toHaveLength(32);
    const file = join(dir, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    expect(loadSecretKey({ IMAGESTREAMS_DATA_DIR: dir }, log).equals(first)).toBe(true);
  });

  it('prefers IMAGESTREAMS_SECRET_KEY and keeps a memory:// key in memory', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadSecretKey({ IMAGESTREAMS_SECRET_KEY: key.toString('base64'), IMAGESTREAMS_DATA_DIR: 'memory://' }, log).equals(key)).toBe(true);
    const a = loadSecretKey({ IMAGESTREAMS_DATA_DIR: 'memory://' }, log);
    expect(a).toHaveLength(32);
    expect(a.equals(loadSecretKey({ IMAGESTREAMS_DATA_DIR: 'memory://' }, log))).toBe(false);
  });
});
