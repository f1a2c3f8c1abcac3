import { createHotspot, listHotspots, updateHotspot, verbRoles } from "@pathways/core";
import { HotspotInput, HotspotListInput, HotspotUpdate } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const hotspotsRouter = router({
  list: procedureFor(verbRoles.signedIn)
    .input(HotspotListInput)
    .query(({ ctx, input }) => listHotspots({ ctx, input })),
  create: procedureFor(verbRoles.administer)
    .input(HotspotInput)
    .mutation(({ ctx, input }) => createHotspot({ ctx, input })),
  update: procedureFor(verbRoles.administer)
    .input(HotspotUpdate)
    .mutation(({ ctx, input }) => updateHotspot({ ctx, input })),
});
