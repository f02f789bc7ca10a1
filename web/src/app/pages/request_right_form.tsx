// 'Gebruikersrecht aanvragen': the reason for the local administrator and, when nobody knows the
// requester's address yet, the address first, confirmed with the code mailed to it (the answer
// to the request is mailed there).
import { useState } from "preact/hooks";

import type { ApplicationScreen } from "../../gen/wse/registration/v1/application_screen_pb.js";
import { identity, rights } from "../api.js";
import { ProblemBox, TextField } from "../ui/parts.js";
import { submitWith, useAction } from "../ui/use_action.js";

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
  const action = useAction();
  // One id per attempt: a retry after a lost answer is the same request, not a second one.
  const [requestId] = useState(() => crypto.randomUUID());
  const submit = submitWith(action, async () => {
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
  });
  const reasonError = action.problem?.fields["access_request.reason"];
  return (
    <form class="form" onSubmit={submit} aria-labelledby="aanvraag-recht">
      <h2 id="aanvraag-recht">Gebruikersrecht aanvragen</h2>
      <ProblemBox problem={reasonError ? undefined : action.problem} />
      <TextField
        id="reason"
        label="Waarom heeft u dit recht nodig?"
        hint="Uw lokale beheerder leest dit in de mail met uw aanvraag."
        error={reasonError}
        multiline
        name="reason"
        required
        rows={3}
        value={reason}
        onValue={setReason}
      />
      <div class="actions">
        <button type="submit" class="button blue" disabled={action.busy}>
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
  const action = useAction();
  const send = submitWith(action, async () => {
    const started = await identity.startEmailVerification({ emailAddress: address });
    setSentTo(started.emailAddress);
  });
  const confirm = submitWith(action, async () => {
    await identity.confirmEmailAddress({ code });
    onConfirmed();
  });
  const addressError = action.problem?.fields["email_address"];
  const codeError = action.problem?.fields["code"];
  return (
    <section class="form" aria-labelledby="uw-adres">
      <h2 id="uw-adres">Uw e-mailadres</h2>
      <p>
        We kennen uw e-mailadres nog niet. Uw lokale beheerder antwoordt op uw aanvraag per mail: geef uw
        adres en bevestig het met de code die we u mailen.
      </p>
      <ProblemBox problem={addressError || codeError ? undefined : action.problem} />
      {!sentTo ? (
        <form onSubmit={send}>
          <TextField
            id="email"
            label="E-mailadres"
            error={addressError}
            type="email"
            autocomplete="email"
            required
            value={address}
            onValue={setAddress}
          />
          <button type="submit" class="button blue" disabled={action.busy}>
            Code versturen
          </button>
        </form>
      ) : (
        <form onSubmit={confirm}>
          <p role="status">We mailden een code van zes cijfers naar {sentTo}. Ze blijft 15 minuten geldig.</p>
          <TextField
            id="code"
            label="Code uit de mail"
            error={codeError}
            inputMode="numeric"
            autocomplete="one-time-code"
            required
            value={code}
            onValue={setCode}
          />
          <div class="actions">
            <button type="submit" class="button blue" disabled={action.busy}>
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
