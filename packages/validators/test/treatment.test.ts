import { describe, expect, it } from "vitest";
import {
  DischargeInput,
  fieldErrors,
  InterventionInput,
  MoveReferralInput,
  ReferralInput,
  StartEpisodeInput,
  TopReviewInput,
} from "../src/index.ts";

const episodeId = "7b0a4d55-7c1e-4c1c-9a57-2f1e5f0b7a11";
const validTop = {
  episodeId,
  stage: "start",
  completedOn: "2026-01-05",
  substanceDays: { heroin: 20, crack: 4 },
  injectingDays: 12,
  sharedEquipment: false,
  crimeDays: 3,
  psychologicalHealth: 8,
  physicalHealth: 10,
  qualityOfLife: 7,
  paidWorkDays: 0,
  acuteHousingProblem: true,
} as const;

function topErrors(changes: Record<string, unknown>) {
  const result = TopReviewInput.safeParse({ ...validTop, ...changes });
  return result.success ? {} : fieldErrors(result.error);
}

describe("TOP review input", () => {
  it("accepts the edges of every range", () => {
    expect(TopReviewInput.safeParse(validTop).success).toBe(true);
    expect(
      TopReviewInput.safeParse({
        ...validTop,
        substanceDays: { alcohol: 28, cannabis: 0 },
        injectingDays: 28,
        crimeDays: 0,
        paidWorkDays: 28,
        psychologicalHealth: 0,
        physicalHealth: 20,
        qualityOfLife: 20,
      }).success,
    ).toBe(true);
  });

  const dayFields = [
    ["injectingDays", "days injected"],
    ["crimeDays", "days of crime"],
    ["paidWorkDays", "days of paid work"],
  ] as const;
  for (const [field, label] of dayFields) {
    for (const value of [-1, 29]) {
      it(`refuses ${field} = ${value}, naming the field and the 0-28 range`, () => {
        expect(topErrors({ [field]: value })).toEqual({
          [field]: [`${label} must be between 0 and 28 (days in the past 28)`],
        });
      });
    }
    it(`refuses a fractional ${field}`, () => {
      expect(topErrors({ [field]: 2.5 })).toEqual({ [field]: [`${label} must be a whole number of days`] });
    });
  }

  const scoreFields = [
    ["psychologicalHealth", "psychological health"],
    ["physicalHealth", "physical health"],
    ["qualityOfLife", "quality of life"],
  ] as const;
  for (const [field, label] of scoreFields) {
    for (const value of [-1, 21]) {
      it(`refuses ${field} = ${value}, naming the field and the 0-20 range`, () => {
        expect(topErrors({ [field]: value })).toEqual({ [field]: [`${label} must be a score from 0 to 20`] });
      });
    }
  }

  for (const value of [-1, 29]) {
    it(`refuses substance days = ${value} for a substance, naming the substance`, () => {
      expect(topErrors({ substanceDays: { other_opioid: value } })).toEqual({
        "substanceDays.other_opioid": [
          "days using other opioid must be between 0 and 28 (days in the past 28)",
        ],
      });
    });
  }

  it("refuses a substance that is not on the code list", () => {
    expect(Object.keys(topErrors({ substanceDays: { ketamine: 3 } }))).toEqual(["substanceDays"]);
  });

  it("refuses a stage and a date that are not real", () => {
    expect(topErrors({ stage: "middle", completedOn: "2026-02-30" })).toEqual({
      stage: ["stage must be one of start, review, exit"],
      completedOn: ["completed on must be a real calendar date"],
    });
  });
});

describe("referral and episode input", () => {
  it("needs a person or a contact to refer", () => {
    const result = ReferralInput.safeParse({
      serviceId: episodeId,
      reason: "Wants help with heroin use",
      source: "outreach",
    });
    expect(fieldErrors(result.error!)).toEqual({
      personId: ["person is required: choose the person being referred, or refer from their contact"],
    });
  });

  it("needs a failure reason to reject a referral", () => {
    const result = MoveReferralInput.safeParse({ referralId: episodeId, to: "rejected" });
    expect(fieldErrors(result.error!)).toEqual({
      failureReason: ["failure reason is required when rejecting a referral"],
    });
  });

  it("starts an episode from a referral or for a person, not both", () => {
    const both = StartEpisodeInput.safeParse({
      referralId: episodeId,
      personId: episodeId,
      substanceGroup: "opiate",
      startedOn: "2026-01-01",
    });
    expect(Object.keys(fieldErrors(both.error!))).toEqual(["referralId"]);
    expect(
      StartEpisodeInput.safeParse({ personId: episodeId, substanceGroup: "opiate", startedOn: "2026-01-01" })
        .success,
    ).toBe(true);
  });

  it("keeps an intervention's dates in order and a discharge reason on the code list", () => {
    const intervention = InterventionInput.safeParse({
      episodeId,
      type: "psychosocial",
      setting: "community",
      startedOn: "2026-02-01",
      endedOn: "2026-01-31",
    });
    expect(fieldErrors(intervention.error!)).toEqual({
      endedOn: ["end date cannot be before the start date"],
    });
    const discharge = DischargeInput.safeParse({
      episodeId,
      dischargedOn: "2026-02-01",
      reason: "got_better",
    });
    expect(Object.keys(fieldErrors(discharge.error!))).toEqual(["reason"]);
  });
});
