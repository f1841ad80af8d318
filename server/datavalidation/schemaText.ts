/**
 * Protobuf text format (`schema.pbtxt`) for the TFDV schema: a reader and a writer driven by the
 * field table of schema.ts.
 *
 * Reading accepts what protobuf's own text parsers accept for these messages: `#` comments;
 * strings in single or double quotes with C escapes (\n \t \" \' \\ \? \a \b \f \v \r, octal
 * \123, hex \x41, \u00e9 and \U0001f600), adjacent strings joined; integers in decimal, hex
 * (0x1F) and octal (017); floats with exponents, an optional f suffix, inf/infinity/nan in any
 * case; a minus sign before any number; enums by name or number; messages in `{ }` or `< >`,
 * with or without `:` before them; repeated fields written again and again or as `[a, b]`;
 * `,` or `;` after a field; map fields as repeated `{ key: ... value { ... } }` entries;
 * google.protobuf.Any written expanded (`[type.googleapis.com/x.Y] { ... }`).
 *
 * Unknown fields are errors, as in TFDV (its load_schema_text is protobuf's parser): the message
 * names the field, the message it is not part of and where in the schema that is, with the
 * closest known field name. Keeping them instead would let a misspelt constraint
 * (`min_fracton`) pass silently, and schema.ts covers all of schema.proto, including fields
 * older releases wrote. Likewise a field that is not repeated may be given once, and one member
 * of a oneof at most. Every error is a UserError with the file, line and column (1-based; columns
 * count UTF-16 code units, as VS Code does).
 *
 * Writing is what TFDV's write_schema_text writes (Python protobuf's text_format): fields in
 * field-number order, 2-space indentation, `name {` / `}` for messages, `name: value` for
 * scalars, map entries sorted by key; strings with C escapes and bytes beyond ASCII in octal
 * (`asUtf8` keeps UTF-8 text as is); double values as Python prints them (1.0, 0.25, 1e-05)
 * and float values with the fewest digits that read back as the same 32-bit float. Comments are
 * not kept (protobuf does not keep them either). Reading what was written gives the same object.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../common/atomicWrite';
import { UserError } from '../common/errors';
import { compareCodePoints } from '../common/text';
import {
  ENUMS, MESSAGES, type FieldInfo, type MessageInfo, type MessageName, type MessageTypes, type Schema, type TextField,
} from './schema';

// ---------------------------------------------------------------------------------------------
// Tokens

interface Token {
  kind: 'identifier' | 'number' | 'string' | 'symbol' | 'end';
  /** As written; a string token's text includes its quotes. */
  text: string;
  line: number;
  column: number;
  /** A string token's content, escapes resolved. */
  bytes?: Uint8Array;
}

