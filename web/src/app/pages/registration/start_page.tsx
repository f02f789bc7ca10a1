// The first registration step: which training, which school year. Open drafts can be taken up
// again.
import { useState } from "preact/hooks";

import { registration } from "../../api.js";
import { submitWith, useAction } from "../../ui/use_action.js";
import { navigate, onLinkClick } from "../../router.js";
import { offeredSchoolYears } from "../../school_years.js";
import { currentSession } from "../../session.js";
import { date } from "../../ui/format.js";
import { Layout } from "../../ui/layout.js";
import { describedBy, Field, Loading, ProblemBox } from "../../ui/parts.js";
import { useCall } from "../../ui/use_call.js";
import { lastSegment } from "./names.js";

export function StartRegistrationPage() {
  const organization = currentSession()?.context.organization ?? "";
  const years = offeredSchoolYears();
  const [schoolYear, setSchoolYear] = useState(years[1]);
  const [training, setTraining] = useState("");
  const action = useAction();
  const { problem, busy } = action;
  const [requestId] = useState(() => crypto.randomUUID());
  const trainings = useCall(
    () => registration.listTrainings({ providerOrganization: organization, schoolYear, pageSize: 500 }),
    [organization, schoolYear],
  );
  const drafts = useCall(
    () => registration.listDrafts({ parent: organization, pageSize: 50 }),
    [organization],
  );
  const offered = trainings.data?.trainings ?? [];
  const chosen = offered.some((t) => t.name === training) ? training : (offered[0]?.name ?? "");

  const start = submitWith(action, async () => {
    const created = await registration.createDraft({
      parent: organization,
      draft: { training: chosen, schoolYear },
      requestId,
    });
    navigate(`/registreren/${lastSegment(created.draft?.name ?? "")}`);
  });
  const trainingError = problem?.fields["draft.training"];
  const yearError = problem?.fields["draft.school_year"];
  return (
    <Layout title="Aanwezigheden en deelnames registreren">
      <p>Stap 1 van 3: kies de opleiding en het schooljaar.</p>
      <form class="form" onSubmit={start}>
        <ProblemBox problem={problem && !trainingError && !yearError ? problem : undefined} />
        <Field id="school-year" label="Schooljaar" hint="1 september tot 31 augustus" error={yearError}>
          <select
            id="school-year"
            value={schoolYear}
            aria-describedby={describedBy("school-year", "hint", yearError)}
            onChange={(e) => setSchoolYear((e.currentTarget as HTMLSelectElement).value)}
          >
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </Field>
        {trainings.loading && <Loading what="De opleidingen" />}
        <ProblemBox problem={trainings.problem} />
        {trainings.data && offered.length === 0 && (
          <p class="notice" role="status">
            Uw organisatie heeft geen erkende opleiding die in het schooljaar {schoolYear} loopt.
          </p>
        )}
        {offered.length > 0 && (
          <Field id="training" label="Opleiding" error={trainingError}>
            <select
              id="training"
              value={chosen}
              aria-invalid={trainingError ? true : undefined}
              aria-describedby={describedBy("training", undefined, trainingError)}
              onChange={(e) => setTraining((e.currentTarget as HTMLSelectElement).value)}
            >
              {offered.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.odbNumber} · {t.title}
                </option>
              ))}
            </select>
          </Field>
        )}
        <div class="actions">
          <button type="submit" class="button blue" disabled={busy || !chosen}>
            Volgende: deelnemers
          </button>
        </div>
      </form>
      {drafts.data && drafts.data.drafts.length > 0 && (
        <section aria-labelledby="open-drafts">
          <h2 id="open-drafts">Nog niet bevestigd</h2>
          <ul>
            {drafts.data.drafts.map((d) => (
              <li key={d.name}>
                <a href={`/registreren/${lastSegment(d.name)}`} onClick={onLinkClick}>
                  {lastSegment(d.training)} · {d.schoolYear} · {d.participantCount} deelnemer(s)
                </a>{" "}
                <span class="muted">(vervalt {date(d.expireTime)})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  );
}
