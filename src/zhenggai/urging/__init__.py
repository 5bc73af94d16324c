"""Urging (督办): reminders, escalation notices, in-app notifications and daily snapshots."""
