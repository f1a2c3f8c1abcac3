import { useMutation } from "@tanstack/react-query";
import { ErrorNotice } from "../../../components/ui.tsx";
import { formatWhen, statusLabel, type TriageReport, updateLabel } from "../../../lib/community.ts";
import { describeError, useTRPC } from "../../../lib/trpc.ts";
import { useRefresh } from "./refresh.ts";

/** The report's history, newest first: each status, its notes, and whether the update reached the reporter. */
export function History({ report }: { report: TriageReport }) {
  const trpc = useTRPC();
  const refresh = useRefresh(report.id);
  const retry = useMutation(trpc.community.retryUpdate.mutationOptions({ onSuccess: refresh }));
  const by = report.contactEmail ? "email" : "phone";
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {retry.error && <ErrorNotice {...describeError(retry.error)} />}
      <ol className="cr-timeline">
        {[...report.history].reverse().map((event) => (
          <li key={event.id} className="cr-timeline-item">
            <p className="cr-timeline-status">
              {statusLabel(event.status)}
              {!event.seenByReporter && <span className="muted"> (staff only)</span>}
            </p>
            <p className="cr-timeline-when">
              <time dateTime={event.at.toISOString()}>{formatWhen(event.at)}</time>
              {event.byName ? ` · ${event.byName}` : " · Pathways"}
            </p>
            {event.publicNote && (
              <div className="cr-note cr-note-public">
                <p className="cr-note-label">Reporter sees</p>
                <p className="cr-free-text">{event.publicNote}</p>
              </div>
            )}
            {event.internalNote && (
              <div className="cr-note cr-note-internal">
                <p className="cr-note-label">Staff only</p>
                <p className="cr-free-text">{event.internalNote}</p>
              </div>
            )}
            {event.update && (
              <p className={`cr-update cr-update-${event.update.status}`}>
                {updateLabel(event.update, by)}
                {event.update.lastError && event.update.status !== "sent" && (
                  <span className="muted"> Last error: {event.update.lastError}</span>
                )}
                {event.update.status === "failed" && (
                  <>
                    {" "}
                    <button
                      type="button"
                      className="button button-quiet"
                      disabled={retry.isPending}
                      onClick={() => event.update && retry.mutate({ messageId: event.update.messageId })}
                    >
                      Send again
                    </button>
                  </>
                )}
              </p>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
