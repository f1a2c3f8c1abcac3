import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { submitCommunityReport } from "@pathways/core";
import { createDb, outboxMessages } from "@pathways/db";
import { afterAll, describe, expect, it } from "vitest";
import { headerOf, startFakeSmtp } from "../../api/test/fake-smtp.ts";

const bin = path.resolve(import.meta.dirname, "../bin/pathways-dev.js");
const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-worker-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A migrated embedded database holding `count` reports whose reporters asked for email updates. */
async function databaseWithReports(dataDir: string, count: number) {
  const handle = await createDb({ dataDir });
  try {
    await handle.migrate();
    for (let i = 0; i < count; i += 1) {
      await submitCommunityReport({
        ctx: { db: handle.db, actor: { kind: "system", name: "test" } },
        input: {
          category: "discarded_needles",
          location: `Alley ${i}`,
          description: "Needles by the bins.",
          contactEmail: `reporter${i}@example.org`,
        },
      });
    }
  } finally {
    await handle.close();
  }
}

async function outboxStatuses(dataDir: string) {
  const handle = await createDb({ dataDir });
  try {
    return await handle.db
      .select({ id: outboxMessages.id, status: outboxMessages.status, attempts: outboxMessages.attempts })
      .from(outboxMessages);
  } finally {
    await handle.close();
  }
}

function startWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, "worker"], {
    env: { PATH: process.env.PATH, OUTBOX_POLL_SECONDS: "0.1", ...env },
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return { child, stdout: () => stdout, stderr: () => stderr };
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 1200; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function exitOf(child: ChildProcessWithoutNullStreams) {
  return new Promise<number | null>((resolve) => child.on("exit", resolve));
}

describe("pathways worker", () => {
  it("writes each update to the log when no SMTP is set, without the reporter's address, and stops on SIGTERM", async () => {
    const dataDir = path.join(tmp, "log");
    await databaseWithReports(dataDir, 3);
    const worker = startWorker({ PATHWAYS_DATA_DIR: dataDir, LOG_LEVEL: "info" });
    await until(() => (worker.stdout().match(/"outcome":"sent"/g) ?? []).length === 3, "three updates");
    const exited = exitOf(worker.child);
    worker.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(worker.stdout()).toContain("Delivering reporters' updates (email: log, phone: log;");
    expect(worker.stdout()).toContain("written to the log instead of being sent");
    expect(worker.stdout()).toContain("outbox worker stopped");
    expect(worker.stdout()).not.toMatch(/reporter\d@example\.org/);
    expect(worker.stderr()).toBe("");
    expect((await outboxStatuses(dataDir)).map((m) => m.status)).toEqual(["sent", "sent", "sent"]);
  }, 90_000);

  it("finishes the email in hand when stopped mid-way; restarted, it sends the rest and nothing twice", async () => {
    const smtp = await startFakeSmtp();
    smtp.state.acceptDelayMs = 1000;
    const dataDir = path.join(tmp, "smtp");
    await databaseWithReports(dataDir, 6);
    const env = {
      PATHWAYS_DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(smtp.port),
      SMTP_FROM: "Pathways <updates@example.org>",
    };
    try {
      const first = startWorker(env);
      await until(() => first.stdout().includes('"outcome":"sent"'), "the first email");
      // The stop arrives while another email is (most likely) half-way through the slow server.
      const exited = exitOf(first.child);
      first.child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const afterStop = await outboxStatuses(dataDir);
      const sentByFirst = afterStop.filter((m) => m.status === "sent").length;
      // What the server accepted is exactly what was marked sent: nothing in flight was abandoned.
      expect(smtp.received).toHaveLength(sentByFirst);
      expect(sentByFirst).toBeLessThan(6);
      expect(afterStop.filter((m) => m.status === "pending").every((m) => m.attempts === 0)).toBe(true);

      const second = startWorker(env);
      await until(() => smtp.received.length === 6, "all six emails");
      const stopped = exitOf(second.child);
      second.child.kill("SIGINT");
      expect(await stopped).toBe(0);
      expect((await outboxStatuses(dataDir)).every((m) => m.status === "sent")).toBe(true);
      const messageIds = smtp.received.map((mail) => headerOf(mail, "Message-ID"));
      expect(new Set(messageIds).size).toBe(6);
      expect(smtp.received.flatMap((mail) => mail.to).sort()).toEqual(
        Array.from({ length: 6 }, (_, i) => `reporter${i}@example.org`).sort(),
      );
    } finally {
      await smtp.close();
    }
  }, 120_000);

  it("refuses to start on a database without the Pathways tables, saying what to run", async () => {
    const dataDir = path.join(tmp, "empty");
    const handle = await createDb({ dataDir });
    await handle.close();
    const result = spawnSync(process.execPath, [bin, "worker"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, PATHWAYS_DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^pathways: the database at .*empty has no Pathways tables yet: run `pathways migrate` first$/,
    );
  }, 60_000);
});

describe("pathways serve", () => {
  it("runs the delivery worker itself", async () => {
    const dataDir = path.join(tmp, "serve");
    await databaseWithReports(dataDir, 1);
    const child = spawn(process.execPath, [bin, "serve"], {
      env: {
        PATH: process.env.PATH,
        PORT: "0",
        LOG_LEVEL: "info",
        OUTBOX_POLL_SECONDS: "0.1",
        PATHWAYS_DATA_DIR: dataDir,
      },
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    await until(() => stdout.includes('"outcome":"sent"'), "the update");
    const exited = exitOf(child);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const [message] = await outboxStatuses(dataDir);
    expect(message?.status).toBe("sent");
  }, 90_000);
});
