import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken, type Connection, type WorkDoneProgressParams } from 'vscode-languageserver/node';
import { CancelledError, UserError } from '../common/errors';
import { USER_ERROR_CODE, type UserErrorData } from '../../shared/protocol';

export interface Job {
  signal: AbortSignal;
  report(message: string, percentage?: number): void;
}

/**
 * Runs a long request: `$/progress` begin/report/end on the client's token, an AbortSignal
 * that fires when the client cancels, and errors mapped to LSP responses (cancellation to
 * RequestCancelled, bad input to USER_ERROR_CODE with the file it concerns).
 */
export async function runJob<T>(
  connection: Connection, title: string, params: WorkDoneProgressParams, token: CancellationToken, fn: (job: Job) => Promise<T>,
): Promise<T> {
  const workDone = connection.window.attachWorkDoneProgress(params.workDoneToken);
  const abort = new AbortController();
  const sub = token.onCancellationRequested(() => abort.abort());
  workDone.begin(title, undefined, undefined, true);
  let last = '';
  try {
    return await fn({
      signal: abort.signal,
      report(message, percentage) {
        if (message === last) return;
        last = message;
        workDone.report(percentage ?? 0, message);
      },
    });
  } catch (err) {
    throw toResponseError(err, abort.signal.aborted);
  } finally {
    sub.dispose();
    workDone.done();
  }
}

export function toResponseError(err: unknown, cancelled = false): ResponseError<unknown> {
  if (err instanceof ResponseError) return err;
  if (err instanceof CancelledError || cancelled) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  if (err instanceof UserError) {
    const data: UserErrorData = { file: err.file, line: err.line, column: err.column };
    return new ResponseError(USER_ERROR_CODE, err.describe(), data);
  }
  return new ResponseError(ErrorCodes.InternalError, err instanceof Error ? err.message : String(err));
}
