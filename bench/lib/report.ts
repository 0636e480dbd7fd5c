import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machineDescription } from './environment.js';

/**
 * Where sections go: `--out <file>` (the last one given) or BENCH_OUT, else
 * the repository's BENCHMARKS.md (smoke runs write elsewhere, so they never
 * touch it).
 */
export function reportFile(): string | URL {
  const i = process.argv.lastIndexOf('--out');
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  return process.env.BENCH_OUT || new URL('../../BENCHMARKS.md', import.meta.url);
}

/**
 * Each scenario owns one section of BENCHMARKS.md (between markers), so
 * scenarios can be run alone without erasing the others' last results.
 */
export function writeSection(scenario: string, command: string, lines: string[], file: string | URL = reportFile()): void {
  const start = `<!-- ${scenario}:start -->`;
  const end = `<!-- ${scenario}:end -->`;
  const section = [start, `## ${scenario}`, '', `Run ${new Date().toISOString()} on ${machineDescription()}.`, `Reproduce: \`${command}\``, '', ...lines, end].join('\n');
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by `npm run bench`; each section is the last run of its scenario.\n';
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, doc);
  console.log(section);
}
