import { describe, expect, it } from 'vitest';
import { CauseList } from '../../src/platform/errors.js';
import { validateStreamName } from '../../src/modules/image-stream/names.rules.js';
import { namespaceProblem } from '../../src/platform/namespace.rules.js';

const streamNameCauses = (ns: string, name: string) => {
  const causes = new CauseList();
  validateStreamName(ns, name, causes);
  return causes.causes.map((c) => c.message);
};

describe('image stream names (reference §2.1)', () => {
  it.each(['ruby', 'a', 'my-app.v2_x', '0abc'])('accepts %s', (name) => {
    expect(streamNameCauses('ns', name)).toEqual([]);
  });

  it.each([
    ['Ruby', 'must match'],
    ['-lead', 'must match'],
    ['trail-', 'must match'],
    ['a..b', 'must match'],
    ['a/b', "may not contain '/'"],
    ['a%b', "may not contain '%'"],
    ['..', "may not be '..'"],
  ])('rejects %s (%s)', (name, fragment) => {
    expect(streamNameCauses('ns', name).join(' ')).toContain(fragment);
  });

  it('requires a name', () => {
    expect(streamNameCauses('ns', '')).toEqual(['Required value: name or generateName is required']);
  });

  it('limits namespace/name to 255 characters', () => {
    expect(streamNameCauses('ns', 'a'.repeat(252))).toEqual([]);
    expect(streamNameCauses('ns', 'a'.repeat(253)).join()).toContain("'namespace/name' cannot be longer than 255 characters");
  });
});

describe('namespaces (DNS-1123 labels)', () => {
  it.each(['default', 'team-a', 'a1'])('accepts %s', (ns) => expect(namespaceProblem(ns)).toBeUndefined());
  it.each(['Team', '-a', 'a-', 'a_b', 'a.b', 'a'.repeat(64)])('rejects %s', (ns) => expect(namespaceProblem(ns)).toBeDefined());
});
