import {
  codeLabel,
  type Figure,
  type FunnelReport,
  funnelStageLabels,
  type HotspotActivityReport,
  hiddenFigure,
  type OutcomesReport,
  type Percent,
  type SafeguardingReport,
  smallProtectedCounts,
  substanceGroupLabel,
  type WaitingTimesReport,
  waitingThresholdDays,
} from "@pathways/validators";
import { type ReactNode, useId, useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatFigure } from "../../lib/reports.ts";

const brand = "#0b5563";
const accent = "#b35900";
const muted = "#6b7580";

/** A number to draw, or nothing for a hidden figure (a chart must not hint at what a table hides). */
function plotted(value: Figure | Percent): number | null {
  return typeof value === "number" ? value : null;
}

const hatch = "report-hatch";

/**
 * A protected count of 0 or 5 is a range (0 to 5, 1 to 7), not an exact figure: it is drawn as a
 * hatched, outlined bar up to 5 with its range as the label, never as a 0-height or an exact bar.
 */
function smallCount(value: Figure, protectedFigures: boolean): string | null {
  return protectedFigures ? (smallProtectedCounts[value] ?? null) : null;
}

/** A count in words for a screen reader: a small protected count is read as its range. */
function countWords(value: Figure, protectedFigures: boolean): string {
  const range = smallCount(value, protectedFigures);
  return range ? `${range} (small, protected)` : formatFigure(value, "count");
}

/** The hatched bar: drawn in place of a figure that is a range or hidden, labelled with what it is. */
function HatchedBar({
  dataKey,
  labelKey,
  stackId,
  position = "right",
}: {
  dataKey: string;
  labelKey: string;
  stackId: string;
  position?: "right" | "top";
}) {
  return (
    <Bar
      dataKey={dataKey}
      stackId={stackId}
      name="Small or hidden"
      legendType="none"
      fill={`url(#${hatch})`}
      stroke={brand}
      strokeDasharray="4 2"
      isAnimationActive={false}
    >
      <LabelList dataKey={labelKey} position={position} />
    </Bar>
  );
}

/** The pattern the hatched bars are filled with; one per chart (ids are the chart's own). */
function HatchPattern() {
  return (
    <defs>
      <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="#fff" />
        <line x1="0" y1="0" x2="0" y2="6" stroke={brand} strokeWidth="2" />
      </pattern>
    </defs>
  );
}

/**
 * The points of a line of protected counts: a small count (shown 0 or 5) is a hollow, dashed ring
 * with its range beside it, so a line through it does not read as exact.
 */
function countDot(protectedFigures: boolean, colour: string, labelled = true) {
  return function Dot(props: { cx?: number; cy?: number; value?: unknown; index?: number }) {
    const { cx, cy, value, index } = props;
    const range = typeof value === "number" ? smallCount(value, protectedFigures) : null;
    if (cx === undefined || cy === undefined || value === null || value === undefined)
      return <g key={index} />;
    return range ? (
      <g key={index}>
        <circle cx={cx} cy={cy} r={5} fill="#fff" stroke={colour} strokeDasharray="2 2" strokeWidth={2} />
        {labelled && (
          <text x={cx} y={cy - 9} textAnchor="middle" fontSize={11} fill={colour}>
            {range}
          </text>
        )}
      </g>
    ) : (
      <circle key={index} cx={cx} cy={cy} r={3} fill="#fff" stroke={colour} strokeWidth={2} />
    );
  };
}

/** What the hollow rings on a line of protected counts mean, when a line has one. */
function smallPointsKey(protectedFigures: boolean, values: (number | null)[]): string | undefined {
  return protectedFigures && values.some((value) => value !== null && smallCount(value, true))
    ? "Hollow dashed rings are small protected counts: 0–5 is none or up to 5, 1–7 is 1 to 7."
    : undefined;
}

/**
 * A chart with its summary for screen readers; the table beside it carries every figure, so the
 * drawing itself is hidden from them and takes no keyboard focus (no accessibility layer). When
 * some bars are hatched, a key below says in words what they mean.
 */
