// Golden outputs: every check format (text, JSON, SARIF, JUnit, Markdown) in ja and en for
// every sample topology, and every review format for the sample changes, pinned by digest so
// that a refactoring of findings or wording proves the bytes unchanged.
// BNK_GOLDEN_DUMP=<dir> writes the outputs themselves, to diff when a digest moves.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engine/registry.ts';
import { runCheck } from '../../src/policy/check.ts';
import type { Pack } from '../../src/policy/pack.ts';
import { FORMATS, render } from '../../src/report/render.ts';
import { loadSample, runCli, seedPack, TODAY } from '../helpers.ts';

const TOPOLOGIES = [
  'topologies/alpha-city.yaml',
  'topologies/alpha-prime-city.yaml',
  'topologies/beta-city.yaml',
  'topologies/beta-prime-city.yaml',
  ...[
    'availability',
    'firewall-hygiene',
    'intent-reachability',
    'inventory',
    'mynumber-endpoint-controls',
    'mynumber-exception-scope',
    'mynumber-isolation',
    'path-separation',
    'sanitized-communication',
    'security-cloud-aggregation',
    'mynumber-internet-isolation',
    'model-placement',
    'model-placement.cloud-service',
    'internet-endpoint-controls',
    'path-separation.alpha-prime',
  ].map((r) => `topologies/violations/${r}.yaml`),
];

/** The seed pack with every hygiene kind on, so that each kind's wording is pinned too. */
function everyKindPack(): Pack {
  const pack = seedPack();
  const hygiene = pack.rules['firewall-hygiene']!;
  return {
    ...pack,
    rules: {
      ...pack.rules,
      'firewall-hygiene': { ...hygiene, params: { ...hygiene.params, kinds: ['shadowed', 'conflicting', 'redundant', 'broad', 'unneeded'] } },
    },
  };
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

function keep(out: Record<string, string>, name: string, text: string): void {
  out[name] = digest(text);
  const dir = process.env.BNK_GOLDEN_DUMP;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name.replace(/[/ ]/g, '_')), text);
  }
}

describe('golden outputs', () => {
  it('check: every format and language of every sample is unchanged', () => {
    const out: Record<string, string> = {};
    for (const [packName, pack] of [
      ['seed', seedPack()],
      ['all-kinds', everyKindPack()],
    ] as const) {
      for (const file of packName === 'seed' ? TOPOLOGIES : ['topologies/violations/firewall-hygiene.yaml', 'topologies/alpha-city.yaml']) {
        const network = loadSample(file, pack);
        const report = runCheck(network, pack, { engineFactory: ENGINES.fast!, today: TODAY });
        for (const format of FORMATS.check) {
          for (const lang of ['ja', 'en'] as const)
            keep(out, `${packName} ${file} ${format} ${lang}`, render(format, { kind: 'check', network, report }, lang));
        }
      }
    }
    expect(out).toMatchSnapshot();
  });

  it('review: every format and language of the sample changes is unchanged', async () => {
    const out: Record<string, string> = {};
    const cases = [
      ['topologies/alpha-city.yaml', 'topologies/changes/gcloud-line.yaml'],
      ['topologies/alpha-city.yaml', 'topologies/changes/remove-asp-rule.yaml'],
      ['topologies/alpha-city.yaml', 'topologies/violations/sanitized-communication.yaml'],
      ['topologies/violations/intent-reachability.yaml', 'topologies/alpha-city.yaml'],
    ];
    for (const [before, after] of cases) {
      for (const format of FORMATS.review) {
        for (const lang of ['ja', 'en'] as const) {
          const r = await runCli(['review', before!, after!, '--today', TODAY, '--format', format, '--lang', lang]);
          // The elapsed time is the one thing that differs from run to run.
          const text = r.out
            .replace(/"elapsedMs": [\d.]+/g, '"elapsedMs": 0')
            .replace(/\d+(\.\d+)? ?ms\b/g, '0 ms')
            .replace(/time="[\d.]+"/g, 'time="0"');
          keep(out, `review ${before} ${after} ${format} ${lang}`, `${r.code}\n${text}\n${r.err}`);
        }
      }
    }
    expect(out).toMatchSnapshot();
  });
});
