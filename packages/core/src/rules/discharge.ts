import { type SQL, sql } from "@pathways/db";
import {
  type DischargeReason,
  type SubstanceGroup,
  successfulDischargeReasons,
} from "@pathways/validators/codes";

/**
 * Discharge rules (DOMAIN.md, Treatment and Measures). The list of successful reasons is a code list
 * in @pathways/validators/codes (the forms offer it); what counts as a successful discharge and which
 * reasons are refused for whom are decided here, and every verb, report, rollup and import calls these.
 */

/**
 * A successful discharge: a successful reason and, for an opiate client, not still on opioid
 * substitution at exit.
 */
export function isSuccessfulDischarge(episode: {
  dischargeReason: DischargeReason | null;
  substanceGroup: SubstanceGroup;
  ostAtExit: boolean | null;
}): boolean {
  if (!episode.dischargeReason) return false;
  if (!(successfulDischargeReasons as readonly string[]).includes(episode.dischargeReason)) return false;
  return !(episode.substanceGroup === "opiate" && episode.ostAtExit === true);
}

/**
 * The same rule as SQL, for a row of `episodes` under the alias `e` (the table name when there is no
 * alias): the one SQL form reports, rollups, re-presentation checks and the import use.
 */
export function successfulDischargeSql(e: string): SQL {
  const reasons = successfulDischargeReasons.map((reason) => `'${reason}'`).join(", ");
  return sql.raw(
    `(${e}.discharge_reason in (${reasons}) ` +
      `and not (${e}.substance_group = 'opiate' and coalesce(${e}.ost_at_exit, false)))`,
  );
}

/** Why `completed_occasional_user` may not end this episode: an opiate client, or a crack user. */
export type OccasionalUserRefusal = "opiate" | "crack";

/**
 * `completed_occasional_user` is not valid for opiate or crack users. A crack user is someone with
 * crack use recorded: days of crack on a TOP of the episode, or crack among the substances of a
 * contact with the person on or before the discharge day. Null when the reason is allowed.
 */
export function occasionalUserRefusal(
  reason: DischargeReason,
  user: { substanceGroup: SubstanceGroup; crackUseRecorded: boolean },
): OccasionalUserRefusal | null {
  if (reason !== "completed_occasional_user") return null;
  if (user.substanceGroup === "opiate") return "opiate";
  return user.crackUseRecorded ? "crack" : null;
}

/** The message for a refused `completed_occasional_user`, saying what makes the person ineligible. */
export function occasionalUserMessage(refusal: OccasionalUserRefusal, evidence: string): string {
  const why =
    refusal === "opiate" ? "this is opiate treatment" : `crack use is recorded on their ${evidence}`;
  return `\`completed_occasional_user\` is not valid for opiate or crack users, and ${why}.`;
}
