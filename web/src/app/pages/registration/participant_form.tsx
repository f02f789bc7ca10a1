// One participant: INSZ and name, attendance (hours) or participation as the training asks, the
// first final assessment, route completed and exam contract (or "not known yet" for a training
// that continues after 31 August), the actual end date. The service's findings appear at the
// fields they concern.
import type { JSX } from "preact";
import { useState } from "preact/hooks";

import { DeliveryMode, type Training } from "../../../gen/wse/registration/v1/training_pb.js";
import { FinalAssessment } from "../../../gen/wse/registration/v1/participant_pb.js";
import type { ParticipantSchema } from "../../../gen/wse/registration/v1/participant_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { describedBy, Field, TextField } from "../../ui/parts.js";

export type ParticipantInput = MessageInitShape<typeof ParticipantSchema>;

export const FINAL_ASSESSMENTS: Array<[FinalAssessment, string]> = [
  [FinalAssessment.PARTICIPATED, "Deelgenomen"],
  [FinalAssessment.NOT_PARTICIPATED, "Niet deelgenomen"],
  [FinalAssessment.JUSTIFIED_ABSENCE, "Gewettigd afwezig"],
  [FinalAssessment.NOT_YET_HELD, "Nog niet plaatsgevonden (opleiding loopt door na 31 augustus)"],
];

type Answer = "" | "yes" | "no";
const answerOf = (a: Answer) => (a === "" ? undefined : a === "yes");

function parseHours(text: string): number {
  return Number(text.replace(",", "."));
}

