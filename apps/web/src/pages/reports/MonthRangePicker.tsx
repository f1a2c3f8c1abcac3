import { Field, fieldAria } from "../../components/ui.tsx";
import {
  monthChoices,
  monthLabel,
  monthOf,
  periodOfMonths,
  type ReportPeriod,
} from "../../lib/month-range.ts";

/**
 * A report period as a range of whole months: two selects, so only whole months can be chosen (a
 * native month input is not offered by every browser). The messages come from the validators, each
 * under the field it names: `from` under From month, `to` under To month.
 */
export function MonthRangePicker({
  period,
  today,
  errors,
  onChange,
}: {
  period: ReportPeriod;
  today: string;
  errors: { from?: string[]; to?: string[] };
  onChange: (period: ReportPeriod) => void;
}) {
  const first = monthOf(period.from);
  const last = monthOf(period.to);
  const whole = periodOfMonths(first, last);
  const options = monthChoices(today, [first, last]).map((choice) => (
    <option key={choice.value} value={choice.value}>
      {choice.label}
    </option>
  ));
  // Both fields are described by the days the months stand for, which follow any change.
  const described = (id: string, errors?: string[]) => {
    const aria = fieldAria(id, errors);
    return {
      ...aria,
      "aria-describedby": [aria["aria-describedby"], "report-period-days"].filter(Boolean).join(" "),
    };
  };
  return (
    <>
      <Field id="report-from" label="From month" errors={errors.from}>
        <select
          {...described("report-from", errors.from)}
          value={first}
          onChange={(e) => onChange(periodOfMonths(e.target.value, last))}
        >
          {options}
        </select>
      </Field>
      <Field id="report-to" label="To month" errors={errors.to}>
        <select
          {...described("report-to", errors.to)}
          value={last}
          onChange={(e) => onChange(periodOfMonths(first, e.target.value))}
        >
          {options}
        </select>
      </Field>
      <p className="hint report-period-days" id="report-period-days" aria-live="polite">
        {monthLabel(first)} to {monthLabel(last)}: {whole.from} to {whole.to}.
      </p>
    </>
  );
}
