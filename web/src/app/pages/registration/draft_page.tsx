// Steps 2 and 3: the participants, 'Controleren' (the VOV rules, findings at the rows and fields
// they concern, warnings that do not block), and 'Bevestigen', which answers with the
// ontvangstbevestiging.
import { Fragment } from "preact";
import { useState } from "preact/hooks";

import { DraftState, type Draft } from "../../../gen/wse/registration/v1/draft_pb.js";
import { FinalAssessment, type Participant } from "../../../gen/wse/registration/v1/participant_pb.js";
import type { ValidateDraftResponse } from "../../../gen/wse/registration/v1/draft_pb.js";
import type { Violation } from "../../../gen/wse/registration/v1/common_pb.js";
import { registration } from "../../api.js";
import { useAction } from "../../ui/use_action.js";
import { navigate } from "../../router.js";
import { currentSession } from "../../session.js";
import { Layout } from "../../ui/layout.js";
import { Loading, ProblemBox } from "../../ui/parts.js";
import { useCall } from "../../ui/use_call.js";
import { draftName, receiptPath } from "./names.js";
import { FINAL_ASSESSMENTS, ParticipantForm, type ParticipantInput } from "./participant_form.js";
import { UploadForm } from "./upload_form.js";

async function loadDraft(name: string) {
  const { draft } = await registration.getDraft({ name });
  const { training } = await registration.getTraining({ name: draft!.training });
  return { draft: draft!, training };
}

export function DraftPage({ id }: { id: string }) {
  const organization = currentSession()?.context.organization ?? "";
  const name = draftName(organization, id);
  const loaded = useCall(() => loadDraft(name), [name]);
  const [draft, setDraft] = useState<Draft>();
  const [check, setCheck] = useState<ValidateDraftResponse>();
  const { busy, problem, run: act } = useAction();
  const [formKey, setFormKey] = useState(0);
  const [confirmId] = useState(() => crypto.randomUUID());
  const current = draft ?? loaded.data?.draft;
  const training = loaded.data?.training;

  const refresh = async () => {
    const { draft: fresh } = await registration.getDraft({ name });
    setDraft(fresh);
    setCheck(undefined);
  };
  const add = (participant: ParticipantInput) =>
    act(async () => {
      await registration.addParticipant({ parent: name, participant, etag: current!.etag });
      await refresh();
      setFormKey((k) => k + 1);
    });
  const remove = (participant: Participant) =>
    act(async () => {
      await registration.removeParticipant({ name: participant.name, etag: current!.etag });
      await refresh();
    });
  const validate = () =>
    act(async () => {
      const result = await registration.validateDraft({ name });
      const { draft: fresh } = await registration.getDraft({ name });
      setDraft(fresh);
      setCheck(result);
    });
  const confirm = () =>
    act(async () => {
      const confirmed = await registration.confirmDraft({ name, etag: current!.etag, requestId: confirmId });
      navigate(receiptPath(confirmed.receipt!.name));
    });

  // Field errors of the last add: "participant.attendance.hours_present" -> "attendance.hours_present".
  const addErrors: Record<string, string> = {};
  for (const [field, text] of Object.entries(problem?.fields ?? {})) {
    if (field.startsWith("participant.")) addErrors[field.slice("participant.".length)] = text;
  }
  const canConfirm =
    check !== undefined &&
    check.violations.length === 0 &&
    check.etag === current?.etag &&
    (current?.participants.length ?? 0) > 0;
  const open = current?.state === DraftState.OPEN;
  return (
    <Layout title="Aanwezigheden en deelnames registreren">
      <ProblemBox problem={loaded.problem} />
      {loaded.loading && !current && <Loading what="De registratie" />}
      {current && training && (
        <>
          <p>
            <strong>{training.odbNumber}</strong> · {training.title} · schooljaar {current.schoolYear}
          </p>
          {!open && <p class="notice">Deze registratie is niet meer open.</p>}
          <h2>Stap 2 van 3: deelnemers</h2>
          <ProblemBox problem={problem && Object.keys(addErrors).length === 0 ? problem : undefined} />
          <ParticipantTable
            participants={current.participants}
            check={check}
            onRemove={open ? remove : undefined}
            busy={busy}
          />
          {check && check.violations.some((v) => !v.participant) && (
            <Findings
              title="Problemen met de registratie"
              items={check.violations.filter((v) => !v.participant)}
            />
          )}
          {open && <UploadForm draft={name} etag={current.etag} busy={busy} onUploaded={refresh} />}
          {open && (
            <ParticipantForm
              key={formKey}
              training={training}
              fieldErrors={addErrors}
              busy={busy}
              onSubmit={add}
            />
          )}
          {open && (
            <section aria-labelledby="stap3">
              <h2 id="stap3">Stap 3 van 3: controleren en bevestigen</h2>
              {check && (
                <p role="status" class={check.violations.length ? "problem" : "success"}>
                  {check.violations.length
                    ? `${check.violations.length} probleem/problemen: pas de deelnemers aan en controleer opnieuw.`
                    : check.warnings.length
                      ? `Geen blokkerende problemen; ${check.warnings.length} waarschuwing(en): bekijk ze hierboven voor u bevestigt.`
                      : "Alles in orde. U kunt bevestigen."}
                </p>
              )}
              <div class="actions">
                <button
                  type="button"
                  class="button secondary"
                  disabled={busy || current.participants.length === 0}
                  onClick={validate}
                >
                  Controleren
                </button>
                <button type="button" class="button blue" disabled={busy || !canConfirm} onClick={confirm}>
                  Bevestigen
                </button>
              </div>
            </section>
          )}
        </>
      )}
    </Layout>
  );
}

