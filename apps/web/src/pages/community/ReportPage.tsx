import type { RouterOutputs } from "@pathways/api";
import { maxReportDescription, reportCategoryLabels } from "@pathways/validators";
import { reportCategories } from "@pathways/validators/codes";
import { useMutation, useQuery } from "@tanstack/react-query";
import {
  Component,
  type FormEvent,
  lazy,
  type ReactNode,
  Suspense,
  useEffect,
  useRef,
  useState,
} from "react";
import { Link } from "wouter";
import { FormErrors, fieldMessage } from "../../components/ErrorSummary.tsx";
import { SubmitButton } from "../../components/FormActions.tsx";
import { ErrorNotice, Field, fieldAria, Loading } from "../../components/ui.tsx";
import { trackingUrl } from "../../lib/community.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { EmergencyNotice } from "./EmergencyNotice.tsx";
import type { Pin } from "./PinMap.tsx";

// Leaflet and the map load only when a resident chooses the map: the form itself stays small.
const PinMap = lazy(() => import("./PinMap.tsx").then((module) => ({ default: module.PinMap })));

type Category = (typeof reportCategories)[number];
type PlaceMode = "list" | "typed" | "here";
type Submitted = RouterOutputs["community"]["submit"];

const categoryHints: Record<Category, string> = {
  drug_dealing: "Selling or handing over drugs",
  drug_use: "People using drugs in a public place",
  discarded_needles: "Needles or syringes left lying around",
  weapons: "Knives or other weapons seen or hidden",
  exploitation_concern: "A child or adult being used, controlled or at risk",
  other: "Anything else the taskforce should know",
};

type Located =
  | { state: "idle" }
  | { state: "locating" }
  /** From the device (with its accuracy in metres) or a pin placed on the map (accuracy null). */
  | { state: "located"; lat: number; lng: number; accuracy: number | null }
  | { state: "failed"; message: string };

/**
 * The public report form: a minute on a phone, no account. Staff-facing detail stays off this page;
 * what is typed is sent as text and shown back only as text.
 */
