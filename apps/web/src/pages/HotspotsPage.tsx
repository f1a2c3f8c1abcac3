import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, Fragment, useState } from "react";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { FormErrors } from "../components/ErrorSummary.tsx";
import { FormActions, SubmitButton } from "../components/FormActions.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../components/ui.tsx";
import type { SignedInUser } from "../lib/session.ts";
import { describeError, useTRPC } from "../lib/trpc.ts";

export function HotspotsPage({ user }: { user: SignedInUser }) {
  const trpc = useTRPC();
  const isAdmin = user.role === "admin";
  const [includeRetired, setIncludeRetired] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const hotspots = useQuery(trpc.hotspots.list.queryOptions({ includeRetired }));
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.hotspots.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.hotspots.list.queryKey() }),
    }),
  );

  return (
    <section>
      <PageHeader title="Hotspots">
        <p className="lede">Public spaces where the taskforce works.</p>
      </PageHeader>
      {isAdmin && <NewHotspotForm />}
      {isAdmin && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeRetired}
            onChange={(e) => setIncludeRetired(e.target.checked)}
          />
          Show retired hotspots
        </label>
      )}
      {update.error && <ErrorNotice {...describeError(update.error)} />}
      {hotspots.isPending ? (
        <Loading label="Loading hotspots…" />
      ) : hotspots.isError ? (
        <ErrorNotice {...describeError(hotspots.error)} onRetry={() => hotspots.refetch()} />
      ) : hotspots.data.length === 0 ? (
        <EmptyState title="No hotspots yet">
          <p>
            {isAdmin ? "Add the first one above." : "An administrator adds the places the taskforce works."}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Hotspots</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Location</th>
                <th scope="col">Area</th>
                <th scope="col">Status</th>
                {isAdmin && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {hotspots.data.map((hotspot) => (
                <Fragment key={hotspot.id}>
                  <tr>
                    <td>{hotspot.name}</td>
                    <td className="numeric">
                      {hotspot.lat.toFixed(4)}, {hotspot.lng.toFixed(4)}
                    </td>
                    <td>{areaLabel(hotspot)}</td>
                    <td>{hotspot.active ? "Active" : "Retired"}</td>
                    {isAdmin && (
                      <td>
                        <div className="actions">
                          <button
                            type="button"
                            className="button button-quiet"
                            aria-expanded={editing === hotspot.id}
                            onClick={() => setEditing(editing === hotspot.id ? null : hotspot.id)}
                          >
                            {`Edit ${hotspot.name}`}
                          </button>
                          {hotspot.active ? (
                            <ConfirmButton
                              className="button button-quiet"
                              disabled={update.isPending}
                              question={`Retire ${hotspot.name}? It is no longer offered for new contacts; you can restore it.`}
                              confirmLabel="Yes, retire"
                              onConfirm={() => update.mutate({ id: hotspot.id, active: false })}
                            >
                              {`Retire ${hotspot.name}`}
                            </ConfirmButton>
                          ) : (
                            <button
                              type="button"
                              className="button button-quiet"
                              disabled={update.isPending}
                              onClick={() => update.mutate({ id: hotspot.id, active: true })}
                            >
                              {`Restore ${hotspot.name}`}
                            </button>
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                  {isAdmin && editing === hotspot.id && (
                    <tr>
                      <td colSpan={5}>
                        <EditHotspotForm hotspot={hotspot} onDone={() => setEditing(null)} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NewHotspotForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [lat, setLat] = useState("");
  const [lng, setLng] = useState("");
  const [radius, setRadius] = useState("");
  const create = useMutation(
    trpc.hotspots.create.mutationOptions({
      onSuccess: async () => {
        setName("");
        setLat("");
        setLng("");
        setRadius("");
        await queryClient.invalidateQueries({ queryKey: trpc.hotspots.list.queryKey() });
      },
    }),
  );
  const error = create.error ? describeError(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      name,
      lat: Number.parseFloat(lat),
      lng: Number.parseFloat(lng),
      radiusM: radiusOf(radius),
    });
  };
  return (
    <form className="card form-inline" onSubmit={submit} noValidate aria-label="Add a hotspot">
      <h2>Add a hotspot</h2>
      <FormErrors
        error={error}
        targets={{ name: "hotspot-name", lat: "hotspot-lat", lng: "hotspot-lng", radiusM: "hotspot-radius" }}
      />
      <div className="form-row">
        <Field id="hotspot-name" label="Name" errors={error?.fields.name}>
          <input
            {...fieldAria("hotspot-name", error?.fields.name)}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field id="hotspot-lat" label="Latitude" errors={error?.fields.lat}>
          <input
            {...fieldAria("hotspot-lat", error?.fields.lat)}
            inputMode="decimal"
            value={lat}
            onChange={(e) => setLat(e.target.value)}
          />
        </Field>
        <Field id="hotspot-lng" label="Longitude" errors={error?.fields.lng}>
          <input
            {...fieldAria("hotspot-lng", error?.fields.lng)}
            inputMode="decimal"
            value={lng}
            onChange={(e) => setLng(e.target.value)}
          />
        </Field>
        <RadiusField
          id="hotspot-radius"
          hint="Used when no area is drawn; 150 if left empty"
          value={radius}
          onChange={setRadius}
          errors={error?.fields.radiusM}
        />
      </div>
      <SubmitButton pending={create.isPending} pendingLabel="Adding…">
        Add hotspot
      </SubmitButton>
    </form>
  );
}

/** Corrects a hotspot's name or position; contacts and reports keep pointing at the same hotspot. */
function EditHotspotForm({
  hotspot,
  onDone,
}: {
  hotspot: { id: string; name: string; lat: number; lng: number; radiusM: number };
  onDone(): void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(hotspot.name);
  const [lat, setLat] = useState(String(hotspot.lat));
  const [lng, setLng] = useState(String(hotspot.lng));
  const [radius, setRadius] = useState(String(hotspot.radiusM));
  const update = useMutation(
    trpc.hotspots.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.hotspots.list.queryKey() });
        onDone();
      },
    }),
  );
  const error = update.error ? describeError(update.error) : null;
  const prefix = `edit-${hotspot.id}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      id: hotspot.id,
      name,
      lat: Number.parseFloat(lat),
      lng: Number.parseFloat(lng),
      radiusM: radiusOf(radius),
    });
  };
  return (
    <form className="form-inline" onSubmit={submit} noValidate aria-label={`Edit ${hotspot.name}`}>
      <FormErrors
        error={error}
        targets={{
          name: `${prefix}-name`,
          lat: `${prefix}-lat`,
          lng: `${prefix}-lng`,
          radiusM: `${prefix}-radius`,
        }}
      />
      <div className="form-row">
        <Field id={`${prefix}-name`} label="Name" errors={error?.fields.name}>
          <input
            {...fieldAria(`${prefix}-name`, error?.fields.name)}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field id={`${prefix}-lat`} label="Latitude" errors={error?.fields.lat}>
          <input
            {...fieldAria(`${prefix}-lat`, error?.fields.lat)}
            inputMode="decimal"
            value={lat}
            onChange={(e) => setLat(e.target.value)}
          />
        </Field>
        <Field id={`${prefix}-lng`} label="Longitude" errors={error?.fields.lng}>
          <input
            {...fieldAria(`${prefix}-lng`, error?.fields.lng)}
            inputMode="decimal"
            value={lng}
            onChange={(e) => setLng(e.target.value)}
          />
        </Field>
        <RadiusField
          id={`${prefix}-radius`}
          hint="Used when no area is drawn"
          value={radius}
          onChange={setRadius}
          errors={error?.fields.radiusM}
        />
      </div>
      <FormActions
        pending={update.isPending}
        pendingLabel="Saving…"
        submitLabel="Save changes"
        onCancel={onDone}
        cancelKind="quiet"
      />
    </form>
  );
}

/** A hotspot's area in words: its polygon when it has one, otherwise the circle round its centre. */
function areaLabel(hotspot: { radiusM: number; polygon: [number, number][] | null }): string {
  return hotspot.polygon
    ? `Drawn area, ${hotspot.polygon.length - 1} corners`
    : `${hotspot.radiusM.toLocaleString("en-GB")} m radius`;
}

/** Empty means "not given" (a new hotspot gets 150 m); anything else goes to the server to check. */
function radiusOf(text: string): number | undefined {
  return text.trim() === "" ? undefined : Number(text);
}

/** The radius used when a hotspot has no drawn area. */
function RadiusField({
  id,
  hint,
  value,
  onChange,
  errors,
}: {
  id: string;
  hint: string;
  value: string;
  onChange(value: string): void;
  errors?: string[];
}) {
  return (
    <Field id={id} label="Radius (metres)" errors={errors} hint={hint}>
      <input
        {...fieldAria(id, errors, hint)}
        inputMode="numeric"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}
