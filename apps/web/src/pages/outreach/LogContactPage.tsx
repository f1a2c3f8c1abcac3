import type { RouterOutputs } from "@pathways/api";
import { type ContactDraft, ContactInput, fieldErrors, isCountedIntervention } from "@pathways/validators";
import {
  type ContactType,
  contactTypes,
  type InterventionKind,
  interventionKinds,
  type SafeguardingConcern,
  type Substance,
  safeguardingConcerns,
  substances,
} from "@pathways/validators/codes";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "wouter";
import { ErrorSummary } from "../../components/ErrorSummary.tsx";
import { ErrorNotice, Field, fieldAria, PageHeader } from "../../components/ui.tsx";
import type { OutboxItem, SendResult } from "../../lib/offline-queue.ts";
import { useOutbox, useOutboxItems } from "../../lib/outbox.ts";
import {
  concernLabels,
  contactTypeLabels,
  interventionLabels,
  newClientKey,
  referralHref,
  rememberHotspot,
  substanceLabels,
} from "../../lib/outreach.ts";
import type { SignedInUser } from "../../lib/session.ts";
import {
  ChoiceGroup,
  initialPlace,
  OutreachNav,
  PlaceField,
  type PlaceValue,
  placeInput,
  placeTargets,
  Section,
  Stepper,
  ToggleGroup,
  useHotspots,
  useSettledHotspot,
  WhenField,
} from "./common.tsx";
import {
  emptyNewPerson,
  newPersonInput,
  type PersonChoice,
  PersonPicker,
  useUnansweredDuplicates,
} from "./PersonPicker.tsx";

type LoggedContact = RouterOutputs["contacts"]["log"];

interface ContactForm {
  clientKey: string;
  occurredAt: Date | null;
  place: PlaceValue;
  person: PersonChoice;
  contactType: ContactType;
  interventions: ReadonlySet<InterventionKind>;
  quantities: Partial<Record<InterventionKind, number>>;
  substances: ReadonlySet<Substance>;
  concerns: ReadonlySet<SafeguardingConcern>;
  notes: string;
}

function blankForm(place: PlaceValue, contactType: ContactType = "street_outreach"): ContactForm {
  return {
    clientKey: newClientKey(),
    occurredAt: null,
    place,
    person: { kind: "anonymous" },
    contactType,
    interventions: new Set(),
    quantities: {},
    substances: new Set(),
    concerns: new Set(),
    notes: "",
  };
}

/** A queued contact put back into the form, to be corrected after the server refused it. */
function formFromItem(item: Extract<OutboxItem, { kind: "contact" }>): ContactForm {
  const input = item.input;
  const newPerson = input.newPerson;
  return {
    clientKey: item.clientKey,
    occurredAt: input.occurredAt,
    place: {
      hotspotId: input.hotspotId ?? "",
      location: input.location ?? "",
      lat: input.lat ?? null,
      lng: input.lng ?? null,
    },
    person: input.personId
      ? { kind: "existing", id: input.personId, label: item.personLabel ?? "The person chosen before" }
      : newPerson
        ? {
            kind: "new",
            noneOfTheDuplicates: true,
            draft: {
              ...emptyNewPerson,
              ...newPerson,
              alias: newPerson.alias ?? "",
              partialPostcode: newPerson.partialPostcode ?? "",
            },
          }
        : { kind: "anonymous" },
    contactType: input.contactType,
    interventions: new Set((input.interventions ?? []).map((i) => i.intervention)),
    quantities: Object.fromEntries((input.interventions ?? []).map((i) => [i.intervention, i.quantity])),
    substances: new Set(input.substances ?? []),
    concerns: new Set(input.safeguardingConcerns ?? []),
    notes: input.notes ?? "",
  };
}

/** The contact as the API takes it; the shared schema checks it before it is queued. */
function candidateOf(form: ContactForm) {
  const chosen = interventionKinds.filter((kind) => form.interventions.has(kind));
  return {
    chosen,
    candidate: {
      clientKey: form.clientKey,
      occurredAt: form.occurredAt ?? new Date(),
      ...placeInput(form.place),
      contactType: form.contactType,
      substances: substances.filter((s) => form.substances.has(s)),
      interventions: chosen.map((intervention) =>
        isCountedIntervention(intervention)
          ? { intervention, quantity: form.quantities[intervention] ?? 1 }
          : { intervention },
      ),
      safeguardingConcerns: safeguardingConcerns.filter((c) => form.concerns.has(c)),
      notes: form.notes.trim() || undefined,
      ...(form.person.kind === "existing" ? { personId: form.person.id } : {}),
      ...(form.person.kind === "new" ? { newPerson: newPersonInput(form.person.draft) } : {}),
    },
  };
}

/** Field paths such as `interventions.1.quantity` point at the list the API got; map them to the kind. */
function errorsByField(fields: Record<string, string[]>, chosen: InterventionKind[]) {
  const byField: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(fields)) {
    const match = /^interventions\.(\d+)\.quantity$/.exec(path);
    const key = match ? `quantity.${chosen[Number(match[1])]}` : path;
    byField[key] = [...(byField[key] ?? []), ...messages];
  }
  return byField;
}

