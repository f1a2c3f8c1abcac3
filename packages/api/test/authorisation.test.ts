import type { Actor } from "@pathways/core";
import type { Role } from "@pathways/validators/codes";
import { describeDb, makeWorld } from "@pathways/vitest-config";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { appRouter } from "../src/root.ts";
import type { ProcedureMeta } from "../src/trpc.ts";
import { callerAs } from "./helpers.ts";

const everyone = ["outreach_worker", "treatment_manager", "commissioner", "admin"] as const satisfies Role[];

/**
 * Who may call each procedure, written out by hand. A procedure added to the router without a row
 * here fails the first test; a row that disagrees with the router's declared access fails the second.
 */
const expectedAccess: Record<string, ProcedureMeta["access"]> = {
  "auth.me": "public",
  "auth.signIn": "public",
  "auth.completeSignIn": "public",
  "auth.signOut": everyone,
  "auth.changePassword": everyone,
  "hotspots.list": everyone,
  "hotspots.create": ["admin"],
  "hotspots.update": ["admin"],
  "people.find": ["outreach_worker", "treatment_manager", "admin"],
  "people.likelyDuplicates": ["outreach_worker", "treatment_manager", "admin"],
  "people.metRecently": ["outreach_worker"],
  "people.correct": ["outreach_worker", "treatment_manager"],
  "people.corrections": ["outreach_worker", "treatment_manager", "admin"],
  "people.get": ["outreach_worker", "treatment_manager", "admin"],
  "people.create": ["outreach_worker", "treatment_manager"],
  "people.recordConsent": ["outreach_worker", "treatment_manager"],
  "people.resolveSafeguardingFlag": ["outreach_worker", "treatment_manager"],
  "people.merge": ["outreach_worker", "admin"],
  "people.undoMerge": ["outreach_worker", "admin"],
  "contacts.log": ["outreach_worker"],
  "contacts.mine": ["outreach_worker"],
  "contacts.forPerson": ["outreach_worker", "treatment_manager", "admin"],
  "needleFinds.log": ["outreach_worker"],
  "needleFinds.mine": ["outreach_worker"],
  "taskforce.log": ["outreach_worker"],
  "taskforce.list": ["outreach_worker", "admin"],
  "taskforce.createOperation": ["outreach_worker"],
  "taskforce.createDayOfAction": ["outreach_worker"],
  "taskforce.operations": ["outreach_worker", "admin"],
  "deaths.record": ["treatment_manager", "admin"],
  "deaths.correct": ["treatment_manager", "admin"],
  "deaths.list": ["treatment_manager", "admin"],
  "deaths.areas": everyone,
  "deaths.createArea": ["admin"],
  "deaths.setPopulation": ["admin"],
  "places.importIncidents": ["outreach_worker", "admin"],
  "places.evidence": ["outreach_worker", "admin"],
  "places.beforeAfter": ["outreach_worker", "admin"],
  "map.tiles": "public",
  "map.layers": everyone,
  "search.global": ["outreach_worker", "treatment_manager", "admin"],
  "community.places": "public",
  "community.submit": "public",
  "community.track": "public",
  "community.list": ["outreach_worker", "admin"],
  "community.get": ["outreach_worker", "admin"],
  "community.linkCandidates": ["outreach_worker", "admin"],
  "community.acknowledge": ["outreach_worker", "admin"],
  "community.changeStatus": ["outreach_worker", "admin"],
  "community.addNote": ["outreach_worker", "admin"],
  "community.markDuplicate": ["outreach_worker", "admin"],
  "community.link": ["outreach_worker", "admin"],
  "community.retryUpdate": ["outreach_worker", "admin"],
  "reports.funnel": ["commissioner"],
  "reports.outcomes": ["commissioner", "treatment_manager"],
  "reports.waiting": ["commissioner", "treatment_manager"],
  "reports.hotspots": ["commissioner"],
  "reports.safeguarding": ["commissioner"],
  "reports.rates": ["commissioner"],
  "reports.taskforce": ["outreach_worker", "admin"],
  "referrals.services": ["outreach_worker", "treatment_manager"],
  "referrals.draft": ["outreach_worker", "treatment_manager"],
  "referrals.create": ["outreach_worker", "treatment_manager"],
  "referrals.move": ["outreach_worker", "treatment_manager"],
  "referrals.get": ["outreach_worker", "treatment_manager"],
  "referrals.mine": ["outreach_worker", "treatment_manager"],
  "referrals.mineVersion": ["outreach_worker", "treatment_manager"],
  "referrals.sharesWithoutConsent": ["admin"],
  "episodes.start": ["treatment_manager"],
  "episodes.get": ["treatment_manager"],
  "episodes.scheduleAppointment": ["treatment_manager"],
  "episodes.recordAppointmentOutcome": ["treatment_manager"],
  "episodes.addIntervention": ["treatment_manager"],
  "episodes.endIntervention": ["treatment_manager"],
  "episodes.recordTopReview": ["treatment_manager"],
  "episodes.discharge": ["treatment_manager"],
  "episodes.overdueTopReviews": ["treatment_manager"],
  "caseload.keyworkers": ["treatment_manager"],
  "caseload.createKeyworker": ["treatment_manager"],
  "caseload.updateKeyworker": ["treatment_manager"],
  "caseload.episodes": ["treatment_manager"],
  "caseload.waitingList": ["treatment_manager"],
  "caseload.reassign": ["treatment_manager"],
  "admin.organisations": ["admin"],
  "admin.createOrganisation": ["admin"],
  "admin.services": ["admin"],
  "admin.createService": ["admin"],
  "admin.changeService": ["admin"],
  "admin.users": ["admin"],
  "admin.createUser": ["admin"],
  "admin.setUserDisabled": ["admin"],
  "admin.updateUser": ["admin"],
  "admin.resetPassword": ["admin"],
  "admin.resetSecondFactor": ["admin"],
  "admin.setOrganisationSecondFactor": ["admin"],
  "admin.auditLog": ["admin"],
};

