// The organisation's registrations with their versions: each version's receipt, a correction
// (a new draft from the current version) or a withdrawal (with a reason; its own receipt).
import { useState } from "preact/hooks";

import { RegistrationState, type Registration } from "../../../gen/wse/registration/v1/registration_pb.js";
import { registration } from "../../api.js";
import { navigate, onLinkClick } from "../../router.js";
import { currentSession } from "../../session.js";
import { dateTime } from "../../ui/format.js";
import { Layout } from "../../ui/layout.js";
import { Loading, ProblemBox, TextField } from "../../ui/parts.js";
import { submitWith, useAction } from "../../ui/use_action.js";
import { useCall } from "../../ui/use_call.js";
import { usePages } from "../../ui/use_pages.js";
import { lastSegment, receiptPath } from "./names.js";

export function RegistrationsPage() {
  const organization = currentSession()?.context.organization ?? "";
  const [changed, setChanged] = useState(0);
  const list = usePages(
    async (pageToken) => {
      const page = await registration.listRegistrations({
        parent: organization,
        includeWithdrawn: true,
        pageSize: 50,
        pageToken,
      });
      return { items: page.registrations, nextPageToken: page.nextPageToken };
    },
    [organization, changed],
  );
  return (
    <Layout title="Mijn registraties">
      <p>
        <a href="/registreren" onClick={onLinkClick}>
          Nieuwe registratie
        </a>
      </p>
      <ProblemBox problem={list.problem} />
      {list.loading && list.items.length === 0 && <Loading what="De registraties" />}
      {!list.loading && !list.problem && list.items.length === 0 && (
        <p class="muted">Nog geen registraties.</p>
      )}
      {list.items.map((r) => (
        <RegistrationCard key={r.name} registration={r} onChanged={() => setChanged((n) => n + 1)} />
      ))}
      {list.hasMore && (
        <button type="button" class="button secondary" disabled={list.loading} onClick={list.more}>
          Meer registraties tonen
        </button>
      )}
    </Layout>
  );
}

function RegistrationCard(props: { registration: Registration; onChanged: () => void }) {
  const r = props.registration;
  const [showVersions, setShowVersions] = useState(false);
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState("");
  const action = useAction();
  const problem = action.problem;
  const busy = action.busy;
  // One idempotency key per operation: a retried correction is not a withdrawal.
  const [correctionId] = useState(() => crypto.randomUUID());
  const [withdrawalId] = useState(() => crypto.randomUUID());
  const id = lastSegment(r.name);
  const versions = useCall(
    () =>
      showVersions
        ? registration.listRegistrationVersions({ name: r.name, pageSize: 50 })
        : Promise.resolve(undefined),
    [r.name, showVersions],
  );
  const withdrawn = r.state === RegistrationState.WITHDRAWN;
  const correct = () =>
    action.run(async () => {
      const created = await registration.correctRegistration({
        name: r.name,
        etag: r.etag,
        requestId: correctionId,
      });
      navigate(`/registreren/${lastSegment(created.draft?.name ?? "")}`);
    });
  const withdraw = submitWith(action, async () => {
    const done = await registration.withdrawRegistration({
      name: r.name,
      etag: r.etag,
      reason,
      requestId: withdrawalId,
    });
    navigate(receiptPath(done.receipt!.name));
  });
  return (
    <article class="card" aria-labelledby={`reg-${id}`}>
      <h2 id={`reg-${id}`}>
        {lastSegment(r.training)} · {r.schoolYear}
      </h2>
      <p>
        Versie {r.version}
        {withdrawn && <strong> (ingetrokken)</strong>} · {r.participantsSummary?.participantCount ?? 0}{" "}
        deelnemer(s) · bevestigd {dateTime(r.submitTime)} door {r.submittedByDisplayName} ·{" "}
        <a href={receiptPath(r.receipt)} onClick={onLinkClick}>
          ontvangstbevestiging
        </a>
      </p>
      <ProblemBox problem={problem} />
      <div class="actions">
        <button
          type="button"
          class="link"
          aria-expanded={showVersions}
          onClick={() => setShowVersions(!showVersions)}
        >
          Versies
        </button>
        {!withdrawn && (
          <>
            <button type="button" class="button secondary" disabled={busy} onClick={correct}>
              Corrigeren
            </button>
            <button
              type="button"
              class="button secondary"
              disabled={busy}
              onClick={() => setWithdrawing(true)}
            >
              Intrekken
            </button>
          </>
        )}
      </div>
      {withdrawing && (
        <form class="form" onSubmit={withdraw}>
          <TextField
            id={`withdraw-${id}`}
            label="Reden van de intrekking"
            error={problem?.fields["reason"]}
            required
            value={reason}
            onValue={setReason}
          />
          <div class="actions">
            <button type="submit" class="button blue" disabled={busy}>
              Intrekking bevestigen
            </button>
            <button type="button" class="button secondary" onClick={() => setWithdrawing(false)}>
              Annuleren
            </button>
          </div>
        </form>
      )}
      {showVersions && versions.data && (
        <ol>
          {versions.data.registrations.map((v) => (
            <li key={v.version}>
              Versie {v.version} · {dateTime(v.submitTime)} · {v.submittedByDisplayName} ·{" "}
              <a href={receiptPath(v.receipt)} onClick={onLinkClick}>
                ontvangstbevestiging
              </a>
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