function ChartFrame({
  title,
  summary,
  values,
  hatched,
  rings,
  children,
}: {
  title: string;
  summary: string;
  /** Every value the chart would draw: when none is a number, there is nothing to draw. */
  values: (number | null)[];
  /** What the hatched bars mean, when the chart has any. */
  hatched?: string;
  /** What the hollow rings on its lines mean, when the chart has any. */
  rings?: string;
  children: ReactNode;
}) {
  const id = useId();
  const drawable = values.some((value) => value !== null);
  return (
    <figure className="report-chart" aria-labelledby={id}>
      <figcaption id={id}>
        {title}
        <span className="visually-hidden">. {summary}</span>
      </figcaption>
      {drawable ? (
        <div className="report-chart-canvas" aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="muted">
          Nothing to draw: every figure here is hidden or has nothing to divide by. The table below has them
          all.
        </p>
      )}
      {drawable && hatched && (
        <p className="report-chart-key muted">
          <svg width="18" height="12" aria-hidden="true">
            <rect
              x="1"
              y="1"
              width="16"
              height="10"
              fill={`url(#${hatch})`}
              stroke={brand}
              strokeDasharray="4 2"
            />
          </svg>{" "}
          {hatched}
        </p>
      )}
      {drawable && rings && <p className="report-chart-key muted">{rings}</p>}
    </figure>
  );
}

export function FunnelChart({ report }: { report: FunnelReport }) {
  const data = report.stages.map((stage) => {
    const range = smallCount(stage.count, report.disclosureControl);
    return {
      stage: funnelStageLabels[stage.stage].replace(/ \(.*\)$/, ""),
      count: range ? null : plotted(stage.count),
      label: range ? null : formatFigure(stage.count, "count"),
      small: range ? 5 : null,
      range,
    };
  });
  const anySmall = data.some((d) => d.range);
  return (
    <ChartFrame
      title="Funnel"
      summary={report.stages
        .map(
          (s, i) =>
            `${funnelStageLabels[s.stage]}: ${data[i]!.range ? `${data[i]!.range} (small, protected)` : formatFigure(s.count, "count")}`,
        )
        .join(", ")}
      values={data.map((d) => d.count ?? d.small)}
      hatched={
        anySmall
          ? "Hatched bars are small protected counts, drawn up to 5 whatever they are: 0–5 is none or up to 5, 1–7 is 1 to 7."
          : undefined
      }
    >
      <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ left: 8, right: 48 }}>
        <HatchPattern />
        <CartesianGrid horizontal={false} strokeDasharray="3 3" />
        <XAxis type="number" allowDecimals={false} />
        <YAxis type="category" dataKey="stage" width={150} tick={{ fontSize: 13 }} />
        <Bar dataKey="count" stackId="stage" name="People" fill={brand} isAnimationActive={false}>
          <LabelList dataKey="label" position="right" />
        </Bar>
        {HatchedBar({ dataKey: "small", labelKey: "range", stackId: "stage" })}
      </BarChart>
    </ChartFrame>
  );
}

export function OutcomesChart({ report }: { report: OutcomesReport }) {
  const data = report.rows.map((row) => ({
    group: substanceGroupLabel(row.substanceGroup),
    completed: plotted(row.successfulCompletionShare),
    sustained: plotted(row.withoutRepresentationShare),
  }));
  return (
    <ChartFrame
      title="Successful completions, % of people in treatment"
      summary={report.rows
        .map(
          (row) =>
            `${substanceGroupLabel(row.substanceGroup)}: ${formatFigure(row.successfulCompletionShare, "percent") || "none"}%`,
        )
        .join(", ")}
      values={data.flatMap((d) => [d.completed, d.sustained])}
    >
      <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8 }}>
        <CartesianGrid vertical={false} strokeDasharray="3 3" />
        <XAxis dataKey="group" tick={{ fontSize: 13 }} />
        <YAxis unit="%" />
        <Tooltip />
        <Legend />
        <Bar dataKey="completed" name="Completed successfully" fill={brand} isAnimationActive={false} />
        <Bar dataKey="sustained" name="Without re-presentation" fill={accent} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}

export function WaitingChart({ report }: { report: WaitingTimesReport }) {
  const medians = report.rows.map((row) => (typeof row.medianDays === "number" ? row.medianDays : null));
  // A hidden median has no height of its own: its hatched bar stands as tall as the chart's tallest.
  const tallest = Math.max(waitingThresholdDays, ...medians.map((median) => median ?? 0));
  const data = report.rows.map((row, index) => ({
    service: row.service ? row.service.name : "All services",
    median: medians[index],
    hidden: row.medianDays === hiddenFigure ? tallest : null,
    hiddenLabel: row.medianDays === hiddenFigure ? "hidden" : null,
  }));
  return (
    <ChartFrame
      title="Median wait in days, by service"
      summary={report.rows
        .map(
          (row) =>
            `${row.service?.name ?? "All services"}: ${row.medianDays === hiddenFigure ? "hidden (too few people)" : formatFigure(row.medianDays, "days") || "none"}`,
        )
        .join(", ")}
      values={data.map((d) => d.median ?? d.hidden)}
      hatched={
        data.some((d) => d.hidden !== null)
          ? "Hatched bars marked hidden are medians not shown (taken over too few people); their height means nothing."
          : undefined
      }
    >
      <BarChart accessibilityLayer={false} data={data} margin={{ top: 16, right: 8 }}>
        <HatchPattern />
        <CartesianGrid vertical={false} strokeDasharray="3 3" />
        <XAxis dataKey="service" tick={{ fontSize: 13 }} />
        <YAxis unit=" d" allowDecimals={false} />
        <Tooltip />
        <ReferenceLine
          y={waitingThresholdDays}
          stroke={accent}
          strokeDasharray="6 3"
          label={`${waitingThresholdDays} days`}
        />
        <Bar
          dataKey="median"
          stackId="wait"
          name="Median wait (days)"
          fill={brand}
          isAnimationActive={false}
        />
        {HatchedBar({ dataKey: "hidden", labelKey: "hiddenLabel", stackId: "wait", position: "top" })}
      </BarChart>
    </ChartFrame>
  );
}

