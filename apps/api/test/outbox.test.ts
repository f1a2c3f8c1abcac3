import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deliverDueMessages, submitCommunityReport } from "@pathways/core";
import { eq, outboxMessages } from "@pathways/db";
import { describeDb } from "@pathways/vitest-config";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, parseServerEnv } from "../src/env.ts";
import { outboxChannel, smtpChannel } from "../src/outbox.ts";
import { startServer } from "../src/start.ts";
import { headerOf, startFakeSmtp } from "./fake-smtp.ts";
import { testConfig } from "./helpers.ts";

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseServerEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe("SMTP and outbox settings", () => {
  it("sends updates to the log when no SMTP is configured, and runs the worker in the server by default", () => {
    const config = parseServerEnv({});
    expect(config.smtp).toBeNull();
    expect(config.outbox).toEqual({
      inProcess: true,
      pollIntervalMs: 5000,
      maxAttempts: 10,
      retryBaseMs: 60_000,
    });
    expect(outboxChannel(config, silent).name).toBe("email: log, phone: log");
  });

  it("reads SMTP from a URL or from host, port, user and password", () => {
    expect(
      parseServerEnv({ SMTP_URL: "smtps://mailer:p%40ss@smtp.example.org", SMTP_FROM: "updates@example.org" })
        .smtp,
    ).toEqual({
      host: "smtp.example.org",
      port: 465,
      secure: true,
      user: "mailer",
      password: "p@ss",
      from: "updates@example.org",
    });
    const config = parseServerEnv({
      SMTP_HOST: "smtp.example.org",
      SMTP_USER: "mailer",
      SMTP_PASSWORD: "secret",
      SMTP_FROM: "Pathways <updates@example.org>",
      PATHWAYS_OUTBOX_WORKER: "false",
      OUTBOX_POLL_SECONDS: "0.5",
    });
    expect(config.smtp).toEqual({
      host: "smtp.example.org",
      port: 587,
      secure: false,
      user: "mailer",
      password: "secret",
      from: "Pathways <updates@example.org>",
    });
    expect(config.outbox).toMatchObject({ inProcess: false, pollIntervalMs: 500 });
    expect(outboxChannel(config, silent).name).toBe("email: smtp (smtp.example.org:587), phone: log");
  });

  it("names the setting and the fix for each SMTP mistake, and never repeats a password", () => {
    expect(problemsOf({ SMTP_HOST: "smtp.example.org" })).toEqual([
      'SMTP_FROM must be set when SMTP is configured, like "Pathways <updates@example.org>"',
    ]);
    expect(problemsOf({ SMTP_FROM: "updates@example.org" })).toEqual([
      'SMTP_FROM has no effect without SMTP_HOST (or SMTP_URL): set that too (got "updates@example.org")',
    ]);
    expect(
      problemsOf({ SMTP_URL: "http://user:hunter2@mail.example.org", SMTP_FROM: "a@example.org" }),
    ).toEqual([
      "SMTP_URL must be an SMTP URL, like smtp://user:password@smtp.example.org:587 (smtps:// for TLS on 465)",
    ]);
    expect(
      problemsOf({
        SMTP_URL: "smtp://mail.example.org",
        SMTP_HOST: "other.example.org",
        SMTP_FROM: "a@example.org",
      }),
    ).toEqual([
      'SMTP_HOST must not be set with SMTP_URL: put it in the URL instead (got "other.example.org")',
    ]);
    expect(problemsOf({ SMTP_PASSWORD: "hunter2" })).toEqual([
      "SMTP_PASSWORD has no effect without SMTP_HOST (or SMTP_URL): set that too",
    ]);
    expect(
      problemsOf({ SMTP_HOST: "smtp.example.org", SMTP_USER: "mailer", SMTP_FROM: "a@example.org" }),
    ).toEqual(["SMTP_PASSWORD must be set with SMTP_USER and SMTP_PASSWORD together"]);
    expect(problemsOf({ SMTP_HOST: "smtp.example.org", SMTP_FROM: "not an address" })).toEqual([
      'SMTP_FROM must be a sender address, like updates@example.org or "Pathways <updates@example.org>" (got "not an address")',
    ]);
    expect(
      problemsOf({ SMTP_HOST: "smtp.example.org", SMTP_PORT: "smtp", SMTP_FROM: "a@example.org" }),
    ).toEqual(['SMTP_PORT must be a port number, like 587 (got "smtp")']);
    expect(problemsOf({ OUTBOX_MAX_ATTEMPTS: "0" })).toEqual([
      'OUTBOX_MAX_ATTEMPTS must be at least 1 (got "0")',
    ]);
    expect(problemsOf({ PATHWAYS_OUTBOX_WORKER: "maybe" })).toEqual([
      'PATHWAYS_OUTBOX_WORKER must be true or false (got "maybe")',
    ]);
  });
});

