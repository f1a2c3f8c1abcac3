import { appRouter } from "@pathways/api";
import type { ServerConfig } from "@pathways/server/env";
import { reportKinds } from "@pathways/validators";
import { describe, expect, it } from "vitest";
import type { Output } from "../src/output.ts";
import { report, reportUsage } from "../src/report.ts";

// Refused before the database is opened, so no configuration is read.
const noConfig = {} as ServerConfig;
const silent: Output = { out: () => {}, err: () => {} };

describe("pathways report and the report registry", () => {
  it("takes exactly the registry's reports, by the names of the API's procedures", async () => {
    const procedures = Object.keys(appRouter._def.procedures)
      .filter((path) => path.startsWith("reports."))
      .map((path) => path.slice("reports.".length));
    expect(procedures).toEqual([...reportKinds]);
    expect(reportUsage).toContain(`pathways report <${reportKinds.join("|")}>`);
    for (const kind of reportKinds) {
      await expect(report(noConfig, kind, {}, {}, silent), kind).rejects.toThrow(
        "--from and --to are required, as YYYY-MM-DD",
      );
    }
    await expect(report(noConfig, "waitingTimes", {}, {}, silent)).rejects.toThrow(
      `Which report? pathways report <${reportKinds.join("|")}>`,
    );
  });
});
