import {
  correctDeath,
  createArea,
  listAreas,
  listDeaths,
  recordDeath,
  setPopulation,
  verbRoles,
} from "@pathways/core";
import {
  AreaInput,
  DeathCorrectionInput,
  DeathInput,
  DeathListInput,
  PopulationInput,
} from "@pathways/validators/deaths";
import { procedureFor, router } from "../trpc.ts";

/** The register of drug-related deaths and the areas and populations rates are given for. */
export const deathsRouter = router({
  record: procedureFor(verbRoles.recordDeaths)
    .input(DeathInput)
    .mutation(({ ctx, input }) => recordDeath({ ctx, input })),
  correct: procedureFor(verbRoles.recordDeaths)
    .input(DeathCorrectionInput)
    .mutation(({ ctx, input }) => correctDeath({ ctx, input })),
  list: procedureFor(verbRoles.recordDeaths)
    .input(DeathListInput)
    .query(({ ctx, input }) => listDeaths({ ctx, input })),
  areas: procedureFor(verbRoles.signedIn).query(({ ctx }) => listAreas({ ctx, input: undefined })),
  createArea: procedureFor(verbRoles.administer)
    .input(AreaInput)
    .mutation(({ ctx, input }) => createArea({ ctx, input })),
  setPopulation: procedureFor(verbRoles.administer)
    .input(PopulationInput)
    .mutation(({ ctx, input }) => setPopulation({ ctx, input })),
});
