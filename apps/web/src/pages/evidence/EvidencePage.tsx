import type { RouterOutputs } from "@pathways/api";
import { localDay, serviceToday } from "@pathways/validators/calendar";
import { codeLabel } from "@pathways/validators/codes";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { defaultPeriod, type ReportPeriod } from "../../lib/month-range.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { MonthRangePicker } from "../reports/MonthRangePicker.tsx";

type Evidence = RouterOutputs["places"]["evidence"];
const measures = [
  ["incidents", "Incidents"],
  ["contacts", "Contacts"],
  ["needles", "Needles found"],
  ["reports", "Community reports"],
] as const;
const number = (value: number) => value.toLocaleString("en-GB");

/**
 * Hotspot evidence for the taskforce (outreach workers, admins): what happened where, month by month;
 * where incidents concentrate outside today's hotspots; and before and after a chosen action.
 */
export function EvidencePage() {
  const trpc = useTRPC();
  const today = serviceToday();
  const [period, setPeriod] = useState<ReportPeriod>(() => defaultPeriod(today));
  const evidence = useQuery(trpc.places.evidence.queryOptions(period));
  const error = evidence.error ? describeError(evidence.error) : null;
  return (
    <section>
      <PageHeader title="Evidence">
        <p className="lede">
          Incidents, contacts, needles and reports by place, to choose where the taskforce works next.
        </p>
      </PageHeader>
      <form className="card form-inline" aria-label="Period" onSubmit={(e) => e.preventDefault()}>
        <MonthRangePicker
          period={period}
          today={today}
          errors={{ from: error?.fields.from, to: error?.fields.to }}
          onChange={setPeriod}
        />
      </form>
      {evidence.isPending ? (
        <Loading label="Counting the evidence…" />
      ) : evidence.isError ? (
        <ErrorNotice {...describeError(evidence.error)} onRetry={() => evidence.refetch()} />
      ) : (
        <>
          <AreaTotals evidence={evidence.data} />
          <AreaMonths evidence={evidence.data} />
          <Concentrations evidence={evidence.data} />
        </>
      )}
      <BeforeAfterSection />
    </section>
  );
}

/** A table that may scroll sideways on a phone: focusable, so a keyboard can scroll it too. */
function ScrollTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="table-wrap" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}

function MeasureHeaders() {
  return measures.map(([key, label]) => (
    <th scope="col" className="numeric" key={key}>
      {label}
    </th>
  ));
}

function MeasureCells({ counts }: { counts: Record<(typeof measures)[number][0], number> }) {
  return measures.map(([key]) => (
    <td className="numeric" key={key}>
      {number(counts[key])}
    </td>
  ));
}

