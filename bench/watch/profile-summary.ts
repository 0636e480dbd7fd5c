/**
 * Summarises V8 CPU profiles (`--cpu-prof`, e.g. from
 * `npm run bench:watch -- --subscribers 10000 --replicas 1 --cpu-prof /tmp/prof`):
 * the functions with the most self time and the most inclusive time, as
 * shares of all samples.
 *
 *   node --import tsx bench/watch/profile-summary.ts <file.cpuprofile> [self rows=25] [inclusive rows=40]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, selfRows = '25', inclusiveRows = '40'] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [self rows] [inclusive rows]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const time = new Map<number, number>();
profile.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;

let total = 0;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const n of profile.nodes) {
  const t = time.get(n.id) ?? 0;
  if (!t) continue;
  total += t;
  self.set(label(n), (self.get(label(n)) ?? 0) + t);
  // Each function once per sample, however deep it recurses.
  const seen = new Set<string>();
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const l = label(byId.get(id)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + t);
  }
}
const top = (m: Map<string, number>, rows: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`).join('\n');
console.log(`${(total / 1e6).toFixed(1)} s sampled in ${file}`);
console.log('\nself time\n' + top(self, Number(selfRows)));
console.log('\ninclusive time\n' + top(inclusive, Number(inclusiveRows)));
