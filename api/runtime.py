"""The long-lived parts of one running app, built once from its Settings and reached one way.

The HTTP layer and the CLI call `runtime()`; code holding the app object (tests, benchmarks)
reads `app.extensions["runtime"]`. Services never see the Runtime: they get a Context.
"""
from __future__ import annotations

import base64
import binascii
import logging
import os
from dataclasses import dataclass
from datetime import timedelta

import redis
from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api import eid_development
from models.database import make_engine, make_session_factory
from services.clock import Clock, clock
from services.documents.storage import DocumentStore, open_store
from services.identity.eid import EidRelyingParty, EidSettings
from services.identity.eid_sign_in import EidSignIn
from services.payments.gateway import HttpPaymentGateway, PaymentGateway
from services.identity.national_id import NationalIdHasher
from services.identity.otp import OtpChallenges
from services.identity.passwords import Passwords
from services.identity.registration import Registration
from services.identity.registry import TablePopulationRegistry
from services.identity.sessions import SignIn, revoked_within
from services.identity.signing_keys import load_signing_key
from services.identity.sms import LogSmsSender, SmsSender
from services.identity.sms_gateway import HttpSmsSender, SmsGatewaySettings
from services.identity.throttle import SignInThrottle
from services.identity.tokens import AccessTokens
from services.keyvalue import connect
from services.metrics.usage import UsageCounter
from services.notifications.fcm import FcmPushSender
from services.notifications.push import LogPushSender, PushSender
from services.settings import DEV_GATEWAY, ConfigError, Settings, acr_level_map
from services.signatures.authority import CertificateAuthority, CertificateAuthorityError
from services.signatures.key_vault import KeyVault
from services.signatures.profile import CertificateProfile
from services.signatures.local_ca import LocalCertificateAuthority
from services.signatures.signing import OTP_PURPOSE

log = logging.getLogger(__name__)
RUNTIME = "runtime"  # its key in app.extensions


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    kv: redis.Redis
    sms: SmsSender
    id_hasher: NationalIdHasher
    passwords: Passwords
    tokens: AccessTokens
    sign_in: SignIn
    registration: Registration
    authority: CertificateAuthority
    vault: KeyVault
    signing_challenges: OtpChallenges
    push: PushSender
    usage: UsageCounter
    documents: DocumentStore
    payments: PaymentGateway | None
    eid: EidSignIn


