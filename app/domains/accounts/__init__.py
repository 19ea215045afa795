"""Accounts: organisations (the tenant), their members and roles, invitations, password resets.

Identity is Piccolo's BaseUser, so the admin at /admin and the app share one user table.
"""
