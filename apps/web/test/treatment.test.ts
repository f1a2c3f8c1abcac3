import { referralStatuses } from "@pathways/validators";
import { describe, expect, it } from "vitest";
import { mayVisit, navItems } from "../src/lib/session.ts";
import {
  emptyTopForm,
  formatDay,
  nextTopStage,
  parseTopForm,
  statusTone,
  substanceGroupFor,
  waitingListActions,
} from "../src/lib/treatment.ts";

const episodeId = "7b0a4d55-7c1e-4c1c-9a57-2f1e5f0b7a11";

function filledTop() {
  return {
    ...emptyTopForm("start", "2026-01-05"),
    substanceDays: { heroin: "20", crack: "" },
    psychologicalHealth: "8",
    physicalHealth: "12",
    qualityOfLife: "9",
  };
}

describe("the TOP form", () => {
  it("turns typed text into the numbers the server takes, leaving blank substances out", () => {
    const parsed = parseTopForm(episodeId, filledTop());
    expect(parsed).toEqual({
      ok: true,
      input: expect.objectContaining({
        substanceDays: { heroin: 20 },
        injectingDays: 0,
        psychologicalHealth: 8,
      }),
    });
  });

  it("shows each out-of-range value beside its field before sending", () => {
    const parsed = parseTopForm(episodeId, {
      ...filledTop(),
      substanceDays: { heroin: "29" },
      injectingDays: "-1",
      qualityOfLife: "21",
      physicalHealth: "",
    });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? {} : parsed.fields).toEqual({
      "substanceDays.heroin": ["days using heroin must be between 0 and 28 (days in the past 28)"],
      injectingDays: ["days injected must be between 0 and 28 (days in the past 28)"],
      qualityOfLife: ["quality of life must be a score from 0 to 20"],
      physicalHealth: ["physical health must be a number"],
    });
  });

  it("offers the start TOP first, then reviews", () => {
    expect(nextTopStage([])).toBe("start");
    expect(nextTopStage([{ stage: "start" }])).toBe("review");
    expect(nextTopStage([{ stage: "start" }, { stage: "exit" }])).toBe("exit");
  });
});

describe("the waiting list", () => {
  it("offers exactly the moves the status machine allows", () => {
    expect(waitingListActions("requested")).toEqual(["receive", "close"]);
    expect(waitingListActions("received")).toEqual(["accept", "close"]);
    expect(waitingListActions("accepted")).toEqual(["start", "close"]);
    for (const status of referralStatuses.filter((s) => !["requested", "received", "accepted"].includes(s))) {
      expect(waitingListActions(status), status).toEqual([]);
    }
  });

  it("reads each status at a glance and guesses the substance group from the service", () => {
    expect(statusTone("treatment_started")).toBe("success");
    expect(statusTone("received")).toBe("open");
    expect(statusTone("rejected")).toBe("closed");
    expect(substanceGroupFor("opiate_treatment")).toBe("opiate");
    expect(substanceGroupFor("alcohol_treatment")).toBe("alcohol");
  });
});

describe("dates and navigation", () => {
  it("shows days as a UK practitioner reads them", () => {
    expect(formatDay("2026-01-05")).toBe("5 Jan 2026");
  });

  it("gives outreach workers My referrals, and nobody else", () => {
    const item = navItems.find((nav) => nav.href === "/referrals/mine");
    expect(item?.roles).toEqual(["outreach_worker"]);
    expect(mayVisit("commissioner", "/referrals/mine")).toBe(false);
    expect(mayVisit("commissioner", "/caseload/waiting")).toBe(false);
    expect(mayVisit("treatment_manager", "/caseload/waiting")).toBe(true);
  });
});
