#!/usr/bin/python3
"""A Python client of the WSE-loket, through the gateway of a running stack.

Proves the contracts work from another language: stubs are generated at test time from proto/
with protoc + grpc_python_plugin (Debian's protobuf-compiler, protobuf-compiler-grpc) into a
temporary folder, never committed, and used with Debian's python3-grpcio / python3-protobuf.
Then, only through the gateway, a slice of the story: an operator imports (on the internal
listener, STACK_OPERATOR_GATEWAY_PORT, as the public STACK_GATEWAY_PORT refuses the token) a person and the organisation they legally represent; the person logs in with a digital key
(a development ID token from wse-dev-idp), lists their acting contexts, sees the 'Aanvraag'
screen in their personal context, selects the organisation and sees the screen offer
'Gebruikersrecht aanvragen'. And the errors a client must handle: INVALID_ARGUMENT with
google.rpc details decoded from grpc-status-details-bin, UNAUTHENTICATED, UNIMPLEMENTED.

Needs the STACK_* variables of deploy/local/lib.sh (ctest inherits them from
deploy/local/test.sh):  /usr/bin/python3 tests/clients/python_client_test.py -v
"""

import glob
import os
import random
import subprocess
import sys
import tempfile
import unittest
import uuid

import grpc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOOGLEAPIS = "/usr/share/gocode/src/github.com/gogo/googleapis"  # google/rpc/error_details.proto
TIMEOUT = 20  # seconds per call


def env(name):
    value = os.environ.get(name, "")
    if not value:
        sys.exit("%s is not set: run this test through deploy/local/test.sh (or export the "
                 "STACK_* variables of deploy/local/lib.sh)" % name)
    return value


STUBS = None  # temporary folder with the generated modules


def generate_stubs():
    """protoc + grpc_python_plugin over proto/wse/** and google/rpc, into a temp folder."""
    global STUBS
    STUBS = tempfile.TemporaryDirectory(prefix="wse-python-stubs-")
    protos = sorted(os.path.relpath(p, os.path.join(ROOT, "proto")) for p in
                    glob.glob(os.path.join(ROOT, "proto", "wse", "**", "*.proto"), recursive=True))
    includes = ["-I", os.path.join(ROOT, "proto"), "-I", GOOGLEAPIS, "-I", "/usr/include"]
    subprocess.run(["protoc", *includes, "--python_out=" + STUBS.name,
                    "--grpc_python_out=" + STUBS.name,
                    "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin", *protos],
                   check=True)
    subprocess.run(["protoc", *includes, "--python_out=" + STUBS.name,
                    "google/rpc/status.proto", "google/rpc/error_details.proto"], check=True)
    sys.path.insert(0, STUBS.name)


def random_insz():
    """A valid national register number (born 1950-1999), as tests/support does."""
    base = "%02d%02d%02d%03d" % (random.randint(50, 99), random.randint(1, 12),
                                 random.randint(1, 28), random.randint(1, 997))
    return base + "%02d" % (97 - int(base) % 97)


def random_kbo():
    base = "0%07d" % random.randint(2000000, 9999999)
    return base + "%02d" % (97 - int(base) % 97)


def dev_id_token(insz, given_name, family_name):
    """What the digital-key provider would hand the front end after a login (dev IdP)."""
    run = subprocess.run(
        [os.path.join(env("STACK_BUILD_DIR"), "identity-svc", "wse-dev-idp"), "--dev_environment",
         "--key_dir=" + os.path.join(env("STACK_RUN_DIR"), "dev-idp"), "--insz=" + insz,
         "--given_name=" + given_name, "--family_name=" + family_name],
        check=True, capture_output=True, text=True)
    return run.stdout.strip()


def bearer(token, request_id=None):
    metadata = [("authorization", "Bearer " + token)]
    if request_id:
        metadata.append(("x-request-id", request_id))
    return metadata


class PythonClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        generate_stubs()
        cls.addClassCleanup(STUBS.cleanup)
        # Imported only now: the modules exist once protoc has run.
        global identity_pb2, identity_grpc, registration_grpc
        global screen_pb2, session_pb2, directory_pb2, status_pb2, error_details_pb2
        from wse.identity.v1 import identity_service_pb2 as identity_pb2
        from wse.identity.v1 import identity_service_pb2_grpc as identity_grpc
        from wse.identity.v1 import directory_pb2, session_pb2
        from wse.registration.v1 import application_screen_pb2 as screen_pb2
        from wse.registration.v1 import registration_service_pb2_grpc as registration_grpc
        from google.rpc import error_details_pb2, status_pb2
        cls.channel = grpc.insecure_channel("127.0.0.1:%s" % env("STACK_GATEWAY_PORT"))
        grpc.channel_ready_future(cls.channel).result(timeout=TIMEOUT)
        cls.identity = identity_grpc.IdentityServiceStub(cls.channel)
        cls.registration = registration_grpc.RegistrationServiceStub(cls.channel)
        # Operators use the gateway's internal listener: the public one refuses their token.
        cls.operator_channel = grpc.insecure_channel(
            "127.0.0.1:%s" % env("STACK_OPERATOR_GATEWAY_PORT"))
        cls.operator_identity = identity_grpc.IdentityServiceStub(cls.operator_channel)
        with open(os.path.join(env("STACK_RUN_DIR"), "secrets", "operator.token")) as f:
            cls.operator_token = f.read().strip()

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.operator_channel.close()

    def import_person_and_organisation(self):
        """As an operator, through the gateway's internal listener: a person and the organisation
        they represent."""
        insz, kbo = random_insz(), random_kbo()
        persons = self.operator_identity.BatchImportPersons(
            identity_pb2.BatchImportPersonsRequest(persons=[directory_pb2.Person(
                insz=insz, given_name="Pieter", family_name="Python",
                email_address="pieter.python@example.be", preferred_locale="nl")]),
            metadata=bearer(self.operator_token), timeout=TIMEOUT)
        self.assertEqual(persons.results[0].outcome, directory_pb2.IMPORT_OUTCOME_CREATED,
                         persons)
        display_name = "Python Opleidingen %s" % kbo
        orgs = self.operator_identity.BatchImportOrganizations(
            identity_pb2.BatchImportOrganizationsRequest(organizations=[directory_pb2.Organization(
                identifier=directory_pb2.OrganizationIdentifier(kbo_number=kbo),
                display_name=display_name, kind=directory_pb2.ORGANIZATION_KIND_ENTERPRISE,
                email_address="info@python-opleidingen.example",
                legal_representatives=[directory_pb2.LegalRepresentative(insz=insz)])]),
            metadata=bearer(self.operator_token), timeout=TIMEOUT)
        result = orgs.results[0]
        self.assertEqual(result.outcome, directory_pb2.IMPORT_OUTCOME_CREATED, orgs)
        self.assertTrue(result.resource.startswith("organizations/"), result)
        return insz, result.resource, display_name

    def test_story_slice_login_select_organisation_application_screen(self):
        insz, organization, display_name = self.import_person_and_organisation()

        # Log in with a digital key: the ID token is exchanged for a personal access token.
        # The gateway keeps our x-request-id and the service echoes it.
        request_id = "python-client-" + uuid.uuid4().hex
        login, call = self.identity.ExchangeIdToken.with_call(
            identity_pb2.ExchangeIdTokenRequest(
                id_token=dev_id_token(insz, "Pieter", "Python")),
            metadata=[("x-request-id", request_id)], timeout=TIMEOUT)
        self.assertTrue(login.access_token)
        self.assertTrue(login.refresh_token)
        self.assertIn(("x-request-id", request_id), call.initial_metadata())
        personal_token = login.access_token

        # The acting contexts: the organisation (as legal representative) and the personal name.
        contexts = self.identity.ListActingContexts(
            identity_pb2.ListActingContextsRequest(), metadata=bearer(personal_token),
            timeout=TIMEOUT)
        by_kind = {}
        for context in contexts.acting_contexts:
            by_kind.setdefault(context.kind, []).append(context)
        self.assertEqual(len(by_kind.get(session_pb2.ACTING_CONTEXT_KIND_PERSONAL, [])), 1,
                         contexts)
        organizations = by_kind.get(session_pb2.ACTING_CONTEXT_KIND_ORGANIZATION, [])
        self.assertEqual([c.organization for c in organizations], [organization], contexts)
        self.assertEqual(organizations[0].display_name, display_name)
        self.assertIn(session_pb2.ACTING_BASIS_LEGAL_REPRESENTATIVE, organizations[0].bases)

        # In the personal context the 'Aanvraag' screen asks to log in via the organisation.
        screen = self.registration.GetApplicationScreen(
            screen_pb2.GetApplicationScreenRequest(), metadata=bearer(personal_token),
            timeout=TIMEOUT).screen
        self.assertEqual(screen.title, "Vlaams opleidingsverlof")
        self.assertEqual(screen.action, screen_pb2.SCREEN_ACTION_SELECT_ORGANIZATION)

        # Select the organisation: an org-scoped token.
        selected = self.identity.SelectActingContext(
            identity_pb2.SelectActingContextRequest(organization=organization),
            metadata=bearer(personal_token), timeout=TIMEOUT)
        self.assertEqual(selected.acting_context.organization, organization)
        self.assertNotEqual(selected.access_token, personal_token)
        org_token = selected.access_token

        # The 'Aanvraag' screen for the organisation: no registration right yet, and this person
        # is the organisation's only local administrator (its legal representative), so the one
        # action is 'Gebruikersbeheer' to grant the DWSE organisatieverantwoordelijke role to
        # themselves (a request would mail nobody).
        screen = self.registration.GetApplicationScreen(
            screen_pb2.GetApplicationScreenRequest(organization=organization),
            metadata=bearer(org_token), timeout=TIMEOUT).screen
        self.assertEqual(screen.title, "Vlaams opleidingsverlof")
        self.assertEqual(screen.subtitle, "Aanwezigheid/deelname registreren")
        self.assertEqual(screen.action, screen_pb2.SCREEN_ACTION_GRANT_OWN_RIGHT, screen)
        self.assertEqual(screen.button_label, "Gebruikersbeheer")
        self.assertEqual(screen.requested_role, "DWSE_ORGANISATIEVERANTWOORDELIJKE")
        self.assertTrue(screen.requested_context)
        self.assertTrue(screen.support_email_address)

    def test_invalid_argument_carries_bad_request_details(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.identity.ExchangeIdToken(identity_pb2.ExchangeIdTokenRequest(id_token=""),
                                          timeout=TIMEOUT)
        error = raised.exception
        self.assertEqual(error.code(), grpc.StatusCode.INVALID_ARGUMENT)
        details = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
        self.assertIsNotNone(details, "no grpc-status-details-bin trailer")
        status = status_pb2.Status.FromString(details)
        self.assertEqual(status.code, grpc.StatusCode.INVALID_ARGUMENT.value[0])
        self.assertEqual(status.message, error.details())
        found = {}
        for any_detail in status.details:
            for kind in (error_details_pb2.BadRequest, error_details_pb2.ErrorInfo,
                         error_details_pb2.LocalizedMessage):
                if any_detail.Is(kind.DESCRIPTOR):
                    message = kind()
                    any_detail.Unpack(message)
                    found[kind.__name__] = message
        self.assertIn("BadRequest", found, status)
        self.assertEqual([v.field for v in found["BadRequest"].field_violations], ["id_token"])
        self.assertEqual(found["ErrorInfo"].reason, "INVALID_ARGUMENT")
        self.assertTrue(found["LocalizedMessage"].locale.startswith("nl"))
        self.assertTrue(found["LocalizedMessage"].message)

    def test_missing_token_is_unauthenticated(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.identity.ListActingContexts(identity_pb2.ListActingContextsRequest(),
                                             timeout=TIMEOUT)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAUTHENTICATED)

    def test_unknown_service_is_unimplemented(self):
        call = self.channel.unary_unary("/wse.unknown.v1.UnknownService/GetNothing",
                                        request_serializer=lambda m: m,
                                        response_deserializer=lambda b: b)
        with self.assertRaises(grpc.RpcError) as raised:
            call(b"", timeout=TIMEOUT)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNIMPLEMENTED)


if __name__ == "__main__":
    unittest.main(verbosity=2)