const activityMeasures = [
  { key: "needlesFound", label: "Needles found" },
  { key: "contacts", label: "Contacts" },
  { key: "communityReports", label: "Community reports" },
] as const;

export function ActivityChart({ report }: { report: HotspotActivityReport }) {
  const [measure, setMeasure] = useState<(typeof activityMeasures)[number]["key"]>("needlesFound");
  const label = activityMeasures.find((m) => m.key === measure)!.label;
  const data = report.months.map((month) => ({
    month: month.month,
    current: plotted(month[measure].current),
    yearBefore: plotted(month[measure].yearBefore),
  }));
  const name = useId();
  return (
    <div>
      <fieldset className="report-measure">
        <legend className="visually-hidden">Measure to chart</legend>
        {activityMeasures.map((option) => (
          <label key={option.key}>
            <input
              type="radio"
              name={name}
              value={option.key}
              checked={measure === option.key}
              onChange={() => setMeasure(option.key)}
            />
            {option.label}
          </label>
        ))}
      </fieldset>
      <ChartFrame
        title={`${label} per month, against a year before`}
        summary={`${label}: ${countWords(report.total[measure].current, report.disclosureControl)} in the period, ${countWords(
          report.total[measure].yearBefore,
          report.disclosureControl,
        )} a year before`}
        values={data.flatMap((d) => [d.current, d.yearBefore])}
        rings={smallPointsKey(
          report.disclosureControl,
          data.flatMap((d) => [d.current, d.yearBefore]),
        )}
      >
        <LineChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="month" tick={{ fontSize: 13 }} />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Line
            type="monotone"
            dataKey="current"
            name="This period"
            stroke={brand}
            strokeWidth={3}
            dot={countDot(report.disclosureControl, brand)}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="yearBefore"
            name="A year before"
            stroke={muted}
            strokeDasharray="5 4"
            strokeWidth={2}
            dot={countDot(report.disclosureControl, muted, false)}
            isAnimationActive={false}
          />
        </LineChart>
      </ChartFrame>
    </div>
  );
}

export function SafeguardingChart({ report }: { report: SafeguardingReport }) {
  const total = report.concerns.find((row) => row.concern === null)!;
  const raised = report.concerns.filter((row) => row.concern !== null && row.total !== 0);
  const data = report.months.map((month, index) => ({
    month,
    all: plotted(total.byMonth[index]!),
    ...Object.fromEntries(raised.map((row) => [row.concern!, plotted(row.byMonth[index]!)])),
  }));
  const colours = [brand, accent, "#5b3f8c", "#2f7d32", "#a3211a", "#1d4e89", muted];
  return (
    <ChartFrame
      title="Safeguarding concerns raised per month"
      summary={report.months
        .map((month, i) => `${month}: ${countWords(total.byMonth[i]!, report.disclosureControl)}`)
        .join(", ")}
      values={data.map((d) => d.all)}
      rings={smallPointsKey(
        report.disclosureControl,
        data.map((d) => d.all),
      )}
    >
      <LineChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 16 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="month" tick={{ fontSize: 13 }} />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend />
        <Line
          type="monotone"
          dataKey="all"
          name="All concerns"
          stroke={brand}
          strokeWidth={3}
          dot={countDot(report.disclosureControl, brand)}
          isAnimationActive={false}
        />
        {raised.map((row, index) => (
          <Line
            key={row.concern}
            type="monotone"
            dataKey={row.concern!}
            name={codeLabel(row.concern!)}
            stroke={colours[(index + 1) % colours.length]}
            dot={countDot(report.disclosureControl, colours[(index + 1) % colours.length]!, false)}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
