// Pending requests ('Gebruikersrecht aanvragen' of the organisation's users): approve, or reject
// with a reason the requester is mailed.
import { useState } from "preact/hooks";

import { AccessRequestState, type AccessRequest } from "../../../gen/wse/rights/v1/access_request_pb.js";
import type { Role } from "../../../gen/wse/rights/v1/grant_pb.js";
import { rights } from "../../api.js";
import { dateTime } from "../../ui/format.js";
import { Loading, ProblemBox, TextField } from "../../ui/parts.js";
import { submitWith, useAction } from "../../ui/use_action.js";
import { useCall } from "../../ui/use_call.js";

export function RequestsSection(props: { organization: string; changed: number; onChange: () => void }) {
  const pending = useCall(
    () =>
      rights.listAccessRequests({
        parent: props.organization,
        state: AccessRequestState.PENDING,
        pageSize: 200,
      }),
    [props.organization, props.changed],
  );
  const roles = useCall(() => rights.listRoles({ pageSize: 100 }), []);
  const requests = pending.data?.accessRequests ?? [];
  return (
    <section aria-labelledby="aanvragen">
      <h2 id="aanvragen">Aanvragen</h2>
      <ProblemBox problem={pending.problem} />
      {pending.loading && !pending.data && <Loading what="De aanvragen" />}
      {pending.data && requests.length === 0 && <p class="muted">Er wachten geen aanvragen.</p>}
      {requests.map((request) => (
        <RequestCard
          key={request.name}
          request={request}
          role={roles.data?.roles.find((r) => r.code === request.role)}
          onDecided={props.onChange}
        />
      ))}
    </section>
  );
}

function RequestCard(props: { request: AccessRequest; role?: Role; onDecided: () => void }) {
  const { request } = props;
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const action = useAction();
  const id = request.name.split("/").pop() ?? "";
  const approve = () =>
    action.run(async () => {
      await rights.approveAccessRequest({ name: request.name, etag: request.etag });
      props.onDecided();
    });
  const reject = submitWith(action, async () => {
    await rights.rejectAccessRequest({ name: request.name, etag: request.etag, reason });
    props.onDecided();
  });
  const reasonError = action.problem?.fields["reason"];
  return (
    <article class="card" aria-labelledby={`req-${id}`}>
      <h3 id={`req-${id}`}>{request.requesterDisplayName}</h3>
      <p>
        Vraagt <strong>{props.role?.label ?? request.role}</strong>
        {request.context && (
          <>
            {" "}
            met context '
            {props.role?.allowedContexts.find((c) => c.code === request.context)?.label ?? request.context}'
          </>
        )}{" "}
        · {dateTime(request.createTime)}
      </p>
      <p>
        <span class="muted">Motivering:</span> {request.reason}
      </p>
      <ProblemBox problem={reasonError ? undefined : action.problem} />
      {!rejecting ? (
        <div class="actions">
          <button type="button" class="button blue" disabled={action.busy} onClick={approve}>
            Goedkeuren<span class="visually-hidden"> ({request.requesterDisplayName})</span>
          </button>
          <button
            type="button"
            class="button secondary"
            disabled={action.busy}
            onClick={() => setRejecting(true)}
          >
            Weigeren<span class="visually-hidden"> ({request.requesterDisplayName})</span>
          </button>
        </div>
      ) : (
        <form class="form" onSubmit={reject}>
          <TextField
            id={`reject-${id}`}
            label="Reden van de weigering"
            hint="De aanvrager krijgt deze reden per mail."
            error={reasonError}
            multiline
            required
            rows={2}
            value={reason}
            onValue={setReason}
          />
          <div class="actions">
            <button type="submit" class="button blue" disabled={action.busy}>
              Weigering versturen
            </button>
            <button type="button" class="button secondary" onClick={() => setRejecting(false)}>
              Annuleren
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