function ParticipantTable(props: {
  participants: Participant[];
  check?: ValidateDraftResponse;
  onRemove?: (p: Participant) => void;
  busy: boolean;
}) {
  if (props.participants.length === 0) return <p class="muted">Nog geen deelnemers.</p>;
  return (
    <table>
      <caption class="visually-hidden">Deelnemers</caption>
      <thead>
        <tr>
          <th scope="col">Deelnemer</th>
          <th scope="col">Aanwezigheid of deelname</th>
          <th scope="col">Eindevaluatie</th>
          <th scope="col">Traject / examencontract</th>
          {props.onRemove && <th scope="col">Acties</th>}
        </tr>
      </thead>
      <tbody>
        {props.participants.map((p) => {
          const mine = (list?: Violation[]) => (list ?? []).filter((v) => v.participant === p.name);
          const violations = mine(props.check?.violations);
          const warnings = mine(props.check?.warnings);
          const who = p.displayName || p.maskedInsz;
          return (
            <Fragment key={p.name}>
              <tr>
                <td>
                  {p.displayName && <div>{p.displayName}</div>}
                  <div class="muted">{p.maskedInsz}</div>
                </td>
                <td>{measurementText(p)}</td>
                <td>
                  {FINAL_ASSESSMENTS.find(([v]) => v === p.finalAssessment)?.[1] ??
                    (p.finalAssessment === FinalAssessment.UNSPECIFIED ? "—" : "")}
                </td>
                <td>
                  {yesNo(p.routeCompleted)} / {yesNo(p.examContract)}
                </td>
                {props.onRemove && (
                  <td>
                    <button
                      type="button"
                      class="link"
                      disabled={props.busy}
                      onClick={() => props.onRemove!(p)}
                    >
                      Verwijderen<span class="visually-hidden"> ({who})</span>
                    </button>
                  </td>
                )}
              </tr>
              {(violations.length > 0 || warnings.length > 0) && (
                <tr>
                  <td colSpan={5}>
                    {violations.length > 0 && <Findings title={`Problemen bij ${who}`} items={violations} />}
                    {warnings.length > 0 && (
                      <Findings title={`Waarschuwingen bij ${who}`} items={warnings} warning />
                    )}
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

function Findings(props: { title: string; items: Violation[]; warning?: boolean }) {
  return (
    <div class={props.warning ? "notice" : "problem"}>
      <p>
        <strong>{props.title}</strong>
      </p>
      <ul>
        {props.items.map((v, i) => (
          <li key={i} data-field={v.field} data-reason={v.reason}>
            {v.description}
          </li>
        ))}
      </ul>
    </div>
  );
}

const yesNo = (b?: boolean) => (b === undefined ? "nog niet gekend" : b ? "ja" : "nee");

function measurementText(p: Participant): string {
  switch (p.measurement.case) {
    case "attendance": {
      const a = p.measurement.value;
      return `${a.hoursPresent} van ${a.contactHoursToFollow} u aanwezig, ${a.unjustifiedAbsenceHours} u ongewettigd afwezig`;
    }
    case "participation":
      return p.measurement.value.participated
        ? `deelgenomen${p.measurement.value.completedModuleCodes.length ? ` (${p.measurement.value.completedModuleCodes.join(", ")})` : ""}`
        : "niet deelgenomen";
    default:
      return "—";
  }
}
