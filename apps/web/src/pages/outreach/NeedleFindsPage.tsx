import type { RouterOutputs } from "@pathways/api";
import { fieldErrors, type NeedleFindDraft, NeedleFindInput } from "@pathways/validators";
import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "wouter";
import { EmptyState, ErrorNotice, Loading, PageHeader } from "../../components/ui.tsx";
import { useOutbox, useOutboxItems } from "../../lib/outbox.ts";
import { formatWhen, newClientKey, rememberHotspot } from "../../lib/outreach.ts";
import type { SignedInUser } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import {
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
} from "./common.tsx";
import { PendingList } from "./RecentContactsPage.tsx";

type LoggedFind = RouterOutputs["needleFinds"]["log"];

interface FindForm {
  clientKey: string;
  foundAt: Date | null;
  place: PlaceValue;
  count: number;
}

/** Discarded needles found and collected: where, when, how many. */
export function NeedleFindsPage({ user }: { user: SignedInUser }) {
  const trpc = useTRPC();
  const outbox = useOutbox();
  const hotspots = useHotspots();
  const [params, setParams] = useSearchParams();
  const pending = useOutboxItems(user.userId).filter((item) => item.kind === "needleFind");
  const [form, setForm] = useState<FindForm>(() => ({
    clientKey: newClientKey(),
    foundAt: null,
    place: initialPlace(user.userId),
    count: 1,
  }));
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<SaveMessage | null>(null);
  const [saving, setSaving] = useState(false);
  const messageRef = useRef<HTMLDivElement>(null);
  const finds = useInfiniteQuery(
    trpc.needleFinds.mine.infiniteQueryOptions(
      { limit: 20 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );

  const choosePlace = useCallback(
    (hotspotId: string) => setForm((current) => ({ ...current, place: { ...current.place, hotspotId } })),
    [],
  );
  useSettledHotspot(form.place.hotspotId, choosePlace);

  const editKey = params.get("edit");
  const editing = editKey ? pending.find((item) => item.clientKey === editKey) : undefined;
  useEffect(() => {
    if (editing?.kind !== "needleFind") return;
    const input = editing.input;
    setForm({
      clientKey: editing.clientKey,
      foundAt: input.foundAt,
      count: input.count,
      place: {
        hotspotId: input.hotspotId ?? "",
        location: input.location ?? "",
        lat: input.lat ?? null,
        lng: input.lng ?? null,
      },
    });
    setErrors(editing.lastError?.fields ?? {});
    setMessage(
      editing.lastError ? { tone: "error", text: `Not accepted: ${editing.lastError.message}` } : null,
    );
    setParams({}, { replace: true });
  }, [editing, setParams]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = {
      clientKey: form.clientKey,
      foundAt: form.foundAt ?? new Date(),
      count: form.count,
      ...placeInput(form.place),
    };
    const parsed = NeedleFindInput.safeParse(candidate);
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      setMessage({ tone: "error", text: "Not saved yet: some answers need checking (marked below)." });
      requestAnimationFrame(() => messageRef.current?.focus());
      return;
    }
    const input = candidate as NeedleFindDraft;
    const where =
      hotspots.data?.find((hotspot) => hotspot.id === form.place.hotspotId)?.name ??
      form.place.location.trim();
    setSaving(true);
    const result = await outbox
      .submit({
        kind: "needleFind",
        input,
        clientKey: input.clientKey,
        userId: user.userId,
        summary: `${input.count} needle${input.count === 1 ? "" : "s"} at ${where}`,
      })
      .catch(() => null);
    setSaving(false);
    if (!result) {
      setMessage({
        tone: "error",
        text: "This phone could not store the find. Check the browser allows this site to save data.",
      });
    } else if (result.status === "refused") {
      setErrors(result.fields);
      setMessage({ tone: "error", text: `Not saved: ${result.message}` });
    } else {
      rememberHotspot(user.userId, form.place.hotspotId);
      setErrors({});
      if (result.status === "sent") {
        const saved = result.result as LoggedFind;
        setMessage({
          tone: "success",
          text: `Saved: ${saved.count} needle${saved.count === 1 ? "" : "s"} at ${where}.`,
        });
      } else {
        setMessage({ tone: "waiting", text: `Saved on this phone, waiting to send. ${result.message}` });
      }
      setForm({ clientKey: newClientKey(), foundAt: null, place: form.place, count: 1 });
    }
    requestAnimationFrame(() => messageRef.current?.focus());
  };

  const items = finds.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="outreach">
      <OutreachNav userId={user.userId} />
      <PageHeader title="Needle find" />
      <div ref={messageRef} tabIndex={-1} className="outcome-anchor">
        <SaveOutcome
          message={message}
          errors={errors}
          targets={{ ...placeTargets("find"), foundAt: "find-when", count: "find-count" }}
        />
      </div>
      <form onSubmit={save} noValidate aria-label="Log a needle find">
        <Section title="Where and when">
          <PlaceField
            idPrefix="find"
            value={form.place}
            onChange={(place) => setForm({ ...form, place })}
            errors={errors}
          />
          <WhenField
            id="find-when"
            label="Time found"
            value={form.foundAt}
            onChange={(foundAt) => setForm({ ...form, foundAt })}
            errors={errors.foundAt}
          />
        </Section>
        <Section title="How many">
          <Stepper
            id="find-count"
            label="Needles collected"
            value={form.count}
            max={5000}
            onChange={(count) => setForm({ ...form, count })}
            errors={errors.count}
          />
          <fieldset className="quick-counts">
            <legend className="visually-hidden">Quick counts</legend>
            {[1, 5, 10, 20].map((count) => (
              <button
                key={count}
                type="button"
                className="button button-quiet"
                onClick={() => setForm({ ...form, count })}
              >
                {count}
              </button>
            ))}
          </fieldset>
        </Section>
        <div className="sticky-actions">
          <button type="submit" className="button button-primary button-block button-large" disabled={saving}>
            {saving ? "Saving…" : "Save needle find"}
          </button>
        </div>
      </form>
      {pending.length > 0 && <PendingList items={pending} />}
      <h2>My recent finds</h2>
      {finds.isPending ? (
        <Loading label="Loading your finds…" />
      ) : finds.isError ? (
        <ErrorNotice {...describeError(finds.error)} onRetry={() => finds.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No needle finds logged yet" />
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Needle finds you logged, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Where</th>
                  <th scope="col" className="numeric">
                    Needles
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((find) => (
                  <tr key={find.id}>
                    <td>{formatWhen(find.foundAt)}</td>
                    <td>{find.hotspotName ?? find.location}</td>
                    <td className="numeric">{find.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {finds.hasNextPage && (
            <button
              type="button"
              className="button button-secondary button-block"
              onClick={() => finds.fetchNextPage()}
              disabled={finds.isFetchingNextPage}
            >
              {finds.isFetchingNextPage ? "Loading…" : "Show older finds"}
            </button>
          )}
        </>
      )}
    </section>
  );
}
