/**
 * Paths of keys that appear more than once in the same JSON object, in the
 * order found (`metadata.name`, `spec.tags[0].from`). JSON.parse keeps the
 * last duplicate silently; Kubernetes' strict decoding reports them, so the
 * raw text has to be scanned. Assumes `text` is valid JSON (parse it first).
 */
export function findDuplicateJsonKeys(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = str();
        if (seen.has(key)) found.push(join(path, key));
        seen.add(key);
        ws();
        i++; // colon
        value(join(path, key));
        ws();
        if (text[i++] === '}') return;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i++] === ']') return;
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !',}] \t\n\r'.includes(text[i])) i++;
    }
  };
  value('');
  return found;
}
