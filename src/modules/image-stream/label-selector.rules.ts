/**
 * Kubernetes label selectors in full (`=`, `==`, `!=`, `in`, `notin`,
 * `key`, `!key`), parsed once into requirements that can be matched in
 * memory (watch) or translated to SQL (lists).
 */

export type LabelOperator = 'exists' | 'notexists' | 'in' | 'notin';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export class SelectorError extends Error {}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    throw new SelectorError(`invalid label key "${key}": prefix part must be a DNS subdomain`);
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    throw new SelectorError(`invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
}

function checkValue(value: string): void {
  if (value === '') return;
  if (value.length > 63 || !NAME.test(value)) {
    throw new SelectorError(`invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
  }
}

type Token = { kind: 'word' | 'op' | '(' | ')' | ','; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, text: c });
      i++;
    } else if (c === '!' || c === '=') {
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c });
        i++;
      }
    } else {
      let j = i;
      while (j < input.length && !' \t(),!='.includes(input[j])) j++;
      tokens.push({ kind: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

export function parseLabelSelector(input: string | null | undefined): LabelRequirement[] {
  if (input == null || input.trim() === '') return [];
  const tokens = tokenize(input);
  const requirements: LabelRequirement[] = [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const fail = (what: string): never => {
    throw new SelectorError(`unable to parse requirement: ${what} in label selector "${input}"`);
  };

  for (;;) {
    let tok = next();
    if (!tok) fail('found end of input, expected a key');
    if (tok.kind === 'op' && tok.text === '!') {
      const key = next();
      if (!key || key.kind !== 'word') fail('expected a key after "!"');
      checkKey(key.text);
      requirements.push({ key: key.text, operator: 'notexists', values: [] });
    } else if (tok.kind === 'word') {
      const key = tok.text;
      checkKey(key);
      const op = peek();
      if (!op || op.kind === ',') {
        requirements.push({ key, operator: 'exists', values: [] });
      } else if (op.kind === 'op') {
        next();
        const valueTok = peek();
        let value = '';
        if (valueTok && valueTok.kind === 'word') {
          value = valueTok.text;
          next();
        }
        checkValue(value);
        requirements.push({ key, operator: op.text === '!=' ? 'notin' : 'in', values: [value] });
      } else if (op.kind === 'word' && (op.text === 'in' || op.text === 'notin')) {
        next();
        if (next()?.kind !== '(') fail(`expected "(" after "${op.text}"`);
        const values: string[] = [];
        for (;;) {
          tok = next();
          if (!tok) fail('found end of input, expected ")"');
          if (tok.kind === ')') break;
          if (tok.kind === ',') continue;
          if (tok.kind !== 'word') fail(`unexpected "${tok.text}" in value list`);
          checkValue(tok.text);
          values.push(tok.text);
        }
        if (values.length === 0) fail(`"${op.text}" needs at least one value`);
        requirements.push({ key, operator: op.text, values });
      } else {
        fail(`found "${op.text}", expected one of "=", "==", "!=", "in", "notin", ","`);
      }
    } else {
      fail(`found "${tok.text}", expected a key`);
    }
    const sep = next();
    if (!sep) break;
    if (sep.kind !== ',') fail(`found "${sep.text}", expected ","`);
  }
  return requirements;
}

/** Kubernetes semantics: `!=` and `notin` also match objects that lack the key. */
export function matchesLabels(requirements: LabelRequirement[], labels: Record<string, string> | null | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
    }
  });
}
