import { beforeAfterAction, hotspotEvidence, importIncidents, verbRoles } from "@pathways/core";
import { BeforeAfterInput, EvidenceInput, IncidentFileInput } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

/** Places: incidents from partners (all or nothing; a re-import adds nothing) and hotspot evidence. */
export const placesRouter = router({
  importIncidents: procedureFor(verbRoles.placeEvidence)
    .input(IncidentFileInput)
    .mutation(({ ctx, input }) => importIncidents({ ctx, input })),
  evidence: procedureFor(verbRoles.placeEvidence)
    .input(EvidenceInput)
    .query(({ ctx, input }) => hotspotEvidence({ ctx, input })),
  beforeAfter: procedureFor(verbRoles.readTaskforce)
    .input(BeforeAfterInput)
    .query(({ ctx, input }) => beforeAfterAction({ ctx, input })),
});
