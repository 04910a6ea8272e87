"""The load: drafting, approval, signing, incoming letters and searches, as the demo people."""

from __future__ import annotations

import io
import json
import random
import re
import sys
import threading
import traceback
from collections import Counter

from chaosrun.config import AGENDARIS, DRAFTERS, KADIS, SEARCHES, SIGNER
from chaosrun.person import Person
from chaosrun.stack import Stack

# --- The load ----------------------------------------------------------------------------------


class Load:
    def __init__(self, args, stack: Stack, stats: Counter):
        self.args, self.stack, self.stats = args, stack, stats
        self.people: dict[str, Person] = {}
        self.people_lock = threading.Lock()
        self.ready_lock = threading.Lock()
        self.ready: list[int] = []  # letters waiting for the signature, for a batch
        self.batches: list[int] = []
        self.stop = threading.Event()
        self.errors: list[str] = []

    def person(self, username: str) -> Person:
        with self.people_lock:
            if username not in self.people:
                self.people[username] = Person(username, self.stack.ports, self.stats)
            return self.people[username]

    # Scenarios ----------------------------------------------------------------------------

    def draft_to_signature(self) -> None:
        from core.models import Jabatan

        drafter = self.person(random.choice(DRAFTERS))
        signer = Jabatan.objects.get(nama=KADIS)
        n = self.stats["drafts_posted"] + 1
        response = drafter.post(
            "/naskah/baru/surat_dinas/",
            {
                "penandatangan": signer.pk,
                "mandat": "",
                "hal": f"Permohonan data layanan aplikasi uji kekacauan {n}",
                "urgensi": "biasa",
                "klasifikasi_keamanan": "biasa",
                "kode_klasifikasi": "000.1.2.3",
                "tempat": "",
                "body": "Dengan hormat, bersama ini kami sampaikan permohonan data.\n\n"
                "Demikian atas perhatiannya kami ucapkan terima kasih.",
                "penerima": [
                    json.dumps({"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"}),
                    json.dumps({"jenis": "tembusan", "jabatan_id": _jabatan_pk(KADIS_SEKDA)}),
                ],
            },
        )
        self.stats["drafts_posted"] += 1
        match = re.search(r"/naskah/(\d+)/", response.headers.get("Location", ""))
        if response.status_code != 302 or not match:
            self.stats["drafts_refused"] += 1
            return
        pk = int(match.group(1))
        self.stats["drafts_created"] += 1
        drafter.post(f"/naskah/{pk}/ajukan/", {"revisi": 1})
        self.paraf_all(pk)

    def paraf_all(self, pk: int) -> None:
        from naskah.models import Naskah
        from naskah.selectors.approval import naskah_route_open
        from workflows.models import StepState
        from workflows.step_kinds import SIGNATURE_KINDS

        for _round in range(12):
            if self.stop.is_set():
                return
            naskah = Naskah.objects.get(pk=pk)
            if naskah.status == Naskah.Status.SIAP_TANDATANGAN:
                with self.ready_lock:
                    self.ready.append(pk)
                return
            if naskah.status != Naskah.Status.DIAJUKAN:
                return
            route = naskah_route_open(naskah)
            state = (
                StepState.objects.filter(route=route, status="active")
                .exclude(step__kind__in=SIGNATURE_KINDS)
                .select_related("assignee")
                .order_by("pk")
                .first()
            )
            if state is None:
                return
            prefix = f"s{state.pk}"
            self.person(state.assignee.username).post(
                f"/naskah/{pk}/alur/aksi/",
                {
                    "prefix": prefix,
                    f"{prefix}-action": "paraf",
                    f"{prefix}-step_state": state.pk,
                    f"{prefix}-revisi": naskah.revisi_terakhir,
                    f"{prefix}-version": route.version,
                    f"{prefix}-note": "",
                    f"{prefix}-to_step": "",
                },
            )
            self.stats["paraf_posted"] += 1

    def sign_one(self) -> None:
        with self.ready_lock:
            if not self.ready:
                return
            pk = self.ready.pop(0)
        from naskah.demo import demo_passphrase

        self.person(SIGNER).post(f"/naskah/{pk}/tte/", {"passphrase": demo_passphrase()})
        self.stats["single_signs_posted"] += 1

    def sign_batch(self) -> None:
        with self.ready_lock:
            if len(self.ready) < 3:
                return
            ids, self.ready = self.ready[:10], self.ready[10:]
        from naskah.demo import demo_passphrase

        response = self.person(SIGNER).post(
            "/naskah/tte/batch/", {"naskah": ids, "passphrase": demo_passphrase()}
        )
        match = re.search(r"/tte/batch/(\d+)/", response.headers.get("Location", ""))
        self.stats["batches_posted"] += 1
        if match:
            self.batches.append(int(match.group(1)))

    def register_incoming(self) -> None:
        from django.utils import timezone

        from core.models import Jabatan, UnitKerja

        n = self.stats["incoming_posted"] + 1
        if self.args.no_ocr:
            upload = ("surat.pdf", _text_pdf(n), "application/pdf")
        else:
            from naskah.masuk.demo import demo_scan

            upload = ("pindaian.png", demo_scan(timezone.localdate()), "image/png")
        self.person(AGENDARIS).post(
            "/surat-masuk/surat/baru/",
            {
                "unit": UnitKerja.objects.get(kode="BIRO-UMUM").pk,
                "pengirim": "Badan Siber dan Sandi Negara",
                "nomor_surat": f"B-{n}/BSSN/CHAOS/{random.randrange(10**6)}",
                "tanggal_surat": "",
                "tanggal_diterima": timezone.localdate().isoformat(),
                "hal": f"Sosialisasi Sertifikat Elektronik {n}",
                "urgensi": "segera",
                "klasifikasi_keamanan": "biasa",
                "kode_klasifikasi": "000.1.2.3",
                "jumlah_lampiran": "0",
                "jabatan_tujuan": Jabatan.objects.get(nama="Kepala Biro Umum").pk,
            },
            files={"berkas": upload},
        )
        self.stats["incoming_posted"] += 1

    def search(self) -> None:
        self.person(SIGNER).get("/arsip/", params={"q": random.choice(SEARCHES)})
        self.stats["searches"] += 1

    def client(self) -> None:
        from django.db import close_old_connections

        scenarios = [
            (self.draft_to_signature, 4),
            (self.sign_one, 2),
            (self.sign_batch, 1),
            (self.register_incoming, 1),
            (self.search, 1),
        ]
        funcs, weights = zip(*scenarios, strict=True)
        while not self.stop.is_set():
            func = random.choices(funcs, weights)[0]
            try:
                func()
            except Exception as error:  # noqa: BLE001 - a fault may break one operation
                self.stats[f"op_errors_{func.__name__}"] += 1
                if len(self.errors) < 20:
                    self.errors.append(f"{func.__name__}: {error!r}")
                    traceback.print_exc(file=sys.stderr)
            finally:
                close_old_connections()


KADIS_SEKDA = "Sekretaris Daerah Provinsi Lampung"
_jabatan_cache: dict[str, int] = {}


def _jabatan_pk(nama: str) -> int:
    if nama not in _jabatan_cache:
        from core.models import Jabatan

        _jabatan_cache[nama] = Jabatan.objects.get(nama=nama).pk
    return _jabatan_cache[nama]


def _text_pdf(n: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    y = 760
    for line in [
        "BADAN SIBER DAN SANDI NEGARA",
        f"Nomor: B-{n}/BSSN/2026",
        "Hal: Sosialisasi Sertifikat Elektronik",
        "Dengan hormat, bersama ini kami mengundang Bapak/Ibu untuk menghadiri sosialisasi",
        "penggunaan sertifikat elektronik bagi pejabat penandatangan naskah dinas.",
    ]:
        page.drawString(72, y, line)
        y -= 20
    page.showPage()
    page.save()
    return buf.getvalue()