export function ParticipantForm(props: {
  training?: Training;
  fieldErrors: Record<string, string>; // paths relative to the participant
  busy: boolean;
  onSubmit: (participant: ParticipantInput) => void;
}) {
  const classroom = props.training?.deliveryMode === DeliveryMode.CLASSROOM;
  const [insz, setInsz] = useState("");
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"attendance" | "participation">("attendance");
  const [present, setPresent] = useState("");
  const [toFollow, setToFollow] = useState(
    props.training?.plannedHours ? String(props.training.plannedHours) : "",
  );
  const [absent, setAbsent] = useState("0");
  const [participated, setParticipated] = useState(true);
  const [modules, setModules] = useState<string[]>([]);
  const [assessment, setAssessment] = useState<FinalAssessment>(FinalAssessment.PARTICIPATED);
  const [route, setRoute] = useState<Answer>("yes");
  const [exam, setExam] = useState<Answer>("no");
  const [endDate, setEndDate] = useState("");
  const e = props.fieldErrors;
  const measurement = classroom ? "attendance" : kind;

  const submit = (event: Event) => {
    event.preventDefault();
    const [y, m, d] = endDate.split("-").map(Number);
    props.onSubmit({
      insz,
      displayName: name,
      measurement:
        measurement === "attendance"
          ? {
              case: "attendance",
              value: {
                hoursPresent: parseHours(present),
                contactHoursToFollow: parseHours(toFollow),
                unjustifiedAbsenceHours: parseHours(absent),
              },
            }
          : { case: "participation", value: { participated, completedModuleCodes: modules } },
      finalAssessment: assessment,
      routeCompleted: answerOf(route),
      examContract: answerOf(exam),
      actualEndDate: endDate ? { year: y, month: m, day: d } : undefined,
    });
  };
  const input = (
    id: string,
    label: string,
    value: string,
    set: (v: string) => void,
    error?: string,
    extra: Omit<JSX.InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onInput"> = {},
    hint?: string,
  ) => <TextField id={id} label={label} hint={hint} error={error} value={value} onValue={set} {...extra} />;
  const answer = (id: string, label: string, value: Answer, set: (a: Answer) => void, error?: string) => (
    <Field id={id} label={label} error={error}>
      <select
        id={id}
        value={value}
        aria-describedby={describedBy(id, undefined, error)}
        onChange={(ev) => set((ev.currentTarget as HTMLSelectElement).value as Answer)}
      >
        <option value="yes">Ja</option>
        <option value="no">Nee</option>
        <option value="">Nog niet gekend</option>
      </select>
    </Field>
  );
  return (
    <form class="form" onSubmit={submit} aria-labelledby="nieuwe-deelnemer">
      <h3 id="nieuwe-deelnemer">Deelnemer toevoegen</h3>
      {input("p-insz", "INSZ (rijksregisternummer)", insz, setInsz, e["insz"], {
        required: true,
        inputMode: "numeric",
        autocomplete: "off",
      })}
      {input("p-name", "Naam (optioneel)", name, setName, e["display_name"], { autocomplete: "off" })}
      {!classroom && (
        <fieldset>
          <legend>Wat registreert u?</legend>
          <label>
            <input
              type="radio"
              name="kind"
              checked={kind === "attendance"}
              onChange={() => setKind("attendance")}
            />{" "}
            Aanwezigheid in uren
          </label>
          <label>
            <input
              type="radio"
              name="kind"
              checked={kind === "participation"}
              onChange={() => setKind("participation")}
            />{" "}
            Deelname
          </label>
        </fieldset>
      )}
      {measurement === "attendance" ? (
        <>
          {input("p-present", "Aanwezige uren", present, setPresent, e["attendance.hours_present"], {
            required: true,
            inputMode: "decimal",
          })}
          {input(
            "p-to-follow",
            "Te volgen contacturen dit schooljaar",
            toFollow,
            setToFollow,
            e["attendance.contact_hours_to_follow"],
            { required: true, inputMode: "decimal" },
          )}
          {input(
            "p-absent",
            "Uren ongewettigde afwezigheid",
            absent,
            setAbsent,
            e["attendance.unjustified_absence_hours"],
            { required: true, inputMode: "decimal" },
          )}
        </>
      ) : (
        <>
          <div class="field">
            <label>
              <input
                type="checkbox"
                id="p-participated"
                checked={participated}
                onChange={(ev) => setParticipated((ev.currentTarget as HTMLInputElement).checked)}
              />{" "}
              De deelnemer heeft deelgenomen
            </label>
          </div>
          {(props.training?.modules.length ?? 0) > 0 && (
            <fieldset>
              <legend>Voltooide modules</legend>
              {props.training!.modules.map((m) => (
                <label key={m.code}>
                  <input
                    type="checkbox"
                    checked={modules.includes(m.code)}
                    onChange={(ev) =>
                      setModules(
                        (ev.currentTarget as HTMLInputElement).checked
                          ? [...modules, m.code]
                          : modules.filter((c) => c !== m.code),
                      )
                    }
                  />{" "}
                  {m.code} · {m.title} ({m.hours} u)
                </label>
              ))}
            </fieldset>
          )}
        </>
      )}
      <Field id="p-assessment" label="Eerste eindevaluatie" error={e["final_assessment"]}>
        <select
          id="p-assessment"
          value={String(assessment)}
          aria-describedby={describedBy("p-assessment", undefined, e["final_assessment"])}
          onChange={(ev) =>
            setAssessment(Number((ev.currentTarget as HTMLSelectElement).value) as FinalAssessment)
          }
        >
          {FINAL_ASSESSMENTS.map(([value, label]) => (
            <option key={value} value={String(value)}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      {answer("p-route", "Traject voltooid", route, setRoute, e["route_completed"])}
      {answer("p-exam", "Examencontract", exam, setExam, e["exam_contract"])}
      {input(
        "p-end",
        "Werkelijke einddatum (optioneel)",
        endDate,
        setEndDate,
        e["actual_end_date"],
        { type: "date" },
        "Leeg: de einddatum van de opleiding.",
      )}
      <div class="actions">
        <button type="submit" class="button blue" disabled={props.busy}>
          Deelnemer toevoegen
        </button>
      </div>
    </form>
  );
}
