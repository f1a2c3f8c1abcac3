import { z } from "zod";
import {
  consentKinds,
  consentStatuses,
  contactTypes,
  countedInterventions,
  interventionKinds,
  safeguardingConcerns,
  sexes,
  substances,
} from "./codes.ts";
import { Id, Latitude, Longitude, PageInput, text } from "./common.ts";
import { birthDay, eventDay, eventMoment } from "./dates.ts";

/** A hotspot's radius around its centre, used when it has no polygon. */
export const HotspotRadius = z
  .number({ error: "radius must be a number of metres" })
  .int({ error: "radius must be a whole number of metres" })
  .min(10, { error: "radius must be between 10 and 5000 metres" })
  .max(5000, { error: "radius must be between 10 and 5000 metres" });

/**
 * A hotspot's polygon as a GeoJSON linear ring: [longitude, latitude] positions, at least four,
 * the last the same as the first (RFC 7946 section 3.1.6).
 */
export const HotspotPolygon = z
  .array(z.tuple([Longitude, Latitude], { error: "each polygon point must be [longitude, latitude]" }), {
    error: "polygon must be a list of [longitude, latitude] points",
  })
  .min(4, { error: "polygon must have at least three corners and end where it starts" })
  .max(500, { error: "polygon must have at most 500 points" })
  .refine((ring) => ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1], {
    error: "polygon must end at the point where it starts",
  });
export type HotspotPolygon = z.infer<typeof HotspotPolygon>;

/** A hotspot's area: its polygon when given, otherwise `radiusM` metres around lat/lng (150 by default). */
export const HotspotInput = z.object({
  name: text("name", 80),
  lat: Latitude,
  lng: Longitude,
  radiusM: HotspotRadius.optional(),
  /** null clears the polygon, leaving the radius. */
  polygon: HotspotPolygon.nullable().optional(),
});
export type HotspotInput = z.infer<typeof HotspotInput>;

export const HotspotUpdate = HotspotInput.partial().extend({
  id: Id,
  active: z.boolean().optional(),
});
export type HotspotUpdate = z.infer<typeof HotspotUpdate>;

export const HotspotListInput = z
  .object({ includeRetired: z.boolean().default(false) })
  .default({ includeRetired: false });
export type HotspotListInput = z.infer<typeof HotspotListInput>;

// ---- People -------------------------------------------------------------------------------------

function initial(label: string) {
  return z
    .string({ error: `${label} must be text` })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]$/, { error: `${label} must be one letter, A to Z` });
}

/** Optional free text: absent when not given; when given, the same rules as `text`. */
function optionalText(label: string, max: number) {
  return text(label, max).optional();
}

export const DateOfBirth = birthDay("date of birth");

/** The outward code and, optionally, the sector digit: "OX4" or "OX4 1". Never a full postcode. */
export const PartialPostcode = z
  .string({ error: "partial postcode must be text" })
  .trim()
  .toUpperCase()
  .overwrite((value) => value.replace(/\s+/g, " "))
  .regex(/^[A-Z]{1,2}\d[A-Z\d]?( \d)?$/, {
    error:
      "partial postcode must be the first part of a postcode, optionally with one more digit, like OX4 1",
  });

const sexField = z.enum(sexes, { error: `sex must be one of ${sexes.join(", ")}` });

/** What makes the NDTMS-style attributor: initials, date of birth, sex. */
export const AttributorInput = z.object({
  firstInitial: initial("first initial"),
  surnameInitial: initial("surname initial"),
  dateOfBirth: DateOfBirth,
  sex: sexField,
});
export type AttributorInput = z.infer<typeof AttributorInput>;

export const PersonInput = AttributorInput.extend({
  alias: optionalText("alias", 60),
  partialPostcode: PartialPostcode.optional(),
  /** Only the treatment provider may record or see a full name. */
  fullName: optionalText("full name", 120),
});
export type PersonInput = z.infer<typeof PersonInput>;

const sexLetter: Record<(typeof sexes)[number], string> = {
  male: "M",
  female: "F",
  other: "O",
  unknown: "U",
};

/** The attributor, e.g. `JS-1988-03-14-M`: first-name initial, surname initial, date of birth, sex. */
export function attributorOf(person: AttributorInput): string {
  return `${person.firstInitial}${person.surnameInitial}-${person.dateOfBirth}-${sexLetter[person.sex]}`;
}

export const PersonIdInput = z.object({ id: Id });
export type PersonIdInput = z.infer<typeof PersonIdInput>;

/** Search as you type: an attributor (or its start), an alias, or a partial postcode. */
export const FindPeopleInput = PageInput.extend({ query: text("search", 60) });
export type FindPeopleInput = z.infer<typeof FindPeopleInput>;

export const ConsentInput = z.object({
  personId: Id,
  kind: z.enum(consentKinds, { error: `consent kind must be one of ${consentKinds.join(", ")}` }),
  status: z.enum(consentStatuses, { error: `consent status must be one of ${consentStatuses.join(", ")}` }),
  recordedOn: eventDay("date of consent", { past: true }),
});
export type ConsentInput = z.infer<typeof ConsentInput>;

export const MergePeopleInput = z
  .object({ survivorId: Id, mergedId: Id })
  .refine((input) => input.survivorId !== input.mergedId, {
    error: "choose two different people to merge",
    path: ["mergedId"],
  });
export type MergePeopleInput = z.infer<typeof MergePeopleInput>;

export const UndoMergeInput = z.object({ mergeId: Id });
export type UndoMergeInput = z.infer<typeof UndoMergeInput>;

