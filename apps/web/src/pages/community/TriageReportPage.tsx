import {
  codeLabel,
  defaultAcknowledgement,
  maxInternalNote,
  maxPublicNote,
  reportCategoryLabels,
} from "@pathways/validators";
import type { ReportStatus } from "@pathways/validators/codes";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { Link } from "wouter";
import { FormErrors } from "../../components/ErrorSummary.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import {
  formatWhen,
  placeLabel,
  statusLabel,
  statusTone,
  type TriageReport,
  updateLabel,
} from "../../lib/community.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";

const closingStatuses = ["in_progress", "closed_actioned", "closed_no_action"] as const;
type ClosingStatus = (typeof closingStatuses)[number];

/** Suggested public notes, so a busy worker can move a report on in a few taps and edit as needed. */
const suggestedNotes: Record<ClosingStatus, string> = {
  in_progress: "The taskforce is dealing with this. We will update you when it is done.",
  closed_actioned: "The taskforce has acted on your report. Thank you for telling us.",
  closed_no_action:
    "We looked into this and found nothing we could act on. Please report again if you see it.",
};

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

function useRefresh(id: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.community.get.queryKey({ id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.community.list.infiniteQueryKey() }),
    ]);
  };
}

function Actions({ report }: { report: TriageReport }) {
  const canAcknowledge = report.allowedStatuses.includes("acknowledged");
  const moves = report.allowedStatuses.filter((s): s is ClosingStatus =>
    (closingStatuses as readonly ReportStatus[]).includes(s),
  );
  return (
    <>
      {canAcknowledge && <AcknowledgeForm report={report} />}
      {/* Remounted on each status, so the choice always starts from a move that is still allowed. */}
      {moves.length > 0 && <StatusForm key={report.status} report={report} moves={moves} />}
      <DuplicateForm report={report} />
      <NoteForm report={report} />
    </>
  );
}

/** Where the error summary sends a worker for each of `NoteFields`' two notes. */
function noteTargets(prefix: string) {
  return { publicNote: `${prefix}-public`, internalNote: `${prefix}-internal` };
}

/** The two notes an action on a report carries: one for the reporter, one for staff only. */
interface Notes {
  publicNote: string;
  internalNote: string;
  setPublicNote: (value: string) => void;
  setInternalNote: (value: string) => void;
}

function useNotes(initialPublicNote = ""): Notes {
  const [publicNote, setPublicNote] = useState(initialPublicNote);
  const [internalNote, setInternalNote] = useState("");
  return { publicNote, internalNote, setPublicNote, setInternalNote };
}

/** The notes as a verb takes them. */
function notesOf({ publicNote, internalNote }: Notes) {
  return { publicNote, internalNote };
}

function NoteFields({
  prefix,
  notes,
  fields,
  publicLabel = "Note for the reporter",
  publicHint = "They see this on their tracking page and by email. No names or details about anyone.",
}: {
  prefix: string;
  notes: Notes;
  fields: Record<string, string[]>;
  publicLabel?: string;
  publicHint?: string;
}) {
  return (
    <>
      <Field id={`${prefix}-public`} label={publicLabel} hint={publicHint} errors={fields.publicNote}>
        <textarea
          {...fieldAria(`${prefix}-public`, fields.publicNote, "hint")}
          rows={3}
          maxLength={maxPublicNote}
          value={notes.publicNote}
          onChange={(event) => notes.setPublicNote(event.target.value)}
        />
      </Field>
      <Field
        id={`${prefix}-internal`}
        label="Internal note (optional)"
        hint="Staff only: never shown to the reporter."
        errors={fields.internalNote}
      >
        <textarea
          {...fieldAria(`${prefix}-internal`, fields.internalNote, "hint")}
          rows={2}
          maxLength={maxInternalNote}
          value={notes.internalNote}
          onChange={(event) => notes.setInternalNote(event.target.value)}
        />
      </Field>
    </>
  );
}

