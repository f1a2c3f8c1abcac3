import { reportCategoryLabels } from "@pathways/validators";
import { useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useEffect } from "react";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, Loading, PageHeader } from "../../components/ui.tsx";
import { formatWhen, placeLabel, statusLabel, statusTone } from "../../lib/community.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";

/** A report's public history, for whoever holds its private link. Everything is shown as text. */
export function TrackPage({ token }: { token: string }) {
  const trpc = useTRPC();
  const report = useQuery({
    ...trpc.community.track.queryOptions({ token }),
    // A link that matches nothing will not start matching on a retry.
    retry: (failures, error) =>
      failures < 2 && !(error instanceof TRPCClientError && error.data?.httpStatus < 500),
  });
  useEffect(() => {
    document.title = report.data ? `Report ${report.data.reference} · Pathways` : "Your report · Pathways";
  }, [report.data]);

  if (report.isPending) return <Loading label="Finding your report…" />;
  if (report.isError) {
    const notFound = report.error instanceof TRPCClientError && report.error.data?.httpStatus === 404;
    return notFound ? (
      <EmptyState title="We could not find a report for this link">
        <p>
          Check that you copied the whole link: it is long, and every letter matters. If you still cannot open
          it, <Link href="/report">report the concern again</Link>.
        </p>
      </EmptyState>
    ) : (
      <ErrorNotice {...describeError(report.error)} onRetry={() => report.refetch()} />
    );
  }

  const view = report.data;
  const history = [...view.history].reverse();
  return (
    <section className="cr-track">
      <PageHeader title={`Report ${view.reference}`}>
        <p className="lede">
          Only people with this link can see this page. It never shows your contact details.
        </p>
      </PageHeader>
      <dl className="cr-facts card">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`cr-badge cr-badge-${statusTone(view.status)}`}>{statusLabel(view.status)}</span>
          </dd>
        </div>
        <div>
          <dt>What</dt>
          <dd>{reportCategoryLabels[view.category]}</dd>
        </div>
        <div>
          <dt>Where</dt>
          <dd>{placeLabel(view)}</dd>
        </div>
        <div>
          <dt>Sent</dt>
          <dd>{formatWhen(view.submittedAt)}</dd>
        </div>
      </dl>
      <h2>What has happened</h2>
      <ol className="cr-timeline" aria-label="Updates, newest first">
        {history.map((event) => (
          <li key={`${event.at.toISOString()}-${event.status}`} className="cr-timeline-item">
            <p className="cr-timeline-status">{statusLabel(event.status)}</p>
            <p className="cr-timeline-when">
              <time dateTime={event.at.toISOString()}>{formatWhen(event.at)}</time>
            </p>
            {event.note && <p className="cr-timeline-note">{event.note}</p>}
          </li>
        ))}
      </ol>
      <p>
        <Link href="/report">Report something else</Link>
      </p>
    </section>
  );
}
