import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StaticFiles, wantsHtml } from '../../src/platform/http/static-files.js';
import type { IncomingMessage } from 'node:http';

const root = mkdtempSync(join(tmpdir(), 'ui-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'assets', 'app.js'), '');
const files = new StaticFiles(root);

describe('StaticFiles.resolveInside', () => {
  it('resolves files inside the root', () => {
    expect(files.resolveInside('assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(files.resolveInside('assets/a%20b.js')).toBe(join(root, 'assets', 'a b.js'));
  });

  it.each([
    ['../secret'],
    ['assets/../../secret'],
    ['%2e%2e/secret'],
    ['assets/..%2f..%2fsecret'],
    ['..%5csecret'],
    ['assets/%2e%2e/%2e%2e/secret'],
    ['.env'],
    ['assets/.hidden'],
    ['a%00b'],
    ['%E0%A4%A'],
    [''],
  ])('refuses %j', (path) => {
    expect(files.resolveInside(path)).toBeUndefined();
  });
});

describe('wantsHtml', () => {
  const req = (method: string, accept?: string) => ({ method, headers: accept ? { accept } : {} }) as IncomingMessage;
  it('is true only for a browser navigation without a query', () => {
    expect(wantsHtml(req('GET', 'text/html,application/xhtml+xml,*/*;q=0.8'), new URL('http://h/graphql'))).toBe(true);
    expect(wantsHtml(req('GET', 'application/json'), new URL('http://h/graphql'))).toBe(false);
    expect(wantsHtml(req('GET'), new URL('http://h/graphql'))).toBe(false);
    expect(wantsHtml(req('POST', 'text/html'), new URL('http://h/graphql'))).toBe(false);
    expect(wantsHtml(req('GET', 'text/html'), new URL('http://h/graphql?query=%7Ba%7D'))).toBe(false);
  });
});
