import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { StringDecoder } from "node:string_decoder";
import { createGunzip, createGzip } from "node:zlib";
import { Decrypter, Encrypter } from "age-encryption";
import { is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { type Database, type Executor, queryRows } from "./client.ts";
import * as schema from "./schema/index.ts";

/**
 * Logical backups: every table's rows as JSON lines, gzipped, read in one consistent snapshot, and
 * optionally encrypted with age (a passphrase or age recipients). The same file restores into
 * PGlite or PostgreSQL, so it also moves a deployment between them. The file is written 0600 under
 * a temporary name and renamed when complete.
 */
export const backupFormat = "pathways-backup";
const batchSize = 2000;
const ageMagic = "age-encryption.org/v1\n";

/**
 * Tables a backup leaves out: sessions, sign-in attempts and sign-in challenges are short-lived
 * secrets and counters; a restored deployment signs everyone in again.
 */
export const tablesLeftOutOfBackups = new Set(["sessions", "login_attempts", "sign_in_challenges"]);

interface Header {
  format: typeof backupFormat;
  version: 1;
  createdAt: string;
  migrations: number;
  tables: string[];
}

/** Tables in an order where each comes after the tables its foreign keys point at. */
export function tablesInDependencyOrder(): PgTable[] {
  const tables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable =>
    is(value, PgTable),
  );
  const byName = new Map(tables.map((table) => [getTableConfig(table).name, table]));
  const ordered: PgTable[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.some((table) => getTableConfig(table).name === name) || visiting.has(name)) return;
    visiting.add(name);
    for (const foreignKey of getTableConfig(byName.get(name)!).foreignKeys) {
      const target = getTableConfig(foreignKey.reference().foreignTable).name;
      if (target !== name) visit(target);
    }
    ordered.push(byName.get(name)!);
  };
  for (const name of [...byName.keys()].sort()) visit(name);
  return ordered;
}

/** The backed-up tables by name, in dependency order. */
function backedUpTables(): string[] {
  return tablesInDependencyOrder()
    .map((table) => getTableConfig(table).name)
    .filter((name) => !tablesLeftOutOfBackups.has(name));
}

/** Each table's column names as the database has them (the names row_to_json writes). */
async function columnsByTable(db: Executor): Promise<Map<string, Set<string>>> {
  const rows = await queryRows<{ table_name: string; column_name: string }>(
    db,
    sql`select table_name::text, column_name::text from information_schema.columns where table_schema = 'public'`,
  );
  const columns = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!columns.has(row.table_name)) columns.set(row.table_name, new Set());
    columns.get(row.table_name)!.add(row.column_name);
  }
  return columns;
}

async function migrationCount(db: Executor): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  );
  return row?.n ?? 0;
}

export type BackupProgress = (table: string, rows: number) => void;

/** How a backup is encrypted: with a passphrase, or for age recipients (public keys `age1…`). */
export type BackupEncryption = { passphrase: string; scryptWorkFactor?: number } | { recipients: string[] };
/** What opens an encrypted backup: its passphrase, or age identities (`AGE-SECRET-KEY-1…`). */
export type BackupKey = { passphrase: string } | { identities: string[] };

export interface BackupOptions {
  progress?: BackupProgress;
  encryption?: BackupEncryption;
  /** Who made it, for the audit event (the CLI passes its user). */
  actorName?: string;
}

/** A backup that cannot be written as asked (a recipient that is not an age public key). */
export class BackupRefused extends Error {}

