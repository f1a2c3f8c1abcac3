import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { adminRouter } from "./routers/admin.ts";
import { authRouter } from "./routers/auth.ts";
import { caseloadRouter } from "./routers/caseload.ts";
import { communityRouter } from "./routers/community.ts";
import { contactsRouter } from "./routers/contacts.ts";
import { deathsRouter } from "./routers/deaths.ts";
import { episodesRouter } from "./routers/episodes.ts";
import { hotspotsRouter } from "./routers/hotspots.ts";
import { mapRouter } from "./routers/map.ts";
import { needleFindsRouter } from "./routers/needle-finds.ts";
import { peopleRouter } from "./routers/people.ts";
import { placesRouter } from "./routers/places.ts";
import { referralsRouter } from "./routers/referrals.ts";
import { reportsRouter } from "./routers/reports.ts";
import { searchRouter } from "./routers/search.ts";
import { taskforceRouter } from "./routers/taskforce.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  hotspots: hotspotsRouter,
  people: peopleRouter,
  contacts: contactsRouter,
  needleFinds: needleFindsRouter,
  referrals: referralsRouter,
  episodes: episodesRouter,
  caseload: caseloadRouter,
  community: communityRouter,
  reports: reportsRouter,
  taskforce: taskforceRouter,
  deaths: deathsRouter,
  places: placesRouter,
  map: mapRouter,
  search: searchRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** An in-process caller: the CLI and tests reach the API's rules without HTTP. */
export const createCaller = createCallerFactory(appRouter);
