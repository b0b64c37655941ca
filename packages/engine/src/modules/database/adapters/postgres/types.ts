/** The slice of `pg` the adapter uses, written structurally so no driver types leak out of the adapter. */
export interface PgField {
  name: string;
  dataTypeID: number;
}

export interface PgResult {
  rows: unknown[][];
  fields: PgField[];
  rowCount: number | null;
  /** The command tag (`SELECT`, `COMMIT`, or `ROLLBACK` for a COMMIT of an aborted transaction). */
  command?: string;
}

export interface PgQueryConfig {
  text: string;
  values?: unknown[];
  rowMode: 'array';
  /** Always the extended protocol: one statement per call, parameters bound server-side. */
  queryMode: 'extended';
}

export interface PgClient {
  query(config: PgQueryConfig): Promise<PgResult>;
  release(destroy?: Error | boolean): void;
}

export interface PgPool {
  connect(): Promise<PgClient>;
  readonly totalCount: number;
  readonly idleCount: number;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}