export function ReportPage() {
  const trpc = useTRPC();
  const [submitted, setSubmitted] = useState<Submitted | null>(null);
  const [form, setForm] = useState(emptyForm);
  const submit = useMutation(
    trpc.community.submit.mutationOptions({
      onSuccess: (result) => {
        setSubmitted(result);
        window.scrollTo(0, 0);
      },
    }),
  );

  useEffect(() => {
    document.title = "Report a concern · Pathways";
  }, []);

  if (submitted) {
    return (
      <Confirmation
        submitted={submitted}
        onAnother={() => {
          setForm(emptyForm());
          submit.reset();
          setSubmitted(null);
        }}
      />
    );
  }
  const error = submit.error ? describeError(submit.error) : null;
  const placeErrors = [
    ...(error?.fields.location ?? []),
    ...(error?.fields.hotspotId ?? []),
    ...(error?.fields.lat ?? []),
    ...(error?.fields.lng ?? []),
  ];

  const send = (event: FormEvent) => {
    event.preventDefault();
    const here = form.located.state === "located" ? form.located : null;
    submit.mutate({
      category: form.category as Category,
      hotspotId: form.mode === "list" ? form.hotspotId || undefined : undefined,
      location: form.mode === "list" ? undefined : form.location || undefined,
      lat: form.mode === "here" ? here?.lat : undefined,
      lng: form.mode === "here" ? here?.lng : undefined,
      description: form.description,
      contactEmail: form.contactEmail || undefined,
      contactPhone: form.contactPhone || undefined,
      website: form.website,
    });
  };
  const update = (changes: Partial<FormState>) => setForm((current) => ({ ...current, ...changes }));

  return (
    <section className="cr-report">
      <header className="page-header">
        <h1>Report a concern</h1>
        <p className="lede">
          Tell the city drugs taskforce about drug dealing, drug use, discarded needles or someone at risk.
          You do not need an account, and you can stay anonymous.
        </p>
      </header>
      <EmergencyNotice />
      <form onSubmit={send} noValidate aria-label="Report a concern">
        <FormErrors
          error={error}
          targets={{
            category: "report-category",
            ...Object.fromEntries(
              ["location", "hotspotId", "lat", "lng"].map((field) => [
                field,
                form.mode === "list" ? "report-hotspot" : "report-location",
              ]),
            ),
            description: "report-description",
            contactEmail: "report-email",
            contactPhone: "report-phone",
          }}
        />

        <fieldset
          id="report-category"
          className="cr-fieldset"
          aria-describedby={error?.fields.category ? "category-error" : undefined}
        >
          <legend>What are you reporting?</legend>
          <div className="cr-choice-grid">
            {reportCategories.map((category) => (
              <label key={category} className="cr-choice">
                <input
                  type="radio"
                  name="category"
                  value={category}
                  checked={form.category === category}
                  onChange={() => update({ category })}
                />
                <span className="cr-choice-text">
                  <span className="cr-choice-label">{reportCategoryLabels[category]}</span>
                  <span className="cr-choice-hint">{categoryHints[category]}</span>
                </span>
              </label>
            ))}
          </div>
          {error?.fields.category?.map((message) => (
            <p key={message} className="field-error" id="category-error">
              {fieldMessage(message)}
            </p>
          ))}
        </fieldset>

        <WhereFields form={form} update={update} errors={placeErrors} />

        <Field
          id="report-description"
          label="What did you see?"
          hint="When it happens, what people do, anything that helps us find it. Please do not name anyone."
          errors={error?.fields.description}
        >
          <textarea
            {...fieldAria("report-description", error?.fields.description, "hint")}
            rows={6}
            maxLength={maxReportDescription}
            value={form.description}
            onChange={(event) => update({ description: event.target.value })}
          />
          <p className="hint cr-counter" aria-live="polite">
            {form.description.length.toLocaleString("en-GB")} of{" "}
            {maxReportDescription.toLocaleString("en-GB")} characters
          </p>
        </Field>

        <fieldset className="cr-fieldset">
          <legend>Updates (optional)</legend>
          <p className="hint">
            Leave an email address and we will send you an update each time your report moves on. Every update
            also appears on your private tracking page.
          </p>
          <Field id="report-email" label="Email" errors={error?.fields.contactEmail}>
            <input
              {...fieldAria("report-email", error?.fields.contactEmail)}
              type="email"
              inputMode="email"
              autoComplete="email"
              value={form.contactEmail}
              onChange={(event) => update({ contactEmail: event.target.value })}
            />
          </Field>
          <Field
            id="report-phone"
            label="Phone"
            hint="The team may call if they need more detail. Updates are not sent by text message."
            errors={error?.fields.contactPhone}
          >
            <input
              {...fieldAria("report-phone", error?.fields.contactPhone, "hint")}
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              value={form.contactPhone}
              onChange={(event) => update({ contactPhone: event.target.value })}
            />
          </Field>
        </fieldset>

        {/* Hidden from people and screen readers; bots that fill every field fill this one too. */}
        <div className="cr-trap" aria-hidden="true">
          <label htmlFor="report-website">Leave this empty</label>
          <input
            id="report-website"
            name="website"
            tabIndex={-1}
            autoComplete="off"
            value={form.website}
            onChange={(event) => update({ website: event.target.value })}
          />
        </div>

        <section className="card cr-privacy" aria-labelledby="privacy-heading">
          <h2 id="privacy-heading">How we use what you tell us</h2>
          <ul className="plain-list">
            <li>
              Your report goes to the city drugs taskforce (police outreach officers and council staff).
            </li>
            <li>
              Your email or phone number is used only to update you about this report, or for the team to ask
              you about it. It is never shown on the tracking page and never shared with the people you
              report.
            </li>
            <li>
              If you share your location or put a pin on the map, only that point is sent, once, when you
              press Send. The map's background pictures come from the map server credited on the map.
            </li>
            <li>
              The taskforce may pass what you saw to the police or safeguarding teams when someone may be at
              risk.
            </li>
            <li>
              You will get a private link to follow your report. Anyone with the link can see its progress.
            </li>
          </ul>
        </section>

        <SubmitButton pending={submit.isPending} pendingLabel="Sending…" className="button-block">
          Send report
        </SubmitButton>
      </form>
    </section>
  );
}

