import type { RouterInputs } from "@pathways/api";
import {
  codeLabel,
  type ReportHeader,
  type ReportKind,
  type ReportsByKind,
  reportFilterKeys,
  reportTables,
  reportTitles,
  type SubstanceGroup,
  substanceGroups,
} from "@pathways/validators";
import { type UseQueryResult, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { Link, Redirect, useSearchParams } from "wouter";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import {
  filtersFromSearch,
  periodPresets,
  type ReportFilterValues,
  reportDescriptions,
  reportInput,
  reportsFor,
  reportTabLabels,
  searchFromFilters,
  todayInLondon,
} from "../../lib/reports.ts";
import type { SignedInUser } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { NotFoundPage } from "../ErrorPages.tsx";
import { ActivityChart, FunnelChart, OutcomesChart, SafeguardingChart, WaitingChart } from "./charts.tsx";
import { ReportTableView } from "./ReportTableView.tsx";

/**
 * The Reports area (loaded on demand: its charts are not part of the first screen anyone loads).
 * Commissioners see every report with small numbers hidden by the server; treatment managers see
 * their own provider's outcomes and waiting times in full.
 */
export default function ReportsPage({ user, kind }: { user: SignedInUser; kind?: string }) {
  const available = reportsFor[user.role];
  const [search, setSearch] = useSearchParams();
  const today = todayInLondon();
  if (!kind) return <Redirect to={`/reports/${available[0]}${search.size ? `?${search}` : ""}`} replace />;
  if (!(available as readonly string[]).includes(kind)) return <NotFoundPage />;
  const report = kind as ReportKind;
  const filters = filtersFromSearch(search, today);
  const query = reportInput(report, filters);

  return (
    <section className="reports">
      <PageHeader title="Reports">
        <p className="lede">
          {user.role === "commissioner"
            ? "Aggregate figures only: no report ever shows a person."
            : `${user.organisationName}'s own figures, shown in full.`}
        </p>
      </PageHeader>
      <nav className="view-tabs" aria-label="Reports">
        {available.map((tab) => (
          <Link
            key={tab}
            href={`/reports/${tab}?${searchFromFilters(filters)}`}
            aria-current={tab === report ? "page" : undefined}
          >
            {reportTabLabels[tab]}
          </Link>
        ))}
      </nav>
      <h2 className="report-title">{reportTitles[report]}</h2>
      <p className="muted report-description">{reportDescriptions[report]}</p>
      <ReportFilters
        key={`${report}?${search}`}
        kind={report}
        filters={filters}
        today={today}
        errors={query.ok ? {} : query.fields}
        onApply={(next) => setSearch(searchFromFilters(next))}
      />
      {query.ok ? (
        <ReportOf kind={report} input={query.input} />
      ) : (
        <ErrorNotice message="Check the period and filters above, then run the report again." />
      )}
    </section>
  );
}

function ReportFilters({
  kind,
  filters,
  today,
  errors,
  onApply,
}: {
  kind: ReportKind;
  filters: ReportFilterValues;
  today: string;
  errors: Record<string, string[]>;
  onApply: (filters: ReportFilterValues) => void;
}) {
  const trpc = useTRPC();
  const [draft, setDraft] = useState(filters);
  const [checked, setChecked] = useState<Record<string, string[]>>(errors);
  const takes = reportFilterKeys[kind];
  const hotspots = useQuery({
    ...trpc.hotspots.list.queryOptions({ includeRetired: true }),
    enabled: takes.includes("hotspotId"),
  });
  const presets = periodPresets(today);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = reportInput(kind, draft);
    setChecked(result.ok ? {} : result.fields);
    if (result.ok) onApply(draft);
  };

  return (
    <form className="card report-filters" onSubmit={submit} noValidate aria-label="Report period and filters">
      <fieldset className="report-presets">
        <legend className="visually-hidden">Period presets</legend>
        {presets.map((preset) => {
          const chosen = draft.from === preset.period.from && draft.to === preset.period.to;
          return (
            <button
              key={preset.key}
              type="button"
              className="button button-quiet"
              aria-pressed={chosen}
              onClick={() => setDraft({ ...draft, ...preset.period })}
            >
              {preset.label}
            </button>
          );
        })}
      </fieldset>
      <div className="form-row">
        <Field id="report-from" label="From" errors={checked.from}>
          <input
            {...fieldAria("report-from", checked.from)}
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </Field>
        <Field id="report-to" label="To (inclusive)" errors={checked.to}>
          <input
            {...fieldAria("report-to", checked.to)}
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </Field>
        {takes.includes("hotspotId") && (
          <Field id="report-hotspot" label="Hotspot" errors={checked.hotspotId}>
            <select
              {...fieldAria("report-hotspot", checked.hotspotId)}
              value={draft.hotspotId ?? ""}
              onChange={(e) => setDraft({ ...draft, hotspotId: e.target.value || undefined })}
            >
              <option value="">All hotspots and other places</option>
              {hotspots.data?.map((hotspot) => (
                <option key={hotspot.id} value={hotspot.id}>
                  {hotspot.name}
                  {hotspot.active ? "" : " (retired)"}
                </option>
              ))}
            </select>
          </Field>
        )}
        {takes.includes("substanceGroup") && (
          <Field id="report-group" label="Substance group" errors={checked.substanceGroup}>
            <select
              {...fieldAria("report-group", checked.substanceGroup)}
              value={draft.substanceGroup ?? ""}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  substanceGroup: (e.target.value || undefined) as SubstanceGroup | undefined,
                })
              }
            >
              <option value="">All substance groups</option>
              {substanceGroups.map((group) => (
                <option key={group} value={group}>
                  {codeLabel(group)}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      {hotspots.isError && <ErrorNotice message={`Hotspots: ${describeError(hotspots.error).message}`} />}
      <button type="submit" className="button button-primary">
        Run report
      </button>
    </form>
  );
}

type Inputs = RouterInputs["reports"];
// While a new period runs, the last report stays on screen (marked as refreshing), not a blank page.
const fresh = { placeholderData: <T,>(previous: T | undefined) => previous, staleTime: 60_000 };

// One component per report, so each calls its own procedure with its own typed input.
function FunnelResult({ input }: { input: Inputs["funnel"] }) {
  const trpc = useTRPC();
  return <Result kind="funnel" query={useQuery(trpc.reports.funnel.queryOptions(input, fresh))} />;
}
function OutcomesResult({ input }: { input: Inputs["outcomes"] }) {
  const trpc = useTRPC();
  return <Result kind="outcomes" query={useQuery(trpc.reports.outcomes.queryOptions(input, fresh))} />;
}
function WaitingResult({ input }: { input: Inputs["waitingTimes"] }) {
  const trpc = useTRPC();
  return <Result kind="waiting" query={useQuery(trpc.reports.waitingTimes.queryOptions(input, fresh))} />;
}
function HotspotsResult({ input }: { input: Inputs["hotspotActivity"] }) {
  const trpc = useTRPC();
  return <Result kind="hotspots" query={useQuery(trpc.reports.hotspotActivity.queryOptions(input, fresh))} />;
}
function SafeguardingResult({ input }: { input: Inputs["safeguarding"] }) {
  const trpc = useTRPC();
  return (
    <Result kind="safeguarding" query={useQuery(trpc.reports.safeguarding.queryOptions(input, fresh))} />
  );
}

function ReportOf({ kind, input }: { kind: ReportKind; input: Record<string, string> }) {
  // `reportInput` checked the input against this report's own schema.
  switch (kind) {
    case "funnel":
      return <FunnelResult input={input as Inputs["funnel"]} />;
    case "outcomes":
      return <OutcomesResult input={input as Inputs["outcomes"]} />;
    case "waiting":
      return <WaitingResult input={input as Inputs["waitingTimes"]} />;
    case "hotspots":
      return <HotspotsResult input={input as Inputs["hotspotActivity"]} />;
    case "safeguarding":
      return <SafeguardingResult input={input as Inputs["safeguarding"]} />;
  }
}

function chartOf<K extends ReportKind>(kind: K, report: ReportsByKind[K]): ReactNode {
  switch (kind) {
    case "funnel":
      return <FunnelChart report={report as ReportsByKind["funnel"]} />;
    case "outcomes":
      return <OutcomesChart report={report as ReportsByKind["outcomes"]} />;
    case "waiting":
      return <WaitingChart report={report as ReportsByKind["waiting"]} />;
    case "hotspots":
      return <ActivityChart report={report as ReportsByKind["hotspots"]} />;
    case "safeguarding":
      return <SafeguardingChart report={report as ReportsByKind["safeguarding"]} />;
  }
  return null;
}

/** Whether the report found nothing at all in the period (zeros everywhere). */
function isEmpty<K extends ReportKind>(kind: K, report: ReportsByKind[K]): boolean {
  return reportTables(kind, report).every((table) =>
    table.rows.every((row) =>
      row.every((value, index) => table.columns[index]!.kind === "text" || value === 0 || value === null),
    ),
  );
}

function Result<K extends ReportKind>({
  kind,
  query,
}: {
  kind: K;
  query: UseQueryResult<ReportsByKind[K], unknown>;
}) {
  if (query.isPending) return <Loading label="Running the report…" />;
  if (query.isError) {
    const error = describeError(query.error);
    const fields = Object.values(error.fields).flat();
    return (
      <ErrorNotice
        message={fields.length ? `${error.message} ${fields.join(" ")}` : error.message}
        onRetry={() => query.refetch()}
      />
    );
  }
  const report = query.data;
  const refreshing = query.isFetching;
  return (
    <div className={refreshing ? "report-body report-refreshing" : "report-body"} aria-busy={refreshing}>
      {refreshing && <Loading label="Running the report for the new period…" />}
      <ReportNotes kind={kind} report={report} />
      {isEmpty(kind, report) ? (
        <EmptyState title="Nothing was recorded in this period">
          <p>Try a longer period{kind === "outcomes" || kind === "waiting" ? "" : " or another hotspot"}.</p>
        </EmptyState>
      ) : (
        <div className="report-chart-wrap">{chartOf(kind, report)}</div>
      )}
      {reportTables(kind, report).map((table) => (
        <ReportTableView key={table.key} kind={kind} table={table} period={report} />
      ))}
    </div>
  );
}

function provisionalNote<K extends ReportKind>(kind: K, report: ReportsByKind[K]): string | null {
  if (kind === "funnel") {
    const funnel = report as ReportsByKind["funnel"];
    return funnel.sustainedProvisional
      ? `Sustained is provisional until ${funnel.sustainedFinalOn}: people who completed less than 182 days ago may still come back into treatment.`
      : null;
  }
  if (kind === "outcomes") {
    const outcomes = report as ReportsByKind["outcomes"];
    return outcomes.withoutRepresentationProvisional
      ? `Completions without re-presentation are provisional until ${outcomes.withoutRepresentationFinalOn}, 182 days after the end of the period.`
      : null;
  }
  return null;
}

/** The legend: what `<5`, `*`, `–` and "provisional" mean, shown with the figures they explain. */
function ReportNotes<K extends ReportKind>({ kind, report }: { kind: K; report: ReportsByKind[K] }) {
  const header: ReportHeader = report;
  const provisional = provisionalNote(kind, report);
  return (
    <aside className="report-legend" aria-label="How to read this report">
      <p>
        {header.from} to {header.to}
        {header.hotspot ? `, ${header.hotspot.name}` : ""}
        {header.substanceGroup ? `, ${codeLabel(header.substanceGroup)}` : ""}
        {header.provider ? `, ${header.provider.name} only` : ", every provider"}. Counted up to{" "}
        {header.runOn}.
      </p>
      <dl>
        {header.disclosureControl && (
          <>
            <dt>&lt;5</dt>
            <dd>A count from 1 to 4, hidden so that no one can be recognised.</dd>
            <dt>*</dt>
            <dd>
              Hidden so that a hidden count cannot be worked out from a total; or a share or median made from
              a hidden count.
            </dd>
          </>
        )}
        <dt>–</dt>
        <dd>No share: there was nothing to divide by.</dd>
        {provisional && (
          <>
            <dt>Provisional</dt>
            <dd>{provisional}</dd>
          </>
        )}
      </dl>
      {header.disclosureControl && <p className="muted">Hidden figures are left out of the charts.</p>}
    </aside>
  );
}
