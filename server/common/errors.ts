/** An error the user can act on: names the file (and line/column where known) and the reason. */
export class UserError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = 'UserError';
  }

  /** "file:line:col: message" as compilers print it. */
  describe(): string {
    if (!this.file) return this.message;
    const where = this.line !== undefined ? `${this.file}:${this.line}${this.column !== undefined ? `:${this.column}` : ''}` : this.file;
    return `${where}: ${this.message}`;
  }
}

/** Thrown when an AbortSignal fires; callers translate it into their own cancellation. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

export function describeError(err: unknown): string {
  if (err instanceof UserError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
