import { maxInternalNote, maxPublicNote } from "@pathways/validators";
import { type FormEvent, type ReactNode, useState } from "react";
import { FormErrors } from "../../../components/ErrorSummary.tsx";
import { SubmitButton } from "../../../components/FormActions.tsx";
import { Field, fieldAria } from "../../../components/ui.tsx";
import { describeError } from "../../../lib/trpc.ts";

/** Where the error summary sends a worker for each of `NoteFields`' two notes. */
function noteTargets(prefix: string) {
  return { publicNote: `${prefix}-public`, internalNote: `${prefix}-internal` };
}

/** The two notes an action on a report carries: one for the reporter, one for staff only. */
export interface Notes {
  publicNote: string;
  internalNote: string;
  setPublicNote: (value: string) => void;
  setInternalNote: (value: string) => void;
}

export function useNotes(initialPublicNote = ""): Notes {
  const [publicNote, setPublicNote] = useState(initialPublicNote);
  const [internalNote, setInternalNote] = useState("");
  return { publicNote, internalNote, setPublicNote, setInternalNote };
}

/** The notes as a verb takes them. */
export function notesOf({ publicNote, internalNote }: Notes) {
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

/** One card on the report page: an action (or the follow-up links) under its heading. */
export function ActionCard({ title, children }: { title: string; children: ReactNode }) {
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
export function NoteActionForm({
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
        <SubmitButton
          pending={action.isPending}
          pendingLabel={pendingButton}
          kind={primary ? "primary" : "secondary"}
        >
          {button}
        </SubmitButton>
      </form>
    </ActionCard>
  );
}
