// Quick fixes of CSV diagnostics (csvDiagnostics.ts): edits of the schema.pbtxt that make a
// problem go away. Plain TypeScript (no LSP): each fix is a title and text edits of the schema's
// text (0-based lines, UTF-16 columns), or the text of a new schema file; lsp/datavalidation.ts
// turns them into WorkspaceEdits the user applies (and can undo).
//
// Edits are targeted, always: a fix inserts or replaces the few characters it needs at the place
// the outline of the text (schemaText.ts outlineText) gives, so comments, layout and everything
// else the user wrote stay as they are (printing the changed schema again would drop comments
// and reorder fields). A line is inserted with the indentation of its neighbour when the block is
// written one field a line; in a block written on one line, the field is added on that line.
//
// Every fix is checked before it is offered: the edited text must read as a schema and the
// problem must be gone (checkValue for a value; the changed constraint for a column). A fix that
// would not do what its title says is not offered.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeStatistics } from './computeStatistics';
import type { CsvDiagnosticData, TextPosition, TextRange } from './csvDiagnostics';
import { newMessage, type Feature, type Schema, type StringDomain } from './schema';
import { inferSchema } from './schemaInfer';
import {
  formatDouble, formatFloat, formatString, outlineText, parseSchemaText, printSchemaText, type FieldNode, type PrintOptions,
} from './schemaText';
import { checkValue, isFeatureInEnvironment, parseFloat32, parseInt64, stringDomainOf } from './validate';

export interface TextEditSpec { range: TextRange; newText: string }

export interface SchemaFix {
  title: string;
  /** Edits of the existing schema's text (none overlap). */
  edits?: TextEditSpec[];
  /** Or: the text of a schema file to create. */
  create?: { text: string };
  /** The one fix most likely wanted for its diagnostic. */
  preferred?: boolean;
}

/** A diagnostic as the fixes see it: its code and its data (csvDiagnostics.ts). */
export interface FixableProblem {
  code: string | number | undefined;
  data?: unknown;
}

export interface FixContext {
  /** The schema inferred from the CSV (for SCHEMA_NEW_COLUMN); called only when needed. */
  inferred?: () => Promise<Schema | undefined>;
}

const PRESENCE_CODES = new Set([
  'SCHEMA_MISSING_COLUMN', 'FEATURE_TYPE_LOW_FRACTION_PRESENT', 'FEATURE_TYPE_LOW_NUMBER_PRESENT', 'FEATURE_TYPE_NOT_PRESENT',
]);
const VALUE_CODES = new Set(['INT_TYPE_SMALL_INT', 'INT_TYPE_BIG_INT', 'FLOAT_TYPE_SMALL_FLOAT', 'FLOAT_TYPE_BIG_FLOAT']);

