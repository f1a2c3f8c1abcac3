export * from "./audit.ts";
export * from "./community.ts";
export * from "./enums.ts";
export * from "./identity.ts";
export * from "./outreach.ts";
export * from "./referrals.ts";
export * from "./treatment.ts";
