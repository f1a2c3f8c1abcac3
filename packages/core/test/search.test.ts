import { describeDb, makeWorld } from "@pathways/vitest-config";
import { expect, it } from "vitest";
import { submitCommunityReport } from "../src/community/reports.ts";
import { Forbidden, Unauthenticated } from "../src/errors.ts";
import { createReferral } from "../src/referrals/index.ts";
import { globalSearch } from "../src/search.ts";
import { reportInput, residentCtx } from "./community-helpers.ts";
import { addPerson, makePathwayWorld } from "./pathway-fixtures.ts";

/** Issue 18's global search: each query's shape finds its kind of record, within each role's rights. */
describeDb("global search", (use) => {
  it("finds a referral by R-number for its referrer and provider only", async () => {
    const world = await makePathwayWorld(use().db);
    const other = await makeWorld(use().db);
    const person = await addPerson(world.ctxOf("admin").db, { alias: `Search ${world.tag}` });
    const referral = await createReferral({
      ctx: world.ctx("outreach_worker"),
      input: {
        personId: person.id,
        serviceId: world.serviceIds.opiate_treatment,
        reason: "Wants help",
        source: "outreach",
      },
    });
    const query = `R-${referral.number}`;
    const mine = await globalSearch({ ctx: world.ctx("outreach_worker"), input: { query } });
    expect(mine).toEqual([
      expect.objectContaining({ kind: "referral", id: referral.id, href: "/referrals/mine" }),
    ]);
    const provider = await globalSearch({
      ctx: world.ctx("treatment_manager"),
      input: { query: query.toLowerCase() },
    });
    expect(provider).toEqual([
      expect.objectContaining({ kind: "referral", id: referral.id, href: "/caseload/waiting" }),
    ]);
    // The attacker: another provider's treatment manager, with the R-number and the attributor.
    const attacker = other.ctxOf("treatment_manager");
    expect(await globalSearch({ ctx: attacker, input: { query } })).toEqual([]);
    expect(await globalSearch({ ctx: attacker, input: { query: person.attributor } })).toEqual([]);
    expect(await globalSearch({ ctx: attacker, input: { query: `Search ${world.tag}` } })).toEqual([]);
    // Another outreach worker's organisation did not make it: theirs is not to see.
    expect(await globalSearch({ ctx: other.ctxOf("outreach_worker"), input: { query } })).toEqual([]);
  });

  it("finds people by alias, attributor start and postcode start, linking to their page", async () => {
    const world = await makePathwayWorld(use().db);
    const person = await addPerson(world.ctxOf("admin").db, { alias: `Alias ${world.tag}` });
    const ctx = world.ctx("outreach_worker");
    for (const query of [`alias ${world.tag}`, person.attributor]) {
      const found = await globalSearch({ ctx, input: { query } });
      expect(found).toContainEqual(
        expect.objectContaining({ kind: "person", id: person.id, href: `/people/${person.id}` }),
      );
    }
  });

  it("finds a community report by CR-number for triage roles only", async () => {
    const world = await makeWorld(use().db);
    const submitted = await submitCommunityReport({ ctx: residentCtx(use().db), input: reportInput() });
    const query = submitted.reference;
    for (const role of ["outreach_worker", "admin"] as const) {
      expect(await globalSearch({ ctx: world.ctxOf(role), input: { query } })).toEqual([
        expect.objectContaining({ kind: "community_report", href: expect.stringMatching(/^\/triage\//) }),
      ]);
    }
    expect(await globalSearch({ ctx: world.ctxOf("treatment_manager"), input: { query } })).toEqual([]);
  });

  it("refuses commissioners and residents", async () => {
    const world = await makeWorld(use().db);
    await expect(
      globalSearch({ ctx: world.ctxOf("commissioner"), input: { query: "JS" } }),
    ).rejects.toBeInstanceOf(Forbidden);
    await expect(globalSearch({ ctx: residentCtx(use().db), input: { query: "JS" } })).rejects.toBeInstanceOf(
      Unauthenticated,
    );
  });
});