function ActionCard({ title, children }: { title: string; children: ReactNode }) {
  const id = `action-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * One action on a report that carries the two notes (acknowledge, move it on, add a note): its card,
 * the error summary, what it asks first (`children`), the notes and its button.
 */
function NoteActionForm({
  title,
  prefix,
  notes,
  action,
  send,
  button,
  pendingButton,
  primary = false,
  publicLabel,
  publicHint,
  children,
}: {
  title: string;
  prefix: string;
  notes: Notes;
  action: { isPending: boolean; error: unknown };
  send: () => void;
  button: string;
  pendingButton: string;
  primary?: boolean;
  publicLabel?: string;
  publicHint?: string;
  children?: ReactNode;
}) {
  const error = action.error ? describeError(action.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };
  return (
    <ActionCard title={title}>
      <form onSubmit={submit} noValidate>
        <FormErrors error={error} targets={noteTargets(prefix)} />
        {children}
        <NoteFields
          prefix={prefix}
          notes={notes}
          fields={error?.fields ?? {}}
          publicLabel={publicLabel}
          publicHint={publicHint}
        />
        <button
          type="submit"
          className={`button ${primary ? "button-primary" : "button-secondary"}`}
          disabled={action.isPending}
        >
          {action.isPending ? pendingButton : button}
        </button>
      </form>
    </ActionCard>
  );
}

function AcknowledgeForm({ report }: { report: TriageReport }) {
  const trpc = useTRPC();
  const refresh = useRefresh(report.id);
  const notes = useNotes();
  const acknowledge = useMutation(trpc.community.acknowledge.mutationOptions({ onSuccess: refresh }));
  return (
    <NoteActionForm
      title="Acknowledge"
      prefix="ack"
      notes={notes}
      action={acknowledge}
      send={() => acknowledge.mutate({ id: report.id, ...notesOf(notes) })}
      button="Acknowledge report"
      pendingButton="Acknowledging…"
      primary
      publicLabel="Note for the reporter (optional)"
      publicHint={`Left empty, they read: “${defaultAcknowledgement}”`}
    />
  );
}

function StatusForm({ report, moves }: { report: TriageReport; moves: ClosingStatus[] }) {
  const trpc = useTRPC();
  const refresh = useRefresh(report.id);
  const [status, setStatus] = useState<ClosingStatus>(moves[0]!);
  const notes = useNotes(suggestedNotes[moves[0]!]);
  const change = useMutation(
    trpc.community.changeStatus.mutationOptions({
      onSuccess: async () => {
        notes.setInternalNote("");
        await refresh();
      },
    }),
  );
  const choose = (next: ClosingStatus) => {
    // Keep what the worker typed; only swap in a suggestion when the note is still a suggestion.
    if (notes.publicNote === "" || Object.values(suggestedNotes).includes(notes.publicNote))
      notes.setPublicNote(suggestedNotes[next]);
    setStatus(next);
  };
  return (
    <NoteActionForm
      title="Move it on"
      prefix="status"
      notes={notes}
      action={change}
      send={() => change.mutate({ id: report.id, status, ...notesOf(notes) })}
      button={`Mark as ${statusLabel(status).toLowerCase()}`}
      pendingButton="Saving…"
      primary
    >
      <fieldset className="cr-fieldset">
        <legend>New status</legend>
        <div className="cr-segmented">
          {moves.map((move) => (
            <label key={move} className="cr-segment">
              <input type="radio" name="new-status" checked={status === move} onChange={() => choose(move)} />
              <span>{statusLabel(move)}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </NoteActionForm>
  );
}

function DuplicateForm({ report }: { report: TriageReport }) {
  const trpc = useTRPC();
  const refresh = useRefresh(report.id);
  const [reference, setReference] = useState("");
  const [internalNote, setInternalNote] = useState("");
  const mark = useMutation(trpc.community.markDuplicate.mutationOptions({ onSuccess: refresh }));
  const error = mark.error ? describeError(mark.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mark.mutate({ id: report.id, duplicateOfReference: reference, internalNote });
  };
  return (
    <ActionCard title="Already reported?">
      <form onSubmit={submit} noValidate>
        <FormErrors
          error={error}
          targets={{ duplicateOfReference: "duplicate-of", internalNote: "duplicate-internal" }}
        />
        <Field
          id="duplicate-of"
          label="Reference of the earlier report"
          hint="This report closes as a duplicate; work carries on under the earlier one. The reporter is told it was already reported."
          errors={error?.fields.duplicateOfReference}
        >
          <input
            {...fieldAria("duplicate-of", error?.fields.duplicateOfReference, "hint")}
            placeholder="CR-2026-000123"
            autoComplete="off"
            value={reference}
            onChange={(event) => setReference(event.target.value)}
          />
        </Field>
        <Field id="duplicate-internal" label="Internal note (optional)" errors={error?.fields.internalNote}>
          <input
            {...fieldAria("duplicate-internal", error?.fields.internalNote)}
            maxLength={maxInternalNote}
            value={internalNote}
            onChange={(event) => setInternalNote(event.target.value)}
          />
        </Field>
        <button type="submit" className="button button-secondary" disabled={mark.isPending}>
          {mark.isPending ? "Saving…" : "Mark as duplicate"}
        </button>
      </form>
    </ActionCard>
  );
}

function NoteForm({ report }: { report: TriageReport }) {
  const trpc = useTRPC();
  const refresh = useRefresh(report.id);
  const notes = useNotes();
  const add = useMutation(
    trpc.community.addNote.mutationOptions({
      onSuccess: async () => {
        notes.setPublicNote("");
        notes.setInternalNote("");
        await refresh();
      },
    }),
  );
  return (
    <NoteActionForm
      title="Add a note"
      prefix="note"
      notes={notes}
      action={add}
      send={() => add.mutate({ id: report.id, ...notesOf(notes) })}
      button="Add note"
      pendingButton="Saving…"
      publicLabel="Note for the reporter (optional)"
    />
  );
}

function Links({ report }: { report: TriageReport }) {
  const trpc = useTRPC();
  const refresh = useRefresh(report.id);
  const [looking, setLooking] = useState(false);
  const candidates = useQuery({
    ...trpc.community.linkCandidates.queryOptions({ id: report.id }),
    enabled: looking,
  });
  const link = useMutation(trpc.community.link.mutationOptions({ onSuccess: refresh }));
  const error = link.error ? describeError(link.error) : null;
  const linked = report.linkedContact || report.linkedNeedleFind;
  return (
    <ActionCard title="Follow-up in outreach">
      <FormErrors error={error} targets={{}} />
      {!linked && <p className="muted">Not linked to a contact or needle find yet.</p>}
      {report.linkedContact && (
        <p>
          Contact: {codeLabel(report.linkedContact.contactType)} at {report.linkedContact.place} on{" "}
          {formatWhen(report.linkedContact.occurredAt)}
          {report.linkedContact.workerName ? ` by ${report.linkedContact.workerName}` : ""}.{" "}
          <button
            type="button"
            className="button button-quiet"
            disabled={link.isPending}
            onClick={() => link.mutate({ id: report.id, contactId: null })}
          >
            Remove link
          </button>
        </p>
      )}
      {report.linkedNeedleFind && (
        <p>
          Needle find: {report.linkedNeedleFind.count} at {report.linkedNeedleFind.place} on{" "}
          {formatWhen(report.linkedNeedleFind.foundAt)}.{" "}
          <button
            type="button"
            className="button button-quiet"
            disabled={link.isPending}
            onClick={() => link.mutate({ id: report.id, needleFindId: null })}
          >
            Remove link
          </button>
        </p>
      )}
      {!looking ? (
        <button type="button" className="button button-secondary" onClick={() => setLooking(true)}>
          Find a contact or needle find to link
        </button>
      ) : candidates.isPending ? (
        <Loading label="Looking for outreach nearby…" />
      ) : candidates.isError ? (
        <ErrorNotice {...describeError(candidates.error)} onRetry={() => candidates.refetch()} />
      ) : candidates.data.contacts.length === 0 && candidates.data.needleFinds.length === 0 ? (
        <EmptyState title="Nothing to link yet">
          <p>No contacts or needle finds at this place from the day before the report to 14 days after.</p>
        </EmptyState>
      ) : (
        <ul className="cr-candidate-list">
          {candidates.data.contacts.map((contact) => (
            <li key={contact.id}>
              <span>
                Contact: {codeLabel(contact.contactType)} at {contact.place} on{" "}
                {formatWhen(contact.occurredAt)}
                {contact.workerName ? ` by ${contact.workerName}` : ""}
              </span>
              <button
                type="button"
                className="button button-secondary"
                disabled={link.isPending || report.linkedContact?.id === contact.id}
                onClick={() => link.mutate({ id: report.id, contactId: contact.id })}
              >
                {report.linkedContact?.id === contact.id ? "Linked" : "Link"}
              </button>
            </li>
          ))}
          {candidates.data.needleFinds.map((find) => (
            <li key={find.id}>
              <span>
                Needle find: {find.count} at {find.place} on {formatWhen(find.foundAt)}
              </span>
              <button
                type="button"
                className="button button-secondary"
                disabled={link.isPending || report.linkedNeedleFind?.id === find.id}
                onClick={() => link.mutate({ id: report.id, needleFindId: find.id })}
              >
                {report.linkedNeedleFind?.id === find.id ? "Linked" : "Link"}
              </button>
            </li>
          ))}
        </ul>
      )}
    </ActionCard>
  );
}

function History({ report }: { report: TriageReport }) {
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
