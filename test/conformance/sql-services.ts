/** Where the SQL conformance and e2e suites find PostgreSQL and MariaDB/MySQL, and whether they are there. */
import mysql from 'mysql2/promise';
import pg from 'pg';

/** @default postgres://postgres@127.0.0.1:5432/test */
export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** @default mysql://root@127.0.0.1:3306/test */
export const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** undefined when PostgreSQL answers, else the reason it does not. */
export async function pgReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `${PG_URL}: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** undefined when MariaDB / MySQL answers, else the reason it does not. */
export async function mysqlReachable(): Promise<string | undefined> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 2000 });
    await conn.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `${MYSQL_URL}: ${(err as Error).message}`;
  } finally {
    await conn?.end().catch(() => {});
  }
}
