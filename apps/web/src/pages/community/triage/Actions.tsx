import { defaultAcknowledgement, maxInternalNote } from "@pathways/validators";
import type { ReportStatus } from "@pathways/validators/codes";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormErrors } from "../../../components/ErrorSummary.tsx";
import { SubmitButton } from "../../../components/FormActions.tsx";
import { Field, fieldAria } from "../../../components/ui.tsx";
import { statusLabel, type TriageReport } from "../../../lib/community.ts";
import { describeError, useTRPC } from "../../../lib/trpc.ts";
import { ActionCard, NoteActionForm, notesOf, useNotes } from "./NoteActionForm.tsx";
import { useRefresh } from "./refresh.ts";

const closingStatuses = ["in_progress", "closed_actioned", "closed_no_action"] as const;
type ClosingStatus = (typeof closingStatuses)[number];

/** Suggested public notes, so a busy worker can move a report on in a few taps and edit as needed. */
const suggestedNotes: Record<ClosingStatus, string> = {
  in_progress: "The taskforce is dealing with this. We will update you when it is done.",
  closed_actioned: "The taskforce has acted on your report. Thank you for telling us.",
  closed_no_action:
    "We looked into this and found nothing we could act on. Please report again if you see it.",
};

/** What can be done next with an open report: acknowledge it, move it on, mark it a duplicate, add a note. */
export function Actions({ report }: { report: TriageReport }) {
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
        <SubmitButton pending={mark.isPending} pendingLabel="Saving…" kind="secondary">
          Mark as duplicate
        </SubmitButton>
      </form>
    </ActionCard>
  );
}

export function NoteForm({ report }: { report: TriageReport }) {
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