type ProcedureDef = { _def: { type: "query" | "mutation" | "subscription"; meta?: ProcedureMeta } };
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;

/** Field names that identify a person; a commissioner must never receive one. */
const personLevelFields = [
  "attributor",
  "dateOfBirth",
  "alias",
  "fullName",
  "partialPostcode",
  "firstInitial",
  "surnameInitial",
  "personId",
  "notes",
];

function collectKeys(value: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) collectKeys(item, keys);
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      keys.add(key);
      collectKeys(inner, keys);
    }
  }
  return keys;
}

async function invoke(caller: ReturnType<typeof callerAs>, path: string, input: unknown) {
  let target: unknown = caller;
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  return (target as (input: unknown) => Promise<unknown>)(input);
}

async function refusalOf(caller: ReturnType<typeof callerAs>, path: string): Promise<string | null> {
  try {
    await invoke(caller, path, undefined);
    return null;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED" ? error.code : null;
  }
}

describe("the authorisation matrix is complete", () => {
  it("has a row for every procedure in the router, and no row for one that is gone", () => {
    expect(Object.keys(procedures).sort()).toEqual(Object.keys(expectedAccess).sort());
  });

  it("matches what each procedure declares", () => {
    for (const [path, procedure] of Object.entries(procedures)) {
      expect(procedure._def.meta?.access, path).toEqual(expectedAccess[path]);
    }
  });
});

describeDb("authorisation matrix", (use) => {
  it("lets exactly the declared roles through every procedure, and nobody signed out", async () => {
    const { actors } = await makeWorld(use().db);
    const callers: [string, Actor][] = [
      ...everyone.map((role) => [role, actors[role]] as [string, Actor]),
      ["signed out", { kind: "public", address: "127.0.0.1" }],
    ];
    const outcomes: string[] = [];
    for (const path of Object.keys(expectedAccess)) {
      const access = expectedAccess[path]!;
      for (const [who, actor] of callers) {
        const refusal = await refusalOf(callerAs(use().db, actor), path);
        const allowed = access === "public" || (actor.kind === "user" && access.includes(actor.role));
        const expected = allowed ? null : actor.kind === "user" ? "FORBIDDEN" : "UNAUTHORIZED";
        if (refusal !== expected)
          outcomes.push(`${path} as ${who}: expected ${expected ?? "allowed"}, got ${refusal ?? "allowed"}`);
      }
    }
    expect(outcomes).toEqual([]);
  });

  it("never hands a commissioner a person-level field from any procedure they may call", async () => {
    const { actors } = await makeWorld(use().db);
    const caller = callerAs(use().db, actors.commissioner);
    const period = { from: "2025-01-01", to: "2025-12-31" };
    const sampleInputs: Record<string, unknown> = {
      "hotspots.list": {},
      "reports.funnel": period,
      "reports.outcomes": period,
      "reports.waiting": period,
      "reports.hotspots": period,
      "reports.safeguarding": period,
      "reports.rates": period,
      "map.layers": period,
    };
    const commissionerProcedures = Object.entries(expectedAccess).filter(
      ([path, access]) => access !== "public" && access.includes("commissioner") && !path.startsWith("auth."),
    );
    expect(commissionerProcedures.length).toBeGreaterThan(0);
    for (const [path] of commissionerProcedures) {
      const output = await invoke(caller, path, sampleInputs[path]);
      const leaked = [...collectKeys(output)].filter((key) => personLevelFields.includes(key));
      expect(leaked, path).toEqual([]);
    }
  });
});