/** The fixes of one diagnostic, against the schema's current text. */
export async function schemaFixesFor(text: string, problem: FixableProblem, context: FixContext = {}): Promise<SchemaFix[]> {
  const data = readData(problem.data);
  const code = String(problem.code ?? '');
  if (!data?.feature) return [];
  let doc: SchemaDoc;
  try {
    doc = new SchemaDoc(text);
  } catch {
    return [];
  }
  const fixes: (SchemaFix | undefined)[] = [];
  const { feature, value, environment, inDomainMass } = data;
  if (code === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES' && value !== undefined) fixes.push(addToStringDomain(doc, feature, value));
  if (code === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES' && value === undefined && inDomainMass !== undefined) fixes.push(relaxMinDomainMass(doc, feature, inDomainMass));
  if (VALUE_CODES.has(code) && value !== undefined) fixes.push(widenNumericDomain(doc, feature, value));
  if (PRESENCE_CODES.has(code) && environment) fixes.push(markNotInEnvironment(doc, feature, environment));
  if (code === 'SCHEMA_NEW_COLUMN' && !doc.schema.feature.some(f => f.name === feature) && context.inferred) {
    const inferred = await context.inferred();
    if (inferred) fixes.push(addInferredColumn(doc, inferred, feature));
  }
  return fixes.filter((f): f is SchemaFix => f !== undefined);
}

/** The data of a diagnostic, as sent back by the client: checked, since it comes from outside. */
function readData(data: unknown): CsvDiagnosticData | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    feature: str(d.feature),
    value: str(d.value),
    environment: str(d.environment),
    inDomainMass: typeof d.inDomainMass === 'number' && d.inDomainMass >= 0 && d.inDomainMass <= 1 ? d.inDomainMass : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// The fixes

/** "Add 'VALUE' to the domain of FEATURE": a `value:` in its string_domain, or the schema's one it names. */
export function addToStringDomain(doc: SchemaDoc, featureName: string, value: string): SchemaFix | undefined {
  const feature = doc.feature(featureName);
  const node = doc.featureNode(featureName);
  if (!feature || !node || checkValue(feature, doc.schema, value)?.type !== 'ENUM_TYPE_UNEXPECTED_STRING_VALUES') return undefined;
  let block: FieldNode | undefined;
  if (feature.string_domain) block = child(node, 'string_domain');
  else if (feature.domain !== undefined) block = doc.topLevel('string_domain').find(n => scalar(n, 'name') === feature.domain);
  if (!block?.fields) return undefined;
  const values = block.fields.filter(f => f.name === 'value');
  const last = values[values.length - 1];
  const literal = doc.quote(value);
  let edit: TextEditSpec;
  if (last?.items) {
    // value: ["a", "b"]: one more item in the list.
    edit = { range: at(last.listClose!), newText: last.items.length ? `, ${literal}` : literal };
  } else {
    edit = doc.insertField(block, last ?? block.fields[block.fields.length - 1], [`value: ${literal}`]);
  }
  const domainName = feature.string_domain ? '' : ` (string_domain "${feature.domain}")`;
  return doc.verified({ title: `Add '${value}' to the domain of ${featureName}${domainName}`, edits: [edit], preferred: true },
    s => checkValue(s.feature.find(f => f.name === featureName)!, s, value) === undefined);
}

/** "Widen the int (float) domain of FEATURE to include VALUE": its min or max becomes the value. */
export function widenNumericDomain(doc: SchemaDoc, featureName: string, raw: string): SchemaFix | undefined {
  const feature = doc.feature(featureName);
  const node = doc.featureNode(featureName);
  const problem = feature && checkValue(feature, doc.schema, raw);
  if (!feature || !node || !problem || !VALUE_CODES.has(problem.type)) return undefined;
  const isInt = problem.type.startsWith('INT_');
  const bound = problem.type.endsWith('SMALL_INT') || problem.type.endsWith('SMALL_FLOAT') ? 'min' : 'max';
  const text = raw.replace(/(?<=\d)_(?=\d)/g, '');
  let literal: string;
  if (isInt) {
    const v = parseInt64(feature.type === 'INT' ? text : raw);
    if (v === undefined) return undefined;
    literal = v.toString();
  } else {
    const x = parseFloat32(feature.type === 'FLOAT' ? text : raw);
    if (x === undefined || !Number.isFinite(x)) return undefined;
    literal = formatFloat(x);
  }
  const domain = child(node, isInt ? 'int_domain' : 'float_domain');
  if (!domain?.fields) return undefined;
  const current = child(domain, bound);
  const edit = current?.valueStart
    ? { range: { start: current.valueStart, end: current.valueEnd! }, newText: literal }
    : doc.insertField(domain, domain.fields[domain.fields.length - 1], [`${bound}: ${literal}`]);
  return doc.verified({ title: `Widen the ${isInt ? 'int' : 'float'} domain of ${featureName} to include ${raw}`, edits: [edit] },
    s => checkValue(s.feature.find(f => f.name === featureName)!, s, raw) === undefined);
}

/** min_domain_mass at most the observed mass, rounded down to 2 decimals. */
export function relaxedMass(inDomainMass: number): number {
  // 0.57 * 100 is 56.99999999999999: a little slack, then a step down if that went above the mass.
  let mass = Math.floor(inDomainMass * 100 + 1e-9) / 100;
  if (1 - inDomainMass > 1 - mass) mass = Math.max(0, Math.round(mass * 100 - 1) / 100);
  return mass;
}

/** "Relax min_domain_mass of FEATURE to X" (X: the column's observed in-domain mass, rounded down). */
export function relaxMinDomainMass(doc: SchemaDoc, featureName: string, inDomainMass: number): SchemaFix | undefined {
  const feature = doc.feature(featureName);
  const node = doc.featureNode(featureName);
  if (!feature || !node?.fields || !stringDomainOf(doc.schema, feature)) return undefined;
  const mass = relaxedMass(inDomainMass);
  const current = feature.distribution_constraints?.min_domain_mass;
  if (current !== undefined && current <= mass) return undefined;
  const literal = formatDouble(mass);
  const constraints = child(node, 'distribution_constraints');
  const massNode = constraints && child(constraints, 'min_domain_mass');
  let edit: TextEditSpec;
  if (massNode?.valueStart) edit = { range: { start: massNode.valueStart, end: massNode.valueEnd! }, newText: literal };
  else if (constraints?.fields) edit = doc.insertField(constraints, constraints.fields[constraints.fields.length - 1], [`min_domain_mass: ${literal}`]);
  else edit = doc.insertField(node, node.fields[node.fields.length - 1], ['distribution_constraints {', `  min_domain_mass: ${literal}`, '}']);
  return doc.verified({ title: `Relax min_domain_mass of ${featureName} to ${literal}`, edits: [edit] },
    s => s.feature.find(f => f.name === featureName)?.distribution_constraints?.min_domain_mass === mass);
}

/** "Mark FEATURE as not in environment ENV": a `not_in_environment:` line. */
export function markNotInEnvironment(doc: SchemaDoc, featureName: string, environment: string): SchemaFix | undefined {
  const feature = doc.feature(featureName);
  const node = doc.featureNode(featureName);
  // in_environment wins over not_in_environment: such a feature is the user's explicit choice.
  if (!feature || !node?.fields || !doc.schema.default_environment.includes(environment) || feature.in_environment.includes(environment)) return undefined;
  if (!isFeatureInEnvironment(doc.schema, feature, environment)) return undefined;
  const envs = node.fields.filter(f => f.name === 'not_in_environment');
  const after = envs[envs.length - 1] ?? node.fields[node.fields.length - 1];
  const edit = after?.items
    ? { range: at(after.listClose!), newText: `${after.items.length ? ', ' : ''}${doc.quote(environment)}` }
    : doc.insertField(node, after, [`not_in_environment: ${doc.quote(environment)}`]);
  return doc.verified({ title: `Mark ${featureName} as not in environment ${environment}`, edits: [edit] },
    s => !isFeatureInEnvironment(s, s.feature.find(f => f.name === featureName)!, environment));
}

/** "Add column COL to the schema (inferred)": its feature (and string domain) from the inferred schema. */
export function addInferredColumn(doc: SchemaDoc, inferred: Schema, column: string): SchemaFix | undefined {
  const feature = inferred.feature.find(f => f.name === column);
  if (!feature || doc.feature(column)) return undefined;
  const added: Feature = { ...feature };
  const domains: StringDomain[] = [];
  if (feature.domain !== undefined) {
    const domain = inferred.string_domain.find(d => d.name === feature.domain);
    if (!domain) return undefined;
    // A name the schema already uses for another domain gets a suffix.
    let name = domain.name ?? column;
    for (let i = 2; doc.schema.string_domain.some(d => d.name === name); i++) name = `${domain.name}_${i}`;
    added.domain = name;
    domains.push({ ...domain, name });
  }
  const print = (schema: Schema) => printSchemaText(schema, doc.printOptions).replace(/\n$/, '').split('\n');
  const featureLines = print(newMessage('Schema', { feature: [added] }));
  const edits: TextEditSpec[] = [];
  const features = doc.topLevel('feature');
  edits.push(doc.insertTopLevel(features[features.length - 1], featureLines));
  if (domains.length) {
    const existing = doc.topLevel('string_domain');
    const edit = doc.insertTopLevel(existing[existing.length - 1], print(newMessage('Schema', { string_domain: domains })));
    const first = edits[0];
    if (samePos(first.range.start, edit.range.start)) first.newText += edit.newText;
    else edits.push(edit);
  }
  return doc.verified({ title: `Add column ${column} to the schema (inferred)`, edits },
    s => s.feature.some(f => f.name === column));
}

/** "Infer a schema from this file": the text of a new schema.pbtxt, as TFDV writes it. */
export function newSchemaText(inferred: Schema): string {
  return printSchemaText(inferred);
}

/**
 * The schema inferred from a CSV's text (as `mlw infer-schema` would infer it from the file):
 * the text is written to a temporary file for computeStatistics.
 */
export async function inferSchemaFromText(text: string, options: { delimiter?: string; signal?: AbortSignal } = {}): Promise<Schema> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mlw-infer-'));
  try {
    const file = path.join(dir, options.delimiter === '\t' ? 'data.tsv' : 'data.csv');
    await fs.promises.writeFile(file, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    const { statistics } = await computeStatistics(file, { delimiter: options.delimiter, workers: 1, signal: options.signal });
    return inferSchema(statistics);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Editing the text

function child(node: FieldNode, name: string): FieldNode | undefined {
  return node.fields?.find(f => f.name === name);
}

function scalar(node: FieldNode, name: string): string | undefined {
  return child(node, name)?.value;
}

function at(p: TextPosition): TextRange {
  return { start: p, end: p };
}

function samePos(a: TextPosition, b: TextPosition): boolean {
  return a.line === b.line && a.character === b.character;
}

/** Messages given as `name { }` or in a list `name [{ }, { }]`. */
function messages(nodes: FieldNode[], name: string): FieldNode[] {
  return nodes.filter(n => n.name === name).flatMap(n => n.items ?? [n]).filter(n => n.fields);
}

/** Applies non-overlapping edits to a text (positions as in TextEditSpec). */
export function applyEdits(text: string, edits: TextEditSpec[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const offset = (p: TextPosition) => Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
  const sorted = edits.map(e => ({ from: offset(e.range.start), to: offset(e.range.end), text: e.newText })).sort((a, b) => b.from - a.from);
  for (const e of sorted) text = text.slice(0, e.from) + e.text + text.slice(e.to);
  return text;
}

/** A schema's text, what it reads as, and where its fields are. */
export class SchemaDoc {
  readonly schema: Schema;
  readonly outline: FieldNode[];
  readonly lines: string[];
  readonly eol: string;
  readonly printOptions: PrintOptions;
  /** Without a byte order mark: positions do not count it (as editors do not). */
  readonly text: string;

  constructor(text: string) {
    this.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    this.schema = parseSchemaText(this.text);
    this.outline = outlineText(this.text);
    this.lines = this.text.split('\n');
    this.eol = this.text.includes('\r\n') ? '\r\n' : '\n';
    // A schema the user writes in UTF-8 gets UTF-8; otherwise escapes, as TFDV writes.
    this.printOptions = { asUtf8: /[^\x00-\x7f]/.test(this.text) };
  }

  quote(s: string): string {
    return formatString(s, this.printOptions);
  }

  feature(name: string): Feature | undefined {
    return this.schema.feature.find(f => f.name === name);
  }

  /** The first top-level feature named so (the one validation uses). */
  featureNode(name: string): FieldNode | undefined {
    return this.topLevel('feature').find(n => scalar(n, 'name') === name);
  }

  topLevel(name: string): FieldNode[] {
    return messages(this.outline, name);
  }

  /** The fix, if its edited text reads as a schema that `ok` accepts. */
  verified(fix: SchemaFix, ok: (schema: Schema) => boolean): SchemaFix | undefined {
    try {
      return ok(parseSchemaText(applyEdits(this.text, fix.edits ?? []))) ? fix : undefined;
    } catch {
      return undefined;
    }
  }

  private indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lines[line] ?? '')![0];
  }

  /** Nothing but a separator or a comment after `p` on its line. */
  private endsLine(p: TextPosition): boolean {
    return /^\s*[,;]?\s*(#.*)?$/.test((this.lines[p.line] ?? '').slice(p.character));
  }

  /**
   * An edit adding a field (its lines as printed, relative indentation) to a message after its
   * field `after` (or first, after the opening brace).
   */
  insertField(block: FieldNode, after: FieldNode | undefined, fieldLines: string[]): TextEditSpec {
    const anchor = after?.end ?? { line: block.open!.line, character: block.open!.character + 1 };
    if (block.close!.line > anchor.line && this.endsLine(anchor)) {
      const indent = after && after.start.line > block.open!.line ? this.indentOf(after.start.line) : `${this.indentOf(block.start.line)}  `;
      return { range: at({ line: anchor.line + 1, character: 0 }), newText: fieldLines.map(l => `${indent}${l}${this.eol}`).join('') };
    }
    return { range: at(anchor), newText: ` ${fieldLines.map(l => l.trim()).join(' ')}` };
  }

  /** An edit adding a top-level field after `after` (its own line(s)), or at the end of the text. */
  insertTopLevel(after: FieldNode | undefined, fieldLines: string[]): TextEditSpec {
    const body = fieldLines.join(this.eol);
    if (after && this.endsLine(after.end)) {
      if (after.end.line + 1 < this.lines.length) return { range: at({ line: after.end.line + 1, character: 0 }), newText: `${body}${this.eol}` };
      return { range: at({ line: after.end.line, character: this.lines[after.end.line].length }), newText: `${this.eol}${body}` };
    }
    if (after) return { range: at(after.end), newText: ` ${fieldLines.map(l => l.trim()).join(' ')}` };
    const last = this.lines.length - 1;
    const end = { line: last, character: this.lines[last].length };
    return { range: at(end), newText: this.lines[last] === '' ? `${body}${this.eol}` : `${this.eol}${body}${this.eol}` };
  }
}
