"""Audit action names written by arsip, the records lifecycle (the `action` of
core.AuditEvent).

The values are stored in the audit trail and hashed into its chain: never change one.
Call sites use the constant, never the string (tests/core/test_audit_vocabulary.py).
"""

# Records and files (berkas) (arsip.services.records, arsip.services.files).
ARSIP_RECORD_CREATE = "arsip.record.create"
ARSIP_RECORD_UPDATE = "arsip.record.update"
ARSIP_RECORD_FILE_LINKED = "arsip.record.file_linked"
ARSIP_RECORD_FLAGS = "arsip.record.flags"
ARSIP_RECORD_READERS = "arsip.record.readers"
ARSIP_BERKAS_OPEN = "arsip.berkas.open"
ARSIP_BERKAS_CLOSE = "arsip.berkas.close"

# Export bundles and long-term archival signatures (arsip.services.export, arsip.services.lta).
ARSIP_EXPORT_BUNDLE = "arsip.export.bundle"
ARSIP_LTA_TIMESTAMP = "arsip.lta_timestamp"
ARSIP_LTA_VALIDATION_INFO = "arsip.lta_validation_info"

# Disposal (penyusutan) steps, one name per kind (Penyusutan.Jenis) and step
# (arsip.services.penyusutan): transfer (pemindahan) ...
ARSIP_PEMINDAHAN_PROPOSE = "arsip.pemindahan.propose"
ARSIP_PEMINDAHAN_ASSESS = "arsip.pemindahan.assess"
ARSIP_PEMINDAHAN_APPROVE = "arsip.pemindahan.approve"
ARSIP_PEMINDAHAN_EXECUTE = "arsip.pemindahan.execute"
# ... destruction (pemusnahan) ...
ARSIP_PEMUSNAHAN_PROPOSE = "arsip.pemusnahan.propose"
ARSIP_PEMUSNAHAN_ASSESS = "arsip.pemusnahan.assess"
ARSIP_PEMUSNAHAN_APPROVE = "arsip.pemusnahan.approve"
ARSIP_PEMUSNAHAN_EXECUTE = "arsip.pemusnahan.execute"
# ... and hand-over to the archive institution (penyerahan).
ARSIP_PENYERAHAN_PROPOSE = "arsip.penyerahan.propose"
ARSIP_PENYERAHAN_ASSESS = "arsip.penyerahan.assess"
ARSIP_PENYERAHAN_APPROVE = "arsip.penyerahan.approve"
ARSIP_PENYERAHAN_EXECUTE = "arsip.penyerahan.execute"

# The same, looked up by the disposal's kind (Penyusutan.jenis).
PENYUSUTAN_PROPOSE = {
    "pemindahan": ARSIP_PEMINDAHAN_PROPOSE,
    "pemusnahan": ARSIP_PEMUSNAHAN_PROPOSE,
    "penyerahan": ARSIP_PENYERAHAN_PROPOSE,
}
PENYUSUTAN_ASSESS = {
    "pemindahan": ARSIP_PEMINDAHAN_ASSESS,
    "pemusnahan": ARSIP_PEMUSNAHAN_ASSESS,
    "penyerahan": ARSIP_PENYERAHAN_ASSESS,
}
PENYUSUTAN_APPROVE = {
    "pemindahan": ARSIP_PEMINDAHAN_APPROVE,
    "pemusnahan": ARSIP_PEMUSNAHAN_APPROVE,
    "penyerahan": ARSIP_PENYERAHAN_APPROVE,
}
PENYUSUTAN_EXECUTE = {
    "pemindahan": ARSIP_PEMINDAHAN_EXECUTE,
    "pemusnahan": ARSIP_PEMUSNAHAN_EXECUTE,
    "penyerahan": ARSIP_PENYERAHAN_EXECUTE,
}
