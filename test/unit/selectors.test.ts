import { describe, expect, it } from 'vitest';
import { parseFieldSelector, matchesFields } from '../../src/modules/image-stream/field-selector.rules.js';
import { SelectorError, matchesLabels, parseLabelSelector } from '../../src/modules/image-stream/label-selector.rules.js';

describe('label selectors', () => {
  it('parses every operator of the Kubernetes syntax', () => {
    expect(parseLabelSelector('a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g')).toEqual([
      { key: 'a', operator: 'in', values: ['1'] },
      { key: 'b', operator: 'in', values: ['2'] },
      { key: 'c', operator: 'notin', values: ['3'] },
      { key: 'd', operator: 'in', values: ['x', 'y'] },
      { key: 'e', operator: 'notin', values: ['z'] },
      { key: 'f', operator: 'exists', values: [] },
      { key: 'g', operator: 'notexists', values: [] },
    ]);
  });

  it('accepts prefixed keys and empty values', () => {
    expect(parseLabelSelector('app.kubernetes.io/name=web,x=')).toEqual([
      { key: 'app.kubernetes.io/name', operator: 'in', values: ['web'] },
      { key: 'x', operator: 'in', values: [''] },
    ]);
  });

  it('treats empty input as matching everything', () => {
    expect(parseLabelSelector('')).toEqual([]);
    expect(parseLabelSelector(undefined)).toEqual([]);
    expect(matchesLabels([], undefined)).toBe(true);
  });

  it.each(['a in (', 'a in ()', 'a=b=c', '=b', 'a,,b', 'a b', 'bad key!=x', 'a=not valid', `k=${'v'.repeat(64)}`, 'a in (x', '!'])('rejects %j', (input) => {
    expect(() => parseLabelSelector(input)).toThrow(SelectorError);
  });

  it('matches as Kubernetes does: != and notin also match objects without the key', () => {
    const labels = { env: 'prod' };
    const m = (s: string, l: Record<string, string> | undefined = labels) => matchesLabels(parseLabelSelector(s), l);
    expect(m('env=prod')).toBe(true);
    expect(m('env!=prod')).toBe(false);
    expect(m('env!=dev')).toBe(true);
    expect(m('tier!=web')).toBe(true);
    expect(m('tier notin (web)')).toBe(true);
    expect(m('tier in (web)')).toBe(false);
    expect(m('env')).toBe(true);
    expect(m('!env')).toBe(false);
    expect(m('env,tier')).toBe(false);
    expect(matchesLabels(parseLabelSelector('env'), undefined)).toBe(false);
  });
});

describe('field selectors', () => {
  it('parses =, == and != on metadata.name and metadata.namespace', () => {
    expect(parseFieldSelector('metadata.name=a,metadata.namespace!=b')).toEqual([
      { field: 'metadata.name', equals: true, value: 'a' },
      { field: 'metadata.namespace', equals: false, value: 'b' },
    ]);
    expect(matchesFields(parseFieldSelector('metadata.name==a'), { name: 'a', namespace: 'x' })).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.namespace!=x'), { name: 'a', namespace: 'x' })).toBe(false);
  });

  it.each(['spec.tags=a', 'metadata.name', 'name=a'])('rejects %j', (input) => {
    expect(() => parseFieldSelector(input)).toThrow(SelectorError);
  });
});
