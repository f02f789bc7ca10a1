// Small pieces every page uses: the problem box, the loading line, a labelled field.
import type { ComponentChildren, JSX } from "preact";

import type { Problem } from "../problems.js";

export function ProblemBox({ problem }: { problem?: Problem }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert">
      <p>{problem.message}</p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      {what} laden…
    </p>
  );
}

// A form field with its label, its hint and the service's finding about it (aria-describedby),
// so a screen reader reads the error with the field.
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: ComponentChildren;
}) {
  return (
    <div class={props.error ? "field invalid" : "field"}>
      <label for={props.id}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

export function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

type InputAttributes = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onInput"> &
  Pick<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, "rows">;

// A text field with its label, hint and finding, wired for assistive technology: the field is
// marked invalid and described by its hint and error. `multiline` makes it a textarea.
export function TextField(
  props: {
    id: string;
    label: string;
    hint?: string;
    error?: string;
    value: string;
    onValue: (value: string) => void;
    multiline?: boolean;
  } & InputAttributes,
) {
  const { id, label, hint, error, value, onValue, multiline, ...rest } = props;
  const wiring = {
    id,
    value,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(id, hint, error),
    onInput: (e: Event) => onValue((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
  };
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {multiline ? (
        <textarea {...(rest as unknown as JSX.TextareaHTMLAttributes<HTMLTextAreaElement>)} {...wiring} />
      ) : (
        <input {...(rest as JSX.InputHTMLAttributes<HTMLInputElement>)} {...wiring} />
      )}
    </Field>
  );
}