type Outcome =
  | { status: "sent"; contact: LoggedContact }
  | { status: "waiting"; message: string; personLabel: string | null }
  | null;

export function LogContactPage({ user }: { user: SignedInUser }) {
  const outbox = useOutbox();
  const hotspots = useHotspots();
  const [params, setParams] = useSearchParams();
  const pending = useOutboxItems(user.userId);
  const [form, setForm] = useState<ContactForm>(() => blankForm(initialPlace(user.userId)));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [saving, setSaving] = useState(false);
  const unansweredDuplicates = useUnansweredDuplicates(form.person);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const choosePlace = useCallback(
    (hotspotId: string) => setForm((current) => ({ ...current, place: { ...current.place, hotspotId } })),
    [],
  );
  useSettledHotspot(form.place.hotspotId, choosePlace);

  // "Edit" on a refused contact (My contacts) opens it here to be corrected and sent again.
  const editKey = params.get("edit");
  const editing = editKey
    ? pending.find((item) => item.clientKey === editKey && item.kind === "contact")
    : undefined;
  useEffect(() => {
    if (editing?.kind !== "contact") return;
    const restored = formFromItem(editing);
    setForm(restored);
    setErrors(editing.lastError ? errorsByField(editing.lastError.fields, candidateOf(restored).chosen) : {});
    setRefusal(editing.lastError?.message ?? null);
    setOutcome(null);
    setParams({}, { replace: true });
  }, [editing, setParams]);

  // A person page's "Log a contact" arrives with the person chosen.
  const personId = params.get("personId");
  const personName = params.get("person");
  useEffect(() => {
    if (!personId) return;
    setForm((current) => ({
      ...current,
      person: { kind: "existing", id: personId, label: personName ?? "" },
    }));
    setParams({}, { replace: true });
  }, [personId, personName, setParams]);

  const update = (changes: Partial<ContactForm>) => setForm((current) => ({ ...current, ...changes }));
  const toggle = <T,>(set: ReadonlySet<T>, value: T) => {
    const next = new Set(set);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    return next;
  };

  // The error summary takes focus itself; the notice that stands in when there is none is focused here.
  const focusErrors = () => {
    if (!errorRef.current?.contains(document.activeElement)) errorRef.current?.focus();
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    setRefusal(null);
    const { chosen, candidate } = candidateOf(form);
    const parsed = ContactInput.safeParse(candidate);
    const found = parsed.success ? {} : errorsByField(fieldErrors(parsed.error), chosen);
    if (unansweredDuplicates) {
      found.duplicates = ["Choose one of the people above if it is them, or tick “None of these”."];
    }
    setErrors(found);
    if (Object.keys(found).length) {
      requestAnimationFrame(focusErrors);
      return;
    }
    const input = candidate as ContactDraft;
    const hotspotName = hotspots.data?.find((h) => h.id === form.place.hotspotId)?.name;
    const where = hotspotName ?? form.place.location.trim();
    const who =
      form.person.kind === "existing"
        ? form.person.label
        : form.person.kind === "new"
          ? `new person ${newPersonInput(form.person.draft).firstInitial}${newPersonInput(form.person.draft).surnameInitial}`
          : null;
    setSaving(true);
    let result: SendResult;
    try {
      result = await outbox.submit({
        kind: "contact",
        input,
        clientKey: input.clientKey,
        userId: user.userId,
        summary: `${contactTypeLabels[input.contactType]} at ${where}`,
        personLabel: who ?? undefined,
        // With a signal the form has shown the likely duplicates; without, they are checked at sending.
        duplicatesChecked: form.person.kind === "new" ? navigator.onLine : undefined,
      });
    } catch {
      setSaving(false);
      setRefusal(
        "This phone could not store the contact. Check that the browser allows this site to save data.",
      );
      return;
    }
    setSaving(false);
    if (result.status === "refused") {
      setErrors(errorsByField(result.fields, chosen));
      setRefusal(result.message);
      requestAnimationFrame(focusErrors);
      return;
    }
    rememberHotspot(user.userId, form.place.hotspotId);
    setOutcome(
      result.status === "sent"
        ? { status: "sent", contact: result.result as LoggedContact }
        : { status: "waiting", message: result.message, personLabel: who },
    );
    setErrors({});
    setForm(blankForm(form.place, form.contactType));
    requestAnimationFrame(() => outcomeRef.current?.focus());
  };

  const hasErrors = Object.keys(errors).length > 0 || refusal;
  return (
    <section className="outreach">
      <OutreachNav userId={user.userId} />
      <PageHeader title="Log contact" />
      <div ref={outcomeRef} tabIndex={-1} className="outcome-anchor">
        {outcome?.status === "sent" && <SavedNotice contact={outcome.contact} />}
        {outcome?.status === "waiting" && (
          <div className="notice notice-waiting" role="status">
            <p>
              <strong>Saved on this phone, waiting to send.</strong> {outcome.message}
            </p>
            <p>
              <Link href="/outreach/recent">See what is waiting</Link>
            </p>
          </div>
        )}
      </div>
      <form className="contact-form" onSubmit={save} noValidate aria-label="Log a contact">
        <div ref={errorRef} tabIndex={-1} className="outcome-anchor">
          {Object.keys(errors).length > 0 ? (
            <ErrorSummary
              fields={errors}
              targets={{
                ...placeTargets("contact"),
                occurredAt: "contact-when",
                notes: "contact-notes",
                ...Object.fromEntries(
                  interventionKinds
                    .filter(isCountedIntervention)
                    .map((kind) => [`quantity.${kind}`, `quantity-${kind}`]),
                ),
              }}
              message={refusal ?? undefined}
            />
          ) : (
            hasErrors && (
              <ErrorNotice
                message={
                  refusal
                    ? `Not saved: ${refusal}`
                    : "Not saved yet: some answers need checking (marked below)."
                }
              />
            )
          )}
        </div>
        <Section title="Where and when">
          <PlaceField
            idPrefix="contact"
            value={form.place}
            onChange={(place) => update({ place })}
            errors={errors}
          />
          <WhenField
            id="contact-when"
            label="Time of contact"
            value={form.occurredAt}
            onChange={(occurredAt) => update({ occurredAt })}
            errors={errors.occurredAt}
          />
        </Section>
        <Section title="Who">
          <PersonPicker
            choice={form.person}
            onChange={(person) => update({ person })}
            errors={errors}
            userId={user.userId}
          />
        </Section>
        <Section title="What happened">
          <ChoiceGroup
            legend="Type of contact"
            options={contactTypes.map((type) => ({ value: type, label: contactTypeLabels[type] }))}
            value={form.contactType}
            onChange={(contactType) => update({ contactType })}
            errors={errors.contactType}
          />
          <ToggleGroup
            legend="Help given"
            options={interventionKinds.map((kind) => ({ value: kind, label: interventionLabels[kind] }))}
            selected={form.interventions}
            onToggle={(kind) => update({ interventions: toggle(form.interventions, kind) })}
            errors={errors.interventions}
          />
          {interventionKinds
            .filter((kind) => isCountedIntervention(kind) && form.interventions.has(kind))
            .map((kind) => (
              <Stepper
                key={kind}
                id={`quantity-${kind}`}
                label={`How many: ${interventionLabels[kind].toLowerCase()}`}
                value={form.quantities[kind] ?? 1}
                onChange={(quantity) => update({ quantities: { ...form.quantities, [kind]: quantity } })}
                errors={errors[`quantity.${kind}`]}
              />
            ))}
          <ToggleGroup
            legend="Substances mentioned"
            options={substances.map((s) => ({ value: s, label: substanceLabels[s] }))}
            selected={form.substances}
            onToggle={(s) => update({ substances: toggle(form.substances, s) })}
            errors={errors.substances}
          />
          <details className="concerns" open={form.concerns.size > 0 || Boolean(errors.safeguardingConcerns)}>
            <summary>Safeguarding concern{form.concerns.size ? ` (${form.concerns.size})` : ""}</summary>
            <ToggleGroup
              legend="Safeguarding concerns"
              hint={
                form.person.kind === "anonymous"
                  ? "Recorded on the contact. Choose the person above to raise a flag on their record too."
                  : "Each concern raises an open safeguarding flag on the person until it is resolved."
              }
              tone="warning"
              options={safeguardingConcerns.map((c) => ({ value: c, label: concernLabels[c] }))}
              selected={form.concerns}
              onToggle={(c) => update({ concerns: toggle(form.concerns, c) })}
              errors={errors.safeguardingConcerns}
            />
          </details>
          <Field
            id="contact-notes"
            label="Notes (optional)"
            errors={errors.notes}
            hint={`${form.notes.length} of 2,000 characters`}
          >
            <textarea
              {...fieldAria("contact-notes", errors.notes, "hint")}
              rows={3}
              maxLength={2000}
              value={form.notes}
              onChange={(event) => update({ notes: event.target.value })}
            />
          </Field>
        </Section>
        <div className="sticky-actions">
          <button type="submit" className="button button-primary button-block button-large" disabled={saving}>
            {saving ? "Saving…" : "Save contact"}
          </button>
        </div>
      </form>
    </section>
  );
}

function SavedNotice({ contact }: { contact: LoggedContact }) {
  return (
    <div className="notice notice-success" role="status">
      <p>
        <strong>Contact saved</strong>
        {contact.personAttributor ? ` with ${contact.personAttributor}` : " (anonymous)"}
        {contact.hotspotName ? ` at ${contact.hotspotName}` : ""}.
        {contact.replayed ? " It had already reached Pathways; nothing was duplicated." : ""}
      </p>
      {contact.personId && (
        <p className="action-links">
          <Link className="button button-secondary" href={referralHref(contact.personId, contact.id)}>
            Refer to treatment
          </Link>
          <Link className="button button-quiet" href={`/people/${contact.personId}`}>
            Open person page
          </Link>
        </p>
      )}
    </div>
  );
}
