/** A value in a CSV cell: text as given, numbers as digits, null and undefined as an empty cell. */
export type CsvValue = string | number | null | undefined;

/** The byte order mark: without it, spreadsheet programs open UTF-8 as a legacy code page ("Ã©"). */
export const utf8Bom = "\uFEFF";

// Text starting with these is run as a formula by spreadsheet programs (CSV injection).
const formulaStart = /^[=+\-@\t\r]/;

function field(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`A CSV cell cannot hold ${value}`);
    return String(value);
  }
  const text = formulaStart.test(value) ? `'${value}` : value;
  // RFC 4180: a field with a comma, quote or line break is quoted, and its quotes doubled.
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A CSV file as RFC 4180 describes it (header row, CRLF line ends, quoted fields where needed),
 * starting with a UTF-8 byte order mark so spreadsheet programs read names and `<5` correctly.
 */
export function toCsv(header: string[], rows: CsvValue[][]): string {
  const lines = [header, ...rows].map((row) => row.map(field).join(","));
  return `${utf8Bom}${lines.join("\r\n")}\r\n`;
}
