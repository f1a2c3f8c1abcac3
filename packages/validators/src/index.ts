export * from "./codes.ts";
export * from "./common.ts";
export * from "./identity.ts";
export * from "./outreach.ts";
