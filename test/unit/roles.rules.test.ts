import { describe, expect, it } from 'vitest';
import { allows, namespacesAllowing, roleAllows, type Subject, type Verb } from '../../src/modules/auth/roles.rules.js';
import { parseDuration, tokenProblems } from '../../src/modules/auth/token.rules.js';

const WRITE_VERBS: Verb[] = ['create', 'update', 'patch', 'delete', 'deletecollection'];

describe('namespace roles (bootstrap policy)', () => {
  it('view reads streams, tags and stream images, and writes nothing', () => {
    for (const r of ['imagestreams', 'imagestreamtags', 'imagestreamimages']) {
      for (const v of ['get', 'list', 'watch'] as Verb[]) expect(roleAllows('view', v, r)).toBe(true);
    }
    for (const r of ['imagestreams', 'imagestreamtags', 'imagestreams/status']) for (const v of WRITE_VERBS) expect(roleAllows('view', v, r)).toBe(false);
    expect(roleAllows('view', 'create', 'imagestreamimports')).toBe(false);
    expect(roleAllows('view', 'create', 'imagestreammappings')).toBe(false);
  });

  it('view sees no secrets', () => {
    expect(roleAllows('view', 'get', 'imagestreams/secrets')).toBe(false);
    expect(roleAllows('view', 'get', 'pullsecrets')).toBe(false);
    expect(roleAllows('view', 'list', 'pullsecrets')).toBe(false);
  });

  it('edit reads and writes streams, tags, imports, mappings and pull secrets', () => {
    for (const v of WRITE_VERBS) {
      expect(roleAllows('edit', v, 'imagestreams')).toBe(true);
      expect(roleAllows('edit', v, 'imagestreamtags')).toBe(true);
      expect(roleAllows('edit', v, 'pullsecrets')).toBe(true);
    }
    expect(roleAllows('edit', 'update', 'imagestreams/status')).toBe(true);
    expect(roleAllows('edit', 'create', 'imagestreamimports')).toBe(true);
    expect(roleAllows('edit', 'create', 'imagestreammappings')).toBe(true);
    expect(roleAllows('edit', 'get', 'imagestreams/secrets')).toBe(true);
    expect(roleAllows('edit', 'create', 'rolebindings')).toBe(false);
  });

  it('admin is edit plus role bindings', () => {
    expect(roleAllows('admin', 'create', 'imagestreams')).toBe(true);
    expect(roleAllows('admin', 'create', 'rolebindings')).toBe(true);
    expect(roleAllows('admin', 'delete', 'rolebindings')).toBe(true);
  });

  it('no namespace role reaches cluster-scoped images, signatures or tokens', () => {
    for (const role of ['view', 'edit', 'admin'] as const) {
      for (const r of ['images', 'imagesignatures', 'tokens']) for (const v of ['get', 'list', 'create', 'delete'] as Verb[]) expect(roleAllows(role, v, r)).toBe(false);
    }
  });

  it('an unknown resource is denied (fails closed)', () => {
    expect(roleAllows('admin', 'get', 'somethingnew')).toBe(false);
  });
});

describe('decisions', () => {
  const alice: Subject = { user: 'alice', groups: ['dev'], grants: [{ namespace: 'a', role: 'view' }, { namespace: 'b', role: 'edit' }] };
  const root: Subject = { user: 'root', groups: ['system:masters'] };

  it('a grant applies in its namespace only', () => {
    expect(allows(alice, { verb: 'get', resource: 'imagestreams', namespace: 'a' })).toBe(true);
    expect(allows(alice, { verb: 'create', resource: 'imagestreams', namespace: 'a' })).toBe(false);
    expect(allows(alice, { verb: 'create', resource: 'imagestreams', namespace: 'b' })).toBe(true);
    expect(allows(alice, { verb: 'get', resource: 'imagestreams', namespace: 'c' })).toBe(false);
  });

  it('cluster-scoped requests are for cluster-admins only', () => {
    expect(allows(alice, { verb: 'get', resource: 'images' })).toBe(false);
    expect(allows(root, { verb: 'delete', resource: 'images' })).toBe(true);
    expect(allows(root, { verb: 'get', resource: 'anything', namespace: 'z' })).toBe(true);
  });

  it('an identity without grants may do nothing', () => {
    expect(allows({ user: 'nobody', groups: [] }, { verb: 'get', resource: 'imagestreams', namespace: 'a' })).toBe(false);
  });

  it('list scope is the namespaces where listing is allowed, or all for cluster-admin', () => {
    expect(namespacesAllowing(alice, 'list', 'imagestreams')).toEqual(['a', 'b']);
    expect(namespacesAllowing(alice, 'list', 'pullsecrets')).toEqual(['b']);
    expect(namespacesAllowing(root, 'list', 'imagestreams')).toBe('all');
    expect(namespacesAllowing({ user: 'n', groups: [] }, 'list', 'imagestreams')).toEqual([]);
  });
});

describe('token rules', () => {
  it.each([
    ['3600', 3600],
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['1h30m', 5400],
    ['7d', 604800],
    ['2w', 1209600],
  ])('parses the duration %s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', 'h', '1x', '-5', '1.5h', '1 h'])('rejects the duration %j', (text) => expect(parseDuration(text)).toBeUndefined());

  it('validates user, groups and lifetime', () => {
    expect(tokenProblems('alice', ['dev'], 60)).toEqual([]);
    expect(tokenProblems('alice', [], null)).toEqual([]);
    expect(tokenProblems('', [], null).map((p) => p[0])).toEqual(['user']);
    expect(tokenProblems('a b', ['ok', ' '], 0).map((p) => p[0])).toEqual(['user', 'groups[1]', 'expiresIn']);
    expect(tokenProblems('alice', [], 10 * 365 * 24 * 3600 + 1).map((p) => p[0])).toEqual(['expiresIn']);
  });
});
