import { asc, hotspots } from "@pathways/db";
import type { EvidenceInput } from "@pathways/validators";
import type { VerbArgs } from "../context.ts";
import { requireRole, verbRoles } from "../rights.ts";
import { type Concentration, incidentConcentrations } from "./concentrations.ts";
import { activeHotspotAreas } from "./containment.ts";
import { type EvidenceMeasure, evidenceMeasures, placedCounts } from "./counts.ts";

export type MeasureCounts = Record<EvidenceMeasure, number>;

export interface EvidenceArea {
  /** null: elsewhere, outside every hotspot. */
  hotspotId: string | null;
  name: string;
  active: boolean;
  months: ({ month: string } & MeasureCounts)[];
  total: MeasureCounts;
}

export interface HotspotEvidence {
  from: string;
  to: string;
  months: string[];
  areas: EvidenceArea[];
  /** Places outside today's hotspots where incidents concentrate, most incidents first. */
  concentrations: Concentration[];
}

const zero = (): MeasureCounts => ({ incidents: 0, contacts: 0, needles: 0, reports: 0 });

/** Every month (YYYY-MM) from `from`'s to `to`'s. */
function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.split("-").map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const label = `${year}-${String(month).padStart(2, "0")}`;
    months.push(label);
    if (label >= last) return months;
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year++;
  }
}

/**
 * Hotspot evidence for the taskforce: incidents, contacts, needles found and community reports per
 * area (each hotspot, and elsewhere) per month of [from, to], exact (staff, not commissioners), and
 * where incidents concentrate outside today's hotspots.
 */
export async function hotspotEvidence({ ctx, input }: VerbArgs<EvidenceInput>): Promise<HotspotEvidence> {
  requireRole(ctx.actor, verbRoles.placeEvidence);
  return ctx.db.transaction(async (tx) => {
    const areas = await activeHotspotAreas(tx);
    const all = await tx
      .select({ id: hotspots.id, name: hotspots.name, active: hotspots.active })
      .from(hotspots)
      .orderBy(asc(hotspots.name));
    const months = monthsOf(input.from, input.to);
    const byPlace = new Map<string | null, Map<string, MeasureCounts>>();
    for (const measure of evidenceMeasures) {
      for (const { place, bucket, count } of await placedCounts(tx, measure, input, areas, "month")) {
        const perMonth = byPlace.get(place) ?? new Map<string, MeasureCounts>();
        byPlace.set(place, perMonth);
        const counts = perMonth.get(bucket) ?? zero();
        perMonth.set(bucket, counts);
        counts[measure] += count;
      }
    }
    const area = (hotspotId: string | null, name: string, active: boolean): EvidenceArea => {
      const perMonth = byPlace.get(hotspotId);
      const total = zero();
      const rows = months.map((month) => {
        const counts = perMonth?.get(month) ?? zero();
        for (const measure of evidenceMeasures) total[measure] += counts[measure];
        return { month, ...counts };
      });
      return { hotspotId, name, active, months: rows, total };
    };
    // Active hotspots always, retired ones only where something happened in the period.
    const shown = all.filter((h) => h.active || byPlace.has(h.id));
    return {
      from: input.from,
      to: input.to,
      months,
      areas: [...shown.map((h) => area(h.id, h.name, h.active)), area(null, "Elsewhere", true)],
      concentrations: await incidentConcentrations(tx, input, areas),
    };
  });
}
