import type { RouterOutputs } from "@pathways/api";
import { Link } from "wouter";
import {
  concernLabels,
  contactTypeLabels,
  formatWhen,
  interventionLabels,
  referralHref,
  substanceLabels,
} from "../../lib/outreach.ts";

export type ContactItem = RouterOutputs["contacts"]["mine"]["items"][number];

/** One contact as a card. Notes are shown as text: whatever was typed, nothing is rendered as HTML. */
export function ContactCard({
  contact,
  showPerson,
  showWorker,
  canRefer,
}: {
  contact: ContactItem;
  showPerson: boolean;
  showWorker: boolean;
  canRefer: boolean;
}) {
  const where = contact.hotspotName ?? contact.location ?? "Unknown place";
  return (
    <article className="contact-card">
      <header className="contact-card-header">
        <h3>
          <time dateTime={new Date(contact.occurredAt).toISOString()}>{formatWhen(contact.occurredAt)}</time>
          <span className="muted"> · {where}</span>
        </h3>
        <p className="muted">
          {contactTypeLabels[contact.contactType]}
          {showWorker && contact.workerName ? ` · by ${contact.workerName}` : ""}
        </p>
      </header>
      {showPerson && (
        <p>
          {contact.personId ? (
            <Link href={`/people/${contact.personId}`}>
              {contact.personAttributor}
              {contact.personAlias ? ` (${contact.personAlias})` : ""}
            </Link>
          ) : (
            <span className="muted">Anonymous</span>
          )}
        </p>
      )}
      {contact.interventions.length > 0 && (
        <ul className="tag-list" aria-label="Help given">
          {contact.interventions.map((item) => (
            <li key={item.intervention} className="tag">
              {interventionLabels[item.intervention]}
              {item.quantity !== null ? `: ${item.quantity}` : ""}
            </li>
          ))}
        </ul>
      )}
      {contact.substances.length > 0 && (
        <p className="muted">Substances: {contact.substances.map((s) => substanceLabels[s]).join(", ")}</p>
      )}
      {contact.safeguardingConcerns.length > 0 && (
        <ul className="tag-list" aria-label="Safeguarding concerns">
          {contact.safeguardingConcerns.map((concern) => (
            <li key={concern} className="tag tag-warning">
              {concernLabels[concern]}
            </li>
          ))}
        </ul>
      )}
      {contact.notes && <p className="notes">{contact.notes}</p>}
      {canRefer && contact.personId && (
        <p>
          <Link href={referralHref(contact.personId, contact.id)}>Refer to treatment</Link>
        </p>
      )}
    </article>
  );
}
