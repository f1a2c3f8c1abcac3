import type { RouterOutputs } from "@pathways/api";
import { AttributorInput, attributorOf } from "@pathways/validators";
import { type Sex, sexes } from "@pathways/validators/codes";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { DateField } from "../../components/DateField.tsx";
import { fieldMessage } from "../../components/ErrorSummary.tsx";
import { Field, fieldAria } from "../../components/ui.tsx";
import { keepDays, type OfflinePerson, searchOfflinePeople } from "../../lib/offline-people.ts";
import { formatWhen, sexLabels, useDebounced, useOnline } from "../../lib/outreach.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { ChoiceGroup } from "./common.tsx";

export type FoundPerson = RouterOutputs["people"]["find"]["items"][number];

export interface NewPersonDraft {
  firstInitial: string;
  surnameInitial: string;
  dateOfBirth: string;
  sex: Sex | null;
  alias: string;
  partialPostcode: string;
}

export const emptyNewPerson: NewPersonDraft = {
  firstInitial: "",
  surnameInitial: "",
  dateOfBirth: "",
  sex: null,
  alias: "",
  partialPostcode: "",
};

/** Who the contact is with: nobody named, someone known, or someone new (with likely duplicates). */
export type PersonChoice =
  | { kind: "anonymous" }
  | { kind: "existing"; id: string; label: string }
  | { kind: "new"; draft: NewPersonDraft; noneOfTheDuplicates: boolean };

export function personLabel(person: { attributor: string; alias: string | null }): string {
  return person.alias ? `${person.attributor} (${person.alias})` : person.attributor;
}

/** The new person as the API takes it, leaving out what was not filled in (checked by the schema after). */
export function newPersonInput(draft: NewPersonDraft) {
  return {
    firstInitial: draft.firstInitial,
    surnameInitial: draft.surnameInitial,
    dateOfBirth: draft.dateOfBirth,
    sex: draft.sex ?? undefined,
    alias: draft.alias.trim() || undefined,
    partialPostcode: draft.partialPostcode.trim() || undefined,
  };
}

function PersonResult({ person, action, onPick }: { person: FoundPerson; action: string; onPick(): void }) {
  return (
    <li>
      <button type="button" className="result-button" onClick={onPick}>
        <span className="result-main">
          <strong>{person.attributor}</strong>
          {person.alias && <span> · {person.alias}</span>}
          {person.partialPostcode && <span className="muted"> · {person.partialPostcode}</span>}
        </span>
        <span className="result-detail muted">
          {person.lastContactAt ? `Last seen ${formatWhen(person.lastContactAt)}` : "No contacts yet"}
          {person.openSafeguardingFlags > 0 && (
            <span className="status-badge status-refused">
              {person.openSafeguardingFlags} open safeguarding flag
              {person.openSafeguardingFlags === 1 ? "" : "s"}
            </span>
          )}
        </span>
        <span className="result-action">{action}</span>
      </button>
    </li>
  );
}

