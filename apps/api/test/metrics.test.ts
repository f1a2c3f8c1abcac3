import { logContact } from "@pathways/core";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { requestLabel } from "../src/metrics.ts";
import { serverOn } from "./helpers.ts";

const token = "metrics-token-metrics-token-metrics-1234";

describeDb("metrics and readiness detail", (use) => {
  it("/readyz says how far behind the rollup queues and the outbox are", async () => {
    const app = await serverOn(use().handle);
    const ready = await app.inject("/readyz");
    expect(ready.statusCode).toBe(200);
    const body = ready.json() as { status: string; queues: Record<string, unknown> };
    expect(body.status).toBe("ready");
    for (const queue of ["personRollups", "dayRollups", "outboxDue"]) {
      expect(body.queues[queue]).toEqual({ length: expect.any(Number), oldestSeconds: expect.any(Number) });
    }
    expect(body.queues.outboxFailed).toEqual(expect.any(Number));
    await app.close();
  });

  it("/metrics is off without PATHWAYS_METRICS_TOKEN and refuses a scraper without it", async () => {
    const off = await serverOn(use().handle);
    expect((await off.inject("/metrics")).statusCode).not.toBe(200);
    await off.close();
    const app = await serverOn(use().handle, { PATHWAYS_METRICS_TOKEN: token });
    expect((await app.inject("/metrics")).statusCode).toBe(401);
    const wrong = await app.inject({ url: "/metrics", headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.statusCode).toBe(401);
    await app.close();
  });

  it("labels latency by procedure only, never by anything a caller typed", async () => {
    const app = await serverOn(use().handle, { PATHWAYS_METRICS_TOKEN: token });
    await app.inject("/healthz");
    const search = encodeURIComponent(JSON.stringify({ json: { query: "JB 1990-01-01 secret-name" } }));
    await app.inject(`/trpc/people.find?input=${search}`);
    await app.inject("/trpc/invented.procedure-name-xyz");
    await app.inject("/some/page/for-a-person");
    const response = await app.inject({ url: "/metrics", headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    const text = response.body;
    expect(text).toContain('pathways_request_duration_seconds_count{procedure="/healthz",status="200"} 1');
    expect(text).toMatch(
      /pathways_request_duration_seconds_count\{procedure="people\.find",status="401"\} 1/,
    );
    expect(text).toContain('procedure="unknown"');
    expect(text).toContain('procedure="other"');
    expect(text).not.toContain("secret-name");
    expect(text).not.toContain("invented");
    expect(text).not.toContain("for-a-person");
    expect(text).toContain("pathways_database_up 1");
    expect(text).toContain('pathways_queue_length{queue="person_rollups"}');
    expect(text).toContain('pathways_queue_oldest_seconds{queue="outbox_due"}');
    expect(text).toContain("pathways_outbox_failed 0");
    expect(text).toContain("pathways_process_resident_memory_bytes");
    await app.close();
  });

  it("counts a queued change in the rollup queue gauges", async () => {
    const world = await makeWorld(use().db);
    const app = await serverOn(use().handle, { PATHWAYS_METRICS_TOKEN: token });
    await logContact({
      ctx: world.ctxOf("outreach_worker") as never,
      input: {
        clientKey: `metrics-${world.tag}`,
        occurredAt: new Date(Date.now() - 60_000),
        location: "By the station",
        contactType: "street_outreach",
        substances: [],
        interventions: [],
        safeguardingConcerns: [],
      },
    });
    const text = (await app.inject({ url: "/metrics", headers: { authorization: `Bearer ${token}` } })).body;
    const length = Number(/pathways_queue_length\{queue="day_rollups"\} (\d+)/.exec(text)?.[1]);
    expect(length).toBeGreaterThan(0);
    await app.close();
  });
});

it("keeps the label list fixed", () => {
  const label = (url: string, route?: string) =>
    requestLabel({ url, routeOptions: { url: route } } as unknown as Parameters<typeof requestLabel>[0]);
  expect(label("/trpc/contacts.log")).toBe("contacts.log");
  expect(label("/trpc/contacts.log,people.search?batch=1")).toBe("batch");
  expect(label("/trpc/anything")).toBe("unknown");
  expect(label("/readyz", "/readyz")).toBe("/readyz");
  expect(label("/track/abc", "/track/:token")).toBe("other");
});
