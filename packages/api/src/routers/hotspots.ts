import { createHotspot, listHotspots, updateHotspot } from "@pathways/core";
import { HotspotInput, HotspotListInput, HotspotUpdate } from "@pathways/validators";
import { anyRole, procedureFor, router } from "../trpc.ts";

export const hotspotsRouter = router({
  list: procedureFor(...anyRole)
    .input(HotspotListInput)
    .query(({ ctx, input }) => listHotspots({ ctx, input })),
  create: procedureFor("admin")
    .input(HotspotInput)
    .mutation(({ ctx, input }) => createHotspot({ ctx, input })),
  update: procedureFor("admin")
    .input(HotspotUpdate)
    .mutation(({ ctx, input }) => updateHotspot({ ctx, input })),
});
