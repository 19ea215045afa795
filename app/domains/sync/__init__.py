"""Sync: keeps every marketplace in step with the stock ledger (pushes), and brings listings in.

Jobs are BackgroundJob rows + SAQ jobs (app.domains.jobs); each push, import and failure is also
a SyncLog line a seller can read.
"""
