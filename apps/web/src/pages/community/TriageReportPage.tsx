import { reportCategoryLabels } from "@pathways/validators";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { ErrorNotice, Loading, PageHeader } from "../../components/ui.tsx";
import { formatWhen, placeLabel, statusLabel, statusTone } from "../../lib/community.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { Actions, NoteForm } from "./triage/Actions.tsx";
import { History } from "./triage/History.tsx";
import { Links } from "./triage/Links.tsx";

/** One report for staff: everything about it, its full history, and what can be done next. */
export function TriageReportPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const report = useQuery(trpc.community.get.queryOptions({ id }));

  if (report.isPending) return <Loading label="Loading the report…" />;
  if (report.isError) {
    return (
      <section>
        <p>
          <Link href="/triage">Back to community reports</Link>
        </p>
        <ErrorNotice {...describeError(report.error)} onRetry={() => report.refetch()} />
      </section>
    );
  }
  const view = report.data;
  const open = view.allowedStatuses.length > 0;
  return (
    <section className="cr-triage-report">
      <p>
        <Link href="/triage">Back to community reports</Link>
      </p>
      <PageHeader title={`Report ${view.reference}`}>
        <p className="lede">
          <span className={`cr-badge cr-badge-${statusTone(view.status)}`}>{statusLabel(view.status)}</span>{" "}
          {reportCategoryLabels[view.category]} · {placeLabel({ ...view, sharedLocation: view.lat !== null })}{" "}
          · sent {formatWhen(view.submittedAt)}
        </p>
      </PageHeader>

      <div className="cr-triage-columns">
        <div>
          <section className="card" aria-labelledby="report-said">
            <h2 id="report-said">What the resident said</h2>
            <p className="cr-free-text">{view.description}</p>
            <dl className="cr-facts">
              {view.lat !== null && view.lng !== null && (
                <div>
                  <dt>Shared location</dt>
                  <dd>
                    <a
                      href={`https://www.openstreetmap.org/?mlat=${view.lat}&mlon=${view.lng}#map=18/${view.lat}/${view.lng}`}
                      target="_blank"
                      rel="noreferrer noopener"
                    >
                      {view.lat.toFixed(5)}, {view.lng.toFixed(5)} (map)
                    </a>
                  </dd>
                </div>
              )}
              <div>
                <dt>Updates to</dt>
                <dd>
                  {view.contactEmail ??
                    view.contactPhone ??
                    "No contact left: updates appear on their tracking page only"}
                  {view.contactEmail && view.contactPhone ? ` (phone ${view.contactPhone})` : ""}
                </dd>
              </div>
              {view.duplicateOf && (
                <div>
                  <dt>Duplicate of</dt>
                  <dd>
                    <Link href={`/triage/${view.duplicateOf.id}`}>{view.duplicateOf.reference}</Link>
                  </dd>
                </div>
              )}
              {view.duplicates.length > 0 && (
                <div>
                  <dt>Also reported as</dt>
                  <dd>
                    {view.duplicates.map((duplicate, index) => (
                      <span key={duplicate.id}>
                        {index > 0 && ", "}
                        <Link href={`/triage/${duplicate.id}`}>{duplicate.reference}</Link>
                      </span>
                    ))}
                  </dd>
                </div>
              )}
            </dl>
          </section>

          {open && <Actions report={view} />}
          {!open && <NoteForm report={view} />}
          <Links report={view} />
        </div>
        <History report={view} />
      </div>
    </section>
  );
}
