import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, Fragment, useState } from "react";
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
      {update.error && <ErrorNotice message={describeError(update.error).message} />}
      {hotspots.isPending ? (
        <Loading label="Loading hotspots…" />
      ) : hotspots.isError ? (
        <ErrorNotice message={describeError(hotspots.error).message} onRetry={() => hotspots.refetch()} />
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
                          <button
                            type="button"
                            className="button button-quiet"
                            disabled={update.isPending}
                            onClick={() => update.mutate({ id: hotspot.id, active: !hotspot.active })}
                          >
                            {hotspot.active ? `Retire ${hotspot.name}` : `Restore ${hotspot.name}`}
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                  {isAdmin && editing === hotspot.id && (
                    <tr>
                      <td colSpan={4}>
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
  const create = useMutation(
    trpc.hotspots.create.mutationOptions({
      onSuccess: async () => {
        setName("");
        setLat("");
        setLng("");
        await queryClient.invalidateQueries({ queryKey: trpc.hotspots.list.queryKey() });
      },
    }),
  );
  const error = create.error ? describeError(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, lat: Number.parseFloat(lat), lng: Number.parseFloat(lng) });
  };
  return (
    <form className="card form-inline" onSubmit={submit} noValidate aria-label="Add a hotspot">
      <h2>Add a hotspot</h2>
      {error && <ErrorNotice message={error.message} />}
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
      </div>
      <button type="submit" className="button button-primary" disabled={create.isPending}>
        {create.isPending ? "Adding…" : "Add hotspot"}
      </button>
    </form>
  );
}

/** Corrects a hotspot's name or position; contacts and reports keep pointing at the same hotspot. */
function EditHotspotForm({
  hotspot,
  onDone,
}: {
  hotspot: { id: string; name: string; lat: number; lng: number };
  onDone(): void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(hotspot.name);
  const [lat, setLat] = useState(String(hotspot.lat));
  const [lng, setLng] = useState(String(hotspot.lng));
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
    update.mutate({ id: hotspot.id, name, lat: Number.parseFloat(lat), lng: Number.parseFloat(lng) });
  };
  return (
    <form className="form-inline" onSubmit={submit} noValidate aria-label={`Edit ${hotspot.name}`}>
      {error && <ErrorNotice message={error.message} />}
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
      </div>
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save changes"}
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
