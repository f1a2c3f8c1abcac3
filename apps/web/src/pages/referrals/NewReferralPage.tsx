import type { RouterOutputs } from "@pathways/api";
import { codeLabel, referralSources } from "@pathways/validators";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useSearchParams } from "wouter";
import { CodeSelect } from "../../components/CodeSelect.tsx";
import { FormErrors, fieldMessages } from "../../components/ErrorSummary.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import type { SignedInUser } from "../../lib/session.ts";
import { formatDateTime } from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { type BasisDraft, basisInput, emptyBasis, ShareGround } from "./ShareGround.tsx";

type Draft = RouterOutputs["referrals"]["draft"];
type Created = RouterOutputs["referrals"]["create"];
type ReferralSource = (typeof referralSources)[number];

/**
 * The referral form, opened from a contact (one tap after saving it) or a person. Mobile-first: the
 * services are big radio cards. A service the person's consent does not cover can still be chosen:
 * consent is recorded right here, or a safeguarding referral records its lawful basis instead.
 */
export function NewReferralPage({ user }: { user: SignedInUser }) {
  const trpc = useTRPC();
  const [params] = useSearchParams();
  const personId = params.get("personId") || undefined;
  const contactId = params.get("contactId") || undefined;
  const [created, setCreated] = useState<Created | null>(null);
  const draft = useQuery({
    ...trpc.referrals.draft.queryOptions({ personId, contactId }),
    enabled: Boolean(personId || contactId),
  });

  return (
    <section className="page-narrow">
      <PageHeader title="Refer to a service">
        <p className="lede">
          The provider sees the referral straight away; you will see each change of status.
        </p>
      </PageHeader>
      {!personId && !contactId ? (
        <EmptyState title="Choose who to refer">
          <p>
            Open a person or a contact you have logged, then choose “Refer”.{" "}
            {user.role === "outreach_worker" && <Link href="/outreach">Go to outreach</Link>}
          </p>
        </EmptyState>
      ) : created ? (
        <Confirmation referral={created} user={user} />
      ) : draft.isPending ? (
        <Loading label="Loading the person…" />
      ) : draft.isError ? (
        <ErrorNotice {...describeError(draft.error)} onRetry={() => draft.refetch()} />
      ) : (
        <ReferralForm draft={draft.data} contactId={contactId} user={user} onCreated={setCreated} />
      )}
    </section>
  );
}

/** Where each field the server may name lives on this form, for the error summary's links. */
const fieldTargets: Record<string, string> = {
  serviceId: "referral-service-first",
  reason: "referral-reason",
  source: "referral-source",
  "lawfulBasis.basis": "lawful-basis",
  "lawfulBasis.reason": "lawful-basis-reason",
  "lawfulBasis.personInformed": "person-informed",
  "lawfulBasis.notInformedReason": "not-informed-reason",
};

