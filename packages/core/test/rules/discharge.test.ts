import { queryRows, sql } from "@pathways/db";
import { dischargeReasons, substanceGroups } from "@pathways/validators/codes";
import { describeDb } from "@pathways/vitest-config";
import { describe, expect, it } from "vitest";
import {
  isSuccessfulDischarge,
  occasionalUserRefusal,
  successfulDischargeSql,
} from "../../src/rules/discharge.ts";

describe("discharge rules (DOMAIN.md)", () => {
  it("counts a successful reason as success, except an opiate client still on OST at exit", () => {
    const successful = (
      dischargeReason: (typeof dischargeReasons)[number],
      ostAtExit: boolean | null = null,
    ) => isSuccessfulDischarge({ dischargeReason, substanceGroup: "opiate", ostAtExit });
    expect(dischargeReasons.filter((reason) => successful(reason, false))).toEqual([
      "completed_drug_free",
      "completed_alcohol_free",
      "completed_occasional_user",
    ]);
    expect(successful("completed_drug_free", true)).toBe(false);
    expect(
      isSuccessfulDischarge({
        dischargeReason: "completed_drug_free",
        substanceGroup: "alcohol",
        ostAtExit: true,
      }),
    ).toBe(true);
    expect(isSuccessfulDischarge({ dischargeReason: null, substanceGroup: "alcohol", ostAtExit: null })).toBe(
      false,
    );
  });

  it("refuses completed_occasional_user for opiate clients and crack users only", () => {
    const refusal = (substanceGroup: (typeof substanceGroups)[number], crackUseRecorded: boolean) =>
      occasionalUserRefusal("completed_occasional_user", { substanceGroup, crackUseRecorded });
    expect(refusal("opiate", false)).toBe("opiate");
    expect(refusal("non_opiate", true)).toBe("crack");
    expect(refusal("alcohol", true)).toBe("crack");
    expect(refusal("non_opiate", false)).toBeNull();
    expect(
      occasionalUserRefusal("completed_drug_free", { substanceGroup: "opiate", crackUseRecorded: true }),
    ).toBeNull();
  });
});

describeDb("the SQL form of a successful discharge", (use) => {
  it("agrees with the rule for every reason, substance group and OST at exit", async () => {
    const cases = dischargeReasons.flatMap((dischargeReason) =>
      substanceGroups.flatMap((substanceGroup) =>
        [true, false, null].map((ostAtExit) => ({ dischargeReason, substanceGroup, ostAtExit })),
      ),
    );
    const rows = sql.join(
      cases.map(
        (c, i) =>
          sql`(${i}::int, ${c.dischargeReason}::text, ${c.substanceGroup}::text, ${c.ostAtExit}::boolean)`,
      ),
      sql`, `,
    );
    const answers = await queryRows<{ i: number; successful: boolean }>(
      use().db,
      sql`select e.i, ${successfulDischargeSql("e")} as successful
        from (values ${rows}) as e(i, discharge_reason, substance_group, ost_at_exit) order by e.i`,
    );
    expect(answers.map((row) => row.successful)).toEqual(cases.map((c) => isSuccessfulDischarge(c)));
  });
});
