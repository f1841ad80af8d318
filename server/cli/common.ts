import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../common/errors';

/** Exit codes, as diff(1): 0 nothing found, 1 differences/anomalies found, 2 trouble. */
export const EXIT_SAME = 0;
export const EXIT_DIFFERENT = 1;
export const EXIT_ERROR = 2;

export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

/** parseArgs with usage errors turned into UserErrors that name the command. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message.replace(/\. To specify a positional.*$/s, '')} (see: mlw ${command} --help)`);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** 12,345 */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
