import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import {
  applyPostgresFixes,
  missingPostgresFixes,
  postgresFixes,
  postgresRoot,
} from "../patches/postgres-fixes.mjs";
import { checkPostgresDriver, PostgresDriverUnpatchedError } from "../src/driver-check.ts";
import { adminUrl } from "./open.ts";

describe("the postgres.js fixes are checked at start-up as well as applied at install", () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const copy of copies) rmSync(copy, { recursive: true, force: true });
  });
  /** A copy of the installed driver with every fix taken out again, as npm would unpack it. */
  function unpatchedCopy() {
    const root = mkdtempSync(path.join(os.tmpdir(), "pathways-postgres-"));
    copies.push(root);
    cpSync(postgresRoot(), root, { recursive: true });
    for (const build of ["src", "cjs/src", "cf/src"]) {
      for (const file of ["connection.js", "index.js"]) {
        const target = path.join(root, build, file);
        let source = readFileSync(target, "utf8");
        for (const fix of postgresFixes)
          if (fix.file === file) source = source.replace(fix.after, fix.before);
        writeFileSync(target, source);
      }
    }
    return root;
  }

  it("the installed driver has every fix", () => {
    expect(missingPostgresFixes()).toEqual([]);
    expect(() => checkPostgresDriver()).not.toThrow();
  });

  it("a driver without the fixes is refused with a message naming them and the cure; the installer mends it", () => {
    const root = unpatchedCopy();
    expect(missingPostgresFixes(root)).toHaveLength(postgresFixes.length);
    let refusal: unknown;
    try {
      checkPostgresDriver(root);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PostgresDriverUnpatchedError);
    expect((refusal as Error).message).toContain("a failed array-types query is caught");
    expect((refusal as Error).message).toContain("Run `npm install`");
    applyPostgresFixes(root);
    expect(() => checkPostgresDriver(root)).not.toThrow();
    // Applying twice changes nothing.
    const before = readFileSync(path.join(root, "src/connection.js"), "utf8");
    applyPostgresFixes(root);
    expect(readFileSync(path.join(root, "src/connection.js"), "utf8")).toBe(before);
  });

  it("with several hosts and none answering, a query fails after one try of each instead of waiting for ever", async () => {
    // A failover URL, both hosts refusing (ports 1 and 2): the driver used to swallow each refusal
    // while another host was listed and cycle through them for as long as none answered.
    const sql = postgres("postgres://postgres@127.0.0.1:1,127.0.0.1:2/x?target_session_attrs=read-write", {
      max: 2,
      onnotice: () => {},
    });
    try {
      const outcomes = await Promise.allSettled([1, 2, 3].map(() => sql`select 1`));
      expect(outcomes.map((outcome) => outcome.status === "rejected" && outcome.reason.code)).toEqual([
        "CONNECTION_CLOSED",
        "CONNECTION_CLOSED",
        "CONNECTION_CLOSED",
      ]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  }, 10_000);

  it("another version is refused: the fixes were written for 3.4.9", () => {
    const root = unpatchedCopy();
    const manifest = path.join(root, "package.json");
    writeFileSync(
      manifest,
      JSON.stringify({ ...JSON.parse(readFileSync(manifest, "utf8")), version: "3.4.10" }),
    );
    expect(() => checkPostgresDriver(root)).toThrow(/version 3\.4\.10/);
    expect(() => applyPostgresFixes(root)).toThrow(/3\.4\.10 is not the 3\.4\.9/);
  });
});

/**
 * A TCP proxy to PostgreSQL that, the first time a connection sends the driver's array-types query,
 * answers as pg_terminate_backend does (a FATAL 57P01 error) and closes: the moment at which the
 * unpatched driver replayed the error onto the next connection and into an unhandled rejection.
 */
async function terminatingProxy(target: URL) {
  let terminated = 0;
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    client.on("data", (chunk) => {
      if (terminated === 0 && chunk.includes("typarray")) {
        terminated++;
        const fields = Buffer.from(
          "SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0",
        );
        const header = Buffer.alloc(5);
        header.write("E");
        header.writeUInt32BE(fields.length + 4, 1);
        client.end(Buffer.concat([header, fields]));
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => client.writable && client.write(chunk));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as { port: number }).port);
  return { url: url.toString(), terminated: () => terminated, close: () => server.close() };
}

describe.runIf(adminUrl)("the fixed driver survives PostgreSQL ending its connections (PostgreSQL)", () => {
  it("a connection ended while it fetches the array types: no unhandled rejection, the query gets through", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const proxy = await terminatingProxy(new URL(adminUrl!));
    const sql = postgres(proxy.url, { max: 1, onnotice: () => {}, backoff: () => 0 });
    try {
      const [row] = await sql<{ answer: number[] }[]>`select array[1, 2]::int[] as answer`;
      expect(proxy.terminated()).toBe(1);
      // The reconnected connection fetched the types again: the array comes back parsed.
      expect(row!.answer).toEqual([1, 2]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await sql.end({ timeout: 1 });
      proxy.close();
    }
  });

  it("a transaction whose connection was terminated sends nothing more, and a query waiting for the pool still runs", async () => {
    const sql = postgres(adminUrl!, { max: 1, onnotice: () => {}, backoff: () => 0 });
    try {
      let statementAfterwards: string | undefined;
      let waiting: Promise<unknown> | undefined;
      const transaction = sql.begin(async (tx) => {
        // A plain query now has to wait for the pool's only connection, which this transaction holds.
        waiting = sql`select 'waited' as answer`;
        await tx`select pg_terminate_backend(pg_backend_pid())`.catch(() => {});
        statementAfterwards = await tx`select 1`.then(
          () => "ran",
          (error: { code?: string }) => error.code,
        );
      });
      await expect(transaction).rejects.toMatchObject({
        code: expect.stringMatching(/57P01|CONNECTION_CLOSED/),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(statementAfterwards).toMatch(/57P01|CONNECTION_CLOSED/);
      // The waiting query is not failed by the dead transaction's statements: it runs once reconnected.
      expect(await waiting).toEqual([{ answer: "waited" }]);
      expect(await sql`select 2 as two`).toEqual([{ two: 2 }]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