const SYMBOLS = '{}<>[]:,;-./';
const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63,
};

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private ahead?: Token;

  constructor(private readonly src: string, readonly file: string) {
    // A byte order mark is not part of the text.
    if (src.charCodeAt(0) === 0xfeff) this.pos = this.lineStart = 1;
  }

  peek(): Token {
    return (this.ahead ??= this.scan());
  }

  next(): Token {
    const t = this.peek();
    this.ahead = undefined;
    return t;
  }

  fail(message: string, at: { line: number; column: number }): never {
    throw new UserError(message, this.file, at.line, at.column);
  }

  private here() {
    return { line: this.line, column: this.pos - this.lineStart + 1 };
  }

  private skipSpaceAndComments(): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === '\n') {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\v' || c === '\f') {
        this.pos++;
      } else if (c === '#') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  private scan(): Token {
    this.skipSpaceAndComments();
    const s = this.src;
    const at = this.here();
    const start = this.pos;
    if (start >= s.length) return { kind: 'end', text: '', ...at };
    const c = s[start];
    if (/[A-Za-z_]/.test(c)) {
      let end = start + 1;
      while (end < s.length && /[A-Za-z0-9_]/.test(s[end])) end++;
      this.pos = end;
      return { kind: 'identifier', text: s.slice(start, end), ...at };
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[start + 1] ?? ''))) {
      // Everything that can belong to a number; whether it is a valid one depends on the field.
      const hex = /^0[xX]/.test(s.slice(start, start + 2));
      let end = hex ? start + 2 : start;
      while (end < s.length) {
        const ch = s[end];
        if (/[0-9A-Za-z_.]/.test(ch)) end++;
        else if (!hex && (ch === '+' || ch === '-') && /[eE]/.test(s[end - 1])) end++;
        else break;
      }
      this.pos = end;
      return { kind: 'number', text: s.slice(start, end), ...at };
    }
    if (c === '"' || c === "'") return this.scanString(c, at);
    if (SYMBOLS.includes(c)) {
      this.pos++;
      return { kind: 'symbol', text: c, ...at };
    }
    const ch = String.fromCodePoint(s.codePointAt(start)!);
    this.fail(`unexpected character ${JSON.stringify(ch)}`, at);
  }

  private scanString(quote: string, at: { line: number; column: number }): Token {
    const s = this.src;
    const start = this.pos;
    const bytes: number[] = [];
    let i = start + 1;
    for (;;) {
      if (i >= s.length || s[i] === '\n') {
        this.fail(`unterminated string: missing closing ${quote} before the end of the ${i >= s.length ? 'file' : 'line'}`, at);
      }
      const c = s[i];
      if (c === quote) break;
      if (c !== '\\') {
        const cp = s.codePointAt(i)!;
        const ch = String.fromCodePoint(cp);
        for (const b of utf8.encode(ch)) bytes.push(b);
        i += ch.length;
        continue;
      }
      i = this.scanEscape(i, bytes);
    }
    this.pos = i + 1;
    return { kind: 'string', text: s.slice(start, this.pos), ...at, bytes: Uint8Array.from(bytes) };
  }

  /** Reads the escape at s[i] (a backslash) into bytes; returns the index after it. */
  private scanEscape(i: number, bytes: number[]): number {
    const s = this.src;
    const at = { line: this.line, column: i - this.lineStart + 1 };
    const e = s[i + 1] ?? '';
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]);
      return i + 2;
    }
    if (/[0-7]/.test(e)) {
      const digits = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4))![0];
      const value = parseInt(digits, 8);
      if (value > 0xff) this.fail(`octal escape \\${digits} is more than one byte (\\377 at most)`, at);
      bytes.push(value);
      return i + 1 + digits.length;
    }
    if (e === 'x' || e === 'X') {
      const digits = /^[0-9A-Fa-f]{0,2}/.exec(s.slice(i + 2, i + 4))![0];
      if (!digits) this.fail('\\x must be followed by one or two hex digits', at);
      bytes.push(parseInt(digits, 16));
      return i + 2 + digits.length;
    }
    if (e === 'u' || e === 'U') {
      const width = e === 'u' ? 4 : 8;
      const digits = s.slice(i + 2, i + 2 + width);
      if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(digits)) this.fail(`\\${e} must be followed by ${width} hex digits`, at);
      let cp = parseInt(digits, 16);
      let end = i + 2 + width;
      // A surrogate pair written as two \u escapes is one character.
      if (cp >= 0xd800 && cp <= 0xdbff) {
        const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(s.slice(end, end + 6));
        if (!low) this.fail(`\\${e}${digits} is the first half of a surrogate pair without its second half`, at);
        cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
        end += 6;
      } else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp > 0x10ffff) {
        this.fail(`\\${e}${digits} is not a Unicode character`, at);
      }
      for (const b of utf8.encode(String.fromCodePoint(cp))) bytes.push(b);
      return end;
    }
    if (e === '' || e === '\n') this.fail('unterminated string: a backslash ends the line', at);
    this.fail(`unknown escape sequence \\${e}`, at);
  }
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the file';
  const text = t.text.length > 40 ? `${t.text.slice(0, 37)}...` : t.text;
  return t.kind === 'string' ? `the string ${text}` : `"${text}"`;
}

function isSymbol(t: Token, ...symbols: string[]): boolean {
  return t.kind === 'symbol' && symbols.includes(t.text);
}

// ---------------------------------------------------------------------------------------------
// Reading

const INT_LIMITS: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};
const INTEGER = /^(0[xX][0-9A-Fa-f]+|0[0-7]*|[1-9][0-9]*)$/;
const DECIMAL = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?[fF]?$/;
const TRUE_WORDS = new Set(['true', 'True', 't']);
const FALSE_WORDS = new Set(['false', 'False', 'f']);

type Msg = Record<string, unknown>;

function emptyOf(info: MessageInfo): Msg {
  const out: Msg = {};
  for (const f of info.fields) {
    if (f.repeated) out[f.name] = [];
    else if (f.kind === 'map') out[f.name] = {};
  }
  return out;
}

function mapEntryInfo(parent: MessageInfo, field: FieldInfo): MessageInfo {
  const entry = `${field.name.replace(/(^|_)([a-z])/g, (_m, _u, ch: string) => ch.toUpperCase())}Entry`;
  return {
    name: `${parent.name}.${entry}`,
    fullName: `${parent.fullName}.${entry}`,
    fields: [
      { name: 'key', number: 1, kind: 'string' },
      { name: 'value', number: 2, kind: 'message', type: field.type },
    ],
  };
}

