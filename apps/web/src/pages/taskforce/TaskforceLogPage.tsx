import type { RouterOutputs } from "@pathways/api";
import {
  arrestOffences,
  codeLabel,
  drugClasses,
  drugQuantityUnits,
  environmentalActions,
  fieldErrors,
  patrolStyles,
  type TaskforceActivityDraft,
  TaskforceActivityInput,
  type TaskforceActivityKind,
  taskforceActivityKinds,
} from "@pathways/validators";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useCallback, useRef, useState } from "react";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { useOutbox, useOutboxItems } from "../../lib/outbox.ts";
import { formatWhen, newClientKey, rememberHotspot } from "../../lib/outreach.ts";
import type { SignedInUser } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import {
  ChoiceGroup,
  initialPlace,
  OutreachNav,
  PlaceField,
  type PlaceValue,
  placeInput,
  placeTargets,
  type SaveMessage,
  SaveOutcome,
  Section,
  Stepper,
  useHotspots,
  useSettledHotspot,
  WhenField,
} from "../outreach/common.tsx";
import { PendingList } from "../outreach/RecentContactsPage.tsx";
import { OperationChoice, OperationsSection, type OperationValue } from "./Operations.tsx";

type Activity = RouterOutputs["taskforce"]["list"]["items"][number];

const options = <T extends string>(values: readonly T[]) =>
  values.map((value) => ({ value, label: codeLabel(value) }));

/** Every kind's answers; only the chosen kind's are shown and sent. */
interface Answers {
  patrolStyle: (typeof patrolStyles)[number] | null;
  endedAt: Date | null;
  officers: number;
  offence: (typeof arrestOffences)[number] | null;
  arrestCount: number;
  area: string;
  found: string;
  drugSubstance: string;
  drugClass: (typeof drugClasses)[number] | null;
  drugQuantity: string;
  drugUnit: (typeof drugQuantityUnits)[number] | null;
  cashPounds: string;
  knives: number;
  firearms: number;
  otherWeapons: number;
  action: (typeof environmentalActions)[number] | null;
  note: string;
}

const blank: Answers = {
  patrolStyle: null,
  endedAt: null,
  officers: 2,
  offence: null,
  arrestCount: 1,
  area: "",
  found: "",
  drugSubstance: "",
  drugClass: null,
  drugQuantity: "",
  drugUnit: null,
  cashPounds: "",
  knives: 0,
  firearms: 0,
  otherWeapons: 0,
  action: null,
  note: "",
};

const optional = (value: string) => value.trim() || undefined;
const optionalNumber = (value: string) => (value.trim() === "" ? undefined : Number(value));
const optionalCount = (value: number) => (value > 0 ? value : undefined);

/** The chosen kind's fields from the answers, nothing of any other kind. */
function kindFields(kind: TaskforceActivityKind, a: Answers): Record<string, unknown> {
  switch (kind) {
    case "patrol":
      return {
        patrolStyle: a.patrolStyle ?? undefined,
        endedAt: a.endedAt ?? new Date(),
        officers: a.officers,
      };
    case "arrest":
      return { offence: a.offence ?? undefined, arrestCount: a.arrestCount };
    case "search":
    case "warrant":
      return { area: a.area.trim(), found: optional(a.found) };
    case "seizure": {
      const weapons = {
        knife: optionalCount(a.knives),
        firearm: optionalCount(a.firearms),
        other: optionalCount(a.otherWeapons),
      };
      return {
        drugSubstance: optional(a.drugSubstance),
        drugClass: a.drugClass ?? undefined,
        drugQuantity: optionalNumber(a.drugQuantity),
        drugUnit: a.drugUnit ?? undefined,
        cashPounds: optionalNumber(a.cashPounds),
        weapons: Object.values(weapons).some(Boolean) ? weapons : undefined,
      };
    }
    case "environmental_action":
      return { action: a.action ?? undefined, note: optional(a.note) };
    case "needle_sweep":
      return {};
  }
}

