import type { RouterOutputs } from "@pathways/api";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect, useId, useState } from "react";
import { Link, useLocation } from "wouter";
import { ErrorSummary, fieldMessage } from "../../components/ErrorSummary.tsx";
import { Field, fieldAria } from "../../components/ui.tsx";
import { nearestHotspot, type Point, roughDistance } from "../../lib/nearest-hotspot.ts";
import { useOutboxItems } from "../../lib/outbox.ts";
import { rememberedHotspot, toLocalInput } from "../../lib/outreach.ts";
import { useTRPC } from "../../lib/trpc.ts";

export type Hotspot = RouterOutputs["hotspots"]["list"][number];

const hotspotsCacheKey = "pathways.hotspots";

function cachedHotspots(): Hotspot[] | undefined {
  try {
    const text = localStorage.getItem(hotspotsCacheKey);
    return text ? (JSON.parse(text) as Hotspot[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Active hotspots. The last list is kept on the phone, so the picker still works when the app is
 * opened without a signal.
 */
export function useHotspots() {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.hotspots.list.queryOptions({}),
    placeholderData: cachedHotspots,
    staleTime: 5 * 60_000,
  });
  const fresh = query.isSuccess && !query.isPlaceholderData ? query.data : null;
  useEffect(() => {
    if (!fresh) return;
    try {
      localStorage.setItem(hotspotsCacheKey, JSON.stringify(fresh));
    } catch {
      // Storage full or refused: the list is still shown from memory.
    }
  }, [fresh]);
  // With no signal the list last kept on the phone stands in, also once the request has failed.
  return query.isError && !query.data ? { ...query, data: cachedHotspots() } : query;
}

/** The outreach area's own tabs; big enough to hit with a thumb. */
export function OutreachNav({ userId }: { userId: string }) {
  const [location] = useLocation();
  const pending = useOutboxItems(userId);
  const refused = pending.filter((item) => item.status === "refused").length;
  const tabs = [
    { href: "/outreach", label: "Log contact" },
    { href: "/outreach/needles", label: "Needle find" },
    { href: "/taskforce", label: "Taskforce log" },
    {
      href: "/outreach/recent",
      label: "My contacts",
      badge: pending.length ? `${pending.length}${refused ? "!" : ""}` : null,
    },
    { href: "/people", label: "People" },
  ];
  return (
    <nav className="subnav" aria-label="Outreach">
      {tabs.map((tab) => (
        <Link key={tab.href} href={tab.href} aria-current={location === tab.href ? "page" : undefined}>
          {tab.label}
          {tab.badge && (
            <span className={refused ? "status-badge status-refused" : "status-badge status-waiting"}>
              <span className="visually-hidden">, waiting to send: </span>
              {tab.badge}
            </span>
          )}
        </Link>
      ))}
    </nav>
  );
}

/** One question answered by tapping a button (a radio group drawn as large buttons). */
export function ChoiceGroup<T extends string>({
  legend,
  options,
  value,
  onChange,
  errors,
  columns = 2,
}: {
  legend: string;
  options: readonly { value: T; label: string }[];
  value: T | null;
  onChange(value: T): void;
  errors?: string[];
  columns?: 2 | 3 | 4;
}) {
  const name = useId();
  return (
    <fieldset className={errors?.length ? "choices field-invalid" : "choices"}>
      <legend>{legend}</legend>
      <div className={`tap-grid tap-grid-${columns}`}>
        {options.map((option) => (
          <label key={option.value} className="tap-choice">
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {errors?.map((message) => (
        <p key={message} className="field-error">
          {fieldMessage(message)}
        </p>
      ))}
    </fieldset>
  );
}

/** Several things that may all apply, each a large toggle. */
export function ToggleGroup<T extends string>({
  legend,
  hint,
  options,
  selected,
  onToggle,
  errors,
  tone,
}: {
  legend: string;
  hint?: string;
  options: readonly { value: T; label: string }[];
  selected: ReadonlySet<T>;
  onToggle(value: T): void;
  errors?: string[];
  tone?: "warning";
}) {
  return (
    <fieldset className={errors?.length ? "choices field-invalid" : "choices"}>
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      <div className="tap-grid tap-grid-2">
        {options.map((option) => (
          <label
            key={option.value}
            className={tone === "warning" ? "tap-choice tap-choice-warning" : "tap-choice"}
          >
            <input
              type="checkbox"
              checked={selected.has(option.value)}
              onChange={() => onToggle(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {errors?.map((message) => (
        <p key={message} className="field-error">
          {fieldMessage(message)}
        </p>
      ))}
    </fieldset>
  );
}

/** A count changed with big minus and plus buttons; typing works too. */
export function Stepper({
  id,
  label,
  value,
  onChange,
  min = 1,
  max = 1000,
  errors,
}: {
  id: string;
  label: string;
  value: number;
  onChange(value: number): void;
  min?: number;
  max?: number;
  errors?: string[];
}) {
  const clamp = (n: number) => Math.min(max, Math.max(min, n));
  return (
    <div className={errors?.length ? "stepper field-invalid" : "stepper"}>
      <label htmlFor={id}>{label}</label>
      <div className="stepper-row">
        <button
          type="button"
          className="button button-secondary stepper-button"
          aria-label={`One fewer: ${label}`}
          onClick={() => onChange(clamp(value - 1))}
          disabled={value <= min}
        >
          −
        </button>
        <input
          {...fieldAria(id, errors)}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          value={Number.isNaN(value) ? "" : value}
          onChange={(event) => onChange(event.target.valueAsNumber)}
        />
        <button
          type="button"
          className="button button-secondary stepper-button"
          aria-label={`One more: ${label}`}
          onClick={() => onChange(clamp((Number.isNaN(value) ? 0 : value) + 1))}
          disabled={value >= max}
        >
          +
        </button>
      </div>
      {errors?.map((message) => (
        <p key={message} className="field-error" id={`${id}-error`}>
          {fieldMessage(message)}
        </p>
      ))}
    </div>
  );
}

export interface PlaceValue {
  /** A hotspot id, "" for a place described in words, or `unchosenHotspot` until the worker chooses. */
  hotspotId: string;
  location: string;
  lat: number | null;
  lng: number | null;
}

export const unchosenHotspot = "unchosen";

/**
 * Where a new record starts: the hotspot this worker last chose on this phone, otherwise nothing
 * chosen, so the form asks (a silent default logged work at the wrong place).
 */
export function initialPlace(userId: string): PlaceValue {
  return { hotspotId: rememberedHotspot(userId) || unchosenHotspot, location: "", lat: null, lng: null };
}

/**
 * Settles the hotspot once the list is known: a remembered one that has been retired goes back to
 * asking; with no list at all (offline, never loaded) the place is described in words.
 */
export function useSettledHotspot(hotspotId: string, choose: (hotspotId: string) => void) {
  const hotspots = useHotspots();
  const known = hotspots.data;
  const failed = hotspots.isError && !known;
  useEffect(() => {
    if (hotspotId === "" || hotspotId === unchosenHotspot) {
      if (hotspotId === unchosenHotspot && failed) choose("");
      return;
    }
    if (known && !known.some((hotspot) => hotspot.id === hotspotId)) choose(unchosenHotspot);
    else if (failed) choose("");
  }, [hotspotId, known, failed, choose]);
}

/** The place as the API takes it; nothing while unchosen, so the shared schema asks for one. */
export function placeInput(place: PlaceValue) {
  if (place.hotspotId === unchosenHotspot) return {};
  if (place.hotspotId) return { hotspotId: place.hotspotId };
  return {
    location: place.location.trim() || undefined,
    lat: place.lat ?? undefined,
    lng: place.lng ?? undefined,
  };
}

export type SaveMessage = { tone: "success" | "waiting" | "error"; text: string };

/**
 * What an offline-first form says after Save: the error summary when answers need checking (linked
 * to each field through `targets`), otherwise saved, waiting to send, or not saved.
 */
export function SaveOutcome({
  message,
  errors,
  targets,
}: {
  message: SaveMessage | null;
  errors: Record<string, string[]>;
  targets: Record<string, string>;
}) {
  if (message?.tone === "error" && Object.keys(errors).length > 0) {
    return <ErrorSummary fields={errors} targets={targets} message={message.text} />;
  }
  if (!message) return null;
  const tone = { success: "notice-success", error: "notice-error", waiting: "notice-waiting" }[message.tone];
  return (
    <div className={`notice ${tone}`} role={message.tone === "error" ? "alert" : "status"}>
      <p>{message.text}</p>
    </div>
  );
}

/** Where the error summary sends a worker for each of `PlaceField`'s answers. */
export function placeTargets(idPrefix: string): Record<string, string> {
  return { hotspotId: `${idPrefix}-hotspot`, location: `${idPrefix}-location` };
}

/** Where it happened: a hotspot, or somewhere else described in words with optional coordinates. */
export function PlaceField({
  idPrefix,
  value,
  onChange,
  errors,
}: {
  idPrefix: string;
  value: PlaceValue;
  onChange(value: PlaceValue): void;
  errors: Record<string, string[]>;
}) {
  const hotspots = useHotspots();
  const [locating, setLocating] = useState<"idle" | "busy" | "failed">("idle");
  const [finding, setFinding] = useState<"idle" | "busy" | "failed">("idle");
  const [nearest, setNearest] = useState<string | null>(null);
  const elsewhere = value.hotspotId === "";
  const locate = () => whereAmI(setLocating, (here) => onChange({ ...value, lat: here.lat, lng: here.lng }));
  const findNearest = () =>
    whereAmI(setFinding, (here) => {
      const found = nearestHotspot(here, hotspots.data ?? []);
      if (!found) return;
      setNearest(`Nearest hotspot: ${found.hotspot.name}, ${roughDistance(found.metres)} away.`);
      onChange({ ...value, hotspotId: found.hotspot.id });
    });
  const hotspotErrors = errors.hotspotId;
  return (
    <div className="place">
      <Field
        id={`${idPrefix}-hotspot`}
        label="Where"
        errors={hotspotErrors}
        hint={
          hotspots.isError && !hotspots.data
            ? "Hotspots could not be loaded; describe the place instead."
            : undefined
        }
      >
        <select
          {...fieldAria(`${idPrefix}-hotspot`, hotspotErrors)}
          value={elsewhere ? "elsewhere" : value.hotspotId}
          onChange={(event) => {
            setNearest(null);
            onChange({ ...value, hotspotId: event.target.value === "elsewhere" ? "" : event.target.value });
          }}
        >
          {value.hotspotId === unchosenHotspot && (
            <option value={unchosenHotspot}>
              {hotspots.data ? "Choose a hotspot…" : "Loading hotspots…"}
            </option>
          )}
          {hotspots.data?.map((hotspot) => (
            <option key={hotspot.id} value={hotspot.id}>
              {hotspot.name}
            </option>
          ))}
          <option value="elsewhere">Somewhere else…</option>
        </select>
      </Field>
      {hotspots.data && hotspots.data.length > 0 && (
        <div className="place-nearest">
          <button
            type="button"
            className="button button-secondary"
            onClick={findNearest}
            disabled={finding === "busy"}
          >
            {finding === "busy" ? "Finding you…" : "Nearest hotspot"}
          </button>
          <p className="hint" role="status">
            {finding === "failed"
              ? "The phone could not give a location. Choose the hotspot from the list."
              : nearest}
          </p>
        </div>
      )}
      {elsewhere && (
        <>
          <Field
            id={`${idPrefix}-location`}
            label="Describe the place"
            errors={errors.location}
            hint="A landmark or street: 'Towpath by Donnington Bridge'"
          >
            <input
              {...fieldAria(`${idPrefix}-location`, errors.location, "hint")}
              value={value.location}
              maxLength={200}
              autoComplete="off"
              onChange={(event) => onChange({ ...value, location: event.target.value })}
            />
          </Field>
          <div className="place-coordinates">
            <button
              type="button"
              className="button button-secondary"
              onClick={locate}
              disabled={locating === "busy"}
            >
              {locating === "busy"
                ? "Finding you…"
                : value.lat !== null
                  ? "Update my location"
                  : "Add my location"}
            </button>
            {value.lat !== null && value.lng !== null && (
              <p className="hint">
                {value.lat.toFixed(5)}, {value.lng.toFixed(5)}{" "}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onChange({ ...value, lat: null, lng: null })}
                >
                  Remove
                </button>
              </p>
            )}
            {locating === "failed" && (
              <p className="field-error">The phone could not give a location. The description is enough.</p>
            )}
            {[...(errors.lat ?? []), ...(errors.lng ?? [])].map((message) => (
              <p key={message} className="field-error">
                {fieldMessage(message)}
              </p>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

/**
 * Asks the phone where it is (the browser asks the worker's permission the first time); `done` gets
 * the position rounded to five decimal places, about a metre: enough to find the spot again.
 */
function whereAmI(setState: (state: "idle" | "busy" | "failed") => void, done: (here: Point) => void) {
  if (!("geolocation" in navigator)) {
    setState("failed");
    return;
  }
  setState("busy");
  const round = (n: number) => Math.round(n * 100_000) / 100_000;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      setState("idle");
      done({ lat: round(position.coords.latitude), lng: round(position.coords.longitude) });
    },
    () => setState("failed"),
    { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
  );
}

/** When it happened: now, unless the worker says otherwise (logging it afterwards). */
export function WhenField({
  id,
  label,
  value,
  onChange,
  errors,
}: {
  id: string;
  label: string;
  value: Date | null;
  onChange(value: Date | null): void;
  errors?: string[];
}) {
  if (value === null && !errors?.length) {
    return (
      <div className="when">
        <p>
          <span className="when-label">{label}:</span> now
        </p>
        <button type="button" className="link-button" onClick={() => onChange(new Date())}>
          Change the time
        </button>
      </div>
    );
  }
  return (
    <Field id={id} label={label} errors={errors}>
      <div className="when-edit">
        <input
          {...fieldAria(id, errors)}
          type="datetime-local"
          max={toLocalInput(new Date())}
          value={value ? toLocalInput(value) : ""}
          onChange={(event) => onChange(event.target.value ? new Date(event.target.value) : null)}
        />
        <button type="button" className="link-button" onClick={() => onChange(null)}>
          Use now
        </button>
      </div>
    </Field>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="form-section" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
