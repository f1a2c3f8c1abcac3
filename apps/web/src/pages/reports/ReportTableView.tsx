import {
  hiddenFigure,
  type ReportChoice,
  type ReportKind,
  type ReportTable,
  reportCsvFileName,
  reportTableCsv,
} from "@pathways/validators";
import { downloadCsv, formatFigure } from "../../lib/reports.ts";

/** One cell: hidden figures and empty shares are spelled out for screen readers. */
function Figure({ value, kind }: { value: string | number | null | undefined; kind: string }) {
  if (value === hiddenFigure) {
    return (
      <>
        <span aria-hidden="true">*</span>
        <span className="visually-hidden">hidden</span>
      </>
    );
  }
  if ((value === null || value === "") && kind !== "text") {
    return (
      <>
        <span aria-hidden="true">–</span>
        <span className="visually-hidden">none</span>
      </>
    );
  }
  return <>{formatFigure(value, kind)}</>;
}

/** Numbers line up on the right; dates and months stay on one line. */
function cellClass(kind: string): string | undefined {
  if (kind === "text") return undefined;
  return kind === "date" || kind === "month" ? "report-date" : "numeric";
}

/**
 * A report table exactly as its CSV file holds it (both are made from the same `ReportTable`), with
 * a download of that file. The first column heads each row.
 */
export function ReportTableView({
  kind,
  table,
  period,
}: {
  kind: ReportKind;
  table: ReportTable;
  /** What the report was run for: its period and any hotspot or group, named in the CSV and its file name. */
  period: ReportChoice;
}) {
  const fileName = reportCsvFileName(kind, table, period);
  return (
    <div className="report-table">
      <div className="report-table-head">
        <h3 id={`table-${table.key}`}>{table.title}</h3>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => downloadCsv(fileName, reportTableCsv(table, period))}
        >
          Download CSV<span className="visually-hidden"> of {table.title}</span>
        </button>
      </div>
      {/* Scrolls sideways on a phone; focusable so a keyboard can scroll it too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="table-wrap" tabIndex={0} aria-labelledby={`table-${table.key}`}>
        <table>
          <caption className="visually-hidden">
            {table.title}, {period.from} to {period.to}
          </caption>
          <thead>
            <tr>
              {table.columns.map((column) => (
                <th
                  key={column.label}
                  scope="col"
                  // Short headings (months such as 2025-06) are not broken at their hyphen.
                  className={
                    [cellClass(column.kind), column.label.length <= 8 ? "report-nowrap" : undefined]
                      .filter(Boolean)
                      .join(" ") || undefined
                  }
                >
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, rowIndex) => (
              <tr
                // Rows are fixed by the report: their position is their identity.
                key={rowIndex}
                className={table.totalRows.includes(rowIndex) ? "report-total" : undefined}
              >
                {row.map((value, columnIndex) => {
                  const column = table.columns[columnIndex]!;
                  return columnIndex === 0 ? (
                    <th key={column.label} scope="row" className={cellClass(column.kind)}>
                      {value}
                    </th>
                  ) : (
                    <td key={column.label} className={cellClass(column.kind)}>
                      <Figure value={value} kind={column.kind} />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
