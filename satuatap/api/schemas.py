from datetime import datetime

from ninja import Field, Schema

from satuatap.organizations.models import Role, TimeZone, UnitKind


class ErrorBody(Schema):
    code: str = Field(description="Machine-readable error code, e.g. validation, not_found, forbidden.")
    message: str = Field(description="A message for a person, in the request's language.")
    fields: dict[str, list[str]] = Field(default_factory=dict, description="Messages per input field.")


class ErrorOut(Schema):
    error: ErrorBody


class UserOut(Schema):
    id: int
    username: str
    full_name: str

    @staticmethod
    def resolve_full_name(obj):
        return obj["full_name"] if isinstance(obj, dict) else str(obj)  # a user, or a dict made of one


class MembershipBrief(Schema):
    id: int
    unit_id: int
    unit_name: str
    role: Role


class MeOut(UserOut):
    memberships: list[MembershipBrief]


class UnitOut(Schema):
    id: int
    parent_id: int | None
    institution_id: int
    kind: UnitKind
    name: str
    code: str
    depth: int
    address: str
    time_zone: TimeZone
    phone: str
    whatsapp: str
    office_hours: str = Field(description="A note beside the structured hours (GET /units/{unit_id}/calendar)")
    observes_collective_leave: bool
    legal_name: str
    npwp: str
    legal_basis: str
    is_active: bool


class UnitIn(Schema):
    parent_id: int
    kind: UnitKind
    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=10)
    address: str = ""
    time_zone: TimeZone = TimeZone.WIB
    phone: str = Field("", max_length=32)
    whatsapp: str = Field("", max_length=32)
    office_hours: str = Field("", max_length=200)


class UnitPatch(Schema):
    kind: UnitKind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, min_length=1, max_length=10)
    address: str | None = None
    time_zone: TimeZone | None = None
    phone: str | None = Field(None, max_length=32)
    whatsapp: str | None = Field(None, max_length=32)
    office_hours: str | None = Field(None, max_length=200)
    observes_collective_leave: bool | None = None
    legal_name: str | None = Field(None, max_length=300)
    npwp: str | None = Field(None, max_length=20)
    legal_basis: str | None = Field(None, max_length=200)
    is_active: bool | None = None


class UnitMoveIn(Schema):
    new_parent_id: int


class MembershipOut(Schema):
    id: int
    user: UserOut
    unit_id: int
    unit_name: str = Field(alias="unit.name")
    role: Role
    is_active: bool
    created_at: datetime
    ended_at: datetime | None


class MembershipIn(Schema):
    user_id: int
    unit_id: int
    role: Role


class MembershipEndIn(Schema):
    note: str = Field("", max_length=500)


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str | None
    action: str
    target: str = Field(alias="target_repr")
    unit_id: int
    changes: dict
    note: str

    @staticmethod
    def resolve_actor(obj):
        return obj.actor.username if obj.actor else None


# A month in a query (``2026-03``): the ledger's and distribution's report ranges.
MONTH = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"


# A unit named in an answer: its id, code and name.
class UnitBrief(Schema):
    id: int
    code: str
    name: str
