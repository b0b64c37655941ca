/**
 * Deleting links (Linkly chapter 7). `link::delete` is the trusted, immediate delete; the browser may only
 * call `link::request_delete`, which first asks a human through the browser-registered
 * `user::confirm_destructive_op` and deletes only on `{confirmed: true}`.
 */
import type { LinkDeps } from './handlers.ts';
import { DB, DELETE_CLICKS, DELETE_LINK, SELECT_URL } from './sql.ts';
import { asRecord, LinkError, parseCode } from './validate.ts';

export const CONFIRM_FUNCTION = 'user::confirm_destructive_op';
/** A person reads the prompt: give them longer than a machine call gets. */
const CONFIRM_TIMEOUT_MS = 120_000;

export interface DeleteResult {
  code: string;
  deleted: boolean;
}

export function createDeleteHandlers(deps: Pick<LinkDeps, 'trigger' | 'logger'>) {
  const { trigger, logger } = deps;

  /** link::delete {code} → {code, deleted: true}: the SQL rows, then the state cache. */
  async function remove(input: unknown): Promise<DeleteResult> {
    const code = parseCode(asRecord(input).code);
    const result = asRecord(await trigger({ function_id: 'database::execute', payload: { db: DB, sql: DELETE_LINK, params: [code] } }));
    if (result.affected_rows === 0) throw new LinkError('E_LINK_NOT_FOUND', `link "${code}" not found`);
    await trigger({ function_id: 'database::execute', payload: { db: DB, sql: DELETE_CLICKS, params: [code] } });
    await trigger({ function_id: 'state::delete', payload: { scope: 'links', key: code } });
    logger.info('link deleted', { code });
    return { code, deleted: true };
  }

  /** Ask the browser; a missing tab or an unanswered prompt is a coded error, never a hang. */
  async function confirm(code: string): Promise<boolean> {
    try {
      const answer = asRecord(
        await trigger({ function_id: CONFIRM_FUNCTION, payload: { code, action: `delete ${code}` }, timeoutMs: CONFIRM_TIMEOUT_MS }),
      );
      return answer.confirmed === true;
    } catch (err) {
      const c = (err as { code?: unknown }).code;
      if (c === 'function_not_found' || c === 'invocation_stopped')
        throw new LinkError('E_LINK_NO_BROWSER', 'no browser is connected to confirm the delete: open the Linkly page and try again');
      if (c === 'TIMEOUT' || /timeout/i.test(String(err)))
        throw new LinkError('E_LINK_CONFIRM_TIMEOUT', `nobody answered the confirm prompt within ${CONFIRM_TIMEOUT_MS / 1000} s`);
      throw err;
    }
  }

  return {
    delete: remove,

    /** link::request_delete {code} → {code, deleted}: deletes only after the browser's OK. */
    async requestDelete(input: unknown): Promise<DeleteResult> {
      const code = parseCode(asRecord(input).code);
      // Nobody should be asked to confirm deleting a link that does not exist.
      const found = asRecord(await trigger({ function_id: 'database::query', payload: { db: DB, sql: SELECT_URL, params: [code] } }));
      if (!Array.isArray(found.rows) || found.rows.length === 0) throw new LinkError('E_LINK_NOT_FOUND', `link "${code}" not found`);
      if (!(await confirm(code))) {
        logger.info('delete not confirmed', { code });
        return { code, deleted: false };
      }
      return remove({ code });
    },
  };
}
