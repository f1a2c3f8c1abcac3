import { z } from "zod";
import { type ReportStatus, reportCategories, reportStatuses } from "./codes.ts";
import { Id, Latitude, Longitude, PageInput, text } from "./common.ts";

export type CommunityReportCategory = (typeof reportCategories)[number];

/** What a resident sees for each category on the report form and the tracking page. */
export const reportCategoryLabels: Record<CommunityReportCategory, string> = {
  drug_dealing: "Drug dealing",
  drug_use: "Drug use",
  discarded_needles: "Discarded needles",
  weapons: "Weapons",
  exploitation_concern: "Someone being exploited",
  other: "Something else",
};

export const reportStatusLabels: Record<ReportStatus, string> = {
  open: "Received",
  acknowledged: "Acknowledged",
  in_progress: "In progress",
  closed_actioned: "Closed: action taken",
  closed_no_action: "Closed: no action needed",
  duplicate: "Closed: already reported",
};

/**
 * The status machine of DOMAIN.md: open -> acknowledged -> in_progress -> closed. A report is
 * acknowledged before it is closed, so every reporter hears that someone has seen it; staff may close
 * an acknowledged report without passing through in_progress; a duplicate can be marked at any open
 * stage. Closed statuses are terminal.
 */
export const reportStatusTransitions: Record<ReportStatus, readonly ReportStatus[]> = {
  open: ["acknowledged", "duplicate"],
  acknowledged: ["in_progress", "closed_actioned", "closed_no_action", "duplicate"],
  in_progress: ["closed_actioned", "closed_no_action", "duplicate"],
  closed_actioned: [],
  closed_no_action: [],
  duplicate: [],
};

export const activeReportStatuses = ["open", "acknowledged", "in_progress"] as const satisfies ReportStatus[];
export const closedReportStatuses = [
  "closed_actioned",
  "closed_no_action",
  "duplicate",
] as const satisfies ReportStatus[];

/** The longest description a resident may send: enough for detail, too short to paste a dossier. */
export const maxReportDescription = 2000;
export const maxPublicNote = 1000;
/** What the reporter reads when a report is acknowledged without a note of its own. */
export const defaultAcknowledgement = "Thank you. The taskforce has seen your report and will look into it.";
export const maxInternalNote = 2000;

export const CommunityReportReference = z
  .string({ error: "reference must be text" })
  .trim()
  .toUpperCase()
  .regex(/^CR-\d{4}-\d{6,}$/, { error: "reference must look like CR-2026-000123" });

/** An optional form field: an empty or blank string means "not given". */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    schema.optional(),
  );
}

const ContactEmail = z
  .email({ error: "email must be an email address, like name@example.org" })
  .max(254, { error: "email must be at most 254 characters" });

const ContactPhone = z
  .string({ error: "phone must be text" })
  .trim()
  .regex(/^\+?[0-9 ()-]{7,20}$/, { error: "phone must be a phone number, like 07700 900123", abort: true })
  .refine((value) => value.replace(/\D/g, "").length >= 7 && value.replace(/\D/g, "").length <= 15, {
    error: "phone must have between 7 and 15 digits",
  });

export const CommunityReportInput = z
  .object({
    category: z.enum(reportCategories, { error: "category: choose what you are reporting" }),
    hotspotId: optional(Id),
    location: optional(text("place", 200)),
    lat: Latitude.optional(),
    lng: Longitude.optional(),
    description: text("description", maxReportDescription),
    contactEmail: optional(ContactEmail),
    contactPhone: optional(ContactPhone),
    /**
     * A field people never see and bots fill in. Whatever it holds is accepted without complaint, so
     * a bot learns nothing from the answer.
     */
    website: z.string().max(10_000).optional(),
  })
  .superRefine((report, ctx) => {
    if ((report.lat === undefined) !== (report.lng === undefined)) {
      // Named by the one that is missing, as every other lat/lng pair is.
      ctx.addIssue({
        code: "custom",
        path: [report.lat === undefined ? "lat" : "lng"],
        message: "location: a shared location needs both latitude and longitude",
      });
    }
    if (!report.hotspotId && !report.location && report.lat === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["location"],
        message: "where: pick a place from the list, type where it was, or share your location",
      });
    }
  });
