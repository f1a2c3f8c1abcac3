import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const bin = path.resolve(import.meta.dirname, "../bin/pathways-dev.js");
const tmp = mkdtempSync(path.join(os.tmpdir(), "pathways-deaths-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function pathways(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, LOG_LEVEL: "silent", PATHWAYS_DATA_DIR: path.join(tmp, "data") },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("pathways deaths import", { timeout: 600_000 }, () => {
  it("loads populations, then deaths, all or nothing, naming each bad line and column", () => {
    const populations = path.join(tmp, "populations.csv");
    writeFileSync(
      populations,
      "area,area_kind,year,population,source\nOxford,city,2016,143700,ONS MYE\nOxford,city,2017,many,ONS MYE\n",
    );
    expect(pathways(["deaths", "import", populations])).toEqual({
      status: 1,
      stdout: "",
      stderr:
        "populations.csv line 3, column population: population must be a number\nNothing was imported: fix the problem above and run the import again.\n",
    });
    writeFileSync(
      populations,
      "area,area_kind,year,population,source\nOxford,city,2016,143700,ONS MYE\nOxford,city,2017,143900,ONS MYE\n",
    );
    expect(pathways(["deaths", "import", populations]).stdout).toBe("Imported 2 rows of populations.csv.\n");
    const deaths = path.join(tmp, "drug_related_deaths.csv");
    writeFileSync(
      deaths,
      "reference,died_on,area,substance_group,known_to_treatment,age_at_death\nC-1,2016-05-02,Oxford,opiate,yes,39\nC-2,2017-01-09,Banbury,opiate,maybe,51\n",
    );
    const refused = pathways(["deaths", "import", deaths]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      "drug_related_deaths.csv line 3, column area: no area called Banbury; import its populations first",
    );
    expect(refused.stderr).toContain("drug_related_deaths.csv line 3, column known_to_treatment:");
    writeFileSync(
      deaths,
      "reference,died_on,area,substance_group,known_to_treatment,age_at_death\nC-1,2016-05-02,Oxford,opiate,yes,39\n",
    );
    expect(pathways(["deaths", "import", deaths]).stdout).toBe(
      "Imported 1 row of drug_related_deaths.csv.\n",
    );
    expect(pathways(["deaths", "import", path.join(tmp, "deaths.csv")]).status).toBe(2);
  });
});
