/**
 * The three database servers the e2e suites run against, each skipped (saying why) when unreachable —
 * except under CI=true, where `.ci/run` started them and an unreachable one fails the test.
 */
import { MYSQL_URL, mysqlReachable, PG_URL, pgReachable } from '../../conformance/sql-services.ts';

export interface E2eDialect {
  name: 'sqlite' | 'postgres' | 'mysql';
  /** The `url` for config/database.yaml. */
  url: string;
  /** An auto-increment primary key column type. */
  idDdl: string;
  /** A short text column usable as a key on every server (MariaDB hashes UNIQUE TEXT). */
  keyDdl: string;
  /** `false` to run, else why it is skipped. */
  skip: false | string;
}

async function skipUnless(problem: Promise<string | undefined>, what: string): Promise<false | string> {
  const p = await problem;
  if (p === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`${what} must be reachable under CI=true: ${p}`);
  return `${what} unreachable (${p}); skipped`;
}

export async function e2eDialects(): Promise<E2eDialect[]> {
  return [
    { name: 'sqlite', url: 'sqlite:./data/iii.db', idDdl: 'INTEGER PRIMARY KEY AUTOINCREMENT', keyDdl: 'TEXT', skip: false },
    { name: 'postgres', url: PG_URL, idDdl: 'BIGSERIAL PRIMARY KEY', keyDdl: 'TEXT', skip: await skipUnless(pgReachable(), 'PostgreSQL') },
    {
      name: 'mysql',
      url: MYSQL_URL,
      idDdl: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
      keyDdl: 'VARCHAR(64)',
      skip: await skipUnless(mysqlReachable(), 'MariaDB'),
    },
  ];
}
