import {
  type ReferralStatus,
  type ServiceCode,
  type Substance,
  type SubstanceGroup,
  substances,
  TopReviewInput,
} from "@pathways/validators";
import { serviceTimeZone } from "@pathways/validators/calendar";

/** Dates and times as a UK practitioner reads them, in the service's time zone. */
const dayFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: serviceTimeZone });
const timeFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: serviceTimeZone,
});

/** A calendar day (`YYYY-MM-DD`) or an instant, as "5 Jan 2026". */
export function formatDay(value: string | Date | null | undefined): string {
  if (!value) return "–";
  return dayFormat.format(typeof value === "string" ? new Date(`${value}T12:00:00Z`) : value);
}

export function formatDateTime(value: Date | null | undefined): string {
  return value ? timeFormat.format(value) : "–";
}

export const statusLabels: Record<ReferralStatus, string> = {
  requested: "Requested",
  received: "Received",
  accepted: "Accepted",
  treatment_started: "Treatment started",
  rejected: "Rejected",
  unable_to_contact: "Unable to contact",
  declined_by_client: "Declined by client",
  cancelled: "Cancelled",
};

/** How a status reads at a glance: still moving, reached treatment, or ended without it. */
export function statusTone(status: ReferralStatus): "open" | "success" | "closed" {
  if (status === "treatment_started") return "success";
  if (status === "requested" || status === "received" || status === "accepted") return "open";
  return "closed";
}

export type WaitingListAction = "receive" | "accept" | "start" | "close";

/** What the provider can do next with a referral on the waiting list (DOMAIN.md status machine). */
export function waitingListActions(status: ReferralStatus): WaitingListAction[] {
  switch (status) {
    case "requested":
      return ["receive", "close"];
    case "received":
      return ["accept", "close"];
    case "accepted":
      return ["start", "close"];
    default:
      return [];
  }
}

/** Ways a referral can end without treatment, and the failure reason each suggests. */
export const closingStatuses = [
  { status: "rejected", label: "Rejected", reason: "not_eligible" },
  { status: "unable_to_contact", label: "Unable to contact", reason: "unable_to_contact_client" },
  { status: "declined_by_client", label: "Declined by client", reason: "client_refused_services" },
  { status: "cancelled", label: "Cancelled", reason: "services_no_longer_needed" },
] as const;

/** The substance group an episode from a referral to this service most likely has. */
export function substanceGroupFor(service: ServiceCode): SubstanceGroup {
  if (service === "opiate_treatment") return "opiate";
  if (service === "alcohol_treatment") return "alcohol";
  return "non_opiate";
}

/** The stage the next TOP is: start until there is one, then reviews; exit belongs to discharge. */
export function nextTopStage(reviews: { stage: "start" | "review" | "exit" }[]): "start" | "review" | "exit" {
  if (reviews.some((review) => review.stage === "exit")) return "exit";
  return reviews.some((review) => review.stage === "start") ? "review" : "start";
}

/** The TOP form as typed: every number is text until it is sent. */
export interface TopForm {
  stage: "start" | "review" | "exit";
  completedOn: string;
  substanceDays: Partial<Record<Substance, string>>;
  injectingDays: string;
  sharedEquipment: boolean;
  crimeDays: string;
  psychologicalHealth: string;
  physicalHealth: string;
  qualityOfLife: string;
  paidWorkDays: string;
  acuteHousingProblem: boolean;
}

export function emptyTopForm(stage: TopForm["stage"], completedOn: string): TopForm {
  return {
    stage,
    completedOn,
    substanceDays: {},
    injectingDays: "0",
    sharedEquipment: false,
    crimeDays: "0",
    psychologicalHealth: "",
    physicalHealth: "",
    qualityOfLife: "",
    paidWorkDays: "0",
    acuteHousingProblem: false,
  };
}

/** A typed number, or the text itself so the validator can say what is wrong with it. */
function numberOrText(value: string): number | string {
  const trimmed = value.trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/**
 * Checks the TOP form with the same rules the server applies (0-28 days, 0-20 scores), so a slip is
 * shown beside its field before anything is sent.
 */
export function parseTopForm(episodeId: string, form: TopForm) {
  const substanceDays: Record<string, number | string> = {};
  for (const substance of substances) {
    const value = form.substanceDays[substance];
    if (value !== undefined && value.trim() !== "") substanceDays[substance] = numberOrText(value);
  }
  const result = TopReviewInput.safeParse({
    episodeId,
    stage: form.stage,
    completedOn: form.completedOn,
    substanceDays,
    injectingDays: numberOrText(form.injectingDays),
    sharedEquipment: form.sharedEquipment,
    crimeDays: numberOrText(form.crimeDays),
    psychologicalHealth: numberOrText(form.psychologicalHealth),
    physicalHealth: numberOrText(form.physicalHealth),
    qualityOfLife: numberOrText(form.qualityOfLife),
    paidWorkDays: numberOrText(form.paidWorkDays),
    acuteHousingProblem: form.acuteHousingProblem,
  });
  if (result.success) return { ok: true as const, input: result.data };
  const fields: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  return { ok: false as const, fields };
}

/** `datetime-local` value (the browser's local time) for an instant, and back. */
export function toDateTimeLocal(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
