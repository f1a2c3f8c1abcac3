import { Field, fieldAria } from "./ui.tsx";

/** A labelled calendar date (YYYY-MM-DD, as the verbs take it) with its hint and errors. */
export function DateField({
  id,
  label,
  value,
  onChange,
  errors,
  hint,
  min,
  max,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  hint?: string;
  min?: string;
  max?: string;
}) {
  return (
    <Field id={id} label={label} errors={errors} hint={hint}>
      <input
        {...fieldAria(id, errors, hint)}
        type="date"
        min={min}
        max={max}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
