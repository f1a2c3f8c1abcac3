/** Checks several episode verbs share: a discharged episode takes nothing new, no day in the future. */
import { serviceTimeZone } from "../calendar.ts";
import { Conflict, ValidationError } from "../errors.ts";
import type { EpisodeRow } from "../treatment-records.ts";

export const appointmentTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: serviceTimeZone,
  dateStyle: "medium",
  timeStyle: "short",
});

export function refuseWhenDischarged(episode: EpisodeRow, what: string) {
  if (episode.dischargedOn) {
    throw new Conflict(`This episode was discharged on ${episode.dischargedOn}; it takes no new ${what}.`);
  }
}

export function refuseFutureDay(field: string, label: string, day: string, today: string) {
  if (day > today) throw ValidationError.field(field, `${label} cannot be in the future`);
}