/** Search as you type by initials and date of birth, alias or partial postcode. */
export function PersonSearch({
  id,
  label,
  onPick,
  exclude,
  kept,
}: {
  id: string;
  label: string;
  onPick(person: FoundPerson): void;
  exclude?: string;
  /** With no signal, search the people this worker met recently, kept on the phone. */
  kept?: { userId: string; onPick(person: OfflinePerson): void };
}) {
  const trpc = useTRPC();
  const online = useOnline();
  const [query, setQuery] = useState("");
  const settled = useDebounced(query.trim(), 250);
  const enabled = settled.length >= 2;
  const results = useQuery({
    ...trpc.people.find.queryOptions({ query: settled, limit: 8 }),
    enabled: enabled && online,
    placeholderData: (previous) => previous,
  });
  const unreachable = !online || (results.isError && describeError(results.error).kind === "offline");
  const keptResults = useQuery({
    queryKey: ["offline-people", kept?.userId, settled],
    queryFn: () => searchOfflinePeople(kept!.userId, settled),
    enabled: Boolean(kept) && enabled && unreachable,
    networkMode: "always",
    staleTime: 0,
  });
  const items = results.data?.items.filter((person) => person.id !== exclude) ?? [];
  return (
    <div className="person-search">
      <Field
        id={id}
        label={label}
        hint="Initials and date of birth (JS 1988), an alias, or a postcode start (OX4 1)"
      >
        <input
          {...fieldAria(id, undefined, "hint")}
          type="search"
          value={query}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          onChange={(event) => setQuery(event.target.value)}
        />
      </Field>
      <div aria-live="polite">
        {unreachable && kept ? (
          <KeptResults
            query={settled}
            results={enabled ? keptResults.data : undefined}
            onPick={kept.onPick}
          />
        ) : unreachable ? (
          <p className="hint">
            No connection: searching needs a signal. Add a new person or log it anonymously.
          </p>
        ) : !enabled ? null : results.isError ? (
          <p className="field-error">{describeError(results.error).message}</p>
        ) : results.isPending ? (
          <p className="hint">Searching…</p>
        ) : items.length === 0 ? (
          <p className="hint">Nobody found for “{settled}”.</p>
        ) : (
          <ul className="result-list" aria-label="People found">
            {items.map((person) => (
              <PersonResult key={person.id} person={person} action="Choose" onPick={() => onPick(person)} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** Offline search results: the people this worker met recently, kept on the phone. */
function KeptResults({
  query,
  results,
  onPick,
}: {
  query: string;
  results: OfflinePerson[] | undefined;
  onPick(person: OfflinePerson): void;
}) {
  return (
    <>
      <p className="hint">
        No connection: searching the people you met in the last {keepDays} days, kept on this phone.
      </p>
      {results && results.length === 0 && <p className="hint">Nobody you met recently matches “{query}”.</p>}
      {results && results.length > 0 && (
        <ul className="result-list" aria-label="People found on this phone">
          {results.map((person) => (
            <li key={person.id}>
              <button type="button" className="result-button" onClick={() => onPick(person)}>
                <span className="result-main">
                  <strong>{person.attributor}</strong>
                  {person.alias && <span> · {person.alias}</span>}
                  {person.partialPostcode && <span className="muted"> · {person.partialPostcode}</span>}
                </span>
                <span className="result-detail muted">
                  {person.lastContactAt ? `Last seen ${formatWhen(person.lastContactAt)}` : "Met recently"}
                </span>
                <span className="result-action">Choose</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * The details of someone new. As soon as the initials, date of birth and sex are in, people who may
 * be the same are shown, so a duplicate is caught before it is saved.
 */
function NewPersonFields({
  choice,
  onChange,
  onPickExisting,
  errors,
}: {
  choice: Extract<PersonChoice, { kind: "new" }>;
  onChange(choice: PersonChoice): void;
  onPickExisting(person: FoundPerson): void;
  errors: Record<string, string[]>;
}) {
  const trpc = useTRPC();
  const online = useOnline();
  const { draft } = choice;
  const set = (changes: Partial<NewPersonDraft>) =>
    onChange({ kind: "new", draft: { ...draft, ...changes }, noneOfTheDuplicates: false });
  const attributor = AttributorInput.safeParse({ ...draft, sex: draft.sex ?? undefined });
  const duplicates = useQuery({
    ...trpc.people.likelyDuplicates.queryOptions(
      attributor.success
        ? attributor.data
        : { firstInitial: "", surnameInitial: "", dateOfBirth: "", sex: "unknown" },
    ),
    enabled: attributor.success && online,
  });
  const error = (field: keyof NewPersonDraft) => errors[`newPerson.${field}`];
  const today = new Date().toISOString().slice(0, 10);
  return (
    <div className="new-person">
      <div className="form-row form-row-tight">
        <Field id="new-person-first" label="First initial" errors={error("firstInitial")}>
          <input
            {...fieldAria("new-person-first", error("firstInitial"))}
            className="initial-input"
            value={draft.firstInitial}
            maxLength={1}
            autoCapitalize="characters"
            autoComplete="off"
            onChange={(event) => set({ firstInitial: event.target.value.toUpperCase() })}
          />
        </Field>
        <Field id="new-person-surname" label="Surname initial" errors={error("surnameInitial")}>
          <input
            {...fieldAria("new-person-surname", error("surnameInitial"))}
            className="initial-input"
            value={draft.surnameInitial}
            maxLength={1}
            autoCapitalize="characters"
            autoComplete="off"
            onChange={(event) => set({ surnameInitial: event.target.value.toUpperCase() })}
          />
        </Field>
      </div>
      <DateField
        id="new-person-dob"
        label="Date of birth"
        errors={error("dateOfBirth")}
        max={today}
        min="1900-01-01"
        value={draft.dateOfBirth}
        onChange={(value) => set({ dateOfBirth: value })}
      />
      <ChoiceGroup
        legend="Sex"
        columns={4}
        options={sexes.map((sex) => ({ value: sex, label: sexLabels[sex] }))}
        value={draft.sex}
        onChange={(sex) => set({ sex })}
        errors={error("sex")}
      />
      <div className="form-row">
        <Field id="new-person-alias" label="Alias (optional)" errors={error("alias")}>
          <input
            {...fieldAria("new-person-alias", error("alias"))}
            value={draft.alias}
            maxLength={60}
            autoComplete="off"
            onChange={(event) => set({ alias: event.target.value })}
          />
        </Field>
        <Field id="new-person-postcode" label="Partial postcode (optional)" errors={error("partialPostcode")}>
          <input
            {...fieldAria("new-person-postcode", error("partialPostcode"))}
            value={draft.partialPostcode}
            maxLength={8}
            autoCapitalize="characters"
            autoComplete="off"
            placeholder="OX4 1"
            onChange={(event) => set({ partialPostcode: event.target.value.toUpperCase() })}
          />
        </Field>
      </div>
      {attributor.success && (
        <p className="attributor-preview">Will be recorded as {attributorOf(attributor.data)}</p>
      )}
      <div aria-live="polite">
        {attributor.success && !online && (
          <p className="notice">
            No connection, so possible duplicates cannot be checked now. If this turns out to be someone
            already known, merge the two records from the person page later.
          </p>
        )}
        {duplicates.isError && <p className="field-error">{describeError(duplicates.error).message}</p>}
        {duplicates.data && duplicates.data.length > 0 && (
          <div className={errors.duplicates ? "duplicates field-invalid" : "duplicates"}>
            <h3>Is this one of these people?</h3>
            <ul className="result-list">
              {duplicates.data.map((person) => (
                <PersonResult
                  key={person.id}
                  person={person}
                  action="It's them"
                  onPick={() => onPickExisting(person)}
                />
              ))}
            </ul>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={choice.noneOfTheDuplicates}
                onChange={(event) => onChange({ ...choice, noneOfTheDuplicates: event.target.checked })}
              />
              None of these: this is someone new
            </label>
            {errors.duplicates?.map((message) => (
              <p key={message} className="field-error">
                {fieldMessage(message)}
              </p>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/** Whether a new person still has unanswered likely duplicates (the form asks before saving). */
export function useUnansweredDuplicates(choice: PersonChoice): boolean {
  const trpc = useTRPC();
  const online = useOnline();
  const draft = choice.kind === "new" ? choice.draft : emptyNewPerson;
  const attributor = AttributorInput.safeParse({ ...draft, sex: draft.sex ?? undefined });
  const duplicates = useQuery({
    ...trpc.people.likelyDuplicates.queryOptions(
      attributor.success
        ? attributor.data
        : { firstInitial: "", surnameInitial: "", dateOfBirth: "", sex: "unknown" },
    ),
    enabled: choice.kind === "new" && attributor.success && online,
  });
  return choice.kind === "new" && !choice.noneOfTheDuplicates && (duplicates.data?.length ?? 0) > 0;
}

export function PersonPicker({
  choice,
  onChange,
  errors,
  userId,
}: {
  choice: PersonChoice;
  onChange(choice: PersonChoice): void;
  errors: Record<string, string[]>;
  /** The worker whose recently met people the phone keeps for searching with no signal. */
  userId: string;
}) {
  // The search list disappears once someone is chosen: focus moves to the choice, not to the page.
  const changeRef = useRef<HTMLButtonElement>(null);
  const [picked, setPicked] = useState(0);
  useEffect(() => {
    if (picked > 0) changeRef.current?.focus();
  }, [picked]);
  const pick = (person: { id: string; attributor: string; alias: string | null }) => {
    onChange({ kind: "existing", id: person.id, label: personLabel(person) });
    setPicked((count) => count + 1);
  };
  return (
    <div className="person-picker">
      {choice.kind === "existing" ? (
        <div className="person-chip">
          <span>
            <span className="visually-hidden">Person: </span>
            <strong>{choice.label}</strong>
          </span>
          <button
            ref={changeRef}
            type="button"
            className="button button-quiet"
            aria-label={`Change person (chosen: ${choice.label})`}
            onClick={() => onChange({ kind: "anonymous" })}
          >
            Change
          </button>
        </div>
      ) : choice.kind === "new" ? (
        <>
          <div className="person-chip">
            <strong>New person</strong>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => onChange({ kind: "anonymous" })}
            >
              Cancel
            </button>
          </div>
          <NewPersonFields choice={choice} onChange={onChange} onPickExisting={pick} errors={errors} />
        </>
      ) : (
        <>
          <PersonSearch
            id="person-search"
            label="Who (leave empty if they gave no details)"
            onPick={pick}
            kept={{ userId, onPick: pick }}
          />
          <button
            type="button"
            className="button button-secondary button-block"
            onClick={() => onChange({ kind: "new", draft: emptyNewPerson, noneOfTheDuplicates: false })}
          >
            + New person
          </button>
        </>
      )}
      {errors.personId?.map((message) => (
        <p key={message} className="field-error">
          {fieldMessage(message)}
        </p>
      ))}
    </div>
  );
}
