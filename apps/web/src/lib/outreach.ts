import { serviceTimeZone } from "@pathways/validators/calendar";
import type {
  ContactType,
  InterventionKind,
  SafeguardingConcern,
  Sex,
  Substance,
} from "@pathways/validators/codes";
import { useEffect, useState } from "react";

export const contactTypeLabels: Record<ContactType, string> = {
  street_outreach: "Street outreach",
  patrol_encounter: "Patrol encounter",
  welfare_check: "Welfare check",
  needle_exchange: "Needle exchange",
  report_follow_up: "Report follow-up",
};

export const interventionLabels: Record<InterventionKind, string> = {
  harm_reduction_advice: "Harm-reduction advice",
  naloxone_supplied: "Naloxone kits",
  needles_supplied: "Needles",
  sharps_returned: "Sharps returned",
  signposted: "Signposted",
  referral_made: "Referral made",
  welfare_support: "Welfare support",
};

export const substanceLabels: Record<Substance, string> = {
  heroin: "Heroin",
  other_opioid: "Other opioid",
  crack: "Crack",
  cocaine: "Cocaine",
  amphetamine: "Amphetamine",
  cannabis: "Cannabis",
  spice: "Spice",
  alcohol: "Alcohol",
  benzodiazepine: "Benzos",
  other: "Other",
};

export const concernLabels: Record<SafeguardingConcern, string> = {
  child_exploitation: "Child exploitation",
  adult_exploitation: "Adult exploitation",
  cuckooing: "Cuckooing",
  county_lines: "County lines",
  child_at_risk: "Child at risk",
  domestic_abuse: "Domestic abuse",
  self_neglect: "Self-neglect",
};

export const sexLabels: Record<Sex, string> = {
  male: "Male",
  female: "Female",
  other: "Other",
  unknown: "Not known",
};

const londonTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: serviceTimeZone,
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});
const londonDate = new Intl.DateTimeFormat("en-GB", {
  timeZone: serviceTimeZone,
  day: "numeric",
  month: "short",
  year: "numeric",
});

/** "Tue 3 Jun, 14:05" in UK time, whatever the phone's zone. */
export function formatWhen(at: Date | string | number): string {
  return londonTime.format(new Date(at));
}

/** "3 Jun 2026" for a YYYY-MM-DD or an instant. */
export function formatDay(day: Date | string): string {
  return londonDate.format(
    typeof day === "string" && day.length === 10 ? new Date(`${day}T12:00:00Z`) : new Date(day),
  );
}

/** A value for <input type="datetime-local"> in the phone's own time. */
export function toLocalInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/**
 * A new idempotency key for a record about to be logged. randomUUID needs a secure context; a
 * plain-HTTP development address falls back to the same 122 random bits from getRandomValues.
 */
export function newClientKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const lastHotspotKey = (userId: string) => `pathways.lastHotspot.${userId}`;

/**
 * The hotspot this worker last logged at on this phone: workers stay in one place for a while. Kept
 * per worker, so on a shared phone nobody starts at the last worker's place.
 */
export function rememberedHotspot(userId: string): string {
  try {
    return localStorage.getItem(lastHotspotKey(userId)) ?? "";
  } catch {
    return "";
  }
}

export function rememberHotspot(userId: string, hotspotId: string): void {
  try {
    if (hotspotId) localStorage.setItem(lastHotspotKey(userId), hotspotId);
  } catch {
    // Private browsing can refuse storage; the picker then simply asks again.
  }
}

/** The value after it has stopped changing for `ms`: search as you type without a request per key. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The browser's view of the connection, kept current. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => (typeof navigator === "undefined" ? true : navigator.onLine));
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

/** The referral form (built by the referrals area) takes the person and, when there is one, the contact. */
export function referralHref(personId: string, contactId?: string): string {
  const params = new URLSearchParams({ personId });
  if (contactId) params.set("contactId", contactId);
  return `/referrals/new?${params.toString()}`;
}
