import { randomUUID } from "node:crypto";
import { and, auditEvents, count, eq, sql, taskforceActivity } from "@pathways/db";
import {
  activityFields,
  fieldErrors,
  type TaskforceActivityDraft,
  TaskforceActivityInput,
  taskforceActivityKinds,
} from "@pathways/validators";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import type { Ctx } from "../src/context.ts";
import { Conflict, Forbidden, NotFound } from "../src/errors.ts";
import {
  createDayOfAction,
  createOperation,
  listActivity,
  listOperations,
  logActivity,
} from "../src/taskforce/index.ts";
import { makeHotspot } from "./outreach-fixtures.ts";

const hourAgo = () => new Date(Date.now() - 3_600_000);
const common = () => ({ clientKey: `device-${randomUUID()}`, occurredAt: hourAgo(), location: "South Park" });

/** One valid draft of each kind, as a device would send it. */
const valid: Record<(typeof taskforceActivityKinds)[number], () => TaskforceActivityDraft> = {
  patrol: () => ({
    ...common(),
    kind: "patrol",
    patrolStyle: "high_visibility",
    endedAt: new Date(Date.now() - 60_000),
    officers: 4,
  }),
  arrest: () => ({
    ...common(),
    kind: "arrest",
    offence: "possession_with_intent_to_supply",
    arrestCount: 2,
  }),
  search: () => ({ ...common(), kind: "search", area: "Undergrowth by the south gate", found: "Six knives" }),
  warrant: () => ({ ...common(), kind: "warrant", area: "Blackbird Leys Road" }),
  seizure: () => ({
    ...common(),
    kind: "seizure",
    drugSubstance: "cannabis",
    drugClass: "B",
    drugQuantity: 250,
    drugUnit: "grams",
    cashPounds: 5000,
    weapons: { knife: 1 },
  }),
  environmental_action: () => ({
    ...common(),
    kind: "environmental_action",
    action: "vegetation_cut_back",
    note: "Hedge by the path cut to a metre",
  }),
  needle_sweep: () => ({ ...common(), kind: "needle_sweep" }),
};

/** Another kind's field on each kind, and the field the refusal must name. */
const wrongField: Record<(typeof taskforceActivityKinds)[number], [string, unknown]> = {
  patrol: ["cashPounds", 100],
  arrest: ["officers", 2],
  search: ["offence", "supply"],
  warrant: ["drugClass", "A"],
  seizure: ["area", "Cowley Road"],
  environmental_action: ["patrolStyle", "covert"],
  needle_sweep: ["action", "cctv"],
};

function parse(draft: unknown) {
  const result = TaskforceActivityInput.safeParse(draft);
  return result.success ? { ok: result.data } : { errors: fieldErrors(result.error) };
}

/** A value of the right type for every kind's own field, to try on the kinds it does not belong to. */
const sampleOf: Record<string, unknown> = {
  patrolStyle: "covert",
  endedAt: new Date(),
  officers: 2,
  offence: "supply",
  arrestCount: 1,
  area: "Cowley Road",
  found: "Nothing",
  drugSubstance: "crack",
  drugClass: "A",
  drugQuantity: 3,
  drugUnit: "wraps",
  cashPounds: 20,
  weapons: { knife: 1 },
  action: "cctv",
  note: "Camera up",
};

