export * from "./channels.ts";
export * from "./outbox.ts";
export { maxSubmissionsPerAddress, submissionWindowMinutes } from "./rate-limit.ts";
export * from "./reports.ts";
export { formatReference, hashTrackingToken } from "./tokens.ts";
export * from "./triage/index.ts";
export { composeUpdate } from "./updates.ts";