function AreaTotals({ evidence }: { evidence: Evidence }) {
  return (
    <ScrollTable label="Evidence by place">
      <table>
        <caption>
          By place, {evidence.from} to {evidence.to}
        </caption>
        <thead>
          <tr>
            <th scope="col">Place</th>
            <MeasureHeaders />
          </tr>
        </thead>
        <tbody>
          {evidence.areas.map((area) => (
            <tr key={area.hotspotId ?? "elsewhere"}>
              <th scope="row">
                {area.name}
                {!area.active && " (retired)"}
              </th>
              <MeasureCells counts={area.total} />
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

function AreaMonths({ evidence }: { evidence: Evidence }) {
  // Opens on the place with the most incidents: where the evidence is.
  const busiest = [...evidence.areas].sort((a, b) => b.total.incidents - a.total.incidents)[0];
  const [chosen, setChosen] = useState<string>(busiest?.hotspotId ?? "elsewhere");
  const area = evidence.areas.find((a) => (a.hotspotId ?? "elsewhere") === chosen) ?? evidence.areas[0];
  if (!area) return null;
  return (
    <>
      <h2>Month by month</h2>
      <Field id="evidence-area" label="Place">
        <select {...fieldAria("evidence-area")} value={chosen} onChange={(e) => setChosen(e.target.value)}>
          {evidence.areas.map((a) => (
            <option key={a.hotspotId ?? "elsewhere"} value={a.hotspotId ?? "elsewhere"}>
              {a.name}
            </option>
          ))}
        </select>
      </Field>
      <ScrollTable label="Evidence month by month">
        <table>
          <caption>{area.name}, month by month</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <MeasureHeaders />
            </tr>
          </thead>
          <tbody>
            {area.months.map((month) => (
              <tr key={month.month}>
                <th scope="row">{month.month}</th>
                <MeasureCells counts={month} />
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollTable>
    </>
  );
}

function Concentrations({ evidence }: { evidence: Evidence }) {
  return (
    <>
      <h2>Where incidents concentrate outside the hotspots</h2>
      {evidence.concentrations.length === 0 ? (
        <EmptyState title="No concentration of incidents outside the hotspots">
          <p>A place shows here when at least 5 incidents fall within 150 metres of each other.</p>
        </EmptyState>
      ) : (
        <ScrollTable label="Places where incidents concentrate">
          <table>
            <caption>Places outside today's hotspots, most incidents first</caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col" className="numeric">
                  Incidents
                </th>
                <th scope="col">Where</th>
                <th scope="col">Kinds</th>
                <th scope="col">Nearest hotspot</th>
              </tr>
            </thead>
            <tbody>
              {evidence.concentrations.map((place) => (
                <tr key={place.rank}>
                  <th scope="row">{place.rank}</th>
                  <td className="numeric">{number(place.incidents)}</td>
                  <td>
                    {place.centre.lat.toFixed(4)}, {place.centre.lng.toFixed(4)} (within {place.radiusM} m)
                  </td>
                  <td>
                    {Object.entries(place.byCategory)
                      .map(([category, count]) => `${codeLabel(category)} ${count}`)
                      .join(", ")}
                  </td>
                  <td>
                    {place.nearestHotspot
                      ? `${place.nearestHotspot.name}, ${number(place.nearestHotspot.metres)} m`
                      : "None"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </>
  );
}

function BeforeAfterSection() {
  const trpc = useTRPC();
  const actions = useQuery(trpc.taskforce.list.queryOptions({ limit: 100 }));
  const [activityId, setActivityId] = useState("");
  const [days, setDays] = useState("90");
  const chosenDays = Number.parseInt(days, 10);
  const comparison = useQuery({
    ...trpc.places.beforeAfter.queryOptions({ activityId, days: chosenDays }),
    enabled: activityId !== "" && Number.isInteger(chosenDays),
  });
  const error = comparison.error ? describeError(comparison.error) : null;
  const atHotspots = actions.data?.items.filter((a) => a.hotspotId) ?? [];
  return (
    <>
      <h2>Before and after an action</h2>
      {actions.isPending ? (
        <Loading label="Loading the taskforce's actions…" />
      ) : actions.isError ? (
        <ErrorNotice {...describeError(actions.error)} onRetry={() => actions.refetch()} />
      ) : atHotspots.length === 0 ? (
        <EmptyState title="No taskforce action at a hotspot yet">
          <p>Actions logged at a hotspot (an environmental action, a needle sweep, a patrol) show here.</p>
        </EmptyState>
      ) : (
        <form className="card form-inline" aria-label="Before and after" onSubmit={(e) => e.preventDefault()}>
          <Field id="evidence-action" label="Action" errors={error?.fields.activityId}>
            <select
              {...fieldAria("evidence-action", error?.fields.activityId)}
              value={activityId}
              onChange={(e) => setActivityId(e.target.value)}
            >
              <option value="">Choose an action</option>
              {atHotspots.map((a) => (
                <option key={a.id} value={a.id}>
                  {localDay(new Date(a.occurredAt))}: {codeLabel(a.action ?? a.kind)}
                  {a.hotspotName ? ` at ${a.hotspotName}` : ""}
                </option>
              ))}
            </select>
          </Field>
          <Field id="evidence-days" label="Days before and after" errors={error?.fields.days}>
            <input
              {...fieldAria("evidence-days", error?.fields.days)}
              inputMode="numeric"
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </Field>
        </form>
      )}
      {activityId !== "" &&
        (comparison.isPending ? (
          <Loading label="Comparing before and after…" />
        ) : comparison.isError ? (
          <ErrorNotice {...describeError(comparison.error)} onRetry={() => comparison.refetch()} />
        ) : (
          <BeforeAfterTable comparison={comparison.data} />
        ))}
    </>
  );
}

function BeforeAfterTable({ comparison }: { comparison: RouterOutputs["places"]["beforeAfter"] }) {
  const { before, after } = comparison;
  const rows = [
    ["reports", "Community reports"],
    ["needles", "Needles found"],
    ["incidents", "Incidents"],
  ] as const;
  return (
    <ScrollTable label="Before and after the action">
      <table>
        <caption>
          {codeLabel(comparison.action.kind)} at {comparison.action.hotspotName} on {comparison.action.day}:{" "}
          {comparison.days} days before ({before.from} to {before.to}) and after ({after.from} to {after.to})
          {!comparison.afterComplete && " - the days after are not over yet, so those counts are provisional"}
        </caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col" className="numeric">
              Before
            </th>
            <th scope="col" className="numeric">
              After
            </th>
            <th scope="col" className="numeric">
              Change
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, label]) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td className="numeric">{number(before[key])}</td>
              <td className="numeric">{number(after[key])}</td>
              <td className="numeric">{change(before[key], after[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollTable>
  );
}

/** The change as a signed count and, where there was something before, a percentage. */
function change(before: number, after: number): string {
  const difference = after - before;
  const signed = `${difference > 0 ? "+" : ""}${number(difference)}`;
  return before === 0
    ? signed
    : `${signed} (${difference > 0 ? "+" : ""}${Math.round((difference / before) * 100)}%)`;
}
