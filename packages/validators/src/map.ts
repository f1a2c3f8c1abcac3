import { z } from "zod";
import type { ContactType, incidentCategories, TaskforceActivityKind } from "./codes.ts";
import type { CommunityReportCategory } from "./community.ts";
import { eventDay } from "./dates.ts";
import { withPeriodRules } from "./reports.ts";

/**
 * The map's period: whole calendar months, as every report's (docs/decisions/0002-month-period-grid.md),
 * so a commissioner's counts per area are the hotspot activity report's own protected cells.
 */
export const MapInput = withPeriodRules(
  z.strictObject(
    { from: eventDay("from"), to: eventDay("to") },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `the map has no filter named ${(issue.keys as string[]).join(", ")}`
          : undefined,
    },
  ),
);
export type MapInput = z.infer<typeof MapInput>;

/** The map's layers, in the order the page lists them. */
export const mapLayerNames = [
  "contacts",
  "needleFinds",
  "communityReports",
  "taskforceActivity",
  "incidents",
] as const;
export type MapLayerName = (typeof mapLayerNames)[number];

export const mapLayerLabels: Record<MapLayerName, string> = {
  contacts: "Contacts",
  needleFinds: "Needles found",
  communityReports: "Community reports",
  taskforceActivity: "Taskforce activity",
  incidents: "Incidents",
};

/**
 * One record on the map for staff: where and when, and its kind; never a person, a note or a
 * description. A record with no point of its own is drawn at its hotspot's centre.
 */
export interface MapPoint {
  id: string;
  at: Date;
  lat: number;
  lng: number;
  hotspotId: string | null;
  /** Contact type, report category, activity kind or incident category; needle finds: null. */
  kind:
    | ContactType
    | CommunityReportCategory
    | TaskforceActivityKind
    | (typeof incidentCategories)[number]
    | null;
  /** Needles in a find; 1 for every other record. */
  weight: number;
}

/** A layer's points, at most `mapPointLimit` of them (the latest), and whether more were left off. */
export interface MapPointLayer {
  points: MapPoint[];
  truncated: boolean;
  /** Records in the period the reader may see that have no point and no hotspot (free text only). */
  unplaced: number;
}

/** The most points one layer sends; the counts per area always cover every record. */
export const mapPointLimit = 3000;

/** One row of the counts table: a hotspot, or null for "elsewhere" (records outside every hotspot). */
export interface MapAreaCounts {
  hotspot: { id: string; name: string } | null;
  /** Per layer the reader may see: the count (protected for commissioners). */
  figures: Partial<Record<MapLayerName, number>>;
}

/** The server's tile setting as the web app gets it: null draws the map on a plain background. */
export interface MapTiles {
  /** A Leaflet URL template, like https://tile.openstreetmap.org/{z}/{x}/{y}.png */
  urlTemplate: string;
  /** Credit the tile server asks for, shown on the map. */
  attribution: string;
}
