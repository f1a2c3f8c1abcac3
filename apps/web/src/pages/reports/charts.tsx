import {
  codeLabel,
  type Figure,
  type FunnelReport,
  funnelStageLabels,
  type HotspotActivityReport,
  type OutcomesReport,
  type Percent,
  type SafeguardingReport,
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

/**
 * A chart with its summary for screen readers; the table beside it carries every figure, so the
 * drawing itself is hidden from them and takes no keyboard focus (no accessibility layer).
 */
function ChartFrame({
  title,
  summary,
  values,
  children,
}: {
  title: string;
  summary: string;
  /** Every value the chart would draw: when none is a number, there is nothing to draw. */
  values: (number | null)[];
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
    </figure>
  );
}

export function FunnelChart({ report }: { report: FunnelReport }) {
  const data = report.stages.map((stage) => ({
    stage: funnelStageLabels[stage.stage].replace(/ \(.*\)$/, ""),
    count: plotted(stage.count),
    label: formatFigure(stage.count, "count"),
  }));
  return (
    <ChartFrame
      title="Funnel"
      summary={report.stages
        .map((s) => `${funnelStageLabels[s.stage]}: ${formatFigure(s.count, "count")}`)
        .join(", ")}
      values={data.map((d) => d.count)}
    >
      <BarChart accessibilityLayer={false} data={data} layout="vertical" margin={{ left: 8, right: 48 }}>
        <CartesianGrid horizontal={false} strokeDasharray="3 3" />
        <XAxis type="number" allowDecimals={false} />
        <YAxis type="category" dataKey="stage" width={150} tick={{ fontSize: 13 }} />
        <Bar dataKey="count" name="People" fill={brand} isAnimationActive={false}>
          <LabelList dataKey="label" position="right" />
        </Bar>
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
  const data = report.rows.map((row) => ({
    service: row.service ? row.service.name : "All services",
    median: typeof row.medianDays === "number" ? row.medianDays : null,
  }));
  return (
    <ChartFrame
      title="Median wait in days, by service"
      summary={report.rows
        .map(
          (row) =>
            `${row.service?.name ?? "All services"}: ${formatFigure(row.medianDays, "days") || "none"}`,
        )
        .join(", ")}
      values={data.map((d) => d.median)}
    >
      <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8 }}>
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
        <Bar dataKey="median" name="Median wait (days)" fill={brand} isAnimationActive={false} />
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
        summary={`${label}: ${formatFigure(report.total[measure].current, "count")} in the period, ${formatFigure(
          report.total[measure].yearBefore,
          "count",
        )} a year before`}
        values={data.flatMap((d) => [d.current, d.yearBefore])}
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
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="yearBefore"
            name="A year before"
            stroke={muted}
            strokeDasharray="5 4"
            strokeWidth={2}
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
        .map((month, i) => `${month}: ${formatFigure(total.byMonth[i], "count")}`)
        .join(", ")}
      values={data.map((d) => d.all)}
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
          isAnimationActive={false}
        />
        {raised.map((row, index) => (
          <Line
            key={row.concern}
            type="monotone"
            dataKey={row.concern!}
            name={codeLabel(row.concern!)}
            stroke={colours[(index + 1) % colours.length]}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
