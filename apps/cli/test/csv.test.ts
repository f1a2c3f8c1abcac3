import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "../src/csv.ts";

/** What csv-parse (the reference this parser replaced for speed) reads from the same text. */
function reference(text: string) {
  return (
    parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[]
  ).map(({ record, info }) => ({ line: info.lines, fields: record }));
}

function refusal(text: string) {
  try {
    parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { line: error.line, message: error.message };
    throw error;
  }
  return null;
}

describe("parseCsv", () => {
  it("reads what csv-parse reads: quotes, doubled quotes, line breaks in values, CRLF, a BOM, empty lines", () => {
    const samples = [
      "a,b,c\n1,2,3\n",
      "a,b,c\r\n1,2,3\r\n4,5,6",
      "\ufeffperson_ref,notes\nP1,plain\n",
      'a,b\n"x, y","say ""hi"""\n',
      'a,b\n"two\nlines",2\n3,"and\nthree\nlines"\n4,5\n',
      "a,b\n\n1,2\n\n\n3,4\n",
      'a,b\n,\n"",x\n',
      "a\n1\n2\n",
      "a,b\r1,2\r3,4\r",
      "only,a,header\n",
      "",
    ];
    for (const text of samples) expect(parseCsv(text), JSON.stringify(text)).toEqual(reference(text));
    // Where csv-parse counts a CRLF inside quotes as two lines, the line is the one the record ends on.
    expect(parseCsv('a,b\r\n"two\r\nlines",2\r\n4,5\r\n')).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["two\r\nlines", "2"] },
      { line: 4, fields: ["4", "5"] },
    ]);
  });

  it("refuses broken files with the line where reading stopped", () => {
    expect(refusal('a,b\n1,"open\n2,3\n')).toEqual({ line: 2, message: "a quoted value is not closed" });
    expect(refusal('a,b\n1,"x"y\n')).toEqual({
      line: 2,
      message: "a closing quote must be followed by a comma or the end of the line",
    });
    expect(refusal('a,b\n1,x"y\n')).toEqual({
      line: 2,
      message: 'a value with a quote in it must be quoted, with the quote doubled ("")',
    });
    expect(refusal("a,b,c\n1,2,3\n4,5\n")).toEqual({
      line: 3,
      message: "this line has 2 values; the first line has 3",
    });
    // csv-parse refuses the same files.
    for (const text of ['a,b\n1,"open\n', 'a,b\n1,"x"y\n', 'a,b\n1,x"y\n', "a,b,c\n4,5\n"]) {
      expect(() => reference(text)).toThrow();
    }
  });
});