def secret(settings: Settings, configured: str | None, name: str, file_name: str, size: int) -> bytes:
    """A configured secret, or a development one generated once under instance/.

    Production never generates one: without the setting and the file it refuses to start."""
    if configured:
        return configured.encode()
    path = os.path.join(settings.instance_path, file_name)
    if not os.path.exists(path):
        if settings.production:
            raise ConfigError(f"production needs {name} set in the environment")
        os.makedirs(settings.instance_path, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker wrote it first
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(os.urandom(size))
    with open(path, "rb") as handle:
        return handle.read()


def flask_secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    return secret(settings, None, "SECRET_KEY", "flask_secret.bin", 32).hex()


def key_vault(settings: Settings) -> KeyVault:
    configured = settings.signature_key_encryption_key
    if not configured:
        return KeyVault(secret(settings, None, "SIGNATURE_KEY_ENCRYPTION_KEY", "signature_kek.bin", 32))
    try:
        key = base64.b64decode(configured, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("SIGNATURE_KEY_ENCRYPTION_KEY must be base64") from exc
    if len(key) != 32:
        raise ConfigError("SIGNATURE_KEY_ENCRYPTION_KEY must decode to 32 bytes")
    return KeyVault(key)


def certificate_profile(settings: Settings) -> CertificateProfile:
    """What every new end-entity certificate names: policy, CRL, OCSP responder, issuer's URL;
    and what a CA made here (development) names in its issuing certificate: the root's URL."""
    return CertificateProfile(policy_oid=settings.signature_policy_oid, crl_url=settings.signature_crl_url,
                              ocsp_url=settings.signature_ocsp_url,
                              ca_issuers_url=settings.signature_ca_issuers_url,
                              root_certificate_url=settings.signature_root_certificate_url)


def certificate_authority(settings: Settings) -> CertificateAuthority:
    """The city CA; production uses the one it is given and never creates one."""
    try:
        return LocalCertificateAuthority.open(
            settings.signature_ca_dir or os.path.join(settings.instance_path, "city-ca"),
            create_if_missing=not settings.production, now=clock.now(),
            validity=timedelta(days=settings.signature_cert_validity_days),
            profile=certificate_profile(settings))
    except CertificateAuthorityError as exc:
        raise ConfigError(f"production needs SIGNATURE_CA_DIR set to an existing CA ({exc})") from exc


def push_sender(settings: Settings) -> PushSender:
    if settings.push_sender == "fcm":
        return FcmPushSender(settings.fcm_credentials_file, endpoint=settings.fcm_endpoint)
    if settings.production:
        log.warning("PUSH_SENDER=log: notifications stay in the in-app inbox, nothing reaches phones")
    return LogPushSender()


def document_store(settings: Settings) -> DocumentStore:
    """DOCUMENT_STORE_URL, or the directory instance/documents (a mounted volume is fine in production)."""
    try:
        return open_store(settings.document_store_url or os.path.join(settings.instance_path, "documents"),
                          endpoint_url=settings.document_store_endpoint_url,
                          region=settings.document_store_region)
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc


def payment_gateway(settings: Settings) -> PaymentGateway | None:
    """The gateway fees are paid through; none configured: fees are paid at the counter.

    PAYMENT_GATEWAY_URL=dev (development only, as `make run` sets it) starts the development
    gateway (devservers/payment_gateway.py) on a free loopback port in this process."""
    url, secret_key = settings.payment_gateway_url, settings.payment_gateway_secret
    if not url:
        return None
    if url == DEV_GATEWAY:
        from devservers.payment_gateway import DevPaymentGateway

        secret_key = secret_key or os.urandom(16).hex()
        url = DevPaymentGateway(secret=secret_key, callback_url=settings.payment_callback_url).start().base_url
        log.warning("development payment gateway on %s (drive it: POST %s/payments/REF/paid)", url, url)
    return HttpPaymentGateway(settings.payment_gateway_name, url, secret=secret_key or "",
                              api_key=settings.payment_gateway_api_key or "")
def sms_sender(settings: Settings) -> SmsSender:
    """The HTTP gateway, or in development the log sender (production refuses it)."""
    if settings.sms_sender == "http":
        return HttpSmsSender(SmsGatewaySettings(
            url=settings.sms_gateway_url or "", sender=settings.sms_gateway_sender,
            username=settings.sms_gateway_username, password=settings.sms_gateway_password,
            token=settings.sms_gateway_token, timeout_seconds=settings.sms_gateway_timeout_seconds))
    if settings.production:
        raise ConfigError("production needs SMS_SENDER=http: the log sender would write codes to the log")
    return LogSmsSender()


def eid_relying_party(settings: Settings, sessions: sessionmaker[Session],
                      kv: redis.Redis) -> EidRelyingParty | None:
    """The national e-ID client: EID_ISSUER, or in development the machine's development provider."""
    issuer = settings.eid_issuer
    if not issuer and settings.app_env != "development":
        return None  # production and tests without EID_ISSUER: no e-ID sign-in
    key = eid_development.client_key(settings)
    if not issuer:
        issuer = eid_development.ensure_provider(settings, sessions, key)
    try:
        return EidRelyingParty(EidSettings(
            issuer=issuer, client_id=settings.eid_client_id, client_key=key,
            redirect_uris=settings.eid_redirect_uris, algorithms=settings.eid_id_token_algorithms,
            acr_levels=acr_level_map(settings.eid_acr_levels), timeout_seconds=settings.eid_timeout_seconds),
            kv)
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"EID_* settings: {exc}") from exc


def build_runtime(settings: Settings) -> Runtime:
    id_hasher = NationalIdHasher(secret(settings, settings.national_id_hash_key, "NATIONAL_ID_HASH_KEY",
                                        "national_id_hash.key", 32))
    key_file = settings.jwt_private_key_file or os.path.join(settings.instance_path, "jwt_ed25519.pem")
    signing_key = load_signing_key(key_file, create_if_missing=not settings.production)
    authority, vault = certificate_authority(settings), key_vault(settings)

    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    kv = connect(settings.redis_url)
    passwords = Passwords(settings.password_hash_profile)
    tokens = AccessTokens(signing_key, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                          ttl_seconds=settings.access_token_ttl_seconds, kv=kv,
                          cache_size=settings.token_cache_size)
    throttle = SignInThrottle(kv, settings.signin_max_failures, settings.signin_lockout_seconds)
    sign_in = SignIn(tokens, passwords, id_hasher, throttle,
                     timedelta(days=settings.refresh_token_ttl_days))
    sms = sms_sender(settings)
    registration = Registration(TablePopulationRegistry, OtpChallenges(kv, "signup"), sms,
                                passwords, id_hasher, sign_in)
    sessions = make_session_factory(engine)
    eid = EidSignIn(eid_relying_party(settings, sessions, kv), sign_in, TablePopulationRegistry)
    built = Runtime(settings, clock, engine, sessions, kv, sms, id_hasher, passwords,
                    tokens, sign_in, registration, authority, vault, OtpChallenges(kv, OTP_PURPOSE),
                    push_sender(settings), UsageCounter(kv, settings.metrics_redis_retention_days),
                    document_store(settings), payment_gateway(settings), eid)
    tokens.revoked_sessions = _revoked_sessions(built)
    return built


def _revoked_sessions(built: Runtime):
    """The database's revoked sessions, read through whatever session factory is current."""
    def read(seconds: int) -> list:
        with built.sessions() as session:
            return revoked_within(session, seconds)
    return read


def runtime() -> Runtime:
    """The running app's parts (inside a request or a CLI command)."""
    return current_app.extensions[RUNTIME]
