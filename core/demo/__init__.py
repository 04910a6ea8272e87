"""Demo organisation of the Provincial Government of Lampung (fictional people).

Used only by `manage.py seed_demo`. Everything is keyed by natural keys (unit code,
position name + unit, username) so running it again changes nothing.

One module per area: ``organisation`` (the data), ``second_factor`` (the demo TOTP and
recovery codes), ``seed`` (``demo_seed``). The public names are re-exported here.
"""

from core.demo.organisation import (  # noqa: F401
    ALAMAT_SETDA,
    DEMO_KODE_RESMI,
    GROUP_MEMBERS,
    GROUP_PERMISSIONS,
    GROUPS,
    KOTA,
    PEOPLE,
    POSITIONS,
    UNITS,
)
from core.demo.second_factor import (  # noqa: F401
    DEMO_DEVICE_NAME,
    DEMO_RECOVERY_CODES,
    DEMO_TOTP_SECRET,
    demo_second_factor_users,
    demo_totp_key_hex,
)
from core.demo.seed import DEMO_JRA, DEMO_JRA_NOTE, SeedResult, demo_seed  # noqa: F401
