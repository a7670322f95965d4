"""/me/notifications and /me/devices."""
from __future__ import annotations

import uuid

import marshmallow as ma
from flask.views import MethodView
from marshmallow import validate

from api.blueprint import Blueprint
from api.context import request_context
from api.pagination import PageQuery
from services.notifications import inbox

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/me", description="In-app inbox")


class NotificationSchema(ma.Schema):
    id = ma.fields.UUID(attribute="public_id")
    kind = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    reference = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class InboxQuery(PageQuery):
    unread_only = ma.fields.Boolean(load_default=False)


class InboxSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(NotificationSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)
    unread_count = ma.fields.Integer(required=True)


class DeviceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    platform = ma.fields.String(required=True, validate=validate.OneOf(inbox.PLATFORMS))
    push_token = ma.fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=512))
    registered_at = ma.fields.DateTime(dump_only=True)


@blp.route("/notifications")
class Inbox(MethodView):
    @blp.auth()
    @blp.arguments(InboxQuery, location="query")
    @blp.response(200, InboxSchema)
    def get(self, query):
        """The inbox, newest first, with the number of unread entries."""
        result = inbox.list_inbox(request_context(), **query)
        return {"items": result.page.items, "next_cursor": result.page.next_cursor,
                "unread_count": result.unread}


@blp.route("/notifications/<uuid:notification_id>/read")
class MarkRead(MethodView):
    @blp.auth()
    @blp.response(200, NotificationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, notification_id: uuid.UUID):
        """Mark one entry read."""
        return inbox.mark_read(request_context(), notification_id)


@blp.route("/devices")
class Devices(MethodView):
    @blp.auth()
    @blp.arguments(DeviceSchema)
    @blp.response(201, DeviceSchema)
    def post(self, device):
        """Register this phone's push token."""
        return inbox.register_device(request_context(), **device)
