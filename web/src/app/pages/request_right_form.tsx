// 'Gebruikersrecht aanvragen': the reason for the local administrator and, when nobody knows the
// requester's address yet, the address first, confirmed with the code mailed to it (the answer
// to the request is mailed there).
import { useState } from "preact/hooks";

import type { ApplicationScreen } from "../../gen/wse/registration/v1/application_screen_pb.js";
import { identity, rights } from "../api.js";
import { problemOf, type Problem } from "../problems.js";
import { describedBy, Field, ProblemBox } from "../ui/parts.js";

export function RequestRightForm(props: {
  screen: ApplicationScreen;
  organization: string;
  onAddressConfirmed: () => void;
  onRequested: () => void;
  onCancel: () => void;
}) {
  return props.screen.emailAddressRequired ? (
    <EmailAddressForm onConfirmed={props.onAddressConfirmed} />
  ) : (
    <ReasonForm {...props} />
  );
}

function ReasonForm(props: {
  screen: ApplicationScreen;
  organization: string;
  onRequested: () => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  // One id per attempt: a retry after a lost answer is the same request, not a second one.
  const [requestId] = useState(() => crypto.randomUUID());
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await rights.createAccessRequest({
        parent: props.organization,
        accessRequest: {
          role: props.screen.requestedRole,
          context: props.screen.requestedContext,
          reason,
        },
        requestId,
      });
      props.onRequested();
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  };
  const reasonError = problem?.fields["access_request.reason"];
  return (
    <form class="form" onSubmit={submit} aria-labelledby="aanvraag-recht">
      <h2 id="aanvraag-recht">Gebruikersrecht aanvragen</h2>
      <ProblemBox problem={problem && !reasonError ? problem : undefined} />
      <Field
        id="reason"
        label="Waarom heeft u dit recht nodig?"
        hint="Uw lokale beheerder leest dit in de mail met uw aanvraag."
        error={reasonError}
      >
        <textarea
          id="reason"
          name="reason"
          required
          rows={3}
          value={reason}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={describedBy("reason", "hint", reasonError)}
          onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </Field>
      <div class="actions">
        <button type="submit" class="button blue" disabled={busy}>
          Aanvraag versturen
        </button>
        <button type="button" class="button secondary" onClick={props.onCancel}>
          Annuleren
        </button>
      </div>
    </form>
  );
}

function EmailAddressForm({ onConfirmed }: { onConfirmed: () => void }) {
  const [address, setAddress] = useState("");
  const [code, setCode] = useState("");
  const [sentTo, setSentTo] = useState("");
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const started = await identity.startEmailVerification({ emailAddress: address });
      setSentTo(started.emailAddress);
    } catch (error) {
      setProblem(problemOf(error));
    }
    setBusy(false);
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await identity.confirmEmailAddress({ code });
      onConfirmed();
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  };
  const addressError = problem?.fields["email_address"];
  const codeError = problem?.fields["code"];
  return (
    <section class="form" aria-labelledby="uw-adres">
      <h2 id="uw-adres">Uw e-mailadres</h2>
      <p>
        We kennen uw e-mailadres nog niet. Uw lokale beheerder antwoordt op uw aanvraag per mail: geef uw
        adres en bevestig het met de code die we u mailen.
      </p>
      <ProblemBox problem={problem && !addressError && !codeError ? problem : undefined} />
      {!sentTo ? (
        <form onSubmit={send}>
          <Field id="email" label="E-mailadres" error={addressError}>
            <input
              id="email"
              type="email"
              autocomplete="email"
              required
              value={address}
              aria-invalid={addressError ? true : undefined}
              aria-describedby={describedBy("email", undefined, addressError)}
              onInput={(e) => setAddress((e.currentTarget as HTMLInputElement).value)}
            />
          </Field>
          <button type="submit" class="button blue" disabled={busy}>
            Code versturen
          </button>
        </form>
      ) : (
        <form onSubmit={confirm}>
          <p role="status">We mailden een code van zes cijfers naar {sentTo}. Ze blijft 15 minuten geldig.</p>
          <Field id="code" label="Code uit de mail" error={codeError}>
            <input
              id="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              required
              value={code}
              aria-invalid={codeError ? true : undefined}
              aria-describedby={describedBy("code", undefined, codeError)}
              onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)}
            />
          </Field>
          <div class="actions">
            <button type="submit" class="button blue" disabled={busy}>
              Bevestigen
            </button>
            <button type="button" class="button secondary" onClick={() => setSentTo("")}>
              Ander adres
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
