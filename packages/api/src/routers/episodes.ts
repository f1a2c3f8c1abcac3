import {
  addIntervention,
  discharge,
  endIntervention,
  getEpisode,
  listOverdueTopReviews,
  recordAppointmentOutcome,
  recordTopReview,
  scheduleAppointment,
  startEpisode,
  verbRoles,
} from "@pathways/core";
import {
  AppointmentInput,
  AppointmentOutcomeInput,
  CaseloadInput,
  DischargeInput,
  EndInterventionInput,
  EpisodeIdInput,
  InterventionInput,
  StartEpisodeInput,
  TopReviewInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/** Clinical treatment detail: the provider's treatment managers only. */
const manager = () => procedureFor(verbRoles.treat);

export const episodesRouter = router({
  start: manager()
    .input(StartEpisodeInput)
    .mutation(({ ctx, input }) => startEpisode({ ctx, input })),
  get: manager()
    .input(EpisodeIdInput)
    .query(({ ctx, input }) => getEpisode({ ctx, input })),
  scheduleAppointment: manager()
    .input(AppointmentInput)
    .mutation(({ ctx, input }) => scheduleAppointment({ ctx, input })),
  recordAppointmentOutcome: manager()
    .input(AppointmentOutcomeInput)
    .mutation(({ ctx, input }) => recordAppointmentOutcome({ ctx, input })),
  addIntervention: manager()
    .input(InterventionInput)
    .mutation(({ ctx, input }) => addIntervention({ ctx, input })),
  endIntervention: manager()
    .input(EndInterventionInput)
    .mutation(({ ctx, input }) => endIntervention({ ctx, input })),
  recordTopReview: manager()
    .input(TopReviewInput)
    .mutation(({ ctx, input }) => recordTopReview({ ctx, input })),
  discharge: manager()
    .input(DischargeInput)
    .mutation(({ ctx, input }) => discharge({ ctx, input })),
  overdueTopReviews: manager()
    .input(CaseloadInput.omit({ show: true }))
    .query(({ ctx, input }) => listOverdueTopReviews({ ctx, input })),
});
