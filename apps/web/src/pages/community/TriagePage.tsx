import type { RouterInputs } from "@pathways/api";
import { reportCategoryLabels, reportStatusLabels } from "@pathways/validators";
import { reportCategories, reportStatuses } from "@pathways/validators/codes";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, Field, Loading, PageHeader } from "../../components/ui.tsx";
import { ageLabel, placeLabel, statusLabel, statusTone } from "../../lib/community.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";

type ListInput = RouterInputs["community"]["list"];
type StatusFilter = NonNullable<ListInput["status"]>;

/** Age filters in calendar days (Europe/London): what a triage lead asks for. */
const ageFilters = {
  any: { label: "Any age" },
  today: { label: "Sent today", maxAgeDays: 0 },
  week: { label: "Last 7 days", maxAgeDays: 6 },
  older7: { label: "Older than 7 days", minAgeDays: 8 },
  older30: { label: "Older than 30 days", minAgeDays: 31 },
} as const satisfies Record<string, { label: string; minAgeDays?: number; maxAgeDays?: number }>;
type AgeFilter = keyof typeof ageFilters;

const statusFilters: { value: StatusFilter; label: string }[] = [
  { value: "active", label: "Still to do" },
  ...reportStatuses.map((status) => ({ value: status, label: reportStatusLabels[status] })),
  { value: "closed", label: "All closed" },
  { value: "all", label: "Everything" },
];

/** The triage queue: open work oldest first, filtered by status, category, place and age. */
export function TriagePage() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<StatusFilter>("active");
  const [category, setCategory] = useState<ListInput["category"]>();
  const [hotspotId, setHotspotId] = useState<string>();
  const [age, setAge] = useState<AgeFilter>("any");
  const hotspots = useQuery(trpc.hotspots.list.queryOptions({ includeRetired: true }));
  const { label: _label, ...ages } = ageFilters[age];
  const reports = useInfiniteQuery(
    trpc.community.list.infiniteQueryOptions(
      { status, category, hotspotId, ...ages, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const error = reports.error ? describeError(reports.error) : null;
  const rows = reports.data?.pages.flatMap((page) => page.reports) ?? [];
  const total = reports.data?.pages[0]?.total ?? 0;

  return (
    <section>
      <PageHeader title="Community reports">
        <p className="lede">
          What residents have reported. Acknowledge new reports, act, and close them with a note.
        </p>
      </PageHeader>
      <form
        className="card cr-filters"
        aria-label="Filter reports"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="form-row">
          <Field id="triage-status" label="Status">
            <select
              id="triage-status"
              value={status}
              onChange={(event) => setStatus(event.target.value as StatusFilter)}
            >
              {statusFilters.map((filter) => (
                <option key={filter.value} value={filter.value}>
                  {filter.label}
                </option>
              ))}
            </select>
          </Field>
          <Field id="triage-category" label="Category">
            <select
              id="triage-category"
              value={category ?? ""}
              onChange={(event) => setCategory((event.target.value || undefined) as ListInput["category"])}
            >
              <option value="">Any category</option>
              {reportCategories.map((code) => (
                <option key={code} value={code}>
                  {reportCategoryLabels[code]}
                </option>
              ))}
            </select>
          </Field>
          <Field id="triage-hotspot" label="Hotspot">
            <select
              id="triage-hotspot"
              value={hotspotId ?? ""}
              onChange={(event) => setHotspotId(event.target.value || undefined)}
              disabled={!hotspots.data}
            >
              <option value="">{hotspots.isError ? "Any place (list unavailable)" : "Any place"}</option>
              {hotspots.data?.map((hotspot) => (
                <option key={hotspot.id} value={hotspot.id}>
                  {hotspot.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="triage-age" label="Age">
            <select id="triage-age" value={age} onChange={(event) => setAge(event.target.value as AgeFilter)}>
              {Object.entries(ageFilters).map(([value, filter]) => (
                <option key={value} value={value}>
                  {filter.label}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </form>

      {reports.isPending ? (
        <Loading label="Loading reports…" />
      ) : error ? (
        <ErrorNotice kind={error.kind} message={error.message} onRetry={() => reports.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No reports match">
          <p>
            {status === "active"
              ? "Nothing is waiting: every report has been dealt with."
              : "Try other filters."}
          </p>
        </EmptyState>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {total === 1 ? "1 report" : `${total.toLocaleString("en-GB")} reports`}
            {rows.length < total ? `, ${rows.length} shown` : ""}
          </p>
          <ul className="cr-report-list">
            {rows.map((report) => (
              <li key={report.id} className="cr-report-item card">
                <Link href={`/triage/${report.id}`} className="cr-report-link">
                  <span className="cr-report-ref">{report.reference}</span>
                  <span className={`cr-badge cr-badge-${statusTone(report.status)}`}>
                    {statusLabel(report.status)}
                  </span>
                  <span className="cr-report-what">
                    {reportCategoryLabels[report.category]} · {placeLabel(report)}
                  </span>
                </Link>
                <p className="cr-report-preview">{report.description}</p>
                <p className="muted cr-report-meta">
                  {ageLabel(report.ageDays)}
                  {report.updatesBy ? ` · wants updates by ${report.updatesBy}` : " · no contact left"}
                  {report.linkedContactId || report.linkedNeedleFindId ? " · linked to outreach" : ""}
                </p>
              </li>
            ))}
          </ul>
          {reports.hasNextPage && (
            <button
              type="button"
              className="button button-secondary"
              disabled={reports.isFetchingNextPage}
              onClick={() => reports.fetchNextPage()}
            >
              {reports.isFetchingNextPage ? "Loading…" : "Show more reports"}
            </button>
          )}
        </>
      )}
    </section>
  );
}
