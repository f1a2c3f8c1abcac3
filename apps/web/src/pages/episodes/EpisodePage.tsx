import { codeLabel } from "@pathways/validators";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { Dialog } from "../../components/Dialog.tsx";
import { ErrorNotice, Loading, PageHeader } from "../../components/ui.tsx";
import { formatDateTime, formatDay } from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { Appointments } from "./Appointments.tsx";
import { DischargeForm } from "./DischargeForm.tsx";
import { Interventions } from "./Interventions.tsx";
import { TopReviews } from "./TopReviews.tsx";

/** One treatment episode for its provider: appointments, TOP reviews, interventions and discharge. */
export function EpisodePage({ episodeId }: { episodeId: string }) {
  const trpc = useTRPC();
  const episode = useQuery(trpc.episodes.get.queryOptions({ episodeId }));
  const [discharging, setDischarging] = useState(false);

  if (episode.isPending) return <Loading label="Loading the episode…" />;
  if (episode.isError) {
    return <ErrorNotice {...describeError(episode.error)} onRetry={() => episode.refetch()} />;
  }
  const data = episode.data;
  const open = !data.dischargedOn;
  return (
    <section>
      <p>
        <Link href="/caseload">← Caseload</Link>
      </p>
      <PageHeader title={`${data.person.attributor}${data.person.alias ? ` “${data.person.alias}”` : ""}`}>
        <p className="lede">
          {data.person.fullName && <>{data.person.fullName} · </>}
          {codeLabel(data.substanceGroup)} treatment with {data.providerName}
        </p>
        <p className="flag-row">
          {open ? (
            <span className="status-pill status-open">Open</span>
          ) : (
            <span
              className={
                data.successfulDischarge ? "status-pill status-success" : "status-pill status-closed"
              }
            >
              Discharged {formatDay(data.dischargedOn)}: {codeLabel(data.dischargeReason ?? "")}
            </span>
          )}
          {data.atRiskSince && (
            <span className="status-pill status-danger">At risk since {formatDay(data.atRiskSince)}</span>
          )}
          {data.topOverdue && <span className="status-pill status-danger">TOP overdue</span>}
          {data.isRepresentation && <span className="status-pill status-open">Re-presentation</span>}
          {data.safeguardingFlags.map((flag) => (
            <span key={flag.id} className="status-pill status-warning">
              Safeguarding: {codeLabel(flag.concern)}
            </span>
          ))}
        </p>
      </PageHeader>
      <dl className="episode-summary">
        <div>
          <dt>Keyworker</dt>
          <dd>{data.keyworker?.name ?? "Not assigned"}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDay(data.startedOn)}</dd>
        </div>
        <div>
          <dt>Days in treatment</dt>
          <dd>{data.daysInTreatment}</dd>
        </div>
        <div>
          <dt>Last attended</dt>
          <dd>{formatDateTime(data.lastAttendedAt)}</dd>
        </div>
        <div>
          <dt>Next TOP due</dt>
          <dd>{data.nextTopDue ? formatDay(data.nextTopDue) : "–"}</dd>
        </div>
        <div>
          <dt>Referral</dt>
          <dd>
            {data.referral
              ? `${data.referral.reference} from ${data.referral.referringOrganisationName}, ${formatDay(data.referral.requestedAt)}; waited ${data.referral.waitingDays} days`
              : "Self-referral"}
          </dd>
        </div>
        {!open && data.substanceGroup === "opiate" && (
          <div>
            <dt>On OST at exit</dt>
            <dd>{data.ostAtExit ? "Yes" : "No"}</dd>
          </div>
        )}
      </dl>
      {open && (
        <p>
          <button type="button" className="button button-secondary" onClick={() => setDischarging(true)}>
            Discharge…
          </button>
        </p>
      )}
      <Appointments episode={data} />
      <TopReviews episode={data} />
      <Interventions episode={data} />
      <Dialog
        open={discharging}
        title={`Discharge ${data.person.attributor}`}
        onClose={() => setDischarging(false)}
      >
        <DischargeForm episode={data} onDone={() => setDischarging(false)} />
      </Dialog>
    </section>
  );
}
