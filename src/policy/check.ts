// Runs a policy pack over a network: every enabled rule of the catalogue with the pack's
// severity and parameters, sharing one reachability computation.

import type { Network } from '../model/network.ts';
import type { Pack, RuleId } from './pack.ts';
import { CATALOGUE, type CheckScope, FLOW_RULES, INTENT_RULES, intentsInScope, needsSanitizing, type RuleContext } from './rules.ts';
import type { EngineFactory, ReachabilityEngine } from '../engine/types.ts';
import type { CheckReport, Finding, RuleResult, Severity } from './types.ts';

export interface CheckOptions {
  readonly engineFactory: EngineFactory;
  /** Today's date as YYYY-MM-DD; exceptions that expired before it no longer apply. */
  readonly today: string;
  /** Called before each rule, for progress output on long checks. */
  readonly onRule?: (id: string, index: number, total: number) => void;
  /** Check only this part (an incremental review); rules about objects run when scope.objects. */
  readonly scope?: CheckScope;
  /** The engine to use (else engineFactory(network)): a review passes its incremental one. */
  readonly engine?: ReachabilityEngine;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function runCheck(network: Network, pack: Pack, options: CheckOptions): CheckReport {
  const engine = options.engine ?? options.engineFactory(network);
  // No prototype: a zone's domain is user text and is looked up in this table.
  const domains = Object.assign(
    Object.create(null) as Record<string, { ja: string; en: string }>,
    Object.fromEntries(Object.entries(pack.domains).map(([k, v]) => [k, { ja: v.ja, en: v.en }])),
  );
  const sanitized = pack.rules['sanitized-communication'];
  const intentsCheckedElsewhere = new Set(
    sanitized?.enabled
      ? intentsInScope(network, options.scope)
          .filter((i) => needsSanitizing(network, i, sanitized.params.lgwanSide, sanitized.params.internetSide, options.today))
          .map((i) => i.id)
      : [],
  );
  // The domain pairs the pack separates, whether or not their rules are enabled: the policy
  // separates them all the same, and no hint may suggest a permit between them.
  const isolated = pack.rules['mynumber-isolation']?.params.isolated ?? [];
  const sides = pack.rules['path-separation']?.params ?? sanitized?.params;
  const separated = (a: string, b: string): boolean =>
    a !== b &&
    (isolated.includes(a) !== isolated.includes(b) ||
      (sides !== undefined &&
        ((sides.lgwanSide.includes(a) && sides.internetSide.includes(b)) || (sides.internetSide.includes(a) && sides.lgwanSide.includes(b)))));
  const findings: Finding[] = [];
  const rules: RuleResult[] = [];
  CATALOGUE.forEach((rule, index) => {
    const settings = pack.rules[rule.id as RuleId];
    const severity: Severity = settings?.severity ?? 'error';
    // The pack's own citation of the rule, else the seed policy's: findings and reports print it.
    const clause = settings?.clause ?? rule.clause;
    if (!settings?.enabled) {
      rules.push({ id: rule.id, clause, severity, status: 'disabled', findings: 0 });
      return;
    }
    // A scoped check (incremental review) runs a rule only when its part of the scope is not
    // empty; the rules about objects only when asked.
    const scope = options.scope;
    const inThisScope =
      !scope ||
      scope.objects ||
      (FLOW_RULES.has(rule.id) && scope.pairs.size > 0) ||
      (INTENT_RULES.has(rule.id) && scope.intents.size > 0) ||
      (rule.id === 'firewall-hygiene' && scope.devices.size > 0);
    if (!inThisScope) {
      rules.push({ id: rule.id, clause, severity, status: 'pass', findings: 0 });
      return;
    }
    options.onRule?.(rule.id, index, CATALOGUE.length);
    const ctx: RuleContext<never> = {
      network,
      params: settings.params as never,
      severity,
      clause,
      engine,
      engineFactory: options.engineFactory,
      today: options.today,
      domains,
      intentsCheckedElsewhere,
      separated,
      scope: options.scope,
    };
    const found = (rule.check as (c: RuleContext<never>) => Finding[])(ctx);
    findings.push(...found);
    rules.push({ id: rule.id, clause, severity, status: found.length > 0 ? 'fail' : 'pass', findings: found.length });
  });
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  return {
    topology: { file: network.file, name: network.name, model: network.model ?? 'none' },
    policy: { name: pack.name, source: pack.source },
    engine: engine.name,
    rules,
    findings,
    summary: {
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      rulesChecked: rules.filter((r) => r.status !== 'disabled').length,
      rulesFailed: rules.filter((r) => r.status === 'fail').length,
    },
  };
}
