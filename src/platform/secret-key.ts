import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * The AES-256 key that seals pull secrets. `IMAGESTREAMS_SECRET_KEY` wins;
 * otherwise the key is kept in the data directory (`secret.key`, mode 0600,
 * created on first start), or held in memory for a `memory://` data
 * directory. With DATABASE_URL every replica must use the same key: the
 * service warns when it had to generate one, and secrets sealed with another
 * key are reported as such, never silently misread.
 */
export function loadSecretKey(config: Pick<Config, 'IMAGESTREAMS_SECRET_KEY' | 'IMAGESTREAMS_DATA_DIR' | 'DATABASE_URL'>, log: Logger): Buffer {
  if (config.IMAGESTREAMS_SECRET_KEY) return Buffer.from(config.IMAGESTREAMS_SECRET_KEY, 'base64');
  const dir = config.IMAGESTREAMS_DATA_DIR;
  if (dir.startsWith('memory://')) {
    log.warn('IMAGESTREAMS_SECRET_KEY is not set and the data directory is in memory: pull secrets are sealed with a key that ends with this process');
    return randomBytes(32);
  }
  const file = join(dir, SECRET_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fresh = randomBytes(32);
  try {
    // Exclusive create: two processes starting at once end up with one key.
    writeFileSync(file, `${fresh.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    if (config.DATABASE_URL) {
      log.warn({ file }, 'generated a pull-secret key in the data directory; set IMAGESTREAMS_SECRET_KEY to the same value on every replica');
    } else {
      log.info({ file }, 'generated the pull-secret key');
    }
    return fresh;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} must hold the base64 encoding of exactly 32 bytes`);
  return key;
}
