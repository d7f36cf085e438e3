// A hand-built change review for the renderer tests: α-city before, the path-separation
// violation after (one rule added), findings from real check runs with the fast engine.

import { ENGINES } from '../../src/engine/registry.ts';
import { normalize } from '../../src/engine/headerset.ts';
import { traceFlow } from '../../src/engine/trace.ts';
import type { Network } from '../../src/model/network.ts';
import { resolveAddress, resolveService } from '../../src/model/resolve.ts';
import { runCheck } from '../../src/policy/check.ts';
import type { Pack } from '../../src/policy/pack.ts';
import { type CheckReport, type Finding, findingKey, type HeaderClass } from '../../src/policy/types.ts';
import type { ReviewNetworks, ReviewReport } from '../../src/review/types.ts';
import { loadSample, seedPack, TODAY } from '../helpers.ts';

/**
 * The seed pack without firewall hygiene: these renderer tests are built around the single
 * path-separation finding of the sample (hygiene has its own tests and also flags the
 * sample's two broad rules).
 */
export function reportPack(): Pack {
  const pack = seedPack();
  return { ...pack, rules: { ...pack.rules, 'firewall-hygiene': { ...pack.rules['firewall-hygiene']!, enabled: false } } };
}

export function fastCheck(network: Network, pack: Pack = reportPack()): CheckReport {
  return runCheck(network, pack, { engineFactory: ENGINES.fast!, today: TODAY });
}

/** The classes of one flow that end as `kind`, each with its witness, in the given network. */
export function tracedClasses(network: Network, src: string, dst: string, service: string, kind: string): HeaderClass[] {
  const get = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
  const outcomes = traceFlow(
    network,
    ENGINES.fast!(network),
    get(resolveAddress(network, src)),
    get(resolveAddress(network, dst)),
    get(resolveService(network, service)),
  );
  return outcomes
    .filter((o) => o.disposition.kind === kind)
    .map((o) => {
      const boxes = normalize(o.headers);
      const b = boxes[0]!;
      return { boxes, witness: { packet: { src: b.srcLo, dst: b.dstLo, protocol: b.protoLo, port: b.portLo }, hops: o.hops, disposition: o.disposition } };
    });
}

/** Text that breaks naive escaping in every format. */
export const HOSTILE = 'a <b> & "c" \'d\' | *e* _f_ `g` [h](i) \u0007bell 日本語';

export function hostileFinding(): Finding {
  return {
    rule: 'inventory',
    kind: 'no-zone',
    severity: 'warning',
    clause: '§3(2)',
    subject: { kind: 'device', id: `host ${HOSTILE}` },
    loc: { file: 'topologies/alpha-city.yaml', line: 42, column: 3 },
    classes: [],
    permittedBy: [],
  };
}

export interface ReviewFixture {
  readonly report: ReviewReport;
  readonly networks: ReviewNetworks;
}

export function buildReview(): ReviewFixture {
  const before = loadSample('topologies/alpha-city.yaml');
  const after = loadSample('topologies/violations/path-separation.yaml');
  const checkBefore = fastCheck(before);
  const checkAfter = fastCheck(after);
  const separation = checkAfter.findings.find((f) => f.rule === 'path-separation')!;
  const blocked = tracedClasses(before, 'lg-office-terminals', 'lg-file-server', 'smb', 'delivered');
  if (blocked.length === 0) throw new Error('fixture: expected a delivered class in alpha-city');
  const intent = after.intents.find((i) => i.id === 'use-file-server')!;
  const report: ReviewReport = {
    before: { file: before.file, name: before.name },
    after: { file: after.file, name: after.name },
    change: {
      file: 'changes/gcloud.yaml',
      operations: [
        {
          op: 'add-rule',
          summary: { en: 'add rule e-gcloud at position 4 of lg-edge-fw', ja: 'lg-edge-fw の 4 番目にルール e-gcloud（許可）を追加' },
          loc: { file: 'changes/gcloud.yaml', line: 3, column: 5 },
        },
      ],
    },
    engine: checkAfter.engine,
    recompute: { mode: 'incremental', cause: { kind: 'touched' } },
    newlyAllowed: [{ from: 'lg-office', to: 'inet-servers', fromDomain: 'lgwan', toDomain: 'internet', classes: separation.classes }],
    newlyBlocked: [{ from: 'lg-office', to: 'lg-servers', fromDomain: 'lgwan', toDomain: 'lgwan', classes: blocked }],
    rezoned: [],
    rezonedStopped: [],
    findingsIntroduced: checkAfter.findings.filter((f) => !checkBefore.findings.some((g) => findingKey(g) === findingKey(f))),
    findingsResolved: [hostileFinding()],
    intentsBroken: [{ intent: intent.id, purpose: intent.purpose, loc: intent.loc, problems: [{ kind: 'leg', leg: 'lg-office → lg-servers' }] }],
    intentsRestored: [],
    checkAfter,
    intents: after.intents.map((i) => ({
      intent: i.id,
      purpose: i.purpose,
      ok: i.id !== intent.id,
      loc: i.loc,
      problems: i.id === intent.id ? [{ kind: 'leg', leg: `lg-office → lg-servers ${HOSTILE}` }] : undefined,
    })),
    verdict: 'reject',
    summary: {
      ja: '1 件の新たな指摘（path-separation）。\n必要通信 1 件が到達しなくなります。',
      en: '1 new finding (path-separation).\n1 flow intent broken.',
    },
    elapsedMs: 12.34,
  };
  return { report, networks: { before, after } };
}
