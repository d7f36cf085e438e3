// Links between the docs: every `file.md#anchor` (and `#anchor` within a file) names a heading
// that exists, so a heading renamed or dropped breaks the suite instead of a reader's click.
// Anchors follow GitHub's rule: the heading's text in lower case, punctuation removed, spaces
// turned into hyphens; headings inside code blocks are not headings.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(text: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced) {
      const m = /^#{1,6} (.+)$/.exec(line);
      if (m) out.add(slug(m[1]!));
    }
  }
  return out;
}

const files = [
  join(ROOT, 'README.md'),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f)),
];

describe('links between the docs', () => {
  it('every #anchor names a heading of its target file', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\]\(([^)#\s]*)#([^)\s]+)\)/g)) {
        const target = m[1] ? join(dirname(file), m[1]) : file;
        if (!target.endsWith('.md') || !existsSync(target)) continue;
        checked++;
        if (!anchorsOf(readFileSync(target, 'utf8')).has(m[2]!)) broken.push(`${relative(ROOT, file)}: ${m[1]}#${m[2]}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(broken).toEqual([]);
  });
});
