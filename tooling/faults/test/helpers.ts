import type { AppRouter } from "@pathways/api";
import { TRPCClientError } from "@trpc/client";
import type { inferRouterInputs } from "@trpc/server";

export type ContactInput = inferRouterInputs<AppRouter>["contacts"]["log"];

export function contactInput(clientKey: string, hotspotId: string): ContactInput {
  return {
    clientKey,
    occurredAt: new Date(Date.now() - 60_000),
    hotspotId,
    contactType: "street_outreach",
    substances: ["heroin"],
    interventions: [
      { intervention: "naloxone_supplied", quantity: 1 },
      { intervention: "harm_reduction_advice" },
    ],
    safeguardingConcerns: [],
  };
}

export function statusOf(error: unknown): number | "network" {
  if (error instanceof TRPCClientError) {
    const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
    return status ?? "network";
  }
  return "network";
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`Timed out waiting for ${what}`);
}
