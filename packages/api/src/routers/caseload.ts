import {
  createKeyworker,
  listCaseload,
  listKeyworkers,
  listWaitingList,
  reassignEpisode,
  updateKeyworker,
  verbRoles,
} from "@pathways/core";
import {
  CaseloadInput,
  KeyworkerInput,
  KeyworkerUpdate,
  ReassignEpisodeInput,
  WaitingListInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

const manager = () => procedureFor(verbRoles.treat);

export const caseloadRouter = router({
  keyworkers: manager().query(({ ctx }) => listKeyworkers({ ctx, input: undefined })),
  createKeyworker: manager()
    .input(KeyworkerInput)
    .mutation(({ ctx, input }) => createKeyworker({ ctx, input })),
  updateKeyworker: manager()
    .input(KeyworkerUpdate)
    .mutation(({ ctx, input }) => updateKeyworker({ ctx, input })),
  episodes: manager()
    .input(CaseloadInput)
    .query(({ ctx, input }) => listCaseload({ ctx, input })),
  waitingList: manager()
    .input(WaitingListInput)
    .query(({ ctx, input }) => listWaitingList({ ctx, input })),
  reassign: manager()
    .input(ReassignEpisodeInput)
    .mutation(({ ctx, input }) => reassignEpisode({ ctx, input })),
});
