"""A batch signing on the real stack whose web process is SIGKILLed mid-batch, then
continued through its page: every letter signed once or not at all (issue 19 item 3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/naskah_batch_kill \\
        python scripts/batch_kill.py --letters 12 --kill-after 3

The named database is DROPPED and created again. On loopback only. What it does and
checks: scripts/chaosrun/batch_kill.py.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chaosrun.batch_kill import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
