"""checkov policies for kisictl plans (`kisictl plan --format json`).

Run them in CI on the plan of a pull request:

    kisictl plan --format json --mask-emails > plan.json
    checkov -f plan.json --framework terraform_plan --external-checks-dir examples/policy --skip-download

Edit the settings below for your site. checkov reads a plan's planned values: each
kisi_role_assignment as after apply (with the plan's action), each kisi_group with what the
plan does to it (grants, revocations, who is granted and revoked), and each kisi_schedule and
kisi_lock_schedule the config declares (type, days, hours, exceptions).
"""

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# Groups (by config address) a pull request must never grant access to.
STAFF_GROUPS = {"staff", "staff-only", "back-office"}
# People no plan may revoke: the examples' owners and managers.
PROTECTED_PEOPLE = {"owner@example.com", "owner@northside.example", "manager@hub.example"}
# The most grants one plan may make to one group.
MAX_GRANTS_PER_GROUP = 100
# Doors stand unlocked by schedule only within these hours (site time, "hh:mm").
UNLOCK_EARLIEST, UNLOCK_LATEST = "06:00", "22:00"


def first(conf, key, default=None):
    """checkov wraps every planned value in a list."""
    value = conf.get(key, [default])
    return value[0] if isinstance(value, list) and value else default


def masked(email):
    """a***@example.com, as `--mask-emails` shows an address (before its #hash)."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def is_protected(shown):
    """An address as the plan shows it: plain, or masked with a hash. A masked address matches
    every protected person masked alike: a protection errs on the side of stopping the plan."""
    address = shown.split("#", 1)[0].lower()
    return any(address in (person, masked(person)) for person in PROTECTED_PEOPLE)


class NoGrantsToStaffGroups(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="A pull request grants nobody access to a staff group",
            id="CKV_KISI_1",
            categories=[CheckCategories.IAM],
            supported_resources=["kisi_role_assignment"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["group"]
        if first(conf, "group") in STAFF_GROUPS and "create" in (conf.get("__change_actions__") or []):
            return CheckResult.FAILED
        return CheckResult.PASSED


class NoRevocationOfProtectedPeople(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name="No plan revokes a protected person (owners, managers)",
            id="CKV_KISI_2",
            categories=[CheckCategories.IAM],
            supported_resources=["kisi_group"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["revoked"]
        revoked = first(conf, "revoked", []) or []
        return CheckResult.FAILED if any(is_protected(shown) for shown in revoked) else CheckResult.PASSED


class AtMostSoManyGrantsPerGroup(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name=f"One plan grants at most {MAX_GRANTS_PER_GROUP} people access to one group",
            id="CKV_KISI_3",
            categories=[CheckCategories.IAM],
            supported_resources=["kisi_group"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["grants"]
        return CheckResult.PASSED if int(first(conf, "grants", 0) or 0) <= MAX_GRANTS_PER_GROUP else CheckResult.FAILED


check_staff = NoGrantsToStaffGroups()
check_protected = NoRevocationOfProtectedPeople()
check_grants = AtMostSoManyGrantsPerGroup()


class DoorsUnlockOnlyInDaytime(BaseResourceCheck):
    def __init__(self):
        super().__init__(
            name=f"Doors stand unlocked by schedule only between {UNLOCK_EARLIEST} and {UNLOCK_LATEST}",
            id="CKV_KISI_4",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["kisi_lock_schedule"],
        )

    def scan_resource_conf(self, conf):
        self.evaluated_keys = ["hours", "override"]
        if first(conf, "override", False):
            return CheckResult.PASSED  # an exception keeps the door locked
        hours = first(conf, "hours")
        if not hours:
            return CheckResult.FAILED  # a whole day or a single event: review it by hand
        start, _, end = hours.partition("-")
        return CheckResult.PASSED if UNLOCK_EARLIEST <= start and end <= UNLOCK_LATEST else CheckResult.FAILED


check_unlock_hours = DoorsUnlockOnlyInDaytime()