/** One line saying what an activity was, for lists. */
function activitySummary(activity: Activity): string {
  switch (activity.kind) {
    case "patrol":
      return `${codeLabel(activity.patrolStyle ?? "")} patrol, ${activity.officers} officers`;
    case "arrest":
      return `${activity.arrestCount} arrested: ${codeLabel(activity.offence ?? "")}`;
    case "search":
    case "warrant":
      return `${codeLabel(activity.kind)} at ${activity.area}${activity.found ? `: ${activity.found}` : ""}`;
    case "seizure": {
      const parts = [
        activity.drugSubstance &&
          `${activity.drugQuantity} ${activity.drugUnit} of ${activity.drugSubstance} (class ${activity.drugClass})`,
        activity.cashPounds && `£${activity.cashPounds.toLocaleString("en-GB")}`,
        activity.knives && `${activity.knives} knives`,
        activity.firearms && `${activity.firearms} firearms`,
        activity.otherWeapons && `${activity.otherWeapons} other weapons`,
      ].filter(Boolean);
      return `Seized: ${parts.join(", ")}`;
    }
    case "environmental_action":
      return codeLabel(activity.action ?? "");
    case "needle_sweep":
      return "Needle sweep";
  }
}

/** The taskforce's own log on the phone: pick what was done, then only that kind's questions. */
export function TaskforceLogPage({ user }: { user: SignedInUser }) {
  const trpc = useTRPC();
  const outbox = useOutbox();
  const hotspots = useHotspots();
  const pending = useOutboxItems(user.userId).filter((item) => item.kind === "taskforceActivity");
  const [kind, setKind] = useState<TaskforceActivityKind | null>(null);
  const [clientKey, setClientKey] = useState(newClientKey);
  const [occurredAt, setOccurredAt] = useState<Date | null>(null);
  const [place, setPlace] = useState<PlaceValue>(() => initialPlace(user.userId));
  const [answers, setAnswers] = useState<Answers>(blank);
  // Kept after saving: on a day of action an officer logs one thing after another under it.
  const [operation, setOperation] = useState<OperationValue>({});
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<SaveMessage | null>(null);
  const [saving, setSaving] = useState(false);
  const messageRef = useRef<HTMLDivElement>(null);
  const activity = useInfiniteQuery(
    trpc.taskforce.list.infiniteQueryOptions(
      { limit: 20 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const choosePlace = useCallback(
    (hotspotId: string) => setPlace((current) => ({ ...current, hotspotId })),
    [],
  );
  useSettledHotspot(place.hotspotId, choosePlace);
  const set = <K extends keyof Answers>(key: K, value: Answers[K]) =>
    setAnswers((current) => ({ ...current, [key]: value }));

  const chooseKind = (next: TaskforceActivityKind) => {
    setKind(next);
    setErrors({});
    // A patrol is logged once it is over: its start defaults to an hour ago, its end to now.
    if (next === "patrol" && occurredAt === null) setOccurredAt(new Date(Date.now() - 3_600_000));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!kind) {
      setErrors({ kind: ["choose what was done"] });
      return;
    }
    const candidate = {
      clientKey,
      kind,
      occurredAt: occurredAt ?? new Date(),
      ...placeInput(place),
      ...kindFields(kind, answers),
      ...operation,
    };
    const parsed = TaskforceActivityInput.safeParse(candidate);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      setMessage({ tone: "error", text: "Not saved yet: some answers need checking (marked below)." });
      requestAnimationFrame(() => messageRef.current?.focus());
      return;
    }
    const input = candidate as TaskforceActivityDraft;
    const where =
      hotspots.data?.find((hotspot) => hotspot.id === place.hotspotId)?.name ?? place.location.trim();
    setSaving(true);
    const result = await outbox
      .submit({
        kind: "taskforceActivity",
        input,
        clientKey,
        userId: user.userId,
        summary: `${codeLabel(kind)} at ${where}`,
      })
      .catch(() => null);
    setSaving(false);
    if (!result) {
      setMessage({
        tone: "error",
        text: "This phone could not store the record. Check the browser allows this site to save data.",
      });
    } else if (result.status === "refused") {
      setErrors(result.fields);
      setMessage({ tone: "error", text: `Not saved: ${result.message}` });
    } else {
      rememberHotspot(user.userId, place.hotspotId);
      setErrors({});
      setMessage(
        result.status === "sent"
          ? { tone: "success", text: `Saved: ${codeLabel(kind)} at ${where}.` }
          : { tone: "waiting", text: `Saved on this phone, waiting to send. ${result.message}` },
      );
      setClientKey(newClientKey());
      setKind(null);
      setOccurredAt(null);
      setAnswers(blank);
    }
    requestAnimationFrame(() => messageRef.current?.focus());
  };

  const items = activity.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="outreach">
      <OutreachNav userId={user.userId} />
      <PageHeader title="Taskforce log" />
      <div ref={messageRef} tabIndex={-1} className="outcome-anchor">
        <SaveOutcome
          message={message}
          errors={errors}
          targets={{ ...placeTargets("activity"), occurredAt: "activity-when" }}
        />
      </div>
      <form onSubmit={save} noValidate aria-label="Log taskforce activity">
        <Section title="What was done">
          <ChoiceGroup
            legend="Kind of activity"
            options={options(taskforceActivityKinds)}
            value={kind}
            onChange={chooseKind}
            errors={errors.kind}
          />
        </Section>
        {kind && (
          <>
            <Section title="Where and when">
              <PlaceField idPrefix="activity" value={place} onChange={setPlace} errors={errors} />
              <WhenField
                id="activity-when"
                label={kind === "patrol" ? "Patrol started" : "Time"}
                value={occurredAt}
                onChange={setOccurredAt}
                errors={errors.occurredAt}
              />
              <OperationChoice value={operation} onChange={setOperation} errors={errors} />
            </Section>
            <Section title={codeLabel(kind)}>
              <KindQuestions kind={kind} answers={answers} set={set} errors={errors} />
            </Section>
            <div className="sticky-actions">
              <button
                type="submit"
                className="button button-primary button-block button-large"
                disabled={saving}
              >
                {saving ? "Saving…" : `Save ${codeLabel(kind).toLowerCase()}`}
              </button>
            </div>
          </>
        )}
      </form>
      {pending.length > 0 && <PendingList items={pending} />}
      <h2>Recent activity</h2>
      {activity.isPending ? (
        <Loading label="Loading recent activity…" />
      ) : activity.isError ? (
        <ErrorNotice {...describeError(activity.error)} onRetry={() => activity.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No taskforce activity logged yet" />
      ) : (
        <>
          <ol className="card-list" aria-label="Recent taskforce activity, newest first">
            {items.map((item) => (
              <li key={item.id}>
                <article className="contact-card">
                  <header className="contact-card-header">
                    <h3>{activitySummary(item)}</h3>
                    <p className="muted">
                      {formatWhen(item.occurredAt)} · {item.hotspotName ?? item.location}
                      {item.loggedByName ? ` · ${item.loggedByName}` : ""}
                    </p>
                  </header>
                </article>
              </li>
            ))}
          </ol>
          {activity.hasNextPage && (
            <button
              type="button"
              className="button button-secondary button-block"
              onClick={() => activity.fetchNextPage()}
              disabled={activity.isFetchingNextPage}
            >
              {activity.isFetchingNextPage ? "Loading…" : "Show older activity"}
            </button>
          )}
        </>
      )}
      <OperationsSection />
    </section>
  );
}

function TextField({
  id,
  label,
  value,
  onChange,
  errors,
  hint,
  numeric,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  errors?: string[];
  hint?: string;
  numeric?: boolean;
}) {
  return (
    <Field id={id} label={label} errors={errors} hint={hint}>
      <input
        {...fieldAria(id, errors, hint)}
        type={numeric ? "number" : "text"}
        inputMode={numeric ? "decimal" : undefined}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}

/** The questions of one kind of activity, and nothing else. */
function KindQuestions({
  kind,
  answers: a,
  set,
  errors,
}: {
  kind: TaskforceActivityKind;
  answers: Answers;
  set<K extends keyof Answers>(key: K, value: Answers[K]): void;
  errors: Record<string, string[]>;
}) {
  switch (kind) {
    case "patrol":
      return (
        <>
          <ChoiceGroup
            legend="Patrol style"
            options={options(patrolStyles)}
            value={a.patrolStyle}
            onChange={(value) => set("patrolStyle", value)}
            errors={errors.patrolStyle}
          />
          <WhenField
            id="activity-ended"
            label="Patrol ended"
            value={a.endedAt}
            onChange={(value) => set("endedAt", value)}
            errors={errors.endedAt}
          />
          <Stepper
            id="activity-officers"
            label="Officers"
            value={a.officers}
            max={100}
            onChange={(value) => set("officers", value)}
            errors={errors.officers}
          />
        </>
      );
    case "arrest":
      return (
        <>
          <ChoiceGroup
            legend="Offence"
            options={options(arrestOffences)}
            value={a.offence}
            onChange={(value) => set("offence", value)}
            errors={errors.offence}
          />
          <Stepper
            id="activity-arrests"
            label="Number arrested"
            value={a.arrestCount}
            max={100}
            onChange={(value) => set("arrestCount", value)}
            errors={errors.arrestCount}
          />
        </>
      );
    case "search":
    case "warrant":
      return (
        <>
          <TextField
            id="activity-area"
            label="Area or street"
            hint="Never a full address: no house number, no full postcode."
            value={a.area}
            onChange={(value) => set("area", value)}
            errors={errors.area}
          />
          <TextField
            id="activity-found"
            label="What was found (optional)"
            value={a.found}
            onChange={(value) => set("found", value)}
            errors={errors.found}
          />
        </>
      );
    case "seizure":
      return (
        <>
          <TextField
            id="activity-substance"
            label="Drug (if any)"
            value={a.drugSubstance}
            onChange={(value) => set("drugSubstance", value)}
            errors={errors.drugSubstance}
          />
          {a.drugSubstance.trim() && (
            <>
              <ChoiceGroup
                legend="Class"
                options={drugClasses.map((value) => ({ value, label: `Class ${value}` }))}
                value={a.drugClass}
                onChange={(value) => set("drugClass", value)}
                errors={errors.drugClass}
                columns={3}
              />
              <TextField
                id="activity-quantity"
                label="Quantity"
                numeric
                value={a.drugQuantity}
                onChange={(value) => set("drugQuantity", value)}
                errors={errors.drugQuantity}
              />
              <ChoiceGroup
                legend="Unit"
                options={options(drugQuantityUnits)}
                value={a.drugUnit}
                onChange={(value) => set("drugUnit", value)}
                errors={errors.drugUnit}
                columns={3}
              />
            </>
          )}
          <TextField
            id="activity-cash"
            label="Cash in pounds (if any)"
            numeric
            value={a.cashPounds}
            onChange={(value) => set("cashPounds", value)}
            errors={errors.cashPounds}
          />
          <Stepper
            id="activity-knives"
            label="Knives"
            min={0}
            value={a.knives}
            onChange={(value) => set("knives", value)}
            errors={errors["weapons.knife"]}
          />
          <Stepper
            id="activity-firearms"
            label="Firearms"
            min={0}
            value={a.firearms}
            onChange={(value) => set("firearms", value)}
            errors={errors["weapons.firearm"]}
          />
          <Stepper
            id="activity-other-weapons"
            label="Other weapons"
            min={0}
            value={a.otherWeapons}
            onChange={(value) => set("otherWeapons", value)}
            errors={errors["weapons.other"]}
          />
        </>
      );
    case "environmental_action":
      return (
        <>
          <ChoiceGroup
            legend="What was done"
            options={options(environmentalActions)}
            value={a.action}
            onChange={(value) => set("action", value)}
            errors={errors.action}
          />
          <TextField
            id="activity-note"
            label="Note"
            value={a.note}
            onChange={(value) => set("note", value)}
            errors={errors.note}
          />
        </>
      );
    case "needle_sweep":
      return <p className="hint">A planned collection; log the needles found as needle finds.</p>;
  }
}
