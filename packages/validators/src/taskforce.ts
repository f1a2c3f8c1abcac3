import { z } from "zod";
import {
  arrestOffences,
  drugClasses,
  drugQuantityUnits,
  environmentalActions,
  patrolStyles,
  taskforceActivityKinds,
} from "./codes.ts";
import { Id, PageInput, text } from "./common.ts";
import { eventDay, eventMoment } from "./dates.ts";
import { checkPlace, clientKey, place } from "./outreach.ts";

export function whole(label: string, min: number, max: number) {
  return z
    .number({ error: `${label} must be a number` })
    .int({ error: `${label} must be a whole number` })
    .min(min, { error: `${label} must be at least ${min}` })
    .max(max, { error: `${label} must be at most ${max.toLocaleString("en-GB")}` });
}

export function oneOf<const T extends readonly [string, ...string[]]>(label: string, values: T) {
  return z.enum(values, { error: `${label} must be one of ${values.join(", ")}` });
}

/**
 * Where a search or warrant was: an area or a street, never a full address (DOMAIN.md). A house
 * number at the start or a full postcode makes it an address, so both are refused.
 */
export const SearchArea = text("area", 120).refine(
  (value) =>
    !/^\s*(flat|apartment|unit)?\s*\d+[a-z]?\b/i.test(value) &&
    !/\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i.test(value),
  {
    error: "area must be an area or street, never a full address: leave out house numbers and full postcodes",
  },
);

/** The fields each kind carries beyond what every activity has: the one list schema and form read. */
export const activityFields = {
  patrol: ["patrolStyle", "endedAt", "officers"],
  arrest: ["offence", "arrestCount"],
  search: ["area", "found"],
  warrant: ["area", "found"],
  seizure: ["drugSubstance", "drugClass", "drugQuantity", "drugUnit", "cashPounds", "weapons"],
  environmental_action: ["action", "note"],
  needle_sweep: [],
} as const satisfies Record<(typeof taskforceActivityKinds)[number], readonly string[]>;

type KindField = (typeof activityFields)[keyof typeof activityFields][number];
const everyKindField = [...new Set(Object.values(activityFields).flat())] as KindField[];

const kindNames: Record<(typeof taskforceActivityKinds)[number], string> = {
  patrol: "a patrol",
  arrest: "an arrest",
  search: "a search",
  warrant: "a warrant",
  seizure: "a seizure",
  environmental_action: "an environmental action",
  needle_sweep: "a needle sweep",
};

/**
 * Another kind's fields, each refused by name: a patrol given `cashPounds` is a 400 on `cashPounds`
 * saying which kinds it belongs to, not a silently dropped value.
 */
function refusedFields(kind: keyof typeof activityFields) {
  const own = activityFields[kind] as readonly KindField[];
  return Object.fromEntries(
    everyKindField
      .filter((field) => !own.includes(field))
      .map((field) => {
        const owners = taskforceActivityKinds.filter((k) =>
          (activityFields[k] as readonly KindField[]).includes(field),
        );
        return [
          field,
          z
            .undefined({
              error: `${field} does not apply to ${kindNames[kind]}; it belongs to ${owners.map((k) => kindNames[k]).join(" or ")}`,
            })
            .optional(),
        ];
      }),
  ) as Record<
    Exclude<KindField, (typeof activityFields)[typeof kind][number]>,
    z.ZodOptional<z.ZodUndefined>
  >;
}

const common = {
  clientKey,
  occurredAt: eventMoment("time of activity", { past: true }),
  ...place,
  operationId: Id.optional(),
  dayOfActionId: Id.optional(),
};

const Weapons = z
  .object({
    knife: whole("knives", 0, 1000).optional(),
    firearm: whole("firearms", 0, 1000).optional(),
    other: whole("other weapons", 0, 1000).optional(),
  })
  .strict();