interface FormState {
  category: Category | "";
  mode: PlaceMode;
  hotspotId: string;
  location: string;
  located: Located;
  description: string;
  contactEmail: string;
  contactPhone: string;
  website: string;
}

function emptyForm(): FormState {
  return {
    category: "",
    mode: "list",
    hotspotId: "",
    location: "",
    located: { state: "idle" },
    description: "",
    contactEmail: "",
    contactPhone: "",
    website: "",
  };
}

const placeModes: { mode: PlaceMode; label: string }[] = [
  { mode: "list", label: "Pick a place" },
  { mode: "typed", label: "Type where" },
  { mode: "here", label: "My location or a map" },
];

function WhereFields({
  form,
  update,
  errors,
}: {
  form: FormState;
  update: (changes: Partial<FormState>) => void;
  errors: string[];
}) {
  const trpc = useTRPC();
  const places = useQuery(trpc.community.places.queryOptions());
  const tiles = useQuery({ ...trpc.map.tiles.queryOptions(), enabled: form.mode === "here" });
  const errorList = errors.length ? errors : undefined;
  const pin = form.located.state === "located" ? form.located : null;

  const locate = () => {
    if (!("geolocation" in navigator)) {
      update({
        located: { state: "failed", message: "This browser cannot share a location. Type where instead." },
      });
      return;
    }
    update({ located: { state: "locating" } });
    navigator.geolocation.getCurrentPosition(
      (position) =>
        update({
          located: {
            state: "located",
            // About a metre: enough to find the place, no more.
            lat: Math.round(position.coords.latitude * 1e5) / 1e5,
            lng: Math.round(position.coords.longitude * 1e5) / 1e5,
            accuracy: Math.round(position.coords.accuracy),
          },
        }),
      (failure) =>
        update({
          located: {
            state: "failed",
            message:
              failure.code === failure.PERMISSION_DENIED
                ? "Location is turned off for this site. Allow it in your browser, or type where instead."
                : "Your location could not be found. Try again, or type where instead.",
          },
        }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  return (
    <fieldset className="cr-fieldset">
      <legend>Where was it?</legend>
      <div className="cr-segmented">
        {placeModes.map(({ mode, label }) => (
          <label key={mode} className="cr-segment">
            <input
              type="radio"
              name="place-mode"
              checked={form.mode === mode}
              onChange={() => update({ mode })}
            />
            <span>{label}</span>
          </label>
        ))}
      </div>

      {form.mode === "list" &&
        (places.isPending ? (
          <Loading label="Loading places…" />
        ) : places.isError ? (
          <ErrorNotice
            message="The list of places could not be loaded. Type where instead, or try again."
            onRetry={() => places.refetch()}
          />
        ) : (
          <Field id="report-hotspot" label="Place" errors={errorList}>
            <select
              {...fieldAria("report-hotspot", errorList)}
              value={form.hotspotId}
              onChange={(event) => update({ hotspotId: event.target.value })}
            >
              <option value="">Choose a place…</option>
              {places.data.map((place) => (
                <option key={place.id} value={place.id}>
                  {place.name}
                </option>
              ))}
            </select>
          </Field>
        ))}

      {form.mode === "here" && (
        <div className="cr-locate">
          <button
            type="button"
            className="button button-secondary"
            onClick={locate}
            disabled={form.located.state === "locating"}
          >
            {form.located.state === "located" && form.located.accuracy !== null
              ? "Update my location"
              : "Share my location"}
          </button>
          <p className="hint" role="status" aria-live="polite">
            {form.located.state === "locating" && "Finding your location…"}
            {form.located.state === "located" &&
              (form.located.accuracy !== null
                ? `Location found (accurate to about ${form.located.accuracy} m). The pin on the map is there; drag it if it is not quite right. It will be sent with your report.`
                : `Pin at ${form.located.lat.toFixed(5)}, ${form.located.lng.toFixed(5)}. It will be sent with your report.`)}
            {form.located.state === "failed" && form.located.message}
          </p>
          <p className="hint">
            Or put a pin on the map (optional). No map? Pick a place or type where instead: either is enough.
          </p>
          <MapBoundary>
            <Suspense fallback={<Loading label="Loading the map…" />}>
              {tiles.isPending ? (
                <Loading label="Loading the map…" />
              ) : (
                <PinMap
                  tiles={tiles.data ?? null}
                  places={places.data ?? []}
                  pin={pin}
                  onPin={(placed: Pin | null) =>
                    update({
                      located: placed ? { state: "located", ...placed, accuracy: null } : { state: "idle" },
                    })
                  }
                />
              )}
            </Suspense>
          </MapBoundary>
        </div>
      )}

      {form.mode !== "list" && (
        <Field
          id="report-location"
          label={form.mode === "here" ? "Anything to help find it (optional)" : "Where"}
          hint={
            form.mode === "typed"
              ? "A street, landmark or building, e.g. behind the Co-op on Cowley Road"
              : undefined
          }
          errors={errorList}
        >
          <input
            {...fieldAria("report-location", errorList, form.mode === "typed" ? "hint" : undefined)}
            maxLength={200}
            autoComplete="off"
            value={form.location}
            onChange={(event) => update({ location: event.target.value })}
          />
        </Field>
      )}
    </fieldset>
  );
}

/**
 * The map is optional: if its code cannot be fetched (a lost signal), the form says so and carries on
 * with the location button and the typed place.
 */
class MapBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? (
      <p className="hint">The map could not be loaded. Share your location or type where instead.</p>
    ) : (
      this.props.children
    );
  }
}

function Confirmation({ submitted, onAnother }: { submitted: Submitted; onAnother: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const link = trackingUrl(window.location.origin, submitted.token);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <section className="cr-report-done">
      <h1 ref={heading} tabIndex={-1}>
        Thank you: your report is in
      </h1>
      <div className="notice notice-success">
        <p>
          Your reference is <strong className="cr-reference">{submitted.reference}</strong>.
        </p>
        <p>
          {submitted.updatesBy === "email"
            ? "We will email you each time its status changes."
            : submitted.updatesBy === "phone"
              ? "The team may call you if they need more detail."
              : "You left no contact details, so check your private link for updates."}
        </p>
      </div>
      <div className="card">
        <Field
          id="tracking-link"
          label="Your private tracking link"
          hint="Keep it: it is the only way to see your report's progress here. Anyone with the link can see the progress, never your details."
        >
          <input
            {...fieldAria("tracking-link", undefined, "hint")}
            readOnly
            value={link}
            onFocus={(e) => e.target.select()}
          />
        </Field>
        <div className="cr-button-row">
          <button type="button" className="button button-primary" onClick={copy}>
            Copy link
          </button>
          <Link href={`/track/${submitted.token}`} className="button button-secondary">
            Open the tracking page
          </Link>
        </div>
        <p className="hint" role="status" aria-live="polite">
          {copied === "copied" && "Link copied."}
          {copied === "failed" && "Could not copy: select the link above and copy it yourself."}
        </p>
      </div>
      <button type="button" className="button button-quiet" onClick={onAnother}>
        Report something else
      </button>
    </section>
  );
}
