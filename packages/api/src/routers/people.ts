import {
  createPerson,
  findPeople,
  getPerson,
  likelyDuplicates,
  mergePeople,
  recordConsent,
  resolveSafeguardingFlag,
  undoMerge,
} from "@pathways/core";
import {
  AttributorInput,
  ConsentInput,
  FindPeopleInput,
  MergePeopleInput,
  PersonIdInput,
  PersonInput,
  ResolveSafeguardingFlagInput,
  UndoMergeInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/** Person-level records: never commissioners; admins read but never see clinical detail. */
export const peopleRouter = router({
  find: procedureFor("outreach_worker", "treatment_manager", "admin")
    .input(FindPeopleInput)
    .query(({ ctx, input }) => findPeople({ ctx, input })),
  likelyDuplicates: procedureFor("outreach_worker", "treatment_manager", "admin")
    .input(AttributorInput)
    .query(({ ctx, input }) => likelyDuplicates({ ctx, input })),
  get: procedureFor("outreach_worker", "treatment_manager", "admin")
    .input(PersonIdInput)
    .query(({ ctx, input }) => getPerson({ ctx, input })),
  create: procedureFor("outreach_worker", "treatment_manager")
    .input(PersonInput)
    .mutation(({ ctx, input }) => createPerson({ ctx, input })),
  recordConsent: procedureFor("outreach_worker", "treatment_manager")
    .input(ConsentInput)
    .mutation(({ ctx, input }) => recordConsent({ ctx, input })),
  resolveSafeguardingFlag: procedureFor("outreach_worker", "treatment_manager")
    .input(ResolveSafeguardingFlagInput)
    .mutation(({ ctx, input }) => resolveSafeguardingFlag({ ctx, input })),
  merge: procedureFor("outreach_worker", "admin")
    .input(MergePeopleInput)
    .mutation(({ ctx, input }) => mergePeople({ ctx, input })),
  undoMerge: procedureFor("outreach_worker", "admin")
    .input(UndoMergeInput)
    .mutation(({ ctx, input }) => undoMerge({ ctx, input })),
});
