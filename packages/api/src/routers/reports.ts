import {
  funnelReport,
  hotspotActivityReport,
  outcomesReport,
  safeguardingReport,
  waitingTimesReport,
} from "@pathways/core";
import {
  FunnelInput,
  HotspotActivityInput,
  OutcomesInput,
  SafeguardingInput,
  WaitingTimesInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/**
 * Aggregate reports. Commissioners get every provider's figures with disclosure control applied in
 * core, before anything leaves the API; a treatment manager gets their own provider's outcomes and
 * waiting times as they are.
 */
export const reportsRouter = router({
  funnel: procedureFor("commissioner")
    .input(FunnelInput)
    .query(({ ctx, input }) => funnelReport({ ctx, input })),
  outcomes: procedureFor("commissioner", "treatment_manager")
    .input(OutcomesInput)
    .query(({ ctx, input }) => outcomesReport({ ctx, input })),
  waitingTimes: procedureFor("commissioner", "treatment_manager")
    .input(WaitingTimesInput)
    .query(({ ctx, input }) => waitingTimesReport({ ctx, input })),
  hotspotActivity: procedureFor("commissioner")
    .input(HotspotActivityInput)
    .query(({ ctx, input }) => hotspotActivityReport({ ctx, input })),
  safeguarding: procedureFor("commissioner")
    .input(SafeguardingInput)
    .query(({ ctx, input }) => safeguardingReport({ ctx, input })),
});