export async function backupDatabase(db: Database, file: string, options: BackupOptions = {}) {
  const encrypter = options.encryption ? encrypterFor(options.encryption) : null;
  const partial = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(4).toString("hex")}.partial`,
  );
  const gzip = createGzip();
  // Owner-only from the first byte: the file holds password hashes and person-level records.
  const out = createWriteStream(partial, { mode: 0o600, flags: "wx" });
  const written = encrypter
    ? encrypter
        .encrypt(Readable.toWeb(gzip) as unknown as ReadableStream<Uint8Array>)
        .then((encrypted) =>
          pipeline(Readable.fromWeb(encrypted as unknown as WebReadableStream<Uint8Array>), out),
        )
    : pipeline(gzip, out);
  const write = async (text: string) => {
    if (!gzip.write(text)) await once(gzip, "drain");
  };
  const counts: Record<string, number> = {};
  try {
    await db.transaction(
      async (tx) => {
        const tables = backedUpTables();
        const header: Header = {
          format: backupFormat,
          version: 1,
          createdAt: new Date().toISOString(),
          migrations: await migrationCount(tx),
          tables,
        };
        await write(`${JSON.stringify(header)}\n`);
        for (const table of tables) {
          await write(`${JSON.stringify({ table })}\n`);
          let rows = 0;
          // A cursor streams a large table without holding it all in memory.
          await tx.execute(
            sql.raw(
              `declare backup_rows no scroll cursor for select row_to_json(t)::text as j from "${table}" t`,
            ),
          );
          for (;;) {
            const batch = await queryRows<{ j: string }>(tx, sql.raw(`fetch ${batchSize} from backup_rows`));
            for (const { j } of batch) await write(`${j}\n`);
            rows += batch.length;
            if (batch.length < batchSize) break;
          }
          await tx.execute(sql.raw("close backup_rows"));
          await write(`${JSON.stringify({ end: table, rows })}\n`);
          counts[table] = rows;
          options.progress?.(table, rows);
        }
        const sequences = await queryRows<{ name: string; value: string | null }>(
          tx,
          sql`select sequencename as name, last_value::text as value from pg_sequences where schemaname = 'public'`,
        );
        await write(
          `${JSON.stringify({ sequences: Object.fromEntries(sequences.map((s) => [s.name, s.value])) })}\n`,
        );
      },
      { isolationLevel: "repeatable read", accessMode: "read only" },
    );
    gzip.end();
    await written;
    await rename(partial, file);
  } catch (error) {
    gzip.destroy();
    await written.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
  await db.insert(schema.auditEvents).values({
    actorKind: "system",
    actorName: options.actorName ?? "backup",
    action: encrypter ? "backup_encrypted" : "backup",
    entity: "database",
    entityId: path.basename(file),
  });
  return counts;
}

function encrypterFor(encryption: BackupEncryption): Encrypter {
  const encrypter = new Encrypter();
  if ("passphrase" in encryption) {
    if (encryption.passphrase.length === 0) throw new BackupRefused("The backup passphrase is empty.");
    encrypter.setPassphrase(encryption.passphrase);
    if (encryption.scryptWorkFactor) encrypter.setScryptWorkFactor(encryption.scryptWorkFactor);
    return encrypter;
  }
  if (encryption.recipients.length === 0) throw new BackupRefused("No age recipient was given.");
  for (const [index, recipient] of encryption.recipients.entries()) {
    try {
      encrypter.addRecipient(recipient);
    } catch {
      throw new BackupRefused(`Recipient ${index + 1} is not an age public key (age1…).`);
    }
  }
  return encrypter;
}

/**
 * A restore refused because of the file: the message names the file, the line and the column (and
 * the table and column names where they help) and never a value from the file or a stack trace.
 */
export class RestoreRefused extends Error {}

export interface RestoreOptions {
  progress?: BackupProgress;
  /** Needed for an encrypted backup. */
  key?: BackupKey;
  actorName?: string;
}

/** Restores a backup into an empty database migrated to the same version, all or nothing. */
export async function restoreDatabase(db: Database, file: string, options: RestoreOptions = {}) {
  const lines = new BackupLines(file, await decompressedStream(file, options.key));
  try {
    return await restoreLines(db, file, lines, options);
  } finally {
    lines.close();
  }
}

async function restoreLines(db: Database, file: string, lines: BackupLines, options: RestoreOptions) {
  const refuse = (line: number, column: number, what: string) =>
    new RestoreRefused(`${file}:${line}:${column}: ${what}`);
  const first = await lines.next();
  const header = first === null ? null : parseObject(first);
  if (!header || "error" in header || header.value.format !== backupFormat)
    throw refuse(1, 1, "this is not a Pathways backup (its first line is not a Pathways backup header).");
  const known = new Set(backedUpTables());
  const tables = (header.value as Partial<Header>).tables;
  if (!Array.isArray(tables) || tables.some((table) => typeof table !== "string" || !known.has(table)))
    throw refuse(1, 1, "the header lists a table this version of Pathways does not back up.");
  const migrations = await migrationCount(db);
  if (header.value.migrations !== migrations) {
    throw refuse(
      1,
      1,
      `the backup was made at migration ${Number(header.value.migrations)} but this database is at ${migrations}; restore with the matching version of Pathways.`,
    );
  }
  const counts: Record<string, number> = {};
  const columnsOf = await columnsByTable(db);
  await db.transaction(async (tx) => {
    for (const table of tables as string[]) {
      const [row] = await queryRows<{ n: number }>(tx, sql.raw(`select count(*)::int as n from "${table}"`));
      if ((row?.n ?? 0) > 0)
        throw new RestoreRefused(
          `The database is not empty (table ${table} has rows): restore needs an empty one.`,
        );
    }
    for (;;) {
      const text = await lines.next();
      if (text === null) break;
      const at = lines.line;
      const parsed = parseObject(text);
      if ("error" in parsed) throw refuse(at, parsed.column, "this line is not valid JSON.");
      const marker = parsed.value;
      if ("sequences" in marker) {
        const sequences = marker.sequences as Record<string, unknown>;
        for (const [name, value] of Object.entries(sequences ?? {})) {
          if (value === null) continue;
          if (
            typeof value !== "string" ||
            !/^-?\d{1,19}$/.test(value) ||
            !/^[a-z_][a-z0-9_]{0,62}$/.test(name)
          )
            throw refuse(at, 1, "the sequences line holds something that is not a sequence and its number.");
          await savepoint(tx, () =>
            tx.execute(sql`select setval(${`public."${name}"`}::regclass, ${value}::bigint)`),
          ).catch((error: unknown) => {
            throw refuse(at, 1, `sequence ${name}: ${describeSqlError(error)}`);
          });
        }
        continue;
      }
      const table = marker.table;
      if (typeof table !== "string" || !(tables as string[]).includes(table))
        throw refuse(at, 1, "expected the start of a table the header lists, or the sequences.");
      const columns = columnsOf.get(table) ?? new Set<string>();
      let batch: { text: string; line: number }[] = [];
      let rows = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        await insertRows(tx, table, batch, refuse);
        rows += batch.length;
        batch = [];
      };
      for (;;) {
        const rowText = await lines.next();
        if (rowText === null)
          throw refuse(lines.line + 1, 1, `the file ends in the middle of table ${table}: it is incomplete.`);
        const line = lines.line;
        const row = parseObject(rowText);
        if ("error" in row) throw refuse(line, row.column, `table ${table}: this line is not valid JSON.`);
        if ("end" in row.value && Object.keys(row.value).length <= 2) {
          await flush();
          if (row.value.end !== table || row.value.rows !== rows)
            throw refuse(
              line,
              1,
              `table ${table} ends here with ${rows} rows, but the file says it has ${Number(row.value.rows)}: lines are missing or extra.`,
            );
          break;
        }
        for (const key of Object.keys(row.value)) {
          if (columns.has(key)) continue;
          const column = rowText.indexOf(`${JSON.stringify(key)}:`) + 1 || 1;
          const named = /^[a-z_][a-z0-9_]{0,62}$/.test(key) ? ` "${key}"` : "";
          throw refuse(line, column, `table ${table} has no column${named}.`);
        }
        batch.push({ text: rowText, line });
        if (batch.length >= batchSize) await flush();
      }
      counts[table] = rows;
      options.progress?.(table, rows);
    }
    await tx.insert(schema.auditEvents).values({
      actorKind: "system",
      actorName: options.actorName ?? "restore",
      action: "restore",
      entity: "database",
      entityId: path.basename(file),
    });
  });
  return counts;
}

/** Runs `work` in a savepoint, so a refused statement leaves the restore's transaction usable. */
function savepoint<T>(tx: Executor, work: () => Promise<T>): Promise<T> {
  return (tx as Database).transaction(() => work());
}

/**
 * Inserts a batch; when the database refuses it, the rows are tried one by one to name the line
 * that was refused. The message says why by SQLSTATE and names, never with the row's values.
 */
async function insertRows(
  tx: Executor,
  table: string,
  batch: { text: string; line: number }[],
  refuse: (line: number, column: number, what: string) => RestoreRefused,
) {
  const insert = (rows: { text: string }[]) =>
    tx.execute(
      sql`insert into ${sql.identifier(table)} overriding system value select * from json_populate_recordset(null::${sql.identifier(table)}, ${`[${rows.map((row) => row.text).join(",")}]`}::json)`,
    );
  try {
    await savepoint(tx, () => insert(batch));
    return;
  } catch (error) {
    if (!sqlState(error)) throw error;
  }
  for (const row of batch) {
    try {
      await savepoint(tx, () => insert([row]));
    } catch (error) {
      if (!sqlState(error)) throw error;
      const column = errorField(error, "column_name", "column");
      const at = column ? row.text.indexOf(`${JSON.stringify(column)}:`) + 1 || 1 : 1;
      throw refuse(row.line, at, `table ${table}: ${describeSqlError(error)}`);
    }
  }
  throw refuse(
    batch[0]!.line,
    1,
    `table ${table}: the rows from here to line ${batch.at(-1)!.line} were refused together.`,
  );
}

/** The SQLSTATE of a database error, through wrapping errors' causes. */
function sqlState(error: unknown): string | undefined {
  for (let current: unknown = error; current && typeof current === "object"; ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A name field of a database error (postgres.js and PGlite call them differently). */
function errorField(error: unknown, ...names: string[]): string | undefined {
  for (let current: unknown = error; current && typeof current === "object"; ) {
    for (const name of names) {
      const value = (current as Record<string, unknown>)[name];
      if (typeof value === "string" && /^[a-z_][a-z0-9_]{0,62}$/.test(value)) return value;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why the database refused a row, from its SQLSTATE and names only: PostgreSQL's own message can quote values. */
function describeSqlError(error: unknown): string {
  const code = sqlState(error) ?? "unknown";
  const column = errorField(error, "column_name", "column");
  const constraint = errorField(error, "constraint_name", "constraint");
  const named = constraint ? ` (${constraint})` : "";
  if (code === "23502")
    return `column ${column ? `"${column}"` : ""} is empty but may not be.`.replace("  ", " ");
  if (code === "23505") return `a row repeats a value that must be unique${named}.`;
  if (code === "23503") return `a row refers to a row that is not in the backup${named}.`;
  if (code === "23514" || code === "23P01") return `a row breaks the rule${named}.`;
  if (code === "22001") return "a value is too long for its column.";
  if (code.startsWith("22")) return `a value has the wrong type or form (SQLSTATE ${code}).`;
  if (code === "42703") return "a column does not exist in this version.";
  if (code === "42P01") return "it is not in this database.";
  return `the database refused it (SQLSTATE ${code}).`;
}

/** A JSON object from one line, or the column at which the line stops being valid JSON. */
function parseObject(text: string): { value: Record<string, unknown> } | { error: true; column: number } {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value))
      return { value: value as Record<string, unknown> };
    return { error: true, column: 1 };
  } catch (error) {
    // V8 says where it stopped ("... at position 57"); its message may also quote the text, so only the number is kept.
    const position = /position (\d+)/.exec((error as Error).message);
    return { error: true, column: position ? Number(position[1]) + 1 : text.length + 1 };
  }
}

/** The file's bytes after decryption (when it is an age file), ready to gunzip. */
async function decompressedStream(file: string, key: BackupKey | undefined): Promise<Readable> {
  const handle = await open(file, "r");
  const start = Buffer.alloc(ageMagic.length);
  try {
    await handle.read(start, 0, start.length, 0);
  } finally {
    await handle.close();
  }
  if (start[0] === 0x1f && start[1] === 0x8b) return createReadStream(file);
  if (start.toString("latin1") !== ageMagic)
    throw new RestoreRefused(`${file}:1:1: this is not a Pathways backup (neither gzip nor age-encrypted).`);
  if (!key)
    throw new RestoreRefused(
      `${file}: the backup is encrypted: give its passphrase (--passphrase-file) or its age key (--identity).`,
    );
  const decrypter = new Decrypter();
  if ("passphrase" in key) decrypter.addPassphrase(key.passphrase);
  else {
    for (const [index, identity] of key.identities.entries()) {
      try {
        decrypter.addIdentity(identity);
      } catch {
        throw new RestoreRefused(`Identity ${index + 1} is not an age secret key (AGE-SECRET-KEY-1…).`);
      }
    }
  }
  try {
    const plain = await decrypter.decrypt(
      Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>,
    );
    return Readable.fromWeb(plain as unknown as WebReadableStream<Uint8Array>);
  } catch {
    throw new RestoreRefused(
      `${file}: the backup could not be decrypted: the passphrase or key is wrong, or its header is damaged.`,
    );
  }
}

/** The decompressed file as lines, counting them, with damage reported by the line it follows. */
class BackupLines {
  line = 0;
  private readonly gunzip = createGunzip();
  private readonly chunks: AsyncIterator<Buffer>;
  private readonly decoder = new StringDecoder("utf8");
  private pending: string[] = [];
  private rest = "";
  private ended = false;

  constructor(
    private readonly file: string,
    source: Readable,
  ) {
    source.on("error", (error) => this.gunzip.destroy(error));
    source.pipe(this.gunzip);
    this.chunks = this.gunzip[Symbol.asyncIterator]();
  }

  async next(): Promise<string | null> {
    while (this.pending.length === 0) {
      if (this.ended) return null;
      let result: IteratorResult<Buffer>;
      try {
        result = await this.chunks.next();
      } catch (error) {
        throw this.damage(error);
      }
      if (result.done) {
        this.ended = true;
        const last = this.rest + this.decoder.end();
        this.rest = "";
        if (last.length > 0) this.pending.push(last);
        continue;
      }
      const parts = (this.rest + this.decoder.write(result.value)).split("\n");
      this.rest = parts.pop()!;
      this.pending.push(...parts);
    }
    this.line++;
    return this.pending.shift()!;
  }

  close() {
    this.gunzip.destroy();
  }

  private damage(error: unknown): Error {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT" || code === "EACCES" || code === "EISDIR") return error as Error;
    const after = `after line ${this.line + this.pending.length}`;
    const what =
      code === "Z_BUF_ERROR"
        ? "the compressed data ends early: the file is cut short"
        : code?.startsWith("Z_")
          ? "the compressed data is damaged"
          : "the encrypted data is damaged or was cut short";
    return new RestoreRefused(`${this.file}:${this.line + this.pending.length + 1}:1: ${what} (${after}).`);
  }
}