export type CommunityReportInput = z.infer<typeof CommunityReportInput>;

/**
 * The tracking token from a link. Deliberately any string: a malformed token must get the same
 * answer as a well-formed one that matches nothing, so the shape is never checked here.
 */
export const CommunityReportTokenInput = z.object({ token: z.string({ error: "token must be text" }) });
export type CommunityReportTokenInput = z.infer<typeof CommunityReportTokenInput>;

/** `active` (open, acknowledged, in progress), `closed`, `all`, or one status. */
export const CommunityReportStatusFilter = z.enum(["active", "closed", "all", ...reportStatuses], {
  error: "status must be active, closed, all or a report status",
});
export type CommunityReportStatusFilter = z.infer<typeof CommunityReportStatusFilter>;

const AgeDays = z
  .number({ error: "age must be a number of days" })
  .int({ error: "age must be a whole number of days" })
  .min(0, { error: "age cannot be negative" })
  .max(3660, { error: "age must be at most 3660 days" });

/** The triage queue: oldest first, filtered. Age is in calendar days (Europe/London), 0 = today. */
export const CommunityReportListInput = PageInput.extend({
  status: CommunityReportStatusFilter.default("active"),
  category: z.enum(reportCategories, { error: "category must be a report category" }).optional(),
  hotspotId: Id.optional(),
  minAgeDays: AgeDays.optional(),
  maxAgeDays: AgeDays.optional(),
}).refine(
  (input) =>
    input.minAgeDays === undefined || input.maxAgeDays === undefined || input.minAgeDays <= input.maxAgeDays,
  { path: ["minAgeDays"], message: "minimum age cannot be more than the maximum age" },
);
export type CommunityReportListInput = z.infer<typeof CommunityReportListInput>;

export const CommunityReportId = z.object({ id: Id });
export type CommunityReportId = z.infer<typeof CommunityReportId>;

const PublicNote = text("public note", maxPublicNote);
const InternalNote = text("internal note", maxInternalNote);

export const CommunityReportAcknowledgeInput = z.object({
  id: Id,
  publicNote: optional(PublicNote),
  internalNote: optional(InternalNote),
});
export type CommunityReportAcknowledgeInput = z.infer<typeof CommunityReportAcknowledgeInput>;

/** A status change other than marking a duplicate (which needs the report it repeats). */
export const CommunityReportStatusChange = z.object({
  id: Id,
  status: z.enum(["acknowledged", "in_progress", "closed_actioned", "closed_no_action"], {
    error: "status must be acknowledged, in progress, closed: action taken or closed: no action needed",
  }),
  /** Every status change tells the reporter something (DOMAIN.md). */
  publicNote: PublicNote,
  internalNote: optional(InternalNote),
});
export type CommunityReportStatusChange = z.infer<typeof CommunityReportStatusChange>;

export const CommunityReportNoteInput = z
  .object({ id: Id, publicNote: optional(PublicNote), internalNote: optional(InternalNote) })
  .refine((note) => note.publicNote !== undefined || note.internalNote !== undefined, {
    path: ["publicNote"],
    message: "note: write a public note, an internal note, or both",
  });
export type CommunityReportNoteInput = z.infer<typeof CommunityReportNoteInput>;

export const CommunityReportDuplicateInput = z.object({
  id: Id,
  duplicateOfReference: CommunityReportReference,
  publicNote: optional(PublicNote),
  internalNote: optional(InternalNote),
});
export type CommunityReportDuplicateInput = z.infer<typeof CommunityReportDuplicateInput>;

/** Links a report to the contact or needle find that followed it up; null removes a link. */
export const CommunityReportLinkInput = z
  .object({
    id: Id,
    contactId: Id.nullable().optional(),
    needleFindId: Id.nullable().optional(),
  })
  .refine((link) => link.contactId !== undefined || link.needleFindId !== undefined, {
    path: ["contactId"],
    message: "link: choose a contact or a needle find",
  });
export type CommunityReportLinkInput = z.infer<typeof CommunityReportLinkInput>;

export const CommunityReportRetryInput = z.object({ messageId: Id });
export type CommunityReportRetryInput = z.infer<typeof CommunityReportRetryInput>;