function ReferralForm({
  draft,
  contactId,
  user,
  onCreated,
}: {
  draft: Draft;
  contactId: string | undefined;
  user: SignedInUser;
  onCreated: (referral: Created) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // One key per form: pressing Send twice, or resending after a dropped connection, makes one referral.
  const [clientKey] = useState(() => `referral-${crypto.randomUUID()}`);
  const firstAvailable = draft.services.find((service) => !service.openReferral);
  const [serviceId, setServiceId] = useState(firstAvailable?.id ?? "");
  const [reason, setReason] = useState("");
  const [source, setSource] = useState<ReferralSource>(user.role === "outreach_worker" ? "outreach" : "self");
  const [withoutConsent, setWithoutConsent] = useState(false);
  const [basis, setBasis] = useState<BasisDraft>(emptyBasis);
  const chosen = draft.services.find((service) => service.id === serviceId);
  // Consent decides only for a referral that crosses organisations and is not yet covered by it.
  const needsGround = Boolean(chosen?.blockedBy);
  const sharingOnBasis = needsGround && Boolean(chosen?.safeguarding) && withoutConsent;
  const create = useMutation(
    trpc.referrals.create.mutationOptions({
      onSuccess: async (referral) => {
        await queryClient.invalidateQueries({ queryKey: trpc.referrals.mine.pathKey() });
        onCreated(referral);
      },
    }),
  );
  const error = create.error ? describeError(create.error) : null;
  const fields = error?.fields ?? {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      personId: draft.person.id,
      contactId,
      serviceId,
      reason,
      source,
      clientKey,
      lawfulBasis: sharingOnBasis ? basisInput(basis) : undefined,
    });
  };

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Referral">
      <p className="referral-person">
        <strong>{draft.person.attributor}</strong>
        {draft.person.alias && <span className="muted"> “{draft.person.alias}”</span>}
        {draft.contact && (
          <span className="muted">
            {" "}
            · met {formatDateTime(draft.contact.occurredAt)}
            {draft.contact.place ? `, ${draft.contact.place}` : ""}
          </span>
        )}
      </p>
      <FormErrors error={error} targets={fieldTargets} />
      <fieldset
        className="service-choices"
        aria-describedby={fields.serviceId ? "referral-service-error" : undefined}
      >
        <legend>Service</legend>
        {draft.services.length === 0 && <p className="muted">No service takes referrals yet.</p>}
        {draft.services.map((service, index) => {
          const already = service.openReferral
            ? `Already referred: ${service.openReferral.reference} is ${codeLabel(service.openReferral.status).toLowerCase()}.`
            : null;
          return (
            <label
              key={service.id}
              className={already ? "service-choice service-choice-disabled" : "service-choice"}
            >
              <input
                type="radio"
                name="service"
                id={index === 0 ? "referral-service-first" : undefined}
                value={service.id}
                checked={serviceId === service.id}
                disabled={Boolean(already)}
                onChange={() => setServiceId(service.id)}
              />
              <span>
                <span className="option-name">{service.name}</span>
                <span className="option-detail">{service.organisationName}</span>
                {already ? (
                  <span className="option-detail">{already}</span>
                ) : (
                  service.blockedBy && (
                    <span className="option-detail">
                      {service.safeguarding
                        ? "Safeguarding: consent, or a lawful basis"
                        : "Needs consent to share"}
                    </span>
                  )
                )}
              </span>
            </label>
          );
        })}
        {fieldMessages(fields, "serviceId")?.map((message) => (
          <p key={message} className="field-error" id="referral-service-error">
            {message}
          </p>
        ))}
      </fieldset>
      {chosen && needsGround && (
        <ShareGround
          personId={draft.person.id}
          attributor={draft.person.attributor}
          organisationName={chosen.organisationName}
          consent={draft.shareConsent}
          safeguarding={chosen.safeguarding}
          withoutConsent={withoutConsent}
          onWithoutConsent={setWithoutConsent}
          basis={basis}
          onBasis={setBasis}
          errors={fields}
        />
      )}
      <Field
        id="referral-reason"
        label="Reason"
        hint="What they asked for and anything the service needs to reach them. No diagnoses."
        errors={fieldMessages(fields, "reason")}
      >
        <textarea
          {...fieldAria("referral-reason", fields.reason, "hint")}
          rows={4}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <CodeSelect
        id="referral-source"
        label="Referral source"
        errors={fieldMessages(fields, "source")}
        codes={referralSources}
        value={source}
        onChange={setSource}
      />
      <button
        type="submit"
        className="button button-primary button-block"
        disabled={create.isPending || !serviceId || (needsGround && !sharingOnBasis)}
      >
        {create.isPending ? "Sending…" : "Send referral"}
      </button>
      {needsGround && !sharingOnBasis && (
        <p className="hint">
          Record their consent{chosen?.safeguarding ? " or the lawful basis" : ""} to send it.
        </p>
      )}
    </form>
  );
}

function Confirmation({ referral, user }: { referral: Created; user: SignedInUser }) {
  return (
    <div className="notice notice-success" role="status">
      <p>
        <strong>Referral {referral.reference} sent</strong> to {referral.service.name} at{" "}
        {referral.providerName} for {referral.person.attributor}.
      </p>
      <p>It shows in My referrals, where each change of status appears as the provider works it.</p>
      <p className="actions">
        {user.role === "outreach_worker" && (
          <Link href="/referrals/mine" className="button button-primary">
            My referrals
          </Link>
        )}
        {user.role === "outreach_worker" ? (
          <Link href="/outreach" className="button button-secondary">
            Back to outreach
          </Link>
        ) : (
          <Link href="/caseload" className="button button-secondary">
            Back to the caseload
          </Link>
        )}
      </p>
    </div>
  );
}