/** Sets obj[key] even for keys such as "__proto__". */
function setKey(obj: Msg, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isDefault(field: FieldInfo, v: unknown): boolean {
  switch (field.kind) {
    case 'string': case 'bytes': return v === '';
    case 'bool': return v === false;
    case 'enum': return ENUMS[field.type!].values.find(([name]) => name === v)?.[1] === 0;
    case 'float': case 'double': return v === 0 && !Object.is(v, -0);
    default: return v === 0 || v === 0n;
  }
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function qualify(where: string): string {
  return where ? ` (at ${where})` : '';
}

class Parser {
  constructor(private readonly lex: Lexer) {}

  private fail(at: Token, message: string): never {
    this.lex.fail(message, at);
  }

  private expect(symbol: string, context: string): Token {
    const t = this.lex.next();
    if (!isSymbol(t, symbol)) this.fail(t, `expected "${symbol}" ${context}, found ${describe(t)}`);
    return t;
  }

  /** The fields of a message up to its closing symbol (or the end of the file, at the top). */
  parseFields(info: MessageInfo, where: string, open?: Token): Msg {
    const msg = emptyOf(info);
    const close = open ? (open.text === '<' ? '>' : '}') : undefined;
    const seen = new Map<string, Token>();
    const oneofs = new Map<string, { field: string; at: Token }>();
    for (;;) {
      const t = this.lex.peek();
      if (t.kind === 'end') {
        if (!open) return msg;
        this.fail(t, `expected "${close}" to close ${info.name}${qualify(where)} opened at ${open.line}:${open.column}, found the end of the file`);
      }
      if (close && isSymbol(t, close)) {
        this.lex.next();
        return msg;
      }
      if (isSymbol(t, '}', '>')) {
        this.fail(t, open ? `expected "${close}" to close ${info.name}${qualify(where)} opened at ${open.line}:${open.column}, found "${t.text}"` : `"${t.text}" closes no message`);
      }
      this.parseField(info, msg, where, seen, oneofs);
      if (isSymbol(this.lex.peek(), ',', ';')) this.lex.next();
    }
  }

  private parseField(info: MessageInfo, msg: Msg, where: string, seen: Map<string, Token>, oneofs: Map<string, { field: string; at: Token }>): void {
    const nameTok = this.lex.next();
    if (isSymbol(nameTok, '[')) {
      if (info.name === 'Any') return this.parseExpandedAny(msg, nameTok, where, seen);
      this.fail(nameTok, `extensions ("[...]") are not part of ${info.name}${qualify(where)}`);
    }
    if (nameTok.kind !== 'identifier') this.fail(nameTok, `expected a field name of ${info.name}${qualify(where)}, found ${describe(nameTok)}`);
    const field = info.fields.find(f => f.name === nameTok.text);
    if (!field) this.unknownField(info, nameTok, where);
    const path = where ? `${where}.${field.name}` : field.name;

    if (!field.repeated && field.kind !== 'map') {
      const first = seen.get(field.name);
      if (first) this.fail(nameTok, `"${field.name}" is given twice in ${info.name}${qualify(where)} (first at ${first.line}:${first.column}); it is not a repeated field`);
      seen.set(field.name, nameTok);
      if (seen.has('[expanded]')) this.fail(nameTok, `an Any written as "[type] { ... }" cannot also have "${field.name}"`);
    }
    if (field.oneof) {
      const other = oneofs.get(field.oneof);
      if (other && other.field !== field.name) {
        this.fail(nameTok, `"${field.name}" and "${other.field}" (at ${other.at.line}:${other.at.column}) are both given in ${info.name}${qualify(where)}, but they belong to oneof ${field.oneof}: one at most may be set`);
      }
      oneofs.set(field.oneof, { field: field.name, at: nameTok });
    }

    const store = (value: unknown) => {
      if (field.kind === 'map') {
        const entry = value as Msg;
        setKey(msg[field.name] as Msg, (entry.key as string | undefined) ?? '', entry.value ?? emptyOf(MESSAGES[field.type!]));
      } else if (field.repeated) {
        (msg[field.name] as unknown[]).push(value);
      } else if (!(field.implicit && isDefault(field, value))) {
        msg[field.name] = value;
      }
    };

    if (field.kind === 'message' || field.kind === 'map') {
      const entryInfo = field.kind === 'map' ? mapEntryInfo(info, field) : MESSAGES[field.type!];
      if (isSymbol(this.lex.peek(), ':')) this.lex.next();
      if (isSymbol(this.lex.peek(), '[')) {
        const bracket = this.lex.next();
        if (!field.repeated && field.kind !== 'map') this.fail(bracket, `"${field.name}" is not a repeated field: it takes one message, not a list`);
        this.parseList(() => store(this.parseMessageValue(entryInfo, field, path)), field);
      } else {
        store(this.parseMessageValue(entryInfo, field, path));
      }
      return;
    }

    this.expect(':', `after "${field.name}"`);
    if (isSymbol(this.lex.peek(), '[')) {
      const bracket = this.lex.next();
      if (!field.repeated) this.fail(bracket, `"${field.name}" is not a repeated field: it takes one value, not a list`);
      this.parseList(() => store(this.parseScalar(field)), field);
    } else {
      store(this.parseScalar(field));
    }
  }

  private unknownField(info: MessageInfo, t: Token, where: string): never {
    const names = info.fields.map(f => f.name);
    const best = names
      .map(n => ({ n, d: editDistance(t.text.toLowerCase(), n) }))
      .sort((a, b) => a.d - b.d)[0];
    const hint = best && best.d <= Math.max(2, Math.floor(t.text.length / 4))
      ? `; did you mean "${best.n}"?`
      : names.length ? `; its fields are: ${names.join(', ')}` : `; it has no fields`;
    this.fail(t, `unknown field "${t.text}" in ${info.name} (${info.fullName})${qualify(where)}${hint}`);
  }

  /** After "[": values separated by commas up to "]". */
  private parseList(item: () => void, field: FieldInfo): void {
    if (isSymbol(this.lex.peek(), ']')) {
      this.lex.next();
      return;
    }
    for (;;) {
      item();
      const t = this.lex.next();
      if (isSymbol(t, ']')) return;
      if (!isSymbol(t, ',')) this.fail(t, `expected "," or "]" in the list of "${field.name}", found ${describe(t)}`);
    }
  }

  private parseMessageValue(info: MessageInfo, field: FieldInfo, path: string): Msg {
    const open = this.lex.next();
    if (!isSymbol(open, '{', '<')) this.fail(open, `expected "{" or "<" to start "${field.name}" (a ${info.name} message), found ${describe(open)}`);
    return this.parseFields(info, path, open);
  }

  private parseScalar(field: FieldInfo): unknown {
    switch (field.kind) {
      case 'string':
      case 'bytes': return this.parseString(field);
      case 'bool': return this.parseBool(field);
      case 'enum': return this.parseEnum(field);
      case 'float':
      case 'double': return this.parseFloat(field);
      default: return this.parseInteger(field);
    }
  }

  private parseString(field: FieldInfo): string {
    const first = this.lex.peek();
    if (first.kind !== 'string') this.fail(first, `expected a quoted string for "${field.name}", found ${describe(first)}`);
    const parts: Uint8Array[] = [];
    while (this.lex.peek().kind === 'string') parts.push(this.lex.next().bytes!);
    const bytes = Buffer.concat(parts);
    if (field.kind === 'bytes') return bytes.toString('base64');
    try {
      return strictUtf8.decode(bytes);
    } catch {
      this.fail(first, `the string for "${field.name}" is not valid UTF-8 (a string field must be)`);
    }
  }

  private parseBool(field: FieldInfo): boolean {
    const t = this.lex.next();
    if ((t.kind === 'identifier' && TRUE_WORDS.has(t.text)) || (t.kind === 'number' && t.text === '1')) return true;
    if ((t.kind === 'identifier' && FALSE_WORDS.has(t.text)) || (t.kind === 'number' && t.text === '0')) return false;
    this.fail(t, `expected true or false for "${field.name}", found ${describe(t)}`);
  }

  private parseEnum(field: FieldInfo): string {
    const info = ENUMS[field.type!];
    const list = info.values.map(([name]) => name).join(', ');
    const t = this.lex.peek();
    if (t.kind === 'identifier') {
      this.lex.next();
      if (info.values.some(([name]) => name === t.text)) return t.text;
      this.fail(t, `"${t.text}" is not a value of ${info.name} for "${field.name}"; its values are: ${list}`);
    }
    if (t.kind === 'number' || isSymbol(t, '-')) {
      const n = this.parseInteger({ ...field, kind: 'int32' });
      const value = info.values.find(([, num]) => num === n);
      if (value) return value[0];
      this.fail(t, `${n} is not a value of ${info.name} for "${field.name}"; its values are: ${info.values.map(([name, num]) => `${name} = ${num}`).join(', ')}`);
    }
    this.fail(t, `expected a value of ${info.name} for "${field.name}" (${list}), found ${describe(t)}`);
  }

  private parseInteger(field: FieldInfo): number | bigint {
    const start = this.lex.next();
    const negative = isSymbol(start, '-');
    const t = negative ? this.lex.next() : start;
    if (t.kind !== 'number' || !INTEGER.test(t.text)) {
      this.fail(t, `expected an integer for "${field.name}" (${field.kind}), found ${describe(t)}`);
    }
    const text = t.text;
    const magnitude = /^0[xX]/.test(text) ? BigInt(text) : /^0[0-7]+$/.test(text) ? BigInt(`0o${text.slice(1)}`) : BigInt(text);
    const value = negative ? -magnitude : magnitude;
    const [min, max] = INT_LIMITS[field.kind];
    if (value < min || value > max) {
      this.fail(start, `${negative ? '-' : ''}${text} is out of range for "${field.name}" (${field.kind}: ${min} to ${max})`);
    }
    return toInt(value, field.kind === 'int64' || field.kind === 'uint64');
  }

  private parseFloat(field: FieldInfo): number {
    const start = this.lex.next();
    const negative = isSymbol(start, '-');
    const t = negative ? this.lex.next() : start;
    let value: number;
    const word = t.kind === 'identifier' ? t.text : '';
    if (/^inf(inity)?f?$/i.test(word)) value = Infinity;
    else if (/^nanf?$/i.test(word)) value = NaN;
    else if (t.kind === 'number' && DECIMAL.test(t.text)) value = Number(t.text.replace(/[fF]$/, ''));
    else this.fail(t, `expected a number for "${field.name}" (${field.kind}), found ${describe(t)}`);
    if (negative) value = -value;
    // What a float field holds is the nearest 32-bit float.
    return field.kind === 'float' ? Math.fround(value) : value;
  }

  /** `[type.googleapis.com/pkg.Message] { ... }` inside an Any: kept as written (see Any). */
  private parseExpandedAny(msg: Msg, open: Token, where: string, seen: Map<string, Token>): void {
    if (seen.has('[expanded]')) this.fail(open, 'an Any holds one message: it cannot be written as "[type] { ... }" twice');
    if (seen.size) this.fail(open, `an Any written as "[type] { ... }" cannot also have ${[...seen.keys()].map(k => `"${k}"`).join(', ')}`);
    seen.set('[expanded]', open);
    const typeUrl = this.parseBracketedName(open);
    if (!typeUrl.includes('/')) this.fail(open, `expected a type URL such as [type.googleapis.com/package.Message], found [${typeUrl}]`);
    if (isSymbol(this.lex.peek(), ':')) this.lex.next();
    const brace = this.lex.next();
    if (!isSymbol(brace, '{', '<')) this.fail(brace, `expected "{" or "<" after [${typeUrl}], found ${describe(brace)}`);
    msg.type_url = typeUrl;
    msg.expanded = this.parseUntyped(brace, where);
  }

  /** After "[": a dotted name, with "/" in type URLs, up to "]". */
  private parseBracketedName(open: Token): string {
    let name = '';
    for (;;) {
      const t = this.lex.next();
      if (isSymbol(t, ']')) break;
      if (t.kind === 'identifier' || isSymbol(t, '.', '/') || (t.kind === 'number' && name.endsWith('.'))) name += t.text;
      else this.fail(t, `expected a name and "]" after "[" at ${open.line}:${open.column}, found ${describe(t)}`);
    }
    if (!name) this.fail(open, 'expected a name between "[" and "]"');
    return name;
  }

  /** The fields of a message whose definition is unknown, up to the symbol closing `open`. */
  private parseUntyped(open: Token, where: string): TextField[] {
    const close = open.text === '<' ? '>' : '}';
    const fields: TextField[] = [];
    for (;;) {
      const t = this.lex.next();
      if (isSymbol(t, close)) return fields;
      if (t.kind === 'end') this.fail(t, `expected "${close}" to close the message opened at ${open.line}:${open.column}${qualify(where)}, found the end of the file`);
      let name: string;
      if (isSymbol(t, '[')) name = `[${this.parseBracketedName(t)}]`;
      else if (t.kind === 'identifier') name = t.text;
      else this.fail(t, `expected a field name, found ${describe(t)}`);
      const colon = isSymbol(this.lex.peek(), ':');
      if (colon) this.lex.next();
      const value = (): string | TextField[] => {
        const v = this.lex.peek();
        if (isSymbol(v, '{', '<')) return this.parseUntyped(this.lex.next(), where);
        if (!colon) this.fail(v, `expected ":" after "${name}", found ${describe(v)}`);
        return this.parseUntypedScalar();
      };
      if (isSymbol(this.lex.peek(), '[')) {
        this.lex.next();
        this.parseList(() => fields.push({ name, value: value() }), { name, number: 0, kind: 'string' });
      } else {
        fields.push({ name, value: value() });
      }
      if (isSymbol(this.lex.peek(), ',', ';')) this.lex.next();
    }
  }

  /** A scalar of unknown type, as it will be written back: strings quoted again canonically. */
  private parseUntypedScalar(): string {
    const t = this.lex.peek();
    if (t.kind === 'string') {
      const parts: Uint8Array[] = [];
      while (this.lex.peek().kind === 'string') parts.push(this.lex.next().bytes!);
      return quote(Buffer.concat(parts), false);
    }
    this.lex.next();
    if (isSymbol(t, '-')) {
      const n = this.lex.next();
      if (n.kind !== 'number' && n.kind !== 'identifier') this.fail(n, `expected a number after "-", found ${describe(n)}`);
      return `-${n.text}`;
    }
    if (t.kind === 'number' || t.kind === 'identifier') return t.text;
    this.fail(t, `expected a value, found ${describe(t)}`);
  }
}

/** int64 values are exact: numbers while safe, bigints beyond. */
function toInt(v: bigint, wide: boolean): number | bigint {
  if (!wide) return Number(v);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Reads a message of the given type from text format. `file` names the source in errors. */
export function parseTextMessage<K extends MessageName>(text: string, type: K, file = '<input>'): MessageTypes[K] {
  const info = MESSAGES[type];
  if (!info) throw new Error(`unknown message type ${type}`);
  return new Parser(new Lexer(text, file)).parseFields(info, '') as unknown as MessageTypes[K];
}

/** Reads a TFDV schema in text format (schema.pbtxt). */
export function parseSchemaText(text: string, file = '<input>'): Schema {
  return parseTextMessage(text, 'Schema', file);
}

/** Reads a schema.pbtxt file. */
export function loadSchema(file: string): Schema {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new UserError('no such schema file', file);
    if (e.code === 'EISDIR') throw new UserError('is a folder, not a schema file', file);
    throw new UserError(`cannot read the schema (${e.message})`, file);
  }
  let text: string;
  try {
    text = strictUtf8.decode(data);
  } catch {
    const at = firstInvalidUtf8(data);
    const before = data.subarray(0, at).toString('utf8');
    const line = before.split('\n').length;
    throw new UserError('the file is not valid UTF-8 text', file, line, before.length - before.lastIndexOf('\n'));
  }
  return parseSchemaText(text, file);
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(data: Uint8Array): number {
  for (let i = 0; i < data.length;) {
    const b = data[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (!n) return i;
    try {
      strictUtf8.decode(data.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return data.length;
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface PrintOptions {
  /** Write non-ASCII text as UTF-8 instead of octal escapes (TFDV writes escapes). */
  asUtf8?: boolean;
}

/** A string literal with C escapes, as protobuf's text printers write it. */
function quote(bytes: Uint8Array, asUtf8: boolean): string {
  let out = '"';
  if (asUtf8) {
    const text = Buffer.from(bytes).toString('utf8');
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      out += code < 0x80 ? escapeByte(code) : ch;
    }
  } else {
    for (const b of bytes) out += escapeByte(b);
  }
  return `${out}"`;
}

function escapeByte(b: number): string {
  switch (b) {
    case 9: return '\\t';
    case 10: return '\\n';
    case 13: return '\\r';
    case 34: return '\\"';
    case 39: return "\\'";
    case 92: return '\\\\';
  }
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
}

/** A double as Python's repr() writes it (TFDV writes schemas with Python's protobuf). */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // Shortest digits that read back as x, and the power of ten of the first one.
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const point = Number(exp) + 1; // digits are 0.d1d2... × 10^point
  if (point > 16 || point <= -4) {
    const e = Number(exp);
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A 32-bit float field as Python's protobuf writes it: the float rounded to 6 significant digits,
 * or 7, 8, 9 until it reads back as the same float, then written as a double.
 */
export function formatFloat(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f) || f === 0) return formatDouble(f);
  for (let precision = 6; precision < 9; precision++) {
    const shorter = roundToSignificant(f, precision);
    if (Math.fround(shorter) === f) return formatDouble(shorter);
  }
  return formatDouble(roundToSignificant(f, 9));
}

/**
 * x rounded to `digits` significant decimal digits, ties to even on x's exact binary value, as
 * printf's %g does (toPrecision rounds ties up: 2633.28125 would become 2633.2813, not 2633.2812).
 */
function roundToSignificant(x: number, digits: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mantissa = bits & ((1n << 52n) - 1n);
  if (biased !== 0) mantissa |= 1n << 52n;
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  // |x| = exact × 10^exp10, exactly.
  const exact = exp2 >= 0 ? mantissa << BigInt(exp2) : mantissa * 5n ** BigInt(-exp2);
  const exp10 = exp2 >= 0 ? 0 : exp2;
  const text = exact.toString();
  if (text.length <= digits) return x;
  const rest = text.slice(digits);
  let kept = BigInt(text.slice(0, digits));
  const beyondHalf = rest[0] > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
  const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
  if (beyondHalf || (tie && kept % 2n === 1n)) kept += 1n;
  const rounded = Number(`${kept}e${exp10 + rest.length}`);
  return x < 0 ? -rounded : rounded;
}

class Printer {
  private readonly lines: string[] = [];

  constructor(private readonly options: PrintOptions) {}

  text(): string {
    return this.lines.map(l => `${l}\n`).join('');
  }

  private bad(path: string, expected: string, v: unknown): never {
    const shown = typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v);
    throw new UserError(`cannot write ${path}: expected ${expected}, found ${shown}`);
  }

  message(msg: Msg, info: MessageInfo, depth: number, path: string): void {
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) this.bad(path || info.name, `a ${info.name} message`, msg);
    const indent = '  '.repeat(depth);
    const child = (name: string) => (path ? `${path}.${name}` : name);
    if (info.name === 'Any' && msg.expanded !== undefined) {
      if (msg.value !== undefined && msg.value !== '') throw new UserError(`cannot write ${path}: an Any has "expanded" and "value"; keep one`);
      if (typeof msg.type_url !== 'string' || !msg.type_url.includes('/')) this.bad(child('type_url'), 'a type URL (type.googleapis.com/package.Message)', msg.type_url);
      this.lines.push(`${indent}[${msg.type_url}] {`);
      this.untyped(msg.expanded as TextField[], depth + 1, child('expanded'));
      this.lines.push(`${indent}}`);
      return;
    }
    const oneofs = new Map<string, string>();
    for (const field of info.fields) {
      const v = msg[field.name];
      if (v === undefined) continue;
      if (field.oneof) {
        const other = oneofs.get(field.oneof);
        if (other) throw new UserError(`cannot write ${path || info.name}: "${other}" and "${field.name}" are both set, but they belong to oneof ${field.oneof} of ${info.name}`);
        oneofs.set(field.oneof, field.name);
      }
      const fieldPath = child(field.name);
      if (field.kind === 'map') {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) this.bad(fieldPath, 'an object (a map)', v);
        const valueInfo = MESSAGES[field.type!];
        for (const key of Object.keys(v).sort(compareCodePoints)) {
          this.lines.push(`${indent}${field.name} {`);
          this.lines.push(`${indent}  key: ${this.string(key, `${fieldPath}[${JSON.stringify(key)}]`)}`);
          this.lines.push(`${indent}  value {`);
          this.message((v as Msg)[key] as Msg, valueInfo, depth + 2, `${fieldPath}[${JSON.stringify(key)}]`);
          this.lines.push(`${indent}  }`);
          this.lines.push(`${indent}}`);
        }
      } else if (field.repeated) {
        if (!Array.isArray(v)) this.bad(fieldPath, 'an array', v);
        v.forEach((item, i) => this.value(field, item, depth, `${fieldPath}[${i}]`));
      } else if (!(field.implicit && isDefault(field, v))) {
        this.value(field, v, depth, fieldPath);
      }
    }
  }

  private value(field: FieldInfo, v: unknown, depth: number, path: string): void {
    const indent = '  '.repeat(depth);
    if (field.kind === 'message') {
      this.lines.push(`${indent}${field.name} {`);
      this.message(v as Msg, MESSAGES[field.type!], depth + 1, path);
      this.lines.push(`${indent}}`);
    } else {
      this.lines.push(`${indent}${field.name}: ${this.scalar(field, v, path)}`);
    }
  }

  private scalar(field: FieldInfo, v: unknown, path: string): string {
    switch (field.kind) {
      case 'string':
        return this.string(v, path);
      case 'bytes':
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) this.bad(path, 'base64 bytes', v);
        return quote(Buffer.from(v, 'base64'), false);
      case 'bool':
        if (typeof v !== 'boolean') this.bad(path, 'true or false', v);
        return String(v);
      case 'enum': {
        const info = ENUMS[field.type!];
        if (typeof v !== 'string' || !info.values.some(([name]) => name === v)) this.bad(path, `a value of ${info.name}`, v);
        return v;
      }
      case 'double':
        if (typeof v !== 'number') this.bad(path, 'a number', v);
        return formatDouble(v);
      case 'float':
        if (typeof v !== 'number') this.bad(path, 'a number', v);
        return formatFloat(v);
      default: {
        const [min, max] = INT_LIMITS[field.kind];
        const ok = (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
        if (!ok || BigInt(v) < min || BigInt(v) > max) this.bad(path, `an integer from ${min} to ${max} (${field.kind})`, v);
        return BigInt(v).toString();
      }
    }
  }

  private string(v: unknown, path: string): string {
    // A lone surrogate has no UTF-8 form: it would be written as U+FFFD and lost.
    if (typeof v !== 'string' || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v)) {
      this.bad(path, 'a string of Unicode text', v);
    }
    return quote(utf8.encode(v), this.options.asUtf8 ?? false);
  }

  private untyped(fields: TextField[], depth: number, path: string): void {
    if (!Array.isArray(fields)) this.bad(path, 'an array of fields', fields);
    const indent = '  '.repeat(depth);
    for (const f of fields) {
      if (Array.isArray(f.value)) {
        this.lines.push(`${indent}${f.name} {`);
        this.untyped(f.value, depth + 1, `${path}.${f.name}`);
        this.lines.push(`${indent}}`);
      } else {
        this.lines.push(`${indent}${f.name}: ${f.value}`);
      }
    }
  }
}

/** Writes a message of the given type in text format. */
export function printTextMessage<K extends MessageName>(msg: MessageTypes[K], type: K, options: PrintOptions = {}): string {
  const info = MESSAGES[type];
  if (!info) throw new Error(`unknown message type ${type}`);
  const printer = new Printer(options);
  printer.message(msg as unknown as Msg, info, 0, '');
  return printer.text();
}

/** Writes a schema as TFDV does (schema.pbtxt). */
export function printSchemaText(schema: Schema, options: PrintOptions = {}): string {
  return printTextMessage(schema, 'Schema', options);
}

/** Writes a schema.pbtxt file atomically. */
export function writeSchema(file: string, schema: Schema, options: PrintOptions = {}): void {
  writeFileAtomic(file, printSchemaText(schema, options));
}

// ---------------------------------------------------------------------------------------------
// Positions: where each field is written, for edits that change one place of a schema and keep
// the rest of the text (comments, layout) as the user wrote it. Additive: reading and writing
// above do not use it.

/** 0-based line and UTF-16 column (as editors count them; a byte order mark is not counted). */
export interface TextPos { line: number; character: number }

/** A field as written: a scalar, a message (with its fields) or a `[...]` list (with its items). */
export interface FieldNode {
  /** The field name; `[type.googleapis.com/x.Y]` for an expanded Any or extension. */
  name: string;
  /** Its first character (the field name; for a list item, the item's first character). */
  start: TextPos;
  /** Just after its last character (value, `}`/`>` or `]`); a `,` or `;` after it is not included. */
  end: TextPos;
  /** A scalar: its value, strings decoded (adjacent strings joined), other values as written. */
  value?: string;
  /** A scalar: where its value is written (strings with their quotes, a minus sign included). */
  valueStart?: TextPos;
  valueEnd?: TextPos;
  /** A message: its fields and its braces. */
  fields?: FieldNode[];
  open?: TextPos;
  close?: TextPos;
  /** A list: its items (each with this node's name) and its closing bracket. */
  items?: FieldNode[];
  listClose?: TextPos;
}

const lenientUtf8 = new TextDecoder('utf-8');

function posOf(t: Token): TextPos {
  return { line: t.line - 1, character: t.column - 1 };
}

function endOf(t: Token): TextPos {
  // Tokens never span lines (a string ends on its line).
  return { line: t.line - 1, character: t.column - 1 + t.text.length };
}

class Outliner {
  constructor(private readonly lex: Lexer) {}

  fields(open?: Token): { fields: FieldNode[]; close?: Token } {
    const close = open ? (open.text === '<' ? '>' : '}') : undefined;
    const out: FieldNode[] = [];
    for (;;) {
      const t = this.lex.peek();
      if (t.kind === 'end') {
        if (open) this.lex.fail(`expected "${close}" to close the message opened at ${open.line}:${open.column}`, t);
        return { fields: out };
      }
      if (close && isSymbol(t, close)) return { fields: out, close: this.lex.next() };
      out.push(this.field());
      if (isSymbol(this.lex.peek(), ',', ';')) this.lex.next();
    }
  }

  private field(): FieldNode {
    const nameTok = this.lex.next();
    let name: string;
    if (isSymbol(nameTok, '[')) {
      name = '[';
      for (let t = this.lex.next(); !isSymbol(t, ']'); t = this.lex.next()) {
        if (t.kind === 'end') this.lex.fail('expected "]"', t);
        name += t.text;
      }
      name += ']';
    } else if (nameTok.kind === 'identifier') {
      name = nameTok.text;
    } else {
      this.lex.fail(`expected a field name, found ${describe(nameTok)}`, nameTok);
    }
    if (isSymbol(this.lex.peek(), ':')) this.lex.next();
    if (isSymbol(this.lex.peek(), '[')) {
      this.lex.next();
      const items: FieldNode[] = [];
      let t = this.lex.peek();
      if (isSymbol(t, ']')) t = this.lex.next();
      else {
        for (;;) {
          items.push(this.value(name));
          t = this.lex.next();
          if (isSymbol(t, ']')) break;
          if (!isSymbol(t, ',')) this.lex.fail(`expected "," or "]", found ${describe(t)}`, t);
        }
      }
      return { name, start: posOf(nameTok), end: endOf(t), items, listClose: posOf(t) };
    }
    return { ...this.value(name), start: posOf(nameTok) };
  }

  /** One value (a message or a scalar); its start is its first token. */
  private value(name: string): FieldNode {
    const first = this.lex.peek();
    if (isSymbol(first, '{', '<')) {
      const open = this.lex.next();
      const { fields, close } = this.fields(open);
      return { name, start: posOf(open), end: endOf(close!), fields, open: posOf(open), close: posOf(close!) };
    }
    this.lex.next();
    let last = first;
    let value: string;
    if (first.kind === 'string') {
      const parts: Uint8Array[] = [first.bytes!];
      while (this.lex.peek().kind === 'string') parts.push((last = this.lex.next()).bytes!);
      value = lenientUtf8.decode(Buffer.concat(parts));
    } else if (isSymbol(first, '-')) {
      last = this.lex.next();
      value = `-${last.text}`;
    } else if (first.kind === 'number' || first.kind === 'identifier') {
      value = first.text;
    } else {
      this.lex.fail(`expected a value, found ${describe(first)}`, first);
    }
    return { name, start: posOf(first), end: endOf(last), value, valueStart: posOf(first), valueEnd: endOf(last) };
  }
}

/**
 * The fields of a text-format message as written, with their positions (see FieldNode). Only the
 * syntax is read (any field name is accepted): parse the text with parseSchemaText first to know
 * that it is a valid schema.
 */
export function outlineText(text: string, file = '<input>'): FieldNode[] {
  return new Outliner(new Lexer(text, file)).fields().fields;
}

/** A string literal as the writer writes it (C escapes; non-ASCII as octal escapes unless asUtf8). */
export function formatString(s: string, options: PrintOptions = {}): string {
  return quote(utf8.encode(s), options.asUtf8 ?? false);
}