describeDb("updates by email", (use) => {
  it("sends an update over SMTP as plain text with a stable Message-ID, and retries when the server defers it", async () => {
    const smtp = await startFakeSmtp();
    try {
      const config = testConfig({
        SMTP_URL: `smtp://mailer:letmein@127.0.0.1:${smtp.port}`,
        SMTP_FROM: "Pathways <updates@example.org>",
      });
      const db = use().db;
      await db.delete(outboxMessages);
      const system = { db, actor: { kind: "system", name: "test" } } as const;
      const { reference } = await submitCommunityReport({
        ctx: system,
        input: {
          category: "drug_dealing",
          location: "Bus shelter <b>by</b> the park",
          description: "Dealing from the bus shelter.",
          contactEmail: "resident@example.org",
        },
      });
      const channel = outboxChannel(config, silent);

      smtp.state.refuse = () => true;
      const [deferred] = await deliverDueMessages({ ctx: system, channel });
      expect(deferred?.outcome).toBe("retry");
      expect(deferred?.error).toContain("[recipient]");
      expect(deferred?.error).not.toContain("resident@example.org");
      expect(smtp.received).toEqual([]);

      smtp.state.refuse = null;
      await db
        .update(outboxMessages)
        .set({ nextAttemptAt: new Date() })
        .where(eq(outboxMessages.status, "pending"));
      const [sent] = await deliverDueMessages({ ctx: system, channel });
      expect(sent).toMatchObject({ outcome: "sent", attempt: 2 });
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      expect(mail.to).toEqual(["resident@example.org"]);
      expect(mail.from).toBe("updates@example.org");
      expect(mail.auth).toBe("|mailer|letmein");
      expect(headerOf(mail, "Subject")).toBe(`We have received your report ${reference}`);
      expect(headerOf(mail, "Message-ID")).toBe(`<outbox-${sent!.messageId}@example.org>`);
      expect(headerOf(mail, "Auto-Submitted")).toBe("auto-generated");
      expect(headerOf(mail, "Content-Type")).toMatch(/^text\/plain/);
      // Quoted-printable wraps long lines with a trailing "="; the text itself is sent as it was typed.
      expect(mail.data.replaceAll("=\r\n", "")).toContain("(Drug dealing at Bus shelter <b>by</b> the park)");
    } finally {
      await smtp.close();
    }
  });

  it("gives a channel that cannot connect an error the worker can retry", async () => {
    const channel = smtpChannel({
      host: "127.0.0.1",
      port: 1,
      secure: false,
      user: undefined,
      password: undefined,
      from: "updates@example.org",
    });
    await expect(
      channel.deliver({
        messageId: "m1",
        recipient: "resident@example.org",
        recipientKind: "email",
        subject: "s",
        body: "b",
        attempt: 1,
      }),
    ).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});

describe("the main start command", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-outbox-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("runs the delivery worker: a report made over HTTP reaches the reporter by email", async () => {
    const smtp = await startFakeSmtp();
    const server = await startServer({
      config: testConfig({
        PORT: "0",
        PATHWAYS_DATA_DIR: path.join(tmp, "data"),
        SMTP_HOST: "127.0.0.1",
        SMTP_PORT: String(smtp.port),
        SMTP_FROM: "updates@example.org",
        OUTBOX_POLL_SECONDS: "0.1",
      }),
    });
    try {
      const response = await fetch(`${server.url}/trpc/community.submit`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          json: {
            category: "weapons",
            location: "Footpath by the allotments",
            description: "A knife hidden in the hedge.",
            contactEmail: "walker@example.org",
          },
        }),
      });
      expect(response.status).toBe(200);
      for (let i = 0; i < 600 && smtp.received.length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(smtp.received.map((mail) => mail.to)).toEqual([["walker@example.org"]]);
    } finally {
      await server.stop();
      await smtp.close();
    }
  }, 60_000);
});
