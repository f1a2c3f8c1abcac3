import type { LawfulBasis, LawfulBasisInput } from "@pathways/validators";
import { serviceToday } from "@pathways/validators/calendar";
import { lawfulBases } from "@pathways/validators/codes";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CodeSelect } from "../../components/CodeSelect.tsx";
import { fieldMessages } from "../../components/ErrorSummary.tsx";
import { ErrorNotice, Field, fieldAria } from "../../components/ui.tsx";
import { describeError, useTRPC } from "../../lib/trpc.ts";

export const lawfulBasisLabels: Record<LawfulBasis, string> = {
  child_at_risk_of_significant_harm: "A child at risk of significant harm",
  adult_at_risk: "An adult at risk",
  prevention_of_serious_crime: "Prevention of serious crime (exploitation)",
};

export interface BasisDraft {
  basis: LawfulBasis | "";
  reason: string;
  personInformed: boolean | null;
  notInformedReason: string;
}

export const emptyBasis: BasisDraft = { basis: "", reason: "", personInformed: null, notInformedReason: "" };

/** The lawful basis as the API takes it; the server names what is missing. */
export function basisInput(draft: BasisDraft): LawfulBasisInput {
  return {
    basis: draft.basis as LawfulBasis,
    reason: draft.reason,
    personInformed: draft.personInformed as boolean,
    notInformedReason: draft.personInformed === false ? draft.notInformedReason || undefined : undefined,
  };
}

/**
 * What lets this referral share the person's details with another organisation, decided on the form
 * itself: record their consent here and now, or - for a safeguarding referral only - record the
 * lawful basis for sharing without it (DOMAIN.md, "Sharing without consent").
 */
export function ShareGround({
  personId,
  attributor,
  organisationName,
  consent,
  safeguarding,
  withoutConsent,
  onWithoutConsent,
  basis,
  onBasis,
  errors,
}: {
  personId: string;
  attributor: string;
  organisationName: string;
  consent: { status: string; recordedOn: string } | null;
  safeguarding: boolean;
  withoutConsent: boolean;
  onWithoutConsent(value: boolean): void;
  basis: BasisDraft;
  onBasis(basis: BasisDraft): void;
  errors: Record<string, string[]>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const record = useMutation(
    trpc.people.recordConsent.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.referrals.draft.pathKey() }),
    }),
  );
  const recordError = record.error ? describeError(record.error) : null;
  const set = (changes: Partial<BasisDraft>) => onBasis({ ...basis, ...changes });
  return (
    <fieldset className="share-ground">
      <legend>Sharing with {organisationName}</legend>
      <p>
        {consent
          ? `${attributor}'s consent to share was ${consent.status} on ${consent.recordedOn}.`
          : `No consent to share is recorded for ${attributor}.`}{" "}
        {safeguarding
          ? "Ask for their consent. As this is a safeguarding referral, you may share without it where someone is at risk of significant harm."
          : "Ask for their consent before referring."}
      </p>
      {recordError && <ErrorNotice kind={recordError.kind} message={recordError.message} />}
      <div className="actions">
        <button
          type="button"
          className="button button-secondary"
          disabled={record.isPending}
          onClick={() =>
            record.mutate({ personId, kind: "share", status: "given", recordedOn: serviceToday() })
          }
        >
          {record.isPending ? "Recording…" : "They consent: record it today"}
        </button>
        {safeguarding && !withoutConsent && (
          <button type="button" className="button button-quiet" onClick={() => onWithoutConsent(true)}>
            Share without consent (safeguarding)
          </button>
        )}
      </div>
      {safeguarding && withoutConsent && (
        <div className="lawful-basis">
          <CodeSelect
            id="lawful-basis"
            label="Lawful basis for sharing without consent"
            errors={fieldMessages(errors, "lawfulBasis.basis")}
            codes={lawfulBases}
            value={basis.basis}
            onChange={(value) => set({ basis: value })}
            empty="Choose…"
            optionLabel={(code) => lawfulBasisLabels[code]}
          />
          <Field
            id="lawful-basis-reason"
            label="Why sharing without consent is needed"
            hint="What you saw or were told that puts them at risk. It is kept with the referral and shown to the Caldicott guardian."
            errors={fieldMessages(errors, "lawfulBasis.reason")}
          >
            <textarea
              {...fieldAria("lawful-basis-reason", errors["lawfulBasis.reason"], "hint")}
              rows={3}
              value={basis.reason}
              onChange={(event) => set({ reason: event.target.value })}
            />
          </Field>
          <fieldset
            className="choice-row"
            id="person-informed"
            tabIndex={-1}
            aria-describedby={errors["lawfulBasis.personInformed"] ? "person-informed-error" : undefined}
          >
            <legend>Has {attributor} been told their details will be shared?</legend>
            <label className="checkbox">
              <input
                type="radio"
                name="person-informed"
                checked={basis.personInformed === true}
                onChange={() => set({ personInformed: true })}
              />
              Yes
            </label>
            <label className="checkbox">
              <input
                type="radio"
                name="person-informed"
                checked={basis.personInformed === false}
                onChange={() => set({ personInformed: false })}
              />
              No: telling them would increase the risk
            </label>
            {fieldMessages(errors, "lawfulBasis.personInformed")?.map((message) => (
              <p key={message} className="field-error" id="person-informed-error">
                {message}
              </p>
            ))}
          </fieldset>
          {basis.personInformed === false && (
            <Field
              id="not-informed-reason"
              label="Why telling them would increase the risk"
              errors={fieldMessages(errors, "lawfulBasis.notInformedReason")}
            >
              <textarea
                {...fieldAria("not-informed-reason", errors["lawfulBasis.notInformedReason"])}
                rows={2}
                value={basis.notInformedReason}
                onChange={(event) => set({ notInformedReason: event.target.value })}
              />
            </Field>
          )}
          <button type="button" className="button button-quiet" onClick={() => onWithoutConsent(false)}>
            Ask for consent instead
          </button>
        </div>
      )}
    </fieldset>
  );
}
