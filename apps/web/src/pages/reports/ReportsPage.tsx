import {
  codeLabel,
  figureLegend,
  figuresAsOfNote,
  protectedFiguresNote,
  type ReportHeader,
  type ReportKind,
  type ReportsByKind,
  reportDefinitions,
  reportFilters,
  reportsFor,
  reportTables,
  type SubstanceGroup,
  substanceGroups,
} from "@pathways/validators";
import { serviceToday } from "@pathways/validators/calendar";
import { type UseQueryOptions, type UseQueryResult, useQuery } from "@tanstack/react-query";
import { type FormEvent, Fragment, type ReactNode, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { Link, Redirect, useSearchParams } from "wouter";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { monthOf, periodOfMonths, periodPresets } from "../../lib/month-range.ts";
import {
  filtersFromSearch,
  type ReportFilterValues,
  reportInput,
  searchFromFilters,
} from "../../lib/reports.ts";
import type { SignedInUser } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { NotFoundPage } from "../ErrorPages.tsx";
import { ActivityChart, FunnelChart, OutcomesChart, SafeguardingChart, WaitingChart } from "./charts.tsx";
import { MonthRangePicker } from "./MonthRangePicker.tsx";
import { ReportTableView } from "./ReportTableView.tsx";

/**
 * The Reports area (loaded on demand: its charts are not part of the first screen anyone loads).
 * Commissioners see every report with small numbers hidden by the server; treatment managers see
 * their own provider's outcomes and waiting times in full.
 */
export default function ReportsPage({ user, kind }: { user: SignedInUser; kind?: string }) {
  const available = reportsFor(user.role, user.organisationKind);
  const [search, setSearch] = useSearchParams();
  const today = serviceToday();
  if (!available.length) return <NotFoundPage />;
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
            : user.role === "admin"
              ? "Every taskforce's figures, shown in full."
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
            {reportDefinitions[tab].tabLabel}
          </Link>
        ))}
      </nav>
      <div className="report-title-row">
        <h2 className="report-title">{reportDefinitions[report].title}</h2>
        <button type="button" className="button button-secondary report-print" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <p className="muted report-description">{reportDefinitions[report].description}</p>
      <ReportFilters
        key={`${report}?${search}`}
        kind={report}
        filters={filters}
        today={today}
        errors={query.ok ? {} : query.fields}
        onApply={(next) => setSearch(searchFromFilters(next))}
      />
      {query.ok ? (
        // Keyed by the report: the last report stays on screen while a new period runs, but another
        // report's figures must never reach this report's tables.
        <ReportOf key={report} kind={report} input={query.input} />
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
  const form = useRef<HTMLFormElement>(null);
  // The months of the address's period, as whole months: an old link with a day in the middle of a
  // month shows the validators' message under its field, and Run report then asks for whole months.
  const [draft, setDraft] = useState({
    ...filters,
    ...periodOfMonths(monthOf(filters.from), monthOf(filters.to)),
  });
  const [checked, setChecked] = useState<Record<string, string[]>>(errors);
  const takes = reportFilters(kind);
  const hotspots = useQuery({
    ...trpc.hotspots.list.queryOptions({ includeRetired: true }),
    enabled: takes.includes("hotspotId"),
  });
  const presets = periodPresets(today);
  const apply = (next: ReportFilterValues) => {
    const result = reportInput(kind, next);
    // Rendered at once, so the invalid field can take focus below.
    flushSync(() => setChecked(result.ok ? {} : result.fields));
    if (result.ok) onApply(next);
    // Keyboard and screen reader users land on the first field whose message says what to change.
    else form.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };

  return (
    <form
      ref={form}
      className="card report-filters"
      onSubmit={submit}
      noValidate
      aria-label="Report period and filters"
    >
      <fieldset className="report-presets">
        <legend className="visually-hidden">Period presets</legend>
        {presets.map((preset) => {
          const chosen = filters.from === preset.period.from && filters.to === preset.period.to;
          return (
            <button
              key={preset.key}
              type="button"
              className="button button-quiet"
              aria-pressed={chosen}
              onClick={() => {
                setDraft({ ...draft, ...preset.period });
                apply({ ...draft, ...preset.period });
              }}
            >
              {preset.label}
            </button>
          );
        })}
      </fieldset>
      <div className="form-row">
        <MonthRangePicker
          period={draft}
          today={today}
          errors={checked}
          onChange={(period) => setDraft({ ...draft, ...period })}
        />
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

// While a new period runs, the last report stays on screen (marked as refreshing), not a blank page.
const fresh = { placeholderData: <T,>(previous: T | undefined) => previous, staleTime: 60_000 };

/** The report's own procedure, named as in the registry; `reportInput` checked the input against its schema. */
function ReportOf<K extends ReportKind>({ kind, input }: { kind: K; input: Record<string, string> }) {
  const trpc = useTRPC();
  // Each report's procedure takes its own input; picked by name, its type is their union, which no
  // call fits, so it is read as this report's.
  const procedure = trpc.reports[kind] as unknown as {
    queryOptions(input: Record<string, string>, options: typeof fresh): UseQueryOptions<ReportsByKind[K]>;
  };
  return <Result kind={kind} query={useQuery(procedure.queryOptions(input, fresh))} />;
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
        // A report without a chart (the taskforce report) shows its tables only, no empty box.
        chartOf(kind, report) && <div className="report-chart-wrap">{chartOf(kind, report)}</div>
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

/** The legend: that figures are protected, what each symbol and "provisional" mean, beside the figures. */
function ReportNotes<K extends ReportKind>({ kind, report }: { kind: K; report: ReportsByKind[K] }) {
  const header: ReportHeader = report;
  const provisional = provisionalNote(kind, report);
  return (
    <aside className="report-legend" aria-label="How to read this report">
      <p>
        {header.from} to {header.to}
        {header.hotspot ? `, ${header.hotspot.name}` : ""}
        {header.substanceGroup ? `, ${codeLabel(header.substanceGroup)}` : ""}
        {header.provider ? `, ${header.provider.name} only` : kind === "taskforce" ? "" : ", every provider"}.
        Counted up to {header.runOn}.
      </p>
      {figuresAsOfNote(header) && <p>{figuresAsOfNote(header)}</p>}
      {header.disclosureControl && <p className="report-protected">{protectedFiguresNote}</p>}
      <dl>
        {figureLegend
          .filter((entry) => header.disclosureControl || !entry.protectedOnly)
          .map((entry) => (
            <Fragment key={entry.symbol}>
              <dt>{entry.symbol}</dt>
              <dd>{entry.meaning}</dd>
            </Fragment>
          ))}
        {provisional && (
          <>
            <dt>Provisional</dt>
            <dd>{provisional}</dd>
          </>
        )}
      </dl>
      {header.disclosureControl && <p className="muted">The charts draw the protected figures.</p>}
    </aside>
  );
}