describe("the taskforce activity schema", () => {
  it("refuses every other kind's field on every kind, each by its own name", () => {
    const fields = [...new Set(Object.values(activityFields).flat())];
    expect(Object.keys(sampleOf).sort()).toEqual([...fields].sort());
    const wrong: string[] = [];
    for (const kind of taskforceActivityKinds) {
      const own = activityFields[kind] as readonly string[];
      for (const field of fields.filter((f) => !own.includes(f))) {
        const { errors } = parse({ ...valid[kind](), [field]: sampleOf[field] });
        if (!errors?.[field]?.[0]?.startsWith(`${field} does not apply to`)) wrong.push(`${kind}.${field}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  for (const kind of taskforceActivityKinds) {
    it(`takes a ${kind} with its own fields and refuses another kind's field by name`, () => {
      expect(parse(valid[kind]()).ok?.kind).toBe(kind);
      const [field, value] = wrongField[kind];
      const { errors } = parse({ ...valid[kind](), [field]: value });
      expect(Object.keys(errors ?? {})).toEqual([field]);
      expect(errors?.[field]?.[0]).toMatch(new RegExp(`^${field} does not apply to`));
    });
  }

  it("refuses a patrol without its fields or ending before it starts, half a drug seizure, and an address", () => {
    const { kind: _k, patrolStyle: _p, ...rest } = valid.patrol() as Record<string, unknown>;
    expect(Object.keys(parse({ ...rest, kind: "patrol" }).errors ?? {})).toEqual(["patrolStyle"]);
    expect(parse({ ...valid.patrol(), endedAt: new Date(Date.now() - 7_200_000) }).errors).toEqual({
      endedAt: ["end of patrol must be after its start"],
    });
    expect(Object.keys(parse({ ...common(), kind: "seizure", drugSubstance: "crack" }).errors ?? {})).toEqual(
      ["drugClass", "drugQuantity", "drugUnit"],
    );
    expect(parse({ ...common(), kind: "seizure" }).errors).toEqual({
      drugSubstance: ["a seizure must record drugs, cash or weapons"],
    });
    expect(Object.keys(parse({ ...valid.warrant(), area: "14 Blackbird Leys Road" }).errors ?? {})).toEqual([
      "area",
    ]);
    expect(Object.keys(parse({ ...valid.warrant(), area: "Leys Road, OX4 6HN" }).errors ?? {})).toEqual([
      "area",
    ]);
    expect(
      Object.keys(
        parse({ ...valid.needle_sweep(), occurredAt: new Date(Date.now() + 86_400_000) }).errors ?? {},
      ),
    ).toEqual(["occurredAt"]);
    expect(parse({ ...valid.needle_sweep(), kind: "raid" }).errors).toEqual({
      kind: [`kind must be one of ${taskforceActivityKinds.join(", ")}`],
    });
  });
});

describeDb("taskforce activity", (use) => {
  it("logs each kind once, with one audit event, however often the device resends it", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const officer = ctxOf("outreach_worker") as Ctx;
    const hotspot = await makeHotspot(ctxOf("admin"));
    for (const kind of taskforceActivityKinds) {
      const input = TaskforceActivityInput.parse({
        ...valid[kind](),
        location: undefined,
        hotspotId: hotspot.id,
      });
      const first = await logActivity({ ctx: officer, input });
      expect(first).toMatchObject({ kind, hotspotName: hotspot.name, replayed: false });
      const again = await Promise.all([1, 2].map(() => logActivity({ ctx: officer, input })));
      expect(again.map((row) => [row.id, row.replayed])).toEqual([
        [first.id, true],
        [first.id, true],
      ]);
      expect(
        await use()
          .db.select({ n: count() })
          .from(taskforceActivity)
          .where(eq(taskforceActivity.clientKey, input.clientKey)),
      ).toEqual([{ n: 1 }]);
      expect(
        await use()
          .db.select({ n: count() })
          .from(auditEvents)
          .where(and(eq(auditEvents.entity, "taskforce_activity"), eq(auditEvents.entityId, first.id))),
      ).toEqual([{ n: 1 }]);
    }
    const seizure = TaskforceActivityInput.parse(valid.seizure());
    const stored = await logActivity({ ctx: officer, input: seizure });
    expect(stored).toMatchObject({
      drugClass: "B",
      drugQuantity: 250,
      cashPounds: 5000,
      knives: 1,
      firearms: null,
    });
    // Another organisation's officer cannot take over (or read) the row through its client key.
    const other = await makeWorld(use().db);
    await expect(
      logActivity({ ctx: other.ctxOf("outreach_worker") as Ctx, input: seizure }),
    ).rejects.toBeInstanceOf(Conflict);
  });

  it("holds each kind to its own fields in the database too", async () => {
    const { actors } = await makeWorld(use().db);
    const { userId, organisationId } = actors.outreach_worker;
    const row = (extra: string) =>
      use().db.execute(
        sql`insert into taskforce_activity (client_key, kind, occurred_at, location, logged_by_user_id, organisation_id ${sql.raw(
          extra.split("|")[0]!,
        )}) values (${randomUUID()}, ${sql.raw(extra.split("|")[1]!)}, now() - interval '1 hour', 'Park', ${userId}, ${organisationId} ${sql.raw(
          extra.split("|")[2]!,
        )})`,
      );
    await expect(row(", cash_pounds|'patrol'|, 10")).rejects.toThrow();
    await expect(row("|'arrest'|")).rejects.toThrow();
    await expect(row(", drug_substance|'seizure'|, 'crack'")).rejects.toThrow();
    await expect(row(", note|'needle_sweep'|, 'x'")).rejects.toThrow();
    await row("|'needle_sweep'|");
    expect(
      await use()
        .db.select({ n: count() })
        .from(taskforceActivity)
        .where(eq(taskforceActivity.organisationId, organisationId)),
    ).toEqual([{ n: 1 }]);
  });

  it("lists a taskforce's own activity by period, hotspot, kind and operation; admins read everyone's", async () => {
    const db = use().db;
    const mine = await makeWorld(db);
    const theirs = await makeWorld(db);
    const officer = mine.ctxOf("outreach_worker") as Ctx;
    const hotspot = await makeHotspot(mine.ctxOf("admin"));
    const operation = await createOperation({
      ctx: officer,
      input: { name: `Operation Nightjar ${mine.tag}`, startedOn: "2026-01-01" },
    });
    const day = await createDayOfAction({
      ctx: officer,
      input: { name: "Warrants", date: "2026-02-03", operationId: operation.id },
    });
    const log = (draft: TaskforceActivityDraft, ctx = officer) =>
      logActivity({ ctx, input: TaskforceActivityInput.parse(draft) });
    const patrol = await log({ ...valid.patrol(), location: undefined, hotspotId: hotspot.id });
    const warrant = await log({
      ...valid.warrant(),
      occurredAt: new Date("2026-02-03T10:00:00Z"),
      dayOfActionId: day.id,
    });
    expect(warrant.operationId).toBe(operation.id);
    const old = await log({ ...valid.arrest(), occurredAt: new Date("2025-06-01T10:00:00Z") });
    const theirsLogged = await log(valid.arrest(), theirs.ctxOf("outreach_worker") as Ctx);
    const ids = async (ctx: Ctx, input: Record<string, unknown> = {}) =>
      (await listActivity({ ctx, input: { limit: 25, ...input } })).items.map((item) => item.id);
    expect(await ids(officer)).toEqual([patrol.id, warrant.id, old.id]);
    expect(await ids(officer, { from: "2026-01-01", to: "2026-12-31", kind: "warrant" })).toEqual([
      warrant.id,
    ]);
    expect(await ids(officer, { hotspotId: hotspot.id })).toEqual([patrol.id]);
    expect(await ids(officer, { operationId: operation.id })).toEqual([warrant.id]);
    expect(await ids(officer, { to: "2025-12-31" })).toEqual([old.id]);
    const first = await listActivity({ ctx: officer, input: { limit: 2 } });
    const second = await listActivity({ ctx: officer, input: { limit: 2, cursor: first.nextCursor! } });
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual([patrol.id, warrant.id, old.id]);
    expect(second.nextCursor).toBeNull();
    // Another taskforce sees none of it, even through a filter on this one's operation.
    const otherOfficer = theirs.ctxOf("outreach_worker") as Ctx;
    expect(await ids(otherOfficer)).toEqual([theirsLogged.id]);
    expect(await ids(otherOfficer, { operationId: operation.id })).toEqual([]);
    expect((await listOperations({ ctx: otherOfficer, input: undefined })).operations).toEqual([]);
    await expect(
      log({ ...valid.needle_sweep(), operationId: operation.id }, otherOfficer),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      log({ ...valid.needle_sweep(), dayOfActionId: day.id }, otherOfficer),
    ).rejects.toBeInstanceOf(NotFound);
    // Admins oversee every taskforce's activity.
    const adminIds = await ids(mine.ctxOf("admin") as Ctx, { limit: 100 });
    expect(adminIds).toEqual(expect.arrayContaining([patrol.id, theirsLogged.id]));
    const listed = await listOperations({ ctx: officer, input: undefined });
    expect(listed.operations.map((o) => [o.name, o.daysOfAction.map((d) => d.id)])).toEqual([
      [operation.name, [day.id]],
    ]);
    await expect(
      createOperation({ ctx: officer, input: { name: operation.name, startedOn: "2026-03-01" } }),
    ).rejects.toBeInstanceOf(Conflict);
  });

  it("lets only a taskforce's outreach workers log, and refuses commissioners and managers reading", async () => {
    const { ctxOf } = await makeWorld(use().db);
    const input = TaskforceActivityInput.parse(valid.needle_sweep());
    for (const role of ["admin", "commissioner", "treatment_manager"] as const) {
      await expect(logActivity({ ctx: ctxOf(role) as Ctx, input })).rejects.toBeInstanceOf(Forbidden);
    }
    for (const role of ["commissioner", "treatment_manager"] as const) {
      await expect(listActivity({ ctx: ctxOf(role) as Ctx, input: { limit: 5 } })).rejects.toBeInstanceOf(
        Forbidden,
      );
    }
    const council = ctxOf("outreach_worker") as Ctx;
    const councilWorker = {
      ...council,
      actor: { ...council.actor, organisationKind: "council" as const },
    } as Ctx;
    await expect(logActivity({ ctx: councilWorker, input })).rejects.toThrow(
      "Only outreach workers of a taskforce may log taskforce activity.",
    );
  });
});
