export { refreshDayRollups } from "./day-rollups.ts";
export { DisclosureControl } from "./disclosure.ts";
export { funnelReport } from "./funnel.ts";
export { hotspotActivityReport } from "./hotspot-activity.ts";
export { outcomesReport } from "./outcomes.ts";
export { type RefreshResult, refreshPersonRollups } from "./person-rollups.ts";
export { type RollupRefresher, startRollupRefresher } from "./refresher.ts";
export { safeguardingReport } from "./safeguarding.ts";
export { waitingTimesReport } from "./waiting-times.ts";
