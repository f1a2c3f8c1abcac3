import { codeLabel } from "@pathways/validators/codes";
import { Field, fieldAria } from "./ui.tsx";

/**
 * A labelled choice of one code from a DOMAIN.md code list, shown as people read it (`codeLabel`
 * unless the list has labels of its own). `empty` adds a first, empty choice ("Choose…"), whose value
 * is "": give it only where `value` may be "".
 */
export function CodeSelect<V extends string, C extends V>({
  id,
  label,
  codes,
  value,
  onChange,
  errors,
  hint,
  empty,
  optionLabel = codeLabel,
}: {
  id: string;
  label: string;
  codes: readonly C[];
  value: V;
  onChange: (value: V) => void;
  errors?: string[];
  hint?: string;
  empty?: string;
  optionLabel?: (code: C) => string;
}) {
  return (
    <Field id={id} label={label} errors={errors} hint={hint}>
      <select
        {...fieldAria(id, errors, hint)}
        value={value}
        onChange={(event) => onChange(event.target.value as V)}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {codes.map((code) => (
          <option key={code} value={code}>
            {optionLabel(code)}
          </option>
        ))}
      </select>
    </Field>
  );
}
