/**
 * The SQL that makes PostgreSQL announce writes to a table: one plpgsql function (installed once per
 * database, versioned by name) and three statement-level AFTER triggers per watched table.
 *
 * Why statement-level with transition tables (PostgreSQL ≥ 10) rather than FOR EACH ROW: one NOTIFY per
 * statement carries the row count (the reference event's `affected_rows`), and PostgreSQL folds identical
 * NOTIFY payloads within one transaction, which would lose per-row events anyway. Nothing is sent for a
 * statement that changed no row, and NOTIFY is transactional: a rolled-back write announces nothing.
 */

export const CHANNEL = 'triad_row_changed';
export const FUNCTION = 'triad_row_changed_v1';
/** Serialises installs from several engines (CREATE OR REPLACE FUNCTION races otherwise). */
export const INSTALL_LOCK = "SELECT pg_advisory_xact_lock(hashtext('triad_row_changed'))";

export const CREATE_FUNCTION = `
CREATE OR REPLACE FUNCTION ${FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $triad$
DECLARE n bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN SELECT count(*) INTO n FROM triad_old; ELSE SELECT count(*) INTO n FROM triad_new; END IF;
  IF n > 0 THEN
    PERFORM pg_notify('${CHANNEL}', json_build_object(
      'table', TG_TABLE_NAME, 'op', lower(TG_OP), 'n', n,
      'origin', coalesce(current_setting('triad.origin', true), ''),
      'at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text);
  END IF;
  RETURN NULL;
END $triad$`;

const TRANSITION: Record<'insert' | 'update' | 'delete', string> = {
  insert: 'NEW TABLE AS triad_new',
  update: 'NEW TABLE AS triad_new',
  delete: 'OLD TABLE AS triad_old',
};

export function triggerName(op: keyof typeof TRANSITION): string {
  return `triad_row_changed_${op}`;
}

/** `relation` is `oid::regclass::text`, which PostgreSQL has already quoted as needed. */
export function createTrigger(op: keyof typeof TRANSITION, relation: string): string {
  return `CREATE TRIGGER ${triggerName(op)} AFTER ${op.toUpperCase()} ON ${relation} REFERENCING ${TRANSITION[op]} FOR EACH STATEMENT EXECUTE PROCEDURE ${FUNCTION}()`;
}

export const OPS = Object.keys(TRANSITION) as (keyof typeof TRANSITION)[];
