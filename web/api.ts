// The HTTP API as the page calls it: the token from session storage in the Authorization header
// (never in a URL), JSON answers, errors as ApiError with the server's code and message.

const TOKEN_KEY = 'bunkatsu.token';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
}

/** One located problem of a refused file (a topology or change file), as the API reports it. */
export interface ApiDiagnostic {
  readonly code: string;
  readonly message: string;
  /** The message in Japanese (absent from jobs stored by older servers). */
  readonly ja?: string;
  readonly location: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly diagnostics: readonly ApiDiagnostic[] = [],
  ) {
    super(message);
  }
}

function apiError(status: number, statusText: string, body: unknown): ApiError {
  const e = (body ?? {}) as { code?: string; message?: string; diagnostics?: ApiDiagnostic[] };
  return new ApiError(status, e.code ?? 'BNK_ERR_INTERNAL', e.message ?? statusText, Array.isArray(e.diagnostics) ? e.diagnostics : []);
}

export async function api<T>(path: string, init: { method?: string; body?: string | ArrayBuffer; contentType?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token() ?? ''}` };
  if (init.contentType !== undefined) headers['content-type'] = init.contentType;
  const response = await fetch(path, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await response.text();
  const body = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (!response.ok) throw apiError(response.status, response.statusText, body);
  return body as T;
}

/**
 * Fetches a file with the token (a plain link cannot send it) and hands it to the browser as a
 * download named `filename`.
 */
export async function download(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token() ?? ''}` } });
  if (!response.ok) throw apiError(response.status, response.statusText, await response.json().catch(() => ({})));
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A path segment, encoded. */
export const seg = encodeURIComponent;

// The shapes the page reads (a subset of what the API answers).

export interface Project {
  readonly id: string;
  readonly name: string;
}
export interface Version {
  readonly version: number;
  readonly filename: string;
  readonly name: string;
  readonly model: string;
  readonly createdAt: string;
}
export interface CheckRecord {
  readonly id: string;
  readonly version: number;
  readonly status: 'queued' | 'running' | 'done' | 'failed';
  readonly progress: { readonly done: number; readonly total: number };
  readonly summary?: Summary | null;
  readonly error?: { readonly message?: string } | null;
  readonly createdAt: string;
}
export interface Summary {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly rulesChecked: number;
  readonly rulesFailed: number;
}
export interface Texts {
  readonly ja: string;
  readonly en: string;
}
export interface Hop {
  readonly kind: 'zone' | 'device';
  readonly id: string;
  readonly in?: string;
  readonly out?: string;
  readonly rule?: { readonly id: string; readonly action: string; readonly location: string };
}
export interface FlowClass {
  readonly src: string;
  readonly dst: string;
  readonly service: string;
  readonly witness?: { readonly packet: string; readonly hops: readonly Hop[] };
}
export interface Finding {
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly clause: string;
  readonly subject: string;
  readonly message: Texts;
  readonly hint?: Texts;
  readonly location: string;
  readonly classes?: readonly FlowClass[];
}
export interface RuleResult {
  readonly id: string;
  readonly clause: string;
  readonly title: Texts;
  readonly severity: string;
  readonly status: 'pass' | 'fail' | 'disabled';
  readonly findings: number;
}
export interface CheckReport {
  readonly topology: { readonly file: string; readonly name: string; readonly model?: string };
  readonly summary: Summary;
  readonly rules: readonly RuleResult[];
  readonly findings: readonly Finding[];
}
export interface GraphNode {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly domain: string;
  readonly band: number;
  readonly hosts: number;
  readonly method?: string;
  /** The box of the documents' summarised diagram it is counted in. */
  readonly box: string;
  readonly x: number;
  readonly y: number;
}
export interface ZoneGraph {
  readonly domains: Readonly<Record<string, Texts>>;
  readonly bands: readonly { readonly id: string; readonly domains: readonly string[]; readonly top: number; readonly bottom: number }[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly { readonly source: string; readonly target: string; readonly kind: string }[];
  readonly channels: readonly {
    readonly sanitizer: string;
    readonly method: string;
    readonly from: string;
    readonly to: readonly string[];
    readonly services: readonly string[];
  }[];
}
/** One outcome of a trace: where a set of headers comes to an end, and the path it takes there. */
export interface TraceOutcome {
  readonly kind: 'delivered' | 'local' | 'terminated' | 'refused' | 'denied' | 'no-route' | 'discarded' | 'not-forwarded' | 'no-path';
  /** Worded by the server in the language asked for. */
  readonly disposition: string;
  readonly classes: readonly { readonly src: string; readonly dst: string; readonly service: string }[];
  readonly hops: readonly Hop[];
}
export interface Trace {
  readonly flow: { readonly src: string; readonly dst: string; readonly service: string };
  readonly outcomes: readonly TraceOutcome[];
}
export interface Matrix {
  readonly level: 'zone' | 'domain';
  readonly labels: readonly string[];
  readonly cells: readonly { readonly from: string; readonly to: string; readonly services: readonly string[]; readonly summary: string }[];
}
export interface FlowChange {
  readonly from: string;
  readonly to: string;
  readonly fromDomain: string;
  readonly toDomain: string;
  readonly classes: readonly FlowClass[];
}
export interface ReviewReport {
  readonly verdict: 'approve' | 'reject' | 'needs-attention';
  readonly summary: Texts;
  readonly change: { readonly file: string; readonly operations: readonly { readonly op: string; readonly summary: string; readonly location: string }[] };
  readonly newlyAllowed: readonly FlowChange[];
  readonly newlyBlocked: readonly FlowChange[];
  readonly findingsIntroduced: readonly Finding[];
  readonly findingsResolved: readonly Finding[];
  readonly intentsBroken: readonly { readonly intent: string; readonly purpose?: string }[];
}
