import { readFileSync } from "node:fs";
import os from "node:os";
import {
  type BackupEncryption,
  type BackupKey,
  BackupRefused,
  backupDatabase,
  RestoreRefused,
  restoreDatabase,
} from "@pathways/db";
import { openDatabase } from "@pathways/server/database";
import type { ServerConfig } from "@pathways/server/env";
import { type Output, UsageError } from "./output.ts";

export interface BackupFlags {
  /** A file whose first line is the passphrase (kept off the command line and the environment). */
  "passphrase-file"?: string;
  /** age public keys (age1…) to encrypt for. */
  recipient?: string[];
  /** Files of age secret keys (AGE-SECRET-KEY-1…) to decrypt with. */
  identity?: string[];
}

/** Who ran the command, for the audit event. */
const actorName = () => `pathways cli (${os.userInfo().username})`;

function readSecretFile(file: string, flag: string): string[] {
  try {
    return readFileSync(file, "utf8")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith("#"));
  } catch {
    throw new UsageError(`${flag} ${file} cannot be read.`);
  }
}

function encryptionFrom(flags: BackupFlags): BackupEncryption | undefined {
  if (flags["passphrase-file"] && flags.recipient?.length)
    throw new UsageError("Give either --passphrase-file or --recipient, not both.");
  if (flags["passphrase-file"]) {
    const [passphrase] = readSecretFile(flags["passphrase-file"], "--passphrase-file");
    if (!passphrase) throw new UsageError(`--passphrase-file ${flags["passphrase-file"]} is empty.`);
    return { passphrase };
  }
  return flags.recipient?.length ? { recipients: flags.recipient } : undefined;
}

function keyFrom(flags: BackupFlags): BackupKey | undefined {
  if (flags["passphrase-file"]) {
    const [passphrase] = readSecretFile(flags["passphrase-file"], "--passphrase-file");
    if (!passphrase) throw new UsageError(`--passphrase-file ${flags["passphrase-file"]} is empty.`);
    return { passphrase };
  }
  if (flags.identity?.length)
    return { identities: flags.identity.flatMap((file) => readSecretFile(file, "--identity")) };
  return undefined;
}

/**
 * What went wrong, in one line without a stack trace or anything read from the file: a refused
 * backup or restore says where and why; anything else says what kind of failure it was.
 */
function failure(command: "backup" | "restore", file: string, error: unknown): UsageError {
  if (error instanceof RestoreRefused || error instanceof BackupRefused)
    return new UsageError(`${error.message} Nothing was written.`);
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return new UsageError(`No file at ${file}. Nothing was written.`);
  if (code === "EEXIST" || code === "EACCES" || code === "EISDIR")
    return new UsageError(`${file} cannot be ${command === "backup" ? "written" : "read"} (${code}).`);
  const kind = typeof code === "string" ? code : error instanceof Error ? error.name : "unknown error";
  return new UsageError(`${command} failed (${kind}). Nothing was written.`);
}

/** `pathways backup <file>`: a consistent snapshot of every table, 0600, optionally encrypted with age. */
export async function backup(
  config: ServerConfig,
  file: string | undefined,
  flags: BackupFlags,
  output: Output,
) {
  if (!file) throw new UsageError("backup needs a file: `pathways backup pathways-2026-11-23.jsonl.gz`");
  if (flags.identity?.length) throw new UsageError("--identity is for restore; backup takes --recipient.");
  const encryption = encryptionFrom(flags);
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const counts = await backupDatabase(database.db, file, {
      encryption,
      actorName: actorName(),
      progress: (table, rows) => output.err(`  ${table}: ${rows} rows`),
    });
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    output.out(
      `Backed up ${total} rows from ${Object.keys(counts).length} tables to ${file}${encryption ? " (encrypted with age)" : ""}.`,
    );
  } catch (error) {
    throw failure("backup", file, error);
  } finally {
    await database.close();
  }
}

/** `pathways restore <file>`: into an empty database only, all or nothing. */
export async function restore(
  config: ServerConfig,
  file: string | undefined,
  flags: BackupFlags,
  output: Output,
) {
  if (!file)
    throw new UsageError("restore needs a backup file: `pathways restore pathways-2026-11-23.jsonl.gz`");
  if (flags.recipient?.length) throw new UsageError("--recipient is for backup; restore takes --identity.");
  const key = keyFrom(flags);
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const counts = await restoreDatabase(database.db, file, {
      key,
      actorName: actorName(),
      progress: (table, rows) => output.err(`  ${table}: ${rows} rows`),
    });
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    output.out(`Restored ${total} rows into ${Object.keys(counts).length} tables from ${file}.`);
  } catch (error) {
    throw failure("restore", file, error);
  } finally {
    await database.close();
  }
}