const variants = [
  z.object({
    ...common,
    kind: z.literal("patrol"),
    ...refusedFields("patrol"),
    patrolStyle: oneOf("patrol style", patrolStyles),
    endedAt: eventMoment("end of patrol", { past: true }),
    officers: whole("officers", 1, 100),
  }),
  z.object({
    ...common,
    kind: z.literal("arrest"),
    ...refusedFields("arrest"),
    offence: oneOf("offence", arrestOffences),
    arrestCount: whole("number arrested", 1, 100),
  }),
  z.object({
    ...common,
    kind: z.literal("search"),
    ...refusedFields("search"),
    area: SearchArea,
    found: text("what was found", 500).optional(),
  }),
  z.object({
    ...common,
    kind: z.literal("warrant"),
    ...refusedFields("warrant"),
    area: SearchArea,
    found: text("what was found", 500).optional(),
  }),
  z.object({
    ...common,
    kind: z.literal("seizure"),
    ...refusedFields("seizure"),
    drugSubstance: text("drug substance", 60).optional(),
    drugClass: oneOf("drug class", drugClasses).optional(),
    drugQuantity: z
      .number({ error: "drug quantity must be a number" })
      .positive({ error: "drug quantity must be more than 0" })
      .max(100_000, { error: "drug quantity must be at most 100,000" })
      .optional(),
    drugUnit: oneOf("drug unit", drugQuantityUnits).optional(),
    cashPounds: whole("cash in pounds", 1, 100_000_000).optional(),
    weapons: Weapons.optional(),
  }),
  z.object({
    ...common,
    kind: z.literal("environmental_action"),
    ...refusedFields("environmental_action"),
    action: oneOf("action", environmentalActions),
    note: text("note", 500).optional(),
  }),
  z.object({ ...common, kind: z.literal("needle_sweep"), ...refusedFields("needle_sweep") }),
] as const;

type Variant = z.infer<(typeof variants)[number]>;

/** The seizure's drugs come whole (substance, class, quantity, unit) or not at all, and something was seized. */
function checkSeizure(value: Extract<Variant, { kind: "seizure" }>, ctx: z.RefinementCtx) {
  const drugs = ["drugSubstance", "drugClass", "drugQuantity", "drugUnit"] as const;
  const given = drugs.filter((field) => value[field] !== undefined);
  if (given.length > 0 && given.length < drugs.length) {
    for (const field of drugs.filter((f) => value[f] === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `${field} is required when drugs are seized: give substance, class, quantity and unit`,
      });
    }
  }
  const weapons = Object.values(value.weapons ?? {}).reduce((sum, n) => sum + (n ?? 0), 0);
  if (given.length === 0 && value.cashPounds === undefined && weapons === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["drugSubstance"],
      message: "a seizure must record drugs, cash or weapons",
    });
  }
}

export const TaskforceActivityInput = z
  .discriminatedUnion("kind", variants, {
    error: `kind must be one of ${taskforceActivityKinds.join(", ")}`,
  })
  .superRefine((value, ctx) => {
    checkPlace(value, ctx);
    if (value.kind === "patrol" && value.endedAt <= value.occurredAt) {
      ctx.addIssue({ code: "custom", path: ["endedAt"], message: "end of patrol must be after its start" });
    }
    if (value.kind === "seizure") checkSeizure(value, ctx);
    if (value.kind === "environmental_action" && value.action === "other" && !value.note) {
      ctx.addIssue({ code: "custom", path: ["note"], message: "note is required when the action is other" });
    }
  });
export type TaskforceActivityInput = z.infer<typeof TaskforceActivityInput>;
/** What a form or the offline queue holds before parsing. */
export type TaskforceActivityDraft = z.input<typeof TaskforceActivityInput>;

export const ActivityListInput = PageInput.extend({
  from: eventDay("from").optional(),
  to: eventDay("to").optional(),
  hotspotId: Id.optional(),
  kind: oneOf("kind", taskforceActivityKinds).optional(),
  operationId: Id.optional(),
}).refine((value) => !value.from || !value.to || value.from <= value.to, {
  error: "to must be on or after from",
  path: ["to"],
});
export type ActivityListInput = z.infer<typeof ActivityListInput>;

export const OperationInput = z
  .object({
    name: text("name", 120),
    startedOn: eventDay("start date"),
    endedOn: eventDay("end date").optional(),
  })
  .refine((value) => !value.endedOn || value.endedOn >= value.startedOn, {
    error: "end date must be on or after the start date",
    path: ["endedOn"],
  });
export type OperationInput = z.infer<typeof OperationInput>;

export const DayOfActionInput = z.object({
  name: text("name", 120),
  date: eventDay("date"),
  operationId: Id.optional(),
});
export type DayOfActionInput = z.infer<typeof DayOfActionInput>;
