// The ontvangstbevestiging: reference, when and by whom, for which organisation, training and
// school year, one line per participant with the hours that count, and the content hash a
// provider can recompute (docs/receipt-hash.md). Printable.
import { Answer, ReceiptKind } from "../../../gen/wse/registration/v1/receipt_pb.js";
import type { ReceiptLine } from "../../../gen/wse/registration/v1/receipt_pb.js";
import { registration } from "../../api.js";
import { onLinkClick } from "../../router.js";
import { currentSession } from "../../session.js";
import { date, dateTime } from "../../ui/format.js";
import { Layout } from "../../ui/layout.js";
import { Loading, ProblemBox } from "../../ui/parts.js";
import { useCall } from "../../ui/use_call.js";
import { FINAL_ASSESSMENTS } from "./participant_form.js";

const KIND: Record<number, string> = {
  [ReceiptKind.SUBMISSION]: "registratie",
  [ReceiptKind.CORRECTION]: "correctie",
  [ReceiptKind.WITHDRAWAL]: "intrekking",
};

export function ReceiptPage({ registrationId, version }: { registrationId: string; version: string }) {
  const organization = currentSession()?.context.organization ?? "";
  const name = `${organization}/registrations/${registrationId}/receipts/${version}`;
  const receipt = useCall(() => registration.getReceipt({ name }), [name]);
  const r = receipt.data?.receipt;
  return (
    <Layout title="Ontvangstbevestiging">
      <ProblemBox problem={receipt.problem} />
      {receipt.loading && !r && <Loading what="De ontvangstbevestiging" />}
      {r && (
        <article aria-labelledby="referentie">
          <p class="success" role="status">
            Uw {KIND[r.kind] ?? "registratie"} is ontvangen.
          </p>
          <dl class="facts">
            <dt id="referentie">Referentie</dt>
            <dd>
              <strong>{r.reference}</strong>
            </dd>
            <dt>Ontvangen op</dt>
            <dd>{dateTime(r.submitTime)}</dd>
            <dt>Door</dt>
            <dd>{r.submittedByDisplayName}</dd>
            <dt>Organisatie</dt>
            <dd>{r.organizationDisplayName}</dd>
            <dt>Opleiding</dt>
            <dd>
              {r.training.replace("trainings/", "")} · {r.trainingTitle}
            </dd>
            <dt>Schooljaar</dt>
            <dd>{r.schoolYear}</dd>
            {r.withdrawReason && (
              <>
                <dt>Reden van intrekking</dt>
                <dd>{r.withdrawReason}</dd>
              </>
            )}
            {r.correctionDeadline && (
              <>
                <dt>Corrigeren of intrekken kan tot</dt>
                <dd>{date(r.correctionDeadline)} (niet inbegrepen)</dd>
              </>
            )}
          </dl>
          {r.lines.length > 0 && (
            <table>
              <caption>Deelnemers</caption>
              <thead>
                <tr>
                  <th scope="col">Deelnemer</th>
                  <th scope="col">Geregistreerd</th>
                  <th scope="col">Eindevaluatie</th>
                  <th scope="col">Traject voltooid</th>
                  <th scope="col">Examencontract</th>
                  <th scope="col">Uren die tellen</th>
                </tr>
              </thead>
              <tbody>
                {r.lines.map((line, i) => (
                  <tr key={i}>
                    <td>
                      {line.displayName && <div>{line.displayName}</div>}
                      <div class="muted">{line.maskedInsz}</div>
                    </td>
                    <td>{lineMeasurement(line)}</td>
                    <td>{FINAL_ASSESSMENTS.find(([v]) => v === line.finalAssessment)?.[1] ?? ""}</td>
                    <td>{answer(line.routeCompletedAnswer)}</td>
                    <td>{answer(line.examContractAnswer)}</td>
                    <td>{line.countedHours}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p class="hash">
            Inhoudshash (SHA-256, {r.contentFormat}): <code>{r.contentSha256}</code>
          </p>
          <div class="actions">
            <button type="button" class="button blue" onClick={() => window.print()}>
              Afdrukken
            </button>
            <a href="/registraties" class="button secondary" onClick={onLinkClick}>
              Naar mijn registraties
            </a>
          </div>
        </article>
      )}
    </Layout>
  );
}

const answer = (a: Answer) => (a === Answer.YES ? "ja" : a === Answer.NO ? "nee" : "nog niet gekend");

function lineMeasurement(line: ReceiptLine): string {
  switch (line.measurement.case) {
    case "attendance":
      return `${line.measurement.value.hoursPresent} van ${line.measurement.value.contactHoursToFollow} u aanwezig`;
    case "participation":
      return line.measurement.value.participated ? "deelgenomen" : "niet deelgenomen";
    default:
      return "";
  }
}
