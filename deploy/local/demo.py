#!/usr/bin/python3
"""The seed story of the WSE-loket 'Vlaams opleidingsverlof', walked through the gateway.

Against a running local stack (deploy/local/up.sh or test.sh) and only through the gateway
(STACK_GATEWAY_PORT), step by step and in plain words:

  a fresh user logs in with a digital key and sees only their personal context plus the 1700
  guidance; the school's local administrator ('lokale beheerder') adds them to the school; the
  user selects the school; the 'Aanvraag' screen says 'Gebruikersrecht aanvragen'; they request
  the right; the administrator's mail arrives; the administrator approves; the user's mail
  arrives; the screen now says 'aanvragen'; the user registers two participants for one of the
  school's trainings, confirms ('Bevestigen') and gets the ontvangstbevestiging and its mail.

Every step checks what it claims and the first broken one stops the demo with a clear message
and exit status 1. The set-up is the operator's, through the gateway's internal listener
(STACK_OPERATOR_GATEWAY_PORT) with the operator token:
the demo school and its legal representative from deploy/local/demo/*.json and a training of the
school are imported idempotently (UNCHANGED on a seeded stack), so the demo also runs on a
fresh stack. The user and the participants are new random persons on every run, so it can be run
any number of times on the same stack.

With --check-no-other-mail (the e2e test seed_story_test) it also checks the mails' contents
and that the run sent exactly these three mails and nothing else.

Stubs are generated at run time from proto/ with protoc + grpc_python_plugin into a temporary
folder (never committed) and used with Debian's python3-grpcio / python3-protobuf.

Needs the STACK_* variables of deploy/local/lib.sh:  bash deploy/local/demo.sh
"""

import argparse
import datetime
import email
import email.header
import email.policy
import glob
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid

import grpc

ROOT = os.environ.get("STACK_ROOT") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GOOGLEAPIS = "/usr/share/gocode/src/github.com/gogo/googleapis"  # google/rpc/error_details.proto
TIMEOUT = 20  # seconds per call
ROLE = "DWSE_ORGANISATIEVERANTWOORDELIJKE"
# The training the demo registers for: one the seed (deploy/local/lib.sh seed_demo) imports for
# the school. If the school has no such training yet, the demo imports this same content.
TRAINING = {
    "odbNumber": "ODB-Y000123", "title": "Boekhouding (CVO)", "type": "TRAINING_TYPE_LESTIJDEN",
    "lestijden": 120, "deliveryMode": "DELIVERY_MODE_CLASSROOM",
    "recognitionStartDate": {"year": 2020, "month": 9, "day": 1},
}
GIVEN_NAMES = ["Lotte", "Wout", "Fien", "Arne", "Noor", "Jonas", "Lien", "Pieter", "Hanne", "Ruben"]
FAMILY_NAMES = ["Peeters", "Willems", "Goossens", "Wouters", "De Smet", "Jacobs", "Mertens",
                "Vermeulen", "Dubois", "Claes"]