export const ResolveSafeguardingFlagInput = z.object({
  flagId: Id,
  note: text("resolution note", 2000),
});
export type ResolveSafeguardingFlagInput = z.infer<typeof ResolveSafeguardingFlagInput>;

// ---- Contacts and needle finds ------------------------------------------------------------------

/** The idempotency key a device makes for a record before it first tries to send it. */
export const clientKey = z.string({ error: "client key must be text" }).regex(/^[A-Za-z0-9_-]{8,100}$/, {
  error: "client key must be 8 to 100 letters, digits, hyphens or underscores",
});

export const place = {
  hotspotId: Id.optional(),
  location: optionalText("location", 200),
  lat: Latitude.optional(),
  lng: Longitude.optional(),
};

/** A place is a hotspot or a described location; coordinates come as a pair or not at all. */
export function checkPlace(
  value: { hotspotId?: string; location?: string; lat?: number; lng?: number },
  ctx: z.RefinementCtx,
) {
  if (!value.hotspotId && !value.location) {
    ctx.addIssue({
      code: "custom",
      path: ["hotspotId"],
      message: "choose a hotspot or describe the location",
    });
  }
  if ((value.lat === undefined) !== (value.lng === undefined)) {
    const missing = value.lat === undefined ? "lat" : "lng";
    ctx.addIssue({
      code: "custom",
      path: [missing],
      message: "give both latitude and longitude, or neither",
    });
  }
}

function noRepeats(values: readonly string[], field: string, label: string, ctx: z.RefinementCtx) {
  if (new Set(values).size !== values.length) {
    ctx.addIssue({ code: "custom", path: [field], message: `${label} must not repeat` });
  }
}

/** What the quantity of a counted intervention counts, for messages and labels. */
export const interventionQuantityLabels: Record<(typeof countedInterventions)[number], string> = {
  naloxone_supplied: "naloxone kits supplied",
  needles_supplied: "needles supplied",
  sharps_returned: "sharps returned",
};

export const ContactInterventionInput = z.object({
  intervention: z.enum(interventionKinds, {
    error: `intervention must be one of ${interventionKinds.join(", ")}`,
  }),
  quantity: z
    .number({ error: "quantity must be a number" })
    .int({ error: "quantity must be a whole number" })
    .min(1, { error: "quantity must be at least 1" })
    .max(1000, { error: "quantity must be at most 1,000" })
    .optional(),
});
export type ContactInterventionInput = z.infer<typeof ContactInterventionInput>;

export function isCountedIntervention(
  intervention: string,
): intervention is (typeof countedInterventions)[number] {
  return (countedInterventions as readonly string[]).includes(intervention);
}

export const ContactInput = z
  .object({
    clientKey,
    occurredAt: eventMoment("time of contact", { past: true }),
    ...place,
    contactType: z.enum(contactTypes, { error: `contact type must be one of ${contactTypes.join(", ")}` }),
    substances: z
      .array(z.enum(substances, { error: `substance must be one of ${substances.join(", ")}` }))
      .default([]),
    interventions: z.array(ContactInterventionInput).default([]),
    safeguardingConcerns: z
      .array(
        z.enum(safeguardingConcerns, {
          error: `safeguarding concern must be one of ${safeguardingConcerns.join(", ")}`,
        }),
      )
      .default([]),
    notes: optionalText("notes", 2000),
    /** The person met, when known; leave out both for an anonymous contact. */
    personId: Id.optional(),
    /** A person not yet known to Pathways, created with the contact (works offline too). */
    newPerson: PersonInput.optional(),
  })
  .superRefine((value, ctx) => {
    checkPlace(value, ctx);
    noRepeats(value.substances, "substances", "substances", ctx);
    noRepeats(value.safeguardingConcerns, "safeguardingConcerns", "safeguarding concerns", ctx);
    noRepeats(
      value.interventions.map((item) => item.intervention),
      "interventions",
      "interventions",
      ctx,
    );
    value.interventions.forEach((item, index) => {
      if (isCountedIntervention(item.intervention) && item.quantity === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["interventions", index, "quantity"],
          message: `quantity of ${interventionQuantityLabels[item.intervention]} is required`,
        });
      }
      if (!isCountedIntervention(item.intervention) && item.quantity !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["interventions", index, "quantity"],
          message: "quantity only applies to naloxone kits, needles and sharps returned",
        });
      }
    });
    if (value.personId && value.newPerson) {
      ctx.addIssue({
        code: "custom",
        path: ["newPerson"],
        message: "choose an existing person or add a new one, not both",
      });
    }
  });
export type ContactInput = z.infer<typeof ContactInput>;
/** What a form or the offline queue holds before parsing (defaults not yet applied). */
export type ContactDraft = z.input<typeof ContactInput>;

export const PersonContactsInput = PageInput.extend({ personId: Id });
export type PersonContactsInput = z.infer<typeof PersonContactsInput>;

export const NeedleFindInput = z
  .object({
    clientKey,
    foundAt: eventMoment("time found", { past: true }),
    ...place,
    count: z
      .number({ error: "count must be a number" })
      .int({ error: "count must be a whole number" })
      .min(1, { error: "count must be at least 1" })
      .max(5000, { error: "count must be at most 5,000" }),
  })
  .superRefine(checkPlace);
export type NeedleFindInput = z.infer<typeof NeedleFindInput>;
export type NeedleFindDraft = z.input<typeof NeedleFindInput>;

/** Staff's global search box: a referral's R-number, a community report's CR-number, or a person. */
export const GlobalSearchInput = z.object({ query: text("search", 60) });
export type GlobalSearchInput = z.infer<typeof GlobalSearchInput>;
