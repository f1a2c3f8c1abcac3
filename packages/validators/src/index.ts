export * from "./codes.ts";
export * from "./common.ts";
export * from "./identity.ts";
export * from "./outreach.ts";
export * from "./referrals.ts";
export * from "./treatment.ts";
export * from "./community.ts";
