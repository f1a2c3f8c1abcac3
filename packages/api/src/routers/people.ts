import {
  correctPerson,
  createPerson,
  findPeople,
  getPerson,
  likelyDuplicates,
  mergePeople,
  peopleMetRecently,
  personCorrectionHistory,
  recordConsent,
  resolveSafeguardingFlag,
  undoMerge,
  verbRoles,
} from "@pathways/core";
import {
  AttributorInput,
  ConsentInput,
  CorrectPersonInput,
  FindPeopleInput,
  MergePeopleInput,
  PersonCorrectionsInput,
  PersonIdInput,
  PersonInput,
  ResolveSafeguardingFlagInput,
  UndoMergeInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/** Person-level records: never commissioners; admins read but never see clinical detail. */
export const peopleRouter = router({
  find: procedureFor(verbRoles.readPeople)
    .input(FindPeopleInput)
    .query(({ ctx, input }) => findPeople({ ctx, input })),
  likelyDuplicates: procedureFor(verbRoles.readPeople)
    .input(AttributorInput)
    .query(({ ctx, input }) => likelyDuplicates({ ctx, input })),
  get: procedureFor(verbRoles.readPeople)
    .input(PersonIdInput)
    .query(({ ctx, input }) => getPerson({ ctx, input })),
  create: procedureFor(verbRoles.writePeople)
    .input(PersonInput)
    .mutation(({ ctx, input }) => createPerson({ ctx, input })),
  recordConsent: procedureFor(verbRoles.writePeople)
    .input(ConsentInput)
    .mutation(({ ctx, input }) => recordConsent({ ctx, input })),
  resolveSafeguardingFlag: procedureFor(verbRoles.writePeople)
    .input(ResolveSafeguardingFlagInput)
    .mutation(({ ctx, input }) => resolveSafeguardingFlag({ ctx, input })),
  merge: procedureFor(verbRoles.mergePeople)
    .input(MergePeopleInput)
    .mutation(({ ctx, input }) => mergePeople({ ctx, input })),
  undoMerge: procedureFor(verbRoles.mergePeople)
    .input(UndoMergeInput)
    .mutation(({ ctx, input }) => undoMerge({ ctx, input })),
  /** The people this worker met recently, for the phone's offline search (core decides what is in it). */
  metRecently: procedureFor(verbRoles.logOutreach).query(({ ctx }) =>
    peopleMetRecently({ ctx, input: undefined }),
  ),
  /** Correct a person's details (each change kept old -> new with the reason; the attributor follows). */
  correct: procedureFor(verbRoles.writePeople)
    .input(CorrectPersonInput)
    .mutation(({ ctx, input }) => correctPerson({ ctx, input })),
  corrections: procedureFor(verbRoles.readPeople)
    .input(PersonCorrectionsInput)
    .query(({ ctx, input }) => personCorrectionHistory({ ctx, input })),
});
