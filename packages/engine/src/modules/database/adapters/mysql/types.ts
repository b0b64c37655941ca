/** The slice of `mysql2/promise` the adapter uses, written structurally so no driver types leak out of the adapter. */
export interface MyField {
  name: string;
  /** Protocol type code (mysql2 `Types`). */
  columnType: number;
  /** 63 = binary: blobs and VARBINARY, as opposed to TEXT / VARCHAR. */
  characterSet: number;
  flags: number;
  columnLength: number;
}

/** What a statement that returns no rows reports. */
export interface MyHeader {
  affectedRows: number;
  insertId: number | string;
}

export type MyResult = [unknown[][] | MyHeader, MyField[] | undefined];

export interface MyConnection {
  execute(options: { sql: string; rowsAsArray: true }, values: unknown[]): Promise<MyResult>;
  query(options: { sql: string; rowsAsArray: true }, values?: unknown[]): Promise<MyResult>;
  release(): void;
  destroy(): void;
}

export interface MyPool {
  getConnection(): Promise<MyConnection>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}
