import { codeLabel } from "@pathways/validators";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { FormErrors } from "../../../components/ErrorSummary.tsx";
import { EmptyState, ErrorNotice, Loading } from "../../../components/ui.tsx";
import { formatWhen, type TriageReport } from "../../../lib/community.ts";
import { describeError, useTRPC } from "../../../lib/trpc.ts";
import { ActionCard } from "./NoteActionForm.tsx";
import { useRefresh } from "./refresh.ts";

/** The report's follow-up in outreach: the contact or needle find it is linked to, and finding one to link. */
export function Links({ report }: { report: TriageReport }) {
  const trpc = useTRPC();
  const refresh = useRefresh(report.id);
  const [looking, setLooking] = useState(false);
  const candidates = useQuery({
    ...trpc.community.linkCandidates.queryOptions({ id: report.id }),
    enabled: looking,
  });
  const link = useMutation(trpc.community.link.mutationOptions({ onSuccess: refresh }));
  const error = link.error ? describeError(link.error) : null;
  const linked = report.linkedContact || report.linkedNeedleFind;
  return (
    <ActionCard title="Follow-up in outreach">
      <FormErrors error={error} targets={{}} />
      {!linked && <p className="muted">Not linked to a contact or needle find yet.</p>}
      {report.linkedContact && (
        <p>
          Contact: {codeLabel(report.linkedContact.contactType)} at {report.linkedContact.place} on{" "}
          {formatWhen(report.linkedContact.occurredAt)}
          {report.linkedContact.workerName ? ` by ${report.linkedContact.workerName}` : ""}.{" "}
          <button
            type="button"
            className="button button-quiet"
            disabled={link.isPending}
            onClick={() => link.mutate({ id: report.id, contactId: null })}
          >
            Remove link
          </button>
        </p>
      )}
      {report.linkedNeedleFind && (
        <p>
          Needle find: {report.linkedNeedleFind.count} at {report.linkedNeedleFind.place} on{" "}
          {formatWhen(report.linkedNeedleFind.foundAt)}.{" "}
          <button
            type="button"
            className="button button-quiet"
            disabled={link.isPending}
            onClick={() => link.mutate({ id: report.id, needleFindId: null })}
          >
            Remove link
          </button>
        </p>
      )}
      {!looking ? (
        <button type="button" className="button button-secondary" onClick={() => setLooking(true)}>
          Find a contact or needle find to link
        </button>
      ) : candidates.isPending ? (
        <Loading label="Looking for outreach nearby…" />
      ) : candidates.isError ? (
        <ErrorNotice {...describeError(candidates.error)} onRetry={() => candidates.refetch()} />
      ) : candidates.data.contacts.length === 0 && candidates.data.needleFinds.length === 0 ? (
        <EmptyState title="Nothing to link yet">
          <p>No contacts or needle finds at this place from the day before the report to 14 days after.</p>
        </EmptyState>
      ) : (
        <ul className="cr-candidate-list">
          {candidates.data.contacts.map((contact) => (
            <li key={contact.id}>
              <span>
                Contact: {codeLabel(contact.contactType)} at {contact.place} on{" "}
                {formatWhen(contact.occurredAt)}
                {contact.workerName ? ` by ${contact.workerName}` : ""}
              </span>
              <button
                type="button"
                className="button button-secondary"
                disabled={link.isPending || report.linkedContact?.id === contact.id}
                onClick={() => link.mutate({ id: report.id, contactId: contact.id })}
              >
                {report.linkedContact?.id === contact.id ? "Linked" : "Link"}
              </button>
            </li>
          ))}
          {candidates.data.needleFinds.map((find) => (
            <li key={find.id}>
              <span>
                Needle find: {find.count} at {find.place} on {formatWhen(find.foundAt)}
              </span>
              <button
                type="button"
                className="button button-secondary"
                disabled={link.isPending || report.linkedNeedleFind?.id === find.id}
                onClick={() => link.mutate({ id: report.id, needleFindId: find.id })}
              >
                {report.linkedNeedleFind?.id === find.id ? "Linked" : "Link"}
              </button>
            </li>
          ))}
        </ul>
      )}
    </ActionCard>
  );
}
