import type { RouterOutputs } from "@pathways/api";
import { type Sex, sexes } from "@pathways/validators/codes";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { CodeSelect } from "../../components/CodeSelect.tsx";
import { DateField } from "../../components/DateField.tsx";
import { FormErrors, fieldMessages } from "../../components/ErrorSummary.tsx";
import { FormActions } from "../../components/FormActions.tsx";
import { Field, fieldAria } from "../../components/ui.tsx";
import { formatWhen, sexLabels } from "../../lib/outreach.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";

type Person = RouterOutputs["people"]["get"]["person"];

const fieldLabels: Record<string, string> = {
  firstInitial: "First initial",
  surnameInitial: "Surname initial",
  dateOfBirth: "Date of birth",
  sex: "Sex",
  alias: "Alias",
  partialPostcode: "Partial postcode",
  fullName: "Full name",
  attributor: "Attributor",
};

const targets: Record<string, string> = {
  "changes.firstInitial": "correct-first",
  "changes.surnameInitial": "correct-surname",
  "changes.dateOfBirth": "correct-dob",
  "changes.sex": "correct-sex",
  "changes.alias": "correct-alias",
  "changes.partialPostcode": "correct-postcode",
  "changes.fullName": "correct-full-name",
  reason: "correct-reason",
};

interface Draft {
  firstInitial: string;
  surnameInitial: string;
  dateOfBirth: string;
  sex: Sex;
  alias: string;
  partialPostcode: string;
  fullName: string;
}

function draftOf(person: Person): Draft {
  return {
    firstInitial: person.firstInitial,
    surnameInitial: person.surnameInitial,
    dateOfBirth: person.dateOfBirth,
    sex: person.sex,
    alias: person.alias ?? "",
    partialPostcode: person.partialPostcode ?? "",
    fullName: ("fullName" in person ? person.fullName : null) ?? "",
  };
}

/** Only what changed goes to the server: a cleared optional detail is sent as null. */
function changesOf(person: Person, draft: Draft, mayName: boolean) {
  const before = draftOf(person);
  const changes: Record<string, string | null> = {};
  for (const key of Object.keys(draft) as (keyof Draft)[]) {
    if (key === "fullName" && !mayName) continue;
    const value = draft[key].trim();
    if (value === before[key]) continue;
    const optional = key === "alias" || key === "partialPostcode" || key === "fullName";
    changes[key] = optional && value === "" ? null : value;
  }
  return changes;
}

/**
 * Correcting a person's details (DOMAIN.md "Corrections"): each change is kept old -> new with who,
 * when and why, and shown here; the attributor follows. Only the treatment provider sees or records
 * the full name.
 */
export function CorrectDetails({ person, mayCorrect }: { person: Person; mayCorrect: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayName = "fullName" in person;
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<Draft>(() => draftOf(person));
  const [reason, setReason] = useState("");
  const history = useQuery(trpc.people.corrections.queryOptions({ personId: person.id }));
  const correct = useMutation(
    trpc.people.correct.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        setReason("");
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.people.get.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.people.corrections.pathKey() }),
        ]);
      },
    }),
  );
  const error = correct.error ? describeError(correct.error) : null;
  const fields = error?.fields ?? {};
  const set = (changes: Partial<Draft>) => setDraft((current) => ({ ...current, ...changes }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    correct.mutate({ personId: person.id, changes: changesOf(person, draft, mayName), reason });
  };
  const corrections = history.data ?? [];
  return (
    <section aria-labelledby="corrections-title">
      <h2 id="corrections-title">Corrections</h2>
      {corrections.length === 0 ? (
        <p className="muted">No detail has been corrected.</p>
      ) : (
        <ol className="plain-list correction-list">
          {corrections.map((row) => (
            <li key={row.id}>
              <strong>{fieldLabels[row.field] ?? row.field}</strong>:{" "}
              {row.hidden
                ? "changed (seen by the treatment provider only)"
                : `${row.oldValue ?? "none"} → ${row.newValue ?? "none"}`}
              <span className="muted">
                {" "}
                · {row.correctedBy ?? "Pathways"}, {formatWhen(row.correctedAt)} · “{row.reason}”
              </span>
            </li>
          ))}
        </ol>
      )}
      {mayCorrect && !open && (
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            setDraft(draftOf(person));
            setOpen(true);
          }}
        >
          Correct details
        </button>
      )}
      {mayCorrect && open && (
        <form className="card" onSubmit={submit} noValidate aria-label="Correct details">
          <FormErrors error={error} targets={targets} />
          <div className="form-row form-row-tight">
            <Field
              id="correct-first"
              label="First initial"
              errors={fieldMessages(fields, "changes.firstInitial")}
            >
              <input
                {...fieldAria("correct-first", fields["changes.firstInitial"])}
                className="initial-input"
                maxLength={1}
                value={draft.firstInitial}
                onChange={(event) => set({ firstInitial: event.target.value.toUpperCase() })}
              />
            </Field>
            <Field
              id="correct-surname"
              label="Surname initial"
              errors={fieldMessages(fields, "changes.surnameInitial")}
            >
              <input
                {...fieldAria("correct-surname", fields["changes.surnameInitial"])}
                className="initial-input"
                maxLength={1}
                value={draft.surnameInitial}
                onChange={(event) => set({ surnameInitial: event.target.value.toUpperCase() })}
              />
            </Field>
          </div>
          <DateField
            id="correct-dob"
            label="Date of birth"
            errors={fieldMessages(fields, "changes.dateOfBirth")}
            min="1900-01-01"
            value={draft.dateOfBirth}
            onChange={(value) => set({ dateOfBirth: value })}
          />
          <CodeSelect
            id="correct-sex"
            label="Sex"
            errors={fieldMessages(fields, "changes.sex")}
            codes={sexes}
            value={draft.sex}
            onChange={(value) => set({ sex: value })}
            optionLabel={(code) => sexLabels[code]}
          />
          <Field id="correct-alias" label="Alias" errors={fieldMessages(fields, "changes.alias")}>
            <input
              {...fieldAria("correct-alias", fields["changes.alias"])}
              maxLength={60}
              value={draft.alias}
              onChange={(event) => set({ alias: event.target.value })}
            />
          </Field>
          <Field
            id="correct-postcode"
            label="Partial postcode"
            errors={fieldMessages(fields, "changes.partialPostcode")}
          >
            <input
              {...fieldAria("correct-postcode", fields["changes.partialPostcode"])}
              maxLength={8}
              value={draft.partialPostcode}
              onChange={(event) => set({ partialPostcode: event.target.value.toUpperCase() })}
            />
          </Field>
          {mayName && (
            <Field
              id="correct-full-name"
              label="Full name (seen by the treatment provider only)"
              errors={fieldMessages(fields, "changes.fullName")}
            >
              <input
                {...fieldAria("correct-full-name", fields["changes.fullName"])}
                maxLength={120}
                value={draft.fullName}
                onChange={(event) => set({ fullName: event.target.value })}
              />
            </Field>
          )}
          <Field
            id="correct-reason"
            label="Reason for the correction"
            hint="How you know: 'Showed his bus pass'. It is kept with the correction."
            errors={fieldMessages(fields, "reason")}
          >
            <textarea
              {...fieldAria("correct-reason", fields.reason, "hint")}
              rows={2}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          </Field>
          <FormActions
            pending={correct.isPending}
            pendingLabel="Saving…"
            submitLabel="Save the correction"
            onCancel={() => setOpen(false)}
            cancelKind="quiet"
          />
        </form>
      )}
    </section>
  );
}