class StepFailed(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Printing and checking


class Story:
    def __init__(self):
        self.step_no = 0
        self.step_title = "start"

    def step(self, title):
        self.step_no += 1
        self.step_title = title
        print("\n%2d. %s" % (self.step_no, title), flush=True)

    def say(self, text):
        print("    " + text, flush=True)

    def ok(self, text):
        print("    ok: " + text, flush=True)

    def check(self, condition, claim, got=None):
        """Asserts `claim`; stops the story with what was seen instead."""
        if not condition:
            raise StepFailed(claim + ("" if got is None else "\n    got: %s" % got))
        self.ok(claim)

    def equal(self, got, want, what):
        self.check(got == want, "%s is %r" % (what, want), repr(got))


STORY = Story()


def env(name, default=None):
    value = os.environ.get(name, "") or default
    if not value:
        sys.exit("demo: %s is not set: run bash deploy/local/demo.sh (or export the STACK_* "
                 "variables of deploy/local/lib.sh)" % name)
    return value


def describe_rpc_error(error):
    """Code, message and the google.rpc details (reason, field violations, Dutch message)."""
    lines = ["%s: %s" % (error.code().name, error.details())]
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    if raw:
        try:
            status = status_pb2.Status.FromString(raw)
            for detail in status.details:
                for kind in (error_details_pb2.ErrorInfo, error_details_pb2.BadRequest,
                             error_details_pb2.LocalizedMessage):
                    if detail.Is(kind.DESCRIPTOR):
                        message = kind()
                        detail.Unpack(message)
                        if kind is error_details_pb2.ErrorInfo:
                            lines.append("reason %s %s" % (message.reason, dict(message.metadata)))
                        elif kind is error_details_pb2.BadRequest:
                            for v in message.field_violations:
                                lines.append("field %s: %s" % (v.field, v.description))
                        else:
                            lines.append("(%s) %s" % (message.locale, message.message))
        except Exception:  # The details are a help, never the failure itself.
            pass
    return "\n    ".join(lines)


def call(method, request, token=None, what=None):
    """One unary RPC through the gateway; an RPC error stops the story with its details."""
    metadata = [("x-request-id", "demo-" + uuid.uuid4().hex)]
    if token:
        metadata.append(("authorization", "Bearer " + token))
    try:
        return method(request, metadata=metadata, timeout=TIMEOUT)
    except grpc.RpcError as error:
        name = what or getattr(method, "_method", b"?")
        if isinstance(name, bytes):
            name = name.decode()
        raise StepFailed("%s failed: %s" % (name, describe_rpc_error(error)))


# ---------------------------------------------------------------------------------------------
# Stubs, identities, mails


def generate_stubs(folder):
    """protoc + grpc_python_plugin over proto/wse/** and google/rpc, into `folder`."""
    protos = sorted(os.path.relpath(p, os.path.join(ROOT, "proto")) for p in
                    glob.glob(os.path.join(ROOT, "proto", "wse", "**", "*.proto"), recursive=True))
    includes = ["-I", os.path.join(ROOT, "proto"), "-I", GOOGLEAPIS, "-I", "/usr/include"]
    for args in ([
            "--python_out=" + folder, "--grpc_python_out=" + folder,
            "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", *protos],
            ["--python_out=" + folder, "google/rpc/status.proto",
             "google/rpc/error_details.proto"]):
        run = subprocess.run(["protoc", *includes, *args], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit("demo: protoc failed (needs protobuf-compiler, protobuf-compiler-grpc and "
                     "golang-github-gogo-googleapis-dev):\n" + run.stderr)
    sys.path.insert(0, folder)


def random_insz():
    """A valid national register number (born 1950-1999)."""
    base = "%02d%02d%02d%03d" % (random.randint(50, 99), random.randint(1, 12),
                                 random.randint(1, 28), random.randint(1, 997))
    return base + "%02d" % (97 - int(base) % 97)


def formatted_insz(insz):
    return "%s.%s.%s-%s.%s" % (insz[0:2], insz[2:4], insz[4:6], insz[6:9], insz[9:11])


def dev_id_token(insz, given_name, family_name):
    """What the digital-key provider hands the front end after a login (local dev IdP)."""
    tool = os.path.join(env("STACK_BUILD_DIR"), "identity-svc", "wse-dev-idp")
    if not os.access(tool, os.X_OK):
        raise StepFailed("no development identity provider at %s (build the stack first)" % tool)
    run = subprocess.run(
        [tool, "--dev_environment", "--key_dir=" + os.path.join(env("STACK_RUN_DIR"), "dev-idp"),
         "--insz=" + insz, "--given_name=" + given_name, "--family_name=" + family_name],
        capture_output=True, text=True)
    if run.returncode != 0 or not run.stdout.strip():
        raise StepFailed("wse-dev-idp did not mint an ID token: " + run.stderr.strip())
    return run.stdout.strip()


def school_year_now():
    """The school year (1 September - 31 August) of today's date in Belgium."""
    try:
        from zoneinfo import ZoneInfo
        today = datetime.datetime.now(ZoneInfo("Europe/Brussels")).date()
    except Exception:
        today = datetime.datetime.utcnow().date()
    start = today.year if today.month >= 9 else today.year - 1
    return "%d-%d" % (start, start + 1)


def belgian_time(utc):
    """'2026-11-29 00:52:00 CET' for a naive UTC datetime."""
    try:
        from zoneinfo import ZoneInfo
        local = utc.replace(tzinfo=datetime.timezone.utc).astimezone(ZoneInfo("Europe/Brussels"))
        return local.strftime("%Y-%m-%d %H:%M:%S %Z")
    except Exception:
        return utc.strftime("%Y-%m-%d %H:%M:%S UTC")


def mail_files(maildir):
    return set(f for f in os.listdir(maildir) if f.endswith(".eml") and not f.startswith("."))


def decode_header(value):
    return str(email.header.make_header(email.header.decode_header(value or "")))


class Mail:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.message = email.message_from_binary_file(f, policy=email.policy.default)
        self.subject = decode_header(self.message.get("Subject"))
        self.to = decode_header(self.message.get("To"))
        self.envelope_to = [a.strip().lower() for a in
                            (self.message.get("X-Sink-Rcpt-To") or "").split(",") if a.strip()]
        text = self.message.get_body(preferencelist=("plain",))
        self.text = text.get_content() if text is not None else ""


class MailWatch:
    """Finds the mails that arrive in the SMTP sink's folder after a snapshot."""

    def __init__(self, maildir, timeout):
        if not os.path.isdir(maildir):
            raise StepFailed("no mail folder %s: is the SMTP sink of the stack running?" % maildir)
        self.maildir = maildir
        self.timeout = timeout
        self.before = mail_files(maildir)
        self.claimed = set()

    def new_files(self):
        return sorted(mail_files(self.maildir) - self.before)

    def wait_for(self, recipient, what, matches=lambda mail: True):
        """The first new, unclaimed mail to `recipient` for which `matches` holds."""
        deadline = time.monotonic() + self.timeout
        seen = {}
        while True:
            for name in self.new_files():
                if name in self.claimed:
                    continue
                if name not in seen:
                    seen[name] = Mail(os.path.join(self.maildir, name))
                mail = seen[name]
                if recipient.lower() in mail.envelope_to and matches(mail):
                    self.claimed.add(name)
                    return mail
            if time.monotonic() > deadline:
                others = ["%s to %s: %s" % (os.path.basename(m.path), ", ".join(m.envelope_to),
                                            m.subject)
                          for n, m in sorted(seen.items()) if n not in self.claimed]
                raise StepFailed("no %s reached %s within %ds in %s%s" % (
                    what, recipient, self.timeout, self.maildir,
                    "".join("\n    other new mail: " + o for o in others)))
            time.sleep(0.2)


# ---------------------------------------------------------------------------------------------
# The story


def load_demo_school():
    """The first school in deploy/local/demo/organizations.json and its legal representative."""
    demo = os.path.join(ROOT, "deploy", "local", "demo")
    with open(os.path.join(demo, "organizations.json")) as f:
        organizations = json.load(f)["organizations"]
    with open(os.path.join(demo, "persons.json")) as f:
        persons = {p["insz"]: p for p in json.load(f)["persons"]}
    for organization in organizations:
        if organization.get("kind") != "ORGANIZATION_KIND_SCHOOL":
            continue
        for representative in organization.get("legalRepresentatives", []):
            person = persons.get(representative.get("insz"))
            if person and person.get("emailAddress"):
                return organization, person
    raise StepFailed("deploy/local/demo/*.json has no school whose legal representative has an "
                     "e-mail address")


def outcome_name(enum, value):
    return enum.Name(value).replace("IMPORT_OUTCOME_", "")


def login(identity, insz, given, family):
    id_token = dev_id_token(insz, given, family)
    return call(identity.ExchangeIdToken, identity_pb2.ExchangeIdTokenRequest(id_token=id_token))


def select(identity, token, organization):
    return call(identity.SelectActingContext,
                identity_pb2.SelectActingContextRequest(organization=organization), token)


def screen_of(registration, token):
    return call(registration.GetApplicationScreen, screen_pb2.GetApplicationScreenRequest(),
                token).screen


def run(args):
    channel = grpc.insecure_channel("127.0.0.1:%s" % env("STACK_GATEWAY_PORT"))
    try:
        grpc.channel_ready_future(channel).result(timeout=10)
    except grpc.FutureTimeoutError:
        raise StepFailed("no gateway on 127.0.0.1:%s: start the stack first (bash "
                         "deploy/local/up.sh)" % env("STACK_GATEWAY_PORT"))
    identity = identity_grpc.IdentityServiceStub(channel)
    rights = rights_grpc.RightsServiceStub(channel)
    registration = registration_grpc.RegistrationServiceStub(channel)
    # The operator's set-up goes through the gateway's internal listener: the public one
    # refuses the operator token.
    operator_channel = grpc.insecure_channel("127.0.0.1:%s" % env("STACK_OPERATOR_GATEWAY_PORT"))
    op_identity = identity_grpc.IdentityServiceStub(operator_channel)
    op_registration = registration_grpc.RegistrationServiceStub(operator_channel)
    with open(os.path.join(env("STACK_RUN_DIR"), "secrets", "operator.token")) as f:
        operator = f.read().strip()
    maildir = env("STACK_MAIL_DIR", os.path.join(env("STACK_RUN_DIR"), "mail"))
    mails = MailWatch(maildir, args.mail_timeout)
    school_year = school_year_now()

    print("Vlaams opleidingsverlof: the seed story through the gateway 127.0.0.1:%s" %
          env("STACK_GATEWAY_PORT"))
    print("(mails land in %s; %d mail files there before this run)" % (maildir, len(mails.before)))

    # --- set-up by the operator --------------------------------------------------------------
    STORY.step("Set-up by the operator (the gateway's internal listener, operator token): the "
               "demo school, its legal representative and a training")
    school_json, admin_json = load_demo_school()
    persons = call(op_identity.BatchImportPersons, identity_pb2.BatchImportPersonsRequest(
        persons=[json_format.ParseDict(admin_json, directory_pb2.Person())]), operator)
    result = persons.results[0]
    STORY.check(result.outcome != directory_pb2.IMPORT_OUTCOME_FAILED and result.resource,
                "legal representative %s %s imported (%s): %s" % (
                    admin_json["givenName"], admin_json["familyName"],
                    outcome_name(directory_pb2.ImportOutcome, result.outcome), result.resource),
                result)
    admin_person = result.resource
    orgs = call(op_identity.BatchImportOrganizations, identity_pb2.BatchImportOrganizationsRequest(
        organizations=[json_format.ParseDict(school_json, directory_pb2.Organization())]),
        operator)
    result = orgs.results[0]
    STORY.check(result.outcome != directory_pb2.IMPORT_OUTCOME_FAILED and result.resource,
                "school '%s' imported (%s): %s" % (
                    school_json["displayName"],
                    outcome_name(directory_pb2.ImportOutcome, result.outcome), result.resource),
                result)
    school = result.resource
    school_name = school_json["displayName"]
    found = call(op_identity.LookupOrganization, identity_pb2.LookupOrganizationRequest(
        identifier=json_format.ParseDict(school_json["identifier"],
                                         directory_pb2.OrganizationIdentifier())),
        operator).organization
    STORY.check(found.name == school and any(r.person == admin_person
                                             for r in found.legal_representatives),
                "LookupOrganization finds %s with %s as legal representative" % (
                    school, admin_person), found)

    trainings = call(op_registration.ListTrainings, training_pb2.ListTrainingsRequest(
        provider_organization=school, school_year=school_year, page_size=500), operator)
    training = next((t for t in trainings.trainings if t.odb_number == TRAINING["odbNumber"]),
                    None)
    if training is None:
        imported = call(op_registration.BatchImportTrainings,
                        training_pb2.BatchImportTrainingsRequest(trainings=[json_format.ParseDict(
                            dict(TRAINING, providerOrganization=school),
                            training_pb2.Training())]), operator)
        result = imported.results[0]
        STORY.check(result.outcome != training_pb2.IMPORT_OUTCOME_FAILED,
                    "training %s was not there yet: imported (%s)" % (
                        TRAINING["odbNumber"], outcome_name(training_pb2.ImportOutcome,
                                                            result.outcome)), result)
        training = call(op_registration.GetTraining, training_pb2.GetTrainingRequest(
            name=result.training), operator).training
    else:
        STORY.ok("the school already has training %s (seeded, or imported by an earlier run)" %
                 training.odb_number)
    STORY.check(training.provider_organization == school,
                "training %s '%s' (%s, %g recognised hours) belongs to the school" % (
                    training.odb_number, training.title,
                    training_pb2.TrainingType.Name(training.type).replace("TRAINING_TYPE_", ""),
                    training.recognized_hours), training.provider_organization)
    admin_name = "%s %s" % (admin_json["givenName"], admin_json["familyName"])
    admin_email = admin_json["emailAddress"]

    # A fresh user, known to the directory with an e-mail address so that mails reach them.
    for _ in range(5):
        user_insz = random_insz()
        user_given, user_family = random.choice(GIVEN_NAMES), random.choice(FAMILY_NAMES)
        user_email = "%s.%s.%s@%s" % (
            user_given.lower(), user_family.lower().replace(" ", ""), user_insz,
            admin_email.split("@")[1])
        persons = call(op_identity.BatchImportPersons, identity_pb2.BatchImportPersonsRequest(
            persons=[directory_pb2.Person(insz=user_insz, given_name=user_given,
                                          family_name=user_family, email_address=user_email,
                                          preferred_locale="nl")]), operator)
        if persons.results[0].outcome == directory_pb2.IMPORT_OUTCOME_CREATED:
            break
    result = persons.results[0]
    STORY.check(result.outcome == directory_pb2.IMPORT_OUTCOME_CREATED,
                "a fresh user %s %s (INSZ %s, %s) created: %s" % (
                    user_given, user_family, formatted_insz(user_insz), user_email,
                    result.resource), result)
    user_person = result.resource
    user_name = "%s %s" % (user_given, user_family)

    # --- the story ---------------------------------------------------------------------------
    STORY.step("%s logs in with a digital key (development IdP ID token)" % user_name)
    session = login(identity, user_insz, user_given, user_family)
    STORY.check(session.access_token and session.session.person.name == user_person,
                "ExchangeIdToken gives a personal access token for %s" % user_person,
                session.session)
    personal_token = session.access_token
    contexts = call(identity.ListActingContexts, identity_pb2.ListActingContextsRequest(),
                    personal_token)
    for c in contexts.acting_contexts:
        STORY.say("acting context: %s '%s'" % (
            session_pb2.ActingContextKind.Name(c.kind).replace("ACTING_CONTEXT_KIND_", ""),
            c.display_name))
    STORY.check([c.kind for c in contexts.acting_contexts] ==
                [session_pb2.ACTING_CONTEXT_KIND_PERSONAL],
                "only the personal context (their own name), no school yet",
                contexts.acting_contexts)
    guidance = contexts.guidance
    STORY.say("guidance: \"%s\"" % guidance.text)
    helpdesk = [a for a in guidance.actions
                if a.kind == guidance_pb2.GUIDANCE_ACTION_KIND_CALL_HELPDESK]
    STORY.check(guidance.reason == guidance_pb2.GUIDANCE_REASON_NO_ORGANIZATION and helpdesk
                and helpdesk[0].phone_number == "1700" and "1700" in guidance.text,
                "the guidance says to turn to the lokale beheerder or call the 1700 infolijn "
                "(team '%s')" % (helpdesk[0].team if helpdesk else "?"), guidance)
    screen = screen_of(registration, personal_token)
    STORY.equal(screen_pb2.ScreenAction.Name(screen.action), "SCREEN_ACTION_SELECT_ORGANIZATION",
                "the 'Aanvraag' screen with the personal name: log in via the organisation;"
                " action")

    STORY.step("The local administrator %s (legal representative of '%s') logs in and adds %s "
               "to the school (werkrelatie)" % (admin_name, school_name, user_name))
    admin_session = login(identity, admin_json["insz"], admin_json["givenName"],
                          admin_json["familyName"])
    contexts = call(identity.ListActingContexts, identity_pb2.ListActingContextsRequest(),
                    admin_session.access_token)
    offered = [c for c in contexts.acting_contexts if c.organization == school]
    STORY.check(offered and session_pb2.ACTING_BASIS_LEGAL_REPRESENTATIVE in offered[0].bases,
                "%s may act for '%s' as legal representative" % (admin_name, school_name),
                contexts.acting_contexts)
    selected = select(identity, admin_session.access_token, school)
    STORY.check(selected.acting_context.organization == school and selected.access_token,
                "SelectActingContext gives %s a token for the school" % admin_name,
                selected.acting_context)
    admin_token = selected.access_token
    administrators = call(rights.ListLocalAdministrators,
                          local_admin_pb2.ListLocalAdministratorsRequest(parent=school),
                          admin_token)
    for a in administrators.local_administrators:
        STORY.say("lokale beheerder: %s <%s>%s" % (
            a.display_name, a.email_address or "no e-mail",
            " (wettelijk vertegenwoordiger)" if a.legal_representative else ""))
    STORY.check(administrators.access_request_possible and any(
        a.person == admin_person and a.email_address == admin_email
        for a in administrators.local_administrators),
        "%s is a reachable local administrator, so 'Gebruikersrecht aanvragen' is possible" %
        admin_name, administrators)
    relation = call(rights.CreateWorkRelation, work_relation_pb2.CreateWorkRelationRequest(
        parent=school, request_id=str(uuid.uuid4()),
        work_relation=work_relation_pb2.WorkRelation(
            person=user_person, type=work_relation_pb2.WORK_RELATION_TYPE_VASTE_MEDEWERKER)),
        admin_token).work_relation
    STORY.check(relation.state == work_relation_pb2.WORK_RELATION_STATE_ACTIVE and
                relation.person == user_person,
                "CreateWorkRelation: %s is now 'vaste medewerker' of the school (%s, ACTIVE)" % (
                    user_name, relation.name), relation)

    STORY.step("%s chooses the school to act for" % user_name)
    contexts = call(identity.ListActingContexts, identity_pb2.ListActingContextsRequest(),
                    personal_token)
    offered = [c for c in contexts.acting_contexts
               if c.kind == session_pb2.ACTING_CONTEXT_KIND_ORGANIZATION]
    STORY.check([c.organization for c in offered] == [school] and
                session_pb2.ACTING_BASIS_WORK_RELATION in offered[0].bases,
                "the acting contexts now offer '%s' (basis: work relation)" % school_name,
                contexts.acting_contexts)
    selected = select(identity, personal_token, school)
    STORY.check(selected.acting_context.organization == school and selected.access_token,
                "SelectActingContext gives a token for the school", selected.acting_context)
    user_token = selected.access_token

    STORY.step("%s opens the 'Aanvraag' screen (Vlaams opleidingsverlof)" % user_name)
    screen = screen_of(registration, user_token)
    STORY.say("screen: '%s' / '%s': \"%s\" [%s]" % (screen.title, screen.subtitle,
                                                     screen.message, screen.button_label))
    STORY.equal(screen_pb2.ScreenAction.Name(screen.action), "SCREEN_ACTION_REQUEST_RIGHT",
                "the action")
    STORY.equal(screen.button_label, "Gebruikersrecht aanvragen", "the button")
    STORY.check(screen.requested_role == ROLE and screen.requested_context and
                screen.access_request_possible,
                "it asks for %s with context '%s'" % (ROLE, screen.requested_context), screen)
    requested_context = screen.requested_context

    STORY.step("%s clicks 'Gebruikersrecht aanvragen' (CreateAccessRequest)" % user_name)
    request = call(rights.CreateAccessRequest, access_request_pb2.CreateAccessRequestRequest(
        parent=school, request_id=str(uuid.uuid4()),
        access_request=access_request_pb2.AccessRequest(
            role=ROLE, context=requested_context,
            reason="Aanwezigheden registreren voor Vlaams opleidingsverlof")),
        user_token).access_request
    STORY.check(request.state == access_request_pb2.ACCESS_REQUEST_STATE_PENDING and
                request.notified_administrator_count >= 1,
                "request %s is PENDING; %d local administrator(s) mailed" % (
                    request.name, request.notified_administrator_count), request)
    if args.check_no_other_mail:
        STORY.equal(request.notified_administrator_count, 1, "the number of administrators mailed")
    screen = screen_of(registration, user_token)
    STORY.check(screen.action == screen_pb2.SCREEN_ACTION_REQUEST_RIGHT and
                screen.pending_access_request == request.name,
                "the screen now shows the pending request: \"%s\"" % screen.message, screen)

    STORY.step("The mail to the local administrator arrives")
    admin_subject = "Nieuwe aanvraag gebruikersrecht voor %s: " % school_name
    admin_mail = mails.wait_for(admin_email, "access-request mail",
                                lambda m: user_name in m.text)
    STORY.say("file:    %s" % admin_mail.path)
    STORY.say("to:      %s" % admin_mail.to)
    STORY.say("subject: %s" % admin_mail.subject)
    STORY.check(admin_mail.subject.startswith(admin_subject),
                "the subject starts with '%s'" % admin_subject, admin_mail.subject)

    STORY.step("%s approves the request (ApproveAccessRequest)" % admin_name)
    pending = call(rights.ListAccessRequests, access_request_pb2.ListAccessRequestsRequest(
        parent=school, state=access_request_pb2.ACCESS_REQUEST_STATE_PENDING, page_size=500),
        admin_token).access_requests
    mine = [r for r in pending if r.name == request.name]
    STORY.check(len(mine) == 1 and mine[0].requester == user_person,
                "ListAccessRequests (PENDING) shows the administrator the request of %s (%s)" % (
                    user_name, user_person), [r.name for r in pending])
    approved = call(rights.ApproveAccessRequest, access_request_pb2.ApproveAccessRequestRequest(
        name=request.name, etag=mine[0].etag), admin_token)
    STORY.check(approved.access_request.state == access_request_pb2.ACCESS_REQUEST_STATE_APPROVED
                and approved.grant.state == grant_pb2.GRANT_STATE_ACTIVE and
                approved.grant.role == ROLE,
                "APPROVED; grant %s (%s, %s) is ACTIVE" % (
                    approved.grant.name, approved.grant.role, approved.grant.context), approved)

    STORY.step("The mail to %s arrives" % user_name)
    approved_subject = "Uw aanvraag voor een gebruikersrecht is goedgekeurd"
    user_mail = mails.wait_for(user_email, "approval mail",
                               lambda m: m.subject == approved_subject)
    STORY.say("file:    %s" % user_mail.path)
    STORY.say("to:      %s" % user_mail.to)
    STORY.say("subject: %s" % user_mail.subject)
    STORY.ok("the subject is '%s'" % approved_subject)

    STORY.step("%s opens the 'Aanvraag' screen again" % user_name)
    screen = screen_of(registration, user_token)
    STORY.say("screen: '%s' / '%s': \"%s\" [%s]" % (screen.title, screen.subtitle,
                                                     screen.message, screen.button_label))
    STORY.equal(screen_pb2.ScreenAction.Name(screen.action), "SCREEN_ACTION_REGISTER",
                "the action")
    STORY.equal(screen.button_label, "aanvragen", "the button")

    STORY.step("%s clicks 'aanvragen': a draft for %s '%s', school year %s" % (
        user_name, training.odb_number, training.title, school_year))
    draft = call(registration.CreateDraft, draft_pb2.CreateDraftRequest(
        parent=school, request_id=str(uuid.uuid4()),
        draft=draft_pb2.Draft(training=training.name, school_year=school_year)),
        user_token).draft
    STORY.check(draft.name and draft.step == draft_pb2.DRAFT_STEP_PARTICIPANTS,
                "draft %s, step PARTICIPANTS" % draft.name, draft)

    STORY.step("%s adds two participants" % user_name)
    etag = draft.etag
    to_follow = float(training.lestijden or training.planned_hours or 40)
    participants = []
    for present in (to_follow - 8, to_follow - 24):
        insz = random_insz()
        while insz in [p[0] for p in participants]:
            insz = random_insz()
        display = "%s %s" % (random.choice(GIVEN_NAMES), random.choice(FAMILY_NAMES))
        participant = participant_pb2.Participant(
            insz=insz, display_name=display,
            final_assessment=participant_pb2.FINAL_ASSESSMENT_PARTICIPATED,
            route_completed=True, exam_contract=False)
        if training.delivery_mode == training_pb2.DELIVERY_MODE_CLASSROOM:
            participant.attendance.hours_present = present
            participant.attendance.contact_hours_to_follow = to_follow
            participant.attendance.unjustified_absence_hours = 0
            measured = "%g of %g hours present" % (present, to_follow)
        else:
            participant.participation.participated = True
            measured = "took part"
        added = call(registration.AddParticipant, participant_pb2.AddParticipantRequest(
            parent=draft.name, etag=etag, participant=participant), user_token)
        STORY.check(added.participant.masked_insz and not added.participant.insz,
                    "%s (INSZ %s, shown as %s): %s, took part in the final assessment, route "
                    "completed" % (display, formatted_insz(insz), added.participant.masked_insz,
                                   measured), added.participant)
        etag = added.etag
        participants.append((insz, display))

    STORY.step("%s checks the draft (ValidateDraft)" % user_name)
    validated = call(registration.ValidateDraft, draft_pb2.ValidateDraftRequest(name=draft.name),
                     user_token)
    for w in validated.warnings:
        STORY.say("warning: %s %s" % (w.reason, w.description))
    STORY.check(len(validated.violations) == 0,
                "no violations (%d warnings)" % len(validated.warnings),
                ["%s: %s" % (v.field, v.description) for v in validated.violations])
    STORY.equal(validated.etag, etag, "the validated etag")

    STORY.step("%s clicks 'Bevestigen' (ConfirmDraft) and gets the ontvangstbevestiging" %
               user_name)
    confirmed = call(registration.ConfirmDraft, draft_pb2.ConfirmDraftRequest(
        name=draft.name, etag=etag, request_id=str(uuid.uuid4())), user_token)
    receipt = confirmed.receipt
    STORY.say("reference:     %s" % receipt.reference)
    STORY.say("submitted:     %s (by %s for %s)" % (
        belgian_time(receipt.submit_time.ToDatetime()),
        receipt.submitted_by_display_name, receipt.organization_display_name))
    STORY.say("training:      %s '%s', school year %s" % (
        receipt.training, receipt.training_title, receipt.school_year))
    STORY.say("content hash:  %s (SHA-256, %s)" % (receipt.content_sha256,
                                                    receipt.content_format))
    for line in receipt.lines:
        if line.WhichOneof("measurement") == "attendance":
            measured = "%g of %g hours present" % (line.attendance.hours_present,
                                                    line.attendance.contact_hours_to_follow)
        else:
            measured = "participated" if line.participation.participated else "did not take part"
        STORY.say("line:          %s %s, %s%s" % (
            line.masked_insz, line.display_name, measured,
            " (warnings: %s)" % ", ".join(line.warning_reasons) if line.warning_reasons else ""))
    STORY.check(receipt.reference.startswith("VOV-") and len(receipt.content_sha256) == 64 and
                receipt.kind == receipt_pb2.RECEIPT_KIND_SUBMISSION,
                "a submission receipt with a VOV- reference and a SHA-256 content hash", receipt)
    STORY.equal(len(receipt.lines), 2, "the number of receipt lines")
    STORY.check(receipt.organization == school and receipt.submitted_by == user_person and
                receipt.training == training.name and receipt.school_year == school_year,
                "the receipt names the school, %s, the training and the school year" % user_name,
                receipt)
    STORY.check(confirmed.registration.version == 1 and
                confirmed.registration.state == registration_pb2.REGISTRATION_STATE_ACTIVE and
                confirmed.registration.participants_summary.participant_count == 2,
                "registration %s, version 1, ACTIVE, 2 participants" %
                confirmed.registration.name, confirmed.registration)

    STORY.step("The ontvangstbevestiging mail to %s arrives" % user_name)
    receipt_mail = mails.wait_for(user_email, "receipt mail",
                                  lambda m: receipt.reference in m.subject)
    STORY.say("file:    %s" % receipt_mail.path)
    STORY.say("to:      %s" % receipt_mail.to)
    STORY.say("subject: %s" % receipt_mail.subject)
    STORY.check(receipt_mail.subject.startswith("Ontvangstbevestiging %s" % receipt.reference),
                "the subject is the ontvangstbevestiging with reference %s" % receipt.reference,
                receipt_mail.subject)

    if args.check_no_other_mail:
        STORY.step("The mails' contents, and nothing else was sent")
        expect = [
            (admin_mail, admin_email, [school_name, user_name, "DWSE organisatieverantwoordelijke",
                                      "Gebruikersbeheer"]),
            (user_mail, user_email, [user_name, school_name, "DWSE organisatieverantwoordelijke"]),
            (receipt_mail, user_email, [receipt.reference, receipt.content_sha256, school_name,
                                        training.title, training.odb_number, school_year]),
        ]
        STORY.equal(admin_mail.subject, admin_subject + "DWSE organisatieverantwoordelijke",
                    "the administrator's subject")
        for mail, recipient, contents in expect:
            name = os.path.basename(mail.path)
            STORY.check(mail.envelope_to == [recipient.lower()] and recipient in mail.to,
                        "%s went to %s only" % (name, recipient),
                        "envelope %s, To: %s" % (mail.envelope_to, mail.to))
            missing = [c for c in contents if c and c.lower() not in mail.text.lower()]
            STORY.check(not missing, "%s ('%s') mentions %s" % (
                name, mail.subject, ", ".join(c for c in contents if c)),
                "missing %s in:\n%s" % (missing, mail.text))
        STORY.check("Aantal deelnemers:         2" in receipt_mail.text,
                    "the receipt mail counts 2 participants", receipt_mail.text)
        # Anything late (a duplicate from a retry, a stray notice) would arrive now.
        time.sleep(args.settle)
        new = mails.new_files()
        expected = sorted(os.path.basename(m.path) for m in (admin_mail, user_mail, receipt_mail))
        unexpected = []
        for name in new:
            if name not in expected:
                m = Mail(os.path.join(maildir, name))
                unexpected.append("%s to %s: %s" % (name, ", ".join(m.envelope_to), m.subject))
        STORY.check(new == expected,
                    "exactly these 3 mails were sent during the run (waited %gs for stragglers)" %
                    args.settle, "\n    ".join(["new mail files: %s" % new] + unexpected))

    print("\nThe story ran through: %s registered 2 participants for '%s' at '%s', "
          "ontvangstbevestiging %s." % (user_name, training.title, school_name,
                                        receipt.reference))


def main():
    parser = argparse.ArgumentParser(
        description="Walks the seed story of the WSE-loket through the gateway of the running "
                    "local stack, checking every step.")
    parser.add_argument("--check-no-other-mail", action="store_true",
                        help="also check the mails' contents and that the run sent exactly the "
                             "three expected mails (for the e2e test; needs a quiet stack)")
    parser.add_argument("--mail-timeout", type=float, default=60,
                        help="seconds to wait for each mail (default 60)")
    parser.add_argument("--settle", type=float, default=3,
                        help="with --check-no-other-mail: seconds to wait for late mails "
                             "(default 3)")
    args = parser.parse_args()
    if hasattr(sys.stdout, "reconfigure") and (sys.stdout.encoding or "").lower() != "utf-8":
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")

    with tempfile.TemporaryDirectory(prefix="wse-demo-stubs-") as stubs:
        generate_stubs(stubs)
        # Imported only now: the modules exist once protoc has run.
        global identity_pb2, identity_grpc, directory_pb2, session_pb2, guidance_pb2
        global rights_grpc, work_relation_pb2, access_request_pb2, grant_pb2, local_admin_pb2
        global registration_grpc, screen_pb2, training_pb2, draft_pb2, participant_pb2
        global receipt_pb2, registration_pb2, status_pb2, error_details_pb2, json_format
        from google.protobuf import json_format
        from google.rpc import error_details_pb2, status_pb2
        from wse.identity.v1 import directory_pb2, guidance_pb2, session_pb2
        from wse.identity.v1 import identity_service_pb2 as identity_pb2
        from wse.identity.v1 import identity_service_pb2_grpc as identity_grpc
        from wse.registration.v1 import application_screen_pb2 as screen_pb2
        from wse.registration.v1 import (draft_pb2, participant_pb2, receipt_pb2,
                                         registration_pb2, training_pb2)
        from wse.registration.v1 import registration_service_pb2_grpc as registration_grpc
        from wse.rights.v1 import access_request_pb2, grant_pb2
        from wse.rights.v1 import local_administrator_pb2 as local_admin_pb2
        from wse.rights.v1 import rights_service_pb2_grpc as rights_grpc
        from wse.rights.v1 import work_relation_pb2
        try:
            run(args)
        except StepFailed as failure:
            print("\nFAILED at step %d (%s):\n    %s" % (STORY.step_no, STORY.step_title,
                                                          failure), flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
