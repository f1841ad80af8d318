// The type of one CSV value, decided as TFDV's CSV decoder (tfx_bsl) does with Python's int()
// and float() on the value's bytes: INT if int() accepts it and it fits in int64, STRING if
// int() accepts it but it does not fit, else FLOAT if float() accepts it ("1.5", ".5", "5.",
// "1e-3", "nan", "-inf", "Infinity", in any case), else STRING. Both accept surrounding ASCII
// whitespace, a sign, and single underscores between digits ("1_000").

/** The type lattice of a column: a column takes the greatest type of its values. */
export const enum ValueType {
  Unknown = 0,
  Int = 1,
  Float = 2,
  String = 3,
  Bytes = 4,
}

/** Where classifyNumber() leaves the value of an INT or FLOAT. */
export const parsed = { value: 0 };

const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;

// 10^0 … 10^22 are exact doubles: m * 10^e or m / 10^e with m < 2^53 rounds once, correctly.
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * INT, FLOAT or STRING for the bytes buf[start, end) (not empty). The common spellings are
 * parsed here without making a string; the rest go through slowClassify().
 */
export function classifyNumber(buf: Uint8Array, start: number, end: number): ValueType {
  let i = start;
  let negative = false;
  let c = buf[i];
  if (c === MINUS) {
    negative = true;
    i++;
  } else if (c === PLUS) i++;
  let mantissa = 0;
  const intStart = i;
  while (i < end && (c = buf[i] - ZERO) >= 0 && c <= 9) {
    mantissa = mantissa * 10 + c;
    i++;
  }
  const intDigits = i - intStart;
  if (i === end) {
    if (intDigits === 0 || intDigits > 15) return slowClassify(buf, start, end);
    parsed.value = negative ? 0 - mantissa : mantissa;
    return ValueType.Int;
  }
  let fracDigits = 0;
  if (buf[i] === DOT) {
    const fracStart = ++i;
    while (i < end && (c = buf[i] - ZERO) >= 0 && c <= 9) {
      mantissa = mantissa * 10 + c;
      i++;
    }
    fracDigits = i - fracStart;
  }
  if (intDigits + fracDigits === 0) return slowClassify(buf, start, end);
  let exponent = 0;
  if (i < end && (buf[i] | 0x20) === 0x65) {
    i++;
    let expNegative = false;
    if (buf[i] === MINUS) {
      expNegative = true;
      i++;
    } else if (buf[i] === PLUS) i++;
    const expStart = i;
    while (i < end && (c = buf[i] - ZERO) >= 0 && c <= 9 && exponent < 1e6) {
      exponent = exponent * 10 + c;
      i++;
    }
    if (i === expStart) return slowClassify(buf, start, end);
    if (expNegative) exponent = -exponent;
  }
  if (i !== end || intDigits + fracDigits > 15) return slowClassify(buf, start, end);
  const e10 = exponent - fracDigits;
  if (e10 < -22 || e10 > 22) return slowClassify(buf, start, end);
  const magnitude = e10 < 0 ? mantissa / POW10[-e10] : mantissa * POW10[e10];
  parsed.value = negative ? -magnitude : magnitude;
  return ValueType.Float;
}

const WHITESPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
const DIGITS = String.raw`\d+(?:_\d+)*`;
const INT_RE = new RegExp(`^([+-]?)(${DIGITS})$`);
const FLOAT_RE = new RegExp(`^[+-]?(?:(?:${DIGITS})?\\.${DIGITS}|${DIGITS}\\.?)(?:[eE][+-]?${DIGITS})?$`);
const SPECIAL_RE = /^([+-]?)(inf|infinity|nan)$/i;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Everything classifyNumber() leaves: whitespace, underscores, long digit runs, inf/nan. */
export function slowClassify(buf: Uint8Array, start: number, end: number): ValueType {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1').replace(WHITESPACE, '');
  const int = INT_RE.exec(text);
  if (int) {
    const big = BigInt(int[1] + int[2].replace(/_/g, ''));
    // Python's int() takes any length; TFDV then calls a value outside int64 a STRING.
    if (big < INT64_MIN || big > INT64_MAX) return ValueType.String;
    parsed.value = Number(big);
    return ValueType.Int;
  }
  if (FLOAT_RE.test(text)) {
    parsed.value = Number(text.replace(/_/g, ''));
    return ValueType.Float;
  }
  const special = SPECIAL_RE.exec(text);
  if (special) {
    parsed.value = special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
    return ValueType.Float;
  }
  return ValueType.String;
}
