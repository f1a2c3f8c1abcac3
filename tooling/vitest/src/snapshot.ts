import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrationsFolder } from "@pathways/db";

/** A short hash of the checked-in migrations: a new migration means a new snapshot and template. */
export function migrationsHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(entry.name).update(readFileSync(full));
    }
  };
  walk(migrationsFolder);
  return hash.digest("hex").slice(0, 12);
}

export function pgliteSnapshotPath(hash: string): string {
  return path.join(os.tmpdir(), `pathways-pglite-${hash}.tar.gz`);
}

export function postgresTemplateName(hash: string): string {
  return `pathways_template_${hash}`;
}
